# check compares row by row: different lengths are the error X + Z gives
X = [1, 2, 3]
Z = [1, 2]
check X == Z
