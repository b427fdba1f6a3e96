# A curve of one parameter, over a given range and over the default range
# (framing its zeros, at -1.93 and 0, and its minimum at -0.74).
f(x) = (x - 3)^2
plot f from 0 to 6
h(x) = sin(x) + 0.5x^2
plot h
