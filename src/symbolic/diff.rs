//! Symbolic differentiation: one `match` arm per kind of node, each stating
//! its identity, memoized by handle so shared subexpressions are
//! differentiated once (d/dx of sin nested 40 deep is linear work).
//!
//! `differentiate_step` runs the same arms on one node only, each part's
//! derivative left as the caller writes it (`diff(part, x)`), and says
//! which rule the arm applied: `symbolic::explain` shows a derivation with
//! it, step by step, without a second differentiator that could disagree.
//!
//! Invariant: the result is canonical (built by the constructors) and has
//! no `Apply` node: user functions are inlined before differentiating.

use rustc_hash::FxHashMap as HashMap;

use super::accurate::accurate_form;
use super::data::{data_len, has_data};
use super::expr::{Expr, Func, Node, add, call, div, mul, neg, pow, sub};
use super::num::Num;
use super::rewrite::{check_budget, depends_on};
use crate::error::{Error, Result};

/// d e / d var.
pub fn differentiate(e: Expr, var: &str) -> Result<Expr> {
    let mut memo = HashMap::default();
    Differentiator {
        var,
        memo: &mut memo,
        step: None,
    }
    .d(e)
}

/// The rule an arm of the differentiator applies, as `differentiate_step`
/// reports it.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Rule {
    /// d c = 0 (also a function of constants, and another variable)
    Constant,
    /// d x = 1
    Variable,
    /// d (a + b) = da + db
    Sum,
    /// d (f g) = f' g + f g'
    Product,
    /// d u^c = c u^(c-1) u'
    Power,
    /// d a^v = a^v ln(a) v'
    Exponential,
    /// d u^v = u^v (v' ln(u) + v u'/u)
    GeneralPower,
    /// d f(u) = f'(u) u', for a built-in f
    Function(Func),
    /// d e = d a, where a is the form `e` is evaluated in (`accurate`)
    AccurateForm,
}

/// One rule applied at the root of `e` only: the arm of `differentiate`
/// for `e`'s node, with the derivative of each part of `e` written
/// `part(p)` instead of being worked out. Returns the rule and the result.
pub fn differentiate_step(e: Expr, var: &str, part: &dyn Fn(Expr) -> Expr) -> Result<(Rule, Expr)> {
    let mut memo = HashMap::default();
    let mut differentiator = Differentiator {
        var,
        memo: &mut memo,
        step: Some(Step {
            root: e,
            part,
            rule: None,
        }),
    };
    let out = differentiator.d(e)?;
    match differentiator.step.and_then(|s| s.rule) {
        Some(rule) => Ok((rule, out)),
        None => Err(Error::internal("a step of differentiation named no rule")),
    }
}

/// d e / d var, with the derivatives of some nodes given rather than
/// derived: the rest of the rules apply as usual around them. `check`
/// derives a student's likely mistakes this way (one rule misapplied at one
/// node), through the same rules as `differentiate`.
pub fn differentiate_with(e: Expr, var: &str, given: &[(Expr, Expr)]) -> Result<Expr> {
    let mut memo: HashMap<Expr, Expr> = given.iter().copied().collect();
    Differentiator {
        var,
        memo: &mut memo,
        step: None,
    }
    .d(e)
}

/// The n-th derivative; `n = 0` gives `e` itself.
pub fn differentiate_n(e: Expr, var: &str, n: u32) -> Result<Expr> {
    (0..n).try_fold(e, |acc, _| differentiate(acc, var))
}

struct Differentiator<'a> {
    var: &'a str,
    memo: &'a mut HashMap<Expr, Expr>,
    /// Set for `differentiate_step`; `None` differentiates all the way.
    step: Option<Step<'a>>,
}

/// A step of one rule: its root, how the derivative of a part is written,
/// and the rule the root's arm applied.
struct Step<'a> {
    root: Expr,
    part: &'a dyn Fn(Expr) -> Expr,
    rule: Option<Rule>,
}

