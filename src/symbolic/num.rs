//! Numbers inside symbolic expressions: exact rationals of any size (small
//! ones inline, large ones interned), doubles otherwise.
//!
//! Invariant (what makes printing round-trip and equal numbers equal
//! handles): a `Num` is `Rat` exactly when its value is a rational p/q with
//! p, q in i64 (p not i64::MIN); `Big` exactly when it is a rational that
//! does not fit, interned so that equal values are equal handles; a `Float`
//! never holds a value whose shortest decimal form reads back as a
//! rational. `-0` is `0`, and every NaN is the same NaN.

use rustc_hash::FxHashMap as HashMap;
use std::cell::RefCell;
use std::cmp::Ordering;
use std::rc::Rc;

use num_bigint::{BigInt, Sign};
use num_rational::BigRational;
use num_traits::{Signed, ToPrimitive, Zero};

#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum Num {
    /// numerator, denominator: denominator > 0, gcd 1.
    Rat(i64, i64),
    /// A rational too large for `Rat`: a handle to its interned value.
    Big(BigId),
    /// Stored as bits so that `Num` can be hashed; see the invariant above.
    Float(u64),
}

/// The handle of an interned large rational (see `Num::Big`).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct BigId(u32);

/// The most bits an exact power may have; a larger one is a double (inf
/// or 0), so that `2^(10^9)` costs nothing.
pub(super) const MAX_EXACT_BITS: u64 = 1 << 16;

#[derive(Default)]
struct BigStore {
    /// The first handle of this store, as in `expr`'s store: a handle of
    /// a cleared store falls outside `values`.
    base: u32,
    values: Vec<Rc<BigRational>>,
    index: HashMap<Rc<BigRational>, u32>,
}

thread_local! {
    static BIGS: RefCell<BigStore> = RefCell::new(BigStore::default());
}

impl Num {
    pub const ZERO: Num = Num::Rat(0, 1);
    pub const ONE: Num = Num::Rat(1, 1);
    pub const MINUS_ONE: Num = Num::Rat(-1, 1);
    pub const HALF: Num = Num::Rat(1, 2);

    pub fn int(n: i64) -> Num {
        Num::Rat(n, 1)
    }

    /// p/q, exact and reduced. `q = 0` gives inf, -inf or nan, as IEEE
    /// division does.
    pub fn ratio(p: i128, q: i128) -> Num {
        if q == 0 {
            return Num::float(p as f64 / 0.0);
        }
        match reduce(p, q) {
            Some((p, q)) => Num::Rat(p, q),
            None => Num::big(BigRational::new(BigInt::from(p), BigInt::from(q))),
        }
    }

    /// An exact rational of any size, in its canonical form.
    pub fn big(r: BigRational) -> Num {
        if let (Some(p), Some(q)) = (r.numer().to_i64(), r.denom().to_i64())
            && p != i64::MIN
        {
            return Num::Rat(p, q);
        }
        BIGS.with(|store| {
            let mut store = store.borrow_mut();
            if let Some(&id) = store.index.get(&r) {
                return Num::Big(BigId(id));
            }
            let id = store.base.wrapping_add(store.values.len() as u32);
            let value = Rc::new(r);
            store.values.push(value.clone());
            store.index.insert(value, id);
            Num::Big(BigId(id))
        })
    }

    /// An integer of any size.
    pub fn big_int(n: BigInt) -> Num {
        Num::big(BigRational::from_integer(n))
    }

    /// A double, made canonical: exact when its shortest decimal form is a
    /// small rational (2.5 becomes 5/2), `-0` becomes 0.
    pub fn float(x: f64) -> Num {
        if x.is_nan() {
            return Num::Float(f64::NAN.to_bits());
        }
        if x.is_infinite() {
            return Num::Float(x.to_bits());
        }
        match parse_decimal(&format!("{x:e}")) {
            Some(n @ Num::Rat(..)) => n,
            _ => Num::Float(x.to_bits()),
        }
    }

