//! Derivations step by step, as a teacher writes them on the board: the
//! whole expression after each rule, the parts not yet differentiated
//! written `diff(u, x)`, until none is left; then the result simplified.
//!
//! Each step takes the leftmost `diff(u, x)` as printed and replaces it by
//! what `diff::differentiate_step` gives for u: the differentiator's own
//! arm for u's node, with u's parts left as `diff(part, x)` (a part that
//! does not depend on x is 0 at once, and x itself 1). So the steps are a
//! trace of the rules `differentiate` applies, not a second differentiator.
//! Every `diff(u, x)` of one u is replaced at once, and a part derived
//! before is written out at once wherever it appears again: a shared
//! subexpression is derived once, as the differentiator memoizes it. A
//! quotient `u/v` is the product `u v^-1` to the differentiator; its
//! product rule and the power rule on `v^-1` make one step, the quotient
//! rule in the form `u'/v - u v'/v^2`.
//!
//! Invariant: every step's expression has the value of the one before
//! (it parses back to it: `diff(u, x)` is gd syntax), and the last step of
//! a derivation is exactly `diff`'s result (simplified as `diff` prints it).

use rustc_hash::FxHashMap as HashMap;

use super::diff::{self, differentiate_n, differentiate_step};
use super::expr::{Expr, Func, Node, apply};
use super::print::to_text;
use super::rewrite::{any_node, depends_on, map_bottom_up};
use super::simplify::simplify;
use crate::error::{Error, Result};

/// The name of the pending derivative in a step: `diff(u, x)`, the form a
/// user types (and the form that reads back to the same value).
const PENDING: &str = "diff";
/// A derivation longer than this is refused rather than printed: a
/// student reads a few dozen steps, not thousands.
pub const MAX_STEPS: usize = 400;

/// The rule a step applies, as a teacher names it (LANGUAGE.md section 4).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Rule {
    /// A user function replaced by its body.
    Definition,
    Constant,
    Variable,
    Sum,
    /// One factor depends on the variable: d(c u) = c du.
    ConstantMultiple,
    Product,
    Quotient,
    /// d x^c = c x^(c-1).
    Power,
    /// d sqrt(x) = 1/(2 sqrt(x)), the power rule at c = 1/2.
    Sqrt,
    /// d a^x = a^x ln(a).
    Exponential,
    /// d u^v with both depending on the variable.
    GeneralPower,
    /// An outer rule with an inner derivative left to do.
    Chain,
    /// The rule of a built-in function, at the variable itself.
    Function(Func),
    /// A printed form replaced by the form it is evaluated in.
    AccurateForm,
    Simplify,
}

impl Rule {
    /// The rule's name in reports and JSON.
    pub fn name(self) -> &'static str {
        match self {
            Rule::Definition => "definition",
            Rule::Constant => "constant",
            Rule::Variable => "variable",
            Rule::Sum => "sum",
            Rule::ConstantMultiple => "constant multiple",
            Rule::Product => "product",
            Rule::Quotient => "quotient",
            Rule::Power => "power",
            Rule::Sqrt => "sqrt",
            Rule::Exponential => "exponential",
            Rule::GeneralPower => "general power",
            Rule::Chain => "chain",
            Rule::Function(func) => func.name(),
            Rule::AccurateForm => "accurate form",
            Rule::Simplify => "simplify",
        }
    }
}

/// One line of a derivation: the rule, and the whole expression after it.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    pub rule: Rule,
    pub expr: Expr,
}

/// A derivation: what it starts from (`diff(f(x), x)`), its steps, and the
/// result (`diff`'s, as it prints it).
#[derive(Clone, Debug, PartialEq)]
pub struct Derivation {
    pub var: String,
    pub start: Expr,
    pub steps: Vec<Step>,
    pub result: Expr,
}

/// The derivation of the `order`-th derivative of `e` by `var`, starting
/// from `diff(e, var)` (`diff(e, var, order)` above the first order).
pub fn derivation(e: Expr, var: &str, order: u32) -> Result<Derivation> {
    let mut out = Derivation {
        var: var.to_string(),
        start: pending_order(e, var, order),
        steps: Vec::new(),
        result: e,
    };
    derive(&mut out, e, var, order)?;
    Ok(out)
}

