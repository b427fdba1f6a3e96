//! An optimizer for one run: a method's rule (`rules`) with its settings,
//! its state buffers, and the number of updates made; `update` runs the
//! rule's lines, the per-step scalars once, then the per-coordinate lines
//! for each coordinate.
//!
//! Notation, as in torch's documentation: `g` is the gradient at the
//! current point, negated first when maximizing (torch's `maximize=True`),
//! `t` the number of the update being made (1 for the first), `lr` the
//! learning rate.
//!
//! Rounding: each line is one operation, in the order torch's CPU kernels
//! use for float64 tensors (`add_(g, alpha=-lr)` is `x + (-lr)*g`,
//! `addcmul_(g, g, value=c)` is `s + c*g*g` left to right, `addcdiv_(a, d,
//! value=c)` is `x + c*a/d` left to right, `lerp_(g, w)` is `m + w*(g - m)`
//! for `w < 0.5`, and Python's `**` on floats is `powf`). Torch's vectorized
//! kernels may fuse a multiply and an add, so a bit or two may differ; the
//! contract is 1e-9 relative.
//!
//! Invariant: the state is allocated once, in `Optimizer::new`; `update`
//! allocates nothing.

use super::Culprit;
use super::Sense;
use super::method::Method;
use super::newton::{Hessian, Newton};
use super::rules::{Direction, Formula, Line, MAX_REGISTERS, Operand, Rule, Target};

/// A method with its state, for one run.
pub(super) struct Optimizer<'a> {
    rule: &'static Rule,
    /// The method's settings, in positional order.
    settings: Vec<f64>,
    /// -1 when maximizing (torch negates the gradient first), else 1;
    /// multiplying by it is exact.
    sign: f64,
    /// Updates made so far: torch's `state['step']` before this update.
    t: u64,
    /// State buffer k of coordinate i at `k * n + i`.
    state: Vec<f64>,
    /// This step's scalars.
    scalars: [f64; MAX_REGISTERS],
    newton: Option<Newton<'a>>,
}

/// What a per-coordinate line reads besides the scalars and settings.
struct Coordinate<'s> {
    g: f64,
    newton: f64,
    temps: [f64; MAX_REGISTERS],
    /// The state buffers, and this coordinate's index and their length.
    state: &'s mut [f64],
    i: usize,
    n: usize,
}

impl<'a> Optimizer<'a> {
    /// `hessian` (n*n outputs, row-major) is used by Newton's method only.
    ///
    /// # Panics
    /// When the method needs a Hessian and `hessian` is `None`.
    pub(super) fn new(
        method: &Method,
        sense: Sense,
        n_params: usize,
        hessian: Option<Hessian<'a>>,
    ) -> Optimizer<'a> {
        let rule = method.rule();
        let settings = method.values();
        let sign = match sense {
            Sense::Minimize => 1.0,
            Sense::Maximize => -1.0,
        };
        let mut state = Vec::with_capacity(rule.state.len() * n_params);
        for buffer in rule.state {
            let init = constant(buffer.init, &settings);
            state.extend(std::iter::repeat_n(init, n_params));
        }
        let newton = match (rule.direction, hessian) {
            (Direction::Newton, Some(hessian)) => Some(Newton::new(hessian, n_params)),
            (Direction::Newton, None) => panic!("newton needs the Hessian"),
            (Direction::Gradient, _) => None,
        };
        Optimizer {
            rule,
            settings,
            sign,
            t: 0,
            state,
            scalars: [0.0; MAX_REGISTERS],
            newton,
        }
    }

    /// The rows of the minibatch the next update's gradient comes from, so
    /// that Newton's Hessian is taken on the same rows.
    pub(super) fn use_rows(&mut self, rows: &[u32]) {
        if let Some(newton) = &mut self.newton {
            newton.use_rows(rows);
        }
    }

    /// One update of `x` from the gradient at `x` (the function's own, also
    /// when maximizing). On error `x` is unchanged and the culprit says why.
    #[inline]
    pub(super) fn update(
        &mut self,
        x: &mut [f64],
        grad: &[f64],
        lr: f64,
    ) -> Result<(), (Culprit, f64)> {
        self.t += 1;
        let step = self.t as f64;
        for line in self.rule.per_step {
            let value = self.per_step_value(line.formula, lr, step);
            if let Target::Scalar(k) = line.target {
                self.scalars[k] = value;
            }
        }
        if let Some(newton) = &mut self.newton {
            newton.solve_at(x, grad)?;
        }
        let n = x.len();
        for i in 0..n {
            let mut at = Coordinate {
                g: self.sign * grad[i],
                newton: self.newton.as_ref().map_or(0.0, |d| d.direction[i]),
                temps: [0.0; MAX_REGISTERS],
                state: &mut self.state,
                i,
                n,
            };
            for line in self.rule.per_coordinate {
                let value = coordinate_value(line, &at, &self.scalars, &self.settings, lr, step);
                match line.target {
                    Target::Temp(k) => at.temps[k] = value,
                    Target::State(k) => at.state[k * n + i] = value,
                    Target::AddToX => x[i] += value,
                    // Scalars are written by the per-step lines only.
                    Target::Scalar(_) => {}
                }
            }
        }
        Ok(())
    }

    /// A per-step line's value: it reads scalars, settings, lr and t.
    fn per_step_value(&self, formula: Formula, lr: f64, step: f64) -> f64 {
        let read = |operand: Operand| match operand {
            Operand::Lr => lr,
            Operand::Step => step,
            Operand::Setting(k) => self.settings[k],
            Operand::Scalar(k) => self.scalars[k],
            Operand::Const(c) => c,
            // Coordinates are read by per-coordinate lines only.
            Operand::Grad | Operand::Newton | Operand::State(_) | Operand::Temp(_) => f64::NAN,
        };
        apply(formula, read, self.t == 1)
    }
}

