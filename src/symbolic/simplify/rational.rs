//! Rational forms: a sum over one common denominator with its numerator
//! multiplied out and common polynomial factors cancelled (`together`),
//! and a product whose denominators are multiplied out into one
//! (`one_denominator`: `x^2 (1/x^2 + 1)` below a fraction bar is `x^2 + 1`).
//!
//! Invariant: every expansion here is capped (`cap` terms), so trying a
//! form costs at most polynomial work; cancelling a common factor may
//! extend a domain (`x^2/x` is `x`), as SymPy's `cancel` does, and nothing
//! else does.

use rustc_hash::FxHashMap as HashMap;

use super::rules::monomial;
use crate::error::Result;
use crate::symbolic::expr::{Expr, Node, add, mul, pow, split_power};
use crate::symbolic::num::Num;
use crate::symbolic::poly::{Gens, Poly, from_expr_capped};

/// The most terms an expansion tried here may reach, per term of input.
const TERMS_PER_INPUT_TERM: usize = 8;
/// ... and at least this many.
const LEAST_CAP: usize = 64;

/// `a/(x + 1) - x/(x + 1)^2 = (a(x + 1) - x)/(x + 1)^2`: one fraction over
/// the common denominator, the numerator multiplied out and divided by any
/// denominator factor that divides it. `None` for a sum without a
/// denominator, or when the numerator would grow past the cap.
pub fn together(terms: &[Expr]) -> Result<Option<Expr>> {
    let mut denominator: HashMap<Expr, Num> = HashMap::default();
    let mut order: Vec<Expr> = Vec::new();
    for term in terms {
        for (base, exponent) in monomial(*term).powers {
            let Some(k) = exponent.as_num() else { continue };
            if !k.is_negative() || !k.is_integer() {
                continue;
            }
            let k = -k;
            let entry = denominator.entry(base).or_insert_with(|| {
                order.push(base);
                Num::ZERO
            });
            if k.total_cmp(*entry).is_gt() {
                *entry = k;
            }
        }
    }
    if order.is_empty() {
        return Ok(None);
    }
    let whole: Vec<Expr> = order
        .iter()
        .map(|b| pow(*b, Expr::num(denominator[b])))
        .collect();
    let scaled: Vec<Expr> = terms
        .iter()
        .map(|t| {
            let mut factors = whole.clone();
            factors.push(*t);
            mul(factors)
        })
        .collect();
    let cap = (terms.len() * TERMS_PER_INPUT_TERM).max(LEAST_CAP);
    let mut gens = Gens::default();
    let Some(mut numerator) = from_expr_capped(add(scaled), &mut gens, &mut Ok, cap)? else {
        return Ok(None);
    };
    let mut remaining: Vec<(Expr, Num)> = order.iter().map(|b| (*b, denominator[b])).collect();
    for (base, k) in &mut remaining {
        cancel_factor(&mut numerator, base, k, &mut gens)?;
    }
    let inverse = remaining.iter().map(|(b, k)| pow(*b, Expr::num(-*k)));
    Ok(Some(mul(
        std::iter::once(numerator.to_expr(&gens)).chain(inverse)
    )))
}

/// Divides `numerator` by the sum `base` as often as it divides exactly,
/// lowering `k` each time.
fn cancel_factor(numerator: &mut Poly, base: &Expr, k: &mut Num, gens: &mut Gens) -> Result<()> {
    if !matches!(*base.node(), Node::Add(_)) {
        return Ok(());
    }
    let Some(divisor) = from_expr_capped(*base, gens, &mut Ok, LEAST_CAP)? else {
        return Ok(());
    };
    while k.is_integer() && !k.is_negative() && !k.is_zero() {
        match numerator.divide_exact(&divisor)? {
            Some(quotient) => {
                *numerator = quotient;
                *k = *k + Num::MINUS_ONE;
            }
            None => break,
        }
    }
    Ok(())
}

/// `n / (a b)` with the denominator's factors multiplied out into one
/// polynomial, when at least one of them is a sum and there are several
/// (`1/(x^2 (1/x^2 + 1))` is `1/(x^2 + 1)`).
pub fn one_denominator(factors: &[Expr]) -> Result<Option<Expr>> {
    let mut numerator: Vec<Expr> = Vec::new();
    let mut below: Vec<Expr> = Vec::new();
    for f in factors {
        let (base, exponent) = split_power(*f);
        match exponent.as_num() {
            Some(k) if k.is_negative() && k.is_integer() => below.push(pow(base, Expr::num(-k))),
            _ => numerator.push(*f),
        }
    }
    let has_sum = below.iter().any(|b| {
        let (base, _) = split_power(*b);
        matches!(*base.node(), Node::Add(_))
    });
    if below.len() < 2 || !has_sum {
        return Ok(None);
    }
    let cap = (below.len() * TERMS_PER_INPUT_TERM).max(LEAST_CAP);
    let mut gens = Gens::default();
    let Some(product) = from_expr_capped(mul(below), &mut gens, &mut Ok, cap)? else {
        return Ok(None);
    };
    if product.is_monomial() {
        return Ok(None);
    }
    numerator.push(pow(product.to_expr(&gens), Expr::int(-1)));
    Ok(Some(mul(numerator)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::symbolic::expr::{div, sub};
    use crate::symbolic::testing::{n, x, y};

    fn terms(e: Expr) -> Vec<Expr> {
        super::super::rules::terms_of(e)
    }

    #[test]
    fn one_fraction_over_the_common_denominator() {
        // 1/(x + 1) - x/(x + 1)^2 = 1/(x + 1)^2
        let s = add([x(), n(1)]);
        let e = sub(div(n(1), s), div(x(), pow(s, n(2))));
        assert_eq!(together(&terms(e)), Ok(Some(pow(s, n(-2)))));
        assert_eq!(together(&terms(add([x(), n(1)]))), Ok(None));
    }

    #[test]
    fn common_polynomial_factors_cancel() {
        // x/(x - 1) - 1/(x - 1) = 1: the numerator x - 1 divides out.
        let d = add([x(), n(-1)]);
        let e = sub(div(x(), d), div(n(1), d));
        assert_eq!(together(&terms(e)), Ok(Some(n(1))));
    }

    #[test]
    fn denominators_multiply_out() {
        // 1/(x^2 (1/x^2 + 1)) = 1/(x^2 + 1)
        let inner = add([pow(x(), n(-2)), n(1)]);
        let e = div(n(1), mul([pow(x(), n(2)), inner]));
        let want = pow(add([pow(x(), n(2)), n(1)]), n(-1));
        assert_eq!(
            one_denominator(&super::super::rules::tests::product_factors(e)),
            Ok(Some(want))
        );
        // -y/(x^2 (y^2/x^2 + 1)) = -y/(x^2 + y^2)
        let inner = add([mul([pow(y(), n(2)), pow(x(), n(-2))]), n(1)]);
        let e = div(mul([n(-1), y()]), mul([pow(x(), n(2)), inner]));
        let want = mul([
            n(-1),
            y(),
            pow(add([pow(x(), n(2)), pow(y(), n(2))]), n(-1)),
        ]);
        assert_eq!(
            one_denominator(&super::super::rules::tests::product_factors(e)),
            Ok(Some(want))
        );
    }
}
