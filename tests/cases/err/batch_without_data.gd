# batch takes rows of data: this function has none.
f(x) = (x - 3)^2
minimize f from 0 batch 2
