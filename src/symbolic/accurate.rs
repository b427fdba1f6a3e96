//! Printed forms that evaluate badly in floating point, and the equal forms
//! evaluated in their place.
//!
//! `simplify` may multiply a product out: the derivative of (x + 1)(x + 2)
//! ...(x + 20) prints as a polynomial with coefficients near 4e19, whose
//! terms cancel to nothing near x = -20, where the product-rule form it was
//! simplified from is accurate. `simplify` offers such a pair here;
//! compiling and differentiating look each node up and work on the
//! accurate form, so plots, tables and descents of a printed derivative
//! are as accurate as the derivative as it was built.
//!
//! Which pairs are kept is `simplify`'s decision (`simplify/accurate.rs`);
//! this module only holds them, below everything that looks them up.

use std::cell::RefCell;

use rustc_hash::FxHashMap;

use super::expr::Expr;

thread_local! {
    static ACCURATE: RefCell<FxHashMap<Expr, Expr>> = RefCell::new(FxHashMap::default());
}

/// The form to evaluate `e` in, when it is not `e` itself.
pub fn accurate_form(e: Expr) -> Option<Expr> {
    ACCURATE.with(|m| m.borrow().get(&e).copied())
}

/// Keeps `source` as the form to evaluate `shown` in: the caller has
/// made sure they are equal wherever either is defined (`simplify`), or
/// made both by one substitution into a kept pair (`substitute`).
pub fn keep(shown: Expr, source: Expr) {
    if shown != source {
        ACCURATE.with(|m| m.borrow_mut().insert(shown, source));
    }
}

/// Forgets every pair (see `store`).
pub(super) fn clear_pairs() {
    ACCURATE.with(|m| m.borrow_mut().clear());
}
