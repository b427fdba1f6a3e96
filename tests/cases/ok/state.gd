# The optimizer's state after each update, under torch's names: a column
# per buffer (and parameter), none at step 0, none for gd and newton.
f(x) = (x - 3)^2
minimize f from 0 steps 5 using adam state
g(x, y) = x^2 + 10y^2
minimize g from (1, 1) steps 4 using momentum(0.5) state
minimize g from (1, 1) steps 3 using nesterov state
minimize g from (1, 1) steps 3 using rmsprop state
minimize f from 0 steps 3 using adagrad state
minimize f from 0 steps 2 state
h(x) = -(x - 1)^2
maximize h from 0 steps 2 using adam state
# A comparison shows no traces; its JSON runs carry the state.
minimize g from (1, 1) steps 2 using [gd, adam] state
