# Every method of 'using' with minibatches of 4 of 10 rows (an epoch is 3
# steps: 4 + 4 + 2 rows); the trace shows the loss on all rows.
X = [0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5]
Y = 3X - 1 + [0.1, -0.2, 0.05, 0, 0.15, -0.1, 0.2, -0.05, 0, 0.1]
loss(w, b) = mean((w*X + b - Y)^2)
minimize loss from (0, 0) lr 0.02 steps 9 batch 4 seed 42 using [gd, momentum(0.9), nesterov(0.9), adagrad, rmsprop, adam, newton]
maximize loss from (1, 1) lr 0.001 steps 3 batch 4 seed 42
