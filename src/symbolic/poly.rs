//! Sparse polynomials with exact coefficients: sums of terms `c * g1^k1 *
//! g2^k2 ...` over generators (variables, data, or any subexpression that is
//! not a sum, product or integer power, such as `sin(x)`), collected as they
//! are multiplied, so multiplying out is polynomial in the sizes of its
//! input and output. `expand` is built on them; so are exact comparisons.
//!
//! Invariant: no term has a zero coefficient or a zero exponent; every
//! coefficient operation and every new term is charged to the statement's
//! work budget, so a product too large to build stops with an error
//! instead of exhausting memory.

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{ToPrimitive, Zero};
use rustc_hash::FxHashMap as HashMap;

use super::expr::{Expr, Node, add, mul, pow};
use super::num::{MAX_EXACT_BITS, Num};
use super::rewrite::charge;
use crate::error::Result;

/// A coefficient: an exact integer (inline while it fits in i128, so the
/// usual polynomial with integer coefficients costs no allocation), an
/// exact rational, or a double once a double is involved.
#[derive(Clone, Debug, PartialEq)]
pub enum Coef {
    Small(i128),
    Int(BigInt),
    Rat(BigRational),
    Float(f64),
}

impl Coef {
    fn one() -> Coef {
        Coef::Small(1)
    }

    fn from_num(n: Num) -> Coef {
        match n {
            Num::Rat(p, 1) => Coef::Small(p as i128),
            Num::Float(_) => Coef::Float(n.to_f64()),
            exact => match exact.to_big() {
                Some(r) => Coef::from_rational(r),
                None => Coef::Float(exact.to_f64()),
            },
        }
    }

    fn from_rational(r: BigRational) -> Coef {
        if r.is_integer() {
            Coef::from_int(r.to_integer())
        } else {
            Coef::Rat(r)
        }
    }

    fn from_int(n: BigInt) -> Coef {
        match n.to_i128() {
            Some(small) => Coef::Small(small),
            None => Coef::Int(n),
        }
    }

    fn to_num(&self) -> Num {
        match self {
            Coef::Small(n) => Num::ratio(*n, 1),
            Coef::Int(n) => Num::big_int(n.clone()),
            Coef::Rat(r) => Num::big(r.clone()),
            Coef::Float(x) => Num::float(*x),
        }
    }

    /// The coefficient as an exact rational; `None` for a double.
    pub fn to_rational(&self) -> Option<BigRational> {
        match self {
            Coef::Small(n) => Some(BigRational::from_integer(BigInt::from(*n))),
            Coef::Int(n) => Some(BigRational::from_integer(n.clone())),
            Coef::Rat(r) => Some(r.clone()),
            Coef::Float(_) => None,
        }
    }

    fn to_int(&self) -> Option<BigInt> {
        match self {
            Coef::Small(n) => Some(BigInt::from(*n)),
            Coef::Int(n) => Some(n.clone()),
            _ => None,
        }
    }

    fn to_f64(&self) -> f64 {
        match self {
            Coef::Small(n) => *n as f64,
            Coef::Int(n) => n.to_f64().unwrap_or(f64::NAN),
            Coef::Rat(r) => r.to_f64().unwrap_or(f64::NAN),
            Coef::Float(x) => *x,
        }
    }

    fn is_zero(&self) -> bool {
        match self {
            Coef::Small(n) => *n == 0,
            Coef::Int(n) => n.is_zero(),
            Coef::Rat(r) => r.is_zero(),
            // A double zero is kept out of the sum like an exact one.
            Coef::Float(x) => *x == 0.0,
        }
    }

    fn is_float(&self) -> bool {
        matches!(self, Coef::Float(_))
    }

    fn add(&self, other: &Coef) -> Coef {
        if let (Coef::Small(a), Coef::Small(b)) = (self, other)
            && let Some(sum) = a.checked_add(*b)
        {
            return Coef::Small(sum);
        }
        self.general(other, |a, b| a + b, |a, b| a + b, |a, b| a + b)
    }

