#!/usr/bin/env gd
# Tutorial: derivatives, step by step. What a derivative is (the limit of
# a difference quotient), how the rules build one, how to check your own,
# where a function's minima are, and how a descent uses the slope.

# --- 1. The slope as a limit ---------------------------------------------------
# f'(1) is the limit of (f(1 + h) - f(1))/h as h shrinks. For f(x) = x^3
# the exact slope at 1 is 3.
f(x) = x^3
f'(1)
fdiff(f, 1, 0.1)            # (1.1^3 - 1)/0.1 = 3.31: h is too big
fdiff(f, 1)                 # h = 1e-6: close, but not exact
# Shrink h: the error first falls like h (truncation), then grows again as
# the two values of f agree in more and more digits (rounding, about 1e-16/h).
table h, fdiff(f, 1, h), fdiff(f, 1, h) - f'(1) for h in [1e-1, 1e-2, 1e-4, 1e-6, 1e-8, 1e-10, 1e-12]
# The central difference (f(1 + h) - f(1 - h))/(2h) cancels the h term: its
# error falls like h^2, so h = 1e-5 already gives ten good digits.
table h, fdiff(f, 1, h) - f'(1), cdiff(f, 1, h) - f'(1) for h in [1e-1, 1e-2, 1e-3, 1e-5]

# --- 2. The rules, one at a time --------------------------------------------------
# explain shows each rule as it is applied; the parts not yet done are
# written diff(u, x).
explain diff(3x^4 - 2x + 7, x)          # sum, constant multiple, power
explain diff(x^2 sin(x), x)             # product
explain diff(sin(x^2), x)               # chain
explain diff(x/(1 + x^2), x)            # quotient
g(x) = x*ln(x)
explain g''                             # a second derivative, in turn

# --- 3. A table of values and slopes ---------------------------------------------
# The exact derivative beside the numerical one, one row per x.
p(x) = x^2 - 2x
table x, p(x), p'(x), fdiff(p, x), cdiff(p, x) for x in [-2, -1, 0, 1, 2]

# --- 4. Check your own derivative --------------------------------------------------
check diff(x^2 sin(x), x) == 2x*sin(x) + x^2*cos(x)
check diff(sin(x^2), x) == cos(x^2)     # the chain rule's factor 2x is missing

# --- 5. Where the slope is zero ------------------------------------------------------
# A cubic has a maximum and a minimum; the second derivative tells which.
c(x) = x^3 - 3x
critical c
# sin(x) + x^2/2 has second derivative 1 - sin(x) >= 0: it is convex, with
# one minimum only, whatever some tutorials say about local minima.
s(x) = sin(x) + 0.5x^2
critical s
# For two parameters the Hessian's eigenvalues classify: here a saddle.
q(x, y) = x^2 - y^2
critical q

# --- 6. The slope at work -----------------------------------------------------------
# Gradient descent steps against the slope. Adam keeps running averages of
# the slope (exp_avg) and of its square (exp_avg_sq): watch them with state.
# x passes the minimum at -0.739 near step 9 while exp_avg is still
# positive: the average remembers the slopes behind it, and overshoots.
minimize s from 2 lr 0.3 steps 12 using adam state
