//! Exact identities: two expressions as rational functions (a polynomial
//! over a polynomial, exact coefficients) over the same generators, the
//! variables and any other node (`sin(x)`, `sqrt(x)`) as an opaque atom.
//!
//! Equal rational functions are equal wherever both sides are defined,
//! whatever rounding does to either in floating point: `(x + 1)^15` and its
//! expansion are the same polynomial. Different ones are different
//! functions only when no atom is involved (atoms may be related:
//! `sin(x)^2 + cos(x)^2` is not `1` as a polynomial in two atoms).
//! Invariant: an answer is a proof; anything in doubt (a double
//! coefficient, a conversion past the cap) is `Unknown`.

use crate::error::Result;
use crate::symbolic::poly::{Gens, Poly};
use crate::symbolic::rewrite::check_budget;
use crate::symbolic::{Expr, Node};

/// Terms a polynomial on the way may have before the conversion gives up
/// (a degree-30 polynomial in two variables has 496).
const MAX_TERMS: usize = 20_000;

/// What exact arithmetic can say of `left == right`.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Identity {
    /// The same rational function: equal wherever both are defined.
    Equal,
    /// Different rational functions of the variables alone: they differ
    /// at all but a thin set of points.
    Different,
    Unknown,
}

/// Compares `left` and `right` as rational functions.
pub fn identity(left: Expr, right: Expr) -> Result<Identity> {
    let mut converter = Converter::default();
    let (Some(l), Some(r)) = (converter.convert(left)?, converter.convert(right)?) else {
        return Ok(Identity::Unknown);
    };
    // a/b == c/d exactly when a d == c b (b, d are not the zero polynomial).
    let (Some(ad), Some(cb)) = (capped(l.num.mul(&r.den)?), capped(r.num.mul(&l.den)?)) else {
        return Ok(Identity::Unknown);
    };
    if !(ad.is_exact() && cb.is_exact()) {
        return Ok(Identity::Unknown);
    }
    Ok(match (ad == cb, converter.atoms) {
        (true, _) => Identity::Equal,
        (false, false) => Identity::Different,
        (false, true) => Identity::Unknown,
    })
}

/// A polynomial over a polynomial.
#[derive(Clone, Debug)]
struct Ratio {
    num: Poly,
    den: Poly,
}

impl Ratio {
    fn whole(num: Poly) -> Ratio {
        Ratio {
            num,
            den: Poly::number(crate::symbolic::Num::ONE),
        }
    }

    fn add(&self, other: &Ratio) -> Result<Option<Ratio>> {
        if self.den == other.den {
            return Ok(capped(self.num.add(&other.num)?).map(|num| Ratio {
                num,
                den: self.den.clone(),
            }));
        }
        let left = self.num.mul(&other.den)?;
        let right = other.num.mul(&self.den)?;
        let (Some(num), Some(den)) = (capped(left.add(&right)?), capped(self.den.mul(&other.den)?))
        else {
            return Ok(None);
        };
        Ok(Some(Ratio { num, den }))
    }

    fn mul(&self, other: &Ratio) -> Result<Option<Ratio>> {
        let (Some(num), Some(den)) = (
            capped(self.num.mul(&other.num)?),
            capped(self.den.mul(&other.den)?),
        ) else {
            return Ok(None);
        };
        Ok(Some(Ratio { num, den }))
    }

    /// self^k for an integer k; `None` for 0^negative.
    fn pow(&self, k: i64) -> Result<Option<Ratio>> {
        let (num, den) = if k < 0 {
            if self.num.is_empty() {
                return Ok(None);
            }
            (&self.den, &self.num)
        } else {
            (&self.num, &self.den)
        };
        let n = k.unsigned_abs();
        let (Some(num), Some(den)) = (capped(num.pow(n)?), capped(den.pow(n)?)) else {
            return Ok(None);
        };
        Ok(Some(Ratio { num, den }))
    }
}

fn capped(p: Poly) -> Option<Poly> {
    (p.len() <= MAX_TERMS).then_some(p)
}

