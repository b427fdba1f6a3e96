# A constant function: every point is critical, which is no list.
f(x) = 3
critical f
