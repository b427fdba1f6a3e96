//! The optimizers of `using METHOD`, with PyTorch's names, defaults and
//! update rules, so that a run matches `torch.optim` step for step (to the
//! last few bits: see "Rounding" below), and Newton's method on the symbolic
//! Hessian.
//!
//! Invariant: an `Optimizer` allocates its state (flat arrays n or n*n long)
//! once, in `Optimizer::new`; `Optimizer::update` allocates nothing.
//!
//! Notation, as in torch's documentation: `g` is the gradient at the current
//! point, negated first when maximizing (torch's `maximize=True`), `t` the
//! number of the update being made (1 for the first), `lr` the learning
//! rate; every operation is elementwise. Each rule is written out on its
//! `Method` variant.
//!
//! Rounding: each formula is computed in the order torch's CPU kernels use
//! for float64 tensors (`add_(g, alpha=-lr)` is `x + (-lr)*g`, `addcmul_(g,
//! g, value=c)` is `s + c*g*g` left to right, `addcdiv_(a, d, value=c)` is
//! `x + c*a/d` left to right, `lerp_(g, w)` is `m + w*(g - m)` for `w < 0.5`,
//! and Python's `**` on floats is `powf`). Torch's vectorized kernels may
//! fuse a multiply and an add, so a bit or two may differ; the contract is
//! 1e-9 relative.

use super::Culprit;
use crate::compile::{DataProgram, DataWork, Tape, Workspace};
use crate::syntax::Sense;
use crate::text::format_number;

/// The update rule with its hyper-parameters (the learning rate is in
/// `Config`). Defaults are torch's; `Method::from_spec` builds one from
/// `using NAME(args)`.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Method {
    /// `gd`, torch's `SGD(lr)`: `x = x - lr*g`.
    #[default]
    Gd,
    /// `momentum(momentum = 0.9)`, torch's `SGD(lr, momentum, dampening=0)`:
    /// `b = g` at t = 1, else `b = momentum*b + g`; then `x = x - lr*b`.
    Momentum { momentum: f64 },
    /// `nesterov(momentum = 0.9)`, torch's `SGD(lr, momentum, nesterov=True)`:
    /// the same buffer `b`, and `x = x - lr*(g + momentum*b)`.
    Nesterov { momentum: f64 },
    /// `adagrad(lr_decay = 0, initial_accumulator_value = 0, eps = 1e-10)`,
    /// torch's `Adagrad` (weight_decay 0): `clr = lr / (1 + (t-1)*lr_decay)`,
    /// `s = s + g*g` (s starts at `initial_accumulator_value`),
    /// `x = x - clr*g / (sqrt(s) + eps)`.
    Adagrad {
        lr_decay: f64,
        initial_accumulator_value: f64,
        eps: f64,
    },
    /// `rmsprop(alpha = 0.99, eps = 1e-8)`, torch's `RMSprop` (not centered,
    /// no momentum, weight_decay 0): `v = alpha*v + (1-alpha)*g*g` (v starts
    /// at 0), `x = x - lr*g / (sqrt(v) + eps)`.
    Rmsprop { alpha: f64, eps: f64 },
    /// `adam(beta1 = 0.9, beta2 = 0.999, eps = 1e-8)`, torch's `Adam`
    /// (amsgrad off, weight_decay 0), m and v starting at 0:
    /// `m = m + (1-beta1)*(g - m)` (torch's `lerp_`, which is
    /// `beta1*m + (1-beta1)*g`), `v = beta2*v + (1-beta2)*g*g`,
    /// `step_size = lr / (1 - beta1^t)`,
    /// `denom = sqrt(v) / (1 - beta2^t)^0.5 + eps`,
    /// `x = x - step_size*m / denom`.
    Adam { beta1: f64, beta2: f64, eps: f64 },
    /// `newton` (not in torch): `x = x - lr * H^-1 g`, with the Hessian H at
    /// x from its own tape, solved by Gaussian elimination with partial
    /// pivoting (so indefinite Hessians work too: Newton heads for the
    /// nearest stationary point, whatever its kind). Maximizing is
    /// minimizing -f, whose gradient and Hessian are both negated, so the
    /// step is the same. A Hessian that is not finite, or singular (a pivot
    /// at most n * f64::EPSILON times its largest entry), stops the run.
    Newton,
}

