# Printed as x (x (x - pi))^(1/x^2), which read back as x x (x - pi)^(1/x^2):
# the power after brackets that multiply took only the last brackets inside them.
(x * ((((x * (x - pi)))^((x)^(-2))) - 0))