impl Differentiator<'_> {
    fn d(&mut self, e: Expr) -> Result<Expr> {
        if let Some(step) = &self.step
            && e != step.root
        {
            return Ok((step.part)(e));
        }
        if let Some(&done) = self.memo.get(&e) {
            return Ok(done);
        }
        check_budget()?;
        if let Some(accurate) = accurate_form(e) {
            self.note(Rule::AccurateForm);
            // The derivative of the form that evaluates well evaluates well.
            let out = self.d(accurate)?;
            self.memo.insert(e, out);
            return Ok(out);
        }
        let node = e.node();
        let out = match &*node {
            // d c = 0; data are constants
            Node::Num(_) | Node::Const(_) | Node::Data(_) => self.constant(),
            // d x = 1
            Node::Var(name) if **name == *self.var => self.noted(Rule::Variable, Expr::one()),
            // d y = 0
            Node::Var(_) => self.constant(),
            // d (a + b + ...) = da + db + ...
            Node::Add(terms) => {
                let terms = self.each(terms)?;
                self.noted(Rule::Sum, add(terms))
            }
            Node::Mul(factors) => self.product(factors)?,
            Node::Pow(base, exponent) => self.power(*base, *exponent)?,
            Node::Call(func, args) => self.call(*func, args)?,
            Node::Apply(name, _) => {
                return Err(Error::internal(format!(
                    "differentiate met an unresolved call of '{name}'"
                )));
            }
        };
        self.memo.insert(e, out);
        Ok(out)
    }

    /// Records the rule of this arm, in a step.
    fn note(&mut self, rule: Rule) {
        if let Some(step) = &mut self.step {
            step.rule = Some(rule);
        }
    }

    fn noted(&mut self, rule: Rule, out: Expr) -> Expr {
        self.note(rule);
        out
    }

    fn constant(&mut self) -> Expr {
        self.noted(Rule::Constant, Expr::zero())
    }

    fn each(&mut self, xs: &[Expr]) -> Result<Vec<Expr>> {
        xs.iter().map(|x| self.d(*x)).collect()
    }

    /// d (f g h) = f' g h + f g' h + f g h'
    fn product(&mut self, factors: &[Expr]) -> Result<Expr> {
        self.note(Rule::Product);
        let derivatives = self.each(factors)?;
        let mut terms = Vec::new();
        for (i, di) in derivatives.iter().enumerate() {
            if di.is_num(Num::ZERO) {
                continue;
            }
            let mut term: Vec<Expr> = factors.to_vec();
            term[i] = *di;
            terms.push(mul(term));
        }
        Ok(add(terms))
    }

    fn power(&mut self, base: Expr, exponent: Expr) -> Result<Expr> {
        let db = self.d(base)?;
        if !depends_on(exponent, self.var) {
            // d c^k = 0 (even where c^k is infinite: 0, not inf*0)
            if db.is_num(Num::ZERO) {
                return Ok(self.constant());
            }
            // d u^c = c u^(c-1) u'
            self.note(Rule::Power);
            let lowered = pow(base, add([exponent, Expr::int(-1)]));
            return Ok(mul([exponent, lowered, db]));
        }
        let de = self.d(exponent)?;
        let this = pow(base, exponent);
        if !depends_on(base, self.var) {
            // d a^v = a^v ln(a) v'
            return Ok(self.noted(Rule::Exponential, mul([this, ln(base), de])));
        }
        // d u^v = u^v (v' ln(u) + v u'/u)
        self.note(Rule::GeneralPower);
        let inner = add([
            mul([de, ln(base)]),
            mul([exponent, db, pow(base, Expr::int(-1))]),
        ]);
        Ok(mul([this, inner]))
    }

    /// d f(u) = f'(u) u'; for two-argument functions, both partials.
    fn call(&mut self, func: Func, args: &[Expr]) -> Result<Expr> {
        self.note(Rule::Function(func));
        let u = args[0];
        let du = self.d(u)?;
        let outer = match func {
            Func::Min | Func::Max => return self.min_max(func, args, du),
            Func::Sum | Func::Mean => return Ok(reduction(func, u, du)),
            // d sign = d step = 0 (almost everywhere, as in PyTorch)
            Func::Sign | Func::Step => return Ok(Expr::zero()),
            _ if du.is_num(Num::ZERO) => return Ok(self.constant()),
            // sin' = cos
            Func::Sin => call(Func::Cos, vec![u]),
            // cos' = -sin
            Func::Cos => neg(call(Func::Sin, vec![u])),
            // tan' = 1/cos^2
            Func::Tan => pow(call(Func::Cos, vec![u]), Expr::int(-2)),
            // asin' = 1/sqrt(1 - u^2)
            Func::Asin => pow(one_minus_square(u), Expr::num(Num::Rat(-1, 2))),
            // acos' = -1/sqrt(1 - u^2)
            Func::Acos => neg(pow(one_minus_square(u), Expr::num(Num::Rat(-1, 2)))),
            // atan' = 1/(1 + u^2)
            Func::Atan => pow(add([Expr::one(), square(u)]), Expr::int(-1)),
            // sinh' = cosh, cosh' = sinh
            Func::Sinh => call(Func::Cosh, vec![u]),
            Func::Cosh => call(Func::Sinh, vec![u]),
            // tanh' = 1 - tanh^2
            Func::Tanh => sub(Expr::one(), square(call(Func::Tanh, vec![u]))),
            // exp' = exp
            Func::Exp => call(Func::Exp, vec![u]),
            // ln' = 1/u
            Func::Ln => pow(u, Expr::int(-1)),
            // log_b' = 1/(u ln b)
            Func::Log2 => div(Expr::one(), mul([u, ln(Expr::int(2))])),
            Func::Log10 => div(Expr::one(), mul([u, ln(Expr::int(10))])),
            // abs' = sign (so 0 at 0, as in PyTorch)
            Func::Abs => call(Func::Sign, vec![u]),
            // sigmoid' = sigmoid (1 - sigmoid)
            Func::Sigmoid => {
                let s = call(Func::Sigmoid, vec![u]);
                mul([s, sub(Expr::one(), s)])
            }
        };
        Ok(mul([outer, du]))
    }

    /// d max(a, b) = step(a - b) da + step(b - a) db, and min the other way
    /// round: a tie splits the gradient evenly, as `torch.maximum` does.
    fn min_max(&mut self, func: Func, args: &[Expr], da: Expr) -> Result<Expr> {
        let (a, b) = (args[0], args[1]);
        let db = self.d(b)?;
        let (a_wins, b_wins) = match func {
            Func::Max => (sub(a, b), sub(b, a)),
            _ => (sub(b, a), sub(a, b)),
        };
        Ok(add([
            mul([call(Func::Step, vec![a_wins]), da]),
            mul([call(Func::Step, vec![b_wins]), db]),
        ]))
    }
}

