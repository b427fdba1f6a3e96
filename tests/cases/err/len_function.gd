X = [1, 2, 3]
len(X)
