f(x) = x^2
minimize f from 1 using adam(beta1=1)
