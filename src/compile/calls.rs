//! The built-ins that instructions call, as `extern "C"` functions: the
//! interpreter (`isa::exec`) calls them directly, and native code (`jit`)
//! calls the very same functions by address, so both engines compute each
//! built-in with one piece of code.
//!
//! Invariant: each function here is the one definition of its instruction's
//! value; nothing else computes a transcendental, `powi`, `min`/`max`,
//! `sign`, `step` or `sigmoid` for compiled code.

use crate::builtins;
use crate::symbolic::expr::Func;

pub(super) extern "C" fn sin(a: f64) -> f64 {
    a.sin()
}
pub(super) extern "C" fn cos(a: f64) -> f64 {
    a.cos()
}
/// The sine, and the cosine into `cos`: `f64::sin_cos`, one library call
/// where the platform has one for both, with the numbers of `sin` and
/// `cos` (a test checks). Native code calls it for a tape that takes both
/// of one value.
pub(super) extern "C" fn sin_cos(a: f64, cos: &mut f64) -> f64 {
    let (sin, c) = a.sin_cos();
    *cos = c;
    sin
}
pub(super) extern "C" fn tan(a: f64) -> f64 {
    a.tan()
}
pub(super) extern "C" fn asin(a: f64) -> f64 {
    a.asin()
}
pub(super) extern "C" fn acos(a: f64) -> f64 {
    a.acos()
}
pub(super) extern "C" fn atan(a: f64) -> f64 {
    a.atan()
}
pub(super) extern "C" fn sinh(a: f64) -> f64 {
    a.sinh()
}
pub(super) extern "C" fn cosh(a: f64) -> f64 {
    a.cosh()
}
pub(super) extern "C" fn tanh(a: f64) -> f64 {
    a.tanh()
}
pub(super) extern "C" fn exp(a: f64) -> f64 {
    a.exp()
}
pub(super) extern "C" fn ln(a: f64) -> f64 {
    a.ln()
}
pub(super) extern "C" fn log2(a: f64) -> f64 {
    a.log2()
}
pub(super) extern "C" fn log10(a: f64) -> f64 {
    a.log10()
}
/// `f64::powi` (its exponent a runtime number in both engines, so neither
/// expands it into multiplications of its own).
pub(super) extern "C" fn powi(a: f64, k: i32) -> f64 {
    a.powi(k)
}
/// `f64::powf`, never inlined: where the exponent is a constant (0.5 in
/// adam's rule) the optimizer would otherwise rewrite it as a square root,
/// which rounds differently from `pow` now and then.
#[inline(never)]
pub extern "C" fn powf(a: f64, b: f64) -> f64 {
    a.powf(b)
}
pub(super) extern "C" fn sign(a: f64) -> f64 {
    builtins::sign(a)
}
pub(super) extern "C" fn step(a: f64) -> f64 {
    builtins::step(a)
}
pub(super) extern "C" fn sigmoid(a: f64) -> f64 {
    builtins::sigmoid(a)
}
/// Rust's `min` (a nan operand gives nan, see `Func::apply`), not the
/// machine's `minsd` nor WebAssembly's `fmin`.
pub(super) extern "C" fn min(a: f64, b: f64) -> f64 {
    Func::Min.apply(&[a, b])
}
pub(super) extern "C" fn max(a: f64, b: f64) -> f64 {
    Func::Max.apply(&[a, b])
}
