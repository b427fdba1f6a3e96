#!/usr/bin/env gd
# Tutorial: x^2 + y^2 from (3, 4). The gradient (2x, 2y) points straight
# away from the origin, so descent walks straight back to it: every step at
# lr 0.1 shrinks the point by the factor 0.8.
f(x, y) = x^2 + y^2
minimize f from (3, 4)