/// Expressions to ratios over one set of generators.
#[derive(Default)]
struct Converter {
    gens: Gens,
    /// Whether a generator is not a plain variable.
    atoms: bool,
}

impl Converter {
    fn convert(&mut self, e: Expr) -> Result<Option<Ratio>> {
        check_budget()?;
        let node = e.node();
        match &*node {
            Node::Num(n) => Ok(Some(Ratio::whole(Poly::number(*n)))),
            Node::Var(_) => Ok(Some(self.generator(e))),
            Node::Add(terms) => self.fold(terms, Ratio::add, Poly::zero()),
            Node::Mul(factors) => {
                self.fold(factors, Ratio::mul, Poly::number(crate::symbolic::Num::ONE))
            }
            Node::Pow(base, exponent) => match exponent.as_num().and_then(|k| k.as_integer()) {
                Some(k) => match self.convert(*base)? {
                    Some(b) => b.pow(k),
                    None => Ok(None),
                },
                None => Ok(Some(self.atom(e))),
            },
            _ => Ok(Some(self.atom(e))),
        }
    }

    fn fold(
        &mut self,
        parts: &[Expr],
        combine: fn(&Ratio, &Ratio) -> Result<Option<Ratio>>,
        start: Poly,
    ) -> Result<Option<Ratio>> {
        let mut acc = Ratio::whole(start);
        for part in parts {
            let Some(p) = self.convert(*part)? else {
                return Ok(None);
            };
            let Some(next) = combine(&acc, &p)? else {
                return Ok(None);
            };
            acc = next;
        }
        Ok(Some(acc))
    }

    fn generator(&mut self, e: Expr) -> Ratio {
        Ratio::whole(Poly::generator(self.gens.of(e), 1))
    }

    fn atom(&mut self, e: Expr) -> Ratio {
        self.atoms = true;
        self.generator(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::symbolic::Func;
    use crate::symbolic::expr::{add, call, div, mul, pow, sub};
    use crate::symbolic::simplify::expand;
    use crate::symbolic::testing::{n, x, y};

    #[test]
    fn a_power_and_its_expansion_are_equal() {
        let e = pow(sub(x(), y()), n(6));
        let expanded = expand(e).expect("small");
        assert_eq!(identity(e, expanded), Ok(Identity::Equal));
    }

    #[test]
    fn rational_functions_over_different_denominators() {
        // 1/(x - 1) - 1/(x + 1) = 2/(x^2 - 1)
        let left = sub(div(n(1), sub(x(), n(1))), div(n(1), add([x(), n(1)])));
        let right = div(n(2), sub(pow(x(), n(2)), n(1)));
        assert_eq!(identity(left, right), Ok(Identity::Equal));
        let wrong = div(n(2), add([pow(x(), n(2)), n(1)]));
        assert_eq!(identity(left, wrong), Ok(Identity::Different));
    }

    #[test]
    fn a_tiny_difference_is_a_difference() {
        let left = add([
            mul([n(2), x()]),
            Expr::num(crate::symbolic::Num::ratio(30000001, 10000000)),
        ]);
        let right = add([mul([n(2), x()]), n(3)]);
        assert_eq!(identity(left, right), Ok(Identity::Different));
    }

    #[test]
    fn atoms_prove_equality_but_not_difference() {
        let s = call(Func::Sin, vec![x()]);
        let square = pow(add([s, n(1)]), n(2));
        let expanded = add([pow(s, n(2)), mul([n(2), s]), n(1)]);
        assert_eq!(identity(square, expanded), Ok(Identity::Equal));
        let c = call(Func::Cos, vec![x()]);
        let one = add([pow(s, n(2)), pow(c, n(2))]);
        assert_eq!(identity(one, n(1)), Ok(Identity::Unknown));
    }

    #[test]
    fn a_degree_thirty_identity_in_two_variables() {
        let e = pow(add([x(), mul([n(2), y()]), n(-1)]), n(30));
        let expanded = expand(e).expect("small enough");
        assert_eq!(identity(e, expanded), Ok(Identity::Equal));
        assert_eq!(identity(e, add([expanded, n(1)])), Ok(Identity::Different));
    }
}
