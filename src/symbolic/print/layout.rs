//! How an expression becomes a display tree `D`: what is printed, in the
//! order it is printed, with signs, coefficients and fractions decided and
//! only parentheses and separators left to the printers.
//!
//! Rules, chosen so that text reads like a teacher's:
//!
//! - Sums: descending total degree (`x^2 + x*y + y^2 + x + 1`), ties broken
//!   alphabetically by variable (graded lex order), then by the canonical
//!   order; a degree is counted through powers (`sqrt(x)` has degree 1/2,
//!   `1/x` degree -1, `(x - 3)^2` degree 2) and calls count 0. The constant
//!   comes last, except when it is positive and every other term is
//!   negative: `1 - x`, `1 - sigmoid(x)`.
//! - Products: the number first, then constants and numeric powers
//!   (`pi`, `sqrt(2)`), powers of variables alphabetically, data, calls,
//!   other powers, and last bare sums. Powers with a negative exponent
//!   (`-2`, `-1/2`, `-y`, `-2y`) go to a denominator: `x/y`, `2/x^2`,
//!   `1/(2x)`, `1/(2sqrt(x))`.
//! - Rationals p/q: a decimal when q is 2^a 5^b with b >= 1 and q >= 10
//!   (`0.1x`, `0.05`, `0.025x`), i.e. the denominators that come from decimal
//!   input; otherwise a fraction (`x/2`, `2x/3`, `x^(1/3)`, `1/4`).
//!
//! Invariant: numbers in the tree are magnitudes (never negative); every
//! sign is a `Neg` node or a flag of a `Sum` term.

use rustc_hash::FxHashMap as HashMap;
use std::cmp::Ordering;
use std::rc::Rc;

use crate::symbolic::expr::{Constant, Expr, Func, Node, order, split_power};
use crate::symbolic::num::{Num, digits};
use crate::symbolic::rewrite::{any_node, free_vars};

/// The display tree of `e`.
pub(super) fn layout(e: Expr) -> Rc<D> {
    Layout::default().build(e)
}

/// The display tree: what is printed, in the order it is printed. Numbers
/// here are magnitudes; signs live in `Neg` and in `Sum` terms.
#[derive(Debug)]
pub(super) enum D {
    Int(Rc<str>),
    /// A terminating decimal, `0.25`.
    Dec(String),
    Frac(Rc<str>, Rc<str>),
    /// A non-negative double (or nan).
    Float(f64),
    Var(Rc<str>),
    Const(Constant),
    Neg(Rc<D>),
    /// Terms as (is negative, magnitude), first to last.
    Sum(Vec<(bool, Rc<D>)>),
    /// `coef num / den`; `den` starts with the integer denominator of the
    /// coefficient, if any.
    Product {
        coef: Option<Rc<D>>,
        num: Vec<Rc<D>>,
        den: Vec<Rc<D>>,
    },
    Pow(Rc<D>, Rc<D>),
    Sqrt(Rc<D>),
    Call(Func, Vec<Rc<D>>),
    Apply(Rc<str>, Vec<Rc<D>>),
}

/// An exponent as printed: a number, an expression, or a product given by
/// its coefficient and factors (the magnitude of `-2y` is `2y`).
enum Mag {
    Num(Num),
    Expr(Expr),
    Product(Num, Vec<Expr>),
}

/// A monomial's variable part: `x^2 y` is degree 3, [(x, 2), (y, 1)].
#[derive(Default, Debug)]
struct Mono {
    degree: f64,
    /// Sorted by name, no zero exponents.
    powers: Vec<(Rc<str>, f64)>,
}

/// Where a factor goes in a product, first to last.
#[derive(Copy, Clone, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Group {
    /// Constants and powers of numbers: `pi`, `sqrt(2)`, `2^x`.
    Numeric,
    /// Powers of variables, alphabetically.
    Variable,
    /// Data vectors and their powers, alphabetically: `w*X`.
    Data,
    /// Other powers: `(x + 1)^2`, `sqrt(2x)`.
    Power,
    /// Bare sums: `(x + 1)`.
    Sum,
    /// Calls and their powers, last, as a teacher (and SymPy) writes
    /// `(1 - x) exp(-x)` and `x^2 sqrt(x) sin(x)`.
    Call,
}

struct FactorKey {
    group: Group,
    base: Expr,
    factor: Expr,
}

