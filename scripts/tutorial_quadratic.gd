#!/usr/bin/env gd
# Tutorial: f(w) = w^2 + 3w - 5 has its minimum where 2w + 3 = 0, w = -1.5.
# A small learning rate needs many steps: 1000 steps at lr 0.01 get there.
f(w) = w^2 + 3w - 5
f'(10)                  # the slope at the start: 23
minimize f from 10 lr 0.01 steps 1000 every 100
