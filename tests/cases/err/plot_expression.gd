plot x^2 from 0 to 1
