# columns: 50
# Too narrow for every column: |grad| goes first, the state stays.
f(x) = (x - 3)^2
minimize f from 0 steps 3 using adam state
# Narrower than the state columns: they go, and a note says so.
g(x, y) = x^2 + 10y^2
minimize g from (1, 1) steps 2 using adam state