    /// Reads a number literal (`12`, `1.5`, `.5`, `5.`, `1e-3`, `2.5E+4`).
    /// Integers written with digits alone are exact at any size; other
    /// literals are exact up to 15 significant digits, doubles beyond.
    /// `None` when the text is not a number literal.
    pub fn parse(text: &str) -> Option<Num> {
        if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
            return text.parse::<BigInt>().ok().map(Num::big_int);
        }
        parse_decimal(text)
    }

    /// The value as an exact rational, if it is one.
    pub fn to_big(self) -> Option<BigRational> {
        match self {
            Num::Rat(p, q) => Some(BigRational::new_raw(BigInt::from(p), BigInt::from(q))),
            Num::Big(id) => Some((*big_value(id)).clone()),
            Num::Float(_) => None,
        }
    }

    pub fn to_f64(self) -> f64 {
        match self {
            Num::Rat(p, q) => p as f64 / q as f64,
            Num::Big(id) => big_value(id).to_f64().unwrap_or(f64::NAN),
            Num::Float(bits) => f64::from_bits(bits),
        }
    }

    pub fn is_zero(self) -> bool {
        self == Num::ZERO
    }

    pub fn is_one(self) -> bool {
        self == Num::ONE
    }

    /// Whether this is an exact rational (not a double).
    pub fn is_exact(self) -> bool {
        !matches!(self, Num::Float(_))
    }

    pub fn is_integer(self) -> bool {
        match self {
            Num::Rat(_, q) => q == 1,
            Num::Big(id) => big_value(id).is_integer(),
            Num::Float(_) => false,
        }
    }

    /// The value as an i64, when it is an integer that fits.
    pub fn as_integer(self) -> Option<i64> {
        match self {
            Num::Rat(p, 1) => Some(p),
            _ => None,
        }
    }

    pub fn is_negative(self) -> bool {
        match self {
            Num::Rat(p, _) => p < 0,
            Num::Big(id) => big_value(id).is_negative(),
            Num::Float(bits) => f64::from_bits(bits) < 0.0,
        }
    }

    pub fn is_finite(self) -> bool {
        match self {
            Num::Float(bits) => f64::from_bits(bits).is_finite(),
            _ => true,
        }
    }

    /// 1/self; the reciprocal of 0 is inf, as in IEEE arithmetic.
    pub fn recip(self) -> Num {
        match self {
            Num::Rat(0, _) => Num::float(f64::INFINITY),
            Num::Rat(p, q) => Num::ratio(q as i128, p as i128),
            Num::Big(id) => Num::big(big_value(id).recip()),
            Num::Float(bits) => Num::float(1.0 / f64::from_bits(bits)),
        }
    }

    pub fn abs(self) -> Num {
        if self.is_negative() { -self } else { self }
    }

    /// self^n, exactly when self is rational and the result is not too
    /// large (`MAX_EXACT_BITS`).
    pub fn powi(self, n: i64) -> Num {
        self.powi_exact(n)
            .unwrap_or_else(|| Num::float(self.to_f64().powf(n as f64)))
    }

    /// self^n computed exactly; `None` for a float, for 0 to a negative
    /// power, or when the result would be too large.
    fn powi_exact(self, n: i64) -> Option<Num> {
        let base = self.to_big()?;
        if base.is_zero() {
            return match n.cmp(&0) {
                Ordering::Less => None,
                Ordering::Equal => Some(Num::ONE),
                Ordering::Greater => Some(Num::ZERO),
            };
        }
        let bits = base.numer().bits().max(base.denom().bits());
        if bits.saturating_mul(n.unsigned_abs()) > MAX_EXACT_BITS {
            return None;
        }
        let power = num_traits::pow(base, usize::try_from(n.unsigned_abs()).ok()?);
        Some(Num::big(if n < 0 { power.recip() } else { power }))
    }

    /// self^exp when the result is exactly rational (`4^(1/2) = 2`,
    /// `8^(-2/3) = 1/4`); `None` otherwise.
    pub fn pow_exact(self, exp: Num) -> Option<Num> {
        match (self, exp) {
            (Num::Float(_), Num::Rat(n, 1)) => Some(self.powi(n)),
            (_, Num::Rat(n, 1)) => self.powi_exact(n),
            (_, Num::Rat(n, d)) if !self.is_negative() && d <= 64 => {
                let base = self.to_big()?;
                let root = BigRational::new(
                    exact_root(base.numer(), d as u32)?,
                    exact_root(base.denom(), d as u32)?,
                );
                Num::big(root).powi_exact(n)
            }
            _ => None,
        }
    }

    /// Total order by value (NaN last), for sorting.
    pub fn total_cmp(self, other: Num) -> Ordering {
        match (self, other) {
            (Num::Rat(a, b), Num::Rat(c, d)) => {
                (a as i128 * d as i128).cmp(&(c as i128 * b as i128))
            }
            _ => match (self.to_big(), other.to_big()) {
                (Some(a), Some(b)) => a.cmp(&b),
                _ => self.to_f64().total_cmp(&other.to_f64()),
            },
        }
    }
}

