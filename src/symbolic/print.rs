//! The printers: gd text (what users read and type back), LaTeX, and an
//! s-expression dump for tests where precedence bugs cannot hide.
//!
//! Invariant: `to_text(e)` parses back (LANGUAGE.md section 3) to `e`, the
//! same canonical handle.
//!
//! Text and LaTeX share one layout step, `Layout`, which turns a canonical
//! expression into a display tree `D`: signs pulled out of terms, sums and
//! products put in display order, negative powers moved to a denominator,
//! numbers in their display form. Each printer then only decides
//! parentheses and separators. The display tree is memoized per handle (it
//! is a DAG like the expression), so laying out is linear in the size of
//! the expression and printing is linear in the size of the output.
//!
//! Rules, chosen so that text reads like a teacher's and parses back:
//!
//! - Sums: descending total degree (`x^2 + x*y + y^2 + x + 1`), ties broken
//!   alphabetically by variable (graded lex order), then by the canonical
//!   order; a degree is counted through powers (`sqrt(x)` has degree 1/2,
//!   `1/x` degree -1, `(x - 3)^2` degree 2) and calls count 0. The constant
//!   comes last, except when it is positive and every other term is
//!   negative: `1 - x`, `1 - sigmoid(x)`.
//! - Products: the number first, then constants and numeric powers
//!   (`pi`, `sqrt(2)`), powers of variables alphabetically, calls, other
//!   powers, and last bare sums. Powers with a negative exponent (`-2`,
//!   `-1/2`, `-y`, `-2y`) go to a denominator: `x/y`, `2/x^2`, `1/(2x)`,
//!   `1/(2sqrt(x))`.
//! - Juxtaposition only where section 3 makes it a product: after a number
//!   (no space: `2x`, `3sqrt(2)`, `2(x + 1)^2`), and after a number or `)`
//!   that ends a factor (one space before a name: `x^2 y`, `sin(x) cos(x)`;
//!   none before `(`: `(x + 1)(x - 1)`). After a name, and before a
//!   factor that starts with a digit, `*`: `2x*y`, `x*(x + 1)`, `3*2^x`,
//!   `2*e1` (`2e1` would be a number).
//! - Rationals p/q: a decimal when q is 2^a 5^b with b >= 1 and q >= 10
//!   (`0.1x`, `0.05`, `0.025x`), i.e. the denominators that come from decimal
//!   input; otherwise a fraction (`x/2`, `2x/3`, `x^(1/3)`, `1/4`).
//!   Integers of 15 digits or fewer print in full; larger ones as `1e15` when
//!   that is exact, else as a parenthesised exact product and sum.
//! - Doubles: shortest round-trip form (`format_number`); `inf` is `1e999`,
//!   `-inf` is `-1e999`, nan is `(0*1e999)`, all of which read back to the
//!   same double.
//! - Parentheses only where precedence needs them, plus two places where
//!   the canonical constructors would otherwise rebuild a different handle:
//!   a number (or a leading minus) directly before a lone sum is distributed
//!   by `mul`, so `-(x + 1)/y^2` is printed `-((x + 1)/y^2)` and `2(x + 1)(x - 1)`
//!   is printed `2((x + 1)(x - 1))`; and `x/(2(x + 1))` is printed
//!   `x/(x + 1)/2`.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::rc::Rc;

use super::expr::{Constant, Expr, Func, Node, order, split_power};
use super::num::Num;
use super::rewrite::free_vars;
use crate::text::format_number;

/// The expression in gd syntax, as a teacher would write it.
pub fn to_text(e: Expr) -> String {
    let d = Layout::default().build(e);
    let mut text = Text::default();
    text.write(&d);
    text.out
}

/// The expression as LaTeX math (no surrounding `$`).
pub fn to_latex(e: Expr) -> String {
    let d = Layout::default().build(e);
    let mut latex = Latex::default();
    latex.write(&d);
    latex.out
}

/// `(+ (^ x 2) 1)`: fully bracketed prefix form, in canonical order.
pub fn to_sexpr(e: Expr) -> String {
    let mut out = String::new();
    write_sexpr(&mut out, e);
    out
}

// ---------------------------------------------------------------- layout

