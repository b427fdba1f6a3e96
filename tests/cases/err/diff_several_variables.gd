# several variables: diff needs to be told which one
diff(x^2 y)
