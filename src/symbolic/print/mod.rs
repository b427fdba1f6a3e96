//! The printers: gd text (what users read and type back), LaTeX, and an
//! s-expression dump for tests where precedence bugs cannot hide.
//!
//! Invariant: `to_text(e)` parses back (LANGUAGE.md section 3) to `e`, the
//! same canonical handle.
//!
//! Text and LaTeX share one layout step (`layout`), which turns a canonical
//! expression into a display tree: signs pulled out of terms, sums and
//! products put in display order, negative powers moved to a denominator,
//! numbers in their display form. Each printer (`text`, `latex`) then only
//! decides parentheses and separators. The display tree is memoized per
//! handle (it is a DAG like the expression), so laying out is linear in the
//! size of the expression and printing is linear in the size of the
//! output. The s-expression (`sexpr`) skips the layout: it shows the
//! canonical form itself.

mod latex;
mod layout;
mod sexpr;
mod text;

use super::expr::Expr;

/// The expression in gd syntax, as a teacher would write it.
pub fn to_text(e: Expr) -> String {
    text::write(&layout::layout(e))
}

/// The expression as LaTeX math (no surrounding `$`).
pub fn to_latex(e: Expr) -> String {
    latex::write(&layout::layout(e))
}

/// `(+ (^ x 2) 1)`: fully bracketed prefix form, in canonical order.
pub fn to_sexpr(e: Expr) -> String {
    sexpr::write(e)
}

#[cfg(test)]
mod tests;