/// The display tree: what is printed, in the order it is printed. Numbers
/// here are magnitudes; signs live in `Neg` and in `Sum` terms.
#[derive(Debug)]
enum D {
    Int(u64),
    /// A terminating decimal, `0.25`.
    Dec(String),
    Frac(u64, u64),
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
    /// Calls and their powers.
    Call,
    /// Other powers: `(x + 1)^2`, `sqrt(2x)`.
    Power,
    /// Bare sums: `(x + 1)`.
    Sum,
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
        let coef = match coef {
            Num::Rat(p, 1) => (p != 1).then(|| Rc::new(D::Int(p.unsigned_abs()))),
            Num::Rat(p, q) => match decimal(p, q) {
                Some(text) => Some(Rc::new(D::Dec(text))),
                None => {
                    den.insert(0, Rc::new(D::Int(q.unsigned_abs())));
                    (p != 1).then(|| Rc::new(D::Int(p.unsigned_abs())))
                }
            },
            Num::Float(bits) => Some(Rc::new(D::Float(f64::from_bits(bits)))),
        };
        match (coef, num.len(), den.len()) {
            (None, 1, 0) => num.remove(0),
            (Some(c), 0, 0) => c,
            (None, 0, 0) => Rc::new(D::Int(1)),
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
        let by_group = a.group.cmp(&b.group);
        if by_group != Ordering::Equal {
            return by_group;
        }
        let within = match a.group {
            Group::Variable => a.base.as_var().cmp(&b.base.as_var()),
            Group::Data => self.cmp_bases(a.base, b.base),
            Group::Power | Group::Sum => self.cmp_bases(a.base, b.base),
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
        Num::Rat(p, q) => Num::Rat(p.abs(), q),
        Num::Float(bits) => Num::Float(f64::from_bits(bits).abs().to_bits()),
    }
}

/// A non-negative number as displayed.
fn number(n: Num) -> D {
    match n {
        Num::Rat(p, 1) => D::Int(p.unsigned_abs()),
        Num::Rat(p, q) => match decimal(p, q) {
            Some(text) => D::Dec(text),
            None => D::Frac(p.unsigned_abs(), q.unsigned_abs()),
        },
        Num::Float(bits) => D::Float(f64::from_bits(bits)),
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

/// Below this, an integer literal is exact (Num::parse reads up to 15
/// significant digits exactly).
const FULL_DIGITS: u64 = 1_000_000_000_000_000;
const BILLION: u64 = 1_000_000_000;

/// A non-negative integer as a gd literal that reads back exactly: digits,
/// `1e15`, or `(9007199*1000000000 + 254740992)`.
fn int_text(u: u64) -> String {
    if u < FULL_DIGITS {
        return u.to_string();
    }
    let (mut mantissa, mut zeros) = (u, 0);
    while mantissa % 10 == 0 {
        mantissa /= 10;
        zeros += 1;
    }
    let short = format!("{mantissa}e{zeros}");
    if mantissa < FULL_DIGITS && Num::parse(&short) == Some(Num::Rat(u as i64, 1)) {
        return short;
    }
    match u % BILLION {
        0 => format!("({}*{BILLION})", u / BILLION),
        low => format!("({}*{BILLION} + {low})", u / BILLION),
    }
}

fn int_is_parenthesised(u: u64) -> bool {
    int_text(u).starts_with('(')
}

// ---------------------------------------------------------------- text

/// Precedence levels of LANGUAGE.md section 3, lowest first.
const SUM: u8 = 1;
const PRODUCT: u8 = 2;
const NEG: u8 = 3;
const POW: u8 = 4;
const ATOM: u8 = 5;

fn level(d: &D) -> u8 {
    match d {
        D::Sum(_) => SUM,
        D::Product { .. } | D::Frac(..) => PRODUCT,
        D::Neg(_) => NEG,
        D::Pow(..) => POW,
        _ => ATOM,
    }
}

/// How a printed factor ends.
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
enum Edge {
    Digit,
    Name,
    Paren,
    /// A power whose exponent ends in `)`: a `(` right after it would call
    /// the exponent (`x^(a + b)(c)` is `x^((a + b)(c))`), so it needs `*`.
    PowerParen,
}

/// How a printed factor starts.
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
enum Lead {
    Digit,
    Letter,
    /// A name like `e1` that would glue onto a number as its exponent.
    ExponentLetter,
    Paren,
}

fn lead(d: &D) -> Lead {
    if level(d) < POW {
        return Lead::Paren;
    }
    match d {
        D::Int(u) if int_is_parenthesised(*u) => Lead::Paren,
        D::Float(x) if x.is_nan() => Lead::Paren,
        D::Int(_) | D::Dec(_) | D::Float(_) => Lead::Digit,
        D::Var(name) | D::Apply(name, _) => name_lead(name),
        D::Pow(base, _) if level(base) < ATOM => Lead::Paren,
        D::Pow(base, _) => lead(base),
        _ => Lead::Letter,
    }
}

fn name_lead(name: &str) -> Lead {
    let mut chars = name.chars();
    match (chars.next(), chars.next()) {
        (Some('e' | 'E'), Some(c)) if c.is_ascii_digit() => Lead::ExponentLetter,
        // A data vector written as a list, `[1, 2]`: nothing glues onto it.
        (Some('['), _) => Lead::Digit,
        _ => Lead::Letter,
    }
}

#[derive(Default)]
struct Text {
    out: String,
}

impl Text {
    fn write(&mut self, d: &D) -> Edge {
        match d {
            D::Int(u) => self.push_number(&int_text(*u)),
            D::Dec(text) => self.push_number(text),
            D::Frac(p, q) => {
                self.push_number(&int_text(*p));
                self.out.push('/');
                self.push_number(&int_text(*q))
            }
            D::Float(x) => self.float(*x),
            D::Var(name) => {
                self.out.push_str(name);
                Edge::Name
            }
            D::Const(c) => {
                self.out.push_str(constant_name(*c));
                Edge::Name
            }
            D::Neg(magnitude) => {
                self.out.push('-');
                self.term(magnitude, true)
            }
            D::Sum(terms) => {
                let mut edge = Edge::Paren;
                for (i, (negative, magnitude)) in terms.iter().enumerate() {
                    match (i, negative) {
                        (0, true) => self.out.push('-'),
                        (0, false) => {}
                        (_, true) => self.out.push_str(" - "),
                        (_, false) => self.out.push_str(" + "),
                    }
                    edge = self.term(magnitude, i == 0 && *negative);
                }
                edge
            }
            D::Product { coef, num, den } => self.product(coef.as_deref(), num, den, false),
            D::Pow(base, exponent) => {
                self.write_in(base, ATOM);
                self.out.push('^');
                match self.write_in(exponent, POW) {
                    Edge::Paren => Edge::PowerParen,
                    edge => edge,
                }
            }
            D::Sqrt(arg) => self.call("sqrt", std::slice::from_ref(arg)),
            D::Call(func, args) => self.call(func.name(), args),
            D::Apply(name, args) => self.call(name, args),
        }
    }

    fn write_in(&mut self, d: &D, min_level: u8) -> Edge {
        if level(d) >= min_level {
            return self.write(d);
        }
        self.out.push('(');
        self.write(d);
        self.out.push(')');
        Edge::Paren
    }

    fn push_number(&mut self, text: &str) -> Edge {
        self.out.push_str(text);
        if text.ends_with(')') {
            Edge::Paren
        } else {
            Edge::Digit
        }
    }

    fn float(&mut self, x: f64) -> Edge {
        if x.is_nan() {
            self.out.push_str("(0*1e999)");
            return Edge::Paren;
        }
        if x.is_infinite() {
            self.out.push_str(if x > 0.0 { "1e999" } else { "-1e999" });
            return Edge::Digit;
        }
        self.push_number(&format_number(x))
    }

    /// A term's magnitude; `after_minus` when a unary minus precedes it.
    fn term(&mut self, magnitude: &D, after_minus: bool) -> Edge {
        match magnitude {
            D::Product { coef, num, den } => self.product(coef.as_deref(), num, den, after_minus),
            _ => self.write_in(magnitude, PRODUCT),
        }
    }

    fn product(
        &mut self,
        coef: Option<&D>,
        num: &[Rc<D>],
        den: &[Rc<D>],
        after_minus: bool,
    ) -> Edge {
        let leads_with_sum = matches!(num.first().map(|d| &**d), Some(D::Sum(_)));
        if leads_with_sum && (coef.is_some() || after_minus) {
            // `2(x + 1)(x - 1)` would read as (2x + 2)(x - 1).
            if let Some(c) = coef {
                self.write(c);
            }
            self.out.push('(');
            self.product(None, num, den, false);
            self.out.push(')');
            return Edge::Paren;
        }
        let items: Vec<&D> = coef.into_iter().chain(num.iter().map(|d| &**d)).collect();
        let mut edge = if items.is_empty() {
            self.out.push('1');
            Edge::Digit
        } else {
            self.juxtapose(&items, coef.is_some())
        };
        if den.is_empty() {
            return edge;
        }
        // `x/(2(x + 1))` would read as x/(2x + 2): divide by the 2 last.
        let number_last =
            den.len() >= 2 && matches!(*den[0], D::Int(_)) && matches!(*den[1], D::Sum(_));
        let group: Vec<&D> = den[usize::from(number_last)..]
            .iter()
            .map(|d| &**d)
            .collect();
        self.out.push('/');
        edge = if group.len() == 1 {
            self.write_in(group[0], POW)
        } else {
            self.out.push('(');
            self.juxtapose(&group, is_number(group[0]));
            self.out.push(')');
            Edge::Paren
        };
        if number_last {
            self.out.push('/');
            edge = self.write(&den[0]);
        }
        edge
    }

    /// Factors side by side, with `*` where juxtaposition would not parse
    /// as a product.
    fn juxtapose(&mut self, items: &[&D], first_is_coef: bool) -> Edge {
        let mut edge = Edge::Paren;
        let mut coef_is_exponent_form = false;
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                let next = lead(item);
                let bare_group = matches!(**item, D::Sum(_));
                let separator = if i == 1 && first_is_coef {
                    match next {
                        Lead::Letter if !coef_is_exponent_form => "",
                        // `(0*1e999)` (nan) ends in `)`: see below.
                        Lead::Paren if self.out.ends_with(')') && !bare_group => "*",
                        Lead::Paren => "",
                        _ => "*",
                    }
                } else {
                    // After `)`, a `(` starts a call postfix, which binds
                    // tighter than `^`: `a(b)(-x)^2` would be `(a(b)(-x))^2`.
                    // Only a bare parenthesised sum may follow directly.
                    match (edge, next) {
                        (Edge::Name, _) | (_, Lead::Digit) | (Edge::PowerParen, Lead::Paren) => "*",
                        (Edge::Paren, Lead::Paren) if !bare_group => "*",
                        (_, Lead::Paren) => "",
                        _ => " ",
                    }
                };
                self.out.push_str(separator);
            }
            let start = self.out.len();
            edge = self.write_in(item, POW);
            if i == 0 {
                coef_is_exponent_form = self.out[start..].contains('e');
            }
        }
        edge
    }

    fn call(&mut self, name: &str, args: &[Rc<D>]) -> Edge {
        self.out.push_str(name);
        self.out.push('(');
        for (i, arg) in args.iter().enumerate() {
            if i > 0 {
                self.out.push_str(", ");
            }
            self.write(arg);
        }
        self.out.push(')');
        Edge::Paren
    }
}

fn is_number(d: &D) -> bool {
    matches!(d, D::Int(_) | D::Dec(_) | D::Float(_))
}

fn constant_name(c: Constant) -> &'static str {
    match c {
        Constant::Pi => "pi",
        Constant::E => "e",
    }
}

