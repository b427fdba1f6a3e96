# The path on the contour map, and the value per step.
g(x, y) = (x - 3)^2 + 5(y - 2)^2
minimize g from (0, 0) lr 0.05 steps 30 plot