/// The method names `using` accepts, in the documented order.
pub const METHOD_NAMES: [&str; 7] = [
    "gd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "newton",
];

impl Method {
    /// The name used by `using METHOD` and in the JSON output.
    pub fn name(&self) -> &'static str {
        self.spec().name
    }

    /// Builds a method from `using NAME(args)`: positional arguments in the
    /// order of `settings()`, then named ones (`adam(0.8, eps=1e-6)`);
    /// omitted ones take torch's defaults. Errors are plain words.
    pub fn from_spec(name: &str, args: &[(Option<&str>, f64)]) -> Result<Method, String> {
        let spec = SPECS
            .iter()
            .find(|s| s.name == name)
            .ok_or_else(|| unknown_method(name))?;
        let mut given: Vec<Option<f64>> = vec![None; spec.settings.len()];
        let mut named_seen = false;
        for (position, (arg_name, value)) in args.iter().enumerate() {
            let index = match arg_name {
                Some(arg_name) => {
                    named_seen = true;
                    spec.index_of(arg_name)?
                }
                None if named_seen => {
                    return Err(format!(
                        "in {}(...), an argument without a name cannot follow a named one",
                        spec.name
                    ));
                }
                None if position >= spec.settings.len() => {
                    return Err(spec.too_many(args.len()));
                }
                None => position,
            };
            if given[index].is_some() {
                let setting = spec.settings[index].name;
                return Err(format!("{setting} is given twice in {}(...)", spec.name));
            }
            given[index] = Some(*value);
        }
        let values = spec
            .settings
            .iter()
            .zip(given)
            .map(|(setting, value)| setting.check(value.unwrap_or(setting.default)))
            .collect::<Result<Vec<f64>, String>>()?;
        Ok((spec.build)(&values))
    }

    /// The hyper-parameters, in the order `from_spec` takes them
    /// positionally (adam: beta1, beta2, eps); gd and newton have none.
    pub fn settings(&self) -> Vec<(&'static str, f64)> {
        let values = match *self {
            Method::Gd | Method::Newton => vec![],
            Method::Momentum { momentum } | Method::Nesterov { momentum } => vec![momentum],
            Method::Adagrad {
                lr_decay,
                initial_accumulator_value,
                eps,
            } => vec![lr_decay, initial_accumulator_value, eps],
            Method::Rmsprop { alpha, eps } => vec![alpha, eps],
            Method::Adam { beta1, beta2, eps } => vec![beta1, beta2, eps],
        };
        let names = self.spec().settings.iter().map(|s| s.name);
        names.zip(values).collect()
    }

    /// Whether `descent::run` needs the Hessian tape for this method.
    pub fn needs_hessian(&self) -> bool {
        matches!(self, Method::Newton)
    }

    fn spec(&self) -> &'static Spec {
        match self {
            Method::Gd => &GD,
            Method::Momentum { .. } => &MOMENTUM,
            Method::Nesterov { .. } => &NESTEROV,
            Method::Adagrad { .. } => &ADAGRAD,
            Method::Rmsprop { .. } => &RMSPROP,
            Method::Adam { .. } => &ADAM,
            Method::Newton => &NEWTON,
        }
    }
}

// ---------------------------------------------------------------- specs

/// What `using NAME(...)` accepts for one method.
struct Spec {
    name: &'static str,
    /// In positional order.
    settings: &'static [Setting],
    /// Makes the method from one checked value per setting, in order.
    build: fn(&[f64]) -> Method,
}

/// One hyper-parameter: its name, torch's default, and what it may be.
struct Setting {
    name: &'static str,
    default: f64,
    range: Range,
}

#[derive(Copy, Clone, Debug)]
enum Range {
    /// `0 <= v < 1`: momentum, alpha, the betas.
    Fraction,
    /// `0 < v < 1`: nesterov needs a momentum (torch refuses 0).
    PositiveFraction,
    /// Finite and `v > 0`: eps.
    Positive,
    /// Finite and `v >= 0`: adagrad's lr_decay and initial accumulator.
    NonNegative,
}

const fn setting(name: &'static str, default: f64, range: Range) -> Setting {
    Setting {
        name,
        default,
        range,
    }
}

