# batch deals out rows: the data of one function must have one length.
X = [1, 2, 3]
Z = [1, 2]
loss(w) = mean((w*X - 2)^2) + mean((w*Z - 1)^2)
minimize loss from 0 batch 2
