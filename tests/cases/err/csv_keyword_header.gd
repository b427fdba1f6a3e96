# A column named by a keyword cannot be a vector.
load("tests/cases/data/keyword_header.csv")
