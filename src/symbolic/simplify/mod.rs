//! `simplify` and `expand`.
//!
//! The constructors already keep every expression canonical (like terms
//! collected, numbers folded, `x^1` gone). `simplify` goes further, once per
//! distinct node, bottom-up: at each sum, product or power it tries the
//! named rewrites of `rules`, `rational` and `trig`, multiplying out
//! (capped, through polynomials) and taking out common factors, and keeps
//! the cheapest result by `cost` (operations as a reader counts them). Its
//! work is the DAG's size times the capped work of the rewrites at a node:
//! polynomial, never repeated whole-tree passes.
//!
//! Invariant: every rewrite keeps the value wherever the input is defined;
//! none changes where a defined input is undefined (`ln(x^2)` is not
//! `2ln(x)` and `sqrt(x^2)` is not `x`). Cancelling a common factor
//! (`x^2/x`) may extend a domain, as SymPy's `cancel` does.

mod accurate;
mod cost;
mod rational;
mod rules;
mod trig;

use rustc_hash::FxHashMap as HashMap;

use super::expr::{Expr, Node, children, rebuild};
use super::poly::{Gens, PolyMemo, from_expr, from_expr_memo};
use super::rewrite::{attempt, check_budget};
use crate::error::Result;
use cost::Cost;
use rules::terms_of;

/// A factored form must beat the sum of terms by more than this to be
/// taken: on near-ties the sum a teacher writes wins (`3x^2 sin(x) + x^3
/// cos(x)`, not `x^2(3sin(x) + x cos(x))`), but `(1 - x) exp(-x)` is two
/// operations shorter than `exp(-x) - x exp(-x)` and wins.
const FACTORED_MARGIN: u64 = 1;
/// Rounds of rewriting at one node: a rewrite's result may enable another
/// (one denominator, then the logistic function).
const ROUNDS: usize = 3;
/// An expansion tried at a node may reach this many terms per term of the
/// input, at least `LEAST_EXPANSION`.
const EXPANSION_PER_TERM: usize = 8;
const LEAST_EXPANSION: usize = 64;
/// An expansion whose estimated cost exceeds the current form's by more
/// than this is not built (the estimate is close, not exact).
const EXPANSION_SLACK: u64 = 4;

/// The cheapest equal form we can find.
pub fn simplify(e: Expr) -> Result<Expr> {
    let shown = Simplifier::default().simplify(e)?;
    accurate::offer(shown, e)?;
    Ok(shown)
}

/// Products of sums multiplied out and positive integer powers of sums
/// expanded, everywhere: `(x + 1)^2 = x^2 + 2x + 1`.
pub fn expand(e: Expr) -> Result<Expr> {
    Expander::default().expand(e)
}

/// The operations `e` prints with (see `cost`).
pub fn cost(e: Expr) -> u64 {
    Cost::default().of(e)
}

#[derive(Default)]
struct Simplifier {
    memo: HashMap<Expr, Expr>,
    cost: Cost,
    /// The polynomials of subexpressions tried for expansion, over `gens`.
    gens: Gens,
    polys: PolyMemo,
}

impl Simplifier {
    fn simplify(&mut self, e: Expr) -> Result<Expr> {
        if let Some(&done) = self.memo.get(&e) {
            return Ok(done);
        }
        check_budget()?;
        if is_plain_monomial(e) {
            self.memo.insert(e, e);
            return Ok(e);
        }
        let node = e.node();
        let kids = children(&node);
        let rebuilt = if kids.is_empty() {
            e
        } else {
            let new = kids
                .iter()
                .map(|k| self.simplify(*k))
                .collect::<Result<Vec<_>>>()?;
            if new == kids { e } else { rebuild(&node, new) }
        };
        // The rewrites of the node as it came are tried too: simplifying a
        // child on its own may hide what its parent can do with it (a
        // factor common to two terms, expanded away in one of them).
        let seeds = if rebuilt == e {
            vec![e]
        } else {
            vec![rebuilt, e]
        };
        let best = self.improve(&seeds)?;
        self.memo.insert(e, best);
        Ok(best)
    }