/// The derivation of a user function's derivative: it starts from
/// `diff(f(x, y), x)` (`call`), whose first step is the definition, `body`.
pub fn derivation_of_call(call: Expr, body: Expr, var: &str, order: u32) -> Result<Derivation> {
    let mut out = Derivation {
        var: var.to_string(),
        start: pending_order(call, var, order),
        steps: Vec::new(),
        result: call,
    };
    if order > 0 {
        push(
            &mut out.steps,
            Rule::Definition,
            pending_order(body, var, order),
        )?;
    }
    derive(&mut out, body, var, order)?;
    Ok(out)
}

/// The steps of each order in turn, each order's result simplified before
/// the next is differentiated; the last step is `diff`'s own result.
fn derive(out: &mut Derivation, e: Expr, var: &str, order: u32) -> Result<()> {
    let mut target = e;
    for k in 0..order {
        let outer = order - k - 1;
        let derived = Deriver::new(var, outer).run(target, &mut out.steps)?;
        if outer > 0 {
            target = simplify(derived)?;
            if target != derived {
                push(&mut out.steps, Rule::Simplify, wrap(target, var, outer))?;
            }
        } else {
            // `diff`'s result, as `diff(e, x, n)` computes it.
            out.result = simplify(differentiate_n(e, var, order)?)?;
            if to_text(out.result) != to_text(derived) {
                push(&mut out.steps, Rule::Simplify, out.result)?;
            }
        }
    }
    Ok(())
}

fn push(steps: &mut Vec<Step>, rule: Rule, expr: Expr) -> Result<()> {
    if steps.len() >= MAX_STEPS {
        return Err(Error::value(format!(
            "this derivation takes more than {MAX_STEPS} steps, too many to read"
        ))
        .with_hint("explain a part of the expression, or use diff for the result"));
    }
    steps.push(Step { rule, expr });
    Ok(())
}

/// One order of a derivation: `diff(u, x)` replaced until none is left.
struct Deriver<'a> {
    var: &'a str,
    /// The derivatives still outside this one (`diff(..., x)` around every
    /// step of a second derivative's first order).
    outer: u32,
    /// What each `diff(u, x)` replaced so far became.
    derived: HashMap<Expr, Expr>,
}

