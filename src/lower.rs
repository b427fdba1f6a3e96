//! Lowering: syntax-tree expressions to values, with name resolution.
//!
//! This is where names meet meaning: parameters, defined values, user
//! functions, built-ins and constants; where arity is checked and `diff`,
//! `grad`, `hessian`, `simplify`, `expand`, `latex` run. Errors point at
//! the span of the offending name or call.
//!
//! Invariant: the symbolic expressions this produces carry no spans and
//! mention only parameters, free variables (in bare expressions), defined
//! values and user functions by name (`Apply`, inside function bodies);
//! `resolve` replaces the last two with the current definitions.

use std::rc::Rc;

use crate::builtins;
use crate::defs::Defs;
use crate::error::{Error, ErrorKind, Result};
use crate::suggest;
use crate::symbolic::diff::differentiate_n;
use crate::symbolic::expr::{self, Constant, Func};
use crate::symbolic::print::to_latex;
use crate::symbolic::rewrite::check_budget;
use crate::symbolic::simplify::{expand, simplify};
use crate::symbolic::{Expr, Num, gradient_shown, hessian};
use crate::syntax::{self, BinOp, ExprKind, Span};
use crate::value::{Body, FunctionValue, Value, apply_function, as_data, check_lengths, combine};

/// The highest order `diff(e, x, n)` takes.
pub const MAX_DERIVATIVE_ORDER: i64 = 1000;

/// Where an expression is being lowered.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// A bare expression or a value definition: defined names are replaced
    /// now, unknown names are free variables.
    Now,
    /// The body of a function being defined: defined names stay names
    /// (looked up when the function is used); unknown names are errors.
    Body,
}

pub struct Lowerer<'a> {
    pub defs: &'a Defs,
    pub mode: Mode,
    /// Parameters in scope (and the variable of an enclosing `diff`).
    pub params: Vec<Rc<str>>,
    /// The function being defined, for error messages.
    pub defining: Option<&'a str>,
}

