//! Outcomes: what each statement hands to `report`, as typed data (a
//! number, an expression, a check, a descent run with its settings, a
//! comparison, a figure).
//!
//! Invariant: these are plain data; nothing here evaluates or prints.

use crate::check::CheckOutcome;
use crate::critical::Critical;
use crate::descent::Sense;
use crate::descent::{Method, Run};
use crate::symbolic::explain::Derivation;
use crate::symbolic::{Expr, Num};

/// A number, vector or list of them: a defined value, for reports.
#[derive(Clone, Debug, PartialEq)]
pub enum Shown {
    Number(f64),
    /// A data vector, `[1, 2]`.
    Vector(Vec<f64>),
    /// A tuple of numbers, `(1, 2)` (JSON does not tell them apart).
    Tuple(Vec<f64>),
    List(Vec<Shown>),
}

/// The result of one statement, for `report` to print.
#[derive(Clone, Debug)]
pub enum Outcome {
    /// `a = 3`
    Define {
        name: String,
        value: Shown,
    },
    /// `f(x) = ...`, or a function value such as `f'`.
    Function {
        name: String,
        params: Vec<String>,
        body: Expr,
        defined: bool,
    },
    Number(f64),
    /// An integer too large for a double to hold every digit of (`2^70`),
    /// shown in full.
    Integer(Num),
    Expr(Expr),
    Vector(Vec<f64>),
    /// A data vector (`[1, 2, 3]`, `2X + 1`), shown in brackets as typed.
    Data(Vec<f64>),
    /// A bare list that is not all numbers (`[(0, 0), (1, 1)]`).
    List(Shown),
    Exprs(Vec<Expr>),
    Matrix(Vec<Vec<f64>>),
    ExprsMatrix(Vec<Vec<Expr>>),
    Str(String),
    Check(CheckOutcome),
    Explain(Box<ExplainOutcome>),
    Critical(Box<CriticalOutcome>),
    /// `table EXPR, ... for x in LIST`: the columns' headers as typed, and
    /// one row of numbers per value.
    Table {
        columns: Vec<String>,
        rows: Vec<Vec<f64>>,
    },
    Descent(Box<DescentOutcome>),
    Compare(Box<CompareOutcome>),
    /// What one statement defined several of (`load` defines a vector per
    /// column): reported one by one.
    Several(Vec<Outcome>),
    /// `plot ...`, or the pictures of `minimize ... plot`.
    Plot(Box<PlotOutcome>),
}

/// `explain ...`: the derivations shown, one for `diff` and `f'`, one per
/// parameter for `grad(f)`.
#[derive(Clone, Debug)]
pub struct ExplainOutcome {
    pub derivations: Vec<Derivation>,
    /// `grad(f)`: the function's name; the result is the tuple of the
    /// derivations' results.
    pub gradient_of: Option<String>,
}

/// `critical NAME [from A to B]`: the function, the box searched and what
/// was found there.
#[derive(Clone, Debug)]
pub struct CriticalOutcome {
    pub function: String,
    pub params: Vec<String>,
    pub body: Expr,
    /// The gradient as shown (simplified), for the report's header.
    pub gradient: Vec<Expr>,
    /// `(low, high)` per parameter.
    pub ranges: Vec<(f64, f64)>,
    pub found: Critical,
}

/// A figure, for the terminal or for a file.
#[derive(Clone, Debug)]
pub struct PlotOutcome {
    pub figure: crate::figure::Figure,
    /// The SVG file it is written to (`to "file.svg"`), with the span of
    /// that string for errors; `None` draws it in the terminal.
    pub file: Option<(String, crate::syntax::Span)>,
}

/// One descent run with everything a report shows about it.
#[derive(Clone, Debug)]
pub struct DescentOutcome {
    pub function: String,
    /// The function's parameters, in order (the trace's coordinates).
    pub params: Vec<String>,
    /// The function's body and its gradient, for the report's header.
    pub body: Expr,
    pub gradient: Vec<Expr>,
    pub sense: Sense,
    pub method: Method,
    pub lr: f64,
    /// `batch N seed S`, when the run used minibatches.
    pub batches: Option<BatchSettings>,
    pub start: Vec<f64>,
    /// The most updates allowed (`steps N`).
    pub max_steps: u64,
    /// `tol T` (0 when off).
    pub tol: f64,
    /// For a converged run, what its end point is (a minimum, a saddle...).
    pub critical: Option<crate::critical::Kind>,
    /// Print every K-th step in the human table.
    pub every: Option<u64>,
    /// `state`: the trace shows the optimizer's state after each update.
    pub state: bool,
    pub run: Run,
}

/// The minibatches of a run: the size as asked, the seed, and the rows of
/// the data (fewer than the size when the batch took them all).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct BatchSettings {
    pub size: usize,
    pub seed: u64,
    pub rows: usize,
}

impl DescentOutcome {
    /// The run's settings in the order reports show them: `lr`, the
    /// method's own, then `batch` and `seed`.
    pub fn settings(&self) -> Vec<(&'static str, f64)> {
        let mut settings = vec![("lr", self.lr)];
        settings.extend(self.method.settings());
        if let Some(b) = self.batches {
            settings.extend([("batch", b.size as f64), ("seed", b.seed as f64)]);
        }
        settings
    }

    /// A trace entry's state (`Entry::state`) as the method's buffers
    /// under torch's names, each one number per parameter; none when the
    /// entry has no state.
    pub fn state_buffers<'s>(&self, state: &'s [f64]) -> Vec<(&'static str, &'s [f64])> {
        let names = self.method.rule().state.iter().map(|b| b.name);
        names.zip(state.chunks(self.params.len().max(1))).collect()
    }
}

/// The setting a comparison varies.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Over {
    Lr,
    Start,
    Method,
}

impl Over {
    /// The JSON spelling, and the comparison table's first header.
    pub fn as_str(self) -> &'static str {
        match self {
            Over::Lr => "lr",
            Over::Start => "start",
            Over::Method => "method",
        }
    }
}

/// Several runs over one varied setting.
#[derive(Clone, Debug)]
pub struct CompareOutcome {
    pub over: Over,
    pub runs: Vec<DescentOutcome>,
    /// For a quadratic (constant Hessian): what theory says of the rates.
    pub theory: Option<crate::theory::Quadratic>,
}