/// The interned value behind a handle.
fn big_value(id: BigId) -> Rc<BigRational> {
    BIGS.with(|store| {
        let store = store.borrow();
        match store.values.get(id.0.wrapping_sub(store.base) as usize) {
            Some(value) => value.clone(),
            // Handles are made only by `Num::big`; one out of range
            // outlived its store, a bug in the caller.
            None => panic!("a number handle outlived its session's store"),
        }
    })
}

/// Forgets every large rational (see `store`).
pub(super) fn clear_bigs() {
    BIGS.with(|store| {
        let mut store = store.borrow_mut();
        let base = store.base.wrapping_add(store.values.len() as u32);
        *store = BigStore {
            base,
            ..BigStore::default()
        };
    });
}

/// `f` on two exact rationals, or `float` on their doubles when either is
/// a double.
fn exact_or_float(
    a: Num,
    b: Num,
    f: fn(BigRational, BigRational) -> BigRational,
    float: fn(f64, f64) -> f64,
) -> Num {
    match (a.to_big(), b.to_big()) {
        (Some(x), Some(y)) => Num::big(f(x, y)),
        _ => Num::float(float(a.to_f64(), b.to_f64())),
    }
}

impl std::ops::Add for Num {
    type Output = Num;

    fn add(self, other: Num) -> Num {
        match (self, other) {
            (Num::Rat(a, b), Num::Rat(c, d)) => Num::ratio(
                a as i128 * d as i128 + c as i128 * b as i128,
                b as i128 * d as i128,
            ),
            _ => exact_or_float(self, other, |x, y| x + y, |x, y| x + y),
        }
    }
}

impl std::ops::Mul for Num {
    type Output = Num;

    fn mul(self, other: Num) -> Num {
        match (self, other) {
            (Num::Rat(a, b), Num::Rat(c, d)) => {
                Num::ratio(a as i128 * c as i128, b as i128 * d as i128)
            }
            _ => exact_or_float(self, other, |x, y| x * y, |x, y| x * y),
        }
    }
}

impl std::ops::Neg for Num {
    type Output = Num;

    fn neg(self) -> Num {
        self * Num::MINUS_ONE
    }
}

impl std::fmt::Display for Num {
    /// Exact rationals as `p` or `p/q` in full; doubles in Rust's shortest
    /// form.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Num::Rat(p, 1) => write!(f, "{p}"),
            Num::Rat(p, q) => write!(f, "{p}/{q}"),
            Num::Big(id) => write!(f, "{}", big_value(*id)),
            Num::Float(bits) => write!(f, "{}", f64::from_bits(*bits)),
        }
    }
}

