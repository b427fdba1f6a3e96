//! The tick rule of every axis, in the terminal and in SVG: ticks at the
//! multiples of a step that is 1, 2 or 5 times a power of ten (matplotlib's
//! and plotters' rule), the finest such step that gives at most the number
//! of ticks the renderer has room for; never between whole numbers on an
//! axis of steps, and at whole decades on a log axis.
//!
//! Invariant: a tick is a multiple of its step lying in the range, computed
//! from its integer index (never by adding steps up), so both renderers
//! get the same values, and the labels (`text::tick_labels`) read exactly.

/// The mantissas of a step, finest first.
const MANTISSAS: [i64; 3] = [1, 2, 5];

/// A step `mantissa * 10^exponent`.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Step {
    pub mantissa: i64,
    pub exponent: i32,
}

impl Step {
    /// The `i`-th multiple of the step (`i` a whole number), as the double
    /// nearest to it: read from its decimal form, so `3 * 0.1` is 0.3, not
    /// 0.30000000000000004, and `5 * 1e299` is 5e299 (powers of ten
    /// multiplied up drift).
    pub fn multiple(self, i: f64) -> f64 {
        let whole = i * self.mantissa as f64;
        format!("{whole}e{}", self.exponent)
            .parse()
            .unwrap_or(f64::NAN)
    }

    pub fn value(self) -> f64 {
        self.multiple(1.0)
    }

    /// The next coarser step (1, 2, 5, 10, 20, ...).
    fn coarser(self) -> Step {
        match self.mantissa {
            1 => Step {
                mantissa: 2,
                ..self
            },
            2 => Step {
                mantissa: 5,
                ..self
            },
            _ => Step {
                mantissa: 1,
                exponent: self.exponent + 1,
            },
        }
    }

    /// The indices of the multiples inside `[lo, hi]`.
    fn indices(self, (lo, hi): (f64, f64)) -> (f64, f64) {
        let s = self.value();
        // A hair of slack, so that an end that is a multiple but for
        // rounding (0.30000000000000004) still gets its tick.
        let slack = 1e-9;
        ((lo / s - slack).ceil(), (hi / s + slack).floor())
    }

    fn count(self, range: (f64, f64)) -> f64 {
        let (first, last) = self.indices(range);
        (last - first + 1.0).max(0.0)
    }
}

/// Ticks on an axis: their values, ascending, and the step between them.
#[derive(Clone, Debug, PartialEq)]
pub struct Ticks {
    pub values: Vec<f64>,
    pub step: Step,
}

/// The finest step of 1, 2 or 5 times a power of ten that puts at most
/// `max` ticks (at least 1) in `[lo, hi]`; `None` for an empty, reversed or
/// infinite range, or one too narrow for a double to step through.
pub fn step(range: (f64, f64), max: usize) -> Option<Step> {
    let (lo, hi) = range;
    let span = hi - lo;
    if !(span > 0.0 && span.is_finite()) {
        return None;
    }
    let max = max.max(1) as f64;
    // Start a decade below the step that would give exactly `max` ticks.
    let exponent = (span / max).log10().floor() as i32 - 1;
    let mut step = Step {
        mantissa: MANTISSAS[0],
        exponent,
    };
    while step.count(range) > max {
        step = step.coarser();
    }
    let value = step.value();
    (value > 0.0 && value.is_finite()).then_some(step)
}

/// Ticks at the multiples of `step(range, max)` in the range; a range of a
/// single value gets one tick at that value; a range a double cannot step
/// through, none.
pub fn linear(range: (f64, f64), max: usize) -> Ticks {
    if range.0 == range.1 && range.0.is_finite() {
        return Ticks {
            values: vec![range.0],
            step: Step {
                mantissa: 1,
                exponent: magnitude(range.0),
            },
        };
    }
    let none = Ticks {
        values: Vec::new(),
        step: Step {
            mantissa: 1,
            exponent: 0,
        },
    };
    match step(range, max) {
        Some(step) => multiples(step, range).map_or(none, |values| Ticks { values, step }),
        None => none,
    }
}

/// Ticks at whole numbers only, every one when they fit, else every 2nd,
/// 5th, 10th...: the steps of a run, or the decades of a log axis (given
/// as log10 of the values).
pub fn whole(range: (f64, f64), max: usize) -> Ticks {
    let whole = Step {
        mantissa: 1,
        exponent: 0,
    };
    let step = match step(range, max) {
        Some(s) if s.value() >= 1.0 => s,
        Some(_) => whole,
        None => {
            return linear(range, max);
        }
    };
    Ticks {
        values: multiples(step, range).unwrap_or_default(),
        step,
    }
}

/// The multiples of `step` in the range, or `None` when a double cannot
/// tell neighbouring ones apart (a range 4 wide around 1e16).
fn multiples(step: Step, range: (f64, f64)) -> Option<Vec<f64>> {
    let (first, _) = step.indices(range);
    // At most `max` of them: `step` chose so.
    let count = step.count(range) as usize;
    let values: Vec<f64> = (0..count)
        .map(|k| step.multiple(first + k as f64))
        .collect();
    values.windows(2).all(|w| w[0] < w[1]).then_some(values)
}

