//! Timing shared by the benchmarks: the fastest of several runs, which is
//! the least disturbed by the machine's other work.

use std::hint::black_box;
use std::time::{Duration, Instant};

/// The fastest of `repetitions` (at least one) runs of `f`, and its last
/// result.
pub fn fastest<T>(repetitions: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let start = Instant::now();
    let mut result = black_box(f());
    let mut best = start.elapsed();
    for _ in 1..repetitions {
        let start = Instant::now();
        result = black_box(f());
        best = best.min(start.elapsed());
    }
    (best, result)
}
