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
use super::newton::Newton;
use super::objective::Slopes;
#[cfg(test)]
use super::rules::MAX_LINES;
use super::rules::{self, Direction, Formula, MAX_REGISTERS, Operand, Rule, Target};
use crate::compile::powf;

/// A method with its state, for one run.
pub(super) struct Optimizer {
    /// `run_lines` specialised to `rule` (see `Specialised`).
    lines: LinesFn,
    /// The method's settings, in positional order.
    settings: Vec<f64>,
    /// -1 when maximizing (torch negates the gradient first), else 1;
    /// multiplying by it is exact.
    sign: f64,
    /// Updates made so far: torch's `state['step']` before this update.
    t: u64,
    /// State buffer k of coordinate i at `k * n + i`.
    state: Vec<f64>,
    newton: Option<Newton>,
}

impl Optimizer {
    pub(super) fn new(method: &Method, sense: Sense, n_params: usize) -> Optimizer {
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
        let newton = match rule.direction {
            Direction::Newton => Some(Newton::new(n_params)),
            Direction::Gradient => None,
        };
        Optimizer {
            lines: specialised(method),
            settings,
            sign,
            t: 0,
            state,
            newton,
        }
    }

    /// One update of `x` from the slopes at `x` (the function's own, also
    /// when maximizing). On error `x` is unchanged and the culprit says why.
    #[inline]
    pub(super) fn update(
        &mut self,
        x: &mut [f64],
        slopes: &Slopes<'_>,
        lr: f64,
    ) -> Result<(), (Culprit, f64)> {
        self.t += 1;
        if let Some(newton) = &mut self.newton {
            newton.solve_for(slopes.hessian, slopes.grad, slopes.batch)?;
        }
        (self.lines)(self, x, slopes.grad, lr);
        Ok(())
    }
}

impl Optimizer {
    /// The settings, in positional order.
    pub(super) fn settings(&self) -> &[f64] {
        &self.settings
    }

    /// -1 when maximizing, else 1.
    pub(super) fn sign(&self) -> f64 {
        self.sign
    }

    /// The state buffers (buffer k of coordinate i at `k * n + i`).
    pub(super) fn state(&self) -> &[f64] {
        &self.state
    }

    /// The state buffers, for compiled code that updates them in place.
    pub(super) fn state_mut(&mut self) -> &mut [f64] {
        &mut self.state
    }

    /// Records that `updates` updates have been made (by compiled code).
    pub(super) fn set_updates(&mut self, updates: u64) {
        self.t = updates;
    }
}

/// `run_lines` for one rule.
type LinesFn = fn(&mut Optimizer, &mut [f64], &[f64], f64);

/// A rule known at compile time: `run_lines::<R>` loops over constant
/// lines, so the compiler unrolls the loops and folds each line's `match`
/// away, and the table runs as fast as the update written by hand.
trait Specialised {
    const RULE: &'static Rule;
}

macro_rules! specialised {
    ($($kind:ident = $rule:path),* $(,)?) => {
        $(
            struct $kind;
            impl Specialised for $kind {
                const RULE: &'static Rule = &$rule;
            }
        )*
    };
}

specialised! {
    Gd = rules::GD,
    Momentum = rules::MOMENTUM,
    Nesterov = rules::NESTEROV,
    Adagrad = rules::ADAGRAD,
    Rmsprop = rules::RMSPROP,
    Adam = rules::ADAM,
    NewtonStep = rules::NEWTON,
}

/// `run_lines` specialised to the method's rule (`Method::rule`'s).
fn specialised(method: &Method) -> LinesFn {
    match method {
        Method::Gd => run_lines::<Gd>,
        Method::Momentum { .. } => run_lines::<Momentum>,
        Method::Nesterov { .. } => run_lines::<Nesterov>,
        Method::Adagrad { .. } => run_lines::<Adagrad>,
        Method::Rmsprop { .. } => run_lines::<Rmsprop>,
        Method::Adam { .. } => run_lines::<Adam>,
        Method::Newton => run_lines::<NewtonStep>,
    }
}

