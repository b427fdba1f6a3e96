# data redefined after a function used it: the error points at the statement
X = [1, 2, 3]
Y = [2, 4, 6]
loss(w) = mean((w*X - Y)^2)
X = [1, 2]
loss(1)
