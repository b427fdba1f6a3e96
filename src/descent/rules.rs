//! The optimizers' update rules as data: for each method of `using`, its
//! settings (torch's names, defaults and ranges), its state (torch's names:
//! `momentum_buffer`, `exp_avg`...), and its update as a short list of
//! formulas: scalars computed once per step, then, for each coordinate,
//! assignments to temporaries, to the state and to x. `Optimizer` runs
//! these lines; a code generator can emit the same lines as machine code.
//!
//! Invariant: every line is one floating-point operation, in the order
//! torch's CPU kernels compute it for float64 tensors (see `optimizer`'s
//! "Rounding"), so running the table gives torch's numbers to the bit.

/// One hyper-parameter: its name, torch's default, and what it may be.
pub struct Setting {
    pub name: &'static str,
    pub default: f64,
    pub range: Range,
}

/// What a setting may be.
#[derive(Copy, Clone, Debug)]
pub enum Range {
    /// `0 <= v < 1`: momentum, alpha, the betas.
    Fraction,
    /// `0 < v < 1`: nesterov needs a momentum (torch refuses 0).
    PositiveFraction,
    /// Finite and `v > 0`: eps.
    Positive,
    /// Finite and `v >= 0`: adagrad's lr_decay and initial accumulator.
    NonNegative,
}

/// A state buffer (one number per coordinate), under torch's name.
pub struct State {
    pub name: &'static str,
    /// Its value before the first update.
    pub init: Operand,
}

/// Where the step's direction comes from before the per-coordinate lines.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Direction {
    /// The gradient alone (`Operand::Grad`).
    Gradient,
    /// Newton's `H^-1 g`, solved from the Hessian (`Operand::Newton`).
    Newton,
}

/// A number a formula reads.
#[derive(Copy, Clone, Debug, PartialEq)]
pub enum Operand {
    /// torch's `g`: this coordinate of the gradient, negated first when
    /// maximizing.
    Grad,
    /// This coordinate of Newton's direction `H^-1 g` (of the function's
    /// own gradient: maximizing minimizes -f, whose gradient and Hessian
    /// are both negated, so the direction is the same).
    Newton,
    /// The learning rate.
    Lr,
    /// The number of this update, from 1 (torch's `state['step']`).
    Step,
    /// The method's k-th setting, in positional order.
    Setting(usize),
    /// This coordinate of the k-th state buffer.
    State(usize),
    /// The k-th scalar of this step (`Rule::per_step`).
    Scalar(usize),
    /// The k-th temporary of this coordinate.
    Temp(usize),
    Const(f64),
}

/// One floating-point operation.
#[derive(Copy, Clone, Debug, PartialEq)]
pub enum Formula {
    Neg(Operand),
    Sqrt(Operand),
    Add(Operand, Operand),
    Sub(Operand, Operand),
    Mul(Operand, Operand),
    Div(Operand, Operand),
    /// `a.powf(b)`, as Python's `**` on floats.
    Pow(Operand, Operand),
    /// torch's `lerp(a, b, w)`: `a + w*(b - a)` for `|w| < 0.5`, else
    /// `b - (b - a)*(1 - w)` (exact at both ends).
    Lerp(Operand, Operand, Operand),
    /// `a` at the first update, `b` after it.
    FirstStep(Operand, Operand),
}

/// Where a line's value goes.
#[derive(Copy, Clone, Debug, PartialEq)]
pub enum Target {
    Scalar(usize),
    Temp(usize),
    State(usize),
    /// `x = x + value`: the step (torch's `add_`).
    AddToX,
}

/// `target = formula`.
#[derive(Copy, Clone, Debug, PartialEq)]
pub struct Line {
    pub target: Target,
    pub formula: Formula,
}

/// Most scalars, temporaries and state buffers a rule uses.
pub const MAX_REGISTERS: usize = 8;

/// Most lines a rule has per step, and per coordinate: the optimizer
/// unrolls this many (see `optimizer::each_line`).
pub const MAX_LINES: usize = 16;

/// One optimizer.
pub struct Rule {
    pub name: &'static str,
    /// In positional order.
    pub settings: &'static [Setting],
    pub state: &'static [State],
    pub direction: Direction,
    /// Computed once per update, into `Scalar(k)` in order.
    pub per_step: &'static [Line],
    /// Run for each coordinate in turn.
    pub per_coordinate: &'static [Line],
}

const fn setting(name: &'static str, default: f64, range: Range) -> Setting {
    Setting {
        name,
        default,
        range,
    }
}

