g(x) = x
f(x) = g(x) + 1
g(x) = f(x)
