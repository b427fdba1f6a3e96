# plot f, g, ... draws curves; a function of two variables is a map.
f(x) = x^2
g(x, y) = x^2 + y^2
plot f, g
