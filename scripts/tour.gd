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
