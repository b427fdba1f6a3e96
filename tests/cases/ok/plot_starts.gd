# Three starting points on one curve, labelled, and their values per step.
f(x) = sin(x) + 0.5x^2
minimize f from [-4, 0.5, 3] lr 0.1 steps 30 plot
