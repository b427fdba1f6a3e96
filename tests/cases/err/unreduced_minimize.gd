# A function that leaves data unreduced cannot be minimized.
X = [1, 2, 3]
Y = [2, 4, 6]
loss(w) = (w*X - Y)^2
minimize loss from 0
