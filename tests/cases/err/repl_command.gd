# A REPL command in a script is a parse error with a hint.
f(x) = x^2
:vars