const GD: Spec = Spec {
    name: "gd",
    settings: &[],
    build: |_| Method::Gd,
};
const MOMENTUM: Spec = Spec {
    name: "momentum",
    settings: &[setting("momentum", 0.9, Range::Fraction)],
    build: |v| Method::Momentum { momentum: v[0] },
};
const NESTEROV: Spec = Spec {
    name: "nesterov",
    settings: &[setting("momentum", 0.9, Range::PositiveFraction)],
    build: |v| Method::Nesterov { momentum: v[0] },
};
const ADAGRAD: Spec = Spec {
    name: "adagrad",
    settings: &[
        setting("lr_decay", 0.0, Range::NonNegative),
        setting("initial_accumulator_value", 0.0, Range::NonNegative),
        setting("eps", 1e-10, Range::Positive),
    ],
    build: |v| Method::Adagrad {
        lr_decay: v[0],
        initial_accumulator_value: v[1],
        eps: v[2],
    },
};
const RMSPROP: Spec = Spec {
    name: "rmsprop",
    settings: &[
        setting("alpha", 0.99, Range::Fraction),
        setting("eps", 1e-8, Range::Positive),
    ],
    build: |v| Method::Rmsprop {
        alpha: v[0],
        eps: v[1],
    },
};
const ADAM: Spec = Spec {
    name: "adam",
    settings: &[
        setting("beta1", 0.9, Range::Fraction),
        setting("beta2", 0.999, Range::Fraction),
        setting("eps", 1e-8, Range::Positive),
    ],
    build: |v| Method::Adam {
        beta1: v[0],
        beta2: v[1],
        eps: v[2],
    },
};
const NEWTON: Spec = Spec {
    name: "newton",
    settings: &[],
    build: |_| Method::Newton,
};

/// The settings `using NAME(...)` takes, in positional order (for
/// completion); `None` for an unknown name.
pub fn setting_names(method: &str) -> Option<Vec<&'static str>> {
    let spec = SPECS.iter().find(|s| s.name == method)?;
    Some(spec.settings.iter().map(|s| s.name).collect())
}

/// Every method, in the order of `METHOD_NAMES`.
const SPECS: [&Spec; 7] = [
    &GD, &MOMENTUM, &NESTEROV, &ADAGRAD, &RMSPROP, &ADAM, &NEWTON,
];

impl Spec {
    fn setting_names(&self) -> String {
        let names: Vec<&str> = self.settings.iter().map(|s| s.name).collect();
        names.join(", ")
    }

    fn index_of(&self, arg_name: &str) -> Result<usize, String> {
        if let Some(i) = self.settings.iter().position(|s| s.name == arg_name) {
            return Ok(i);
        }
        if self.settings.is_empty() {
            return Err(format!("{} takes no arguments", self.name));
        }
        let names = self.settings.iter().map(|s| s.name);
        let hint = match crate::suggest::closest(arg_name, names) {
            Some(close) => format!(": did you mean '{close}'?"),
            None => String::new(),
        };
        Err(format!(
            "{} has no argument '{arg_name}'{hint} (its arguments are {})",
            self.name,
            self.setting_names()
        ))
    }

    fn too_many(&self, given: usize) -> String {
        match self.settings.len() {
            0 => format!("{} takes no arguments", self.name),
            1 => format!(
                "{} takes at most 1 argument ({}), not {given}",
                self.name,
                self.setting_names()
            ),
            most => format!(
                "{} takes at most {most} arguments ({}), not {given}",
                self.name,
                self.setting_names()
            ),
        }
    }
}

impl Setting {
    /// The value, when it is in range.
    fn check(&self, v: f64) -> Result<f64, String> {
        let (ok, wanted) = match self.range {
            Range::Fraction => ((0.0..1.0).contains(&v), "at least 0 and less than 1"),
            Range::PositiveFraction => (v > 0.0 && v < 1.0, "greater than 0 and less than 1"),
            Range::Positive => (v > 0.0 && v.is_finite(), "positive and finite"),
            Range::NonNegative => (v >= 0.0 && v.is_finite(), "at least 0 and finite"),
        };
        if ok {
            return Ok(v);
        }
        Err(format!(
            "{} must be {wanted}, not {}",
            self.name,
            format_number(v)
        ))
    }
}

fn unknown_method(name: &str) -> String {
    let all = METHOD_NAMES.join(", ");
    match crate::suggest::closest(name, METHOD_NAMES.into_iter()) {
        Some(close) => {
            format!("unknown method '{name}': did you mean '{close}'? (the methods are {all})")
        }
        None => format!("unknown method '{name}' (the methods are {all})"),
    }
}

