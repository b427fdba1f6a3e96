# A row with fewer values than the header names columns.
load("tests/cases/data/ragged.csv")
