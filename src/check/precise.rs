//! Expressions at a point in 256-bit floating point (astro-float), to
//! confirm a difference that doubles found before `check` reports it: a
//! cancellation in doubles (`(x - y)^6` expanded) or an overflow (`exp(x)`
//! at x = 1e6) is not a difference of the functions.
//!
//! Invariant: the domain is the real one, decided here rather than by the
//! library's conventions: a logarithm of a number that is not positive, a
//! square root (any fractional power) of a negative number, a division by
//! zero and an inverse sine outside [-1, 1] are undefined, and only when
//! that is sure: a logarithm of a tiny number that rounding went into (a
//! zero in doubles and in 256 bits, `ln(1 - sigmoid(1000))`, is not one in
//! the reals) cannot tell. Data are read at a row, and reductions over at
//! most `MAX_ROWS` rows. `None` means "cannot tell" (that, longer data, a
//! call of a user function).

use std::rc::Rc;

use astro_float::{BigFloat, Consts, Radix, RoundingMode};
use rustc_hash::FxHashMap;

use crate::symbolic::data::data_len;
use crate::symbolic::{Constant, Expr, Func, Node, Num};

/// Bits of precision: 256 carry a difference of 1e-10 through
/// cancellations of 60 decimal digits.
const PRECISION: usize = 256;
const ROUNDING: RoundingMode = RoundingMode::ToEven;
/// Powers and elementary functions are not rounded correctly: correct
/// rounding of an exact result (1.5^2, 2.25^0.5) never ends in
/// astro-float, and an ulp at 256 bits is far below any tolerance here.
const APPROXIMATE: RoundingMode = RoundingMode::None;

/// A value at a point, or undefined there.
#[derive(Clone, Debug)]
pub enum Precise {
    Value(BigFloat),
    Undefined,
}

impl Precise {
    pub fn is_defined(&self) -> bool {
        matches!(self, Precise::Value(_))
    }
}

/// Results whose natural logarithm reaches 2^LOG_LIMIT cannot be told:
/// they are near or past astro-float's range (32-bit binary exponents),
/// where its powers and exponentials overflow. Doubles reach only e^±745.
const LOG_LIMIT: i32 = 29;

/// Whether b^k is beyond what this evaluator tells: its natural
/// logarithm k ln|b|, found at 64 bits, reaches 2^LOG_LIMIT.
fn too_large_power(b: &BigFloat, k: &BigFloat, consts: &mut Consts) -> bool {
    let ln = b.abs().ln(64, APPROXIMATE, consts);
    let log = ln.mul(k, 64, APPROXIMATE);
    log.is_inf() || log.is_nan() || log.exponent().is_some_and(|e| e > LOG_LIMIT)
}

/// Rows a reduction is evaluated over at most; a longer one is taken as
/// the doubles give it.
const MAX_ROWS: usize = 10_000;

/// `e` with `point` for its variables (and data at `row`, counted from 0,
/// outside reductions), to `PRECISION` bits.
pub fn evaluate(e: Expr, point: &[(Rc<str>, f64)], row: Option<usize>) -> Option<Precise> {
    let mut consts = Consts::new().ok()?;
    evaluate_with(e, point, row, &mut consts)
}

fn evaluate_with(
    e: Expr,
    point: &[(Rc<str>, f64)],
    row: Option<usize>,
    consts: &mut Consts,
) -> Option<Precise> {
    let mut evaluator = Evaluator {
        point,
        row,
        consts,
        memo: FxHashMap::default(),
    };
    Some(match evaluator.eval(e)? {
        Ok(n) => Precise::Value(n.v),
        Err(()) => Precise::Undefined,
    })
}

/// Whether `a` and `b` differ by more than `tol` relative to the larger
/// (absolute below 1), as `check` compares doubles; `tol` 0 asks whether
/// they differ at all.
pub fn differ(a: &BigFloat, b: &BigFloat, tol: f64) -> bool {
    let difference = a.sub(b, PRECISION, ROUNDING).abs();
    let one = BigFloat::from_i64(1, PRECISION);
    let scale = one.max(&a.abs()).max(&b.abs());
    let allowed = scale.mul(&BigFloat::from_f64(tol, PRECISION), PRECISION, ROUNDING);
    difference.cmp(&allowed).is_some_and(|c| c > 0)
}

/// A number below this in magnitude, when rounding went into it, may be
/// a zero that rounding moved (`1 - sigmoid(500)`): its sign is not known.
const TINY: f64 = 1e-60;

/// A part's value and whether it is exact (no rounding went into it).
#[derive(Clone, Debug)]
struct Number {
    v: BigFloat,
    exact: bool,
}