const fn zero(name: &'static str) -> State {
    State {
        name,
        init: Operand::Const(0.0),
    }
}

const fn line(target: Target, formula: Formula) -> Line {
    Line { target, formula }
}

use Formula::{Add, Div, FirstStep, Lerp, Mul, Neg, Pow, Sqrt, Sub};
use Operand::{Const, Grad, Lr, Scalar, Setting as S, State as B, Step, Temp};
use Target::{AddToX, Scalar as ToScalar, State as ToState, Temp as ToTemp};

/// `gd`, torch's `SGD(lr)`: `x = x - lr*g`.
pub const GD: Rule = Rule {
    name: "gd",
    settings: &[],
    state: &[],
    direction: Direction::Gradient,
    per_step: &[line(ToScalar(0), Neg(Lr))],
    per_coordinate: &[line(AddToX, Mul(Scalar(0), Grad))],
};

/// The momentum buffer `b = g` at t = 1, else `b = momentum*b + g`.
const MOMENTUM_BUFFER: [Line; 3] = [
    line(ToTemp(0), Mul(B(0), S(0))),
    line(ToTemp(1), Add(Temp(0), Grad)),
    line(ToState(0), FirstStep(Grad, Temp(1))),
];

/// `momentum(momentum = 0.9)`, torch's `SGD(lr, momentum, dampening=0)`:
/// the buffer `b`, then `x = x - lr*b`.
pub const MOMENTUM: Rule = Rule {
    name: "momentum",
    settings: &[setting("momentum", 0.9, Range::Fraction)],
    state: &[zero("momentum_buffer")],
    direction: Direction::Gradient,
    per_step: &[line(ToScalar(0), Neg(Lr))],
    per_coordinate: &[
        MOMENTUM_BUFFER[0],
        MOMENTUM_BUFFER[1],
        MOMENTUM_BUFFER[2],
        line(AddToX, Mul(Scalar(0), B(0))),
    ],
};

/// `nesterov(momentum = 0.9)`, torch's `SGD(lr, momentum, nesterov=True)`:
/// the same buffer `b`, and `x = x - lr*(g + momentum*b)`.
pub const NESTEROV: Rule = Rule {
    name: "nesterov",
    settings: &[setting("momentum", 0.9, Range::PositiveFraction)],
    state: &[zero("momentum_buffer")],
    direction: Direction::Gradient,
    per_step: &[line(ToScalar(0), Neg(Lr))],
    per_coordinate: &[
        MOMENTUM_BUFFER[0],
        MOMENTUM_BUFFER[1],
        MOMENTUM_BUFFER[2],
        line(ToTemp(2), Mul(S(0), B(0))),
        line(ToTemp(3), Add(Grad, Temp(2))),
        line(AddToX, Mul(Scalar(0), Temp(3))),
    ],
};

/// `adagrad(lr_decay = 0, initial_accumulator_value = 0, eps = 1e-10)`,
/// torch's `Adagrad` (weight_decay 0): `clr = lr / (1 + (t-1)*lr_decay)`,
/// `s = s + g*g` (s starts at `initial_accumulator_value`),
/// `x = x - clr*g / (sqrt(s) + eps)`.
pub const ADAGRAD: Rule = Rule {
    name: "adagrad",
    settings: &[
        setting("lr_decay", 0.0, Range::NonNegative),
        setting("initial_accumulator_value", 0.0, Range::NonNegative),
        setting("eps", 1e-10, Range::Positive),
    ],
    state: &[State {
        name: "sum",
        init: S(1),
    }],
    direction: Direction::Gradient,
    per_step: &[
        line(ToScalar(0), Sub(Step, Const(1.0))),
        line(ToScalar(1), Mul(Scalar(0), S(0))),
        line(ToScalar(2), Add(Const(1.0), Scalar(1))),
        line(ToScalar(3), Div(Lr, Scalar(2))),
        line(ToScalar(4), Neg(Scalar(3))),
    ],
    per_coordinate: &[
        line(ToTemp(0), Mul(Grad, Grad)),
        line(ToState(0), Add(B(0), Temp(0))),
        line(ToTemp(1), Sqrt(B(0))),
        line(ToTemp(2), Add(Temp(1), S(2))),
        line(ToTemp(3), Mul(Scalar(4), Grad)),
        line(AddToX, Div(Temp(3), Temp(2))),
    ],
};

