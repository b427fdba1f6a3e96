# Critical points: exact for polynomials of one parameter, by Newton's
# method otherwise, each classified, the lowest minimum named.
f(x) = x^3 - 3x
critical f
critical f from 0 to 5
q(x) = x^4
critical q
c(x) = x^3
critical c
k(x) = (x^2 - 2)^2
critical k
l(x) = 2x + 1
critical l
# Convex, whatever a tutorial says: one minimum.
g(x) = sin(x) + 0.5x^2
critical g
u(x) = sin(5x)
critical u from 0 to 3
himmelblau(x, y) = (x^2 + y - 11)^2 + (x + y^2 - 7)^2
critical himmelblau from (-5, -5) to (5, 5)
rosenbrock(x, y) = (1 - x)^2 + 100(y - x^2)^2
critical rosenbrock
s(x, y) = x^2 - y^2
critical s
X = [1, 2, 3, 4, 5]
Y = 2X + 1
loss(w, b) = mean((w*X + b - Y)^2)
critical loss
