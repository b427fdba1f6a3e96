//! The printers: gd text (what users read and type back), LaTeX, and an
//! s-expression dump for tests where precedence bugs cannot hide.
//!
//! Invariant: `to_text(e)` parses back to `e` (the same canonical handle).
//! STUB: being written.

use super::expr::Expr;

/// The expression in gd syntax, as a teacher would write it.
pub fn to_text(e: Expr) -> String {
    to_sexpr(e)
}

/// The expression as LaTeX math (no surrounding `$`).
pub fn to_latex(e: Expr) -> String {
    to_sexpr(e)
}

/// `(+ (^ x 2) 1)`: fully bracketed prefix form.
pub fn to_sexpr(e: Expr) -> String {
    format!("{e:?}")
}

/// A number for people: shortest form that reads back to the same double.
pub fn format_number(x: f64) -> String {
    format!("{x}")
}