/// `$body` once for each index `$k` from 0 to `MAX_LINES - 1`, as
/// literals: with the rule a constant, each copy reads one constant line
/// and folds to its one operation (a loop would not be unrolled so far).
macro_rules! each_line {
    ($k:ident => $body:block) => {
        each_line!(@ $k $body 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15)
    };
    (@ $k:ident $body:block $($index:literal)*) => {
        $({
            let $k: usize = $index;
            $body
        })*
    };
}

/// The rule's per-step lines, then its per-coordinate lines for each
/// coordinate, updating `x` and the state; Newton's direction is ready.
// The last line of a rule may write a temporary no line reads.
#[allow(unused_assignments)]
#[inline(always)]
fn run_lines<R: Specialised>(opt: &mut Optimizer, x: &mut [f64], grad: &[f64], lr: f64) {
    let rule = R::RULE;
    let step = opt.t as f64;
    let first_step = opt.t == 1;
    let mut scalars = [0.0; MAX_REGISTERS];
    each_line!(k => {
        if k < rule.per_step.len() {
            let line = rule.per_step[k];
            let read = |operand: Operand| match operand {
                Operand::Lr => lr,
                Operand::Step => step,
                Operand::Setting(j) => opt.settings[j],
                Operand::Scalar(j) => scalars[j],
                Operand::Const(c) => c,
                // Coordinates are read by per-coordinate lines only.
                Operand::Grad | Operand::Newton | Operand::State(_) | Operand::Temp(_) => f64::NAN,
            };
            let value = apply(line.formula, read, first_step);
            if let Target::Scalar(j) = line.target {
                scalars[j] = value;
            }
        }
    });
    let n = x.len();
    let newton = opt.newton.as_ref().map(|d| &d.direction[..]);
    for i in 0..n {
        let g = opt.sign * grad[i];
        let direction = newton.map_or(0.0, |d| d[i]);
        let mut temps = [0.0; MAX_REGISTERS];
        each_line!(k => {
            if k < rule.per_coordinate.len() {
                let line = rule.per_coordinate[k];
                let read = |operand: Operand| match operand {
                    Operand::Grad => g,
                    Operand::Newton => direction,
                    Operand::Lr => lr,
                    Operand::Step => step,
                    Operand::Setting(j) => opt.settings[j],
                    Operand::State(j) => opt.state[j * n + i],
                    Operand::Scalar(j) => scalars[j],
                    Operand::Temp(j) => temps[j],
                    Operand::Const(c) => c,
                };
                let value = apply(line.formula, read, first_step);
                match line.target {
                    Target::Temp(j) => temps[j] = value,
                    Target::State(j) => opt.state[j * n + i] = value,
                    Target::AddToX => x[i] += value,
                    // Scalars are written by the per-step lines only.
                    Target::Scalar(_) => {}
                }
            }
        });
    }
}

/// One operation of a formula on the operands `read` gives.
#[inline(always)]
pub(super) fn apply(formula: Formula, read: impl Fn(Operand) -> f64, first_step: bool) -> f64 {
    match formula {
        Formula::Neg(a) => -read(a),
        Formula::Sqrt(a) => read(a).sqrt(),
        Formula::Add(a, b) => read(a) + read(b),
        Formula::Sub(a, b) => read(a) - read(b),
        Formula::Mul(a, b) => read(a) * read(b),
        Formula::Div(a, b) => read(a) / read(b),
        Formula::Pow(a, b) => powf(read(a), read(b)),
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
pub(super) fn lerp(a: f64, b: f64, w: f64) -> f64 {
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
    fn every_line_is_unrolled() {
        let mut copies = 0;
        each_line!(k => {
            assert_eq!(k, copies);
            copies += 1;
        });
        assert_eq!(copies, MAX_LINES);
    }

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
            assert!(rule.per_step.len() <= MAX_LINES && rule.per_coordinate.len() <= MAX_LINES);
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
