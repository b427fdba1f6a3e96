# x is defined as a value, so x^2 is the number 9 here.
x = 3
plot x^2
