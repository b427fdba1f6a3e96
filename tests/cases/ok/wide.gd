# columns: 80
# Tables wider than 80 columns fit: the middle parameters of a trace are
# elided, a comparison drops columns, and at last stacks its rows.
f(a, b, c, d, g, h) = (a - 1)^2 + (b - 2)^2 + (c - 3)^2 + (d - 4)^2 + (g - 5)^2 + (h - 6)^2 + a*b*c
minimize f from (0, 0, 0, 0, 0, 0) lr 0.013 steps 3
minimize f from [(0, 0, 0, 0, 0, 0), (1, 1, 1, 1, 1, 1)] lr 0.013 steps 3
