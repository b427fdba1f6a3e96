#!/usr/bin/env gd
# Tutorial: a round bowl in two variables, minimum at (3, 2).
f(x, y) = (x - 3)^2 + (y - 2)^2
grad(f)                 # (2x - 6, 2y - 4)
minimize f from (0, 0) lr 0.1 steps 30
