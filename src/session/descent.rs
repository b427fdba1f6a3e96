//! Descents: `minimize NAME from START [lr ...] [steps N] [tol T] [using
//! METHOD] [every K] [batch N seed S] [state] [plot]`, and `maximize`. The options
//! are checked, the function and its gradient (and Hessian, for Newton)
//! compiled once, and each run of a comparison made in turn.
//!
//! Invariant: every option is checked before the first run, so a bad one
//! costs no time; a Ctrl-C stops the comparison after the interrupted run,
//! which is reported.

use std::collections::HashMap;
use std::rc::Rc;

use super::plot::check_descent_clause;
use super::{Session, reduced};
use crate::compile::{Program, constant_value};
use crate::critical;
use crate::descent::{self, Config, Method, Sense};
use crate::error::{Error, Result};
use crate::interrupt::INTERRUPT;
use crate::lower::{Lowerer, Mode};
use crate::outcome::{BatchSettings, CompareOutcome, DescentOutcome, Outcome, Over};
use crate::symbolic::data::has_data;
use crate::symbolic::rewrite::substitute;
use crate::symbolic::{self, Expr, gradient, gradient_shown};
use crate::syntax::{self, Descent, Span};
use crate::theory;
use crate::value::{Body, Value};

/// The most updates when `steps` is not given.
pub const DEFAULT_STEPS: u64 = 100;
/// The learning rate when `lr` is not given.
pub const DEFAULT_LR: f64 = 0.1;

impl Session {
    pub(super) fn descent(&mut self, d: &Descent, span: Span) -> Result<Outcome> {
        let mut plan = self.plan(d, span)?;
        // Before the runs: after a Ctrl-C the symbolic passes would refuse
        // to work, and the interrupted comparison would lose its report.
        let theory = plan.theory()?;
        let mut runs = plan.run_all();
        match plan.options.over {
            None => Ok(Outcome::Descent(Box::new(runs.remove(0)))),
            Some(over) => Ok(Outcome::Compare(Box::new(CompareOutcome {
                over,
                theory,
                runs,
            }))),
        }
    }

    /// Every check made and everything compiled, ready to run.
    fn plan(&self, d: &Descent, span: Span) -> Result<Plan> {
        let f = self.defs.function_named(&d.function)?;
        let Body::Scalar(body) = f.body else {
            return Err(Error::internal("user functions have one value"));
        };
        if f.params.is_empty() {
            return Err(Error::name(
                format!("{} has no parameters to optimize", f.name),
                d.function.span,
            ));
        }
        let params: Vec<&str> = f.params.iter().map(|p| &**p).collect();
        let (sense, verb) = match d.sense {
            syntax::Sense::Minimize => (Sense::Minimize, "minimized"),
            syntax::Sense::Maximize => (Sense::Maximize, "maximized"),
        };
        let rows = reduced(body, &f.name, &params, verb).map_err(|e| e.at(d.function.span))?;
        let options = self.descent_options(d, params.len())?;
        let batches = self.batches(d, &rows)?;
        let gradient = gradient(body, &f.params).map_err(|e| e.at(span))?;
        let shown = gradient_shown(body, &f.params).map_err(|e| e.at(span))?;
        let hessian = if options.methods.iter().any(Method::needs_hessian) {
            Some(second_derivatives(&gradient, &f.params)?.concat())
        } else {
            None
        };
        let programs = Programs::new(body, &gradient, hessian.as_deref(), &params)
            .map_err(|e| e.at(d.function.span))?;
        Ok(Plan {
            function: f.name.clone(),
            params: f.params.clone(),
            body,
            gradient,
            shown,
            sense,
            options,
            batches,
            shown_batches: batches.map(|b| BatchSettings {
                size: b.size,
                seed: b.seed,
                rows: rows.first().copied().unwrap_or(0),
            }),
            programs,
        })
    }

