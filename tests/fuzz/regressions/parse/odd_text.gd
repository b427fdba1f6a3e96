1 + � 2
(((x
"unterminated
f(x) = x +
