f(x) = sqrt(-x^2 - 1)
plot f
