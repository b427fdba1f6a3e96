# Hand derivatives of textbook exercises that are right: every line is equal.
# Worked solutions are the right-hand sides; each was checked by hand.
check diff(x^5, x) == 5x^4
check diff(3x^4 - 2x^2 + 7, x) == 12x^3 - 4x
check diff(sqrt(x), x) == 1/(2sqrt(x))
check diff(1/x, x) == -1/x^2
check diff(x^3 sin(x), x) == 3x^2 sin(x) + x^3 cos(x)
check diff(exp(2x), x) == 2exp(2x)
check diff(ln(x^2 + 1), x) == 2x/(x^2 + 1)
check diff(sin(x)/x, x) == (x*cos(x) - sin(x))/x^2
check diff(x*exp(x), x) == exp(x)*(x + 1)
check diff((x^2 + 1)^3, x) == 6x*(x^2 + 1)^2
check diff(tan(x), x) == 1/cos(x)^2
check diff(tan(x), x) == 1 + tan(x)^2
check diff(atan(x), x) == 1/(1 + x^2)
check diff(sigmoid(x), x) == sigmoid(x)*(1 - sigmoid(x))
check diff(x^x, x) == x^x*(ln(x) + 1)
check diff(2^x, x) == 2^x*ln(2)
check diff(cos(3x), x) == -3sin(3x)
check diff(ln(abs(x)), x) == 1/x
check diff(x^2*y + y^3, y) == x^2 + 3y^2
check diff(exp(-x^2), x) == -2x*exp(-x^2)
check diff(sin(x)^2, x) == 2sin(x)*cos(x)
check diff(sin(x)^2, x) == sin(2x)
check diff(1/(1 + exp(-x)), x) == exp(-x)/(1 + exp(-x))^2
check diff(x/(x + 1), x) == 1/(x + 1)^2
check diff(ln(x^2), x) == 2/x
check diff(x^3, x, 2) == 6x
check diff(sqrt(x^2 + 1), x) == x/sqrt(x^2 + 1)
check diff(exp(x)*sin(x), x) == exp(x)*(sin(x) + cos(x))
check diff(ln(sin(x)), x) == cos(x)/sin(x)
check diff(x^(-2), x) == -2/x^3
check (x + 1)^15 == expand((x + 1)^15)
check (x - y)^6 == x^6 - 6x^5*y + 15x^4*y^2 - 20x^3*y^3 + 15x^2*y^4 - 6x*y^5 + y^6
check sin(x)^2 + cos(x)^2 == 1
check 0.1 + 0.2 == 0.3
f(x, y) = x^2*y
check grad(f) == (2x*y, x^2)
g(x) = x^3 - 2x
check g' == 3x^2 - 2
check diff(g, x) == 3x^2 - 2
check (x + 1)^15 == x^15 + 15x^14 + 105x^13 + 455x^12 + 1365x^11 + 3003x^10 + 5005x^9 + 6435x^8 + 6435x^7 + 5005x^6 + 3003x^5 + 1365x^4 + 455x^3 + 105x^2 + 15x + 1
check (2x - 3y)^6 == expand((2x - 3y)^6)
check (x + y)^10 == expand((x + y)^10)
check (x - 3)^8 == expand((x - 3)^8)
check x^2/x == x^3/x^2
# The derivative's domain is its formula's: d/dx ln(x) = 1/x everywhere 1/x is defined.
check diff(ln(x), x) == 1/x
check diff(ln(sin(x)), x) == cos(x)/sin(x)
check diff(asin(x), x) == 1/sqrt(1 - x^2)
check diff(ln(x - 1), x) == 1/(x - 1)
check diff(x*ln(x), x) == ln(x) + 1
check diff(sqrt(x), x) == 0.5/sqrt(x)
f(x) = ln(x)
check f' == 1/x
check f'(x) == 1/x
check diff(f, x) == 1/x
check diff(f(x), x) == 1/x
check f(x) == ln(x)
check diff(x^2/x, x) == 1
