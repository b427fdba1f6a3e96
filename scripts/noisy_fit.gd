#!/usr/bin/env gd
# A line through 100 noisy points (scripts/data/noisy.csv: x, y, made as
# y = 3x - 2 plus noise) by stochastic gradient descent: each step uses a
# minibatch of 10 rows, drawn without replacement and reshuffled every
# epoch (10 steps), reproducibly from the seed. The trace shows the loss on
# all 100 rows.
load("scripts/data/noisy.csv")
loss(w, b) = mean((w*x + b - y)^2)
grad(loss)

minimize loss from (0, 0) lr 0.01 steps 200 batch 10 seed 1 every 20

# The same seed gives the same minibatches, so methods compare fairly:
minimize loss from (0, 0) lr 0.01 steps 200 batch 10 seed 1 using [gd, momentum(0.9), adam]

# Full batch, for comparison: the least-squares line.
minimize loss from (0, 0) lr 0.02 steps 3000 tol 1e-8 using momentum(0.9) every 100
