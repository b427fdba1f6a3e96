//! The named rewrites `simplify` tries at a node, each an identity stated
//! in its doc line and tested on its own. A rule returns `None` when it
//! does not apply; when it does, the result is equal wherever the input is
//! defined.
//!
//! Invariant: no rule makes an expression undefined where it was defined,
//! and none extends a domain except by cancelling a common factor (`x/x`),
//! as SymPy does.

use num_integer::Integer;
use num_rational::BigRational;

use crate::symbolic::Func;
use crate::symbolic::expr::{
    Expr, Node, add, call, mul, numeric_content, pow, split_coefficient, split_power,
};
use crate::symbolic::num::Num;

/// A term as its numeric coefficient and its factors, each as base and
/// exponent (a number where the exponent is one).
pub struct Monomial {
    pub coefficient: Num,
    pub powers: Vec<(Expr, Expr)>,
}

pub fn monomial(term: Expr) -> Monomial {
    let (mut coefficient, rest) = split_coefficient(term);
    let factors: Vec<Expr> = match &*rest.node() {
        Node::Mul(fs) => fs.to_vec(),
        _ if rest.is_num(Num::ONE) => Vec::new(),
        _ => vec![rest],
    };
    let mut powers = Vec::with_capacity(factors.len());
    for factor in factors {
        let (base, exponent) = split_power(factor);
        // (2x + 2)^k is 2^k (x + 1)^k: a sum's numbers come out, so that
        // it meets the same sum elsewhere as a common factor.
        match (
            numeric_content(base),
            exponent.as_num().and_then(Num::as_integer),
        ) {
            (Some((content, primitive)), Some(k)) if matches!(*base.node(), Node::Add(_)) => {
                coefficient = coefficient * content.powi(k);
                powers.push((primitive, exponent));
            }
            _ => powers.push((base, exponent)),
        }
    }
    Monomial {
        coefficient,
        powers,
    }
}

/// The argument of `f(u)`, when `e` is a call of `f`.
fn argument_of(e: Expr, f: Func) -> Option<Expr> {
    match &*e.node() {
        Node::Call(g, args) if *g == f => Some(args[0]),
        _ => None,
    }
}

/// `c f(u)^2` as `(c, u)`.
fn square_of(t: Expr, f: Func) -> Option<(Num, Expr)> {
    let (c, rest) = split_coefficient(t);
    let (base, exponent) = split_power(rest);
    if !exponent.is_num(Num::int(2)) {
        return None;
    }
    Some((c, argument_of(base, f)?))
}

/// `c sin(u)^2 + c cos(u)^2 = c` and `c cosh(u)^2 - c sinh(u)^2 = c`.
pub fn pythagoras(terms: &[Expr]) -> Option<Expr> {
    let pairs = [
        (Func::Sin, Func::Cos, Num::ONE),
        (Func::Cosh, Func::Sinh, Num::MINUS_ONE),
    ];
    pairs.into_iter().find_map(|(first, second, partner_sign)| {
        let (mut rest, c, _) = replace_square_pair(terms, first, second, partner_sign)?;
        rest.push(Expr::num(c));
        Some(add(rest))
    })
}

/// `c cos(u)^2 - c sin(u)^2 = c cos(2u)` and `c cosh(u)^2 + c sinh(u)^2 =
/// c cosh(2u)`: the double angle, where it is shorter (`2sin(u) cos(u)`
/// stays, as a teacher leaves the product rule's result).
pub fn double_angle(terms: &[Expr]) -> Option<Expr> {
    let pairs = [
        (Func::Cos, Func::Sin, Num::MINUS_ONE, Func::Cos),
        (Func::Cosh, Func::Sinh, Num::ONE, Func::Cosh),
    ];
    pairs
        .into_iter()
        .find_map(|(first, second, partner_sign, double)| {
            let (mut rest, c, u) = replace_square_pair(terms, first, second, partner_sign)?;
            rest.push(mul([
                Expr::num(c),
                call(double, vec![mul([Expr::int(2), u])]),
            ]));
            Some(add(rest))
        })
}

