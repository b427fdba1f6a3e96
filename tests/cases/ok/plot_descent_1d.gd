# The path on the curve, x per step, and the value per step (log scale:
# it falls from 9 to about 1e-3).
f(x) = (x - 3)^2
minimize f from 0 lr 0.1 steps 20 plot
