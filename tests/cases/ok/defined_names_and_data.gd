# diff: the named variable is a variable even where a value of that name is defined
a = 3
diff(a^2, a)
diff(a*x, a)
X = [1, 2]
diff(X^2, X)
# a check over data names the row where the sides differ
X = [1, 2, 3]
Z = [1, 2, 7]
check X == Z
check X == [1, 2, 3]
# sum and mean of an expression without data are the expression
sum(x)
mean(x^2 + 1)
# a batch larger than the data is reported as asked (it uses every row)
X = [1, 2, 3, 4, 5]
Y = [1, 2, 3, 4, 6]
loss(a, b) = mean((a*X + b - Y)^2)
minimize loss from (0, 0) lr 0.1 steps 2 batch 100
# Newton on a leftover batch of one row: its Hessian is singular
minimize loss from (0, 0) lr 1 steps 5 batch 2 seed 7 using newton
