# an unreduced loss cannot be maximized
X = [1, 2, 3]
l(w) = (w*X)^2
maximize l from 1
