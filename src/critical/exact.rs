//! Every real root of a polynomial with rational coefficients in a closed
//! interval, exactly: Sturm sequences count the distinct roots between two
//! points, bisection isolates each, and a search over the doubles (by
//! their bit patterns, so at most 64 halvings) narrows each to the double
//! nearest it. Arithmetic is exact (big rationals) throughout; a root that
//! is a double is found exactly.
//!
//! Invariant: no root in the interval is missed or reported twice (the
//! counts are exact); only the last rounding, to a double, is inexact.

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{Signed, Zero};
use std::cmp::Ordering;

use crate::error::{Error, Result};

/// A polynomial by its coefficients, constant first, with no leading zero
/// (the zero polynomial is empty).
#[derive(Clone, Debug, PartialEq)]
pub struct Poly(Vec<BigRational>);

/// A root found: exactly the double `at`, or between two adjacent doubles
/// (`at` the one where the polynomial is smaller).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Root {
    pub at: f64,
    /// The doubles the root lies between, `lo < root <= hi` (equal when
    /// the root is exactly `at`).
    pub lo: f64,
    pub hi: f64,
}

impl Poly {
    pub fn new(mut coefficients: Vec<BigRational>) -> Poly {
        while coefficients.last().is_some_and(Zero::is_zero) {
            coefficients.pop();
        }
        Poly(coefficients)
    }

    pub fn is_zero(&self) -> bool {
        self.0.is_empty()
    }

    /// The degree; 0 for constants (and for the zero polynomial).
    pub fn degree(&self) -> usize {
        self.0.len().saturating_sub(1)
    }

    pub fn derivative(&self) -> Poly {
        Poly::new(
            self.0
                .iter()
                .enumerate()
                .skip(1)
                .map(|(k, c)| c * BigRational::from_integer(BigInt::from(k)))
                .collect(),
        )
    }

    /// The value at `x`, exactly (Horner's rule).
    pub fn at(&self, x: &BigRational) -> BigRational {
        self.0
            .iter()
            .rev()
            .fold(BigRational::zero(), |acc, c| acc * x + c)
    }

    /// The sign of the value at `x`: -1, 0 or 1.
    pub fn sign_at(&self, x: &BigRational) -> i8 {
        sign(&self.at(x))
    }

    /// The remainder of `self` divided by `divisor` (not zero).
    fn rem(&self, divisor: &Poly) -> Poly {
        let mut r = self.0.clone();
        let d = &divisor.0;
        let lead = &d[d.len() - 1];
        while r.len() >= d.len() && !r.is_empty() {
            let factor = &r[r.len() - 1] / lead;
            let shift = r.len() - d.len();
            for (k, c) in d.iter().enumerate() {
                r[shift + k] = &r[shift + k] - &factor * c;
            }
            r.pop();
            while r.last().is_some_and(Zero::is_zero) {
                r.pop();
            }
        }
        Poly::new(r)
    }

    /// The quotient of an exact division by `divisor` (not zero).
    fn div_exact(&self, divisor: &Poly) -> Poly {
        let d = &divisor.0;
        let lead = &d[d.len() - 1];
        let mut r = self.0.clone();
        let mut quotient = vec![BigRational::zero(); r.len().saturating_sub(d.len()) + 1];
        while r.len() >= d.len() && !r.is_empty() {
            let factor = &r[r.len() - 1] / lead;
            let shift = r.len() - d.len();
            for (k, c) in d.iter().enumerate() {
                r[shift + k] = &r[shift + k] - &factor * c;
            }
            quotient[shift] = factor;
            r.pop();
        }
        Poly::new(quotient)
    }

    /// The same polynomial divided by its leading coefficient, which keeps
    /// the numbers of a Euclidean sequence small.
    fn monic(&self) -> Poly {
        match self.0.last() {
            Some(lead) => Poly(self.0.iter().map(|c| c / lead).collect()),
            None => self.clone(),
        }
    }

    fn neg(&self) -> Poly {
        Poly(self.0.iter().map(|c| -c).collect())
    }
}

/// The greatest common divisor, monic (zero when both are).
pub fn gcd(a: &Poly, b: &Poly) -> Poly {
    let (mut a, mut b) = (a.monic(), b.monic());
    while !b.is_zero() {
        let r = a.rem(&b).monic();
        a = b;
        b = r;
    }
    a
}

/// The same roots, each once: `p / gcd(p, p')`.
pub fn square_free(p: &Poly) -> Poly {
    let g = gcd(p, &p.derivative());
    if g.degree() == 0 {
        return p.clone();
    }
    p.div_exact(&g)
}

