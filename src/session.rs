//! A session: the user's definitions, and the evaluation of statements in
//! order. The REPL and the script runner both call `Session::run_source`.
//!
//! Invariant: a statement that fails leaves the definitions as they were.
//! Nothing here prints: each statement yields an `Outcome` for `report`.

use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use crate::check::check;
use crate::compile::{Evaluated, compile};
use crate::descent::{self, Config, Method, Objective};
use crate::error::{Error, ErrorKind, Result};
use crate::interrupt::INTERRUPT;
use crate::lower::{Lowerer, Mode};
use crate::parse::parse_program;
use crate::plot::statement as plot;
use crate::symbolic::data::has_data;
use crate::symbolic::rewrite::{applied_functions, free_vars, reset_budget, substitute};
use crate::symbolic::simplify::simplify;
use crate::symbolic::{Expr, Node, gradient};
use crate::syntax::{self, Descent, Ident, Span, Stmt, StmtKind};
use crate::theory;
use crate::value::{Body, CompareOutcome, DescentOutcome, FunctionValue, Outcome, Shown, Value};

/// A function as the user defined it: its body may name other functions
/// (`Apply`) and defined values (`Var`), looked up when it is used.
#[derive(Clone, Debug)]
pub struct UserFunction {
    pub params: Vec<Rc<str>>,
    pub body: Expr,
}

#[derive(Default)]
pub struct Session {
    values: HashMap<String, Value>,
    functions: HashMap<String, UserFunction>,
    /// Every defined name, in the order first defined (for `:vars`).
    order: Vec<String>,
}

/// What running a source produced: the outcomes of the statements that ran,
/// and the error that stopped it, if any.
pub struct SourceRun {
    pub outcomes: Vec<Outcome>,
    pub error: Option<Error>,
}

impl Session {
    pub fn new() -> Session {
        Session::default()
    }

    /// Parses and runs `src`, statement by statement, calling `emit` with each
    /// outcome as soon as it is ready (so long scripts print as they go).
    /// Stops at the first error, which is returned.
    pub fn run_source(&mut self, src: &str, emit: &mut dyn FnMut(&Outcome)) -> Result<()> {
        let program = parse_program(src)?;
        for stmt in &program.stmts {
            // Ctrl-C between statements stops a script too (the REPL clears
            // the flag before each entry).
            if crate::interrupt::interrupted() {
                return Err(Error::interrupted());
            }
            let outcome = self.run_statement(stmt)?;
            if let Some(Outcome::Several(outcomes)) = &outcome {
                outcomes.iter().for_each(&mut *emit);
            } else if let Some(outcome) = outcome {
                // A plot's file is written as it is emitted (see plot::statement).
                let here = |e: Error| e.at(stmt.span);
                plot::write_file(&outcome).map_err(here)?;
                emit(&outcome);
                if is_interrupted_run(&outcome) {
                    return Err(Error::interrupted());
                }
                if let StmtKind::Descent(d) = &stmt.kind
                    && let Some(pictures) = plot::descent_plot(d, &outcome).map_err(here)?
                {
                    plot::write_file(&pictures).map_err(here)?;
                    emit(&pictures);
                }
            }
        }
        Ok(())
    }

    /// Runs one statement. `None` for a statement with nothing to show.
    pub fn run_statement(&mut self, stmt: &Stmt) -> Result<Option<Outcome>> {
        reset_budget();
        self.run_kind(stmt).map_err(|e| match e.kind {
            // Every error points somewhere: at least at its statement (an
            // error found while running, like a length mismatch in data
            // redefined since, has no finer place).
            ErrorKind::Interrupted => e,
            _ => e.at(stmt.span),
        })
    }

    fn run_kind(&mut self, stmt: &Stmt) -> Result<Option<Outcome>> {
        let outcome = match &stmt.kind {
            StmtKind::DefineFunction { name, params, body } => {
                self.define_function(name, params, body)?
            }
            StmtKind::DefineValue { name, value } => self.define_value(name, value)?,
            StmtKind::Expr(e) if load_path(e).is_some() => self.load(e)?,
            StmtKind::Expr(e) => {
                let outcome = self.show(e)?;
                self.keep_as_ans(&outcome);
                outcome
            }
            StmtKind::Check { left, right } => self.check(left, right)?,
            StmtKind::Descent(d) => self.descent(d, stmt.span)?,
            StmtKind::Plot(p) => self.plot(p)?,
        };
        Ok(Some(outcome))
    }

