f(x) = x^2
minimize f from 0 lr 0.1
y = 3 +
