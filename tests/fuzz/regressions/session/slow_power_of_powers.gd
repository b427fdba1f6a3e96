# A statement slow under the fuzzer's instrumentation (7.6 s there, 0.2 s in a test build).
(((((1e6 - X) - e))^4)^4)^4
