f(x) = x^3
# a derivative is evaluated with f'(2), not by brackets after diff(...)
diff(f, x)(2)
