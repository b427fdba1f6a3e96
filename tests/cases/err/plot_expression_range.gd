# Two variables: each end of the range is a point.
plot x^2 + y^2 from 0 to 1