    // ------------------------------------------------------------ lookups

    pub fn value(&self, name: &str) -> Option<&Value> {
        self.values.get(name)
    }

    pub fn function(&self, name: &str) -> Option<&UserFunction> {
        self.functions.get(name)
    }

    /// All defined names, in definition order.
    pub fn names(&self) -> Vec<String> {
        self.order.clone()
    }

    pub fn function_names(&self) -> Vec<String> {
        self.order
            .iter()
            .filter(|n| self.functions.contains_key(*n))
            .cloned()
            .collect()
    }

    /// A user function as a value, its body resolved against the current
    /// definitions.
    pub fn function_value(
        &self,
        name: &str,
        f: &UserFunction,
        span: Span,
    ) -> Result<FunctionValue> {
        let body = self
            .resolve_rec(f.body, &f.params, &mut HashMap::new(), 0, Some(name))
            .map_err(|e| e.at(span))?;
        Ok(FunctionValue {
            name: name.to_string(),
            params: f.params.clone(),
            body: Body::Scalar(body),
        })
    }

    /// Replaces, in `e`, calls of user functions by their bodies and defined
    /// values by their values, recursively; `params` stay variables.
    pub fn resolve(&self, e: Expr, params: &[Rc<str>]) -> Result<Expr> {
        let mut memo = HashMap::new();
        self.resolve_rec(e, params, &mut memo, 0, None)
    }

    fn resolve_rec(
        &self,
        e: Expr,
        params: &[Rc<str>],
        memo: &mut HashMap<Expr, Expr>,
        depth: usize,
        owner: Option<&str>,
    ) -> Result<Expr> {
        if depth > 200 {
            return Err(Error::value("functions call each other more than 200 deep"));
        }
        if let Some(&done) = memo.get(&e) {
            return Ok(done);
        }
        crate::symbolic::rewrite::check_budget()?;
        let node = e.node();
        let out = match &*node {
            Node::Var(name) if !params.contains(name) => match self.values.get(&**name) {
                Some(Value::Scalar(v)) => *v,
                Some(other) => {
                    // No span: the caller's (at least the statement's).
                    return Err(Error::new(
                        ErrorKind::Name,
                        format!(
                            "'{name}' is {} and cannot be used in a formula",
                            other.describe()
                        ),
                    ));
                }
                None => e,
            },
            Node::Apply(name, args) => {
                let Some(f) = self.functions.get(&**name) else {
                    return Err(Error::value(format!("'{name}' is no longer defined")));
                };
                // Late binding: `f` may have been redefined with another
                // number of parameters since the caller was defined.
                if args.len() != f.params.len() {
                    return Err(arity_changed(owner, name, args.len(), &f.params));
                }
                let body = self.resolve_rec(
                    f.body,
                    &f.params,
                    &mut HashMap::new(),
                    depth + 1,
                    Some(name),
                )?;
                let args = args
                    .iter()
                    .map(|a| self.resolve_rec(*a, params, memo, depth, owner))
                    .collect::<Result<Vec<_>>>()?;
                let map = f.params.iter().cloned().zip(args).collect();
                substitute(body, &map)?
            }
            _ => {
                let kids = crate::symbolic::expr::children(&node);
                let new = kids
                    .iter()
                    .map(|k| self.resolve_rec(*k, params, memo, depth, owner))
                    .collect::<Result<Vec<_>>>()?;
                if new == kids {
                    e
                } else {
                    crate::symbolic::expr::rebuild(&node, new)
                }
            }
        };
        memo.insert(e, out);
        Ok(out)
    }

    // ------------------------------------------------------------ definitions

