# Data vectors: element-wise arithmetic, broadcasting, reductions.
X = [1, 2, 3, 4, 5]
Y = 2X + 1
X*2
X*Y
X/X
sin(pi*X/2)
max(X, 3)
[1, 2, 3] + 1
sum(X)
mean(X)
mean((X - mean(X))^2)
check sum(X)/5 == mean(X)
# Copies and definitions from data are vectors too.
Z = X
W = X^2 - Y
W
# A number times a vector in a function, reduced.
loss(w, b) = mean((w*X + b - Y)^2)
loss
loss(2, 1)
grad(loss)
grad(loss)(0, 0)
hessian(loss)
diff(loss, b)
# Unreduced data in a function: a vector per point.
r(w) = w*X - Y
r(2)
g(w) = sum((w*X - Y)^2)
g'
check diff(loss, w) == mean(2(w*X + b - Y)*X)
check mean(X^2) == mean(X)^2
# Columns of a file.
load("scripts/data/exam.csv")
mean(hours)
sum(passed)
# A defined list of numbers still serves as starts or rates.
f(x) = (x - 3)^2
rates = [0.1, 0.5]
minimize f from 0 lr rates steps 3
