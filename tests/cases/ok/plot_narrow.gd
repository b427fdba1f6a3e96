# columns: 30
# A narrow terminal: panels are stacked, titles end in an ellipsis.
f(x) = (x - 3)^2
minimize f from 0 lr [0.01, 0.5] steps 4 plot
g(a, b, c, d, e, h, i, j, k, l) = a^2 + b^2 + c^2 + d^2 + e^2 + h^2 + i^2 + j^2 + k^2 + l^2
minimize g from (1, 1, 1, 1, 1, 1, 1, 1, 1, 1) steps 3 plot
