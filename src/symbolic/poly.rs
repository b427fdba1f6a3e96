//! Sparse polynomials with exact coefficients: sums of terms `c * g1^k1 *
//! g2^k2 ...` over generators (variables, data, or any subexpression that is
//! not a sum, product or integer power, such as `sin(x)`), collected as they
//! are multiplied, so multiplying out is polynomial in the sizes of its
//! input and output. `expand` is built on them; so are exact comparisons.
//!
//! Invariant: no term has a zero coefficient or a zero exponent; every
//! coefficient operation is charged to the statement's work budget, so a
//! product too large to build stops with an error instead of exhausting
//! memory.

use std::collections::HashMap;

use num_rational::BigRational;
use num_traits::{One, ToPrimitive, Zero};

use super::expr::{Expr, Node, add, mul, pow};
use super::num::Num;
use super::rewrite::charge;
use crate::error::Result;

/// A coefficient: an exact rational, or a double once a double is involved.
#[derive(Clone, Debug, PartialEq)]
pub enum Coef {
    Exact(BigRational),
    Float(f64),
}

impl Coef {
    fn from_num(n: Num) -> Coef {
        match n.to_big() {
            Some(r) => Coef::Exact(r),
            None => Coef::Float(n.to_f64()),
        }
    }

    fn to_num(&self) -> Num {
        match self {
            Coef::Exact(r) => Num::big(r.clone()),
            Coef::Float(x) => Num::float(*x),
        }
    }

    fn to_f64(&self) -> f64 {
        match self {
            Coef::Exact(r) => r.to_f64().unwrap_or(f64::NAN),
            Coef::Float(x) => *x,
        }
    }

    fn is_zero(&self) -> bool {
        match self {
            Coef::Exact(r) => r.is_zero(),
            // A double zero is kept out of the sum like an exact one.
            Coef::Float(x) => *x == 0.0,
        }
    }

    fn add(&self, other: &Coef) -> Coef {
        match (self, other) {
            (Coef::Exact(a), Coef::Exact(b)) => Coef::Exact(a + b),
            _ => Coef::Float(self.to_f64() + other.to_f64()),
        }
    }

    fn mul(&self, other: &Coef) -> Coef {
        match (self, other) {
            (Coef::Exact(a), Coef::Exact(b)) => Coef::Exact(a * b),
            _ => Coef::Float(self.to_f64() * other.to_f64()),
        }
    }

    /// Work units of an operation on this coefficient: one per 64 bits.
    fn cost(&self) -> u64 {
        match self {
            Coef::Exact(r) => 1 + (r.numer().bits() + r.denom().bits()) / 64,
            Coef::Float(_) => 1,
        }
    }
}

/// A monomial: (generator index, exponent) pairs, sorted by index, with no
/// zero exponent. Exponents may be negative (`x^-1` is x to the -1).
pub type Monomial = Vec<(u32, i64)>;

/// The generators of a family of polynomials: each distinct one once.
#[derive(Default, Debug)]
pub struct Gens {
    list: Vec<Expr>,
    index: HashMap<Expr, u32>,
}

impl Gens {
    /// The index of `g`, added when new.
    pub fn of(&mut self, g: Expr) -> u32 {
        if let Some(&i) = self.index.get(&g) {
            return i;
        }
        let i = self.list.len() as u32;
        self.list.push(g);
        self.index.insert(g, i);
        i
    }

    pub fn get(&self, i: u32) -> Expr {
        self.list[i as usize]
    }

    pub fn len(&self) -> usize {
        self.list.len()
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }
}

/// A polynomial over some `Gens`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Poly {
    terms: HashMap<Monomial, Coef>,
}

impl Poly {
    pub fn zero() -> Poly {
        Poly::default()
    }

    pub fn constant(c: Coef) -> Poly {
        let mut p = Poly::zero();
        p.add_term(Vec::new(), c);
        p
    }

    /// The generator `g` to the power `k`.
    pub fn generator(g: u32, k: i64) -> Poly {
        let mut p = Poly::zero();
        p.add_term(vec![(g, k)], Coef::Exact(BigRational::one()));
        p
    }

    pub fn terms(&self) -> impl Iterator<Item = (&Monomial, &Coef)> {
        self.terms.iter()
    }

    pub fn len(&self) -> usize {
        self.terms.len()
    }

    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// The single term, when there is exactly one.
    fn single_term(&self) -> Option<(&Monomial, &Coef)> {
        if self.terms.len() == 1 {
            self.terms.iter().next()
        } else {
            None
        }
    }