    fn mul(&self, other: &Coef) -> Coef {
        if let (Coef::Small(a), Coef::Small(b)) = (self, other)
            && let Some(product) = a.checked_mul(*b)
        {
            return Coef::Small(product);
        }
        // Past `MAX_EXACT_BITS` a product is a double, as a power of
        // numbers is (`Num::powi`): an exact one would take longer than
        // its work units say (`(10^6)^(-2000000)` by repeated squaring).
        if self.bits().saturating_add(other.bits()) > MAX_EXACT_BITS {
            return Coef::Float(self.to_f64() * other.to_f64());
        }
        self.general(other, |a, b| a * b, |a, b| a * b, |a, b| a * b)
    }

    /// The bits of an exact coefficient (numerator and denominator).
    fn bits(&self) -> u64 {
        match self {
            Coef::Small(_) => u64::from(i64::BITS),
            Coef::Int(n) => n.bits(),
            Coef::Rat(r) => r.numer().bits() + r.denom().bits(),
            Coef::Float(_) => 0,
        }
    }

    /// An operation past the fast path: on integers, rationals or doubles,
    /// whichever both are.
    fn general(
        &self,
        other: &Coef,
        int: fn(BigInt, BigInt) -> BigInt,
        rational: fn(BigRational, BigRational) -> BigRational,
        float: fn(f64, f64) -> f64,
    ) -> Coef {
        if self.is_float() || other.is_float() {
            return Coef::Float(float(self.to_f64(), other.to_f64()));
        }
        if let (Some(a), Some(b)) = (self.to_int(), other.to_int()) {
            return Coef::from_int(int(a, b));
        }
        match (self.to_rational(), other.to_rational()) {
            (Some(a), Some(b)) => Coef::from_rational(rational(a, b)),
            _ => Coef::Float(float(self.to_f64(), other.to_f64())),
        }
    }

    fn recip(&self) -> Option<Coef> {
        if self.is_zero() {
            return None;
        }
        Some(match self {
            Coef::Float(x) => Coef::Float(1.0 / x),
            exact => Coef::from_rational(exact.to_rational()?.recip()),
        })
    }