/// The numerator and denominator of an exact number, as decimal digits
/// without sign, and its sign; `None` for a double.
pub fn digits(n: Num) -> Option<(bool, String, String)> {
    let r = n.to_big()?;
    let negative = r.numer().sign() == Sign::Minus;
    Some((
        negative,
        r.numer().magnitude().to_string(),
        r.denom().magnitude().to_string(),
    ))
}

/// p/q in lowest terms with a positive denominator, if it fits in i64.
fn reduce(p: i128, q: i128) -> Option<(i64, i64)> {
    if q == 0 {
        return None;
    }
    let g = gcd(p.unsigned_abs(), q.unsigned_abs()) as i128;
    let (p, q) = if q < 0 {
        (-p / g, -q / g)
    } else {
        (p / g, q / g)
    };
    match (i64::try_from(p), i64::try_from(q)) {
        (Ok(p), Ok(q)) if p != i64::MIN => Some((p, q)),
        _ => None,
    }
}

fn gcd(mut a: u128, mut b: u128) -> u128 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a.max(1)
}

/// The exact integer k-th root of n >= 0, if there is one.
fn exact_root(n: &BigInt, k: u32) -> Option<BigInt> {
    if k == 0 || n.is_negative() {
        return None;
    }
    let root = n.nth_root(k);
    (num_traits::pow(root.clone(), k as usize) == *n).then_some(root)
}