/// A term `c first(u)^2` and a term `(c partner_sign) second(u)^2`: the
/// other terms, `c` and `u`.
fn replace_square_pair(
    terms: &[Expr],
    first: Func,
    second: Func,
    partner_sign: Num,
) -> Option<(Vec<Expr>, Num, Expr)> {
    terms.iter().enumerate().find_map(|(i, t)| {
        let (c, u) = square_of(*t, first)?;
        let j = terms
            .iter()
            .position(|s| square_of(*s, second) == Some((c * partner_sign, u)))?;
        let rest = terms
            .iter()
            .enumerate()
            .filter(|(k, _)| *k != i && *k != j)
            .map(|(_, t)| *t)
            .collect();
        Some((rest, c, u))
    })
}

/// `sin(u)^k / cos(u)^k = tan(u)^k` and `sinh(u)^k / cosh(u)^k =
/// tanh(u)^k`, for as many powers as the product has of both; and the
/// other way up, `cos(u)^k / sin(u)^k = 1/tan(u)^k`.
pub fn quotients_to_tan(factors: &[Expr]) -> Option<Expr> {
    if let Some(upright) = quotients_up(factors) {
        return Some(upright);
    }
    let inverted: Vec<Expr> = factors.iter().map(|f| pow(*f, Expr::int(-1))).collect();
    let up = quotients_up(&inverted)?;
    Some(pow(up, Expr::int(-1)))
}

/// The quotients with sin (or sinh) above and cos (or cosh) below.
fn quotients_up(factors: &[Expr]) -> Option<Expr> {
    let pairs = [
        (Func::Sin, Func::Cos, Func::Tan),
        (Func::Sinh, Func::Cosh, Func::Tanh),
    ];
    let mut current: Vec<Expr> = factors.to_vec();
    let mut changed = false;
    for (top, bottom, quotient) in pairs {
        let powers: Vec<(Expr, Expr)> = current.iter().map(|f| split_power(*f)).collect();
        for (base, exponent) in &powers {
            let (Some(u), Some(k)) = (argument_of(*base, top), exponent.as_num()) else {
                continue;
            };
            if !k.is_integer() || k.is_negative() {
                continue;
            }
            let below = powers.iter().find_map(|(b, e)| {
                (argument_of(*b, bottom) == Some(u))
                    .then(|| e.as_num())
                    .flatten()
            });
            let Some(m) = below.filter(|m| m.is_negative() && m.is_integer()) else {
                continue;
            };
            // tan^j with j = min(k, -m); what is left stays.
            let j = if k.total_cmp(-m).is_le() { k } else { -m };
            current.push(pow(call(quotient, vec![u]), Expr::num(j)));
            current.push(pow(call(top, vec![u]), Expr::num(-j)));
            current.push(pow(call(bottom, vec![u]), Expr::num(j)));
            changed = true;
            break;
        }
    }
    changed.then(|| mul(current))
}

/// `c + c tan(u)^2 = c / cos(u)^2`.
pub fn sec_squared(terms: &[Expr]) -> Option<Expr> {
    for (i, t) in terms.iter().enumerate() {
        let Some((c, u)) = square_of(*t, Func::Tan) else {
            continue;
        };
        let Some(j) = terms.iter().position(|s| s.as_num() == Some(c)) else {
            continue;
        };
        let mut rest: Vec<Expr> = terms
            .iter()
            .enumerate()
            .filter(|(k, _)| *k != i && *k != j)
            .map(|(_, t)| *t)
            .collect();
        rest.push(mul([
            Expr::num(c),
            pow(call(Func::Cos, vec![u]), Expr::int(-2)),
        ]));
        return Some(add(rest));
    }
    None
}

