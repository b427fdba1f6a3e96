# columns: 50
# Too narrow for every column: |grad| goes first, the state stays.
f(x) = (x - 3)^2
minimize f from 0 steps 3 using adam state
