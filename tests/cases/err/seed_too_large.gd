# seed is a whole number, but too large
X = [1, 2, 3]
l(w) = mean((w*X)^2)
minimize l from 1 steps 2 batch 2 seed 1e18
