f(x, y) = x^2 + y^2
plot grad(f)
