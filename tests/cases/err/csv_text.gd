# Text in a number column.
load("tests/cases/data/text.csv")
