#!/usr/bin/env gd
# A guided tour of gd. Run it with:  gd scripts/tour.gd
# Every line below is a statement; what follows '#' is a comment.

# --- 1. Numbers and expressions -------------------------------------------
# A bare expression prints its value. Implicit multiplication works as on
# paper: 2pi is 2*pi, and -x^2 means -(x^2).
2pi
2^3^2                       # powers group to the right: 2^9 = 512
6/2(1 + 2)                  # as in Wolfram Alpha: (6/2)(1 + 2) = 9

# With free variables the expression is simplified, not evaluated.
(x + 1)^2 - x^2
expand((x + 1)^3)

# --- 2. Definitions ----------------------------------------------------------
# A value is evaluated when defined; a function keeps its formula.
a = 3
f(x) = (x - a)^2
f(5)                        # (5 - 3)^2 = 4
g(x, y) = (x - 3)^2 + (y - 2)^2

# --- 3. Derivatives ------------------------------------------------------------
# Exact, symbolic, simplified to what you would write by hand.
diff(x^3 sin(x), x)
diff(x^4, x, 2)             # the second derivative
f'                          # the derivative of a one-parameter function
f'(0)                       # ... evaluated: 2(0 - 3) = -6
grad(g)                     # partial derivatives in parameter order
grad(g)(0, 0)
hessian(g)
latex(diff(sqrt(x), x))
explain diff(x^2 sin(x), x) # how it is derived: one rule per line
critical g                  # where grad g = 0: a minimum at (3, 2)
cdiff(f, 1) - f'(1)         # a numerical derivative, in floating point: its error
table x, f(x), f'(x), fdiff(f, x) for x in [1, 2, 3, 4, 5]

# --- 4. Checking your hand work -----------------------------------------------
# check compares symbolically first, then at many points.
check diff(x^3 sin(x), x) == 3x^2 sin(x) + x^3 cos(x)
check diff(ln(x^2), x) == 2/x
check ln(x^2) == 2ln(x)     # not equal: at x < 0 the right side is undefined

# --- 5. Gradient descent -------------------------------------------------------
# Each run prints the symbolic gradient, a table of steps, and a verdict.
minimize g from (0, 0) lr 0.1 steps 30 every 5
minimize f from 0 lr 0.1 steps 100 tol 1e-6
h(x) = 4 - (x + 1)^2       # a hill with its top at x = -1
maximize h from 0 lr 0.1 steps 50 every 10
minimize f from 0 steps 5 using adam state   # watch Adam's moments, under torch's names

# --- 6. Comparisons -------------------------------------------------------------
# A list of rates, starts or methods runs once each and prints a verdict
# table; for a quadratic, theory says which rates are stable.
minimize g from (0, 0) lr [0.01, 0.1, 0.5, 1.1] steps 20
minimize g from (0, 0) steps 30 using [gd, momentum(0.9), adam]

# --- 7. Pictures ----------------------------------------------------------------
# 'plot' draws a curve or a contour map; '... plot' on a descent draws its
# path (add  to "name.svg"  to write an SVG file instead).
minimize f from 0 lr 0.1 steps 15 plot

# --- 8. Data ---------------------------------------------------------------------
# A list of numbers is a data vector; load("file.csv") reads one per column.
# A loss over data is one line, its gradient keeps the means, and
# 'batch N seed S' makes the descent stochastic.
load("scripts/data/noisy.csv")
loss(w, b) = mean((w*x + b - y)^2)
grad(loss)
minimize loss from (0, 0) lr 0.01 steps 200 batch 10 seed 1 every 40
