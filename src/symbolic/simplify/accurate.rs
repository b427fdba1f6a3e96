//! Which simplified forms are evaluated through the form they came from
//! (`symbolic::accurate` holds the pairs).
//!
//! A pair is kept only when it cannot change a value: both forms are
//! polynomials over the same atoms (so they are equal and defined at the
//! same points, even where someone typed the printed form by hand), and
//! the printed form's coefficients are far larger than any number in the
//! other, the sign of cancellation. `2x + 1`, simplified from `(x + 1)^2 -
//! x^2`, is the better form to evaluate, and is not replaced.

use rustc_hash::FxHashSet;

use crate::error::Result;
use crate::symbolic::accurate::{accurate_form, keep};
use crate::symbolic::expr::{Expr, Node, split_coefficient};
use crate::symbolic::poly::{Gens, from_expr_capped};
use crate::symbolic::rewrite::{any_node, attempt};

/// How much larger than the numbers of the accurate form the printed
/// form's coefficients must be for the pair to be kept.
const GROWTH: f64 = 1e6;

/// Keeps `source` as the form to evaluate `shown` in (`shown` having been
/// simplified from it), when the pair passes the tests of the module doc.
pub fn offer(shown: Expr, source: Expr) -> Result<()> {
    let source = accurate_form(source).unwrap_or(source);
    if shown == source || accurate_form(shown).is_some() {
        return Ok(());
    }
    // Comparing the two as polynomials is an optional attempt: when it
    // would take too long, the pair is not kept.
    if cancels(shown, source)
        && attempt(|| same_polynomial(shown, source).map(|same| same.then_some(())))?.is_some()
    {
        keep(shown, source);
    }
    Ok(())
}

/// Whether `shown` is a sum whose coefficients are `GROWTH` times larger
/// than every number in `source`.
fn cancels(shown: Expr, source: Expr) -> bool {
    let Node::Add(terms) = &*shown.node() else {
        return false;
    };
    let largest = terms
        .iter()
        .map(|t| split_coefficient(*t).0.to_f64().abs())
        .fold(0.0, f64::max);
    largest > GROWTH * largest_number(source)
}

/// The largest magnitude of a number in `e`, at least 1.
fn largest_number(e: Expr) -> f64 {
    let mut largest = 1.0f64;
    any_node(e, |node| {
        if let Node::Num(n) = node {
            largest = largest.max(n.to_f64().abs());
        }
        false
    });
    largest
}

/// Whether both are the same polynomial over the same atoms, every atom of
/// `source` in it with a positive power (none cancelled away, none divided
/// by).
fn same_polynomial(shown: Expr, source: Expr) -> Result<bool> {
    let Node::Add(terms) = &*shown.node() else {
        return Ok(false);
    };
    let cap = terms.len().max(16) * 4;
    let mut gens = Gens::default();
    let Some(from_source) = from_expr_capped(source, &mut gens, &mut Ok, cap)? else {
        return Ok(false);
    };
    let atoms = gens.len();
    let Some(from_shown) = from_expr_capped(shown, &mut gens, &mut Ok, cap)? else {
        return Ok(false);
    };
    let mut used = FxHashSet::default();
    for (monomial, _) in from_source.terms() {
        for &(g, k) in monomial {
            if k < 0 {
                return Ok(false);
            }
            used.insert(g);
        }
    }
    Ok(gens.len() == atoms && used.len() == atoms && from_source == from_shown)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::symbolic::Func;
    use crate::symbolic::accurate::accurate_form;
    use crate::symbolic::diff::differentiate;
    use crate::symbolic::expr::{add, call, mul, pow, sub};
    use crate::symbolic::simplify::simplify;
    use crate::symbolic::testing::x;

    fn product(n: i64) -> Expr {
        mul((1..=n).map(|i| add([x(), Expr::int(i)])))
    }

    #[test]
    fn an_expanded_derivative_is_evaluated_as_differentiated() {
        let raw = differentiate(product(12), "x").expect("small");
        let shown = simplify(raw).expect("small");
        assert!(matches!(*shown.node(), Node::Add(_)), "expanded");
        assert_eq!(accurate_form(shown), Some(raw));
    }

    #[test]
    fn a_form_with_small_coefficients_is_evaluated_as_printed() {
        // (x + 1)^2 - x^2 = 2x + 1: the short form is the accurate one.
        let raw = sub(
            pow(add([x(), Expr::int(1)]), Expr::int(2)),
            pow(x(), Expr::int(2)),
        );
        let shown = simplify(raw).expect("small");
        assert_eq!(shown, add([mul([Expr::int(2), x()]), Expr::int(1)]));
        assert_eq!(accurate_form(shown), None);
    }

    #[test]
    fn a_pair_whose_atoms_differ_is_refused() {
        // (ln(x) + b x)^2 - ln(x)^2 - 2b x ln(x) + 1 = b^2 x^2 + 1, but only
        // where ln(x) is defined: the sum must not stand for it.
        let ln = call(Func::Ln, vec![x()]);
        let b = Expr::int(10_000_000_000);
        let source = add([
            pow(add([ln, mul([b, x()])]), Expr::int(2)),
            mul([Expr::int(-1), pow(ln, Expr::int(2))]),
            mul([Expr::int(-20_000_000_000), x(), ln]),
            Expr::int(1),
        ]);
        let shown = add([
            mul([pow(b, Expr::int(2)), pow(x(), Expr::int(2))]),
            Expr::int(1),
        ]);
        assert!(cancels(shown, source), "the coefficients grew");
        assert!(!same_polynomial(shown, source).expect("small"));
        offer(shown, source).expect("small");
        assert_eq!(accurate_form(shown), None);
    }
}
