# Numbers and precedence (LANGUAGE.md section 3).
2 + 3
-2^2
2^3^2
2^-1
6/2(1 + 2)
2pi
1e-3
2.5E+4
.5 + 5.
1/0
ln(-1)
0.1 + 0.2
a = 4
1/2a
b = (1, 2)
b
c = [0.01, 0.1]
c
(1, 2) + (3, 4)
