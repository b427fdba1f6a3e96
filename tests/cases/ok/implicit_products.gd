# Products as written on paper (LANGUAGE.md section 3), and gd's printer
# writing them back in one style.
f(x) = 2x sin(x)
f
diff(f, x)
diff(x^2 sin(x), x)
x y
w x + b
sin(x) cos(x)
h(x) = 20x(x^2 + 1)^9
h(1)
diff(h, x)
s(x) = sigmoid(x)
s'
# a parameter, a defined value or a constant before brackets multiplies
m(x) = x(x + 1)
m(3)
a = 2
a(3 + 1)
pi(1 + 1)
q(x, y) = x(y + 1)
q(2, 3)
# after `)`, brackets call a function value and multiply anything else
f(2)(3)
(1 + 2)(3 + 4)
grad(q)(1, 2)
# implicit products bind like `*`
6/2(1 + 2)
2^3x
1/2x
# the printer never writes `)(` where it would read as a call
diff(x (x + 1)^2, x)
diff(sin(x) (1 + x), x)
expand((x + 1)(x - 1)(x + 2))
# diff's forms
diff(x^2)
diff(f)
diff(x^2 y^3, x, y)
n = 2
diff(x^5, x, n)
g(x, y) = x^2 y^3
diff(g, y, x)
# a `+` or `-` line after a definition is a statement of its own (with a
# warning on stderr)
k(x) = x
  - 1
k(3)