/// Reads a decimal literal: digits, optional point, optional exponent. Up to
/// 15 significant digits it is exact; longer or larger, a double.
fn parse_decimal(text: &str) -> Option<Num> {
    let (mantissa, exponent) = match text.find(['e', 'E']) {
        Some(i) => (&text[..i], text[i + 1..].parse::<i64>().ok()?),
        None => (text, 0),
    };
    let (sign, mantissa) = match mantissa.strip_prefix('-') {
        Some(rest) => (-1i128, rest),
        None => (1, mantissa),
    };
    let (int_part, frac_part) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if (int_part.is_empty() && frac_part.is_empty())
        || !all_digits(int_part)
        || !all_digits(frac_part)
    {
        return None;
    }
    let digits = format!("{int_part}{frac_part}");
    let digits = digits.trim_start_matches('0');
    // Trailing zeros are not significant: 1000000000000000 is as short as
    // 1e15 (and must read the same, for printing to round-trip).
    let significant = digits.trim_end_matches('0').len();
    let scale = exponent.checked_sub(frac_part.len() as i64)?;
    let exact = || -> Option<Num> {
        let value: i128 = if digits.is_empty() {
            0
        } else {
            digits.parse().ok()?
        };
        let ten_pow = |k: i64| 10i128.checked_pow(u32::try_from(k).ok()?);
        let num = if scale >= 0 {
            value.checked_mul(ten_pow(scale)?)?
        } else {
            value
        };
        let den = if scale < 0 { ten_pow(-scale)? } else { 1 };
        // Only short literals are exact: then p and q are below 2^53 and
        // p as f64 / q as f64 is the correctly rounded double.
        const EXACT: i64 = 1 << 53;
        match reduce(sign * num, den) {
            Some((p, q)) if p.abs() <= EXACT && q <= EXACT && significant <= 15 => {
                Some(Num::Rat(p, q))
            }
            _ => None,
        }
    };
    if digits.is_empty() {
        return Some(Num::ZERO);
    }
    exact().or_else(|| {
        let x: f64 = text.parse().ok()?;
        Some(Num::Float(x.to_bits()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_are_exact() {
        assert_eq!(Num::parse("0.1"), Some(Num::Rat(1, 10)));
        assert_eq!(Num::parse(".5"), Some(Num::Rat(1, 2)));
        assert_eq!(Num::parse("5."), Some(Num::Rat(5, 1)));
        assert_eq!(Num::parse("2.5E+4"), Some(Num::Rat(25000, 1)));
        assert_eq!(Num::parse("1e-3"), Some(Num::Rat(1, 1000)));
        assert_eq!(Num::parse("0.000"), Some(Num::ZERO));
        assert_eq!(Num::parse("1e999").map(Num::to_f64), Some(f64::INFINITY));
        assert_eq!(Num::parse("1e-30").map(Num::to_f64), Some(1e-30));
        assert_eq!(Num::parse("."), None);
        assert_eq!(Num::parse("1e"), None);
    }

    #[test]
    fn integers_of_any_size_are_exact() {
        let big = Num::parse("2210440498434925488635904000000").expect("a literal");
        assert!(matches!(big, Num::Big(_)));
        assert_eq!(big.to_string(), "2210440498434925488635904000000");
        // The same value is the same handle.
        assert_eq!(Num::parse("2210440498434925488635904000000"), Some(big));
        assert_eq!(Num::int(2).powi(70).to_string(), "1180591620717411303424");
        assert_eq!(
            Num::parse("9007199254740993")
                .map(|n| n.to_string())
                .as_deref(),
            Some("9007199254740993")
        );
        // Back within i64, a big result is small again.
        let half = Num::int(2).powi(70) * Num::int(2).powi(-69);
        assert_eq!(half, Num::int(2));
    }

    #[test]
    fn floats_that_are_small_rationals_become_exact() {
        assert_eq!(Num::float(2.5), Num::Rat(5, 2));
        assert_eq!(Num::float(-0.0), Num::ZERO);
        assert_eq!(Num::float(0.1), Num::Rat(1, 10));
        let third = Num::float(1.0 / 3.0);
        assert!(matches!(third, Num::Float(_)));
        // Its printed form reads back to the same number.
        assert_eq!(Num::parse(&format!("{:e}", third.to_f64())), Some(third));
    }

    #[test]
    fn arithmetic_stays_exact() {
        assert_eq!(Num::Rat(1, 3) + Num::Rat(1, 6), Num::HALF);
        assert_eq!(Num::Rat(2, 3) * Num::Rat(3, 2), Num::ONE);
        assert_eq!(Num::int(2).powi(10), Num::int(1024));
        assert_eq!(Num::int(2).powi(-2), Num::Rat(1, 4));
        assert!(matches!(Num::int(2).powi(100), Num::Big(_)));
        assert_eq!(Num::int(0).recip().to_f64(), f64::INFINITY);
        let max = Num::int(i64::MAX);
        assert_eq!((max + Num::ONE).to_string(), "9223372036854775808");
        assert_eq!((max + Num::ONE + Num::MINUS_ONE), max);
        assert!((-(max + Num::ONE)).is_negative());
        assert_eq!(
            (max * max).total_cmp(max),
            Ordering::Greater,
            "big values compare by value"
        );
    }

    #[test]
    fn huge_powers_are_doubles() {
        assert_eq!(Num::int(2).powi(1_000_000).to_f64(), f64::INFINITY);
        assert_eq!(Num::Rat(1, 20).powi(36_000_000_000_000_000).to_f64(), 0.0);
    }

    #[test]
    fn underflow_is_not_exact() {
        assert_eq!(
            Num::Rat(1, 20).pow_exact(Num::int(36_000_000_000_000_000)),
            None
        );
        assert_eq!(
            Num::Rat(1, 20).pow_exact(Num::int(-36_000_000_000_000_000)),
            None
        );
        assert_eq!(
            Num::parse("1000000000000000"),
            Some(Num::int(1_000_000_000_000_000))
        );
    }

    #[test]
    fn exact_roots() {
        assert_eq!(Num::int(4).pow_exact(Num::HALF), Some(Num::int(2)));
        assert_eq!(Num::int(8).pow_exact(Num::Rat(-2, 3)), Some(Num::Rat(1, 4)));
        assert_eq!(Num::int(2).pow_exact(Num::HALF), None);
        assert_eq!(Num::int(-4).pow_exact(Num::HALF), None);
        let big_square = Num::int(3).powi(80);
        assert_eq!(big_square.pow_exact(Num::HALF), Some(Num::int(3).powi(40)));
    }
}
