f(x) = (x - 3)^2
minimize f from 0 steps 3 using adam(lr=0.01)
