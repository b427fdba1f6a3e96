//! Where a hand derivation went wrong, as a teacher would say it.
//!
//! The rule mistakes come from differentiating the reference's expression
//! again with one rule misapplied at one node (the inner derivative left
//! out, a product-rule term dropped or u'v' written, the quotient rule's
//! numerator swapped or its denominator not squared, an exponent not
//! lowered, the power rule applied to a variable exponent), through the
//! very rules of `diff` (`differentiate_with` takes the one misapplied
//! node's derivative as given), and asking whether the answer equals one of
//! them. Then the simpler kinds: minus the reference, a constant multiple,
//! off by a constant, and, for sums, which terms are right.
//!
//! Invariant: a diagnosis is data; `report` writes its words.

use std::rc::Rc;

use super::Derivative;
use super::exact::{Identity, identity};
use super::sample;
use crate::compile::{Evaluated, Program};
use crate::error::Result;
use crate::symbolic::diff::{differentiate, differentiate_with};
use crate::symbolic::expr::{call, div, mul, neg, pow, sub};
use crate::symbolic::rewrite::{check_budget, depends_on, free_vars, substitute};
use crate::symbolic::simplify::simplify;
use crate::symbolic::{Expr, Func, Node, Num};

/// Nodes of the reference's expression tried for a misapplied rule: a
/// textbook exercise has a few dozen.
const MAX_NODES: usize = 80;
/// Points two expressions are compared at, when exact arithmetic cannot
/// decide, and how many of them must have both sides defined.
const SAME_POINTS: usize = 40;
const SAME_DEFINED: usize = 4;
/// Relative tolerance of those comparisons.
const SAME_TOLERANCE: f64 = 1e-9;
/// A factor or constant a diagnosis names is a fraction with at most this
/// denominator (`off by a factor of 1/2`).
const MAX_DENOMINATOR: i64 = 1000;