    fn add_term(&mut self, monomial: Monomial, c: Coef) {
        if c.is_zero() {
            return;
        }
        match self.terms.get_mut(&monomial) {
            Some(existing) => {
                let sum = existing.add(&c);
                if sum.is_zero() {
                    self.terms.remove(&monomial);
                } else {
                    *existing = sum;
                }
            }
            None => {
                self.terms.insert(monomial, c);
            }
        }
    }

    pub fn add(&self, other: &Poly) -> Result<Poly> {
        let mut out = self.clone();
        for (m, c) in &other.terms {
            charge(c.cost())?;
            out.add_term(m.clone(), c.clone());
        }
        Ok(out)
    }

    pub fn mul(&self, other: &Poly) -> Result<Poly> {
        let mut out = Poly::zero();
        for (m1, c1) in &self.terms {
            for (m2, c2) in &other.terms {
                charge(c1.cost() + c2.cost())?;
                out.add_term(multiply_monomials(m1, m2), c1.mul(c2));
            }
        }
        Ok(out)
    }

    /// self^n for n >= 0, by repeated squaring.
    pub fn pow(&self, n: u64) -> Result<Poly> {
        let mut result = Poly::constant(Coef::Exact(BigRational::one()));
        let mut base = self.clone();
        let mut n = n;
        while n > 0 {
            if n & 1 == 1 {
                result = result.mul(&base)?;
            }
            n >>= 1;
            if n > 0 {
                base = base.mul(&base)?;
            }
        }
        Ok(result)
    }

    /// The inverse of a single term (`2x^3` gives `x^-3/2`); `None` for a
    /// sum, zero, or a double zero.
    fn inverse_of_term(&self) -> Option<Poly> {
        let (m, c) = self.single_term()?;
        let inverse = match c {
            Coef::Exact(r) if !r.is_zero() => Coef::Exact(r.recip()),
            Coef::Float(x) if *x != 0.0 => Coef::Float(1.0 / x),
            _ => return None,
        };
        let mut p = Poly::zero();
        p.add_term(m.iter().map(|(g, k)| (*g, -k)).collect(), inverse);
        Some(p)
    }

    /// The polynomial as a canonical expression over its generators.
    pub fn to_expr(&self, gens: &Gens) -> Expr {
        let terms = self.terms.iter().map(|(m, c)| {
            let mut factors = vec![Expr::num(c.to_num())];
            factors.extend(
                m.iter()
                    .map(|(g, k)| pow(gens.get(*g), Expr::num(Num::int(*k)))),
            );
            mul(factors)
        });
        add(terms)
    }
}

fn multiply_monomials(a: &Monomial, b: &Monomial) -> Monomial {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        let ((ga, ka), (gb, kb)) = (a[i], b[j]);
        if ga == gb {
            if ka + kb != 0 {
                out.push((ga, ka + kb));
            }
            i += 1;
            j += 1;
        } else if ga < gb {
            out.push(a[i]);
            i += 1;
        } else {
            out.push(b[j]);
            j += 1;
        }
    }
    out.extend_from_slice(&a[i..]);
    out.extend_from_slice(&b[j..]);
    out
}

/// `e` as a polynomial over `gens`: sums, products and integer powers are
/// arithmetic; anything else is a generator, first rewritten by `atom`
/// (which may expand inside it). A power of a sum to a negative integer is
/// a generator too: only single terms are inverted.
pub fn from_expr(
    e: Expr,
    gens: &mut Gens,
    atom: &mut dyn FnMut(Expr) -> Result<Expr>,
) -> Result<Poly> {
    let mut converter = Converter {
        gens,
        atom,
        cap: usize::MAX,
    };
    Ok(converter.convert(e)?.unwrap_or_default())
}

/// As `from_expr`, but `None` as soon as a polynomial on the way has more
/// than `cap` terms: for trying an expansion that may not pay.
pub fn from_expr_capped(
    e: Expr,
    gens: &mut Gens,
    atom: &mut dyn FnMut(Expr) -> Result<Expr>,
    cap: usize,
) -> Result<Option<Poly>> {
    Converter { gens, atom, cap }.convert(e)
}

struct Converter<'a> {
    gens: &'a mut Gens,
    atom: &'a mut dyn FnMut(Expr) -> Result<Expr>,
    cap: usize,
}

