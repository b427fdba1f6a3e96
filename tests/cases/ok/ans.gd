# ans holds the last bare expression's result, in scripts too.
2 + 3
ans * 2
diff(x^3, x)
diff(ans, x)
(1, 2)
ans
f(x) = (x - 3)^2
f'
g = ans        # ans is the function f' here
g(0)
a = 7          # a definition does not change ans
ans
