# Descent: statuses, verdicts and the trace.
f(x) = (x - 3)^2
minimize f from 0 lr 0.1 steps 5
minimize f from 0 lr 0.5 steps 3
minimize f from 0 lr 1.1 steps 30 every 10
minimize f from 3 tol 1e-9
g(x, y) = (x - 3)^2 + (y - 2)^2
minimize g from (0, 0) lr 0.1 steps 200 tol 1e-6 every 20
h(x) = -(x - 1)^2
maximize h from 5 lr 0.25 steps 3
e(x) = exp(x)
minimize e from 0 lr 1 steps 2000
# A step too long for x^4: the run stops and says where and why.
q(x) = x^4
minimize q from 10 lr 1 steps 50