/// `rmsprop(alpha = 0.99, eps = 1e-8)`, torch's `RMSprop` (not centered,
/// no momentum, weight_decay 0): `v = alpha*v + (1-alpha)*g*g` (v starts
/// at 0), `x = x - lr*g / (sqrt(v) + eps)`.
pub const RMSPROP: Rule = Rule {
    name: "rmsprop",
    settings: &[
        setting("alpha", 0.99, Range::Fraction),
        setting("eps", 1e-8, Range::Positive),
    ],
    state: &[zero("square_avg")],
    direction: Direction::Gradient,
    per_step: &[
        line(ToScalar(0), Sub(Const(1.0), S(0))),
        line(ToScalar(1), Neg(Lr)),
    ],
    per_coordinate: &[
        line(ToTemp(0), Mul(B(0), S(0))),
        line(ToTemp(1), Mul(Scalar(0), Grad)),
        line(ToTemp(2), Mul(Temp(1), Grad)),
        line(ToState(0), Add(Temp(0), Temp(2))),
        line(ToTemp(3), Sqrt(B(0))),
        line(ToTemp(4), Add(Temp(3), S(1))),
        line(ToTemp(5), Mul(Scalar(1), Grad)),
        line(AddToX, Div(Temp(5), Temp(4))),
    ],
};

/// `adam(beta1 = 0.9, beta2 = 0.999, eps = 1e-8)`, torch's `Adam`
/// (amsgrad off, weight_decay 0), m and v starting at 0:
/// `m = m + (1-beta1)*(g - m)` (torch's `lerp_`, which is
/// `beta1*m + (1-beta1)*g`), `v = beta2*v + (1-beta2)*g*g`,
/// `step_size = lr / (1 - beta1^t)`,
/// `denom = sqrt(v) / (1 - beta2^t)^0.5 + eps`,
/// `x = x - step_size*m / denom`.
pub const ADAM: Rule = Rule {
    name: "adam",
    settings: &[
        setting("beta1", 0.9, Range::Fraction),
        setting("beta2", 0.999, Range::Fraction),
        setting("eps", 1e-8, Range::Positive),
    ],
    state: &[zero("exp_avg"), zero("exp_avg_sq")],
    direction: Direction::Gradient,
    per_step: &[
        line(ToScalar(0), Pow(S(0), Step)),
        line(ToScalar(1), Sub(Const(1.0), Scalar(0))),
        line(ToScalar(2), Div(Lr, Scalar(1))),
        line(ToScalar(3), Pow(S(1), Step)),
        line(ToScalar(4), Sub(Const(1.0), Scalar(3))),
        line(ToScalar(5), Pow(Scalar(4), Const(0.5))),
        line(ToScalar(6), Sub(Const(1.0), S(0))),
        line(ToScalar(7), Sub(Const(1.0), S(1))),
    ],
    per_coordinate: &[
        line(ToState(0), Lerp(B(0), Grad, Scalar(6))),
        line(ToTemp(0), Mul(B(1), S(1))),
        line(ToTemp(1), Mul(Scalar(7), Grad)),
        line(ToTemp(2), Mul(Temp(1), Grad)),
        line(ToState(1), Add(Temp(0), Temp(2))),
        line(ToTemp(3), Sqrt(B(1))),
        line(ToTemp(4), Div(Temp(3), Scalar(5))),
        line(ToTemp(5), Add(Temp(4), S(2))),
        line(ToTemp(6), Neg(Scalar(2))),
        line(ToTemp(7), Mul(Temp(6), B(0))),
        line(AddToX, Div(Temp(7), Temp(5))),
    ],
};

/// `newton` (not in torch): `x = x - lr * H^-1 g`, with the Hessian H at x,
/// solved by Gaussian elimination with partial pivoting (so indefinite
/// Hessians work too: Newton heads for the nearest stationary point,
/// whatever its kind). A Hessian that is not finite, or singular (a pivot
/// at most n * f64::EPSILON times its largest entry), stops the run.
pub const NEWTON: Rule = Rule {
    name: "newton",
    settings: &[],
    state: &[],
    direction: Direction::Newton,
    per_step: &[line(ToScalar(0), Neg(Lr))],
    per_coordinate: &[line(AddToX, Mul(Scalar(0), Operand::Newton))],
};

/// Every rule, in the documented order of `using`'s methods.
pub const RULES: [&Rule; 7] = [
    &GD, &MOMENTUM, &NESTEROV, &ADAGRAD, &RMSPROP, &ADAM, &NEWTON,
];
