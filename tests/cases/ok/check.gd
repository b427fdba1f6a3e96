# Checking hand derivations.
check diff(x^3 sin(x), x) == 3x^2 sin(x) + x^3 cos(x)
check (x + 1)^2 == x^2 + 2x + 1
check ln(x^2) == 2ln(x)
check 2x + 3.0000001 == 2x + 3
check sin(x)^2 == 1 - cos(x)^2
f(x) = x^2 + 3x
check f'(x) == 2x + 3
check diff(f, x) == 2x + 4