#[derive(Default)]
struct Layout {
    built: HashMap<Expr, Rc<D>>,
    monos: HashMap<Expr, Rc<Mono>>,
    sorted: HashMap<Expr, Rc<[Expr]>>,
}

impl Layout {
    fn build(&mut self, e: Expr) -> Rc<D> {
        if let Some(d) = self.built.get(&e) {
            return d.clone();
        }
        let d = self.build_new(e);
        self.built.insert(e, d.clone());
        d
    }

    fn build_new(&mut self, e: Expr) -> Rc<D> {
        let node = e.node();
        match &*node {
            Node::Const(c) => Rc::new(D::Const(*c)),
            Node::Var(name) => Rc::new(D::Var(name.clone())),
            Node::Data(data) => Rc::new(D::Var(data.name().into())),
            Node::Add(_) => {
                let terms = self.sorted_terms(e);
                Rc::new(D::Sum(terms.iter().map(|t| self.signed(*t)).collect()))
            }
            Node::Pow(base, exponent) if !is_negative_exponent(*exponent) => {
                let mag = match exponent.as_num() {
                    Some(n) => Mag::Num(n),
                    None => Mag::Expr(*exponent),
                };
                self.power(*base, mag)
            }
            Node::Call(func, args) => Rc::new(D::Call(*func, self.build_all(args))),
            Node::Apply(name, args) => Rc::new(D::Apply(name.clone(), self.build_all(args))),
            Node::Num(_) | Node::Mul(_) | Node::Pow(..) => match self.signed(e) {
                (true, magnitude) => Rc::new(D::Neg(magnitude)),
                (false, magnitude) => magnitude,
            },
        }
    }

    fn build_all(&mut self, args: &[Expr]) -> Vec<Rc<D>> {
        args.iter().map(|a| self.build(*a)).collect()
    }

    /// A term split into its sign and its magnitude.
    fn signed(&mut self, e: Expr) -> (bool, Rc<D>) {
        let node = e.node();
        match &*node {
            Node::Num(n) => (n.is_negative(), Rc::new(number(magnitude(*n)))),
            Node::Mul(factors) => match factors[0].as_num() {
                Some(c) => (c.is_negative(), self.product(magnitude(c), &factors[1..])),
                None => (false, self.product(Num::ONE, factors)),
            },
            Node::Pow(_, exponent) if is_negative_exponent(*exponent) => {
                (false, self.product(Num::ONE, &[e]))
            }
            _ => (false, self.build(e)),
        }
    }

    /// `coef * factors` with `coef >= 0`, as numerator over denominator.
    fn product(&mut self, coef: Num, factors: &[Expr]) -> Rc<D> {
        let mut num: Vec<(FactorKey, Rc<D>)> = Vec::with_capacity(factors.len());
        let mut den: Vec<(FactorKey, Rc<D>)> = Vec::new();
        for &factor in factors {
            let node = factor.node();
            match &*node {
                Node::Pow(base, exponent) if is_negative_exponent(*exponent) => {
                    let mag = negative_exponent_magnitude(*exponent);
                    let is_one = matches!(mag, Mag::Num(n) if n.is_one());
                    let key = factor_key(*base, is_one, factor);
                    den.push((key, self.power(*base, mag)));
                }
                _ => {
                    let (base, exponent) = split_power(factor);
                    let key = factor_key(base, exponent == Expr::one(), factor);
                    num.push((key, self.build(factor)));
                }
            }
        }
        num.sort_by(|a, b| self.cmp_factors(&a.0, &b.0));
        den.sort_by(|a, b| self.cmp_factors(&a.0, &b.0));
        let mut num: Vec<Rc<D>> = num.into_iter().map(|(_, d)| d).collect();
        let mut den: Vec<Rc<D>> = den.into_iter().map(|(_, d)| d).collect();
        let coef = match number(coef) {
            D::Int(p) if &*p == "1" => None,
            D::Frac(p, q) => {
                den.insert(0, Rc::new(D::Int(q)));
                (&*p != "1").then(|| Rc::new(D::Int(p)))
            }
            other => Some(Rc::new(other)),
        };
        match (coef, num.len(), den.len()) {
            (None, 1, 0) => num.remove(0),
            (Some(c), 0, 0) => c,
            (None, 0, 0) => Rc::new(D::Int("1".into())),
            (coef, _, _) => Rc::new(D::Product { coef, num, den }),
        }
    }