/// The power of ten of `x`'s leading digit (0 for 0).
fn magnitude(x: f64) -> i32 {
    if x == 0.0 {
        0
    } else {
        x.abs().log10().floor() as i32
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn values(range: (f64, f64), max: usize) -> Vec<f64> {
        linear(range, max).values
    }

    #[test]
    fn ticks_fall_on_round_values() {
        // The examples: (x - 3)^2 over -1..6, and a curve of ln.
        assert_eq!(values((-0.8, 16.8), 5), [0.0, 5.0, 10.0, 15.0]);
        assert_eq!(values((-2.86, 1.72), 5), [-2.0, -1.0, 0.0, 1.0]);
        assert_eq!(
            values((-1.0, 6.0), 10),
            [-1.0, 0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0]
        );
        assert_eq!(values((0.0, 1.0), 6), [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]);
        assert_eq!(values((0.0, 1.0), 3), [0.0, 0.5, 1.0]);
    }

    #[test]
    fn ticks_of_tiny_huge_and_negative_ranges() {
        assert_eq!(values((1e-9, 5e-9), 5), [1e-9, 2e-9, 3e-9, 4e-9, 5e-9]);
        assert_eq!(values((-3e12, 9e12), 4), [0.0, 5e12]);
        assert_eq!(values((-7.5, -2.1), 4), [-6.0, -4.0]);
        assert_eq!(
            values((-1e300, 1e300), 5),
            [-1e300, -5e299, 0.0, 5e299, 1e300]
        );
        assert_eq!(
            values((1000.0001, 1000.0003), 4),
            [1000.0001, 1000.0002, 1000.0003]
        );
    }

    #[test]
    fn a_single_value_has_one_tick_and_no_range_none() {
        assert_eq!(values((2.5, 2.5), 5), [2.5]);
        assert!(values((3.0, 1.0), 5).is_empty());
        assert!(values((0.0, f64::INFINITY), 5).is_empty());
        assert!(values((f64::NAN, 1.0), 5).is_empty());
        // Too narrow for a double to step through (2 apart at 1e16).
        assert!(values((1e16, 1e16 + 4.0), 5).is_empty());
    }

    #[test]
    fn whole_ticks_never_fall_between_whole_numbers() {
        let d = |range, max| whole(range, max).values;
        assert_eq!(d((-10.3, 1.5), 4), [-10.0, -5.0, 0.0]);
        assert_eq!(d((-3.1, 1.2), 10), [-3.0, -2.0, -1.0, 0.0, 1.0]);
        // Never a half decade, even with room for more ticks.
        assert_eq!(d((-2.5, -0.1), 10), [-2.0, -1.0]);
        assert_eq!(d((-300.0, 300.0), 4), [-200.0, 0.0, 200.0]);
        // Four steps of a run, with room for ten ticks.
        assert_eq!(d((0.0, 4.0), 10), [0.0, 1.0, 2.0, 3.0, 4.0]);
    }

    proptest! {
        // Failures are kept in tests/, beside the integration tests' own
        // (the top level holds no other folders).
        #![proptest_config(ProptestConfig {
            failure_persistence: Some(Box::new(
                proptest::test_runner::FileFailurePersistence::Direct("tests/ticks.proptest-regressions"),
            )),
            ..ProptestConfig::default()
        })]

        /// Over many ranges: at most `max` ticks, ascending, inside the
        /// range, evenly spaced by a step of 1, 2 or 5 times a power of
        /// ten, and not fewer than the next finer step would allow.
        #[test]
        fn the_rule_holds(lo in -1e6f64..1e6, width_exp in -6.0f64..8.0, max in 2usize..12) {
            let hi = lo + 10f64.powf(width_exp);
            prop_assume!(hi > lo);
            let ticks = linear((lo, hi), max);
            let v = &ticks.values;
            prop_assert!(v.len() <= max);
            prop_assert!(MANTISSAS.contains(&ticks.step.mantissa));
            let s = ticks.step.value();
            let tolerance = s * 1e-6;
            for w in v.windows(2) {
                prop_assert!((w[1] - w[0] - s).abs() <= tolerance.max(hi.abs() * 1e-12));
            }
            for &t in v {
                prop_assert!(t >= lo - tolerance && t <= hi + tolerance);
                // A multiple of the step, but for the rounding of t.
                let ratio = t / s;
                prop_assert!((ratio - ratio.round()).abs() < 1e-6 + ratio.abs() * 1e-12);
            }
            // The next finer step would give too many ticks.
            let finer = match ticks.step.mantissa {
                1 => Step { mantissa: 5, exponent: ticks.step.exponent - 1 },
                2 => Step { mantissa: 1, ..ticks.step },
                _ => Step { mantissa: 2, ..ticks.step },
            };
            prop_assert!(finer.count((lo, hi)) > max as f64);
        }
    }
}
