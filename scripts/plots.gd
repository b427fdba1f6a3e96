#!/usr/bin/env gd
# The tutorials' figures, one line each, drawn in the terminal. Add
#   to "name.svg"
# at the end of any plot line to write an SVG file instead.
f(x) = (x - 3)^2
plot f                                                     # the curve
plot f, f'                                                 # beside its derivative
minimize f from 0 lr 0.1 steps 20 plot                     # the path on it, x and f per step
minimize f from 0 lr [0.01, 0.1, 0.5, 1.1] steps 20 plot   # the four learning-rate panels
bowl(x, y) = (x - 3)^2 + (y - 2)^2
minimize bowl from (0, 0) lr 0.1 steps 30 plot             # the path on the contour map
s(x) = sin(x) + 0.5x^2
minimize s from [-5, 0, 5] lr 0.1 steps 50 plot            # three starts, one minimum
