# Vectors of different lengths inside a function are found when it is used.
X = [1, 2, 3]
Y = [1, 2]
loss(w) = mean((w*X - Y)^2)
minimize loss from 0