/// A per-coordinate line's value.
#[inline]
fn coordinate_value(
    line: &Line,
    at: &Coordinate<'_>,
    scalars: &[f64; MAX_REGISTERS],
    settings: &[f64],
    lr: f64,
    step: f64,
) -> f64 {
    let read = |operand: Operand| match operand {
        Operand::Grad => at.g,
        Operand::Newton => at.newton,
        Operand::Lr => lr,
        Operand::Step => step,
        Operand::Setting(k) => settings[k],
        Operand::State(k) => at.state[k * at.n + at.i],
        Operand::Scalar(k) => scalars[k],
        Operand::Temp(k) => at.temps[k],
        Operand::Const(c) => c,
    };
    apply(line.formula, read, step == 1.0)
}

/// One operation of a formula on the operands `read` gives.
#[inline]
fn apply(formula: Formula, read: impl Fn(Operand) -> f64, first_step: bool) -> f64 {
    match formula {
        Formula::Neg(a) => -read(a),
        Formula::Sqrt(a) => read(a).sqrt(),
        Formula::Add(a, b) => read(a) + read(b),
        Formula::Sub(a, b) => read(a) - read(b),
        Formula::Mul(a, b) => read(a) * read(b),
        Formula::Div(a, b) => read(a) / read(b),
        Formula::Pow(a, b) => read(a).powf(read(b)),
        Formula::Lerp(a, b, w) => lerp(read(a), read(b), read(w)),
        Formula::FirstStep(a, b) => {
            if first_step {
                read(a)
            } else {
                read(b)
            }
        }
    }
}

/// The value of a state buffer's initial operand: a constant or a setting.
fn constant(operand: Operand, settings: &[f64]) -> f64 {
    match operand {
        Operand::Const(c) => c,
        Operand::Setting(k) => settings[k],
        _ => f64::NAN,
    }
}

/// torch's `lerp(a, b, w)`: `a + w*(b - a)` for small weights, else
/// `b - (b - a)*(1 - w)` (exact at both ends).
fn lerp(a: f64, b: f64, w: f64) -> f64 {
    if w.abs() < 0.5 {
        a + w * (b - a)
    } else {
        b - (b - a) * (1.0 - w)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::descent::rules::RULES;

    #[test]
    fn lerp_is_exact_at_both_ends() {
        assert_eq!(lerp(1.0, 3.0, 0.25), 1.5);
        assert_eq!(lerp(1.0, 3.0, 0.75), 2.5);
        assert_eq!(lerp(1.0, 3.0, 1.0), 3.0);
    }

    /// Per-step lines read no coordinate and write scalars; per-coordinate
    /// lines write no scalar; every register is in range and written
    /// before it is read; each rule steps x exactly once.
    #[test]
    fn every_rule_is_well_formed() {
        for rule in RULES {
            let mut scalars = 0;
            for line in rule.per_step {
                let Target::Scalar(k) = line.target else {
                    panic!("{}: a per-step line writes {:?}", rule.name, line.target);
                };
                for operand in operands(line.formula) {
                    assert!(
                        match operand {
                            Operand::Scalar(j) => j < scalars,
                            Operand::Setting(j) => j < rule.settings.len(),
                            Operand::Lr | Operand::Step | Operand::Const(_) => true,
                            _ => false,
                        },
                        "{}: per-step line {k} reads {operand:?}",
                        rule.name
                    );
                }
                assert_eq!(k, scalars, "{}: scalars in order", rule.name);
                scalars += 1;
            }
            let mut temps = [false; MAX_REGISTERS];
            let mut steps_x = 0;
            for line in rule.per_coordinate {
                for operand in operands(line.formula) {
                    let ok = match operand {
                        Operand::Temp(j) => temps[j],
                        Operand::Scalar(j) => j < scalars,
                        Operand::State(j) => j < rule.state.len(),
                        Operand::Setting(j) => j < rule.settings.len(),
                        Operand::Newton => rule.direction == Direction::Newton,
                        _ => true,
                    };
                    assert!(ok, "{}: a line reads {operand:?}", rule.name);
                }
                match line.target {
                    Target::Temp(j) => temps[j] = true,
                    Target::State(j) => assert!(j < rule.state.len()),
                    Target::AddToX => steps_x += 1,
                    Target::Scalar(_) => panic!("{}: a coordinate writes a scalar", rule.name),
                }
            }
            assert_eq!(steps_x, 1, "{}: x is stepped once", rule.name);
        }
    }

    fn operands(formula: Formula) -> Vec<Operand> {
        match formula {
            Formula::Neg(a) | Formula::Sqrt(a) => vec![a],
            Formula::Add(a, b)
            | Formula::Sub(a, b)
            | Formula::Mul(a, b)
            | Formula::Div(a, b)
            | Formula::Pow(a, b)
            | Formula::FirstStep(a, b) => vec![a, b],
            Formula::Lerp(a, b, w) => vec![a, b, w],
        }
    }
}
