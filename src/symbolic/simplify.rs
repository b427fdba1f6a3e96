//! `simplify` and `expand`.
//!
//! The constructors already keep every expression canonical (like terms
//! collected, numbers folded, `x^1` gone). `simplify` goes further, once per
//! distinct node, bottom-up: at each sum or product it tries a few named
//! rewrites (below) and keeps the smallest result, so its cost is linear in
//! the DAG (times the small cost of the rewrites on one node), never
//! repeated whole-tree passes.
//!
//! Invariant: every rewrite keeps the value wherever the input is defined
//! (it may extend the domain, as `x/x = 1` does); none changes where a
//! defined input is undefined. In particular `ln(x^2)` is not `2ln(x)` and
//! `sqrt(x^2)` is not `x`.

use std::collections::HashMap;

use super::expr::{Expr, Func, Node, add, call, mul, pow, split_coefficient, split_power};
use super::num::Num;
use super::rewrite::{check_budget, map_bottom_up, tree_size};
use crate::error::Result;

/// Expressions larger than this are not tried with rewrites that expand.
const EXPAND_TRY_LIMIT: u64 = 400;

/// The shortest equal form we can find.
pub fn simplify(e: Expr) -> Result<Expr> {
    map_bottom_up(e, &mut |node| Ok(simplify_node(node)))
}

/// Products of sums multiplied out and positive integer powers of sums
/// expanded, everywhere: `(x + 1)^2 = x^2 + 2x + 1`.
pub fn expand(e: Expr) -> Result<Expr> {
    map_bottom_up(e, &mut expand_node)
}

fn simplify_node(e: Expr) -> Expr {
    let node = e.node();
    let mut best = e;
    // A rewrite must win by `margin` to be taken: on near-ties the sum of
    // terms a teacher writes beats a factored form
    // (3x^2 sin(x) + x^3 cos(x), not x^2(3sin(x) + x cos(x))).
    let mut consider_with = |candidate: Expr, margin: u64| {
        if tree_size(candidate) + margin < tree_size(best) {
            best = candidate;
        }
    };
    match &*node {
        Node::Add(terms) => {
            let e = pythagoras(terms).unwrap_or(e);
            consider_with(e, 0);
            // (x + 1)^2 - x^2 = 2x + 1: expanding a small sum may cancel.
            if tree_size(e) < EXPAND_TRY_LIMIT
                && let Ok(expanded) = expand(e)
            {
                consider_with(expanded, 0);
            }
            if let Node::Add(terms) = &*e.node() {
                consider_with(factor_common(terms), 2);
                if let Some(combined) = together(terms) {
                    consider_with(combined, 0);
                }
            }
        }
        Node::Mul(factors) if negated_reduction(factors).is_some() => {
            if let Some(inside) = negated_reduction(factors) {
                consider_with(inside, 0);
            }
        }
        Node::Mul(_) | Node::Pow(..) if tree_size(e) < EXPAND_TRY_LIMIT => {
            if let Ok(expanded) = expand_node(e) {
                consider_with(expanded, 0);
            }
        }
        _ => {}
    }
    best
}