    /// `base^mag` with `mag > 0`.
    fn power(&mut self, base: Expr, mag: Mag) -> Rc<D> {
        let b = self.build(base);
        match mag {
            Mag::Num(n) if n.is_one() => b,
            Mag::Num(n) if n == Num::HALF => Rc::new(D::Sqrt(b)),
            Mag::Num(n) => Rc::new(D::Pow(b, Rc::new(number(n)))),
            Mag::Expr(x) => Rc::new(D::Pow(b, self.build(x))),
            Mag::Product(c, factors) => Rc::new(D::Pow(b, self.product(c, &factors))),
        }
    }

    // ------------------------------------------------------------ order

    /// The terms of a sum in display order (memoized).
    fn sorted_terms(&mut self, sum: Expr) -> Rc<[Expr]> {
        if let Some(terms) = self.sorted.get(&sum) {
            return terms.clone();
        }
        let node = sum.node();
        let mut terms: Vec<Expr> = match &*node {
            Node::Add(terms) => terms.to_vec(),
            _ => vec![sum],
        };
        terms.sort_by(|a, b| self.cmp_terms(*a, *b).then_with(|| order(*a, *b)));
        // A sum does not start with a minus when a positive term in other
        // variables can lead (`y - x^2`, `1 - x`); a polynomial in one
        // variable keeps its degree order (`-x^2 + 3x`).
        if let Some(&first) = terms.first().filter(|t| is_negative_term(**t)) {
            let first_vars = free_vars(first);
            let lead = terms.iter().position(|t| !is_negative_term(*t));
            if let Some(i) = lead.filter(|i| free_vars(terms[*i]).is_disjoint(&first_vars)) {
                let lead = terms.remove(i);
                terms.insert(0, lead);
            }
        }
        let terms: Rc<[Expr]> = terms.into();
        self.sorted.insert(sum, terms.clone());
        terms
    }

    /// Constants last, then descending degree, then alphabetical (graded
    /// lex order); `Equal` for terms with the same variable part.
    fn cmp_terms(&mut self, a: Expr, b: Expr) -> Ordering {
        let (a_num, b_num) = (a.as_num().is_some(), b.as_num().is_some());
        if a_num != b_num {
            return a_num.cmp(&b_num);
        }
        let (ma, mb) = (self.mono(a), self.mono(b));
        grlex(&ma, &mb)
    }

    fn cmp_factors(&mut self, a: &FactorKey, b: &FactorKey) -> Ordering {
        // A call comes first beside a factor made of it, as in
        // `sigmoid(x)(1 - sigmoid(x))`; otherwise calls come last.
        if a.group == Group::Call && a.group != b.group && contains(b.base, a.base) {
            return Ordering::Less;
        }
        if b.group == Group::Call && a.group != b.group && contains(a.base, b.base) {
            return Ordering::Greater;
        }
        let by_group = a.group.cmp(&b.group);
        if by_group != Ordering::Equal {
            return by_group;
        }
        let within = match a.group {
            Group::Variable => a.base.as_var().cmp(&b.base.as_var()),
            // Data tie in degree and fall to `order`: by name.
            Group::Data | Group::Power | Group::Sum => self.cmp_bases(a.base, b.base),
            Group::Numeric | Group::Call => Ordering::Equal,
        };
        within.then_with(|| order(a.factor, b.factor))
    }

    /// Sums compare term by term as displayed, a positive term before a
    /// negative one: `(x + 1)(x - 1)`, `(x - 3)^2` before `(y - 2)^2`.
    fn cmp_bases(&mut self, a: Expr, b: Expr) -> Ordering {
        let is_add = |e: Expr| matches!(*e.node(), Node::Add(_));
        if !(is_add(a) && is_add(b)) {
            let (ma, mb) = (self.mono(a), self.mono(b));
            return grlex(&ma, &mb);
        }
        let (ta, tb) = (self.sorted_terms(a), self.sorted_terms(b));
        for (x, y) in ta.iter().zip(tb.iter()) {
            let by_term = self
                .cmp_terms(*x, *y)
                .then_with(|| is_negative_term(*x).cmp(&is_negative_term(*y)));
            if by_term != Ordering::Equal {
                return by_term;
            }
        }
        ta.len().cmp(&tb.len())
    }

