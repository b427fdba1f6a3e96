# Numerical derivatives in floating point, and tables.
f(x) = x^3
fdiff(f, 1, 1e-12)          # about 2.7e-4 off: rounding
fdiff(f, 1)
cdiff(f, 1)
f'(1)
g(x) = x^2
table x, g(x), g'(x), fdiff(g, x) for x in [-2, -1, 0, 1, 2]
# How the error behaves as h shrinks: truncation, then rounding.
table h, fdiff(f, 1, h) - f'(1), cdiff(f, 1, h) - f'(1) for h in [1e-1, 1e-3, 1e-5, 1e-7, 1e-9, 1e-11, 1e-13]
# Over a data vector; a defined x is shadowed only inside the table.
x = 100
X = [0.5, 1.5, 2.5]
s(x) = sin(x)
table x, s(x), cos(x), cdiff(s, x) for x in X
x