impl<'a> Lowerer<'a> {
    pub fn new(defs: &'a Defs, mode: Mode, params: Vec<Rc<str>>) -> Lowerer<'a> {
        Lowerer {
            defs,
            mode,
            params,
            defining: None,
        }
    }

    pub fn value(&mut self, e: &syntax::Expr) -> Result<Value> {
        check_budget()?;
        match &e.kind {
            ExprKind::Number(text) => Num::parse(text)
                .map(|n| Value::Scalar(Expr::num(n)))
                .ok_or_else(|| Error::syntax(format!("'{text}' is not a number"), e.span)),
            ExprKind::Name(name) => self.name(name, e.span),
            ExprKind::String(s) => Ok(Value::Str(s.clone())),
            ExprKind::Neg(inner) => Ok(Value::Scalar(expr::neg(self.scalar(inner)?))),
            ExprKind::Pos(inner) | ExprKind::Paren(inner) => self.value(inner),
            ExprKind::Binary {
                op: BinOp::Add | BinOp::Sub,
                ..
            } => self.sum_chain(e),
            ExprKind::Binary {
                op: BinOp::Mul | BinOp::Div,
                ..
            } => self.product_chain(e),
            ExprKind::Binary {
                op, left, right, ..
            } => self.binary(*op, left, right, e.span),
            ExprKind::Call { callee, args } => self.call(callee, args, e.span),
            ExprKind::Prime { target, order } => self.prime(target, *order, e.span),
            ExprKind::Tuple(items) => Ok(Value::Tuple(
                items
                    .iter()
                    .map(|i| self.scalar(i))
                    .collect::<Result<_>>()?,
            )),
            ExprKind::List(items) => self.list(items, e.span),
        }
    }

    /// `[1, 2, 3]` (data, or several `lr`) or `[(0, 0), (1, 1)]` (several
    /// starts): never empty, nested or mixed, which no statement can use.
    fn list(&mut self, items: &[syntax::Expr], span: Span) -> Result<Value> {
        if items.is_empty() {
            return Err(Error::name(
                "this list is empty: a list needs at least one value",
                span,
            ));
        }
        let values = items
            .iter()
            .map(|i| self.value(i))
            .collect::<Result<Vec<_>>>()?;
        // The first item says what the list holds.
        let points = matches!(values[0], Value::Tuple(_));
        for (value, item) in values.iter().zip(items) {
            let problem = match value {
                Value::List(_) => "a list inside a list",
                Value::Tuple(_) if !points => "a point among numbers",
                Value::Scalar(_) if points => "a number among points",
                _ => continue,
            };
            return Err(Error::name(
                format!(
                    "{problem}: a list holds numbers ([1, 2, 3], data or several lr) \
                     or points ([(0, 0), (1, 1)], several starts), not a mix"
                ),
                item.span,
            ));
        }
        Ok(Value::List(values))
    }

    /// Lowers `e`, which must be a number or symbolic expression (a list of
    /// numbers is a data vector).
    pub fn scalar(&mut self, e: &syntax::Expr) -> Result<Expr> {
        match as_data(self.value(e)?) {
            Value::Scalar(x) => Ok(x),
            Value::Function(f) => Err(Error::name(
                format!(
                    "'{}' is a function, not a number: call it, as in {}",
                    f.name,
                    call_example(&f)
                ),
                e.span,
            )),
            other => Err(Error::name(
                format!(
                    "expected a number or an expression here, not {}",
                    other.describe()
                ),
                e.span,
            )),
        }
    }

    /// `a + b - c + ...` as one sum: walking the left spine without
    /// recursion and building the sum once keeps a 1,000-term polynomial
    /// linear (adding terms one by one would re-sort the sum each time).
    fn sum_chain(&mut self, e: &syntax::Expr) -> Result<Value> {
        let mut terms: Vec<(bool, &syntax::Expr)> = Vec::new();
        let mut spine = e;
        while let ExprKind::Binary {
            op: op @ (BinOp::Add | BinOp::Sub),
            left,
            right,
            ..
        } = &spine.kind
        {
            terms.push((*op == BinOp::Sub, right));
            spine = left;
        }
        terms.push((false, spine));
        terms.reverse();
        let values = terms
            .iter()
            .map(|(_, t)| self.value(t))
            .collect::<Result<Vec<_>>>()?;
        if values.iter().all(|v| matches!(v, Value::Scalar(_))) {
            let scalars: Vec<Expr> = values
                .into_iter()
                .zip(&terms)
                .filter_map(|(v, (negative, _))| match v {
                    Value::Scalar(x) if *negative => Some(expr::neg(x)),
                    Value::Scalar(x) => Some(x),
                    _ => None,
                })
                .collect();
            let sum = expr::add(scalars);
            check_lengths(sum, e.span)?;
            return Ok(Value::Scalar(sum));
        }
        // Tuples and other values: pairwise, with the usual errors.
        let mut values = values.into_iter();
        let mut acc = values.next().unwrap_or(Value::Scalar(Expr::zero()));
        for ((negative, term), value) in terms.iter().skip(1).zip(values) {
            let op = if *negative { BinOp::Sub } else { BinOp::Add };
            acc = combine(op, acc, value, term.span.to(e.span))?;
        }
        Ok(acc)
    }

    /// `a b / c * ...`, left to right as written (so `2(x - 3) y` keeps
    /// the `2x - 6` that `2(x - 3)` makes), walking the left spine without
    /// recursion: a product of 100,000 factors is one level of nesting.
    fn product_chain(&mut self, e: &syntax::Expr) -> Result<Value> {
        let mut links: Vec<(BinOp, &syntax::Expr, Span)> = Vec::new();
        let mut spine = e;
        while let ExprKind::Binary {
            op: op @ (BinOp::Mul | BinOp::Div),
            left,
            right,
            ..
        } = &spine.kind
        {
            links.push((*op, right, spine.span));
            spine = left;
        }
        let mut acc = self.value(spine)?;
        for (op, right, span) in links.into_iter().rev() {
            let value = self.value(right)?;
            acc = combine(op, acc, value, span)?;
        }
        Ok(acc)
    }

    fn binary(
        &mut self,
        op: BinOp,
        left: &syntax::Expr,
        right: &syntax::Expr,
        span: Span,
    ) -> Result<Value> {
        let a = self.value(left)?;
        let b = self.value(right)?;
        combine(op, a, b, span)
    }

    /// `sum(v)`, `min(X, Y)`, ...: a built-in call, element by element on
    /// data.
    fn builtin_call(&mut self, func: Func, args: &[syntax::Expr], span: Span) -> Result<Value> {
        let values = self.scalar_args(func.name(), args, func.arity(), span)?;
        // `sum(e)` and `mean(e)` of an expression without data are `e`
        // (one row); in a function body a name may later be data, so
        // the reduction stays until the body is used.
        if func.is_reduction()
            && self.mode == Mode::Now
            && !crate::symbolic::data::has_data(values[0])
        {
            return Ok(Value::Scalar(values[0]));
        }
        let result = expr::call(func, values);
        check_lengths(result, span)?;
        Ok(Value::Scalar(result))
    }

    // ------------------------------------------------------------ names

    fn name(&mut self, name: &str, span: Span) -> Result<Value> {
        if self.params.iter().any(|p| &**p == name) {
            return Ok(Value::Scalar(Expr::var(name)));
        }
        if let Some(value) = self.defs.value(name) {
            return match (self.mode, value) {
                (Mode::Body, Value::Scalar(_)) => Ok(Value::Scalar(Expr::var(name))),
                (_, v) => Ok(v.clone()),
            };
        }
        if let Some(f) = self.defs.function(name) {
            return Ok(Value::Function(self.defs.function_value(name, f, span)?));
        }
        match name {
            "pi" | "π" => return Ok(Value::Scalar(Expr::constant(Constant::Pi))),
            "e" => return Ok(Value::Scalar(Expr::constant(Constant::E))),
            _ => {}
        }
        if builtins::is_builtin_name(name) {
            return Err(Error::name(
                format!("'{name}' is a built-in function: call it, as in {name}(x)"),
                span,
            ));
        }
        if self.mode == Mode::Body {
            return Err(self.unknown_name(name, span));
        }
        if let Some(hint) = glued_call(name) {
            return Err(Error::name(format!("unknown name '{name}'"), span).with_hint(hint));
        }
        Ok(Value::Scalar(Expr::var(name)))
    }

    fn unknown_name(&self, name: &str, span: Span) -> Error {
        let params: Vec<&str> = self.params.iter().map(|p| &**p).collect();
        let owner = self.defining.unwrap_or("the function");
        let message = match params.len() {
            0 => format!("unknown name '{name}': {owner} has no parameters"),
            1 => format!(
                "unknown name '{name}': the parameter of {owner} is {}",
                params[0]
            ),
            _ => format!(
                "unknown name '{name}': the parameters of {owner} are {}",
                params.join(", ")
            ),
        };
        let error = Error::name(message, span);
        match glued_call(name).or_else(|| self.did_you_mean(name)) {
            Some(hint) => error.with_hint(hint),
            None => error,
        }
    }

    fn did_you_mean(&self, name: &str) -> Option<String> {
        let mut candidates: Vec<String> = self.params.iter().map(|p| p.to_string()).collect();
        candidates.extend(self.defs.names().iter().cloned());
        candidates.extend(["pi", "e"].map(String::from));
        suggest::closest(name, candidates.iter().map(String::as_str))
            .map(|c| format!("did you mean '{c}'?"))
    }

    // ------------------------------------------------------------ calls

    fn call(&mut self, callee: &syntax::Expr, args: &[syntax::Expr], span: Span) -> Result<Value> {
        let ExprKind::Name(name) = &callee.kind else {
            return self.call_value(callee, args, span);
        };
        if self.params.iter().any(|p| **p == **name) || self.defs.value(name).is_some() {
            return Err(not_a_function(name, args, callee.span));
        }
        if self.defining == Some(name.as_str()) {
            return Err(Error::name(
                format!("{name} would call itself ({name} -> {name}): recursion is not allowed"),
                callee.span,
            ));
        }
        if self.defs.function(name).is_some() {
            return self.call_user(name, args, span);
        }
        match name.as_str() {
            "diff" => return self.diff(args, span),
            "grad" => return self.grad(args, span),
            "hessian" => return self.hessian(args, span),
            "simplify" => return self.rewrite(args, span, "simplify", simplify),
            "expand" => return self.rewrite(args, span, "expand", expand),
            "latex" => return self.latex(args, span),
            "sqrt" => {
                let [x] = self.scalars::<1>(name, args, span)?;
                return Ok(Value::Scalar(expr::sqrt(x)));
            }
            "log" => return self.log(args, span),
            _ => {}
        }
        if let Some(func) = builtins::function(name) {
            return self.builtin_call(func, args, span);
        }
        if name == "load" {
            return Err(Error::name(
                "load takes a file name in quotes, on a line by itself: load(\"file.csv\")",
                span,
            ));
        }
        let mut error = Error::name(format!("unknown function '{name}'"), callee.span);
        let mut known: Vec<String> = builtins::callable_names().map(String::from).collect();
        known.extend(self.defs.function_names());
        error = match suggest::closest(name, known.iter().map(String::as_str)) {
            Some(c) => error.with_hint(format!("did you mean '{c}'?")),
            None => error.with_hint(format!("to multiply, write {name}*(...)")),
        };
        Err(error)
    }

    /// `(x + 1)(x - 1)`, `grad(f)(1, 2)`, `f(2)(3)`: a call when the left is
    /// a function, a product otherwise.
    fn call_value(
        &mut self,
        callee: &syntax::Expr,
        args: &[syntax::Expr],
        span: Span,
    ) -> Result<Value> {
        match self.value(callee)? {
            Value::Function(f) => {
                let values = self.scalar_args(&f.name, args, f.params.len(), span)?;
                apply_function(&f, &values)
            }
            Value::Scalar(left) => match args {
                [single] => {
                    let right = self.value(single)?;
                    match right {
                        Value::Scalar(r) => Ok(Value::Scalar(expr::mul([left, r]))),
                        other => Err(Error::name(
                            format!("cannot multiply a number and {}", other.describe()),
                            single.span,
                        )),
                    }
                }
                _ => Err(Error::name(
                    "a number followed by a tuple: write '*' between them, or call a function",
                    span,
                )),
            },
            other => Err(Error::name(
                format!("{} cannot be called", other.describe()),
                callee.span,
            )),
        }
    }

    fn call_user(&mut self, name: &str, args: &[syntax::Expr], span: Span) -> Result<Value> {
        let Some(f) = self.defs.function(name) else {
            return Err(Error::internal(format!("function '{name}' vanished")));
        };
        let arity = f.params.len();
        let values = self.scalar_args(name, args, arity, span)?;
        if self.mode == Mode::Body {
            return Ok(Value::Scalar(expr::apply(name, values)));
        }
        let f = self.defs.function_value(name, f, span)?;
        apply_function(&f, &values)
    }

    fn scalar_args(
        &mut self,
        name: &str,
        args: &[syntax::Expr],
        arity: usize,
        span: Span,
    ) -> Result<Vec<Expr>> {
        if args.len() != arity {
            return Err(arity_error(name, arity, args.len(), span));
        }
        args.iter().map(|a| self.scalar(a)).collect()
    }

    fn scalars<const N: usize>(
        &mut self,
        name: &str,
        args: &[syntax::Expr],
        span: Span,
    ) -> Result<[Expr; N]> {
        let values = self.scalar_args(name, args, N, span)?;
        values
            .try_into()
            .map_err(|_| Error::internal("arity checked above"))
    }

    /// `log(x)` is ln(x); `log(x, b)` is ln(x)/ln(b).
    fn log(&mut self, args: &[syntax::Expr], span: Span) -> Result<Value> {
        match args.len() {
            1 => {
                let [x] = self.scalars::<1>("log", args, span)?;
                Ok(Value::Scalar(expr::call(Func::Ln, vec![x])))
            }
            2 => {
                let [x, b] = self.scalars::<2>("log", args, span)?;
                let ln = |v| expr::call(Func::Ln, vec![v]);
                Ok(Value::Scalar(expr::div(ln(x), ln(b))))
            }
            n => Err(Error::name(
                format!("log takes 1 or 2 arguments (log(x) or log(x, base)), not {n}"),
                span,
            )),
        }
    }

    // ------------------------------------------------------------ derivatives

    /// `diff(EXPR, x)` or `diff(EXPR, x, n)`.
    fn diff(&mut self, args: &[syntax::Expr], span: Span) -> Result<Value> {
        if !(2..=3).contains(&args.len()) {
            return Err(Error::name(
                format!(
                    "diff takes 2 or 3 arguments: diff(EXPR, x) or diff(EXPR, x, n), not {}",
                    args.len()
                ),
                span,
            ));
        }
        let ExprKind::Name(var) = &args[1].kind else {
            return Err(Error::name(
                "the second argument of diff must be a variable name, as in diff(x^2, x)",
                args[1].span,
            ));
        };
        let order = match args.get(2) {
            Some(n) => self.order(n)?,
            None => 1,
        };
        let target = self.diff_target(&args[0], var)?;
        let derivative = differentiate_n(target, var, order).map_err(|e| e.at(span))?;
        Ok(Value::Scalar(simplify(derivative)?))
    }

    /// The expression to differentiate: a function name means its body (with
    /// `var` one of its parameters); anything else is lowered with `var` as
    /// a variable even where a value of that name is defined.
    fn diff_target(&mut self, e: &syntax::Expr, var: &str) -> Result<Expr> {
        if let ExprKind::Name(name) = &e.kind
            && let Some(f) = self.defs.function(name)
        {
            let f = self.defs.function_value(name, f, e.span)?;
            if !f.params.iter().any(|p| &**p == var) {
                let params: Vec<&str> = f.params.iter().map(|p| &**p).collect();
                return Err(Error::name(
                    format!(
                        "'{var}' is not a parameter of {name}, whose parameters are {}",
                        params.join(", ")
                    ),
                    e.span,
                ));
            }
            return scalar_body(&f, e.span);
        }
        let var: Rc<str> = var.into();
        self.params.push(var);
        // Resolve before popping `var`: resolving replaces defined values,
        // and `var` must stay a variable even where a value of that name
        // is defined.
        let lowered = self.scalar(e).and_then(|l| self.resolve_now(l));
        self.params.pop();
        lowered
    }

    /// In a function body, references to other functions must be inlined
    /// before differentiating.
    fn resolve_now(&self, e: Expr) -> Result<Expr> {
        self.defs.resolve(e, &self.params)
    }

    fn order(&mut self, e: &syntax::Expr) -> Result<u32> {
        let value = self.scalar(e)?;
        let n = value.as_num().and_then(Num::as_integer);
        match n {
            Some(n @ 0..=MAX_DERIVATIVE_ORDER) => Ok(n as u32),
            _ => Err(Error::name(
                format!(
                    "the order of a derivative must be a whole number from 0 to {MAX_DERIVATIVE_ORDER}"
                ),
                e.span,
            )),
        }
    }

    /// The function named by a one-argument special form: `grad(f)`.
    fn function_arg(
        &mut self,
        form: &str,
        args: &[syntax::Expr],
        span: Span,
    ) -> Result<FunctionValue> {
        if args.len() != 1 {
            return Err(arity_error(form, 1, args.len(), span));
        }
        match self.value(&args[0])? {
            Value::Function(f) => Ok(f),
            other => Err(Error::name(
                format!(
                    "{form} needs a function, as in {form}(f), not {}",
                    other.describe()
                ),
                args[0].span,
            )),
        }
    }

    fn grad(&mut self, args: &[syntax::Expr], span: Span) -> Result<Value> {
        let f = self.function_arg("grad", args, span)?;
        let body = scalar_body(&f, args[0].span)?;
        let partials = gradient_shown(body, &f.params)?;
        Ok(Value::Function(FunctionValue {
            name: format!("grad({})", f.name),
            params: f.params,
            body: Body::Vector(partials),
        }))
    }

    fn hessian(&mut self, args: &[syntax::Expr], span: Span) -> Result<Value> {
        let f = self.function_arg("hessian", args, span)?;
        let body = scalar_body(&f, args[0].span)?;
        let rows = hessian(body, &f.params)?
            .into_iter()
            .map(|row| row.into_iter().map(simplify).collect::<Result<Vec<_>>>())
            .collect::<Result<Vec<_>>>()?;
        Ok(Value::Function(FunctionValue {
            name: format!("hessian({})", f.name),
            params: f.params,
            body: Body::Matrix(rows),
        }))
    }

    /// `f'`, `f''`: the derivative of a one-parameter function.
    fn prime(&mut self, target: &syntax::Expr, order: u32, span: Span) -> Result<Value> {
        let f = match self.value(target)? {
            Value::Function(f) => f,
            other => {
                return Err(Error::name(
                    format!(
                        "a prime (') follows a function name, as in f'; this is {}",
                        other.describe()
                    ),
                    span,
                ));
            }
        };
        if f.params.len() != 1 {
            let params: Vec<&str> = f.params.iter().map(|p| &**p).collect();
            let hint = match params.first() {
                Some(first) => format!("write diff({}, {first}) or grad({})", f.name, f.name),
                None => "a function without parameters has no derivative".to_string(),
            };
            return Err(Error::name(
                format!(
                    "{}' needs a function of one parameter; {} has {} ({})",
                    f.name,
                    f.name,
                    params.len(),
                    params.join(", ")
                ),
                span,
            )
            .with_hint(hint));
        }
        let body = scalar_body(&f, span)?;
        let derivative = differentiate_n(body, &f.params[0], order).map_err(|e| e.at(span))?;
        Ok(Value::Function(FunctionValue {
            name: format!("{}{}", f.name, "'".repeat(order as usize)),
            params: f.params,
            body: Body::Scalar(simplify(derivative)?),
        }))
    }

    fn rewrite(
        &mut self,
        args: &[syntax::Expr],
        span: Span,
        form: &str,
        pass: fn(Expr) -> Result<Expr>,
    ) -> Result<Value> {
        let [x] = self.scalars::<1>(form, args, span)?;
        let x = self.resolve_now(x)?;
        Ok(Value::Scalar(pass(x).map_err(|e| e.at(span))?))
    }

    fn latex(&mut self, args: &[syntax::Expr], span: Span) -> Result<Value> {
        if args.len() != 1 {
            return Err(arity_error("latex", 1, args.len(), span));
        }
        let text = match self.value(&args[0])? {
            Value::Scalar(x) => to_latex(self.resolve_now(x)?),
            Value::Function(f) => match &f.body {
                Body::Scalar(b) => to_latex(*b),
                Body::Vector(v) => latex_tuple(v),
                Body::Matrix(_) => {
                    return Err(Error::name("latex of a matrix is not supported", span));
                }
            },
            Value::Tuple(v) => latex_tuple(&v),
            other => {
                return Err(Error::name(
                    format!("latex needs an expression, not {}", other.describe()),
                    span,
                ));
            }
        };
        Ok(Value::Str(text))
    }
}

fn latex_tuple(items: &[Expr]) -> String {
    let parts: Vec<String> = items.iter().map(|i| to_latex(*i)).collect();
    format!("\\left({}\\right)", parts.join(", "))
}

fn scalar_body(f: &FunctionValue, span: Span) -> Result<Expr> {
    match &f.body {
        Body::Scalar(b) => Ok(*b),
        _ => Err(Error::name(
            format!("{} is not a function with a single value", f.name),
            span,
        )),
    }
}

fn arity_error(name: &str, arity: usize, given: usize, span: Span) -> Error {
    let plural = |n: usize| if n == 1 { "argument" } else { "arguments" };
    Error::new(
        ErrorKind::Name,
        format!(
            "{name} takes {arity} {}, but {given} {} given",
            plural(arity),
            if given == 1 { "was" } else { "were" }
        ),
    )
    .at(span)
}

fn not_a_function(name: &str, args: &[syntax::Expr], span: Span) -> Error {
    let hint = if args.len() == 1 {
        format!("write {name}*(...) to multiply")
    } else {
        "write '*' to multiply".into()
    };
    Error::name(
        format!("'{name}' is not a function, so '{name}(' cannot call it"),
        span,
    )
    .with_hint(hint)
}

fn call_example(f: &FunctionValue) -> String {
    let params: Vec<&str> = f.params.iter().map(|p| &**p).collect();
    format!("{}({})", f.name, params.join(", "))
}

/// `sinx` -> "did you mean sin(x)?": a function of numbers glued to a
/// short name.
fn glued_call(name: &str) -> Option<String> {
    let numeric = Func::ALL.iter().map(|f| f.name()).chain(["sqrt", "log"]);
    suggest::glued_call(name, numeric)
}
