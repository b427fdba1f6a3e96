# A power of a power of numbers: repeated squaring of an exact 1/10^6 took minutes.
(((1e6)^(1e6)))^(-2)
