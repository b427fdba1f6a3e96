f(x) = (x - 3)^2
minimize f from 0 plot to "f.png"