/// -mean(a - b) = mean(b - a), and the same for sum: the minus moves
/// inside a reduction of a sum.
fn negated_reduction(factors: &[Expr]) -> Option<Expr> {
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

// ------------------------------------------------------------ expand

fn expand_node(e: Expr) -> Result<Expr> {
    match &*e.node() {
        Node::Mul(factors) => distribute(factors),
        Node::Pow(base, exponent) => match (&*base.node(), exponent.as_num()) {
            (Node::Add(_), Some(Num::Rat(n, 1))) if (2..=64).contains(&n) => {
                power_of_sum(*base, n as u32)
            }
            _ => Ok(e),
        },
        _ => Ok(e),
    }
}

/// (a + b)(c + d) = ac + ad + bc + bd
fn distribute(factors: &[Expr]) -> Result<Expr> {
    let mut terms: Vec<Expr> = vec![Expr::one()];
    for factor in factors {
        let parts: Vec<Expr> = match &*factor.node() {
            Node::Add(inner) => inner.to_vec(),
            _ => vec![*factor],
        };
        let mut next = Vec::with_capacity(terms.len() * parts.len());
        for t in &terms {
            for p in &parts {
                check_budget()?;
                next.push(mul([*t, *p]));
            }
        }
        terms = next;
    }
    Ok(add(terms))
}

/// (a + b)^n by repeated distribution (the constructors collect terms).
fn power_of_sum(base: Expr, n: u32) -> Result<Expr> {
    let mut acc = base;
    for _ in 1..n {
        acc = distribute(&[acc, base])?;
    }
    Ok(acc)
}

// ------------------------------------------------------------ rewrites

/// c sin(u)^2 + c cos(u)^2 = c
fn pythagoras(terms: &[Expr]) -> Option<Expr> {
    let square_of = |t: Expr, f: Func| -> Option<(Num, Expr)> {
        let (c, rest) = split_coefficient(t);
        let (base, exponent) = split_power(rest);
        match &*base.node() {
            Node::Call(g, args) if *g == f && exponent.is_num(Num::int(2)) => Some((c, args[0])),
            _ => None,
        }
    };
    for (i, t) in terms.iter().enumerate() {
        let Some((c, u)) = square_of(*t, Func::Sin) else {
            continue;
        };
        let partner = terms
            .iter()
            .position(|s| square_of(*s, Func::Cos) == Some((c, u)));
        if let Some(j) = partner {
            let mut rest: Vec<Expr> = terms
                .iter()
                .enumerate()
                .filter(|(k, _)| *k != i && *k != j)
                .map(|(_, t)| *t)
                .collect();
            rest.push(Expr::num(c));
            return Some(add(rest));
        }
    }
    None
}

/// A term as its numeric coefficient and its factors, each as base and
/// exponent (a number where the exponent is one).
struct Monomial {
    coefficient: Num,
    powers: Vec<(Expr, Expr)>,
}

fn monomial(term: Expr) -> Monomial {
    let (coefficient, rest) = split_coefficient(term);
    let factors: Vec<Expr> = match &*rest.node() {
        Node::Mul(fs) => fs.to_vec(),
        _ if rest.is_num(Num::ONE) => Vec::new(),
        _ => vec![rest],
    };
    let powers = factors.into_iter().map(split_power).collect();
    Monomial {
        coefficient,
        powers,
    }
}

/// x^2 e^x + 2x e^x = x (x + 2) e^x: every factor common to all terms (at
/// its lowest numeric power) taken out, with the coefficients' gcd.
fn factor_common(terms: &[Expr]) -> Expr {
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
        return add(terms.iter().copied());
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
    let reduced = terms.iter().map(|t| {
        let mut divisor: Vec<Expr> = common
            .iter()
            .map(|(b, k)| pow(*b, Expr::num(-*k)))
            .collect();
        divisor.push(Expr::num(gcd.recip()));
        divisor.push(*t);
        mul(divisor)
    });
    let mut factors: Vec<Expr> = common.iter().map(|(b, k)| pow(*b, Expr::num(*k))).collect();
    factors.push(Expr::num(gcd));
    factors.push(add(reduced));
    mul(factors)
}

/// The gcd of two rationals: gcd of numerators over lcm of denominators;
/// 1 when either is a float.
fn num_gcd(a: Num, b: Num) -> Num {
    match (a, b) {
        (Num::Rat(p, q), Num::Rat(r, s)) => {
            let g = int_gcd(p.unsigned_abs(), r.unsigned_abs());
            let l = (q as u128 / int_gcd(q as u64, s as u64) as u128) * s as u128;
            Num::ratio(g as i128, l as i128)
        }
        _ => Num::ONE,
    }
}

fn int_gcd(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a.max(1)
}

/// a/(x + 1) - x/(x + 1)^2 = (a(x + 1) - x)/(x + 1)^2 with the numerator
/// expanded: one fraction over the common denominator. Only for sums with a
/// denominator, and small enough to expand.
fn together(terms: &[Expr]) -> Option<Expr> {
    let mut denominator: HashMap<Expr, Num> = HashMap::new();
    let mut order: Vec<Expr> = Vec::new();
    for term in terms {
        for (base, exponent) in monomial(*term).powers {
            let Some(k) = exponent.as_num() else { continue };
            if !k.is_negative() {
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
        return None;
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
    let numerator = add(scaled);
    if tree_size(numerator) > EXPAND_TRY_LIMIT {
        return None;
    }
    let numerator = expand(numerator).ok()?;
    let inverse = whole.iter().map(|w| pow(*w, Expr::int(-1)));
    Some(mul(std::iter::once(numerator).chain(inverse)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::symbolic::diff::differentiate;
    use crate::symbolic::expr::{call, div, sub};

    fn sin(x: Expr) -> Expr {
        call(Func::Sin, vec![x])
    }

    fn x() -> Expr {
        Expr::var("x")
    }
    fn n(v: i64) -> Expr {
        Expr::int(v)
    }
    fn s(e: Expr) -> Expr {
        simplify(e).expect("small")
    }

    #[test]
    fn expand_squares() {
        let e = pow(add([x(), n(1)]), n(2));
        assert_eq!(expand(e), Ok(add([pow(x(), n(2)), mul([n(2), x()]), n(1)])));
    }

    #[test]
    fn expand_products_of_sums() {
        let e = mul([add([x(), n(1)]), add([x(), n(-1)])]);
        assert_eq!(expand(e), Ok(add([pow(x(), n(2)), n(-1)])));
    }

    #[test]
    fn simplify_prefers_the_shorter_expansion() {
        let e = mul([add([x(), n(1)]), add([x(), n(-1)])]);
        assert_eq!(s(e), add([pow(x(), n(2)), n(-1)]));
        // ... but keeps a product that is shorter than its expansion.
        let cube = pow(add([x(), n(1)]), n(3));
        assert_eq!(s(cube), cube);
    }

    #[test]
    fn product_rule_result_stays_a_sum() {
        let e = mul([pow(x(), n(3)), sin(x())]);
        let de = differentiate(e, "x").expect("small");
        assert_eq!(s(de), de);
    }

    #[test]
    fn cancelling_sums_expand() {
        let e = sub(pow(add([x(), n(1)]), n(2)), pow(x(), n(2)));
        assert_eq!(s(e), add([mul([n(2), x()]), n(1)]));
    }

    #[test]
    fn pythagoras_identity() {
        let c = call(Func::Cos, vec![x()]);
        let e = add([pow(sin(x()), n(2)), pow(c, n(2)), x()]);
        assert_eq!(s(e), add([x(), n(1)]));
    }

    #[test]
    fn common_factors_come_out() {
        // x^2 e^x + 2x e^x = x (x + 2) e^x
        let ex = call(Func::Exp, vec![x()]);
        let e = add([mul([pow(x(), n(2)), ex]), mul([n(2), x(), ex])]);
        assert_eq!(s(e), mul([x(), ex, add([x(), n(2)])]));
    }

    #[test]
    fn quotient_rule_results_combine() {
        // d x/(x^2 + 1) = (1 - x^2)/(x^2 + 1)^2
        let x2p1 = add([pow(x(), n(2)), n(1)]);
        let de = differentiate(div(x(), x2p1), "x").expect("small");
        let expected = div(sub(n(1), pow(x(), n(2))), pow(x2p1, n(2)));
        assert_eq!(s(de), expected);
    }

    #[test]
    fn simplify_keeps_domains() {
        let square = pow(x(), n(2));
        let ln_square = call(Func::Ln, vec![square]);
        assert_eq!(s(ln_square), ln_square);
        let root = pow(square, Expr::num(Num::HALF));
        assert_eq!(s(root), root);
    }
}
