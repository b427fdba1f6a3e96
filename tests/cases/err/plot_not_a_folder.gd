f(x) = x^2
plot f to "Cargo.toml/f.svg"