impl<'a> Deriver<'a> {
    fn new(var: &'a str, outer: u32) -> Deriver<'a> {
        Deriver {
            var,
            outer,
            derived: HashMap::default(),
        }
    }

    /// The steps from `diff(e, x)` to an expression without `diff`, which
    /// is returned.
    fn run(mut self, e: Expr, steps: &mut Vec<Step>) -> Result<Expr> {
        let mut current = apply(PENDING, vec![e, Expr::var(self.var)]);
        while let Some(next) = self.leftmost(current) {
            let (rule, replacement) = self.step(next)?;
            self.derived.insert(next, replacement);
            current = self.write_out(current)?;
            push(steps, rule, wrap(current, self.var, self.outer))?;
        }
        Ok(current)
    }

    /// The pending `diff(u, x)` printed first in `e`.
    fn leftmost(&self, e: Expr) -> Option<Expr> {
        let mut pending = Vec::new();
        any_node(e, |node| {
            if let Node::Apply(name, args) = node
                && **name == *PENDING
            {
                pending.push(apply(PENDING, args.to_vec()));
            }
            false
        });
        if pending.len() < 2 {
            return pending.pop();
        }
        let text = to_text(e);
        let position = |p: &Expr| text.find(&to_text(*p)).unwrap_or(usize::MAX);
        // Ties (not found) fall back to the canonical order.
        pending.sort_by(|a, b| super::expr::order(*a, *b));
        pending.into_iter().min_by_key(position)
    }

    /// The rule at `diff(u, x)`, and what replaces it; a quotient's
    /// product rule takes its reciprocals' power rules into the same step.
    fn step(&mut self, p: Expr) -> Result<(Rule, Expr)> {
        let u = argument(p);
        let (rule, mut out) = self.one_rule(u)?;
        if rule == Rule::Quotient {
            for factor in factors(u) {
                if is_reciprocal(factor, self.var) {
                    let reciprocal = pending(factor, self.var);
                    let (_, derived) = self.one_rule(factor)?;
                    self.derived.insert(reciprocal, derived);
                }
            }
            out = self.replace_derived(out)?;
        }
        Ok((rule, out))
    }

    /// The differentiator's arm for u, named as a teacher names it.
    fn one_rule(&self, u: Expr) -> Result<(Rule, Expr)> {
        let var = self.var;
        let part = |e: Expr| pending(e, var);
        let (rule, out) = differentiate_step(u, var, &part)?;
        Ok((teacher_rule(rule, u, var), out))
    }

    /// `e` with every `diff(u, x)` derived before written out, again and
    /// again until none is left that was (each replacement holds only
    /// smaller parts, so this ends).
    fn write_out(&self, e: Expr) -> Result<Expr> {
        let mut current = e;
        loop {
            let next = self.replace_derived(current)?;
            if next == current {
                return Ok(current);
            }
            current = next;
        }
    }

    fn replace_derived(&self, e: Expr) -> Result<Expr> {
        map_bottom_up(e, &mut |node| {
            Ok(self.derived.get(&node).copied().unwrap_or(node))
        })
    }
}

/// The derivative of a part, as a step writes it: 0 for a part without
/// the variable, 1 for the variable itself, else `diff(part, x)`.
fn pending(part: Expr, var: &str) -> Expr {
    if !depends_on(part, var) {
        Expr::zero()
    } else if part.as_var().is_some_and(|v| *v == *var) {
        Expr::one()
    } else {
        apply(PENDING, vec![part, Expr::var(var)])
    }
}

/// `diff(e, x)`, or `diff(e, x, n)` above the first order.
fn pending_order(e: Expr, var: &str, order: u32) -> Expr {
    let mut args = vec![e, Expr::var(var)];
    if order != 1 {
        args.push(Expr::int(i64::from(order)));
    }
    apply(PENDING, args)
}

/// `e` inside `outer` pending derivatives.
fn wrap(e: Expr, var: &str, outer: u32) -> Expr {
    (0..outer).fold(e, |acc, _| apply(PENDING, vec![acc, Expr::var(var)]))
}

/// The u of `diff(u, x)`.
fn argument(p: Expr) -> Expr {
    match &*p.node() {
        Node::Apply(_, args) => args[0],
        _ => p,
    }
}

fn factors(e: Expr) -> Vec<Expr> {
    match &*e.node() {
        Node::Mul(factors) => factors.to_vec(),
        _ => vec![e],
    }
}

/// `v^k` with k a negative number and v depending on the variable: a
/// denominator.
fn is_reciprocal(factor: Expr, var: &str) -> bool {
    match &*factor.node() {
        Node::Pow(base, exponent) => {
            exponent.as_num().is_some_and(|k| k.is_negative()) && depends_on(*base, var)
        }
        _ => false,
    }
}

/// The differentiator's rule as a teacher names it, by the shape of u: a
/// product with one factor in the variable is a constant multiple, with a
/// denominator a quotient; a rule applied to anything but the variable
/// itself leaves an inner derivative, the chain rule.
fn teacher_rule(rule: diff::Rule, u: Expr, var: &str) -> Rule {
    let is_var = |e: Expr| e.as_var().is_some_and(|v| *v == *var);
    match (rule, &*u.node()) {
        (diff::Rule::Constant, _) => Rule::Constant,
        (diff::Rule::Variable, _) => Rule::Variable,
        (diff::Rule::Sum, _) => Rule::Sum,
        (diff::Rule::Product, Node::Mul(factors)) => {
            let varying: Vec<Expr> = factors
                .iter()
                .copied()
                .filter(|f| depends_on(*f, var))
                .collect();
            if varying.len() < 2 {
                Rule::ConstantMultiple
            } else if varying.iter().any(|f| is_reciprocal(*f, var)) {
                Rule::Quotient
            } else {
                Rule::Product
            }
        }
        (diff::Rule::Product, _) => Rule::Product,
        (diff::Rule::Power, Node::Pow(base, exponent)) if is_var(*base) => {
            if exponent.as_num() == Some(super::Num::HALF) {
                Rule::Sqrt
            } else {
                Rule::Power
            }
        }
        (diff::Rule::Exponential, Node::Pow(_, exponent)) if is_var(*exponent) => Rule::Exponential,
        (diff::Rule::Power | diff::Rule::Exponential, _) => Rule::Chain,
        (diff::Rule::GeneralPower, _) => Rule::GeneralPower,
        (diff::Rule::Function(func), Node::Call(_, args)) => {
            // Two-argument functions, reductions and the flat ones (sign,
            // step) show their own rule; others at an inner expression chain.
            let own = is_var(args[0])
                || func.arity() > 1
                || func.is_reduction()
                || matches!(func, Func::Sign | Func::Step);
            if own {
                Rule::Function(func)
            } else {
                Rule::Chain
            }
        }
        (diff::Rule::Function(func), _) => Rule::Function(func),
        (diff::Rule::AccurateForm, _) => Rule::AccurateForm,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::symbolic::diff::differentiate;
    use crate::symbolic::expr::{add, call, div, mul, pow, sqrt};
    use crate::symbolic::testing::{n, x};

    fn texts(d: &Derivation) -> Vec<(String, String)> {
        d.steps
            .iter()
            .map(|s| (s.rule.name().to_string(), to_text(s.expr)))
            .collect()
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(r, t)| (r.to_string(), t.to_string()))
            .collect()
    }

    #[test]
    fn a_product_step_by_step() {
        // d(x^3 sin(x)) = d(x^3) sin(x) + x^3 d(sin(x))
        let e = mul([pow(x(), n(3)), call(Func::Sin, vec![x()])]);
        let d = derivation(e, "x", 1).expect("derives");
        assert_eq!(to_text(d.start), "diff(x^3 sin(x), x)");
        assert_eq!(
            texts(&d),
            pairs(&[
                ("product", "x^3 diff(sin(x), x) + sin(x) diff(x^3, x)"),
                ("sin", "x^3 cos(x) + sin(x) diff(x^3, x)"),
                ("power", "x^3 cos(x) + 3x^2 sin(x)"),
            ])
        );
        assert_eq!(to_text(d.result), "x^3 cos(x) + 3x^2 sin(x)");
    }

    #[test]
    fn constant_multiples_sums_and_the_chain_rule() {
        // d(3x^2 + sin(x^2) - 5)
        let e = add([
            mul([n(3), pow(x(), n(2))]),
            call(Func::Sin, vec![pow(x(), n(2))]),
            n(-5),
        ]);
        let d = derivation(e, "x", 1).expect("derives");
        let rules: Vec<&str> = d.steps.iter().map(|s| s.rule.name()).collect();
        assert_eq!(rules[0], "sum");
        assert!(rules.contains(&"constant multiple") && rules.contains(&"chain"));
        // x^2 is derived once, though two parts hold it.
        assert_eq!(rules.iter().filter(|r| **r == "power").count(), 1);
    }

    #[test]
    fn a_quotient_is_one_step() {
        let e = div(x(), add([pow(x(), n(2)), n(1)]));
        let d = derivation(e, "x", 1).expect("derives");
        assert_eq!(d.steps[0].rule, Rule::Quotient);
        assert_eq!(
            to_text(d.steps[0].expr),
            "1/(x^2 + 1) - x diff(x^2 + 1, x)/(x^2 + 1)^2"
        );
        assert_eq!(to_text(d.result), "(1 - x^2)/(x^2 + 1)^2");
    }

    #[test]
    fn sqrt_and_constants_are_named() {
        let d = derivation(sqrt(x()), "x", 1).expect("derives");
        assert_eq!(texts(&d), pairs(&[("sqrt", "1/(2sqrt(x))")]));
        let d = derivation(n(5), "x", 1).expect("derives");
        assert_eq!(texts(&d), pairs(&[("constant", "0")]));
    }

    #[test]
    fn higher_orders_simplify_between_orders() {
        let e = pow(x(), n(4));
        let d = derivation(e, "x", 2).expect("derives");
        assert_eq!(to_text(d.start), "diff(x^4, x, 2)");
        assert_eq!(
            texts(&d),
            pairs(&[
                ("power", "diff(4x^3, x)"),
                ("constant multiple", "4diff(x^3, x)"),
                ("power", "12x^2"),
            ])
        );
        let twice = differentiate(differentiate(e, "x").expect("once"), "x").expect("twice");
        assert_eq!(Ok(d.result), simplify(twice));
    }

    #[test]
    fn a_call_starts_with_its_definition() {
        let call_f = apply("f", vec![x()]);
        let d = derivation_of_call(call_f, pow(x(), n(2)), "x", 1).expect("derives");
        assert_eq!(to_text(d.start), "diff(f(x), x)");
        assert_eq!(
            texts(&d),
            pairs(&[("definition", "diff(x^2, x)"), ("power", "2x")])
        );
    }
}