/// The mistake that explains a wrong answer, in the contract's order of
/// precedence.
#[derive(Clone, Debug, PartialEq)]
pub enum Diagnosis {
    /// `node` is `f(u)` (or a power of `u`), differentiated without the
    /// inner derivative `inner`.
    ChainRule {
        node: Expr,
        inner: Expr,
    },
    /// The product `node` = u v, differentiated as `mistake` says.
    ProductRule {
        node: Expr,
        mistake: ProductMistake,
    },
    /// The quotient `node` = u/v.
    QuotientRule {
        node: Expr,
        denominator: Expr,
        mistake: QuotientMistake,
    },
    PowerRule {
        node: Expr,
        mistake: PowerMistake,
    },
    /// The answer is minus the reference.
    Sign,
    /// The answer is `c` times the reference.
    Factor(Num),
    /// The answer is the reference plus `c`.
    Constant(Num),
    /// Both are sums: the answer's terms that are right and wrong, and the
    /// reference's that are missing.
    Terms {
        right: Vec<Expr>,
        wrong: Vec<Expr>,
        missing: Vec<Expr>,
    },
    /// Equal where both are defined; at `at` the side named is undefined
    /// (and `isolated`: at no other point tried).
    Domain {
        at: Vec<(String, f64)>,
        undefined: Which,
        isolated: bool,
    },
    None,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Which {
    Left,
    Right,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ProductMistake {
    /// One term of u'v + uv' is missing: this one.
    Missing(Expr),
    /// u'v' was written.
    DerivativesMultiplied,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum QuotientMistake {
    /// (uv' - u'v)/v^2.
    Swapped,
    /// (u'v - uv')/v.
    NotSquared,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum PowerMistake {
    /// n x^n: the exponent not lowered.
    NotLowered,
    /// The power rule applied to a variable exponent (`2^x`, `x^x`).
    VariableExponent,
}

impl Diagnosis {
    /// The JSON `kind`.
    pub fn kind(&self) -> &'static str {
        match self {
            Diagnosis::ChainRule { .. } => "chain_rule",
            Diagnosis::ProductRule { .. } => "product_rule",
            Diagnosis::QuotientRule { .. } => "quotient_rule",
            Diagnosis::PowerRule { .. } => "power_rule",
            Diagnosis::Sign => "sign",
            Diagnosis::Factor(_) => "factor",
            Diagnosis::Constant(_) => "constant",
            Diagnosis::Terms { .. } => "terms",
            Diagnosis::Domain { .. } => "domain",
            Diagnosis::None => "none",
        }
    }
}

/// Why `answer` is not `reference`, which is the derivative of
/// `derivative.of` by `var` when that is known.
pub fn diagnose(
    reference: Expr,
    answer: Expr,
    derivative: Option<(&Derivative, &Rc<str>)>,
    vars: &[Rc<str>],
) -> Result<Diagnosis> {
    let same = Same { vars };
    if let Some((d, var)) = derivative
        && let Some(found) = rule_mistake(d.of, var, answer, &same)?
    {
        return Ok(found);
    }
    if same.equal(answer, neg(reference))? {
        return Ok(Diagnosis::Sign);
    }
    let ratio = |a: f64, r: f64| (r != 0.0).then(|| a / r);
    if let Some(c) = same.constant(answer, reference, div, ratio)?
        && !c.is_one()
        && !c.is_zero()
    {
        return Ok(Diagnosis::Factor(c));
    }
    if let Some(c) = same.constant(answer, reference, sub, |a, r| Some(a - r))?
        && !c.is_zero()
    {
        return Ok(Diagnosis::Constant(c));
    }
    terms(reference, answer, &same)
}

/// An exact, finite number.
fn constant_of(e: Expr) -> Option<Num> {
    e.as_num().filter(|n| n.is_exact())
}

/// The simple fraction (denominator at most `MAX_DENOMINATOR`) within
/// `SAME_TOLERANCE` of `x`, by continued fractions.
fn simple_fraction(x: f64) -> Option<Num> {
    if !x.is_finite() {
        return None;
    }
    let (mut p0, mut q0, mut p1, mut q1) = (0i64, 1i64, 1i64, 0i64);
    let mut rest = x;
    for _ in 0..20 {
        let a = rest.floor();
        if a.abs() > 1e12 {
            return None;
        }
        let a = a as i64;
        (p0, q0, p1, q1) = (p1, q1, a * p1 + p0, a * q1 + q0);
        if q1 > MAX_DENOMINATOR {
            return None;
        }
        let value = p1 as f64 / q1 as f64;
        if (value - x).abs() <= SAME_TOLERANCE * x.abs().max(1.0) {
            return Some(Num::ratio(p1 as i128, q1 as i128));
        }
        let fraction = rest - a as f64;
        if fraction == 0.0 {
            return None;
        }
        rest = 1.0 / fraction;
    }
    None
}

// ------------------------------------------------------------ rules

/// The first rule mistake (by kind, then from the root down) whose
/// derivative is `answer`.
fn rule_mistake(of: Expr, var: &str, answer: Expr, same: &Same) -> Result<Option<Diagnosis>> {
    let mut best: Option<(u8, Diagnosis)> = None;
    for node in nodes(of, var) {
        for (rank, local, diagnosis) in mistakes_at(node, var)? {
            if best.as_ref().is_some_and(|(r, _)| *r <= rank) {
                continue;
            }
            check_budget()?;
            let whole = differentiate_with(of, var, &[(node, local)])?;
            if same.equal(whole, answer)? {
                best = Some((rank, diagnosis));
            }
        }
    }
    Ok(best.map(|(_, d)| d))
}

/// The distinct nodes of `e` that depend on `var`, the root first.
fn nodes(e: Expr, var: &str) -> Vec<Expr> {
    let mut out = Vec::new();
    let mut stack = vec![e];
    while let Some(e) = stack.pop() {
        if out.len() >= MAX_NODES || out.contains(&e) || !depends_on(e, var) {
            continue;
        }
        out.push(e);
        let node = e.node();
        stack.extend(crate::symbolic::expr::children(&node).into_iter().rev());
    }
    out
}

const CHAIN: u8 = 0;
const PRODUCT: u8 = 1;
const QUOTIENT: u8 = 2;
const POWER: u8 = 3;

/// The mistaken derivatives of the node `e` alone, with their kind's rank
/// and what they would tell.
fn mistakes_at(e: Expr, var: &str) -> Result<Vec<(u8, Expr, Diagnosis)>> {
    let d = |x: Expr| differentiate(x, var);
    let var_expr = Expr::var(var);
    let mut out = Vec::new();
    match &*e.node() {
        Node::Call(f, args) if args.len() == 1 && !f.is_reduction() => {
            let u = args[0];
            let outer = outer_derivative(*f, u)?;
            if u != var_expr {
                let inner = simplify(d(u)?)?;
                out.push((CHAIN, outer, Diagnosis::ChainRule { node: e, inner }));
            }
            if *f == Func::Exp {
                // e^u "by the power rule": u e^(u - 1).
                let power = mul([u, call(Func::Exp, vec![sub(u, Expr::one())])]);
                let mistake = PowerMistake::VariableExponent;
                for local in [power, mul([power, d(u)?])] {
                    out.push((POWER, local, Diagnosis::PowerRule { node: e, mistake }));
                }
            }
        }
        Node::Pow(base, exponent) => power_mistakes(e, *base, *exponent, var, &mut out)?,
        Node::Mul(factors) => product_mistakes(e, factors, var, &mut out)?,
        _ => {}
    }
    Ok(out)
}

/// f'(u): the outer derivative alone.
fn outer_derivative(f: Func, u: Expr) -> Result<Expr> {
    // A name no user can write, so it cannot meet a variable of theirs.
    const HOLE: &str = "\u{1}";
    let derivative = differentiate(call(f, vec![Expr::var(HOLE)]), HOLE)?;
    let map = std::collections::HashMap::from([(Rc::from(HOLE), u)]);
    substitute(derivative, &map)
}

fn power_mistakes(
    e: Expr,
    base: Expr,
    exponent: Expr,
    var: &str,
    out: &mut Vec<(u8, Expr, Diagnosis)>,
) -> Result<()> {
    let d = |x: Expr| differentiate(x, var);
    let one = Expr::one();
    if depends_on(exponent, var) {
        let mistake = PowerMistake::VariableExponent;
        let rule = mul([exponent, pow(base, sub(exponent, one))]);
        let chained = mul([rule, d(base)?]);
        for local in [rule, chained] {
            out.push((POWER, local, Diagnosis::PowerRule { node: e, mistake }));
        }
        return Ok(());
    }
    let k = exponent;
    if base != Expr::var(var) {
        let local = mul([k, pow(base, sub(k, one))]);
        let inner = simplify(d(base)?)?;
        out.push((CHAIN, local, Diagnosis::ChainRule { node: e, inner }));
    }
    let not_lowered = mul([k, pow(base, k), d(base)?]);
    let mistake = PowerMistake::NotLowered;
    out.push((
        POWER,
        not_lowered,
        Diagnosis::PowerRule { node: e, mistake },
    ));
    Ok(())
}

/// A product u v (or a quotient u/v, when some factor has a negative
/// power that depends on `var`).
fn product_mistakes(
    e: Expr,
    factors: &[Expr],
    var: &str,
    out: &mut Vec<(u8, Expr, Diagnosis)>,
) -> Result<()> {
    let (mut numerator, mut denominator) = (Vec::new(), Vec::new());
    for f in factors {
        match negative_power(*f) {
            Some(magnitude) if depends_on(*f, var) => denominator.push(magnitude),
            _ => numerator.push(*f),
        }
    }
    if !denominator.is_empty() {
        return quotient_mistakes(e, mul(numerator), mul(denominator), var, out);
    }
    let (varying, constant): (Vec<Expr>, Vec<Expr>) =
        factors.iter().partition(|f| depends_on(**f, var));
    if varying.len() < 2 {
        return Ok(());
    }
    let c = mul(constant);
    // With two factors, u v and v u give the same mistakes.
    let splits = if varying.len() == 2 { 1 } else { varying.len() };
    for i in 0..splits {
        let u = varying[i];
        let v = mul(varying
            .iter()
            .enumerate()
            .filter(|(j, _)| *j != i)
            .map(|(_, f)| *f));
        split_mistakes(e, c, u, v, var, out)?;
    }
    Ok(())
}

/// The product rule misapplied to c u v: one term missing, or u'v'.
fn split_mistakes(
    e: Expr,
    c: Expr,
    u: Expr,
    v: Expr,
    var: &str,
    out: &mut Vec<(u8, Expr, Diagnosis)>,
) -> Result<()> {
    let (du, dv) = (differentiate(u, var)?, differentiate(v, var)?);
    let first = mul([c, du, v]);
    let second = mul([c, u, dv]);
    let product = |mistake| Diagnosis::ProductRule { node: e, mistake };
    let missing_second = product(ProductMistake::Missing(simplify(second)?));
    out.push((PRODUCT, first, missing_second));
    let missing_first = product(ProductMistake::Missing(simplify(first)?));
    out.push((PRODUCT, second, missing_first));
    let both = mul([c, du, dv]);
    out.push((
        PRODUCT,
        both,
        product(ProductMistake::DerivativesMultiplied),
    ));
    Ok(())
}

/// The quotient rule misapplied to u/v: the numerator the wrong way round,
/// or the denominator not squared.
fn quotient_mistakes(
    e: Expr,
    u: Expr,
    v: Expr,
    var: &str,
    out: &mut Vec<(u8, Expr, Diagnosis)>,
) -> Result<()> {
    let (du, dv) = (differentiate(u, var)?, differentiate(v, var)?);
    let right_way = sub(mul([du, v]), mul([u, dv]));
    let square = pow(v, Expr::int(2));
    let quotient = |mistake| Diagnosis::QuotientRule {
        node: e,
        denominator: v,
        mistake,
    };
    if depends_on(u, var) {
        let swapped = div(sub(mul([u, dv]), mul([du, v])), square);
        out.push((QUOTIENT, swapped, quotient(QuotientMistake::Swapped)));
    }
    let not_squared = div(right_way, v);
    out.push((QUOTIENT, not_squared, quotient(QuotientMistake::NotSquared)));
    Ok(())
}

/// `b^k` with k < 0 as `b^-k`.
fn negative_power(f: Expr) -> Option<Expr> {
    match &*f.node() {
        Node::Pow(base, exponent) => {
            let k = exponent.as_num().filter(|k| k.is_negative())?;
            Some(pow(*base, Expr::num(k * Num::MINUS_ONE)))
        }
        _ => None,
    }
}

// ------------------------------------------------------------ terms

fn terms(reference: Expr, answer: Expr, same: &Same) -> Result<Diagnosis> {
    let terms_of = |e: Expr| match &*e.node() {
        Node::Add(ts) => ts.to_vec(),
        _ => vec![e],
    };
    let (reference_terms, answer_terms) = (terms_of(reference), terms_of(answer));
    if reference_terms.len() < 2 && answer_terms.len() < 2 {
        return Ok(Diagnosis::None);
    }
    let mut missing = reference_terms;
    let (mut right, mut wrong) = (Vec::new(), Vec::new());
    for t in answer_terms {
        let mut matched = None;
        for (i, r) in missing.iter().enumerate() {
            if same.equal(t, *r)? {
                matched = Some(i);
                break;
            }
        }
        match matched {
            Some(i) => {
                missing.remove(i);
                right.push(t);
            }
            None => wrong.push(t),
        }
    }
    if right.is_empty() {
        return Ok(Diagnosis::None);
    }
    Ok(Diagnosis::Terms {
        right,
        wrong,
        missing,
    })
}

// ------------------------------------------------------------ equality

/// Equality of two expressions for a diagnosis: exact where arithmetic can
/// decide, else at the simplest sample points where both are defined.
struct Same<'a> {
    vars: &'a [Rc<str>],
}

impl Same<'_> {
    fn equal(&self, a: Expr, b: Expr) -> Result<bool> {
        if a == b {
            return Ok(true);
        }
        match identity(a, b)? {
            Identity::Equal => return Ok(true),
            Identity::Different => return Ok(false),
            Identity::Unknown => {}
        }
        let (mut program, vars) = self.program(a, b)?;
        let mut defined = 0;
        for point in sample::points(vars).iter().take(SAME_POINTS) {
            let values = program.values(point);
            let (Some(x), Some(y)) = (number(&values[0]), number(&values[1])) else {
                return Ok(false);
            };
            if !(x.is_finite() && y.is_finite()) {
                continue;
            }
            defined += 1;
            let scale = x.abs().max(y.abs()).max(1.0);
            if (x - y).abs() > SAME_TOLERANCE * scale {
                return Ok(false);
            }
        }
        Ok(defined >= SAME_DEFINED)
    }
}

impl Same<'_> {
    /// The number c with `combine(answer, reference)` = c everywhere
    /// (their ratio, or their difference): exact when the combination
    /// simplifies to a number, else read at a point as a simple fraction
    /// and confirmed by `equal`.
    fn constant(
        &self,
        answer: Expr,
        reference: Expr,
        combine: fn(Expr, Expr) -> Expr,
        at_point: fn(f64, f64) -> Option<f64>,
    ) -> Result<Option<Num>> {
        let combined = simplify(combine(answer, reference))?;
        if let Some(c) = constant_of(combined) {
            return Ok(Some(c));
        }
        let Some(c) = self.first_value(answer, reference, at_point)? else {
            return Ok(None);
        };
        let Some(c) = simple_fraction(c) else {
            return Ok(None);
        };
        Ok(self.equal(combined, Expr::num(c))?.then_some(c))
    }

