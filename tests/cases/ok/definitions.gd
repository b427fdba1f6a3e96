# Late binding: redefining a value or function changes its users.
a = 2
f(x) = a*x^2
g(x) = f(x) + 1
g(3)
a = 3
g(3)
f(x) = x
g(3)
k = g'
k
π + pi
θ = 0.5
θ^2
