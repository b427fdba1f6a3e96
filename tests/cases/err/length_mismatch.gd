# Vectors of different lengths cannot be added.
X = [1, 2, 3]
Z = [1, 2]
X + 2Z