    fn descent_options(&self, d: &Descent, n_params: usize) -> Result<DescentOptions> {
        let number = |e: &Option<syntax::Expr>, what: &str| -> Result<Option<(f64, Span)>> {
            let Some(e) = e else { return Ok(None) };
            let v = Lowerer::new(&self.defs, Mode::Now, Vec::new()).scalar(e)?;
            let x = constant_value(v)
                .ok_or_else(|| Error::name(format!("{what} must be a number"), e.span))?;
            Ok(Some((x, e.span)))
        };
        let steps = match number(&d.steps, "steps")? {
            None => DEFAULT_STEPS,
            Some((x, span)) => whole(x, "steps", span, 0)?,
        };
        let tol = match number(&d.tol, "tol")? {
            None => 0.0,
            Some((x, _)) if x >= 0.0 && x.is_finite() => x,
            Some((_, span)) => return Err(Error::name("tol must be a number 0 or above", span)),
        };
        let every = match number(&d.every, "every")? {
            None => None,
            Some((x, span)) => Some(whole(x, "every", span, 1)?),
        };
        let (methods, methods_listed) = match &d.using {
            None => (vec![Method::Gd], false),
            Some(list) => (self.methods(list)?, list.is_list),
        };
        check_descent_clause(d)?;
        let (starts, starts_listed) = self.starts(&d.from, n_params, &d.function.name)?;
        let (rates, rates_listed) = self.rates(d.lr.as_ref())?;
        let listed: Vec<Over> = [
            (starts_listed, Over::Start),
            (rates_listed, Over::Lr),
            (methods_listed, Over::Method),
        ]
        .into_iter()
        .filter(|(listed, _)| *listed)
        .map(|(_, name)| name)
        .collect();
        if listed.len() > 1 {
            return Err(Error::name(
                format!(
                    "a comparison varies one setting at a time; here {} are all lists",
                    listed
                        .iter()
                        .map(|o| o.as_str())
                        .collect::<Vec<_>>()
                        .join(" and ")
                ),
                d.function.span,
            ));
        }
        Ok(DescentOptions {
            starts,
            rates,
            methods,
            over: listed.first().copied(),
            steps,
            tol,
            every,
            keep_state: d.state,
        })
    }

    /// `batch N` and `seed S`: minibatches of N rows (at most the rows
    /// there are), shuffled from seed S (`descent::DEFAULT_SEED` when absent).
    fn batches(&self, d: &Descent, rows: &[usize]) -> Result<Option<descent::Batches>> {
        let number = |e: &syntax::Expr, what: &str, min: u64| -> Result<u64> {
            let v = Lowerer::new(&self.defs, Mode::Now, Vec::new()).scalar(e)?;
            let x = constant_value(v)
                .ok_or_else(|| Error::name(format!("{what} must be a number"), e.span))?;
            whole(x, what, e.span, min)
        };
        let Some(batch) = &d.batch else {
            if let Some(seed) = &d.seed {
                return Err(Error::name(
                    "'seed' picks the minibatches, so it needs 'batch N' too",
                    seed.span,
                ));
            }
            return Ok(None);
        };
        let size = number(batch, "batch", 1)?;
        match rows {
            [] => {
                return Err(Error::name(
                    format!(
                        "'batch' takes rows of data, but {} uses no data",
                        d.function.name
                    ),
                    batch.span,
                ));
            }
            [_] => {}
            _ => {
                return Err(Error::name(
                    format!(
                        "'batch' needs data of one length, but {} uses data of lengths {}",
                        d.function.name,
                        rows.iter()
                            .map(usize::to_string)
                            .collect::<Vec<_>>()
                            .join(" and ")
                    ),
                    batch.span,
                ));
            }
        };
        let seed = match &d.seed {
            Some(seed) => number(seed, "seed", 0)?,
            None => descent::DEFAULT_SEED,
        };
        // The size asked for is kept (reports show it); the sampler uses
        // at most every row.
        Ok(Some(descent::Batches {
            size: size as usize,
            seed,
        }))
    }