// ---------------------------------------------------------------- latex

#[derive(Default)]
struct Latex {
    out: String,
}

impl Latex {
    fn write(&mut self, d: &D) {
        match d {
            D::Int(u) => write_display(&mut self.out, u),
            D::Dec(text) => self.out.push_str(text),
            D::Frac(p, q) => {
                let _ = write!(self.out, "\\frac{{{p}}}{{{q}}}");
            }
            D::Float(x) => self.float(*x),
            D::Var(name) => self.out.push_str(&latex_name(name)),
            D::Const(Constant::Pi) => self.out.push_str("\\pi"),
            D::Const(Constant::E) => self.out.push('e'),
            D::Neg(magnitude) => {
                self.out.push('-');
                self.write_in(magnitude, PRODUCT);
            }
            D::Sum(terms) => {
                for (i, (negative, magnitude)) in terms.iter().enumerate() {
                    match (i, negative) {
                        (0, true) => self.out.push('-'),
                        (0, false) => {}
                        (_, true) => self.out.push_str(" - "),
                        (_, false) => self.out.push_str(" + "),
                    }
                    self.write_in(magnitude, PRODUCT);
                }
            }
            D::Product { coef, num, den } => {
                let items: Vec<&D> = coef.iter().chain(num.iter()).map(|d| &**d).collect();
                if den.is_empty() {
                    self.juxtapose(&items);
                    return;
                }
                self.out.push_str("\\frac{");
                self.fraction_part(&items);
                self.out.push_str("}{");
                let den: Vec<&D> = den.iter().map(|d| &**d).collect();
                self.fraction_part(&den);
                self.out.push('}');
            }
            D::Pow(base, exponent) => self.power(base, exponent),
            D::Sqrt(arg) => {
                self.out.push_str("\\sqrt{");
                self.write(arg);
                self.out.push('}');
            }
            D::Call(func, args) => self.call(*func, args),
            D::Apply(name, args) => {
                if name.chars().count() == 1 {
                    self.out.push_str(&latex_name(name));
                } else {
                    let _ = write!(self.out, "\\operatorname{{{}}}", escape(name));
                }
                self.args(args);
            }
        }
    }

