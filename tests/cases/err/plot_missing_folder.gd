f(x) = (x - 3)^2
plot f to "no_such_folder/f.svg"
