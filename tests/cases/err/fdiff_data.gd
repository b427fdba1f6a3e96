# fdiff needs one number per point: a function of data must reduce it.
X = [1, 2, 3]
loss(w) = mean((w*X - 2X)^2)
fdiff(loss, 1)
g(w) = w*X
fdiff(g, 1)
