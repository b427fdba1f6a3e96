# Expressions in x and y whose laws were checked by hand when the fuzzer was set up.
((x + 1)^2 - (x^2))
(sin(x)^2 + cos(x)^2)
(ln(exp(x)) * sigmoid(y))
((x^(1/2)) / (x + (-1)))
