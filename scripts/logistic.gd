#!/usr/bin/env gd
# Logistic regression: the chance of passing an exam after studying some
# hours, fitted to 40 students (scripts/data/exam.csv: hours, passed). Paths
# are relative to the current directory: run this from the repository root.
load("scripts/data/exam.csv")
mean(passed)

# The model and the mean cross-entropy (the negative log-likelihood).
p(w, b) = sigmoid(w*hours + b)
loss(w, b) = -mean(passed*ln(p(w, b)) + (1 - passed)*ln(1 - p(w, b)))

# The gradient is the textbook mean((p - passed)*hours), multiplied out:
grad(loss)
check diff(loss, b) == mean(sigmoid(w*hours + b) - passed)

minimize loss from (0, 0) lr 0.1 steps 2000 tol 1e-6 using adam every 100

