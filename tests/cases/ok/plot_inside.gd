# A path's start, end and the minimum inside the frame, not on its edge;
# values per step on a log axis labelled at decades; an exact 0 (lr 0.5)
# on a mark of its own below them.
f(x) = (x - 3)^2
minimize f from 0 lr 0.1 steps 20 plot
g(x, y) = (x - 3)^2 + 5(y - 2)^2
minimize g from (0, 0) lr 0.05 steps 30 plot
minimize f from 0 lr [0.1, 0.5] steps 20 plot
