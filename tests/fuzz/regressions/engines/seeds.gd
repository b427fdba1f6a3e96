# Expressions in x and y run on both engines when the fuzzer was set up.
((x^(1/2)) * ln(y))
(max(x, y) / sign(x))
((1e999) - (x^2))