    fn methods(&self, list: &syntax::Methods) -> Result<Vec<Method>> {
        let mut methods = Vec::new();
        for m in &list.list {
            let mut args: Vec<(Option<&str>, f64)> = Vec::new();
            for arg in &m.args {
                let name = arg.name.as_ref().map(|n| n.name.as_str());
                let value = Lowerer::new(&self.defs, Mode::Now, Vec::new()).value(&arg.value)?;
                let number = |v: Expr| {
                    constant_value(v).ok_or_else(|| {
                        Error::name("a method's setting must be a number", arg.value.span)
                    })
                };
                match (name, value) {
                    // torch's `betas=(0.9, 0.999)` is beta1 and beta2.
                    (Some("betas"), Value::Tuple(items)) if items.len() == 2 => {
                        args.push((Some("beta1"), number(items[0])?));
                        args.push((Some("beta2"), number(items[1])?));
                    }
                    (name, Value::Scalar(v)) => args.push((name, number(v)?)),
                    _ => {
                        return Err(Error::name(
                            "a method's setting must be a number (betas takes a pair)",
                            arg.value.span,
                        ));
                    }
                }
            }
            let (name, args) = torch_spelling(&m.name.name, args);
            methods.push(Method::from_spec(&name, &args).map_err(|e| Error::name(e, m.span))?);
        }
        Ok(methods)
    }

    /// The starting points, and whether they were written as a list.
    fn starts(&self, from: &syntax::Expr, n: usize, name: &str) -> Result<(Vec<Vec<f64>>, bool)> {
        let value = data_as_list(Lowerer::new(&self.defs, Mode::Now, Vec::new()).value(from)?);
        let (items, listed) = match value {
            Value::List(items) => (items, true),
            other => (vec![other], false),
        };
        if items.is_empty() {
            return Err(Error::name(
                "the list of starting points is empty",
                from.span,
            ));
        }
        let points = items
            .into_iter()
            .map(|v| start_point(v, n, name, from.span))
            .collect::<Result<_>>()?;
        Ok((points, listed))
    }

    /// The learning rates, and whether they were written as a list.
    fn rates(&self, lr: Option<&syntax::Expr>) -> Result<(Vec<f64>, bool)> {
        let Some(lr) = lr else {
            // Each method takes its own default (see `combinations`).
            return Ok((Vec::new(), false));
        };
        let value = data_as_list(Lowerer::new(&self.defs, Mode::Now, Vec::new()).value(lr)?);
        let (items, listed) = match value {
            Value::List(items) => (items, true),
            other => (vec![other], false),
        };
        if items.is_empty() {
            return Err(Error::name("the list of learning rates is empty", lr.span));
        }
        let rates = items
            .into_iter()
            .map(|v| match v {
                Value::Scalar(e) => match constant_value(e) {
                    Some(x) if x > 0.0 && x.is_finite() => Ok(x),
                    _ => Err(Error::name(
                        "a learning rate must be a positive number",
                        lr.span,
                    )),
                },
                other => Err(Error::name(
                    format!("a learning rate must be a number, not {}", other.describe()),
                    lr.span,
                )),
            })
            .collect::<Result<_>>()?;
        Ok((rates, listed))
    }
}

/// A checked and compiled descent statement: the function, its gradient,
/// the options and the programs every run shares.
struct Plan {
    function: String,
    params: Vec<Rc<str>>,
    body: Expr,
    /// The gradient as programs evaluate it, and as reports show it.
    gradient: Vec<Expr>,
    shown: Vec<Expr>,
    sense: Sense,
    options: DescentOptions,
    batches: Option<descent::Batches>,
    shown_batches: Option<BatchSettings>,
    programs: Programs,
}

impl Plan {
    /// For a comparison of full-batch runs on a quadratic: the step-size
    /// theory (it is about full-batch steps, so none with minibatches).
    fn theory(&self) -> Result<Option<theory::Quadratic>> {
        if self.options.over.is_none() || self.batches.is_some() {
            return Ok(None);
        }
        let Some(mut hessian) = constant_hessian(&self.gradient, &self.params)? else {
            return Ok(None);
        };
        let Some(mut g0) = gradient_at_origin(&self.gradient, &self.params)? else {
            return Ok(None);
        };
        // For maximize, the theory of -f.
        if self.sense == Sense::Maximize {
            hessian.iter_mut().flatten().for_each(|v| *v = -*v);
            g0.iter_mut().for_each(|v| *v = -*v);
        }
        Ok(theory::quadratic(&hessian, &g0))
    }

