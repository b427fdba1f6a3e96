# Witnesses: both sides finite, the simplest point, variables in parameter order.
loss(w, b) = (3w + b - 1)^2
check diff(loss, w) == 6(3w + b)
check diff(loss, b) == 2(3w + b + 1)
check grad(loss) == (6(3w + b - 1), 2(3w + b - 1))
check grad(loss) == (6(3w + b - 1), 2(3w - b - 1))
check x + y == x + y + x*y
check y - x == x - y
check 1/x == 1/(x - 1)
check diff(1/x, x) == 1/x^2
check 1/(x^2 - 4) == 1/(x^2 + 4)
check x == x + 1/10^8
check x^3 == x^3 + 2^-40
