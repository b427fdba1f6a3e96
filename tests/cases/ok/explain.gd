# Derivations step by step, ending in diff's own result.
explain diff(x^3 sin(x), x)
explain diff(x^2 + 3x - 5, x)
explain diff(x/(x^2 + 1), x)
explain diff(sqrt(x^2 + 1), x)
explain diff(exp(-x^2/2), x)
explain diff(sin(x^2) + cos(x^2), x)
explain diff(x^x, x)
explain diff(2^x, x)
explain diff(ln(x^2 + 1), x)
explain diff(sigmoid(x), x)
explain diff(abs(x^2 - 1), x)
explain diff(a*x^2 + b*x + c, x)
explain diff(5, x)
f(x) = (x - 3)^2
explain f'
explain f''
explain diff(f, x, 2)
g(x, y) = x^2 y + 3x*y^2
explain grad(g)
explain diff(g, y)
explain (diff(x^4, x, 3))
