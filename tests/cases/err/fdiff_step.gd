# fdiff needs a positive step.
f(x) = x^3
fdiff(f, 1, 1e-3)
fdiff(f, 1, -1e-3)