impl Converter<'_> {
    /// `None` when a polynomial grows past the cap.
    fn convert(&mut self, e: Expr) -> Result<Option<Poly>> {
        let node = e.node();
        let p = match &*node {
            Node::Num(n) => Poly::constant(Coef::from_num(*n)),
            Node::Add(terms) => {
                let mut sum = Poly::zero();
                for t in terms.iter() {
                    let Some(term) = self.convert(*t)? else {
                        return Ok(None);
                    };
                    sum = sum.add(&term)?;
                }
                sum
            }
            Node::Mul(factors) => {
                let mut product = Poly::constant(Coef::Exact(BigRational::one()));
                for f in factors.iter() {
                    let Some(factor) = self.convert(*f)? else {
                        return Ok(None);
                    };
                    if product.len().saturating_mul(factor.len()) > self.cap.saturating_mul(4) {
                        return Ok(None);
                    }
                    product = product.mul(&factor)?;
                }
                product
            }
            Node::Pow(base, exponent) => match exponent.as_num().and_then(Num::as_integer) {
                Some(k) if k > 0 && matches!(*base.node(), Node::Add(_) | Node::Mul(_)) => {
                    let Some(inner) = self.convert(*base)? else {
                        return Ok(None);
                    };
                    if inner.len() > 1 && k as u64 > self.cap as u64 {
                        return Ok(None);
                    }
                    inner.pow(k as u64)?
                }
                Some(k) if k < 0 => {
                    let Some(inner) = self.convert(*base)? else {
                        return Ok(None);
                    };
                    match inner.inverse_of_term() {
                        Some(inverse) => inverse.pow(k.unsigned_abs())?,
                        None => self.generator(e)?,
                    }
                }
                Some(k) => {
                    let g = self.gens.of((self.atom)(*base)?);
                    Poly::generator(g, k)
                }
                None => self.generator(e)?,
            },
            _ => self.generator(e)?,
        };
        Ok((p.len() <= self.cap).then_some(p))
    }

    fn generator(&mut self, e: Expr) -> Result<Poly> {
        let g = self.gens.of((self.atom)(e)?);
        Ok(Poly::generator(g, 1))
    }
}

impl Poly {
    /// `self / divisor` when it divides exactly, by multivariate division
    /// in a graded order; `None` otherwise (or when either has a negative
    /// exponent or a double coefficient).
    pub fn divide_exact(&self, divisor: &Poly) -> Result<Option<Poly>> {
        let exact = |p: &Poly| {
            p.terms
                .iter()
                .all(|(m, c)| matches!(c, Coef::Exact(_)) && m.iter().all(|(_, k)| *k > 0))
        };
        if divisor.is_empty() || !exact(self) || !exact(divisor) {
            return Ok(None);
        }
        let (lead_m, lead_c) = divisor.leading();
        let mut remainder = self.clone();
        let mut quotient = Poly::zero();
        while !remainder.is_empty() {
            let (m, c) = remainder.leading();
            let Some(factor_m) = divide_monomial(&m, &lead_m) else {
                return Ok(None);
            };
            let factor_c = match (&c, &lead_c) {
                (Coef::Exact(a), Coef::Exact(b)) => Coef::Exact(a / b),
                _ => return Ok(None),
            };
            let mut step = Poly::zero();
            step.add_term(factor_m, factor_c);
            remainder = remainder.add(&step.mul(divisor)?.negated())?;
            quotient = quotient.add(&step)?;
        }
        Ok(Some(quotient))
    }

    /// The greatest term in graded lexicographic order.
    fn leading(&self) -> (Monomial, Coef) {
        let key = |m: &Monomial| {
            let degree: i64 = m.iter().map(|(_, k)| k).sum();
            (
                degree,
                m.iter()
                    .map(|(g, k)| (u32::MAX - g, *k))
                    .collect::<Vec<_>>(),
            )
        };
        self.terms
            .iter()
            .max_by(|a, b| key(a.0).cmp(&key(b.0)))
            .map(|(m, c)| (m.clone(), c.clone()))
            .unwrap_or((Vec::new(), Coef::Exact(BigRational::zero())))
    }

    fn negated(&self) -> Poly {
        let minus_one = Coef::Exact(-BigRational::one());
        Poly {
            terms: self
                .terms
                .iter()
                .map(|(m, c)| (m.clone(), c.mul(&minus_one)))
                .collect(),
        }
    }

    /// Whether it is a single term or a constant (a monomial).
    pub fn is_monomial(&self) -> bool {
        self.terms.len() <= 1
    }
}

