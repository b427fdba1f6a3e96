//! Whole sessions on generated scripts (definitions, derivatives,
//! rewrites, checks, descents of a few steps, plots as text, data): no
//! panic, no hang, no memory kept between inputs.
#![no_main]

#[path = "../checks.rs"]
#[allow(dead_code)] // each target uses one of the checks
mod checks;

libfuzzer_sys::fuzz_target!(|script: gd::generate::Script| checks::session(&script.0));
