g(x) = x^3
plot g'