    fn write_in(&mut self, d: &D, min_level: u8) {
        if latex_level(d) >= min_level {
            self.write(d);
        } else {
            self.out.push_str("\\left(");
            self.write(d);
            self.out.push_str("\\right)");
        }
    }

    fn float(&mut self, x: f64) {
        if x.is_nan() {
            self.out.push_str("\\mathrm{NaN}");
            return;
        }
        if x.is_infinite() {
            self.out
                .push_str(if x > 0.0 { "\\infty" } else { "-\\infty" });
            return;
        }
        let text = format_number(x);
        match text.split_once('e') {
            Some(("1", exponent)) => {
                let _ = write!(self.out, "10^{{{exponent}}}");
            }
            Some((mantissa, exponent)) => {
                let _ = write!(self.out, "{mantissa} \\cdot 10^{{{exponent}}}");
            }
            None => self.out.push_str(&text),
        }
    }

    /// A numerator or denominator: the braces of `\frac` group it.
    fn fraction_part(&mut self, items: &[&D]) {
        match items {
            [] => self.out.push('1'),
            [item] => self.write(item),
            _ => self.juxtapose(items),
        }
    }

    fn juxtapose(&mut self, items: &[&D]) {
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                let digit_next = latex_lead_is_digit(item);
                self.out.push_str(if digit_next { " \\cdot " } else { " " });
            }
            self.write_in(item, POW);
        }
    }

    fn power(&mut self, base: &D, exponent: &D) {
        if let D::Frac(1, n) = exponent {
            let _ = write!(self.out, "\\sqrt[{n}]{{");
            self.write(base);
            self.out.push('}');
            return;
        }
        if let (D::Call(func, args), D::Int(k)) = (base, exponent)
            && let Some(command) = operator_command(*func)
        {
            let _ = write!(self.out, "{command}^{{{k}}}");
            self.args(args);
            return;
        }
        self.write_in(base, ATOM);
        self.out.push_str("^{");
        self.write(exponent);
        self.out.push('}');
    }

    fn call(&mut self, func: Func, args: &[Rc<D>]) {
        match func {
            Func::Exp => {
                self.out.push_str("e^{");
                self.write(&args[0]);
                self.out.push('}');
            }
            Func::Abs => {
                self.out.push_str("\\left|");
                self.write(&args[0]);
                self.out.push_str("\\right|");
            }
            _ => {
                match operator_command(func) {
                    Some(command) => self.out.push_str(command),
                    None => {
                        let _ = write!(self.out, "\\operatorname{{{}}}", func.name());
                    }
                }
                self.args(args);
            }
        }
    }

    fn args(&mut self, args: &[Rc<D>]) {
        self.out.push_str("\\left(");
        for (i, arg) in args.iter().enumerate() {
            if i > 0 {
                self.out.push_str(", ");
            }
            self.write(arg);
        }
        self.out.push_str("\\right)");
    }
}

/// Like `level`, for LaTeX: `e^{x}`, `\sqrt{x}` and `1.5 \cdot 10^{30}` are
/// not bases.
fn latex_level(d: &D) -> u8 {
    match d {
        D::Call(Func::Exp, _) | D::Sqrt(_) => POW,
        D::Float(x) if format_number(*x).contains('e') => POW,
        _ => level(d),
    }
}

fn latex_lead_is_digit(d: &D) -> bool {
    match d {
        D::Int(_) | D::Dec(_) => true,
        D::Float(x) => x.is_finite(),
        D::Pow(base, exponent) => {
            !matches!(**exponent, D::Frac(1, _))
                && latex_level(base) >= ATOM
                && latex_lead_is_digit(base)
        }
        _ => false,
    }
}

/// The LaTeX command of a function that has one (`\sin`, `\log_{2}`).
fn operator_command(func: Func) -> Option<&'static str> {
    Some(match func {
        Func::Sin => "\\sin",
        Func::Cos => "\\cos",
        Func::Tan => "\\tan",
        Func::Asin => "\\arcsin",
        Func::Acos => "\\arccos",
        Func::Atan => "\\arctan",
        Func::Sinh => "\\sinh",
        Func::Cosh => "\\cosh",
        Func::Tanh => "\\tanh",
        Func::Ln => "\\ln",
        Func::Log2 => "\\log_{2}",
        Func::Log10 => "\\log_{10}",
        Func::Min => "\\min",
        Func::Max => "\\max",
        Func::Exp
        | Func::Abs
        | Func::Sign
        | Func::Step
        | Func::Sigmoid
        | Func::Sum
        | Func::Mean => return None,
    })
}

