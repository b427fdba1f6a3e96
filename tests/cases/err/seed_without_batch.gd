# seed picks the minibatches: without batch it is an error.
X = [1, 2, 3]
loss(w) = mean((w*X - 2X)^2)
minimize loss from 0 seed 3
