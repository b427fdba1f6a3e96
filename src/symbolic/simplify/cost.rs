//! The cost of a form: about how many operations it prints with, counted
//! as SymPy's `count_ops` counts them (each `+` or `-` between terms, each
//! product, division, power, function call and negation is one), so that
//! `simplify` keeps the form a reader takes in at a glance.
//!
//! Invariant: the cost depends only on the canonical form (never on how an
//! expression was built), and each distinct node is counted once per
//! `Cost`, whatever its number of uses.

use rustc_hash::FxHashMap as HashMap;

use crate::symbolic::expr::{Expr, Node, split_coefficient, split_power};
use crate::symbolic::num::Num;

#[derive(Default)]
pub struct Cost {
    memo: HashMap<Expr, u64>,
}

impl Cost {
    /// The operations of `e` printed on its own.
    pub fn of(&mut self, e: Expr) -> u64 {
        if let Some(&c) = self.memo.get(&e) {
            return c;
        }
        let node = e.node();
        let c = match &*node {
            Node::Num(n) => number_ops(*n) + u64::from(n.is_negative()),
            Node::Var(_) | Node::Const(_) | Node::Data(_) => 0,
            Node::Add(terms) => {
                let inner: u64 = terms.iter().map(|t| self.as_term(*t)).sum();
                // When every term is negative, one minus cannot be a
                // subtraction: `-a - b`.
                let all_negative = terms.iter().all(|t| split_coefficient(*t).0.is_negative());
                inner + terms.len() as u64 - 1 + u64::from(all_negative)
            }
            Node::Mul(_) | Node::Pow(..) => {
                let (coefficient, _) = split_coefficient(e);
                self.product(e) + u64::from(coefficient.is_negative())
            }
            Node::Call(_, args) | Node::Apply(_, args) => {
                1 + args.iter().map(|a| self.of(*a)).sum::<u64>()
            }
        };
        self.memo.insert(e, c);
        c
    }

    /// The operations of a term of a sum: its minus sign is the sum's.
    fn as_term(&mut self, t: Expr) -> u64 {
        let (coefficient, _) = split_coefficient(t);
        let own = self.of(t);
        own - u64::from(coefficient.is_negative())
    }

    /// A product's operations, its sign left out: one per factor joined in
    /// the numerator, one for the division and one per factor joined in
    /// the denominator, and each factor's own.
    fn product(&mut self, e: Expr) -> u64 {
        let (coefficient, rest) = split_coefficient(e);
        let factors: Vec<Expr> = match &*rest.node() {
            Node::Mul(fs) => fs.to_vec(),
            _ if rest.is_num(Num::ONE) => Vec::new(),
            _ => vec![rest],
        };
        let magnitude = coefficient.abs();
        let (mut numerator, mut denominator) = (0u64, 0u64);
        let mut inner = 0u64;
        if number_ops(magnitude) == 1 {
            // p/q: p joins the numerator (unless it is 1), q the denominator.
            numerator += u64::from(!(magnitude.recip().is_integer()));
            denominator += 1;
        } else if !magnitude.is_one() {
            numerator += 1;
        }
        for f in factors {
            let (base, exponent) = split_power(f);
            let negative = exponent.as_num().is_some_and(Num::is_negative);
            let power = if negative {
                exponent.as_num().map_or(Num::ONE, Num::abs)
            } else {
                exponent.as_num().unwrap_or(Num::ZERO)
            };
            inner += self.of(base);
            if !power.is_one() {
                inner += 1 + exponent_ops(power, exponent, self);
            }
            if negative {
                denominator += 1;
            } else {
                numerator += 1;
            }
        }
        let joined = |n: u64| n.saturating_sub(1);
        inner + joined(numerator) + u64::from(denominator > 0) + joined(denominator)
    }
}

/// The operations of an exponent: a fraction is a division, except 1/2
/// (printed as `sqrt`, whose call is the power itself).
fn exponent_ops(power: Num, exponent: Expr, cost: &mut Cost) -> u64 {
    if power.is_zero() {
        // Not a number: the exponent is an expression.
        return cost.of(exponent);
    }
    if power == Num::HALF {
        0
    } else {
        number_ops(power)
    }
}

/// A fraction is one division; integers, decimals and doubles are none.
fn number_ops(n: Num) -> u64 {
    u64::from(n.is_exact() && !n.is_integer() && !is_decimal(n))
}

/// Whether an exact number prints as a decimal (`0.25`): its denominator
/// is 2^a 5^b and at least 10.
fn is_decimal(n: Num) -> bool {
    let Num::Rat(_, mut q) = n else { return false };
    if q < 10 {
        return false;
    }
    for p in [2, 5] {
        while q % p == 0 {
            q /= p;
        }
    }
    q == 1
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::symbolic::Func;
    use crate::symbolic::expr::{add, call, div, mul, neg, pow, sqrt, sub};
    use crate::symbolic::testing::{n, x};

    fn cost(e: Expr) -> u64 {
        Cost::default().of(e)
    }

    #[test]
    fn counts_as_a_reader_does() {
        // x^2 + 2x + 1: two sums, a power, a product.
        assert_eq!(cost(add([pow(x(), n(2)), mul([n(2), x()]), n(1)])), 4);
        // (x + 1)^3: a sum and a power.
        assert_eq!(cost(pow(add([x(), n(1)]), n(3))), 2);
        // -x: one negation; 1 - x: one subtraction; -x - 1 both.
        assert_eq!(cost(neg(x())), 1);
        assert_eq!(cost(sub(n(1), x())), 1);
        assert_eq!(cost(sub(neg(x()), n(1))), 2);
        // 1/(x^2 + 1): a division, a power, a sum.
        assert_eq!(cost(div(n(1), add([pow(x(), n(2)), n(1)]))), 3);
        // sqrt(x) is one operation, exp(-x) two.
        assert_eq!(cost(sqrt(x())), 1);
        assert_eq!(cost(call(Func::Exp, vec![neg(x())])), 2);
        // x/3 and x/2: a division; 3x/2 a product and a division.
        assert_eq!(cost(div(x(), n(3))), 1);
        assert_eq!(cost(mul([Expr::num(Num::HALF), x()])), 1);
        assert_eq!(cost(mul([Expr::num(Num::Rat(3, 2)), x()])), 2);
        // 0.1x: a product.
        assert_eq!(cost(mul([Expr::num(Num::Rat(1, 10)), x()])), 1);
    }
}