/// `exp(u) / (exp(u) + 1) = sigmoid(u)`, `1 / (1 + exp(u)) =
/// sigmoid(-u)`, and `exp(u) sigmoid(-u) = sigmoid(u)`: the logistic
/// function under its name.
pub fn sigmoid(factors: &[Expr]) -> Option<Expr> {
    if let Some(folded) = exp_times_sigmoid(factors) {
        return Some(folded);
    }
    for (i, f) in factors.iter().enumerate() {
        let (base, exponent) = split_power(*f);
        if !exponent.is_num(Num::MINUS_ONE) {
            continue;
        }
        let Some(u) = one_plus_exp(base) else {
            continue;
        };
        let numerator = factors
            .iter()
            .position(|g| argument_of(*g, Func::Exp) == Some(u));
        let mut rest: Vec<Expr> = factors
            .iter()
            .enumerate()
            .filter(|(k, _)| *k != i && Some(*k) != numerator)
            .map(|(_, g)| *g)
            .collect();
        let argument = match numerator {
            Some(_) => u,
            None => mul([Expr::int(-1), u]),
        };
        rest.push(call(Func::Sigmoid, vec![argument]));
        return Some(mul(rest));
    }
    None
}

/// `exp(u) sigmoid(-u) = exp(u)/(1 + exp(u)) = sigmoid(u)`.
fn exp_times_sigmoid(factors: &[Expr]) -> Option<Expr> {
    for (i, f) in factors.iter().enumerate() {
        let Some(u) = argument_of(*f, Func::Exp) else {
            continue;
        };
        let minus_u = mul([Expr::int(-1), u]);
        let Some(j) = factors
            .iter()
            .position(|g| argument_of(*g, Func::Sigmoid) == Some(minus_u))
        else {
            continue;
        };
        let mut rest: Vec<Expr> = factors
            .iter()
            .enumerate()
            .filter(|(k, _)| *k != i && *k != j)
            .map(|(_, g)| *g)
            .collect();
        rest.push(call(Func::Sigmoid, vec![u]));
        return Some(mul(rest));
    }
    None
}

/// `u` when `e` is `exp(u) + 1`.
fn one_plus_exp(e: Expr) -> Option<Expr> {
    let Node::Add(terms) = &*e.node() else {
        return None;
    };
    match terms.as_ref() {
        [one, exp] if one.is_num(Num::ONE) => argument_of(*exp, Func::Exp),
        _ => None,
    }
}

/// `sign(u) / abs(u) = 1/u` (both are undefined at 0), and `sign(u)
/// abs(u) = u`.
pub fn sign_and_abs(factors: &[Expr]) -> Option<Expr> {
    for (i, f) in factors.iter().enumerate() {
        let Some(u) = argument_of(*f, Func::Sign) else {
            continue;
        };
        for (j, g) in factors.iter().enumerate() {
            let (base, exponent) = split_power(*g);
            if argument_of(base, Func::Abs) != Some(u) {
                continue;
            }
            let replacement = if exponent.is_num(Num::MINUS_ONE) {
                pow(u, Expr::int(-1))
            } else if exponent.is_num(Num::ONE) {
                u
            } else {
                continue;
            };
            let mut rest: Vec<Expr> = factors
                .iter()
                .enumerate()
                .filter(|(k, _)| *k != i && *k != j)
                .map(|(_, h)| *h)
                .collect();
            rest.push(replacement);
            return Some(mul(rest));
        }
    }
    None
}

/// -mean(a - b) = mean(b - a), and the same for sum: the minus moves
/// inside a reduction of a sum.
pub fn negated_reduction(factors: &[Expr]) -> Option<Expr> {
    let [minus_one, reduction] = factors else {
        return None;
    };
    if !minus_one.is_num(Num::MINUS_ONE) {
        return None;
    }
    match &*reduction.node() {
        Node::Call(func, args)
            if func.is_reduction() && matches!(*args[0].node(), Node::Add(_)) =>
        {
            Some(call(*func, vec![mul([Expr::int(-1), args[0]])]))
        }
        _ => None,
    }
}

