# Other tools' names get what gd does instead, not a misleading did-you-mean.
derivative(x^2)
