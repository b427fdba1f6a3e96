//! One integration-test binary (links once); each module is one layer.
#![allow(clippy::unwrap_used)]

mod bad_input;
mod check_laws;
mod cli;
mod common;
mod corpus;
mod data;
mod engines;
#[path = "fuzz/checks.rs"]
mod fuzz_checks;
mod fuzz_regressions;
mod golden;
mod limits;
mod oracle;
mod plots;
mod properties;
mod readme;
mod repl;
mod scale;
mod teaching;
mod theory;
mod tidy;
mod typed_inputs;
mod unicode_input;