/// x^2 e^x + 2x e^x = x (x + 2) e^x: every factor common to all terms (at
/// its lowest numeric power) taken out, with the coefficients' gcd.
pub fn factor_common(terms: &[Expr]) -> Option<Expr> {
    let monomials: Vec<Monomial> = terms.iter().map(|t| monomial(*t)).collect();
    let mut common: Vec<(Expr, Num)> = Vec::new();
    for (base, exponent) in &monomials[0].powers {
        let Some(mut lowest) = exponent.as_num() else {
            continue;
        };
        let in_all = monomials[1..].iter().all(|m| {
            m.powers.iter().any(|(b, e)| match e.as_num() {
                Some(k) if b == base => {
                    if k.total_cmp(lowest).is_lt() {
                        lowest = k;
                    }
                    true
                }
                _ => false,
            })
        });
        if in_all {
            common.push((*base, lowest));
        }
    }
    if common.is_empty() {
        return None;
    }
    let gcd = monomials
        .iter()
        .map(|m| m.coefficient)
        .reduce(num_gcd)
        .unwrap_or(Num::ONE);
    let gcd = if monomials.iter().all(|m| m.coefficient.is_negative()) {
        -gcd
    } else {
        gcd
    };
    // Each term rebuilt from its monomial (sums made primitive) without
    // the common part.
    let reduced = monomials.iter().map(|m| {
        let mut factors = vec![Expr::num(m.coefficient * gcd.recip())];
        for (base, exponent) in &m.powers {
            let taken = common
                .iter()
                .find(|(b, _)| b == base)
                .map_or(Num::ZERO, |(_, k)| *k);
            factors.push(pow(*base, add([*exponent, Expr::num(-taken)])));
        }
        mul(factors)
    });
    let mut factors: Vec<Expr> = common.iter().map(|(b, k)| pow(*b, Expr::num(*k))).collect();
    factors.push(Expr::num(gcd));
    factors.push(add(reduced));
    Some(mul(factors))
}

/// The gcd of two rationals: gcd of numerators over lcm of denominators;
/// 1 when either is a double.
fn num_gcd(a: Num, b: Num) -> Num {
    match (a.to_big(), b.to_big()) {
        (Some(x), Some(y)) => {
            let numerator = x.numer().gcd(y.numer());
            let denominator = x.denom().lcm(y.denom());
            Num::big(BigRational::new(numerator, denominator))
        }
        _ => Num::ONE,
    }
}

