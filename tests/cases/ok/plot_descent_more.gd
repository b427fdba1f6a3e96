# Three parameters: only the value per step. A method comparison overlays
# its labelled paths; maximize draws the function's own values.
f(x, y, z) = x^2 + 2y^2 + 3z^2
minimize f from (1, 1, 1) lr 0.1 steps 15 plot
g(x, y) = (x - 3)^2 + (y - 2)^2
minimize g from (0, 0) lr 0.1 steps 25 using [gd, momentum(0.9), adam] plot
h(x) = 4 - (x - 1)^2
maximize h from -1 lr 0.2 steps 10 plot