impl Number {
    fn of(v: BigFloat, inputs_exact: bool) -> Number {
        let exact = inputs_exact && !v.inexact();
        Number { v, exact }
    }

    /// The sign when it is sure: -1, 0 or 1.
    fn sign(&self) -> Option<i8> {
        let tiny = BigFloat::from_f64(TINY, PRECISION);
        if !self.exact && self.v.abs().cmp(&tiny).is_some_and(|c| c < 0) {
            return None;
        }
        Some(if self.v.is_zero() {
            0
        } else if self.v.is_negative() {
            -1
        } else {
            1
        })
    }
}

/// What a part is: a number, undefined, or `None` for "cannot tell".
type Part = Option<Result<Number, ()>>;

struct Evaluator<'a> {
    point: &'a [(Rc<str>, f64)],
    row: Option<usize>,
    consts: &'a mut Consts,
    memo: FxHashMap<Expr, Part>,
}

impl Evaluator<'_> {
    fn eval(&mut self, e: Expr) -> Part {
        if let Some(done) = self.memo.get(&e) {
            return done.clone();
        }
        // Every undefined point of the real domain is caught where it
        // arises (a zero divisor, ln of a non-positive number, ...), so an
        // infinity here is an overflow past even 256-bit floats' range
        // (1.5^(10^12)): a value too large to tell, not an undefined one.
        let value = match self.eval_node(e) {
            Some(Ok(n)) if n.v.is_nan() || n.v.is_inf() => None,
            other => other,
        };
        self.memo.insert(e, value.clone());
        value
    }

    fn eval_node(&mut self, e: Expr) -> Part {
        let node = e.node();
        let exact = |v: BigFloat| Some(Ok(Number::of(v, true)));
        match &*node {
            // A literal infinity (1e999, 1/0 folded) is undefined.
            Node::Num(n) if !n.is_finite() => Some(Err(())),
            Node::Num(n) => exact(number(*n, self.consts)),
            Node::Const(Constant::Pi) => {
                Some(Ok(Number::of(self.consts.pi(PRECISION, ROUNDING), false)))
            }
            Node::Const(Constant::E) => {
                Some(Ok(Number::of(self.consts.e(PRECISION, ROUNDING), false)))
            }
            Node::Var(name) => {
                let (_, x) = self.point.iter().find(|(v, _)| v == name)?;
                exact(BigFloat::from_f64(*x, PRECISION))
            }
            Node::Data(data) => exact(BigFloat::from_f64(
                *data.values().get(self.row?)?,
                PRECISION,
            )),
            Node::Add(terms) => self.fold(terms, 0, |a, b| a.add(b, PRECISION, ROUNDING)),
            Node::Mul(factors) => self.fold(factors, 1, |a, b| a.mul(b, PRECISION, ROUNDING)),
            Node::Pow(base, exponent) => {
                let b = self.eval(*base)?;
                match b {
                    Ok(b) => self.power(b, *exponent),
                    Err(()) => Some(Err(())),
                }
            }
            Node::Call(func, args) if func.is_reduction() => self.reduce(*func, args[0]),
            Node::Call(func, args) => {
                let mut values = Vec::with_capacity(args.len());
                for a in args.iter() {
                    match self.eval(*a)? {
                        Ok(v) => values.push(v),
                        Err(()) => return Some(Err(())),
                    }
                }
                self.call(*func, &values)
            }
            Node::Apply(..) => None,
        }
    }

    /// A sum or product of the parts, undefined if one is.
    fn fold(
        &mut self,
        parts: &[Expr],
        start: i64,
        op: fn(&BigFloat, &BigFloat) -> BigFloat,
    ) -> Part {
        let mut acc = Number::of(BigFloat::from_i64(start, PRECISION), true);
        for p in parts {
            match self.eval(*p)? {
                Ok(n) => acc = Number::of(op(&acc.v, &n.v), acc.exact && n.exact),
                Err(()) => return Some(Err(())),
            }
        }
        Some(Ok(acc))
    }

    fn power(&mut self, b: Number, exponent: Expr) -> Part {
        if let Some(k) = exponent.as_num().and_then(Num::as_integer) {
            if k < 0 && b.sign()? == 0 {
                return Some(Err(()));
            }
            let p = b.v.powi(k.unsigned_abs() as usize, PRECISION, ROUNDING);
            let p = if k < 0 {
                p.reciprocal(PRECISION, ROUNDING)
            } else {
                p
            };
            return Some(Ok(Number::of(p, b.exact)));
        }
        let k = match self.eval(exponent)? {
            Ok(k) => k,
            Err(()) => return Some(Err(())),
        };
        let whole = k.v.is_int();
        match (b.sign()?, k.v.is_positive()) {
            (-1, _) if !whole => return Some(Err(())),
            (0, false) => return Some(Err(())),
            (0, true) => return Some(Ok(b)),
            _ => {}
        }
        if too_large_power(&b.v, &k.v, self.consts) {
            return None;
        }
        let magnitude = b.v.abs().pow(&k.v, PRECISION, APPROXIMATE, self.consts);
        // x^y at a whole y is defined for negative x, as powf has it.
        let odd = || {
            let half =
                k.v.mul(&BigFloat::from_f64(0.5, PRECISION), PRECISION, ROUNDING);
            !half.is_int()
        };
        let v = if b.v.is_negative() && odd() {
            magnitude.neg()
        } else {
            magnitude
        };
        Some(Ok(Number::of(v, false)))
    }

    /// `sum(arg)` or `mean(arg)`: over the rows of the data in `arg`, each
    /// row in 256 bits.
    fn reduce(&mut self, func: Func, arg: Expr) -> Part {
        let rows = match data_len(arg) {
            Ok(Some(n)) if n <= MAX_ROWS => n,
            Ok(Some(_)) | Err(_) => return None,
            Ok(None) => return self.eval(arg),
        };
        let mut sum = Number::of(BigFloat::from_i64(0, PRECISION), true);
        for row in 0..rows {
            let mut at_row = Evaluator {
                point: self.point,
                row: Some(row),
                consts: &mut *self.consts,
                memo: FxHashMap::default(),
            };
            match at_row.eval(arg)? {
                Ok(n) => {
                    sum = Number::of(sum.v.add(&n.v, PRECISION, ROUNDING), sum.exact && n.exact)
                }
                Err(()) => return Some(Err(())),
            }
        }
        if func == Func::Mean && rows > 0 {
            let n = BigFloat::from_i64(rows as i64, PRECISION);
            sum = Number::of(sum.v.div(&n, PRECISION, ROUNDING), sum.exact);
        }
        Some(Ok(sum))
    }

    fn call(&mut self, func: Func, args: &[Number]) -> Part {
        let x = args.first()?;
        let cc = &mut *self.consts;
        let (p, rm) = (PRECISION, APPROXIMATE);
        let one = BigFloat::from_i64(1, p);
        let value = match func {
            Func::Sin => x.v.sin(p, rm, cc),
            Func::Cos => x.v.cos(p, rm, cc),
            Func::Tan => x.v.tan(p, rm, cc),
            Func::Asin | Func::Acos => {
                let beyond = Number::of(x.v.abs().sub(&one, p, rm), x.exact);
                if beyond.sign()? > 0 {
                    return Some(Err(()));
                }
                if func == Func::Asin {
                    x.v.asin(p, rm, cc)
                } else {
                    x.v.acos(p, rm, cc)
                }
            }
            Func::Atan => x.v.atan(p, rm, cc),
            Func::Exp | Func::Sinh | Func::Cosh if x.v.exponent()? > LOG_LIMIT => {
                return None;
            }
            Func::Sinh => x.v.sinh(p, rm, cc),
            Func::Cosh => x.v.cosh(p, rm, cc),
            Func::Tanh => x.v.tanh(p, rm, cc),
            Func::Exp => x.v.exp(p, rm, cc),
            Func::Ln | Func::Log2 | Func::Log10 => {
                if x.sign()? <= 0 {
                    return Some(Err(()));
                }
                match func {
                    Func::Ln => x.v.ln(p, rm, cc),
                    Func::Log2 => x.v.log2(p, rm, cc),
                    _ => x.v.log10(p, rm, cc),
                }
            }
            Func::Abs => return Some(Ok(Number::of(x.v.abs(), x.exact))),
            // These depend only on the sign, as the doubles' versions.
            Func::Sign | Func::Step => {
                let s = f64::from(x.sign()?);
                return Some(Ok(Number::of(
                    BigFloat::from_f64(func.apply(&[s]), p),
                    true,
                )));
            }
            Func::Sigmoid => one.div(&one.add(&x.v.neg().exp(p, rm, cc), p, rm), p, rm),
            Func::Min | Func::Max => {
                let y = args.get(1)?;
                let v = if func == Func::Min {
                    x.v.min(&y.v)
                } else {
                    x.v.max(&y.v)
                };
                return Some(Ok(Number::of(v, x.exact && y.exact)));
            }
            Func::Sum | Func::Mean => return None,
        };
        Some(Ok(Number::of(value, false)))
    }
}