    /// The variable part of `e` (memoized); a sum counts as its leading
    /// term, calls and symbolic powers as constants.
    fn mono(&mut self, e: Expr) -> Rc<Mono> {
        if let Some(m) = self.monos.get(&e) {
            return m.clone();
        }
        let node = e.node();
        let mono = match &*node {
            Node::Var(name) => Mono {
                degree: 1.0,
                powers: vec![(name.clone(), 1.0)],
            },
            // Data count towards the degree but sort after the variables,
            // so a model reads as written: `w*X + b - Y`.
            Node::Data(_) => Mono {
                degree: 1.0,
                powers: Vec::new(),
            },
            Node::Pow(base, exponent) => match exponent.as_num().map(Num::to_f64) {
                Some(k) if k.is_finite() => {
                    let m = self.mono(*base);
                    scale(&m, k)
                }
                _ => Mono::default(),
            },
            Node::Mul(factors) => {
                let mut acc = Mono::default();
                for f in factors.iter() {
                    let m = self.mono(*f);
                    acc = merge(&acc, &m);
                }
                acc
            }
            Node::Add(terms) => {
                let mut best = self.mono(terms[0]);
                for t in terms[1..].iter() {
                    let m = self.mono(*t);
                    if grlex(&m, &best) == Ordering::Less {
                        best = m;
                    }
                }
                return self.remember_mono(e, best);
            }
            _ => Mono::default(),
        };
        self.remember_mono(e, Rc::new(mono))
    }

    fn remember_mono(&mut self, e: Expr, m: Rc<Mono>) -> Rc<Mono> {
        self.monos.insert(e, m.clone());
        m
    }
}

/// Whether `part` occurs in `e`.
fn contains(e: Expr, part: Expr) -> bool {
    any_node(e, |node| match node {
        Node::Call(..) => node == &*part.node(),
        _ => false,
    })
}

fn factor_key(base: Expr, exponent_is_one: bool, factor: Expr) -> FactorKey {
    let group = match &*base.node() {
        Node::Num(_) | Node::Const(_) => Group::Numeric,
        Node::Var(_) => Group::Variable,
        Node::Data(_) => Group::Data,
        Node::Call(..) | Node::Apply(..) => Group::Call,
        Node::Add(_) if exponent_is_one => Group::Sum,
        _ => Group::Power,
    };
    FactorKey {
        group,
        base,
        factor,
    }
}

/// Descending degree, then the higher power of the alphabetically first
/// variable first. `Less` means `a` is printed first.
fn grlex(a: &Mono, b: &Mono) -> Ordering {
    let by_degree = cmp_f64(b.degree, a.degree);
    if by_degree != Ordering::Equal {
        return by_degree;
    }
    let (mut i, mut j) = (0, 0);
    loop {
        match (a.powers.get(i), b.powers.get(j)) {
            (None, None) => return Ordering::Equal,
            (Some((_, ea)), None) => return cmp_f64(0.0, *ea),
            (None, Some((_, eb))) => return cmp_f64(*eb, 0.0),
            (Some((na, ea)), Some((nb, eb))) => match na.cmp(nb) {
                Ordering::Less => return cmp_f64(0.0, *ea),
                Ordering::Greater => return cmp_f64(*eb, 0.0),
                Ordering::Equal if ea != eb => return cmp_f64(*eb, *ea),
                Ordering::Equal => {
                    i += 1;
                    j += 1;
                }
            },
        }
    }
}

fn cmp_f64(a: f64, b: f64) -> Ordering {
    a.partial_cmp(&b).unwrap_or(Ordering::Equal)
}

fn scale(m: &Mono, k: f64) -> Mono {
    let powers: Vec<(Rc<str>, f64)> = m
        .powers
        .iter()
        .map(|(v, e)| (v.clone(), e * k))
        .filter(|(_, e)| *e != 0.0)
        .collect();
    Mono {
        degree: m.degree * k,
        powers,
    }
}

