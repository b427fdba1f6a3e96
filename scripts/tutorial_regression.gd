#!/usr/bin/env gd
# Tutorial: fit a line y = w*x + b to five points on y = 2x by gradient
# descent on the mean squared error, as the PyTorch tutorials do.
X = [1, 2, 3, 4, 5]
Y = 2X
loss(w, b) = mean((w*X + b - Y)^2)

# The gradient a student derives by hand, with the means kept:
grad(loss)
check diff(loss, w) == mean(2(w*X + b - Y)*X)

# At the start (0, 0): the loss and its gradient.
loss(0, 0)
grad(loss)(0, 0)

# 100 epochs at lr 0.01 (full batch: every step uses all five points).
minimize loss from (0, 0) lr 0.01 steps 100 every 10

# The learning-rate table: the Hessian of this loss is constant, so theory
# says which rates are stable.
minimize loss from (0, 0) lr [0.01, 0.05, 0.1] steps 100

# Enough epochs to reach w = 2, b = 0 within 1e-6: stop when the gradient
# is below 1e-7.
minimize loss from (0, 0) lr 0.01 steps 10000 tol 1e-7 every 500