/// A Sturm sequence: the number of distinct roots in (a, b] is the number
/// of sign changes along it at a less that at b.
struct Sturm(Vec<Poly>);

impl Sturm {
    fn new(p: &Poly) -> Sturm {
        let mut chain = vec![p.clone(), p.derivative()];
        loop {
            let n = chain.len();
            if chain[n - 1].is_zero() {
                chain.pop();
                break;
            }
            let r = chain[n - 2].rem(&chain[n - 1]).neg();
            chain.push(r.monic_keeping_sign());
        }
        Sturm(chain)
    }

    fn changes(&self, x: &BigRational) -> usize {
        let signs: Vec<i8> = self
            .0
            .iter()
            .map(|p| p.sign_at(x))
            .filter(|s| *s != 0)
            .collect();
        signs.windows(2).filter(|w| w[0] != w[1]).count()
    }

    /// The distinct roots in (a, b].
    fn count(&self, a: &BigRational, b: &BigRational) -> usize {
        self.changes(a).saturating_sub(self.changes(b))
    }
}

impl Poly {
    /// Divided by the absolute value of its leading coefficient: smaller
    /// numbers, the same signs everywhere (Sturm's theorem needs them).
    fn monic_keeping_sign(&self) -> Poly {
        match self.0.last() {
            Some(lead) => {
                let size = lead.abs();
                Poly(self.0.iter().map(|c| c / &size).collect())
            }
            None => self.clone(),
        }
    }
}

fn sign(x: &BigRational) -> i8 {
    match x.cmp(&BigRational::zero()) {
        Ordering::Less => -1,
        Ordering::Equal => 0,
        Ordering::Greater => 1,
    }
}

/// The exact value of a finite double.
pub fn rational(x: f64) -> Result<BigRational> {
    BigRational::from_float(x).ok_or_else(|| Error::internal("a range end is not finite"))
}

/// Every distinct real root of `p` (not zero) in `[lo, hi]`, in order.
pub fn roots_in(p: &Poly, lo: f64, hi: f64) -> Result<Vec<Root>> {
    let q = square_free(p);
    if q.degree() == 0 {
        return Ok(Vec::new());
    }
    let sturm = Sturm::new(&q);
    let mut roots = Vec::new();
    if q.sign_at(&rational(lo)?) == 0 {
        roots.push(Root { at: lo, lo, hi: lo });
    }
    let mut pending = vec![(lo, hi)];
    // Intervals (a, b], left to right: a stack, right halves pushed first.
    while let Some((a, b)) = pending.pop() {
        if crate::interrupt::interrupted() {
            return Err(Error::interrupted());
        }
        let count = sturm.count(&rational(a)?, &rational(b)?);
        if count == 0 {
            continue;
        }
        let mid = midpoint(a, b);
        if count == 1 || mid.is_none() {
            roots.push(refine(&q, a, b)?);
            continue;
        }
        if let Some(mid) = mid {
            pending.push((mid, b));
            pending.push((a, mid));
        }
    }
    Ok(roots)
}

/// The root of `q` in (a, b], which holds exactly one (q square-free, so
/// it changes sign there), narrowed to adjacent doubles.
fn refine(q: &Poly, a: f64, b: f64) -> Result<Root> {
    let at_b = q.sign_at(&rational(b)?);
    if at_b == 0 {
        return Ok(Root {
            at: b,
            lo: b,
            hi: b,
        });
    }
    let (mut lo, mut hi) = (a, b);
    while let Some(mid) = bit_midpoint(lo, hi) {
        match q.sign_at(&rational(mid)?) {
            0 => {
                return Ok(Root {
                    at: mid,
                    lo: mid,
                    hi: mid,
                });
            }
            s if s == at_b => hi = mid,
            _ => lo = mid,
        }
    }
    let smaller = |x: f64| -> Result<BigRational> { Ok(q.at(&rational(x)?).abs()) };
    let at = if smaller(lo)? < smaller(hi)? { lo } else { hi };
    Ok(Root { at, lo, hi })
}

/// Half way between two doubles by value, when that is strictly between.
fn midpoint(a: f64, b: f64) -> Option<f64> {
    let mid = a + (b - a) / 2.0;
    if mid > a && mid < b {
        Some(mid)
    } else {
        bit_midpoint(a, b)
    }
}

