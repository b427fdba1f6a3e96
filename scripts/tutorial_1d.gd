#!/usr/bin/env gd
# Tutorial: gradient descent on f(x) = (x - 3)^2, the first example of
# every course. The minimum is at x = 3. With lr 0.1 each step multiplies
# the distance to 3 by 1 - 2*0.1 = 0.8.
f(x) = (x - 3)^2
f'                      # the derivative, symbolic: 2x - 6
minimize f from 0 lr 0.1 steps 20
