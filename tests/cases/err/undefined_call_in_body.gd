# h is not defined yet: h(x + 1) would be h times (x + 1)
g(x) = h(x + 1)
