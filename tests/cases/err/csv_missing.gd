# A file that is not there: the error names the path.
load("tests/cases/data/missing.csv")