/// `a / b` for monomials when b divides a.
fn divide_monomial(a: &Monomial, b: &Monomial) -> Option<Monomial> {
    let mut out = a.clone();
    for (g, k) in b {
        let at = out.iter().position(|(h, _)| h == g)?;
        let left = out[at].1 - k;
        if left < 0 {
            return None;
        }
        if left == 0 {
            out.remove(at);
        } else {
            out[at].1 = left;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::symbolic::Func;
    use crate::symbolic::expr::{call, sub};

    fn x() -> Expr {
        Expr::var("x")
    }
    fn y() -> Expr {
        Expr::var("y")
    }
    fn n(v: i64) -> Expr {
        Expr::int(v)
    }

    fn round_trip(e: Expr) -> Expr {
        let mut gens = Gens::default();
        let p = from_expr(e, &mut gens, &mut Ok).expect("small");
        p.to_expr(&gens)
    }

    #[test]
    fn products_are_collected_as_they_multiply() {
        // (x + 1)(x - 1) = x^2 - 1
        let e = mul([add([x(), n(1)]), add([x(), n(-1)])]);
        assert_eq!(round_trip(e), add([pow(x(), n(2)), n(-1)]));
        // (x + y)^2 = x^2 + 2xy + y^2
        let square = pow(add([x(), y()]), n(2));
        let want = add([pow(x(), n(2)), mul([n(2), x(), y()]), pow(y(), n(2))]);
        assert_eq!(round_trip(square), want);
    }

    #[test]
    fn coefficients_stay_exact_past_64_bits() {
        // (x + 1)^70: the middle coefficient is C(70, 35).
        let mut gens = Gens::default();
        let p = from_expr(pow(add([x(), n(1)]), n(70)), &mut gens, &mut Ok).expect("small");
        assert_eq!(p.len(), 71);
        let middle = p
            .terms()
            .find(|(m, _)| m.as_slice() == [(0, 35)])
            .map(|(_, c)| c.to_num().to_string());
        assert_eq!(middle.as_deref(), Some("112186277816662845432"));
    }

    #[test]
    fn other_nodes_are_generators_and_single_terms_invert() {
        let s = call(Func::Sin, vec![x()]);
        // (sin(x) + 1)^2 = sin(x)^2 + 2sin(x) + 1
        let e = pow(add([s, n(1)]), n(2));
        let want = add([pow(s, n(2)), mul([n(2), s]), n(1)]);
        assert_eq!(round_trip(e), want);
        // (x + 1)/x = 1 + 1/x
        let e = mul([add([x(), n(1)]), pow(x(), n(-1))]);
        assert_eq!(round_trip(e), add([n(1), pow(x(), n(-1))]));
        // 1/(x + 1) stays a generator.
        let inverse = pow(add([x(), n(1)]), n(-1));
        assert_eq!(round_trip(inverse), inverse);
    }

    #[test]
    fn exact_division_and_caps() {
        let mut gens = Gens::default();
        let mut poly = |e: Expr| from_expr(e, &mut gens, &mut Ok).expect("small");
        // (x^2 - 1) / (x - 1) = x + 1; (x^2 + 1) / (x - 1) does not divide.
        let (square_minus, x_minus) = (poly(add([pow(x(), n(2)), n(-1)])), poly(add([x(), n(-1)])));
        let x_plus = poly(add([x(), n(1)]));
        assert_eq!(square_minus.divide_exact(&x_minus), Ok(Some(x_plus)));
        let square_plus = poly(add([pow(x(), n(2)), n(1)]));
        assert_eq!(square_plus.divide_exact(&x_minus), Ok(None));
        // (x + y)^2 / (x + y) in two variables.
        let sum = poly(add([x(), y()]));
        let square = poly(pow(add([x(), y()]), n(2)));
        assert_eq!(square.divide_exact(&sum), Ok(Some(sum.clone())));
        // A cap stops an expansion that grows.
        let mut gens = Gens::default();
        let big = pow(add([x(), y(), n(1)]), n(30));
        let capped = from_expr_capped(big, &mut gens, &mut Ok, 50).expect("no error");
        assert!(capped.is_none());
    }

    #[test]
    fn a_cancelling_sum_is_zero() {
        let e = sub(pow(add([x(), n(1)]), n(3)), pow(add([n(1), x()]), n(3)));
        assert!(round_trip(e).is_num(Num::ZERO));
    }
}