/// d mean(u) = mean(du) and d sum(u) = sum(du) (both are linear). When du
/// has no data left, the mean of it is itself, and the sum of it is n times
/// itself, n being the rows of u.
fn reduction(func: Func, u: Expr, du: Expr) -> Expr {
    if has_data(du) {
        return call(func, vec![du]);
    }
    match (func, data_len(u)) {
        (Func::Sum, Ok(Some(n))) => mul([Expr::int(n as i64), du]),
        _ => du,
    }
}

fn ln(x: Expr) -> Expr {
    call(Func::Ln, vec![x])
}

fn square(x: Expr) -> Expr {
    pow(x, Expr::int(2))
}

fn one_minus_square(u: Expr) -> Expr {
    sub(Expr::one(), square(u))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::symbolic::expr::sqrt;
    use crate::symbolic::testing::{n, x};

    fn d(e: Expr) -> Expr {
        differentiate(e, "x").expect("small derivative")
    }

    #[test]
    fn polynomial() {
        // d(x^2 + 3x - 5) = 2x + 3
        let e = add([pow(x(), n(2)), mul([n(3), x()]), n(-5)]);
        assert_eq!(d(e), add([mul([n(2), x()]), n(3)]));
    }

    #[test]
    fn shifted_square_distributes() {
        // d (x - 3)^2 = 2x - 6
        let e = pow(add([x(), n(-3)]), n(2));
        assert_eq!(d(e), add([mul([n(2), x()]), n(-6)]));
    }

    #[test]
    fn product_rule() {
        // d x^3 sin(x) = 3x^2 sin(x) + x^3 cos(x)
        let e = mul([pow(x(), n(3)), call(Func::Sin, vec![x()])]);
        let expected = add([
            mul([n(3), pow(x(), n(2)), call(Func::Sin, vec![x()])]),
            mul([pow(x(), n(3)), call(Func::Cos, vec![x()])]),
        ]);
        assert_eq!(d(e), expected);
    }

    #[test]
    fn sqrt_rule() {
        // d sqrt(x) = x^(-1/2) / 2
        assert_eq!(
            d(sqrt(x())),
            mul([Expr::num(Num::HALF), pow(x(), Expr::num(Num::Rat(-1, 2)))])
        );
    }

    #[test]
    fn other_variables_are_constants() {
        let y = Expr::var("y");
        assert_eq!(d(mul([x(), y])), y);
        assert_eq!(d(y), n(0));
    }

    #[test]
    fn x_to_the_x() {
        // d x^x = x^x (ln(x) + 1)
        let e = pow(x(), x());
        assert_eq!(d(e), mul([e, add([ln(x()), n(1)])]));
    }

    #[test]
    fn nested_sin_is_linear() {
        let mut e = x();
        for _ in 0..40 {
            e = call(Func::Sin, vec![e]);
        }
        let before = crate::symbolic::expr::store_size();
        let de = d(e);
        let made = crate::symbolic::expr::store_size() - before;
        assert!(made < 400, "made {made} nodes");
        assert!(matches!(*de.node(), Node::Mul(ref f) if f.len() == 40));
    }

    #[test]
    fn higher_order() {
        let e = pow(x(), n(3));
        assert_eq!(differentiate_n(e, "x", 0), Ok(e));
        assert_eq!(differentiate_n(e, "x", 2), Ok(mul([n(6), x()])));
        assert_eq!(differentiate_n(e, "x", 4), Ok(n(0)));
    }

    #[test]
    fn abs_sign_step_conventions() {
        assert_eq!(d(call(Func::Abs, vec![x()])), call(Func::Sign, vec![x()]));
        assert_eq!(d(call(Func::Sign, vec![x()])), n(0));
        assert_eq!(d(call(Func::Step, vec![x()])), n(0));
    }

    #[test]
    fn max_splits_at_tie() {
        let y = Expr::var("y");
        let e = call(Func::Max, vec![x(), y]);
        assert_eq!(d(e), call(Func::Step, vec![sub(x(), y)]));
    }
}