    /// Every run, in order; an interrupted run is the last.
    fn run_all(&mut self) -> Vec<DescentOutcome> {
        let mut runs = Vec::new();
        // Compiled at the first converged run, for all of them.
        let mut classifier = None;
        for (start, lr, method) in self.options.combinations() {
            let config = Config {
                sense: self.sense,
                lr,
                steps: self.options.steps,
                tol: self.options.tol,
                method,
                keep_state: self.options.keep_state,
            };
            let program = self.programs.for_method(&config.method);
            let run = descent::run(program, &start, &config, self.batches, &INTERRUPT);
            let interrupted = run.status == descent::Status::Interrupted;
            let critical = match run.verdict {
                // Where it cannot be classified (a Hessian that does not
                // compile over data...), the run says only that it converged.
                descent::Verdict::Converged => classifier
                    .get_or_insert_with(|| critical::Classifier::new(self.body, &self.params))
                    .as_mut()
                    .ok()
                    .and_then(|c| c.classify(&run.x).ok()),
                _ => None,
            };
            runs.push(DescentOutcome {
                function: self.function.clone(),
                params: self.params.iter().map(|p| p.to_string()).collect(),
                body: self.body,
                gradient: self.shown.clone(),
                sense: self.sense,
                method: config.method,
                lr,
                batches: self.shown_batches,
                start,
                max_steps: self.options.steps,
                tol: self.options.tol,
                critical,
                every: self.options.every,
                state: self.options.keep_state,
                run,
            });
            if interrupted {
                break;
            }
        }
        runs
    }
}