    /// Work units of an operation on this coefficient: one per 64 bits.
    fn cost(&self) -> u64 {
        match self {
            Coef::Small(_) | Coef::Float(_) => 1,
            Coef::Int(n) => 1 + n.bits() / 64,
            Coef::Rat(r) => 1 + (r.numer().bits() + r.denom().bits()) / 64,
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
    /// The constant `n`.
    pub fn number(n: Num) -> Poly {
        Poly::constant(Coef::from_num(n))
    }

    /// Whether every coefficient is exact (none is a double): only then is
    /// a comparison of two polynomials a proof.
    pub fn is_exact(&self) -> bool {
        self.terms.values().all(|c| !c.is_float())
    }

    pub fn generator(g: u32, k: i64) -> Poly {
        let mut p = Poly::zero();
        p.add_term(vec![(g, k)], Coef::one());
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
        out.add_assign(other)?;
        Ok(out)
    }

    /// self += other, in place: a sum of n terms built this way costs
    /// the size of its terms, not n copies of the partial sum.
    pub fn add_assign(&mut self, other: &Poly) -> Result<()> {
        for (m, c) in &other.terms {
            let before = self.terms.len();
            self.add_term(m.clone(), c.clone());
            charge(c.cost() + new_terms_cost(before, self.terms.len()))?;
        }
        Ok(())
    }

    pub fn mul(&self, other: &Poly) -> Result<Poly> {
        let mut out = Poly::zero();
        for (m1, c1) in &self.terms {
            for (m2, c2) in &other.terms {
                let before = out.terms.len();
                out.add_term(multiply_monomials(m1, m2), c1.mul(c2));
                charge(c1.cost() + c2.cost() + new_terms_cost(before, out.terms.len()))?;
            }
        }
        Ok(out)
    }

    /// self^n for n >= 0, by repeated squaring.
    pub fn pow(&self, n: u64) -> Result<Poly> {
        let mut result = Poly::constant(Coef::one());
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
        let inverse = c.recip()?;
        let mut p = Poly::zero();
        p.add_term(m.iter().map(|(g, k)| (*g, -k)).collect(), inverse);
        Some(p)
    }

    /// About the operations its expression prints with (see
    /// `simplify::cost`), without building it: a sign or `+` per term, a
    /// product per factor past the first, a power per exponent not 1.
    pub fn display_cost(&self) -> u64 {
        let terms = self.terms.len() as u64;
        let per_term: u64 = self
            .terms
            .iter()
            .map(|(m, c)| {
                let coefficient = u64::from(!matches!(c, Coef::Small(1 | -1)));
                let factors = m.len() as u64 + coefficient;
                let powers = m.iter().filter(|(_, k)| *k != 1).count() as u64;
                factors.saturating_sub(1) + powers
            })
            .sum();
        per_term + terms.saturating_sub(1)
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

/// Work units of a term a polynomial holds: a term takes hundreds of
/// bytes (its monomial, coefficient and slot), so the work budget that
/// bounds time bounds memory too.
const NEW_TERM_UNITS: u64 = 16;

/// The units of the terms added when a polynomial went from `before` to
/// `after` terms.
fn new_terms_cost(before: usize, after: usize) -> u64 {
    after.saturating_sub(before) as u64 * NEW_TERM_UNITS
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
        memo: None,
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
    Converter {
        gens,
        atom,
        cap,
        memo: None,
    }
    .convert(e)
}

/// Polynomials already made of subexpressions, over one `Gens`: a caller
/// that converts many overlapping expressions (`simplify`, node after node)
/// makes each once.
pub type PolyMemo = HashMap<Expr, Poly>;

/// As `from_expr_capped`, with generators as they are (no `atom`) and the
/// polynomials of subexpressions kept in `memo`.
pub fn from_expr_memo(
    e: Expr,
    gens: &mut Gens,
    memo: &mut PolyMemo,
    cap: usize,
) -> Result<Option<Poly>> {
    Converter {
        gens,
        atom: &mut Ok,
        cap,
        memo: Some(memo),
    }
    .convert(e)
}

struct Converter<'a> {
    gens: &'a mut Gens,
    atom: &'a mut dyn FnMut(Expr) -> Result<Expr>,
    cap: usize,
    memo: Option<&'a mut PolyMemo>,
}

impl Converter<'_> {
    /// `None` when a polynomial grows past the cap.
    fn convert(&mut self, e: Expr) -> Result<Option<Poly>> {
        if let Some(done) = self.memo.as_ref().and_then(|m| m.get(&e)) {
            return Ok((done.len() <= self.cap).then(|| done.clone()));
        }
        let p = self.convert_node(e)?;
        if let (Some(memo), Some(p)) = (self.memo.as_mut(), &p) {
            memo.insert(e, p.clone());
        }
        Ok(p)
    }

    fn convert_node(&mut self, e: Expr) -> Result<Option<Poly>> {
        let node = e.node();
        let p = match &*node {
            Node::Num(n) => Poly::constant(Coef::from_num(*n)),
            Node::Add(terms) => {
                let mut sum = Poly::zero();
                for t in terms.iter() {
                    let Some(term) = self.convert(*t)? else {
                        return Ok(None);
                    };
                    sum.add_assign(&term)?;
                }
                sum
            }
            Node::Mul(factors) => {
                let mut product = Poly::constant(Coef::one());
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
                .all(|(m, c)| !c.is_float() && m.iter().all(|(_, k)| *k > 0))
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
            let Some(inverse) = lead_c.recip() else {
                return Ok(None);
            };
            let factor_c = c.mul(&inverse);
            let mut step = Poly::zero();
            step.add_term(factor_m, factor_c);
            remainder.add_assign(&step.mul(divisor)?.negated())?;
            quotient.add_assign(&step)?;
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
            .unwrap_or((Vec::new(), Coef::Small(0)))
    }

    pub fn negated(&self) -> Poly {
        let minus_one = Coef::Small(-1);
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
    use crate::symbolic::testing::{n, x, y};

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
