f(x) = (x - 3)^2
plot f from 5 to 2
