//! The two engines on generated expressions: values, gradients and a few
//! steps of each gradient method, bit for bit alike on the interpreter
//! and as native code.
#![no_main]

#[path = "../checks.rs"]
#[allow(dead_code)] // each target uses one of the checks
mod checks;

libfuzzer_sys::fuzz_target!(|formula: gd::generate::Formula| checks::engines(&formula.0));
