f(x, y) = x^2 + y^2
plot f from (-1e300, -1e300) to (1e300, 1e300)
