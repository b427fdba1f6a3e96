f(x) = 1 + 2x + 3x^2 + 4x^3 + 5x^4 + 6x^5 + 7x^6 + 8x^7 + 9x^8 + 10x^9 + 11x^10 + 12x^11
diff(f, x, 3)
expand((x + 1)^3 * (x - 1)^2)
minimize f from 0 steps 5 using adam plot
plot f, f'
