# The first row must name the columns.
load("tests/cases/data/no_header.csv")