    /// `at_point(answer, reference)` at the simplest point where both are
    /// finite and it is defined.
    fn first_value(
        &self,
        answer: Expr,
        reference: Expr,
        at_point: fn(f64, f64) -> Option<f64>,
    ) -> Result<Option<f64>> {
        let (mut program, vars) = self.program(answer, reference)?;
        for point in sample::points(vars).iter().take(SAME_POINTS) {
            let values = program.values(point);
            let (Some(a), Some(r)) = (number(&values[0]), number(&values[1])) else {
                return Ok(None);
            };
            if a.is_finite()
                && r.is_finite()
                && let Some(c) = at_point(a, r)
            {
                return Ok(Some(c));
            }
        }
        Ok(None)
    }

    /// A program of `a` and `b` over the variables, and their number.
    fn program(&self, a: Expr, b: Expr) -> Result<(Program, usize)> {
        let mut vars: Vec<Rc<str>> = self.vars.to_vec();
        for v in free_vars(a).into_iter().chain(free_vars(b)) {
            if !vars.contains(&v) {
                vars.push(v);
            }
        }
        let names: Vec<&str> = vars.iter().map(|v| &**v).collect();
        Ok((Program::new(&[a, b], &names)?, vars.len()))
    }
}

/// A number (an expression over data is not compared here).
fn number(v: &Evaluated) -> Option<f64> {
    match v {
        Evaluated::Number(x) => Some(*x),
        Evaluated::Vector(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::symbolic::expr::add;
    use crate::symbolic::testing::{n, x};

    fn sin(e: Expr) -> Expr {
        call(Func::Sin, vec![e])
    }
    fn cos(e: Expr) -> Expr {
        call(Func::Cos, vec![e])
    }

    fn diagnosis(of: Expr, answer: Expr) -> Diagnosis {
        let var: Rc<str> = "x".into();
        let reference = differentiate(of, "x").expect("small");
        let d = Derivative {
            of,
            vars: vec![var.clone()],
        };
        diagnose(
            reference,
            answer,
            Some((&d, &var)),
            std::slice::from_ref(&var),
        )
        .expect("small")
    }

    #[test]
    fn a_missing_inner_derivative() {
        let x2 = pow(x(), n(2));
        let found = diagnosis(sin(x2), cos(x2));
        assert_eq!(
            found,
            Diagnosis::ChainRule {
                node: sin(x2),
                inner: mul([n(2), x()])
            }
        );
    }

    #[test]
    fn a_missing_product_rule_term() {
        let e = mul([pow(x(), n(3)), sin(x())]);
        let answer = mul([n(3), pow(x(), n(2)), sin(x())]);
        let Diagnosis::ProductRule {
            mistake: ProductMistake::Missing(term),
            ..
        } = diagnosis(e, answer)
        else {
            panic!("a product-rule mistake");
        };
        assert_eq!(term, mul([pow(x(), n(3)), cos(x())]));
        let both = mul([n(3), pow(x(), n(2)), cos(x())]);
        assert!(matches!(
            diagnosis(e, both),
            Diagnosis::ProductRule {
                mistake: ProductMistake::DerivativesMultiplied,
                ..
            }
        ));
    }

    #[test]
    fn quotient_rule_mistakes() {
        // d sin(x)/x = (x cos(x) - sin(x))/x^2
        let e = div(sin(x()), x());
        let swapped = div(sub(sin(x()), mul([x(), cos(x())])), pow(x(), n(2)));
        assert!(matches!(
            diagnosis(e, swapped),
            Diagnosis::QuotientRule {
                mistake: QuotientMistake::Swapped,
                ..
            }
        ));
        let not_squared = div(sub(mul([x(), cos(x())]), sin(x())), x());
        assert!(matches!(
            diagnosis(e, not_squared),
            Diagnosis::QuotientRule {
                mistake: QuotientMistake::NotSquared,
                ..
            }
        ));
    }

    #[test]
    fn power_rule_mistakes() {
        let not_lowered = diagnosis(pow(x(), n(3)), mul([n(3), pow(x(), n(3))]));
        assert!(matches!(
            not_lowered,
            Diagnosis::PowerRule {
                mistake: PowerMistake::NotLowered,
                ..
            }
        ));
        let two_to_x = pow(n(2), x());
        let variable = diagnosis(two_to_x, mul([x(), pow(n(2), sub(x(), n(1)))]));
        assert!(matches!(
            variable,
            Diagnosis::PowerRule {
                mistake: PowerMistake::VariableExponent,
                ..
            }
        ));
    }

    #[test]
    fn sign_factor_constant_and_terms() {
        let e = pow(x(), n(2));
        assert_eq!(diagnosis(e, mul([n(-2), x()])), Diagnosis::Sign);
        let cube = pow(x(), n(3));
        assert_eq!(
            diagnosis(cube, mul([n(6), pow(x(), n(2))])),
            Diagnosis::Factor(Num::int(2))
        );
        assert_eq!(
            diagnosis(e, add([mul([n(2), x()]), n(3)])),
            Diagnosis::Constant(Num::int(3))
        );
        let sum = add([pow(x(), n(2)), sin(x())]);
        let answer = add([mul([n(2), x()]), sin(x())]);
        assert_eq!(
            diagnosis(sum, answer),
            Diagnosis::Terms {
                right: vec![mul([n(2), x()])],
                wrong: vec![sin(x())],
                missing: vec![cos(x())],
            }
        );
    }
}
