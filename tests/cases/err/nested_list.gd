# a nested list
X = [1, [2]]
