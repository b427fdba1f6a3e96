# redefining a function with another number of parameters: its users say so when used
f(x) = x^2
g(x) = f(x) + 1
f(x, y) = x*y
g(2)