// ---------------------------------------------------------------- updates

/// A method with its state, for one run.
pub(super) struct Optimizer<'a> {
    method: Method,
    /// -1 when maximizing (torch negates the gradient first), else 1;
    /// multiplying by it is exact.
    sign: f64,
    /// Updates made so far: torch's `state['step']` before this update.
    t: u64,
    /// The momentum buffer, adagrad's sum, rmsprop's square average, or
    /// adam's first moment: n long.
    first: Vec<f64>,
    /// Adam's second moment: n long (empty for the others).
    second: Vec<f64>,
    newton: Option<Newton<'a>>,
}

/// Where Newton's method gets the Hessian: a tape of its n*n entries, or
/// a program over data (evaluated on the rows of the current minibatch).
#[derive(Copy, Clone, Debug)]
pub enum Hessian<'a> {
    Tape(&'a Tape),
    Rows(&'a DataProgram),
}

/// A Hessian source with its registers.
enum HessianEval<'a> {
    Tape(&'a Tape, Workspace),
    Rows(&'a DataProgram, DataWork),
}

/// Newton's method's tape and scratch space.
struct Newton<'a> {
    source: HessianEval<'a>,
    /// The rows of the current minibatch (see `Optimizer::use_rows`).
    rows: Vec<u32>,
    batched: bool,
    /// The Hessian at x, row-major, then its elimination in place.
    matrix: Vec<f64>,
    /// The gradient, then the Newton direction `H^-1 g`.
    direction: Vec<f64>,
}

impl<'a> Optimizer<'a> {
    /// `hessian` (n*n outputs, row-major) is used by Newton's method only.
    ///
    /// # Panics
    /// When the method is Newton's and `hessian` is `None`.
    pub(super) fn new(
        method: &Method,
        sense: Sense,
        n_params: usize,
        hessian: Option<Hessian<'a>>,
    ) -> Optimizer<'a> {
        let sign = match sense {
            Sense::Minimize => 1.0,
            Sense::Maximize => -1.0,
        };
        let first = match *method {
            Method::Gd | Method::Newton => vec![],
            Method::Adagrad {
                initial_accumulator_value,
                ..
            } => vec![initial_accumulator_value; n_params],
            _ => vec![0.0; n_params],
        };
        let second = match method {
            Method::Adam { .. } => vec![0.0; n_params],
            _ => vec![],
        };
        let newton = match (method, hessian) {
            (Method::Newton, Some(hessian)) => Some(Newton {
                source: match hessian {
                    Hessian::Tape(tape) => HessianEval::Tape(tape, tape.workspace()),
                    Hessian::Rows(program) => HessianEval::Rows(program, program.workspace()),
                },
                rows: Vec::new(),
                batched: false,
                matrix: vec![0.0; n_params * n_params],
                direction: vec![0.0; n_params],
            }),
            (Method::Newton, None) => panic!("newton needs the Hessian tape"),
            _ => None,
        };
        Optimizer {
            method: method.clone(),
            sign,
            t: 0,
            first,
            second,
            newton,
        }
    }

    /// The rows of the minibatch the next update's gradient comes from, so
    /// that Newton's Hessian is taken on the same rows.
    pub(super) fn use_rows(&mut self, rows: &[u32]) {
        if let Some(newton) = &mut self.newton {
            newton.rows.clear();
            newton.rows.extend_from_slice(rows);
            newton.batched = true;
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
        let sign = self.sign;
        let t = self.t + 1;
        self.t = t;
        match self.method {
            Method::Gd => {
                for (xi, gi) in x.iter_mut().zip(grad) {
                    *xi += -lr * (sign * gi);
                }
            }
            Method::Momentum { momentum } => {
                let buffers = x.iter_mut().zip(grad).zip(&mut self.first);
                for ((xi, gi), b) in buffers {
                    let g = sign * gi;
                    *b = if t == 1 { g } else { *b * momentum + g };
                    *xi += -lr * *b;
                }
            }
            Method::Nesterov { momentum } => {
                let buffers = x.iter_mut().zip(grad).zip(&mut self.first);
                for ((xi, gi), b) in buffers {
                    let g = sign * gi;
                    *b = if t == 1 { g } else { *b * momentum + g };
                    *xi += -lr * (g + momentum * *b);
                }
            }
            Method::Adagrad { lr_decay, eps, .. } => {
                let step = t as f64;
                let clr = lr / (1.0 + (step - 1.0) * lr_decay);
                for ((xi, gi), s) in x.iter_mut().zip(grad).zip(&mut self.first) {
                    let g = sign * gi;
                    *s += g * g;
                    let std = s.sqrt() + eps;
                    *xi += -clr * g / std;
                }
            }
            Method::Rmsprop { alpha, eps } => {
                for ((xi, gi), v) in x.iter_mut().zip(grad).zip(&mut self.first) {
                    let g = sign * gi;
                    *v = *v * alpha + (1.0 - alpha) * g * g;
                    let avg = v.sqrt() + eps;
                    *xi += -lr * g / avg;
                }
            }
            Method::Adam { beta1, beta2, eps } => {
                let step = t as f64;
                let step_size = lr / (1.0 - beta1.powf(step));
                let bias_correction2_sqrt = (1.0 - beta2.powf(step)).powf(0.5);
                let moments = self.first.iter_mut().zip(&mut self.second);
                for ((xi, gi), (m, v)) in x.iter_mut().zip(grad).zip(moments) {
                    let g = sign * gi;
                    *m = lerp(*m, g, 1.0 - beta1);
                    *v = *v * beta2 + (1.0 - beta2) * g * g;
                    let denom = v.sqrt() / bias_correction2_sqrt + eps;
                    *xi += -step_size * *m / denom;
                }
            }
            Method::Newton => {
                if let Some(newton) = &mut self.newton {
                    newton.update(x, grad, lr)?;
                }
            }
        }
        Ok(())
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

impl Newton<'_> {
    /// `x = x - lr * H^-1 g`, leaving `x` alone when H is not finite or is
    /// singular.
    fn update(&mut self, x: &mut [f64], grad: &[f64], lr: f64) -> Result<(), (Culprit, f64)> {
        let n = x.len();
        match &mut self.source {
            HessianEval::Tape(tape, work) => tape.eval(x, work, &mut self.matrix),
            HessianEval::Rows(program, work) => {
                let rows = self.batched.then_some(self.rows.as_slice());
                program.eval(x, rows, work, &mut self.matrix);
            }
        }
        if let Some(k) = self.matrix.iter().position(|h| !h.is_finite()) {
            return Err((Culprit::Hessian(k / n, k % n), self.matrix[k]));
        }
        self.direction.copy_from_slice(grad);
        let culprit = match self.batched {
            true => Culprit::SingularBatchHessian(self.rows.len()),
            false => Culprit::SingularHessian,
        };
        solve(&mut self.matrix, &mut self.direction).map_err(|pivot| (culprit, pivot))?;
        for (xi, di) in x.iter_mut().zip(&self.direction) {
            *xi += -lr * di;
        }
        Ok(())
    }
}

/// Solves `a d = b` for a square `a` (row-major, n*n, finite), by Gaussian
/// elimination with partial pivoting, overwriting `a` and leaving `d` in
/// `b`. Errors with the offending pivot when `a` is singular to working
/// precision: a pivot at most `n * f64::EPSILON` times the largest entry of
/// `a` (so the zero matrix, and any 1x1 zero, is singular).
pub(super) fn solve(a: &mut [f64], b: &mut [f64]) -> Result<(), f64> {
    let n = b.len();
    debug_assert_eq!(a.len(), n * n);
    let largest = a.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    let negligible = largest * n as f64 * f64::EPSILON;
    for col in 0..n {
        let mut pivot_row = col;
        for row in col + 1..n {
            if a[row * n + col].abs() > a[pivot_row * n + col].abs() {
                pivot_row = row;
            }
        }
        let pivot = a[pivot_row * n + col];
        if pivot.abs() <= negligible {
            return Err(pivot);
        }
        if pivot_row != col {
            for k in col..n {
                a.swap(col * n + k, pivot_row * n + k);
            }
            b.swap(col, pivot_row);
        }
        for row in col + 1..n {
            let factor = a[row * n + col] / pivot;
            for k in col + 1..n {
                a[row * n + k] -= factor * a[col * n + k];
            }
            b[row] -= factor * b[col];
        }
    }
    for col in (0..n).rev() {
        let mut sum = b[col];
        for k in col + 1..n {
            sum -= a[col * n + k] * b[k];
        }
        b[col] = sum / a[col * n + col];
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(name: &str, args: &[(Option<&str>, f64)]) -> Result<Method, String> {
        Method::from_spec(name, args)
    }

    fn error(name: &str, args: &[(Option<&str>, f64)]) -> String {
        match spec(name, args) {
            Ok(method) => panic!("{name}{args:?} gave {method:?}"),
            Err(message) => message,
        }
    }

    #[test]
    fn defaults_are_torchs() {
        let defaults: Vec<(&str, Vec<(&str, f64)>)> = METHOD_NAMES
            .iter()
            .map(|name| match spec(name, &[]) {
                Ok(method) => (method.name(), method.settings()),
                Err(e) => panic!("{name}: {e}"),
            })
            .collect();
        let want: Vec<(&str, Vec<(&str, f64)>)> = vec![
            ("gd", vec![]),
            ("momentum", vec![("momentum", 0.9)]),
            ("nesterov", vec![("momentum", 0.9)]),
            (
                "adagrad",
                vec![
                    ("lr_decay", 0.0),
                    ("initial_accumulator_value", 0.0),
                    ("eps", 1e-10),
                ],
            ),
            ("rmsprop", vec![("alpha", 0.99), ("eps", 1e-8)]),
            (
                "adam",
                vec![("beta1", 0.9), ("beta2", 0.999), ("eps", 1e-8)],
            ),
            ("newton", vec![]),
        ];
        assert_eq!(defaults, want);
        assert_eq!(Method::default(), Method::Gd);
        assert!(Method::Newton.needs_hessian() && !Method::Gd.needs_hessian());
    }

    #[test]
    fn positional_and_named_arguments() {
        let adam = |beta1, beta2, eps| Ok(Method::Adam { beta1, beta2, eps });
        assert_eq!(
            spec("adam", &[(None, 0.8), (None, 0.99)]),
            adam(0.8, 0.99, 1e-8)
        );
        assert_eq!(
            spec("adam", &[(Some("beta1"), 0.8), (Some("eps"), 1e-6)]),
            adam(0.8, 0.999, 1e-6)
        );
        assert_eq!(
            spec("adam", &[(None, 0.5), (Some("eps"), 1e-6)]),
            adam(0.5, 0.999, 1e-6)
        );
        assert_eq!(
            spec("momentum", &[(None, 0.5)]),
            Ok(Method::Momentum { momentum: 0.5 })
        );
        assert_eq!(
            spec("momentum", &[(None, 0.0)]),
            Ok(Method::Momentum { momentum: 0.0 })
        );
        assert_eq!(
            spec("nesterov", &[(Some("momentum"), 0.5)]),
            Ok(Method::Nesterov { momentum: 0.5 })
        );
        assert_eq!(
            spec("rmsprop", &[(Some("alpha"), 0.9)]),
            Ok(Method::Rmsprop {
                alpha: 0.9,
                eps: 1e-8
            })
        );
        assert_eq!(
            spec("adagrad", &[(Some("initial_accumulator_value"), 0.1)]),
            Ok(Method::Adagrad {
                lr_decay: 0.0,
                initial_accumulator_value: 0.1,
                eps: 1e-10
            })
        );
        // settings() lists the arguments in positional order: they read back.
        let method = Method::Adam {
            beta1: 0.5,
            beta2: 0.75,
            eps: 1e-3,
        };
        let args: Vec<(Option<&str>, f64)> =
            method.settings().iter().map(|(_, v)| (None, *v)).collect();
        assert_eq!(spec("adam", &args), Ok(method));
    }

    #[test]
    fn errors_in_plain_words() {
        assert_eq!(
            error("adma", &[]),
            "unknown method 'adma': did you mean 'adam'? (the methods are gd, momentum, \
             nesterov, adagrad, rmsprop, adam, newton)"
        );
        assert_eq!(
            error("sgd", &[]).split(':').nth(1),
            Some(
                " did you mean 'gd'? (the methods are gd, momentum, nesterov, adagrad, rmsprop, adam, newton)"
            )
        );
        assert_eq!(
            error("lbfgs", &[]),
            "unknown method 'lbfgs' (the methods are gd, momentum, nesterov, adagrad, \
             rmsprop, adam, newton)"
        );
        assert_eq!(
            error("adam", &[(Some("beta"), 0.5)]),
            "adam has no argument 'beta': did you mean 'beta1'? (its arguments are beta1, \
             beta2, eps)"
        );
        assert_eq!(
            error("rmsprop", &[(Some("momentum"), 0.5)]),
            "rmsprop has no argument 'momentum' (its arguments are alpha, eps)"
        );
        assert_eq!(error("gd", &[(Some("lr"), 0.5)]), "gd takes no arguments");
        assert_eq!(error("newton", &[(None, 1.0)]), "newton takes no arguments");
        assert_eq!(
            error(
                "adam",
                &[(None, 0.9), (None, 0.99), (None, 1e-8), (None, 0.0)]
            ),
            "adam takes at most 3 arguments (beta1, beta2, eps), not 4"
        );
        assert_eq!(
            error("momentum", &[(None, 0.9), (None, 0.1)]),
            "momentum takes at most 1 argument (momentum), not 2"
        );
        assert_eq!(
            error("adam", &[(Some("beta1"), 1.0)]),
            "beta1 must be at least 0 and less than 1, not 1"
        );
        assert_eq!(
            error("adam", &[(None, 0.9), (None, -0.5)]),
            "beta2 must be at least 0 and less than 1, not -0.5"
        );
        assert_eq!(
            error("adam", &[(Some("eps"), 0.0)]),
            "eps must be positive and finite, not 0"
        );
        assert_eq!(
            error("rmsprop", &[(None, 0.9), (None, f64::INFINITY)]),
            "eps must be positive and finite, not inf"
        );
        assert_eq!(
            error("rmsprop", &[(None, f64::NAN)]),
            "alpha must be at least 0 and less than 1, not nan"
        );
        assert_eq!(
            error("momentum", &[(None, 1.5)]),
            "momentum must be at least 0 and less than 1, not 1.5"
        );
        assert_eq!(
            error("nesterov", &[(None, 0.0)]),
            "momentum must be greater than 0 and less than 1, not 0"
        );
        assert_eq!(
            error("adagrad", &[(Some("lr_decay"), -1.0)]),
            "lr_decay must be at least 0 and finite, not -1"
        );
        assert_eq!(
            error("adam", &[(Some("eps"), 1e-6), (None, 0.8)]),
            "in adam(...), an argument without a name cannot follow a named one"
        );
        assert_eq!(
            error("adam", &[(None, 0.8), (Some("beta1"), 0.7)]),
            "beta1 is given twice in adam(...)"
        );
    }

    #[test]
    fn solve_pivots_and_finds_singular_matrices() {
        // [[0, 1], [2, 3]] d = [1, 8]: needs a row swap; d = (2.5, 1).
        let mut a = [0.0, 1.0, 2.0, 3.0];
        let mut b = [1.0, 8.0];
        assert_eq!(solve(&mut a, &mut b), Ok(()));
        assert_eq!(b, [2.5, 1.0]);
        // [[2, 1, 1], [1, 4, -1], [1, -1, 6]] d = [4, 4, 6]: d = (1, 1, 1).
        let mut a = [2.0, 1.0, 1.0, 1.0, 4.0, -1.0, 1.0, -1.0, 6.0];
        let mut b = [4.0, 4.0, 6.0];
        assert_eq!(solve(&mut a, &mut b), Ok(()));
        assert!(b.iter().all(|d| (d - 1.0).abs() < 1e-15), "{b:?}");
        assert_eq!(solve(&mut [0.0], &mut [1.0]), Err(0.0));
        assert_eq!(solve(&mut [0.0; 4], &mut [1.0, 1.0]), Err(0.0));
        // Rank one, and singular up to rounding: [[1, 3], [1/3, 1]].
        assert!(solve(&mut [2.0, 2.0, 2.0, 2.0], &mut [1.0, 1.0]).is_err());
        assert!(solve(&mut [1.0, 3.0, 1.0 / 3.0, 1.0], &mut [1.0, 1.0]).is_err());
        // Tiny but well conditioned is fine.
        let mut b = [1e-300, 2e-300];
        assert_eq!(solve(&mut [1e-300, 0.0, 0.0, 1e-300], &mut b), Ok(()));
        assert_eq!(b, [1.0, 2.0]);
        assert_eq!(lerp(1.0, 3.0, 0.25), 1.5);
        assert_eq!(lerp(1.0, 3.0, 0.75), 2.5);
        assert_eq!(lerp(1.0, 3.0, 1.0), 3.0);
    }
}
