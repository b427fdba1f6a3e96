# A file name in Chinese quotes is a string; the error quotes it as typed
# inside them and points at the call.
数据 = 1
load(“tests/cases/data/没有.csv”)
