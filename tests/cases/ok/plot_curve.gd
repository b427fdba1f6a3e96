# A curve of one parameter, over a given range and over the default range
# (5 either side of the lowest point of a coarse grid over [-10, 10]).
f(x) = (x - 3)^2
plot f from 0 to 6
h(x) = sin(x) + 0.5x^2
plot h
