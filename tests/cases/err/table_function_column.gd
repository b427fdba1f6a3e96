# A column is a number per row: a function needs its argument.
f(x) = x^2
table x, f' for x in [1, 2]
