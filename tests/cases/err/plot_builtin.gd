plot sqrt
