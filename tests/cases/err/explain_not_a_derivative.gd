# explain takes a derivative: diff, f' or grad(f).
f(x) = x^2
explain f(2)
