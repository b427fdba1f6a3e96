f(x, y, z) = x^2 + y^2 + z^2
plot f
