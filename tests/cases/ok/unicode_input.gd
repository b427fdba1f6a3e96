# Maths as typed with a Chinese input method, copied from a web page or
# a textbook (LANGUAGE.md section 2). Each line comes beside its ASCII
# twin, and the two print the same.

# Full-width brackets, equals, comma and semicolon (Chinese mode).
f（x）＝ x² + 2×x
g(x) = x^2 + 2*x
f（2）
g(2)
h(x，y) = x·y − 1；h(2，3)
k(x, y) = x*y - 1; k(2, 3)
ｆ（３）＋１
f(3)+1

# Operators from web pages: − (U+2212), – (U+2013), ×, ·, ⋅, ÷.
x = 6
x − 1 – 2
x - 1 - 2
2×x ÷ 4
2*x / 4
2·x⋅3
2*x*3

# Superscripts: a power that binds tighter than ^.
x²
x^2
x⁻¹
x^-1
e^x²
e^(x^2)
y = 2
x²y
x^2*y
(x − 1)³
(x - 1)^3
2¹⁰
2^10

# sin²(x) is sin(x)^2; sin⁻¹, cos⁻¹, tan⁻¹ are the inverses.
sin²(x) + cos²(x)
sin(x)^2 + cos(x)^2
sin⁻¹(1)
asin(1)
cos⁻¹(0)
acos(0)
tan⁻¹(1)
atan(1)

# Square roots take the operand after them, with its superscripts.
√x
sqrt(x)
√(x + 3)
sqrt(x + 3)
√x²
sqrt(x^2)
2√x
2sqrt(x)
√2x
sqrt(2)*x

# Subscript digits in a name are digits.
θ₁ = 0.5
θ1
θ₁²
θ1^2

# A Chinese input method's brackets, quotes, primes, …… and 。
【1，2，3】
[1, 2, 3]
p(t) = t³
p’(2)
p'(2)
p″(2)
p''(2)
2……3
2^3
0。5
0.5

# Derivatives and the other statements read the same.
diff(t³ sin(t), t)
diff(t^3 sin(t), t)
diff(√t, t)
diff(sqrt(t), t)
q(w) = (w − 3)²
ｍｉｎｉｍｉｚｅ q ｆｒｏｍ 0 lr 0。1 steps 3
minimize q from 0 lr 0.1 steps 3
table w², √w for w in 【1，4】

# Strings keep what is inside them; “ and ” are its quotes (the file's
# header names its columns in Chinese).
load(“tests/cases/data/cjk_header.csv”)
mean(分数) ÷ mean(小时)
load("tests/cases/data/cjk_header.csv")
mean(分数) / mean(小时)