const GREEK: [(&str, char); 34] = [
    ("alpha", 'α'),
    ("beta", 'β'),
    ("gamma", 'γ'),
    ("delta", 'δ'),
    ("epsilon", 'ε'),
    ("zeta", 'ζ'),
    ("eta", 'η'),
    ("theta", 'θ'),
    ("iota", 'ι'),
    ("kappa", 'κ'),
    ("lambda", 'λ'),
    ("mu", 'μ'),
    ("nu", 'ν'),
    ("xi", 'ξ'),
    ("pi", 'π'),
    ("rho", 'ρ'),
    ("sigma", 'σ'),
    ("tau", 'τ'),
    ("upsilon", 'υ'),
    ("phi", 'φ'),
    ("chi", 'χ'),
    ("psi", 'ψ'),
    ("omega", 'ω'),
    ("Gamma", 'Γ'),
    ("Delta", 'Δ'),
    ("Theta", 'Θ'),
    ("Lambda", 'Λ'),
    ("Xi", 'Ξ'),
    ("Pi", 'Π'),
    ("Sigma", 'Σ'),
    ("Upsilon", 'Υ'),
    ("Phi", 'Φ'),
    ("Psi", 'Ψ'),
    ("Omega", 'Ω'),
];

/// `x`, `\theta` (for `theta` and `θ`), `x_{1}` (for `x1` and `x_1`),
/// `\mathit{loss}`.
fn latex_name(name: &str) -> String {
    let digits_from = name
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_ascii_digit())
        .last()
        .map(|(i, _)| i);
    let (base, subscript) = match (name.split_once('_'), digits_from) {
        (Some((base, sub)), _) if !base.is_empty() && !sub.is_empty() => (base, Some(sub)),
        (_, Some(i)) if i > 0 => (&name[..i], Some(&name[i..])),
        _ => (name, None),
    };
    let mut out = latex_word(base);
    if let Some(sub) = subscript {
        let _ = write!(out, "_{{{}}}", latex_word(sub));
    }
    out
}

fn latex_word(word: &str) -> String {
    let mut chars = word.chars();
    let single = match (chars.next(), chars.next()) {
        (Some(c), None) => Some(c),
        _ => None,
    };
    let greek = GREEK
        .iter()
        .find(|(spelled, letter)| *spelled == word || Some(*letter) == single);
    match (greek, single) {
        (Some((spelled, _)), _) => format!("\\{spelled}"),
        (None, Some(_)) => word.to_string(),
        (None, None) if word.bytes().all(|b| b.is_ascii_digit()) => word.to_string(),
        (None, None) => format!("\\mathit{{{}}}", escape(word)),
    }
}

fn escape(name: &str) -> String {
    name.replace('_', "\\_")
}

fn write_display(out: &mut String, value: impl std::fmt::Display) {
    let _ = write!(out, "{value}");
}

// ---------------------------------------------------------------- sexpr

fn write_sexpr(out: &mut String, e: Expr) {
    let node = e.node();
    let (head, children): (&str, &[Expr]) = match &*node {
        Node::Num(n) => {
            out.push_str(&sexpr_number(*n));
            return;
        }
        Node::Const(c) => {
            out.push_str(constant_name(*c));
            return;
        }
        Node::Var(name) => {
            out.push_str(name);
            return;
        }
        Node::Data(data) => {
            out.push_str(data.name());
            return;
        }
        Node::Add(terms) => ("+", terms),
        Node::Mul(factors) => ("*", factors),
        Node::Pow(..) => ("^", &[]),
        Node::Call(func, args) => (func.name(), args),
        Node::Apply(name, args) => (&**name, args),
    };
    out.push('(');
    out.push_str(head);
    if let Node::Pow(base, exponent) = &*node {
        for child in [*base, *exponent] {
            out.push(' ');
            write_sexpr(out, child);
        }
    }
    for child in children {
        out.push(' ');
        write_sexpr(out, *child);
    }
    out.push(')');
}