    fn define_function(
        &mut self,
        name: &Ident,
        params: &[Ident],
        body: &syntax::Expr,
    ) -> Result<Outcome> {
        check_definable(name)?;
        let param_names: Vec<Rc<str>> = params.iter().map(|p| Rc::from(p.name.as_str())).collect();
        for (i, p) in params.iter().enumerate() {
            if param_names[..i].contains(&param_names[i]) {
                return Err(Error::name(
                    format!("parameter '{}' appears twice", p.name),
                    p.span,
                ));
            }
        }
        let mut lowerer = Lowerer::new(self, Mode::Body, param_names.clone());
        lowerer.defining = Some(&name.name);
        let lowered = lowerer.scalar(body)?;
        self.check_no_cycle(&name.name, lowered, body.span)?;
        self.check_data_lengths(lowered, &param_names, body.span)?;
        let function = UserFunction {
            params: param_names,
            body: lowered,
        };
        self.values.remove(&name.name);
        self.functions.insert(name.name.clone(), function);
        self.remember(&name.name);
        Ok(Outcome::Function {
            name: name.name.clone(),
            params: params.iter().map(|p| p.name.clone()).collect(),
            body: self.with_data_shown(lowered)?,
            defined: true,
        })
    }

    /// `body` with the names of data vectors as data (for display: they
    /// print in their own place, `w*X`).
    fn with_data_shown(&self, body: Expr) -> Result<Expr> {
        if !crate::symbolic::data::any_data() {
            return Ok(body);
        }
        let map: HashMap<Rc<str>, Expr> = free_vars(body)
            .into_iter()
            .filter_map(|v| match self.values.get(&*v) {
                Some(Value::Scalar(e)) if e.as_data().is_some() => Some((v, *e)),
                _ => None,
            })
            .collect();
        substitute(body, &map)
    }

    /// Vectors of different lengths in a body are an error when it is
    /// defined (with the data defined now), not only when it is used.
    fn check_data_lengths(&self, body: Expr, params: &[Rc<str>], span: Span) -> Result<()> {
        if !crate::symbolic::data::any_data() {
            return Ok(());
        }
        let resolved = self.resolve(body, params).map_err(|e| e.at(span))?;
        match crate::symbolic::data::data_len(resolved) {
            Err(m) => Err(crate::symbolic::data::mismatch_error(&[resolved], m).at(span)),
            Ok(_) => Ok(()),
        }
    }

    /// A definition that would make a function call itself, directly or
    /// through others, is refused.
    fn check_no_cycle(&self, name: &str, body: Expr, span: Span) -> Result<()> {
        let mut path = vec![name.to_string()];
        let mut seen = HashSet::new();
        if let Some(cycle) = self.find_path(body, name, &mut path, &mut seen) {
            return Err(Error::name(
                format!(
                    "{name} would call itself ({}): recursion is not allowed",
                    cycle.join(" -> ")
                ),
                span,
            ));
        }
        Ok(())
    }

    fn find_path(
        &self,
        body: Expr,
        target: &str,
        path: &mut Vec<String>,
        seen: &mut HashSet<String>,
    ) -> Option<Vec<String>> {
        for callee in applied_functions(body) {
            path.push(callee.to_string());
            if &*callee == target {
                return Some(path.clone());
            }
            if seen.insert(callee.to_string())
                && let Some(f) = self.functions.get(&*callee)
                && let Some(found) = self.find_path(f.body, target, path, seen)
            {
                return Some(found);
            }
            path.pop();
        }
        None
    }

    fn define_value(&mut self, name: &Ident, value: &syntax::Expr) -> Result<Outcome> {
        check_definable(name)?;
        let lowered = Lowerer::new(self, Mode::Now, Vec::new()).value(value)?;
        let lowered = self.close_value(lowered, name, value.span)?;
        let lowered = match crate::lower::as_data(lowered) {
            Value::Scalar(e) => {
                match crate::data::as_vector(&name.name, e).map_err(|e| e.at(value.span))? {
                    Some(vector) => Value::Scalar(vector),
                    None => Value::Scalar(e),
                }
            }
            other => other,
        };
        if let Value::Function(f) = lowered {
            return self.define_function_value(name, f);
        }
        let shown = shown(&lowered, value.span)?;
        self.functions.remove(&name.name);
        self.values.insert(name.name.clone(), lowered);
        self.remember(&name.name);
        Ok(Outcome::Define {
            name: name.name.clone(),
            value: shown,
        })
    }

