#!/usr/bin/env gd
# Tutorial: stop as soon as the gradient is small. x^2 + 2x + 1 = (x + 1)^2
# has its minimum at x = -1; tol 1e-6 stops when |f'(x)| < 1e-6.
f(x) = x^2 + 2x + 1
check f'(x) == 2(x + 1)
minimize f from 5 lr 0.1 steps 1000 tol 1e-6