/// An exact number, rounded to `PRECISION` bits.
fn number(n: Num, consts: &mut Consts) -> BigFloat {
    match n {
        Num::Rat(p, q) => BigFloat::from_i64(p, PRECISION).div(
            &BigFloat::from_i64(q, PRECISION),
            PRECISION,
            ROUNDING,
        ),
        Num::Float(_) => BigFloat::from_f64(n.to_f64(), PRECISION),
        Num::Big(_) => match n.to_big() {
            Some(r) => {
                let parse = |s: String, cc: &mut Consts| {
                    BigFloat::parse(&s, Radix::Dec, PRECISION, ROUNDING, cc)
                };
                let numer = parse(r.numer().to_string(), consts);
                let denom = parse(r.denom().to_string(), consts);
                numer.div(&denom, PRECISION, ROUNDING)
            }
            None => BigFloat::from_f64(n.to_f64(), PRECISION),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::symbolic::expr::{add, call, mul, pow, sub};
    use crate::symbolic::simplify::expand;

    fn at(e: Expr, x: f64) -> Precise {
        evaluate(e, &[("x".into(), x)], None).expect("no data")
    }

    fn value(p: Precise) -> BigFloat {
        match p {
            Precise::Value(v) => v,
            Precise::Undefined => panic!("undefined"),
        }
    }

    #[test]
    fn an_expansion_agrees_where_doubles_cancel() {
        let x = Expr::var("x");
        let e = pow(sub(x, Expr::num(Num::ratio(203, 25))), Expr::int(6));
        let expanded = expand(e).expect("small");
        let (a, b) = (value(at(e, 8.125)), value(at(expanded, 8.125)));
        assert!(!differ(&a, &b, 1e-10));
    }

    #[test]
    fn overflow_in_doubles_is_a_value_here() {
        let x = Expr::var("x");
        let e = call(Func::Exp, vec![x]);
        assert!(at(e, 1e6).is_defined());
        assert!(!differ(&value(at(e, 1e6)), &value(at(e, 1e6)), 0.0));
    }

    #[test]
    fn the_real_domain() {
        let x = Expr::var("x");
        assert!(!at(call(Func::Ln, vec![x]), 0.0).is_defined());
        assert!(!at(call(Func::Ln, vec![x]), -1.0).is_defined());
        assert!(!at(pow(x, Expr::num(Num::HALF)), -1.0).is_defined());
        assert!(!at(pow(x, Expr::int(-1)), 0.0).is_defined());
        assert!(at(pow(x, Expr::num(Num::HALF)), 0.0).is_defined());
        assert!(!at(call(Func::Asin, vec![mul([Expr::int(2), x])]), 1.0).is_defined());
        // ln(x)*0-like parts make the whole undefined.
        assert!(!at(add([x, call(Func::Ln, vec![x])]), -2.0).is_defined());
    }

    #[test]
    fn a_tiny_difference_is_seen() {
        let a = BigFloat::from_f64(3.0000001, PRECISION);
        let b = BigFloat::from_i64(3, PRECISION);
        assert!(differ(&a, &b, 1e-10));
        assert!(!differ(&a, &b, 1e-6));
    }

    #[test]
    fn extreme_magnitudes_cannot_be_told_and_return_quickly() {
        let x = Expr::var("x");
        let three_halves = Expr::num(Num::ratio(3, 2));
        let tiny = 1e-300;
        // (3/2)^(1/x^2) at a tiny x: 2^(10^600), past any range.
        let huge = pow(three_halves, pow(x, Expr::int(-2)));
        assert!(evaluate(huge, &[("x".into(), tiny)], None).is_none());
        let e = call(Func::Exp, vec![pow(x, Expr::int(-1))]);
        assert!(evaluate(e, &[("x".into(), tiny)], None).is_none());
        // Large but tellable: exp(700) and 10^300 are values.
        assert!(at(call(Func::Exp, vec![x]), 700.0).is_defined());
        assert!(at(pow(Expr::int(10), x), 300.0).is_defined());
        // Undefined stays undefined whatever the size.
        assert!(!at(pow(x, Expr::num(Num::HALF)), -1e300).is_defined());
    }

    #[test]
    fn exact_powers_and_huge_arguments_return() {
        let x = Expr::var("x");
        // Correct rounding of an exact result would loop forever here.
        let square = pow(x, add([Expr::num(Num::ratio(3, 2)), Expr::num(Num::HALF)]));
        assert_eq!(
            value(at(square, 1.5)).to_string(),
            value(at(mul([x, x]), 1.5)).to_string()
        );
        let root = pow(x, Expr::num(Num::HALF));
        assert!(!differ(
            &value(at(root, 2.25)),
            &BigFloat::from_f64(1.5, PRECISION),
            1e-30
        ));
        for f in [
            Func::Sin,
            Func::Cos,
            Func::Tan,
            Func::Atan,
            Func::Tanh,
            Func::Sigmoid,
        ] {
            assert!(evaluate(call(f, vec![x]), &[("x".into(), 1e300)], None).is_some());
        }
    }
}
