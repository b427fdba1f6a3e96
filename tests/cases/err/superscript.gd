# A superscript after a space has no base: gd says where its base goes.
f(x) = x ² + 1
