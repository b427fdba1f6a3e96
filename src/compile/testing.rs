//! Helpers for the compiler's unit tests: short names for variables,
//! numbers and data, sample points, and comparisons of values.
//!
//! Invariant: used by tests only (the module is compiled under `cfg(test)`).

use super::{DataProgram, Tape, compile, compile_rows};
use crate::symbolic::data::DataRef;
use crate::symbolic::expr::{Expr, Func, call};
use crate::symbolic::num::Num;

pub(super) fn x() -> Expr {
    Expr::var("x")
}
pub(super) fn y() -> Expr {
    Expr::var("y")
}
pub(super) fn n(v: i64) -> Expr {
    Expr::int(v)
}
pub(super) fn rat(p: i64, q: i64) -> Expr {
    Expr::num(Num::Rat(p, q))
}

/// A data vector named `name`.
pub(super) fn data(name: &str, values: &[f64]) -> Expr {
    Expr::data(DataRef::new(name, values.to_vec()))
}

pub(super) fn mean(e: Expr) -> Expr {
    call(Func::Mean, vec![e])
}

pub(super) const POINTS: [f64; 14] = [
    -2.5,
    -1.0,
    -0.5,
    -0.0,
    0.0,
    0.3,
    0.5,
    1.0,
    2.0,
    7.25,
    1e3,
    f64::NAN,
    f64::INFINITY,
    f64::NEG_INFINITY,
];

/// Equal as values: same bits, or both nan.
pub(super) fn same(a: f64, b: f64) -> bool {
    a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
}

/// Equal to a few ulps (rewrites such as x^3 = x*x*x may round apart).
pub(super) fn close(a: f64, b: f64) -> bool {
    same(a, b) || (a - b).abs() <= 1e-14 * a.abs().max(b.abs())
}

/// The tape of one expression.
pub(super) fn one(e: Expr, params: &[&str]) -> Tape {
    match compile(&[e], params) {
        Ok(tape) => tape,
        Err(err) => panic!("compile failed: {err}"),
    }
}

/// The program over data of `outputs`.
pub(super) fn program(outputs: &[Expr], params: &[&str]) -> DataProgram {
    compile_rows(outputs, params).expect("compiles")
}