/// A method as torch (or a capital letter) spells it, in gd's names:
/// names are case-insensitive, `sgd` is `gd`, and `sgd(momentum=m)` is
/// `momentum(m)` (torch's SGD with momentum, dampening 0).
fn torch_spelling<'a>(
    name: &str,
    args: Vec<(Option<&'a str>, f64)>,
) -> (String, Vec<(Option<&'a str>, f64)>) {
    let name = name.to_lowercase();
    if name != "sgd" {
        return (name, args);
    }
    match args.as_slice() {
        [(Some("momentum"), m)] if *m > 0.0 => ("momentum".into(), vec![(None, *m)]),
        [(Some("momentum"), m)] if *m == 0.0 => ("gd".into(), Vec::new()),
        _ => ("gd".into(), args),
    }
}

/// The learning rate when none is given: 1 for Newton's method (its
/// natural step), `DEFAULT_LR` for the others.
fn default_lr(method: &Method) -> f64 {
    if *method == Method::Newton {
        1.0
    } else {
        DEFAULT_LR
    }
}

struct DescentOptions {
    starts: Vec<Vec<f64>>,
    /// Empty when `lr` was not given: each method's default.
    rates: Vec<f64>,
    methods: Vec<Method>,
    /// The one setting written as a list, if any.
    over: Option<Over>,
    steps: u64,
    tol: f64,
    every: Option<u64>,
    /// `state`: the trace keeps the optimizer's state.
    keep_state: bool,
}

/// The function's value and gradient compiled once for every run of a
/// statement, and with the Hessian too when a method needs it (Newton's).
struct Programs {
    slopes: Program,
    with_hessian: Option<Program>,
}

impl Programs {
    /// `hessian` holds the second derivatives row-major, when a method
    /// needs them.
    fn new(
        body: Expr,
        gradient: &[Expr],
        hessian: Option<&[Expr]>,
        params: &[&str],
    ) -> Result<Programs> {
        let mut outputs = vec![body];
        outputs.extend(gradient);
        let with_hessian = match hessian {
            Some(hessian) => {
                let mut all = outputs.clone();
                all.extend(hessian);
                Some(Program::new(&all, params)?)
            }
            None => None,
        };
        Ok(Programs {
            slopes: Program::new(&outputs, params)?,
            with_hessian,
        })
    }

    fn for_method(&mut self, method: &Method) -> &mut Program {
        match (&mut self.with_hessian, method.needs_hessian()) {
            (Some(program), true) => program,
            _ => &mut self.slopes,
        }
    }
}

impl DescentOptions {
    /// Every run to make; at most one of the three lists is longer than one.
    fn combinations(&self) -> Vec<(Vec<f64>, f64, Method)> {
        let mut out = Vec::new();
        for start in &self.starts {
            for method in &self.methods {
                let defaults = [default_lr(method)];
                let rates = if self.rates.is_empty() {
                    &defaults[..]
                } else {
                    &self.rates
                };
                for lr in rates {
                    out.push((start.clone(), *lr, method.clone()));
                }
            }
        }
        out
    }
}

/// The Hessian as numbers when it does not depend on the point (the
/// objective is quadratic), else `None`.
fn constant_hessian(gradient: &[Expr], params: &[Rc<str>]) -> Result<Option<Vec<Vec<f64>>>> {
    let mut rows = Vec::new();
    // Row by row: a row that is not constant ends the search early.
    for g in gradient {
        let row: Option<Vec<f64>> = symbolic::gradient(*g, params)?
            .into_iter()
            // A number, or over data a closed expression (2mean(X^2)).
            .map(|e| match e.as_num() {
                Some(n) => Some(n.to_f64()),
                None if has_data(e) => constant_value(e),
                None => None,
            })
            .collect();
        match row {
            Some(row) => rows.push(row),
            None => return Ok(None),
        }
    }
    Ok(Some(rows))
}

/// The gradient at the origin (of a quadratic: its constant part), or
/// `None` when it is not a number there.
fn gradient_at_origin(gradient: &[Expr], params: &[Rc<str>]) -> Result<Option<Vec<f64>>> {
    let zero: HashMap<Rc<str>, Expr> = params.iter().map(|p| (p.clone(), Expr::zero())).collect();
    let mut g0 = Vec::with_capacity(gradient.len());
    for g in gradient {
        match constant_value(substitute(*g, &zero)?) {
            Some(v) if v.is_finite() => g0.push(v),
            _ => return Ok(None),
        }
    }
    Ok(Some(g0))
}

/// The Hessian, row by row, as the gradient of each partial derivative
/// (the body is not differentiated again).
fn second_derivatives(gradient: &[Expr], params: &[Rc<str>]) -> Result<Vec<Vec<Expr>>> {
    gradient
        .iter()
        .map(|g| symbolic::gradient(*g, params))
        .collect()
}

fn start_point(v: Value, n: usize, name: &str, span: Span) -> Result<Vec<f64>> {
    let coords: Vec<Expr> = match v {
        Value::Scalar(e) => vec![e],
        Value::Tuple(items) => items,
        other => {
            return Err(Error::name(
                format!(
                    "a starting point is a number or a tuple, not {}",
                    other.describe()
                ),
                span,
            ));
        }
    };
    if coords.len() != n {
        let example = vec!["0"; n].join(", ");
        let example = if n == 1 {
            example
        } else {
            format!("({example})")
        };
        return Err(Error::name(
            format!(
                "{name} has {n} parameter{}, so a start needs {n} coordinate{}, like {example}; this one has {}",
                if n == 1 { "" } else { "s" },
                if n == 1 { "" } else { "s" },
                coords.len()
            ),
            span,
        ));
    }
    coords
        .into_iter()
        .map(|c| match constant_value(c) {
            Some(x) if x.is_finite() => Ok(x),
            _ => Err(Error::name(
                "a starting point must be made of finite numbers",
                span,
            )),
        })
        .collect()
}

fn whole(x: f64, what: &str, span: Span, min: u64) -> Result<u64> {
    if x.fract() == 0.0 && x >= min as f64 && x <= WHOLE_MAX {
        Ok(x as u64)
    } else if x.fract() == 0.0 && x > WHOLE_MAX {
        Err(Error::name(
            format!(
                "{what} {} is too large: at most 1e15",
                crate::text::format_number(x)
            ),
            span,
        ))
    } else {
        Err(Error::name(
            format!("{what} must be a whole number, {min} or more"),
            span,
        ))
    }
}

/// The largest `batch` or `seed`: every whole number up to it is exact in
/// an f64 (as JSON and the trace hold it).
const WHOLE_MAX: f64 = 1e15;

/// A defined list of numbers (stored as a data vector) as the list it was,
/// for `from` and `lr`.
fn data_as_list(value: Value) -> Value {
    match &value {
        Value::Scalar(e) => match e.as_data() {
            Some(data) => Value::List(
                data.values()
                    .iter()
                    .map(|x| Value::Scalar(Expr::float(*x)))
                    .collect(),
            ),
            None => value,
        },
        _ => value,
    }
}
