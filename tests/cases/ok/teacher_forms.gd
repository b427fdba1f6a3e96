# Derivatives in the form a teacher writes (issue 13's table), and exact
# numbers past 64 bits.
diff(ln(cosh(x)), x)
diff(ln(cos(x)), x)
diff(sin(x)/cos(x), x)
diff(tan(x), x)
diff(sinh(x)/cosh(x), x)
diff(tanh(x), x)
diff(atan(1/x), x)
diff(atan(y/x), x)
diff(ln(1 + exp(-y*(w*x + b))), w)
diff(x*exp(-x), x)
diff(sin(x)*cos(x)*tan(x), x)
diff(ln(abs(x)), x)
cosh(x)^2 - sinh(x)^2
diff((x + 1)^2*(x - 1)^3, x)
diff(x^3 sin(x), x)
sin(pi)
sin(pi/6)
cos(pi/4)
tan(pi/3)
ln(e)
exp(0)
diff(x^30, x, 25)
2^70
expand((x + 1)^70)
sqrt(x)^2
(x^(1/2))^3
diff(sqrt(x)^2, x)