fn sexpr_number(n: Num) -> String {
    match n {
        Num::Rat(p, 1) => p.to_string(),
        Num::Rat(p, q) => format!("{p}/{q}"),
        Num::Float(bits) => format_number(f64::from_bits(bits)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::symbolic::expr::{add, apply, call, div, mul, neg, pow, sqrt, sub};

    fn x() -> Expr {
        Expr::var("x")
    }
    fn y() -> Expr {
        Expr::var("y")
    }
    fn z() -> Expr {
        Expr::var("z")
    }
    fn n(v: i64) -> Expr {
        Expr::int(v)
    }
    fn r(p: i64, q: i64) -> Expr {
        Expr::num(Num::ratio(p.into(), q.into()))
    }
    fn f(func: Func, arg: Expr) -> Expr {
        call(func, vec![arg])
    }
    fn pi() -> Expr {
        Expr::constant(Constant::Pi)
    }

    /// (expression, text, LaTeX, s-expression).
    fn table() -> Vec<(Expr, &'static str, &'static str, &'static str)> {
        let x_plus_1 = || add([x(), n(1)]);
        let x_minus_1 = || sub(x(), n(1));
        let sigmoid = || f(Func::Sigmoid, x());
        vec![
            (
                add([mul([n(2), x()]), n(3)]),
                "2x + 3",
                "2 x + 3",
                "(+ 3 (* 2 x))",
            ),
            (
                add([pow(x(), n(2)), mul([n(3), x()]), n(-5)]),
                "x^2 + 3x - 5",
                "x^{2} + 3 x - 5",
                "(+ -5 (^ x 2) (* 3 x))",
            ),
            (
                add([
                    mul([n(3), pow(x(), n(2)), f(Func::Sin, x())]),
                    mul([pow(x(), n(3)), f(Func::Cos, x())]),
                ]),
                "x^3 cos(x) + 3x^2 sin(x)",
                "x^{3} \\cos\\left(x\\right) + 3 x^{2} \\sin\\left(x\\right)",
                "(+ (* 3 (^ x 2) (sin x)) (* (^ x 3) (cos x)))",
            ),
            (
                mul([n(2), sub(x(), n(3))]),
                "2x - 6",
                "2 x - 6",
                "(+ -6 (* 2 x))",
            ),
            (
                add([pow(sub(x(), n(3)), n(2)), pow(sub(y(), n(2)), n(2))]),
                "(x - 3)^2 + (y - 2)^2",
                "\\left(x - 3\\right)^{2} + \\left(y - 2\\right)^{2}",
                "(+ (^ (+ -3 x) 2) (^ (+ -2 y) 2))",
            ),
            (
                div(n(1), mul([n(2), sqrt(x())])),
                "1/(2sqrt(x))",
                "\\frac{1}{2 \\sqrt{x}}",
                "(* 1/2 (^ x -1/2))",
            ),
            (sqrt(x()), "sqrt(x)", "\\sqrt{x}", "(^ x 1/2)"),
            (
                div(mul([n(-2), x()]), pow(add([pow(x(), n(2)), n(1)]), n(2))),
                "-2x/(x^2 + 1)^2",
                "-\\frac{2 x}{\\left(x^{2} + 1\\right)^{2}}",
                "(* -2 x (^ (+ 1 (^ x 2)) -2))",
            ),
            (div(x(), n(3)), "x/3", "\\frac{x}{3}", "(* 1/3 x)"),
            (mul([r(2, 3), x()]), "2x/3", "\\frac{2 x}{3}", "(* 2/3 x)"),
            (neg(div(x(), n(3))), "-x/3", "-\\frac{x}{3}", "(* -1/3 x)"),
            (neg(pow(x(), n(2))), "-x^2", "-x^{2}", "(* -1 (^ x 2))"),
            (
                pow(n(-2), x()),
                "(-2)^x",
                "\\left(-2\\right)^{x}",
                "(^ -2 x)",
            ),
            (pow(x(), n(-1)), "1/x", "\\frac{1}{x}", "(^ x -1)"),
            (
                pow(x(), pow(y(), z())),
                "x^y^z",
                "x^{y^{z}}",
                "(^ x (^ y z))",
            ),
            (
                pow(pow(x(), y()), z()),
                "(x^y)^z",
                "\\left(x^{y}\\right)^{z}",
                "(^ (^ x y) z)",
            ),
            (
                f(Func::Exp, neg(pow(x(), n(2)))),
                "exp(-x^2)",
                "e^{-x^{2}}",
                "(exp (* -1 (^ x 2)))",
            ),
            (
                mul([sigmoid(), sub(n(1), sigmoid())]),
                "sigmoid(x)(1 - sigmoid(x))",
                "\\operatorname{sigmoid}\\left(x\\right) \\left(1 - \\operatorname{sigmoid}\\left(x\\right)\\right)",
                "(* (+ 1 (* -1 (sigmoid x))) (sigmoid x))",
            ),
            (mul([n(2), x(), y()]), "2x*y", "2 x y", "(* 2 x y)"),
            (
                mul([x(), x_plus_1()]),
                "x*(x + 1)",
                "x \\left(x + 1\\right)",
                "(* x (+ 1 x))",
            ),
            (
                mul([f(Func::Sin, x()), f(Func::Cos, x())]),
                "sin(x) cos(x)",
                "\\sin\\left(x\\right) \\cos\\left(x\\right)",
                "(* (sin x) (cos x))",
            ),
            (
                mul([pow(x(), n(2)), y()]),
                "x^2 y",
                "x^{2} y",
                "(* y (^ x 2))",
            ),
            (
                mul([x_plus_1(), x_minus_1()]),
                "(x + 1)(x - 1)",
                "\\left(x + 1\\right) \\left(x - 1\\right)",
                "(* (+ -1 x) (+ 1 x))",
            ),
            (f(Func::Ln, x()), "ln(x)", "\\ln\\left(x\\right)", "(ln x)"),
            (pow(n(2), r(1, 2)), "sqrt(2)", "\\sqrt{2}", "(^ 2 1/2)"),
            (div(x(), y()), "x/y", "\\frac{x}{y}", "(* x (^ y -1))"),
            (
                mul([n(2), pow(x(), n(-2))]),
                "2/x^2",
                "\\frac{2}{x^{2}}",
                "(* 2 (^ x -2))",
            ),
            (
                div(n(1), mul([n(2), x()])),
                "1/(2x)",
                "\\frac{1}{2 x}",
                "(* 1/2 (^ x -1))",
            ),
            (mul([r(1, 10), x()]), "0.1x", "0.1 x", "(* 1/10 x)"),
            (
                mul([r(1, 20), pow(x(), n(2))]),
                "0.05x^2",
                "0.05 x^{2}",
                "(* 1/20 (^ x 2))",
            ),
            (mul([r(1, 4), x()]), "x/4", "\\frac{x}{4}", "(* 1/4 x)"),
            (
                mul([Expr::float(1.0 / 3.0), x()]),
                "0.3333333333333333x",
                "0.3333333333333333 x",
                "(* 0.3333333333333333 x)",
            ),
            (
                add([x(), Expr::float(1e-20)]),
                "x + 1e-20",
                "x + 10^{-20}",
                "(+ 1e-20 x)",
            ),
            (
                mul([Expr::float(1.5e30), x()]),
                "1.5e30*x",
                "1.5 \\cdot 10^{30} x",
                "(* 1.5e30 x)",
            ),
            (Expr::float(f64::INFINITY), "1e999", "\\infty", "inf"),
            (Expr::float(f64::NEG_INFINITY), "-1e999", "-\\infty", "-inf"),
            (Expr::float(f64::NAN), "(0*1e999)", "\\mathrm{NaN}", "nan"),
            (
                mul([pi(), pow(x(), n(2))]),
                "pi*x^2",
                "\\pi x^{2}",
                "(* pi (^ x 2))",
            ),
            (mul([n(2), pi()]), "2pi", "2 \\pi", "(* 2 pi)"),
            (mul([n(2), pi(), x()]), "2pi*x", "2 \\pi x", "(* 2 pi x)"),
            (
                apply("f", vec![x(), y()]),
                "f(x, y)",
                "f\\left(x, y\\right)",
                "(f x y)",
            ),
            (
                mul([x(), f(Func::Sin, x())]),
                "x*sin(x)",
                "x \\sin\\left(x\\right)",
                "(* x (sin x))",
            ),
            (
                mul([n(2), x(), f(Func::Sin, x())]),
                "2x*sin(x)",
                "2 x \\sin\\left(x\\right)",
                "(* 2 x (sin x))",
            ),
            (f(Func::Abs, x()), "abs(x)", "\\left|x\\right|", "(abs x)"),
            (pow(Expr::var("θ"), n(2)), "θ^2", "\\theta^{2}", "(^ θ 2)"),
            (
                call(Func::Max, vec![x(), n(0)]),
                "max(x, 0)",
                "\\max\\left(x, 0\\right)",
                "(max x 0)",
            ),
            (sub(n(1), x()), "1 - x", "1 - x", "(+ 1 (* -1 x))"),
            (
                sub(n(5), mul([n(2), x()])),
                "5 - 2x",
                "5 - 2 x",
                "(+ 5 (* -2 x))",
            ),
            (
                add([neg(pow(x(), n(2))), mul([n(3), x()])]),
                "-x^2 + 3x",
                "-x^{2} + 3 x",
                "(+ (* -1 (^ x 2)) (* 3 x))",
            ),
            (
                add([neg(pow(x(), n(2))), mul([n(3), x()]), n(1)]),
                "-x^2 + 3x + 1",
                "-x^{2} + 3 x + 1",
                "(+ 1 (* -1 (^ x 2)) (* 3 x))",
            ),
            (pow(x(), r(1, 3)), "x^(1/3)", "\\sqrt[3]{x}", "(^ x 1/3)"),
            (
                pow(x(), r(3, 2)),
                "x^(3/2)",
                "x^{\\frac{3}{2}}",
                "(^ x 3/2)",
            ),
            (
                pow(x(), r(-3, 2)),
                "1/x^(3/2)",
                "\\frac{1}{x^{\\frac{3}{2}}}",
                "(^ x -3/2)",
            ),
            (pow(x(), r(1, 10)), "x^0.1", "x^{0.1}", "(^ x 1/10)"),
            (
                mul([n(3), pow(n(2), x())]),
                "3*2^x",
                "3 \\cdot 2^{x}",
                "(* 3 (^ 2 x))",
            ),
            (
                pow(r(1, 2), x()),
                "(1/2)^x",
                "\\left(\\frac{1}{2}\\right)^{x}",
                "(^ 1/2 x)",
            ),
            (
                pow(x(), neg(y())),
                "1/x^y",
                "\\frac{1}{x^{y}}",
                "(^ x (* -1 y))",
            ),
            (
                pow(x(), mul([n(-2), y()])),
                "1/x^(2y)",
                "\\frac{1}{x^{2 y}}",
                "(^ x (* -2 y))",
            ),
            (
                pow(x(), div(n(1), y())),
                "x^(1/y)",
                "x^{\\frac{1}{y}}",
                "(^ x (^ y -1))",
            ),
            (
                pow(f(Func::Sin, x()), n(2)),
                "sin(x)^2",
                "\\sin^{2}\\left(x\\right)",
                "(^ (sin x) 2)",
            ),
            (
                mul([n(2), pow(x_plus_1(), n(2))]),
                "2(x + 1)^2",
                "2 \\left(x + 1\\right)^{2}",
                "(* 2 (^ (+ 1 x) 2))",
            ),
            (
                mul([n(-1), x_plus_1(), pow(y(), n(-2))]),
                "-((x + 1)/y^2)",
                "-\\frac{x + 1}{y^{2}}",
                "(* -1 (^ y -2) (+ 1 x))",
            ),
            (
                mul([n(2), x_plus_1(), x_minus_1()]),
                "2((x + 1)(x - 1))",
                "2 \\left(x + 1\\right) \\left(x - 1\\right)",
                "(* 2 (+ -1 x) (+ 1 x))",
            ),
            (
                mul([r(1, 2), x(), pow(x_plus_1(), n(-1))]),
                "x/(x + 1)/2",
                "\\frac{x}{2 \\left(x + 1\\right)}",
                "(* 1/2 x (^ (+ 1 x) -1))",
            ),
            (
                mul([n(-1), x_plus_1(), x_minus_1()]),
                "-((x + 1)(x - 1))",
                "-\\left(x + 1\\right) \\left(x - 1\\right)",
                "(* -1 (+ -1 x) (+ 1 x))",
            ),
            (
                sub(y(), mul([x_plus_1(), x_minus_1()])),
                "y - (x + 1)(x - 1)",
                "y - \\left(x + 1\\right) \\left(x - 1\\right)",
                "(+ y (* -1 (+ -1 x) (+ 1 x)))",
            ),
            (
                add([x(), div(n(1), x())]),
                "x + 1/x",
                "x + \\frac{1}{x}",
                "(+ x (^ x -1))",
            ),
            (
                add([sqrt(x()), x()]),
                "x + sqrt(x)",
                "x + \\sqrt{x}",
                "(+ x (^ x 1/2))",
            ),
            (mul([n(2), Expr::var("e1")]), "2*e1", "2 e_{1}", "(* 2 e1)"),
            (
                Expr::int(123_456_789_012_345),
                "123456789012345",
                "123456789012345",
                "123456789012345",
            ),
            (
                Expr::int(1_000_000_000_000_000),
                "1e15",
                "1000000000000000",
                "1000000000000000",
            ),
            (
                Expr::int(1 << 53),
                "(9007199*1000000000 + 254740992)",
                "9007199254740992",
                "9007199254740992",
            ),
            (
                mul([Expr::int(-i64::MAX), x()]),
                "-(9223372036*1000000000 + 854775807)x",
                "-9223372036854775807 x",
                "(* -9223372036854775807 x)",
            ),
            (
                mul([x(), sqrt(n(2))]),
                "sqrt(2) x",
                "\\sqrt{2} x",
                "(* x (^ 2 1/2))",
            ),
            (
                mul([n(3), sqrt(n(2))]),
                "3sqrt(2)",
                "3 \\sqrt{2}",
                "(* 3 (^ 2 1/2))",
            ),
            (
                div(n(1), sqrt(n(2))),
                "1/sqrt(2)",
                "\\frac{1}{\\sqrt{2}}",
                "(^ 2 -1/2)",
            ),
            (
                sub(x(), r(1, 3)),
                "x - 1/3",
                "x - \\frac{1}{3}",
                "(+ -1/3 x)",
            ),
            (
                mul([f(Func::Exp, x()), x_plus_1()]),
                "exp(x)(x + 1)",
                "e^{x} \\left(x + 1\\right)",
                "(* (+ 1 x) (exp x))",
            ),
            (
                mul([x(), f(Func::Exp, x())]),
                "x*exp(x)",
                "x e^{x}",
                "(* x (exp x))",
            ),
            (
                neg(div(n(1), x())),
                "-1/x",
                "-\\frac{1}{x}",
                "(* -1 (^ x -1))",
            ),
            (
                sub(y(), div(n(1), x())),
                "y - 1/x",
                "y - \\frac{1}{x}",
                "(+ y (* -1 (^ x -1)))",
            ),
            (
                f(Func::Step, x()),
                "step(x)",
                "\\operatorname{step}\\left(x\\right)",
                "(step x)",
            ),
            (
                f(Func::Log2, x()),
                "log2(x)",
                "\\log_{2}\\left(x\\right)",
                "(log2 x)",
            ),
            (
                mul([n(2), Expr::var("loss"), Expr::var("x_1")]),
                "2loss*x_1",
                "2 \\mathit{loss} x_{1}",
                "(* 2 loss x_1)",
            ),
            (
                pow(mul([n(2), x()]), r(1, 3)),
                "(2x)^(1/3)",
                "\\sqrt[3]{2 x}",
                "(^ (* 2 x) 1/3)",
            ),
            (
                sqrt(pow(x(), n(2))),
                "sqrt(x^2)",
                "\\sqrt{x^{2}}",
                "(^ (^ x 2) 1/2)",
            ),
            (sub(y(), x()), "y - x", "y - x", "(+ y (* -1 x))"),
            (pow(n(2), r(1, 3)), "2^(1/3)", "\\sqrt[3]{2}", "(^ 2 1/3)"),
            (
                mul([pow(x(), n(2)), x_plus_1()]),
                "x^2(x + 1)",
                "x^{2} \\left(x + 1\\right)",
                "(* (^ x 2) (+ 1 x))",
            ),
            (
                pow(x(), Expr::float(f64::NAN)),
                "x^(0*1e999)",
                "x^{\\mathrm{NaN}}",
                "(^ x nan)",
            ),
            (
                div(f(Func::Sin, x()), x()),
                "sin(x)/x",
                "\\frac{\\sin\\left(x\\right)}{x}",
                "(* (^ x -1) (sin x))",
            ),
            (
                div(x_plus_1(), x_minus_1()),
                "(x + 1)/(x - 1)",
                "\\frac{x + 1}{x - 1}",
                "(* (^ (+ -1 x) -1) (+ 1 x))",
            ),
            (
                mul([r(2, 3), x(), pow(y(), n(-1))]),
                "2x/(3y)",
                "\\frac{2 x}{3 y}",
                "(* 2/3 x (^ y -1))",
            ),
            (
                add([
                    mul([x(), y()]),
                    pow(x(), n(2)),
                    pow(y(), n(2)),
                    x(),
                    y(),
                    n(1),
                ]),
                "x^2 + x*y + y^2 + x + y + 1",
                "x^{2} + x y + y^{2} + x + y + 1",
                "(+ 1 x y (^ x 2) (^ y 2) (* x y))",
            ),
            (
                pow(x(), Expr::float(f64::NEG_INFINITY)),
                "1/x^1e999",
                "\\frac{1}{x^{\\infty}}",
                "(^ x -inf)",
            ),
            (
                mul([n(-3), pow(x(), n(2)), y(), f(Func::Tanh, y())]),
                "-3x^2 y*tanh(y)",
                "-3 x^{2} y \\tanh\\left(y\\right)",
                "(* -3 y (^ x 2) (tanh y))",
            ),
            (
                pow(x(), mul([r(-1, 2), y()])),
                "1/x^(y/2)",
                "\\frac{1}{x^{\\frac{y}{2}}}",
                "(^ x (* -1/2 y))",
            ),
        ]
    }

    #[test]
    fn table_of_expressions() {
        let mut failures = Vec::new();
        for (e, text, latex, sexpr) in table() {
            let got = (to_text(e), to_latex(e), to_sexpr(e));
            if got != (text.to_string(), latex.to_string(), sexpr.to_string()) {
                failures.push(format!(
                    "{sexpr}\n  text  {:?} want {text:?}\n  latex {:?} want {latex:?}\n  sexpr {:?}",
                    got.0, got.1, got.2
                ));
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }
}
