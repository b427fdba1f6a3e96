f(x, y) = x(y + 1)
