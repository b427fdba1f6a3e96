# A contour map of two parameters: filled levels and their legend.
g(x, y) = (x - 3)^2 + 5(y - 2)^2
plot g from (0, 0) to (6, 4)
