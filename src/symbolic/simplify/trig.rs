//! Sums that mix `tan` with `sin` and `cos` of one argument: `tan(u)`
//! written as `sin(u)/cos(u)`, the sum over one denominator, even powers of
//! `sin` (or of `cos`) reduced by `sin^2 + cos^2 = 1`, and what is left of
//! the quotients folded back into `tan`. So `cos(x)^2 tan(x) - sin(x)^2
//! tan(x) + sin(x)/cos(x)` is `2sin(x) cos(x)`.
//!
//! Invariant: every step is an identity where `tan(u)` is defined (where
//! `cos(u)` is not 0); the result is only taken when it is cheaper.

use super::rational::together;
use super::rules::{quotients_to_tan, terms_of};
use crate::error::Result;
use crate::symbolic::Func;
use crate::symbolic::expr::{Expr, Node, add, call, mul, pow, split_power};
use crate::symbolic::num::Num;
use crate::symbolic::poly::{Gens, from_expr_capped};
use crate::symbolic::rewrite::{any_node, map_bottom_up};

/// The most terms a reduced numerator may reach.
const CAP: usize = 256;

/// The sum's simplest form by sin/cos reduction, when it mixes `tan(u)`
/// with `sin(u)` or `cos(u)`; `None` when it does not, or nothing comes of
/// it.
pub fn trig_mix(sum: Expr) -> Result<Option<Expr>> {
    let Some(u) = mixed_argument(sum) else {
        return Ok(None);
    };
    let (sin, cos) = (call(Func::Sin, vec![u]), call(Func::Cos, vec![u]));
    let quotient = mul([sin, pow(cos, Expr::int(-1))]);
    let tan = call(Func::Tan, vec![u]);
    let written = map_bottom_up(sum, &mut |e| Ok(if e == tan { quotient } else { e }))?;
    let over_one = together(&terms_of(written))?.unwrap_or(written);
    let mut factors = match &*over_one.node() {
        Node::Mul(fs) => fs.to_vec(),
        _ => vec![over_one],
    };
    for f in &mut factors {
        if matches!(*f.node(), Node::Add(_))
            && let Some(reduced) = reduce_squares(*f, sin, cos)?
        {
            *f = reduced;
        }
    }
    let product = mul(factors.clone());
    let folded = match &*product.node() {
        Node::Mul(fs) => quotients_to_tan(fs).unwrap_or(product),
        _ => product,
    };
    Ok(Some(folded))
}

/// An argument `u` such that `tan(u)` and `sin(u)` or `cos(u)` both occur.
fn mixed_argument(sum: Expr) -> Option<Expr> {
    let mut tans: Vec<Expr> = Vec::new();
    any_node(sum, |node| {
        if let Node::Call(Func::Tan, args) = node {
            tans.push(args[0]);
        }
        false
    });
    tans.into_iter().find(|u| {
        any_node(
            sum,
            |node| matches!(node, Node::Call(Func::Sin | Func::Cos, args) if args[0] == *u),
        )
    })
}

/// The sum with even powers of sin replaced by powers of `1 - cos^2`, or
/// of cos by `1 - sin^2`, multiplied out: whichever is smaller.
fn reduce_squares(sum: Expr, sin: Expr, cos: Expr) -> Result<Option<Expr>> {
    let by_cos = replace_squares(sum, sin, cos)?;
    let by_sin = replace_squares(sum, cos, sin)?;
    Ok(match (by_cos, by_sin) {
        (Some(a), Some(b)) => Some(if size(a) <= size(b) { a } else { b }),
        (a, b) => a.or(b),
    })
}

/// `sum` with `gone^k` (k >= 2) written as `gone^(k mod 2) (1 - kept^2)^(k div
/// 2)`, multiplied out.
fn replace_squares(sum: Expr, gone: Expr, kept: Expr) -> Result<Option<Expr>> {
    let one_minus = add([Expr::one(), mul([Expr::int(-1), pow(kept, Expr::int(2))])]);
    let replaced = map_bottom_up(sum, &mut |e| {
        let (base, exponent) = split_power(e);
        Ok(match exponent.as_num().and_then(Num::as_integer) {
            Some(k) if base == gone && k >= 2 => mul([
                pow(gone, Expr::int(k % 2)),
                pow(one_minus, Expr::int(k / 2)),
            ]),
            _ => e,
        })
    })?;
    let mut gens = Gens::default();
    let poly = from_expr_capped(replaced, &mut gens, &mut Ok, CAP)?;
    Ok(poly.map(|p| p.to_expr(&gens)))
}

fn size(e: Expr) -> u64 {
    crate::symbolic::rewrite::tree_size(e)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::symbolic::expr::sub;
    use crate::symbolic::testing::{n, x};

    fn f(func: Func) -> Expr {
        call(func, vec![x()])
    }

    #[test]
    fn the_derivative_of_sin_cos_tan() {
        // cos^2 tan - sin^2 tan + sin/cos = 2 sin cos
        let (s, c, t) = (f(Func::Sin), f(Func::Cos), f(Func::Tan));
        let e = add([
            mul([pow(c, n(2)), t]),
            mul([n(-1), pow(s, n(2)), t]),
            mul([s, pow(c, n(-1))]),
        ]);
        assert_eq!(trig_mix(e), Ok(Some(mul([n(2), s, c]))));
    }

    #[test]
    fn sums_without_tan_are_left() {
        let (s, c) = (f(Func::Sin), f(Func::Cos));
        assert_eq!(trig_mix(sub(s, c)), Ok(None));
        assert_eq!(trig_mix(add([f(Func::Tan), x()])), Ok(None));
    }
}
