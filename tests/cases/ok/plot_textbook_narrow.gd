# columns: 50
# Figures as a textbook draws them: ticks at round values (1, 2 or 5
# times a power of ten), ln from just above 0, expressions, a derivative,
# and a function beside its derivative, labelled.
g(x) = (x - 3)^2
plot g from -1 to 6
h(x) = ln(x)
plot h
plot x^2 - 1
plot sin(x)/x from -10 to 10
plot g'
plot g, g'
plot x^2, x, 0
