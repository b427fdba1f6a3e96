# An expression over data has a value per row: reduce it.
X = [1, 2, 3]
plot w*X
