# A full-width character with no ASCII meaning in gd (＠ is @): quoted as
# typed, with its code point.
价格（x）＝ x ＠ 2
