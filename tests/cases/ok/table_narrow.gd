# columns: 40
# A table too wide for the terminal: a block per row, nothing cut.
f(x) = x^3
table x, f(x), fdiff(f, x), cdiff(f, x) for x in [1, 2]
table x, f(x) for x in [1, 2, 3]
