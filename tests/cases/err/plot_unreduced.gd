# A function that leaves data unreduced has a value per row: no curve.
X = [1, 2, 3]
g(w) = (w*X)^2
plot g