/// Half way between two doubles in their order (as many doubles on each
/// side), when there is one strictly between.
fn bit_midpoint(a: f64, b: f64) -> Option<f64> {
    let (ka, kb) = (i128::from(key(a)), i128::from(key(b)));
    let mid = ka + (kb - ka) / 2;
    (mid > ka && mid < kb).then(|| from_key(mid as i64))
}

/// The doubles in order as integers: `key(a) < key(b)` exactly when
/// `a < b` (and 0 and -0 are one).
fn key(x: f64) -> i64 {
    let bits = x.to_bits() as i64;
    if bits >= 0 { bits } else { i64::MIN - bits }
}

fn from_key(k: i64) -> f64 {
    if k >= 0 {
        f64::from_bits(k as u64)
    } else {
        f64::from_bits((i64::MIN - k) as u64)
    }
}

/// Whether `root` is a root of `p` too (of any polynomial): exactly, by
/// whether their common factor with the root's square-free polynomial
/// `q` has a root where `root` is.
pub fn shares_root(q: &Poly, p: &Poly, root: &Root) -> Result<bool> {
    if root.lo == root.hi {
        return Ok(p.sign_at(&rational(root.at)?) == 0);
    }
    let common = gcd(q, p);
    if common.degree() == 0 {
        return Ok(false);
    }
    let sturm = Sturm::new(&common);
    Ok(sturm.count(&rational(root.lo)?, &rational(root.hi)?) > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn from_integers(coefficients: &[i64]) -> Poly {
        Poly::new(
            coefficients
                .iter()
                .map(|c| BigRational::from_integer(BigInt::from(*c)))
                .collect(),
        )
    }

    fn roots(coefficients: &[i64], lo: f64, hi: f64) -> Vec<f64> {
        roots_in(&from_integers(coefficients), lo, hi)
            .expect("roots")
            .iter()
            .map(|r| r.at)
            .collect()
    }

    #[test]
    fn integer_roots_are_exact() {
        // (x - 1)(x - 2)(x + 3) = x^3 - 7x + 6
        assert_eq!(roots(&[6, -7, 0, 1], -10.0, 10.0), [-3.0, 1.0, 2.0]);
        // Only those in the closed interval, ends included.
        assert_eq!(roots(&[6, -7, 0, 1], 1.0, 2.0), [1.0, 2.0]);
        assert_eq!(roots(&[6, -7, 0, 1], -2.0, 0.5), Vec::<f64>::new());
    }

    #[test]
    fn irrational_roots_are_the_nearest_doubles() {
        // x^2 - 2
        assert_eq!(roots(&[-2, 0, 1], -10.0, 10.0), [-2f64.sqrt(), 2f64.sqrt()]);
    }

    #[test]
    fn repeated_roots_count_once() {
        // (x - 1)^2 (x + 1)^3 = x^5 + x^4 - 2x^3 - 2x^2 + x + 1
        assert_eq!(roots(&[1, 1, -2, -2, 1, 1], -10.0, 10.0), [-1.0, 1.0]);
        // x^4: one root, 0.
        assert_eq!(roots(&[0, 0, 0, 0, 1], -10.0, 10.0), [0.0]);
    }

    #[test]
    fn close_roots_are_told_apart() {
        // (1000x - 1)(1000x - 2) = 10^6 x^2 - 3000x + 2
        let found = roots(&[2, -3000, 1_000_000], -10.0, 10.0);
        assert_eq!(found, [0.001, 0.002]);
    }

    #[test]
    fn sharing_a_root_is_decided_exactly() {
        // p = x^2 - 2 and p' = 2x share no root; p and (x^2 - 2)(x + 5) do.
        let p = from_integers(&[-2, 0, 1]);
        let q = square_free(&p);
        let found = roots_in(&p, 0.0, 10.0).expect("roots");
        assert!(!shares_root(&q, &p.derivative(), &found[0]).expect("decides"));
        let multiple = from_integers(&[-10, -2, 5, 1]);
        assert!(shares_root(&q, &multiple, &found[0]).expect("decides"));
    }

    #[test]
    fn doubles_in_order() {
        for x in [-2.5, -0.0, 0.0, 1e-300, 3.0] {
            assert_eq!(from_key(key(x)), if x == 0.0 { 0.0 } else { x });
        }
        assert!(key(-1.0) < key(-1e-300) && key(-1e-300) < key(0.0) && key(0.0) < key(1e-300));
        assert_eq!(
            bit_midpoint(1.0, f64::from_bits(1.0f64.to_bits() + 1)),
            None
        );
    }
}
