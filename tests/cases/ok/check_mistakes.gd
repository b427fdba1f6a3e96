# Hand derivatives with the classic mistakes, each diagnosed as a teacher would.
# sign
check diff(1/x, x) == 1/x^2
check diff(cos(x), x) == sin(x)
check diff(cos(2x), x) == 2sin(2x)
check diff(1/(x^2 + 1), x) == 2x/(x^2 + 1)^2
# factor
check diff(sqrt(x), x) == 1/sqrt(x)
check diff(x^2/2, x) == 2x
check diff(ln(x)/2, x) == 1/x
check diff(5x^2, x) == 5x
# constant
check diff(x^2, x) == 2x + 1
check diff(sin(x) + 3x, x) == cos(x)
check diff(x^3 + 5x, x) == 3x^2 + 6
# chain rule
check diff(sin(x^2), x) == cos(x^2)
check diff((2x + 1)^3, x) == 3(2x + 1)^2
check diff(exp(-x^2), x) == exp(-x^2)
check diff(ln(x^2 + 1), x) == 1/(x^2 + 1)
check diff(sqrt(1 - x^2), x) == 1/(2sqrt(1 - x^2))
# product rule
check diff(x^2*sin(x), x) == 2x*cos(x)
check diff(x*exp(x), x) == exp(x)
check diff(x*ln(x), x) == ln(x)
check diff(x^2*exp(x), x) == x^2*exp(x)
# quotient rule
check diff(sin(x)/x, x) == (sin(x) - x*cos(x))/x^2
check diff(x/(x + 1), x) == -1/(x + 1)^2
check diff(x^2/(x + 1), x) == (2x*(x + 1) - x^2)/(x + 1)
check diff(exp(x)/x, x) == (exp(x)*x - exp(x))/x
# power rule
check diff(x^3, x) == 3x^3
check diff(2^x, x) == x*2^(x - 1)
check diff(x^x, x) == x*x^(x - 1)
check diff(x^(-2), x) == -2x^(-2)
# terms
check diff(x^3 + sin(x), x) == 3x^2 + sin(x)
check diff(x^2 + ln(x), x) == 2x + ln(x)
check diff(exp(x) + x^3 + 1/x, x) == exp(x) + 3x^2 + ln(x)
# a rule kind comes before terms: -4x^2 is -2x^2 differentiated without lowering the exponent
check diff(x^4 - 2x^2 + x, x) == 4x^3 - 4x^2 + 1
# domain
check sqrt(x)^2 == x
check (x^(1/3))^3 == x
check ln(x^2) == 2ln(x)
check exp(ln(x)) == x
check x^2/x == x
# none
check diff(sin(x), x) == cos(2x)
check sqrt(x^2) == x
# tuples, tolerance, undecided
f(x, y) = x^2*y
check grad(f) == (2x*y, x)
check sin(x) == x - x^3/6 tol 0.01
check sqrt(x - 20) == sqrt(x - 20) + 1
check sqrt(-1 - x^2) == 0
check sqrt(-1 - x^2) == ln(-1 - x^2)
check 2x + 3.0000001 == 2x + 3
# a function keeps its written domain; its derivative has its formula's
f(x) = ln(x)
check f == ln(abs(x))
h(x) = x^2/x
check h == x
check h' == 0
