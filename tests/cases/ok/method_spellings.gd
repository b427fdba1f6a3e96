# Method names as torch and people write them: any case, sgd for gd,
# sgd(momentum=m), betas=(b1, b2); methods compared without lr each take
# their own default (1 for Newton).
f(x) = (x - 3)^2
minimize f from 0 steps 3 using Adam
minimize f from 0 steps 3 using sgd
minimize f from 0 steps 3 using SGD(momentum=0.9)
minimize f from 0 steps 3 using adam(betas=(0.8, 0.99))
minimize f from 0 steps 3 using [gd, newton]