fn merge(a: &Mono, b: &Mono) -> Mono {
    let mut powers: Vec<(Rc<str>, f64)> = Vec::with_capacity(a.powers.len() + b.powers.len());
    let (mut i, mut j) = (0, 0);
    while i < a.powers.len() || j < b.powers.len() {
        let next = match (a.powers.get(i), b.powers.get(j)) {
            (Some((na, ea)), Some((nb, eb))) => match na.cmp(nb) {
                Ordering::Less => {
                    i += 1;
                    (na.clone(), *ea)
                }
                Ordering::Greater => {
                    j += 1;
                    (nb.clone(), *eb)
                }
                Ordering::Equal => {
                    i += 1;
                    j += 1;
                    (na.clone(), ea + eb)
                }
            },
            (Some((na, ea)), None) => {
                i += 1;
                (na.clone(), *ea)
            }
            (None, Some((nb, eb))) => {
                j += 1;
                (nb.clone(), *eb)
            }
            (None, None) => break,
        };
        if next.1 != 0.0 {
            powers.push(next);
        }
    }
    // Not the sum of `powers`: data add degree without a name.
    Mono {
        degree: a.degree + b.degree,
        powers,
    }
}

fn is_negative_term(t: Expr) -> bool {
    match &*t.node() {
        Node::Num(n) => n.is_negative(),
        Node::Mul(factors) => factors[0].as_num().is_some_and(Num::is_negative),
        _ => false,
    }
}

/// `-2`, `-1/2`, `-y`, `-2y`: exponents printed as a division.
fn is_negative_exponent(exponent: Expr) -> bool {
    is_negative_term(exponent)
}

fn negative_exponent_magnitude(exponent: Expr) -> Mag {
    match &*exponent.node() {
        Node::Num(n) => Mag::Num(magnitude(*n)),
        Node::Mul(factors) => {
            let c = factors[0].as_num().map_or(Num::ONE, magnitude);
            if c.is_one() && factors.len() == 2 {
                Mag::Expr(factors[1])
            } else {
                Mag::Product(c, factors[1..].to_vec())
            }
        }
        _ => Mag::Expr(exponent),
    }
}

// ---------------------------------------------------------------- numbers

fn magnitude(n: Num) -> Num {
    match n {
        Num::Float(bits) => Num::Float(f64::from_bits(bits).abs().to_bits()),
        exact => exact.abs(),
    }
}

/// A number's magnitude as displayed: an integer, a decimal, a fraction
/// or a double (its sign is the caller's).
fn number(n: Num) -> D {
    if let Num::Rat(p, q) = n
        && let Some(text) = decimal(p, q)
    {
        return D::Dec(text);
    }
    match digits(n) {
        Some((_, p, q)) if q == "1" => D::Int(p.into()),
        Some((_, p, q)) => D::Frac(p.into(), q.into()),
        None => D::Float(n.to_f64()),
    }
}

/// p/q (p >= 0) as a decimal when q = 2^a 5^b with b >= 1 and q >= 10, and
/// the decimal reads back exactly.
fn decimal(p: i64, q: i64) -> Option<String> {
    let (mut rest, mut twos, mut fives) = (q, 0u32, 0u32);
    while rest % 2 == 0 {
        rest /= 2;
        twos += 1;
    }
    while rest % 5 == 0 {
        rest /= 5;
        fives += 1;
    }
    if rest != 1 || fives == 0 || q < 10 || p < 0 {
        return None;
    }
    let digits = twos.max(fives);
    let ten = 10i128.checked_pow(digits)?;
    let scaled = (p as i128).checked_mul(ten / q as i128)?;
    let text = format!(
        "{}.{:0width$}",
        scaled / ten,
        scaled % ten,
        width = digits as usize
    );
    (Num::parse(&text) == Some(Num::Rat(p, q))).then_some(text)
}

// ---------------------------------------------------------------- precedence

/// Precedence levels of LANGUAGE.md section 3, lowest first.
pub(super) const SUM: u8 = 1;
pub(super) const PRODUCT: u8 = 2;
const NEG: u8 = 3;
pub(super) const POW: u8 = 4;
pub(super) const ATOM: u8 = 5;

/// How tightly a display node binds, as a precedence level above.
pub(super) fn level(d: &D) -> u8 {
    match d {
        D::Sum(_) => SUM,
        D::Product { .. } | D::Frac(..) => PRODUCT,
        D::Neg(_) => NEG,
        D::Pow(..) => POW,
        _ => ATOM,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_only_for_denominators_from_decimal_input() {
        assert_eq!(decimal(1, 10).as_deref(), Some("0.1"));
        assert_eq!(decimal(1, 40).as_deref(), Some("0.025"));
        assert_eq!(decimal(7, 20).as_deref(), Some("0.35"));
        assert_eq!(decimal(1, 4), None);
        assert_eq!(decimal(1, 3), None);
    }
}