    /// `g = f'` defines g as that function.
    fn define_function_value(&mut self, name: &Ident, f: FunctionValue) -> Result<Outcome> {
        let Body::Scalar(body) = f.body else {
            return Err(Error::name(
                format!(
                    "{} has several values; only a function with one value can be named",
                    f.name
                ),
                name.span,
            ));
        };
        self.values.remove(&name.name);
        self.functions.insert(
            name.name.clone(),
            UserFunction {
                params: f.params.clone(),
                body,
            },
        );
        self.remember(&name.name);
        Ok(Outcome::Function {
            name: name.name.clone(),
            params: f.params.iter().map(|p| p.to_string()).collect(),
            body,
            defined: true,
        })
    }

    /// A value must not depend on unknown names: `a = x + 1` suggests
    /// `a(x) = x + 1`.
    fn close_value(&self, value: Value, name: &Ident, span: Span) -> Result<Value> {
        let exprs: Vec<Expr> = match &value {
            Value::Scalar(e) => vec![*e],
            Value::Tuple(v) => v.clone(),
            Value::List(items) => {
                for item in items {
                    self.close_value(item.clone(), name, span)?;
                }
                Vec::new()
            }
            _ => Vec::new(),
        };
        let mut vars: Vec<String> = Vec::new();
        for e in &exprs {
            vars.extend(free_vars(*e).iter().map(|v| v.to_string()));
        }
        vars.sort();
        vars.dedup();
        if vars.is_empty() {
            return Ok(value);
        }
        let body_text = quoted(&vars);
        let body = match &value {
            Value::Scalar(e) => crate::symbolic::print::to_text(*e),
            _ => "...".to_string(),
        };
        Err(Error::name(
            format!(
                "'{}' cannot be a value: it depends on {body_text}, which {} not defined",
                name.name,
                if vars.len() == 1 { "is" } else { "are" }
            ),
            span,
        )
        .with_hint(format!(
            "to define a function, write {}({}) = {}",
            name.name,
            vars.join(", "),
            body
        )))
    }

    fn remember(&mut self, name: &str) {
        if !self.order.iter().any(|n| n == name) {
            self.order.push(name.to_string());
        }
    }

    /// Forgets every definition.
    pub fn clear(&mut self) {
        *self = Session::default();
    }

    // ------------------------------------------------------------ bare expressions

    /// `ans` holds the last bare expression's result, as printed: a value,
    /// or a function for `f'`. It is not a definition (`names` omits it).
    fn keep_as_ans(&mut self, outcome: &Outcome) {
        let exprs = |v: &[f64]| v.iter().map(|x| Expr::float(*x)).collect::<Vec<_>>();
        let value = match outcome {
            Outcome::Number(x) => Value::Scalar(Expr::float(*x)),
            Outcome::Expr(e) => Value::Scalar(*e),
            Outcome::Vector(v) => Value::Tuple(exprs(v)),
            Outcome::Data(v) => Value::Scalar(Expr::data(crate::symbolic::data::DataRef::new(
                "ans",
                v.clone(),
            ))),
            Outcome::Exprs(v) => Value::Tuple(v.clone()),
            Outcome::Matrix(rows) => Value::Matrix(rows.iter().map(|r| exprs(r)).collect()),
            Outcome::ExprsMatrix(rows) => Value::Matrix(rows.clone()),
            Outcome::Str(s) => Value::Str(s.clone()),
            Outcome::Function { params, body, .. } => {
                let params = params.iter().map(|p| Rc::from(p.as_str())).collect();
                self.values.remove("ans");
                self.functions.insert(
                    "ans".into(),
                    UserFunction {
                        params,
                        body: *body,
                    },
                );
                return;
            }
            _ => return,
        };
        self.functions.remove("ans");
        self.values.insert("ans".into(), value);
    }

    fn show(&mut self, e: &syntax::Expr) -> Result<Outcome> {
        let value = Lowerer::new(self, Mode::Now, Vec::new()).value(e)?;
        match value {
            Value::Scalar(x) => Ok(scalar_outcome(simplify(x)?)?),
            Value::Tuple(items) => {
                let items = items
                    .into_iter()
                    .map(simplify)
                    .collect::<Result<Vec<_>>>()?;
                match numbers(&items)? {
                    Some(v) => Ok(Outcome::Vector(v)),
                    None => Ok(Outcome::Exprs(items)),
                }
            }
            Value::Matrix(rows) => matrix_outcome(rows),
            Value::List(_) => match shown(&value, e.span)? {
                Shown::Vector(v) => Ok(Outcome::Data(v)),
                other => Ok(Outcome::List(other)),
            },
            Value::Str(s) => Ok(Outcome::Str(s)),
            Value::Function(FunctionValue {
                body: Body::Matrix(rows),
                ..
            }) => matrix_outcome(rows),
            Value::Function(f) => Ok(function_outcome(f)),
        }
    }

