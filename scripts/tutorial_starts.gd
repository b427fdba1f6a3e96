#!/usr/bin/env gd
# Tutorial: sin(x) + 0.5x^2 from -5, 0 and 5. Tutorials often use it to show
# "different starts, different local minima", but look at the second
# derivative: 1 - sin(x) is never negative, so the function is convex and
# has one minimum only (near x = -0.739, where cos(x) + x = 0). All three
# starts reach the same point.
f(x) = sin(x) + 0.5x^2
f''                     # 1 - sin(x) >= 0: convex
minimize f from [-5, 0, 5] lr 0.1 steps 200
