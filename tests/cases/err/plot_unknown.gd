# A bare name must be a defined function (did you mean?).
fun(x) = x^2
plot funn