    /// `load("file.csv")`: one data vector per column, all or none.
    fn load(&mut self, e: &syntax::Expr) -> Result<Outcome> {
        let Some(path) = load_path(e) else {
            return Err(Error::internal("load without a path"));
        };
        let columns = crate::data::load_csv(path).map_err(|err| err.at(e.span))?;
        let mut outcomes = Vec::new();
        for (name, values) in columns {
            let data = crate::symbolic::data::DataRef::new(&name, values.clone());
            self.functions.remove(&name);
            self.values
                .insert(name.clone(), Value::Scalar(Expr::data(data)));
            self.remember(&name);
            outcomes.push(Outcome::Define {
                name,
                value: Shown::Vector(values),
            });
        }
        Ok(Outcome::Several(outcomes))
    }

    fn check(&mut self, left: &syntax::Expr, right: &syntax::Expr) -> Result<Outcome> {
        let mut lowerer = Lowerer::new(self, Mode::Now, Vec::new());
        let a = lowerer.scalar(left)?;
        let b = lowerer.scalar(right)?;
        // The two sides meet row by row: the same length rule as `a - b`.
        let both = crate::symbolic::expr::sub(a, b);
        if let Err(m) = crate::symbolic::data::data_len(both) {
            let error = crate::symbolic::data::mismatch_error(&[both], m);
            return Err(error.at(left.span.to(right.span)));
        }
        Ok(Outcome::Check(check(a, b)?))
    }

    // ------------------------------------------------------------ descent

    fn descent(&mut self, d: &Descent, span: Span) -> Result<Outcome> {
        let Some(f) = self.functions.get(&d.function.name) else {
            return Err(self.not_a_defined_function(&d.function));
        };
        let f = self.function_value(&d.function.name, f, d.function.span)?;
        let body = match f.body {
            Body::Scalar(b) => b,
            _ => return Err(Error::internal("user functions have one value")),
        };
        if f.params.is_empty() {
            return Err(Error::name(
                format!("{} has no parameters to optimize", f.name),
                d.function.span,
            ));
        }
        let param_names: Vec<&str> = f.params.iter().map(|p| &**p).collect();
        let verb = match d.sense {
            syntax::Sense::Minimize => "minimized",
            syntax::Sense::Maximize => "maximized",
        };
        let rows = crate::data::reduced(body, &f.name, &param_names, verb)
            .map_err(|e| e.at(d.function.span))?;
        let mut options = self.descent_options(d, f.params.len())?;
        let batches = self.batches(d, &rows)?;
        if let Some(b) = batches {
            options.extra = vec![
                ("batch".into(), b.size as f64),
                ("seed".into(), b.seed as f64),
            ];
        }
        let gradient = gradient(body, &f.params).map_err(|e| e.at(span))?;
        let names: Vec<&str> = f.params.iter().map(|p| &**p).collect();
        let mut outputs = vec![body];
        outputs.extend(&gradient);
        let hessian_exprs = if options.methods.iter().any(Method::needs_hessian) {
            Some(crate::symbolic::hessian(body, &f.params)?.concat())
        } else {
            None
        };
        let compiled = Compiled::new(&outputs, hessian_exprs.as_deref(), &names, !rows.is_empty())
            .map_err(|e| e.at(d.function.span))?;
        let params: Vec<String> = f.params.iter().map(|p| p.to_string()).collect();
        // Before the runs: after a Ctrl-C the symbolic passes would refuse
        // to work, and the interrupted comparison would lose its report.
        // The theory is that of full-batch steps.
        let theory = match (options.over, batches) {
            (Some(_), None) => {
                constant_hessian(&gradient, &f.params)?.and_then(|h| theory::quadratic(&h))
            }
            _ => None,
        };
        let mut runs = Vec::new();
        for (start, lr, method) in options.combinations() {
            let config = Config {
                sense: d.sense,
                lr,
                steps: options.steps,
                tol: options.tol,
                method: method.clone(),
            };
            let run = compiled.run(&start, &config, batches);
            let mut settings = vec![("lr".to_string(), lr)];
            settings.extend(
                method
                    .settings()
                    .into_iter()
                    .map(|(k, v)| (k.to_string(), v)),
            );
            settings.extend(options.extra.iter().cloned());
            let interrupted = run.status == descent::Status::Interrupted;
            runs.push(DescentOutcome {
                function: d.function.name.clone(),
                params: params.clone(),
                body,
                gradient: gradient.clone(),
                sense: d.sense,
                method: method.name().to_string(),
                settings,
                start,
                max_steps: options.steps,
                every: options.every,
                run,
                all_rows: batches
                    .and(rows.first().copied())
                    .filter(|&n| batches.is_some_and(|b| n < b.size)),
            });
            if interrupted {
                break;
            }
        }
        match options.over {
            None => Ok(Outcome::Descent(Box::new(runs.remove(0)))),
            Some(over) => Ok(Outcome::Compare(Box::new(CompareOutcome {
                over,
                theory,
                runs,
            }))),
        }
    }

