# A column may use only the table's variable and defined names.
f(x) = x^2
table x, f(x) for x in [1, 2]
table x, f(y) for x in [1, 2]
