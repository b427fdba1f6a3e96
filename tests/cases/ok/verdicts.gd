# Every verdict, and the step-size theory (LANGUAGE.md section 4).
f(x) = (x - 3)^2
minimize f from 0 lr 0.5 steps 5
minimize f from 0 lr 0.1 steps 1
minimize f from 0 lr 0.1 steps 0
minimize f from 0 lr 0.1 steps 50 tol 1e-3
# unbounded: -x^2 has no minimum; f(x) = x is not converging
down(x) = -x^2
minimize down from 1 steps 100
line(x) = x
minimize line from 0 steps 100
# converging but zigzagging along y (rate 0.9 < 1)
g(x, y) = x^2 + 10y^2
minimize g from (1, 1) lr 0.095 steps 30 every 10
# theory: fastest constant rate at 2/(L + mu) = 2/22, factor 18/22
minimize g from (1, 1) lr [0.05, 0.0909090909, 0.1, 0.11] steps 40
# no minimum (a saddle), minima on a line, unbounded below
saddle(x, y) = x^2 - y^2
minimize saddle from (1, 0) lr [0.1, 0.5] steps 20
valley(x, y) = (x + y)^2
minimize valley from (1, 0.5) lr [0.1, 0.2] steps 20
tilted(x, y) = (x + y)^2 + x - y
minimize tilted from (0, 0) lr [0.1, 0.2] steps 20
# maximize: the theory of -f
hill(x) = -(x - 1)^2
maximize hill from 0 lr [0.1, 0.5] steps 20
# Newton: lr 1 by default (one step on a quadratic); at a critical point
# with a singular Hessian it has arrived
minimize g from (1, 1) using newton steps 3
quartic(x) = x^4
minimize quartic from 0 using newton steps 3
# What a converged run found: Newton's method is drawn to any critical point
c(x) = cos(x)
minimize c from 0.5 using newton steps 10
minimize saddle from (1, 0) lr 0.1 steps 70 every 35
