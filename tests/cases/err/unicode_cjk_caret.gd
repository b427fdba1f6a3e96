# A wide (CJK) name before the error: the column counts characters, and
# the caret sits under q, not under the +.
损失(w) = w + q
