# An empty file has no header.
load("tests/cases/data/empty.csv")
