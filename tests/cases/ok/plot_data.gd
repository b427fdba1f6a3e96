# A loss over data plots as any function of two parameters (evaluated by
# the program over its rows), and a minibatch run draws its path on it.
X = [1, 2, 3, 4, 5]
Y = 2X
loss(w, b) = mean((w*X + b - Y)^2)
plot loss from (0, -1) to (4, 1)
minimize loss from (0, 0) lr 0.05 steps 12 batch 2 seed 1 plot
