# Comparisons: the tutorials' learning-rate table, starts, methods.
f(x) = (x - 3)^2
minimize f from 0 lr [0.01, 0.1, 0.5, 1.0, 1.1] steps 20
minimize f from [-5, 0, 5] lr 0.1 steps 50
r(x, y) = (1 - x)^2 + 100(y - x^2)^2
minimize r from (-1.2, 1) lr 0.001 steps 500 using [gd, momentum(0.9), nesterov(0.9), adagrad, rmsprop, adam(beta1=0.8), newton]
