# a list holds numbers or points, not both
X = [1, 2, (3, 4)]
