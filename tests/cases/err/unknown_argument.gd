f(x) = x^2
minimize f from 1 using adam(beta3=0.5)
