//! Numbers inside symbolic expressions: exact rationals while they fit in
//! i64, doubles otherwise.
//!
//! Invariant (what makes printing round-trip): a `Num` is `Rat` exactly when
//! its value is a rational p/q with p, q in i64; a `Float` never holds a value
//! whose shortest decimal form reads back as such a rational. `-0` is `0`, and
//! every NaN is the same NaN.

use std::cmp::Ordering;

#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum Num {
    /// numerator, denominator: denominator > 0, gcd 1.
    Rat(i64, i64),
    /// Stored as bits so that `Num` can be hashed; see the invariant above.
    Float(u64),
}

impl Num {
    pub const ZERO: Num = Num::Rat(0, 1);
    pub const ONE: Num = Num::Rat(1, 1);
    pub const MINUS_ONE: Num = Num::Rat(-1, 1);
    pub const HALF: Num = Num::Rat(1, 2);

    pub fn int(n: i64) -> Num {
        Num::Rat(n, 1)
    }

    /// p/q reduced, or a float when it does not fit.
    pub fn ratio(p: i128, q: i128) -> Num {
        match reduce(p, q) {
            Some((p, q)) => Num::Rat(p, q),
            None => Num::float(p as f64 / q as f64),
        }
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

    /// Reads a number literal (`12`, `1.5`, `.5`, `5.`, `1e-3`, `2.5E+4`)
    /// exactly. `None` when the text is not a number literal.
    pub fn parse(text: &str) -> Option<Num> {
        parse_decimal(text)
    }

    pub fn to_f64(self) -> f64 {
        match self {
            Num::Rat(p, q) => p as f64 / q as f64,
            Num::Float(bits) => f64::from_bits(bits),
        }
    }

    pub fn is_zero(self) -> bool {
        self == Num::ZERO
    }

    pub fn is_one(self) -> bool {
        self == Num::ONE
    }

    pub fn is_integer(self) -> bool {
        matches!(self, Num::Rat(_, 1))
    }

    pub fn as_integer(self) -> Option<i64> {
        match self {
            Num::Rat(p, 1) => Some(p),
            _ => None,
        }
    }

    pub fn is_negative(self) -> bool {
        self.to_f64() < 0.0
    }

    pub fn is_finite(self) -> bool {
        self.to_f64().is_finite()
    }

    /// 1/self; the reciprocal of 0 is inf, as in IEEE arithmetic.
    pub fn recip(self) -> Num {
        match self {
            Num::Rat(p, q) if p != 0 => Num::ratio(q as i128, p as i128),
            _ => Num::float(1.0 / self.to_f64()),
        }
    }

    pub fn abs(self) -> Num {
        if self.is_negative() { -self } else { self }
    }

    /// self^n, exactly when self is rational and the result fits.
    pub fn powi(self, n: i64) -> Num {
        self.powi_exact(n)
            .unwrap_or_else(|| Num::float(self.to_f64().powf(n as f64)))
    }

    /// self^n computed exactly; `None` for a float or when it does not fit.
    fn powi_exact(self, n: i64) -> Option<Num> {
        let Num::Rat(p, q) = self else { return None };
        if n < 0 {
            let positive = Num::Rat(p, q).powi_exact(n.checked_neg()?)?;
            return match positive {
                Num::Rat(0, _) => None,
                r => Some(r.recip()),
            };
        }
        let (pn, qn) = (checked_pow(p, n)?, checked_pow(q, n)?);
        reduce(pn, qn).map(|(p, q)| Num::Rat(p, q))
    }

    /// self^exp when the result is exactly rational (`4^(1/2) = 2`,
    /// `8^(-2/3) = 1/4`); `None` otherwise.
    pub fn pow_exact(self, exp: Num) -> Option<Num> {
        match (self, exp) {
            (Num::Float(_), Num::Rat(n, 1)) => Some(self.powi(n)),
            (_, Num::Rat(n, 1)) => self.powi_exact(n),
            (Num::Rat(p, q), Num::Rat(n, d)) if p >= 0 && d <= 64 => {
                let (rp, rq) = (exact_root(p, d as u32)?, exact_root(q, d as u32)?);
                Num::Rat(rp, rq).powi_exact(n)
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
            _ => self.to_f64().total_cmp(&other.to_f64()),
        }
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
            _ => Num::float(self.to_f64() + other.to_f64()),
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
            _ => Num::float(self.to_f64() * other.to_f64()),
        }
    }
}

impl std::ops::Neg for Num {
    type Output = Num;

    fn neg(self) -> Num {
        self * Num::MINUS_ONE
    }
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

fn checked_pow(base: i64, n: i64) -> Option<i128> {
    let n = u32::try_from(n).ok()?;
    (base as i128)
        .checked_pow(n)
        .filter(|v| i64::try_from(*v).is_ok())
}

/// The exact integer k-th root of n >= 0, if there is one.
fn exact_root(n: i64, k: u32) -> Option<i64> {
    if k == 0 || n < 0 {
        return None;
    }
    let guess = (n as f64).powf(1.0 / k as f64).round() as i64;
    (guess.saturating_sub(1)..=guess.saturating_add(1))
        .find(|r| *r >= 0 && (*r as i128).checked_pow(k) == Some(n as i128))
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
    fn arithmetic_stays_exact_until_overflow() {
        assert_eq!(Num::Rat(1, 3) + Num::Rat(1, 6), Num::HALF);
        assert_eq!(Num::Rat(2, 3) * Num::Rat(3, 2), Num::ONE);
        assert_eq!(Num::int(2).powi(10), Num::int(1024));
        assert_eq!(Num::int(2).powi(-2), Num::Rat(1, 4));
        assert!(matches!(Num::int(2).powi(100), Num::Float(_)));
        assert_eq!(Num::int(0).recip().to_f64(), f64::INFINITY);
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
        assert_eq!(Num::parse("1000000000000000"), Some(Num::float(1e15)));
    }

    #[test]
    fn exact_roots() {
        assert_eq!(Num::int(4).pow_exact(Num::HALF), Some(Num::int(2)));
        assert_eq!(Num::int(8).pow_exact(Num::Rat(-2, 3)), Some(Num::Rat(1, 4)));
        assert_eq!(Num::int(2).pow_exact(Num::HALF), None);
        assert_eq!(Num::int(-4).pow_exact(Num::HALF), None);
    }
}
