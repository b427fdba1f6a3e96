# an empty list cannot be data
X = []
mean(X)
