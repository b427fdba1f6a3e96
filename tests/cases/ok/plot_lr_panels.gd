# The tutorials' learning-rate panels: one small panel per rate, then every
# run's value per step in one panel (log scale; exact zeros sit on the
# bottom edge).
f(x) = (x - 3)^2
minimize f from 0 lr [0.01, 0.1, 0.5, 1.1] steps 20 plot
