//! The algebraic laws on generated expressions: print then parse is the
//! identity, simplify and expand keep the value, diff agrees with the
//! complex-step derivative.
#![no_main]

#[path = "../checks.rs"]
#[allow(dead_code)] // each target uses one of the checks
mod checks;

libfuzzer_sys::fuzz_target!(|formula: gd::generate::Formula| checks::laws(&formula.0));
