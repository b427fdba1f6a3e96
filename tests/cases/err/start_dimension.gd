f(x, y) = x^2 + y^2
minimize f from 1
