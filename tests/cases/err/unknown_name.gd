f(x, y) = x + z
