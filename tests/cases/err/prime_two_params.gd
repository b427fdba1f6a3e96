f(x, y) = x*y
f'