    /// `e` multiplied out at its top (a sum, product or power), unless that
    /// grows past the cap, takes more than an optional attempt's work
    /// (`rewrite::attempt`) or plainly costs more than `e` (the expression
    /// is then not built).
    fn expansion(&mut self, e: Expr) -> Result<Option<Expr>> {
        match &*e.node() {
            Node::Add(terms) if terms.iter().all(|t| is_plain_monomial(*t)) => return Ok(None),
            Node::Add(_) | Node::Mul(_) | Node::Pow(..) => {}
            _ => return Ok(None),
        }
        let cap = (terms_of(e).len() * EXPANSION_PER_TERM).max(LEAST_EXPANSION);
        let (gens, polys) = (&mut self.gens, &mut self.polys);
        let Some(poly) = attempt(|| from_expr_memo(e, gens, polys, cap))? else {
            return Ok(None);
        };
        if poly.display_cost() > self.cost.of(e) + EXPANSION_SLACK {
            return Ok(None);
        }
        let expanded = poly.to_expr(&self.gens);
        Ok((expanded != e).then_some(expanded))
    }

    /// The cheapest of `e` and what the rewrites make of it, round after
    /// round while something cheaper comes.
    fn improve(&mut self, seeds: &[Expr]) -> Result<Expr> {
        let mut best = seeds[0];
        let mut sources: Vec<Expr> = seeds.to_vec();
        for _ in 0..ROUNDS {
            let mut next = best;
            let mut all = Vec::new();
            for source in &sources {
                all.extend(candidates(*source)?);
                // A sum multiplied out wins ties; a product only when
                // cheaper, so its factors stay for the sum above it.
                let take = match *source.node() {
                    Node::Add(_) => Take::SumOnTie,
                    _ => Take::Cheaper,
                };
                all.extend(self.expansion(*source)?.map(|c| (c, take)));
            }
            for (candidate, take) in all {
                let (c, b) = (self.cost.of(candidate), self.cost.of(next));
                let taken = match take {
                    Take::Cheaper => c < b,
                    Take::OnTie => c <= b,
                    Take::SumOnTie => c < b || (c == b && is_sum_over(candidate, next)),
                    Take::ByMoreThan(margin) => c + margin < b,
                };
                if taken {
                    next = candidate;
                }
            }
            if next == best {
                break;
            }
            best = next;
            sources = vec![best];
        }
        Ok(best)
    }
}

/// A number, or a number times positive integer powers of variables
/// (`3x^2 y`): no rewrite makes one shorter, and a sum of them is
/// already multiplied out.
fn is_plain_monomial(e: Expr) -> bool {
    let power_of_variable = |f: &Expr| match &*f.node() {
        Node::Var(_) => true,
        Node::Pow(base, exponent) => {
            matches!(*base.node(), Node::Var(_))
                && exponent
                    .as_num()
                    .is_some_and(|n| n.is_integer() && !n.is_negative())
        }
        _ => false,
    };
    match &*e.node() {
        Node::Num(_) => true,
        Node::Mul(factors) => {
            let rest = match factors[0].as_num() {
                Some(_) => &factors[1..],
                None => &factors[..],
            };
            rest.iter().all(power_of_variable)
        }
        _ => power_of_variable(&e),
    }
}

/// When a rewrite's result replaces the current form.
#[derive(Copy, Clone, Debug)]
enum Take {
    /// When it is cheaper.
    Cheaper,
    /// When it is no dearer: a named form a teacher writes (`tan`,
    /// `sigmoid`, `1/cos(x)^2`).
    OnTie,
    /// When cheaper, or as cheap and a sum where the current form is not.
    SumOnTie,
    /// When cheaper by more than this (a factored form over a sum).
    ByMoreThan(u64),
}

/// On a tie, a sum of terms is preferred over a product or power: it is
/// what a teacher writes.
fn is_sum_over(candidate: Expr, current: Expr) -> bool {
    matches!(*candidate.node(), Node::Add(_)) && !matches!(*current.node(), Node::Add(_))
}