    pub(crate) fn not_a_defined_function(&self, name: &Ident) -> Error {
        let what = if self.values.contains_key(&name.name) {
            "is a value, not a function"
        } else {
            "is not a defined function"
        };
        let mut error = Error::name(format!("'{}' {what}", name.name), name.span);
        let names = self.function_names();
        if let Some(c) = crate::suggest::closest(&name.name, names.iter().map(String::as_str)) {
            error = error.with_hint(format!("did you mean '{c}'?"));
        }
        error
    }

    fn descent_options(&self, d: &Descent, n_params: usize) -> Result<DescentOptions> {
        let number = |e: &Option<syntax::Expr>, what: &str| -> Result<Option<(f64, Span)>> {
            let Some(e) = e else { return Ok(None) };
            let v = Lowerer::new(self, Mode::Now, Vec::new()).scalar(e)?;
            let x = constant_value(v)
                .ok_or_else(|| Error::name(format!("{what} must be a number"), e.span))?;
            Ok(Some((x, e.span)))
        };
        let steps = match number(&d.steps, "steps")? {
            None => 100,
            Some((x, span)) => whole(x, "steps", span, 0)?,
        };
        let tol = match number(&d.tol, "tol")? {
            None => 0.0,
            Some((x, span)) if x >= 0.0 && x.is_finite() => {
                let _ = span;
                x
            }
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
        plot::check_descent_clause(d)?;
        let (starts, starts_listed) = self.starts(&d.from, n_params, &d.function.name)?;
        let (rates, rates_listed) = self.rates(d.lr.as_ref())?;
        let listed: Vec<&'static str> = [
            (starts_listed, "start"),
            (rates_listed, "lr"),
            (methods_listed, "method"),
        ]
        .into_iter()
        .filter(|(listed, _)| *listed)
        .map(|(_, name)| name)
        .collect();
        if listed.len() > 1 {
            return Err(Error::name(
                format!(
                    "a comparison varies one setting at a time; here {} are all lists",
                    listed.join(" and ")
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
            extra: Vec::new(),
        })
    }

    /// `batch N` and `seed S`: minibatches of N rows (at most the rows
    /// there are), shuffled from seed S (`data::DEFAULT_SEED` when absent).
    fn batches(&self, d: &Descent, rows: &[usize]) -> Result<Option<descent::Batches>> {
        let number = |e: &syntax::Expr, what: &str, min: u64| -> Result<u64> {
            let v = Lowerer::new(self, Mode::Now, Vec::new()).scalar(e)?;
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
            None => crate::data::DEFAULT_SEED,
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
            let mut args = Vec::new();
            for arg in &m.args {
                let v = Lowerer::new(self, Mode::Now, Vec::new()).scalar(&arg.value)?;
                let x = constant_value(v).ok_or_else(|| {
                    Error::name("a method's setting must be a number", arg.value.span)
                })?;
                args.push((arg.name.as_ref().map(|n| n.name.as_str()), x));
            }
            methods
                .push(Method::from_spec(&m.name.name, &args).map_err(|e| Error::name(e, m.span))?);
        }
        Ok(methods)
    }

    /// The starting points, and whether they were written as a list.
    fn starts(&self, from: &syntax::Expr, n: usize, name: &str) -> Result<(Vec<Vec<f64>>, bool)> {
        let value = data_as_list(Lowerer::new(self, Mode::Now, Vec::new()).value(from)?);
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
            return Ok((vec![0.1], false));
        };
        let value = data_as_list(Lowerer::new(self, Mode::Now, Vec::new()).value(lr)?);
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

struct DescentOptions {
    starts: Vec<Vec<f64>>,
    rates: Vec<f64>,
    methods: Vec<Method>,
    /// The one setting written as a list, if any: `start`, `lr` or `method`.
    over: Option<&'static str>,
    steps: u64,
    tol: f64,
    every: Option<u64>,
    /// Settings shown after the method's: `batch` and `seed`.
    extra: Vec<(String, f64)>,
}

/// A loss compiled for descent: a tape, or a program over data rows.
enum Compiled {
    Tape(crate::compile::Tape, Option<crate::compile::Tape>),
    Rows(
        crate::compile::DataProgram,
        Option<crate::compile::DataProgram>,
    ),
}

impl Compiled {
    fn new(
        outputs: &[Expr],
        hessian: Option<&[Expr]>,
        names: &[&str],
        data: bool,
    ) -> Result<Compiled> {
        use crate::compile::compile_rows;
        Ok(if data {
            let h = hessian.map(|h| compile_rows(h, names)).transpose()?;
            Compiled::Rows(compile_rows(outputs, names)?, h)
        } else {
            let h = hessian.map(|h| compile(h, names)).transpose()?;
            Compiled::Tape(compile(outputs, names)?, h)
        })
    }

    fn run(
        &self,
        start: &[f64],
        config: &Config,
        batches: Option<descent::Batches>,
    ) -> descent::Run {
        match self {
            Compiled::Tape(tape, hessian) => {
                let objective = match hessian {
                    Some(h) => Objective::with_hessian(tape, h),
                    None => Objective::new(tape),
                };
                descent::run(objective, start, config, &INTERRUPT)
            }
            Compiled::Rows(program, hessian) => {
                let objective = descent::DataObjective {
                    program,
                    hessian: hessian.as_ref(),
                };
                descent::run_rows(objective, start, config, batches, &INTERRUPT)
            }
        }
    }
}

impl DescentOptions {
    /// Every run to make; at most one of the three lists is longer than one.
    fn combinations(&self) -> Vec<(Vec<f64>, f64, Method)> {
        let mut out = Vec::new();
        for start in &self.starts {
            for lr in &self.rates {
                for method in &self.methods {
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
    for g in gradient {
        let row: Option<Vec<f64>> = crate::symbolic::gradient(*g, params)?
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

/// The number a closed expression stands for, or `None` if it has free
/// variables.
pub fn constant_value(e: Expr) -> Option<f64> {
    if let Some(n) = e.as_num() {
        return Some(n.to_f64());
    }
    if !free_vars(e).is_empty() || !applied_functions(e).is_empty() {
        return None;
    }
    if has_data(e) {
        return match crate::data::evaluate(e) {
            Ok(Some(Evaluated::Number(x))) => Some(x),
            _ => None,
        };
    }
    let tape = compile(&[e], &[]).ok()?;
    tape.eval_once(&[]).first().copied()
}

fn scalar_outcome(e: Expr) -> Result<Outcome> {
    if has_data(e) {
        return Ok(match crate::data::evaluate(e)? {
            Some(Evaluated::Number(x)) => Outcome::Number(x),
            Some(Evaluated::Vector(v)) => Outcome::Data(v),
            None => Outcome::Expr(e),
        });
    }
    Ok(match constant_value(e) {
        Some(x) => Outcome::Number(x),
        None => Outcome::Expr(e),
    })
}

/// All numbers, or `None` if some element has free variables.
fn numbers(items: &[Expr]) -> Result<Option<Vec<f64>>> {
    Ok(items.iter().map(|e| constant_value(*e)).collect())
}

fn matrix_outcome(rows: Vec<Vec<Expr>>) -> Result<Outcome> {
    let rows = rows
        .into_iter()
        .map(|r| r.into_iter().map(simplify).collect::<Result<Vec<_>>>())
        .collect::<Result<Vec<_>>>()?;
    let values: Option<Vec<Vec<f64>>> = rows
        .iter()
        .map(|r| r.iter().map(|e| constant_value(*e)).collect())
        .collect();
    Ok(match values {
        Some(v) => Outcome::Matrix(v),
        None => Outcome::ExprsMatrix(rows),
    })
}

fn function_outcome(f: FunctionValue) -> Outcome {
    match f.body {
        Body::Scalar(body) => Outcome::Function {
            name: f.name,
            params: f.params.iter().map(|p| p.to_string()).collect(),
            body,
            defined: false,
        },
        Body::Vector(items) => Outcome::Exprs(items),
        Body::Matrix(rows) => Outcome::ExprsMatrix(rows),
    }
}

/// A defined value as numbers, for reports.
fn shown(value: &Value, span: Span) -> Result<Shown> {
    let number = |e: &Expr| {
        constant_value(*e).ok_or_else(|| Error::name("a value must be made of numbers", span))
    };
    match value {
        Value::Scalar(e) if e.as_data().is_some() => Ok(Shown::Vector(
            e.as_data().map_or(Vec::new(), |d| d.values().to_vec()),
        )),
        Value::Scalar(e) => Ok(Shown::Number(number(e)?)),
        Value::Tuple(items) => Ok(Shown::Tuple(
            items.iter().map(number).collect::<Result<_>>()?,
        )),
        Value::List(items) => {
            let all: Vec<Shown> = items
                .iter()
                .map(|i| shown(i, span))
                .collect::<Result<_>>()?;
            if all.iter().all(|s| matches!(s, Shown::Number(_))) {
                Ok(Shown::Vector(
                    all.iter()
                        .map(|s| if let Shown::Number(x) = s { *x } else { 0.0 })
                        .collect(),
                ))
            } else {
                Ok(Shown::List(all))
            }
        }
        other => Err(Error::name(
            format!("{} cannot be stored as a value", other.describe()),
            span,
        )),
    }
}

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

/// The path of a `load("...")` statement.
fn load_path(e: &syntax::Expr) -> Option<&str> {
    let syntax::ExprKind::Call { callee, args } = &e.kind else {
        return None;
    };
    match (&callee.kind, args.as_slice()) {
        (syntax::ExprKind::Name(name), [arg]) if name == "load" => match &arg.kind {
            syntax::ExprKind::String(path) => Some(path),
            _ => None,
        },
        _ => None,
    }
}

fn check_definable(name: &Ident) -> Result<()> {
    let n = name.name.as_str();
    if crate::builtins::is_builtin_name(n) {
        return Err(Error::name(
            format!("'{n}' is a built-in function and cannot be redefined"),
            name.span,
        ));
    }
    Ok(())
}

/// `'x'` or `'x', 'y'`.
fn quoted(vars: &[String]) -> String {
    let quoted: Vec<String> = vars.iter().map(|v| format!("'{v}'")).collect();
    quoted.join(", ")
}

/// Whether `outcome` is a run cut short by Ctrl-C (its report says so).
pub fn is_interrupted_run(outcome: &Outcome) -> bool {
    match outcome {
        Outcome::Descent(d) => d.run.status == descent::Status::Interrupted,
        Outcome::Compare(c) => c
            .runs
            .iter()
            .any(|r| r.run.status == descent::Status::Interrupted),
        _ => false,
    }
}

/// A call whose callee was redefined with another number of parameters.
fn arity_changed(owner: Option<&str>, name: &str, given: usize, params: &[Rc<str>]) -> Error {
    let plural = |n: usize| if n == 1 { "argument" } else { "arguments" };
    let caller = owner.unwrap_or("this");
    let list: Vec<&str> = params.iter().map(|p| &**p).collect();
    Error::new(
        ErrorKind::Name,
        format!(
            "{caller} calls {name} with {given} {}, but {name} now takes {} ({})",
            plural(given),
            params.len(),
            list.join(", ")
        ),
    )
    .with_hint(format!(
        "{name} was redefined after {caller} was defined: redefine {caller} to call it with {} {}",
        params.len(),
        plural(params.len())
    ))
}