/// The terms of a sum (one term for anything else).
pub fn terms_of(e: Expr) -> Vec<Expr> {
    match &*e.node() {
        Node::Add(ts) => ts.to_vec(),
        _ => vec![e],
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::symbolic::expr::{div, neg, sub};
    use crate::symbolic::testing::{n, x};

    fn f(func: Func, u: Expr) -> Expr {
        call(func, vec![u])
    }

    /// The factors of a product (one factor for anything else).
    pub fn product_factors(e: Expr) -> Vec<Expr> {
        match &*e.node() {
            Node::Mul(fs) => fs.to_vec(),
            _ => vec![e],
        }
    }

    #[test]
    fn pythagoras_for_circles_and_hyperbolas() {
        let (s, c) = (f(Func::Sin, x()), f(Func::Cos, x()));
        let e = add([pow(s, n(2)), pow(c, n(2)), x()]);
        assert_eq!(pythagoras(&terms_of(e)), Some(add([x(), n(1)])));
        let (sh, ch) = (f(Func::Sinh, x()), f(Func::Cosh, x()));
        let e = sub(pow(ch, n(2)), pow(sh, n(2)));
        assert_eq!(pythagoras(&terms_of(e)), Some(n(1)));
        assert_eq!(pythagoras(&terms_of(add([pow(s, n(2)), x()]))), None);
    }

    #[test]
    fn double_angles() {
        let (s, c) = (f(Func::Sin, x()), f(Func::Cos, x()));
        let e = sub(pow(c, n(2)), pow(s, n(2)));
        assert_eq!(
            double_angle(&terms_of(e)),
            Some(f(Func::Cos, mul([n(2), x()])))
        );
        let e = add([mul([n(2), pow(c, n(2))]), mul([n(-2), pow(s, n(2))]), x()]);
        let want = add([x(), mul([n(2), f(Func::Cos, mul([n(2), x()]))])]);
        assert_eq!(double_angle(&terms_of(e)), Some(want));
        let (sh, ch) = (f(Func::Sinh, x()), f(Func::Cosh, x()));
        let e = add([pow(ch, n(2)), pow(sh, n(2))]);
        assert_eq!(
            double_angle(&terms_of(e)),
            Some(f(Func::Cosh, mul([n(2), x()])))
        );
        assert_eq!(
            double_angle(&terms_of(add([pow(c, n(2)), pow(s, n(2))]))),
            None
        );
    }

    #[test]
    fn quotients_become_tan_and_tanh() {
        let (s, c) = (f(Func::Sin, x()), f(Func::Cos, x()));
        assert_eq!(
            quotients_to_tan(&product_factors(div(s, c))),
            Some(f(Func::Tan, x()))
        );
        let squares = div(pow(s, n(2)), pow(c, n(2)));
        assert_eq!(
            quotients_to_tan(&product_factors(squares)),
            Some(pow(f(Func::Tan, x()), n(2)))
        );
        // sin^3 / cos = tan sin^2
        let more = div(pow(s, n(3)), c);
        assert_eq!(
            quotients_to_tan(&product_factors(more)),
            Some(mul([f(Func::Tan, x()), pow(s, n(2))]))
        );
        let (sh, ch) = (f(Func::Sinh, x()), f(Func::Cosh, x()));
        assert_eq!(
            quotients_to_tan(&product_factors(div(sh, ch))),
            Some(f(Func::Tanh, x()))
        );
        assert_eq!(quotients_to_tan(&product_factors(mul([s, c]))), None);
        // cos/sin = 1/tan
        let cot = div(c, s);
        assert_eq!(
            quotients_to_tan(&product_factors(cot)),
            Some(pow(f(Func::Tan, x()), n(-1)))
        );
    }

    #[test]
    fn one_plus_tan_squared_is_sec_squared() {
        let t = f(Func::Tan, x());
        let e = add([n(1), pow(t, n(2))]);
        let want = pow(f(Func::Cos, x()), n(-2));
        assert_eq!(sec_squared(&terms_of(e)), Some(want));
    }

    #[test]
    fn the_logistic_function_by_name() {
        let u = neg(x());
        let e = div(f(Func::Exp, u), add([f(Func::Exp, u), n(1)]));
        assert_eq!(sigmoid(&product_factors(e)), Some(f(Func::Sigmoid, u)));
        let e = div(n(1), add([n(1), f(Func::Exp, u)]));
        assert_eq!(sigmoid(&product_factors(e)), Some(f(Func::Sigmoid, x())));
        let e = mul([f(Func::Exp, u), f(Func::Sigmoid, x()), x()]);
        assert_eq!(
            sigmoid(&product_factors(e)),
            Some(mul([x(), f(Func::Sigmoid, u)]))
        );
    }

    #[test]
    fn sign_over_abs_is_one_over_u() {
        let e = div(f(Func::Sign, x()), f(Func::Abs, x()));
        assert_eq!(sign_and_abs(&product_factors(e)), Some(pow(x(), n(-1))));
        let e = mul([f(Func::Sign, x()), f(Func::Abs, x())]);
        assert_eq!(sign_and_abs(&product_factors(e)), Some(x()));
    }

    #[test]
    fn common_factors_come_out() {
        // x^2 e^x + 2x e^x = x (x + 2) e^x
        let ex = f(Func::Exp, x());
        let e = add([mul([pow(x(), n(2)), ex]), mul([n(2), x(), ex])]);
        assert_eq!(
            factor_common(&terms_of(e)),
            Some(mul([x(), ex, add([x(), n(2)])]))
        );
        // 2^70 x^2 + 2^71 x = 2^70 x (x + 2): the gcd of big coefficients.
        let big = Expr::num(Num::int(2).powi(70));
        let e = add([mul([big, pow(x(), n(2))]), mul([n(2), big, x()])]);
        let want = mul([big, x(), add([x(), n(2)])]);
        assert_eq!(factor_common(&terms_of(e)), Some(want));
        assert_eq!(factor_common(&terms_of(add([x(), n(1)]))), None);
    }
}