/// Every rewrite of the node `e` that applies, with when to take it. Those
/// that multiply out are optional attempts (`rewrite::attempt`): one that
/// would take too long is not offered.
fn candidates(e: Expr) -> Result<Vec<(Expr, Take)>> {
    let mut out: Vec<(Expr, Take)> = Vec::new();
    let node = e.node();
    match &*node {
        Node::Add(terms) => {
            out.extend(rules::pythagoras(terms).map(|c| (c, Take::OnTie)));
            out.extend(rules::double_angle(terms).map(|c| (c, Take::Cheaper)));
            out.extend(rules::sec_squared(terms).map(|c| (c, Take::OnTie)));
            out.extend(rules::factor_common(terms).map(|c| (c, Take::ByMoreThan(FACTORED_MARGIN))));
            out.extend(attempt(|| rational::together(terms))?.map(|c| (c, Take::Cheaper)));
            out.extend(attempt(|| trig::trig_mix(e))?.map(|c| (c, Take::Cheaper)));
        }
        Node::Mul(factors) => {
            out.extend(rules::negated_reduction(factors).map(|c| (c, Take::OnTie)));
            out.extend(rules::quotients_to_tan(factors).map(|c| (c, Take::OnTie)));
            out.extend(rules::sigmoid(factors).map(|c| (c, Take::OnTie)));
            out.extend(rules::sign_and_abs(factors).map(|c| (c, Take::OnTie)));
            out.extend(attempt(|| rational::one_denominator(factors))?.map(|c| (c, Take::Cheaper)));
        }
        Node::Pow(..) => {
            out.extend(rules::sigmoid(&[e]).map(|c| (c, Take::OnTie)));
        }
        _ => {}
    }
    out.retain(|(c, _)| *c != e);
    Ok(out)
}

// ------------------------------------------------------------ expand

/// Multiplies out through polynomials: every sum, product and integer
/// power becomes a polynomial over the other nodes (whose own arguments
/// are expanded), collected as it is built.
#[derive(Default)]
struct Expander {
    memo: HashMap<Expr, Expr>,
}

impl Expander {
    fn expand(&mut self, e: Expr) -> Result<Expr> {
        if let Some(&done) = self.memo.get(&e) {
            return Ok(done);
        }
        check_budget()?;
        let out = match &*e.node() {
            Node::Add(_) | Node::Mul(_) | Node::Pow(..) => {
                let mut gens = Gens::default();
                let polynomial = from_expr(e, &mut gens, &mut |atom| self.inside(atom))?;
                polynomial.to_expr(&gens)
            }
            _ => self.inside(e)?,
        };
        self.memo.insert(e, out);
        Ok(out)
    }

    /// `e` with its arguments expanded, itself left as it is.
    fn inside(&mut self, e: Expr) -> Result<Expr> {
        let node = e.node();
        let kids = children(&node);
        if kids.is_empty() {
            return Ok(e);
        }
        let new = kids
            .iter()
            .map(|k| self.expand(*k))
            .collect::<Result<Vec<_>>>()?;
        Ok(if new == kids { e } else { rebuild(&node, new) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::symbolic::Func;
    use crate::symbolic::diff::differentiate;
    use crate::symbolic::expr::{add, call, div, mul, pow, sub};
    use crate::symbolic::num::Num;
    use crate::symbolic::testing::{n, x};

    fn sin(x: Expr) -> Expr {
        call(Func::Sin, vec![x])
    }

    fn s(e: Expr) -> Expr {
        simplify(e).expect("small")
    }

    #[test]
    fn plain_monomials_are_recognised() {
        let y = Expr::var("y");
        assert!(is_plain_monomial(mul([n(3), pow(x(), n(2)), y])));
        assert!(is_plain_monomial(x()));
        assert!(!is_plain_monomial(pow(x(), n(-1))));
        assert!(!is_plain_monomial(mul([x(), sin(x())])));
        assert!(!is_plain_monomial(pow(add([x(), n(1)]), n(2))));
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
