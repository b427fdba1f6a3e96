//! Lowering: syntax-tree expressions to values, with name resolution.
//!
//! This is where names meet meaning: parameters, defined values, user
//! functions, built-ins and constants; where arity is checked and `diff`,
//! `grad`, `hessian`, `simplify`, `expand`, `latex` run, and `fdiff` and
//! `cdiff` (`difference.rs`). Errors point at the span of the offending
//! name or call.
//!
//! Invariant: the symbolic expressions this produces carry no spans and
//! mention only parameters, free variables (in bare expressions), defined
//! values and user functions by name (`Apply`, inside function bodies);
//! `resolve` replaces the last two with the current definitions.

mod difference;

use std::borrow::Cow;
use std::rc::Rc;

use crate::builtins;
use crate::defs::Defs;
use crate::error::{Error, ErrorKind, Result};
use crate::suggest;
use crate::symbolic::diff::differentiate_n;
use crate::symbolic::expr::{self, Constant, Func};
use crate::symbolic::print::{to_latex, to_text};
use crate::symbolic::rewrite::{check_budget, free_vars};
use crate::symbolic::simplify::{expand, simplify};
use crate::symbolic::{Expr, Node, Num, gradient_shown, hessian};
use crate::syntax::{self, BinOp, ExprKind, Span};
use crate::value::{
    Body, FunctionValue, Value, apply_function, as_data, check_lengths, combine, plain_scalar,
};
use difference::Difference;

/// An exponent split by `Lowerer::peel`: what stays in the exponent, and
/// the factors after it with their powers.
type Peeled<'e> = (
    syntax::Expr,
    Vec<(&'e syntax::Expr, Option<&'e syntax::Expr>)>,
);

/// The highest order `diff(e, x, n)` takes.
pub const MAX_DERIVATIVE_ORDER: i64 = 1000;

/// `diff(EXPR, x, n)` as asked: what to differentiate, by which
/// variable, how many times; `function` when EXPR named a function (whose
/// body `target` is).
pub struct DiffRequest {
    pub target: Expr,
    pub var: String,
    pub order: u32,
    pub function: Option<FunctionValue>,
    /// The further variables of a mixed partial, `y` in `diff(EXPR, x, y)`,
    /// in order.
    pub then: Vec<String>,
}

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
    /// What was written, kept when asked (by `check` and by function
    /// definitions): canonical forms forget it (`x^2/x` is `x`).
    pub written: Option<Written>,
}

/// What an expression was, as written, beyond its canonical value: the
/// written parts that may be undefined somewhere (each division's
/// reciprocal among them), the user functions it called (`Apply` nodes,
/// whose own written parts `Defs::call_guards` adds), and, for a
/// derivative, what was differentiated. `check` calls a side undefined
/// wherever one of its guards is. A derivative's domain is its own
/// formula's (d/dx ln(x) is 1/x, as every textbook writes, not 1/x only
/// where x > 0), so what is differentiated adds no guards and no calls,
/// only the variables it names.
#[derive(Clone, Debug, Default)]
pub struct Written {
    pub guards: Vec<Expr>,
    pub calls: Vec<Expr>,
    /// The variables named as arguments or parameters of the functions
    /// used, in the order their functions list them (`loss(w, b)`: w, b).
    pub named: Vec<Rc<str>>,
    pub derivative: Option<Derivative>,
}

/// `diff(of, var)`, `f'` or `grad(f)`: the expression differentiated and
/// the variables, one per component.
#[derive(Clone, Debug)]
pub struct Derivative {
    pub of: Expr,
    pub vars: Vec<Rc<str>>,
}

impl Written {
    fn guard(&mut self, e: Expr) {
        if may_be_undefined(e) && !self.guards.contains(&e) {
            self.guards.push(e);
        }
    }
}

/// Whether `e` has a part that is undefined somewhere: a division or
/// negative power, a fractional or symbolic power, a logarithm, an
/// inverse sine or cosine, a tangent, or an infinite number.
pub fn may_be_undefined(e: Expr) -> bool {
    crate::symbolic::rewrite::any_node(e, |node| match node {
        crate::symbolic::Node::Num(n) => !n.is_finite(),
        crate::symbolic::Node::Pow(_, exponent) => match exponent.as_num() {
            Some(k) => !k.is_integer() || k.is_negative(),
            None => true,
        },
        crate::symbolic::Node::Call(f, _) => matches!(
            f,
            Func::Ln | Func::Log2 | Func::Log10 | Func::Asin | Func::Acos | Func::Tan
        ),
        _ => false,
    })
}

impl<'a> Lowerer<'a> {
    pub fn new(defs: &'a Defs, mode: Mode, params: Vec<Rc<str>>) -> Lowerer<'a> {
        Lowerer {
            defs,
            mode,
            params,
            defining: None,
            written: None,
        }
    }

    /// A lowerer that keeps what is written (see `Written`).
    pub fn keeping_written(defs: &'a Defs, mode: Mode, params: Vec<Rc<str>>) -> Lowerer<'a> {
        Lowerer {
            written: Some(Written::default()),
            ..Lowerer::new(defs, mode, params)
        }
    }

    pub fn value(&mut self, e: &syntax::Expr) -> Result<Value> {
        check_budget()?;
        let value = self.value_of(e)?;
        if let (Some(written), Value::Scalar(x)) = (&mut self.written, &value) {
            written.guard(*x);
        }
        Ok(value)
    }

    fn value_of(&mut self, e: &syntax::Expr) -> Result<Value> {
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
    /// Scalars without data are gathered and multiplied in one pass that
    /// gives what one step per factor gives (`expr::mul_left_to_right`), so
    /// 3,000 factors are sorted once, not 3,000 times.
    fn product_chain(&mut self, e: &syntax::Expr) -> Result<Value> {
        let mut links: Vec<(BinOp, &syntax::Expr, Span, bool)> = Vec::new();
        let mut spine = e;
        while let ExprKind::Binary {
            op: op @ (BinOp::Mul | BinOp::Div),
            left,
            right,
            implicit,
        } = &spine.kind
        {
            links.push((*op, right, spine.span, *implicit));
            spine = left;
        }
        let mut acc = self.value(spine)?;
        let mut gathered: Vec<Expr> = plain_scalar(&acc).into_iter().collect();
        for (op, right, span, implicit) in links.into_iter().rev() {
            if let (true, Value::Function(f)) = (implicit, &acc) {
                return Err(Error::name(
                    format!("'{}' is a function: its arguments go in brackets", f.name),
                    span,
                )
                .with_hint(format!("write {}", call_example(f))));
            }
            let value = self.value(right)?;
            self.guard_divisor(op, &value);
            if let (false, Some(x)) = (gathered.is_empty(), plain_scalar(&value)) {
                gathered.push(match op {
                    BinOp::Div => expr::pow(x, Expr::int(-1)),
                    _ => x,
                });
                continue;
            }
            if !gathered.is_empty() {
                acc = Value::Scalar(expr::mul_left_to_right(&std::mem::take(&mut gathered)));
            }
            acc = combine(op, acc, value, span)?;
        }
        if !gathered.is_empty() {
            acc = Value::Scalar(expr::mul_left_to_right(&gathered));
        }
        Ok(acc)
    }

    /// `a/b` is undefined where b = 0, even when b cancels (`x^2/x`).
    fn guard_divisor(&mut self, op: BinOp, b: &Value) {
        if let (Some(written), BinOp::Div, Value::Scalar(d)) = (&mut self.written, op, b) {
            written.guard(expr::pow(*d, Expr::int(-1)));
        }
    }

    fn binary(
        &mut self,
        op: BinOp,
        left: &syntax::Expr,
        right: &syntax::Expr,
        span: Span,
    ) -> Result<Value> {
        if op == BinOp::Pow {
            return self.power(left, right, span);
        }
        let a = self.value(left)?;
        let b = self.value(right)?;
        self.guard_divisor(op, &b);
        combine(op, a, b, span)
    }

    /// `base^exponent`, where brackets that multiply are a factor of their
    /// own, binding like `*` (LANGUAGE.md section 3) although the grammar
    /// reads brackets after a name or `)` as a postfix call, which binds
    /// tighter than `^`: `20x(x^2 + 1)^9` is 20x·(x^2 + 1)^9 and
    /// `e^x(x + 1)` is e^x·(x + 1), as on paper.
    fn power(&mut self, base: &syntax::Expr, exponent: &syntax::Expr, span: Span) -> Result<Value> {
        if let ExprKind::Call { callee, args } = &base.kind
            && let [group] = &args[..]
            && self.brackets_multiply(callee, args)?
        {
            let factor = self.value(callee)?;
            let power = self.raise(group, exponent, span)?;
            return combine(BinOp::Mul, factor, power, span);
        }
        self.raise(base, exponent, span)
    }

    /// `base` taken whole to the power `exponent`: what brackets hold is
    /// raised as a whole (`x (x (x - pi))^2` is x·(x(x - pi))^2, not
    /// x·x·(x - pi)^2). Brackets that multiply at the end of the exponent
    /// are factors after the power (`peel`).
    fn raise(&mut self, base: &syntax::Expr, exponent: &syntax::Expr, span: Span) -> Result<Value> {
        let (head, tail) = match self.peel(exponent)? {
            Some((head, tail)) => (Cow::Owned(head), tail),
            None => (Cow::Borrowed(exponent), Vec::new()),
        };
        let a = self.value(base)?;
        let b = self.value(&head)?;
        let mut acc = combine(BinOp::Pow, a, b, span)?;
        for (factor, power) in tail {
            let value = match power {
                Some(p) => self.raise(factor, p, span)?,
                None => self.value(factor)?,
            };
            acc = combine(BinOp::Mul, acc, value, span)?;
        }
        Ok(acc)
    }

    /// An exponent that ends in brackets that multiply, split into what
    /// stays in the exponent and the factors after it, each with its own
    /// power: `x(g)` is `x` then `g`; `x(g)^2` is `x` then `g^2`; `b^x(g)`
    /// is `b^x` then `g` (a trailing factor leaves every level of a chain
    /// of powers, as `*` binds less tightly than all of them).
    fn peel<'e>(&self, e: &'e syntax::Expr) -> Result<Option<Peeled<'e>>> {
        let rebuilt = |kind: ExprKind| syntax::Expr::new(kind, e.span);
        match &e.kind {
            ExprKind::Call { callee, args } if self.brackets_multiply(callee, args)? => {
                let (head, mut tail) = match self.peel(callee)? {
                    Some(split) => split,
                    None => ((**callee).clone(), Vec::new()),
                };
                tail.push((&args[0], None));
                Ok(Some((head, tail)))
            }
            ExprKind::Binary {
                op: BinOp::Pow,
                left,
                right,
                implicit,
            } => {
                if let Some((head, mut tail)) = self.peel(left)? {
                    if let Some(last) = tail.last_mut() {
                        last.1 = Some(&**right);
                    }
                    return Ok(Some((head, tail)));
                }
                Ok(self.peel(right)?.map(|(head, tail)| {
                    let kind = ExprKind::Binary {
                        op: BinOp::Pow,
                        left: left.clone(),
                        right: Box::new(head),
                        implicit: *implicit,
                    };
                    (rebuilt(kind), tail)
                }))
            }
            ExprKind::Neg(inner) => Ok(self
                .peel(inner)?
                .map(|(head, tail)| (rebuilt(ExprKind::Neg(Box::new(head))), tail))),
            _ => Ok(None),
        }
    }

    /// Whether `callee(args)` is a product rather than a call, decided from
    /// the definitions without evaluating: one group after a name that
    /// multiplies (`name_multiplies`) or after anything that is not a
    /// function (`(x + 1)(x - 1)`, `f(2)(3)`). Errors for a name that
    /// cannot multiply here (`check_multiplier`).
    fn brackets_multiply(&self, callee: &syntax::Expr, args: &[syntax::Expr]) -> Result<bool> {
        if args.len() != 1 || rewrite_then_call(callee, args, callee.span).is_some() {
            return Ok(false);
        }
        if let ExprKind::Name(name) = &callee.kind {
            if !self.name_multiplies(name) {
                return Ok(false);
            }
            self.check_multiplier(name, callee, args)?;
            return Ok(true);
        }
        Ok(!self.is_function_expr(callee))
    }

    /// Whether `e` is written as a function value: `f`, `f'`, `(f)`,
    /// `grad(f)`, `hessian(f)`.
    fn is_function_expr(&self, e: &syntax::Expr) -> bool {
        match &e.kind {
            ExprKind::Name(name) => !self.name_multiplies(name),
            ExprKind::Prime { .. } => true,
            ExprKind::Paren(inner) => self.is_function_expr(inner),
            ExprKind::Call { callee, .. } => {
                matches!(&callee.kind, ExprKind::Name(n) if n == "grad" || n == "hessian")
            }
            _ => false,
        }
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
        if self.name_multiplies(name) {
            return self.multiplied(name, callee, args, span);
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
            "fdiff" => return self.difference(Difference::Forward, args, span),
            "cdiff" => return self.difference(Difference::Central, args, span),
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
        let hint = match (
            suggest::known_elsewhere(name),
            suggest::closest(name, known.iter().map(String::as_str)),
        ) {
            (Some(hint), _) => Some(hint.to_string()),
            (None, Some(c)) => Some(format!("did you mean '{c}'?")),
            (None, None) => None,
        };
        if let Some(hint) = hint {
            error = error.with_hint(hint);
        }
        Err(error)
    }

    /// `x(x + 1)` where `x` is not a function: a product of one group, as
    /// `a(1, 2)` is not. In a body, an unknown name here was most likely
    /// meant as a function not yet defined.
    fn multiplied(
        &mut self,
        name: &str,
        callee: &syntax::Expr,
        args: &[syntax::Expr],
        span: Span,
    ) -> Result<Value> {
        self.check_multiplier(name, callee, args)?;
        self.call_value(callee, args, span)
    }

    /// Whether `name(...)` multiplies (LANGUAGE.md section 3): `name` is a
    /// parameter (parameters shadow functions), a defined value, a
    /// constant, or a one-letter name that is not a function.
    fn name_multiplies(&self, name: &str) -> bool {
        if self.is_bound_value(name) {
            return true;
        }
        let function = self.defining == Some(name)
            || self.defs.function(name).is_some()
            || builtins::is_builtin_name(name)
            || name == "load";
        !function && (is_constant(name) || name.chars().count() == 1)
    }

    /// Whether `name` is a parameter or a defined value here (either
    /// shadows a function or a constant of that name).
    fn is_bound_value(&self, name: &str) -> bool {
        self.params.iter().any(|p| **p == *name) || self.defs.value(name).is_some()
    }

    /// The errors of a name before brackets that multiply: `a(1, 2)` is
    /// no product, and in a body an unknown name was most likely meant as
    /// a function not yet defined.
    fn check_multiplier(
        &self,
        name: &str,
        callee: &syntax::Expr,
        args: &[syntax::Expr],
    ) -> Result<()> {
        if args.len() != 1 {
            return Err(not_a_function(name, args, callee.span));
        }
        let known = self.is_bound_value(name) || is_constant(name);
        if !known && self.mode == Mode::Body {
            return Err(self
                .unknown_name(name, callee.span)
                .with_hint(format!("to call a function {name}, define it first")));
        }
        Ok(())
    }

    /// `(x + 1)(x - 1)`, `grad(f)(1, 2)`, `f(2)(3)`: a call when the left is
    /// a function, a product otherwise; but never after `diff(...)`,
    /// `simplify(...)` or `expand(...)`, where a product is surely not what
    /// was meant.
    fn call_value(
        &mut self,
        callee: &syntax::Expr,
        args: &[syntax::Expr],
        span: Span,
    ) -> Result<Value> {
        if let Some(error) = rewrite_then_call(callee, args, span) {
            return Err(error);
        }
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
        self.called(name, &values);
        let f = self.defs.function_value(name, f, span)?;
        apply_function(&f, &values)
    }

    /// Keeps a call of the user function `name` (for its guards), and
    /// the variables it is called with.
    fn called(&mut self, name: &str, args: &[Expr]) {
        if let Some(written) = &mut self.written {
            written.calls.push(expr::apply(name, args.to_vec()));
            let vars = args.iter().filter_map(|a| match &*a.node() {
                Node::Var(v) => Some(v.clone()),
                _ => None,
            });
            written.named.extend(vars);
        }
    }

    /// Keeps the parameters of a function a form names (`grad(f)`).
    fn named(&mut self, params: &[Rc<str>]) {
        if let Some(written) = &mut self.written {
            written.named.extend(params.iter().cloned());
        }
    }

    /// Runs `lower` keeping none of the guards and calls it records: what
    /// a derivative differentiates (see `Written`).
    fn unguarded<T>(&mut self, lower: impl FnOnce(&mut Self) -> T) -> T {
        let mark = self
            .written
            .as_ref()
            .map(|w| (w.guards.len(), w.calls.len()));
        let out = lower(self);
        if let (Some(written), Some((guards, calls))) = (&mut self.written, mark) {
            written.guards.truncate(guards);
            written.calls.truncate(calls);
        }
        out
    }

    /// Keeps what a derivative differentiated.
    fn differentiated(&mut self, of: Expr, vars: &[Rc<str>]) {
        if let Some(written) = &mut self.written {
            written.derivative = Some(Derivative {
                of,
                vars: vars.to_vec(),
            });
        }
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

    /// `diff(EXPR)`, `diff(EXPR, x)`, `diff(EXPR, x, n)` or `diff(EXPR, x,
    /// y)`.
    fn diff(&mut self, args: &[syntax::Expr], span: Span) -> Result<Value> {
        let request = self.diff_request(args, span)?;
        let mut derivative =
            differentiate_n(request.target, &request.var, request.order).map_err(|e| e.at(span))?;
        for var in &request.then {
            derivative = differentiate_n(derivative, var, 1).map_err(|e| e.at(span))?;
        }
        Ok(Value::Scalar(simplify(derivative)?))
    }

    /// What `diff(...)` asks for, checked as `diff` checks it (`explain`
    /// derives the same thing). A third argument that is a number or a
    /// defined number is an order; names from there on are the further
    /// variables of a mixed partial.
    pub fn diff_request(&mut self, args: &[syntax::Expr], span: Span) -> Result<DiffRequest> {
        let (target, var) = match args {
            [] => {
                return Err(Error::name(
                    "diff needs an expression, as in diff(x^2), diff(x^2, x) or diff(f, x)",
                    span,
                ));
            }
            [target] => (target, self.only_variable(target)?),
            [target, var, ..] => (target, variable_arg(var, "second")?.to_string()),
        };
        let (order, then) = match args.get(2..).unwrap_or_default() {
            [n] if !self.names_a_variable(n) => (self.order(n)?, Vec::new()),
            rest => {
                let names = rest
                    .iter()
                    .map(|a| variable_arg(a, "third").map(String::from));
                (1, names.collect::<Result<_>>()?)
            }
        };
        let (target, function) = self.unguarded(|l| l.diff_target(target, &var))?;
        let mut vars: Vec<Rc<str>> = vec![var.as_str().into()];
        vars.extend(then.iter().map(|v| Rc::from(v.as_str())));
        self.differentiated(target, &vars);
        Ok(DiffRequest {
            target,
            var,
            order,
            function,
            then,
        })
    }

    /// Whether `e`, an argument of `diff` after the variable, is a
    /// variable's name rather than an order: a name that is not a defined
    /// number.
    fn names_a_variable(&self, e: &syntax::Expr) -> bool {
        let ExprKind::Name(name) = &e.kind else {
            return false;
        };
        let parameter = self.params.iter().any(|p| **p == **name);
        let number =
            matches!(self.defs.value(name), Some(Value::Scalar(x)) if x.as_num().is_some());
        parameter || !number
    }

    /// The variable of `diff(EXPR)`: a one-parameter function's parameter,
    /// or the one free variable of EXPR.
    fn only_variable(&mut self, e: &syntax::Expr) -> Result<String> {
        if let ExprKind::Name(name) = &e.kind
            && let Some(f) = self.defs.function(name)
        {
            return match &f.params[..] {
                [x] => Ok(x.to_string()),
                params => Err(Error::name(
                    format!(
                        "{name} has {} parameters ({}): write diff({name}, {}) or grad({name})",
                        params.len(),
                        params.join(", "),
                        params[0]
                    ),
                    e.span,
                )),
            };
        }
        let lowered = self.unguarded(|l| l.scalar(e).and_then(|x| l.resolve_now(x)))?;
        let vars: Vec<Rc<str>> = free_vars(lowered).into_iter().collect();
        match &vars[..] {
            [x] => Ok(x.to_string()),
            [] => Err(Error::name(
                "this has no variable to differentiate by: name one, as in diff(EXPR, x)",
                e.span,
            )),
            several => Err(Error::name(
                format!(
                    "this has several variables ({}): name the one to differentiate by, as in diff(EXPR, {})",
                    several.join(", "),
                    several[0]
                ),
                e.span,
            )),
        }
    }

    /// The expression to differentiate: a function name means its body (with
    /// `var` one of its parameters), and the function is returned too;
    /// anything else is lowered with `var` as a variable even where a value
    /// of that name is defined.
    fn diff_target(
        &mut self,
        e: &syntax::Expr,
        var: &str,
    ) -> Result<(Expr, Option<FunctionValue>)> {
        if let ExprKind::Name(name) = &e.kind
            && let Some(f) = self.defs.function(name)
        {
            let f = self.defs.function_value(name, f, e.span)?;
            self.named(&f.params);
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
            return Ok((scalar_body(&f, e.span)?, Some(f)));
        }
        let var: Rc<str> = var.into();
        self.params.push(var);
        // Resolve before popping `var`: resolving replaces defined values,
        // and `var` must stay a variable even where a value of that name
        // is defined.
        let lowered = self.scalar(e).and_then(|l| self.resolve_now(l));
        self.params.pop();
        Ok((lowered?, None))
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
    pub fn function_arg(
        &mut self,
        form: &str,
        args: &[syntax::Expr],
        span: Span,
    ) -> Result<FunctionValue> {
        if args.len() != 1 {
            return Err(arity_error(form, 1, args.len(), span));
        }
        if let Some(error) = self.undefined_function(&args[0], |f| format!("{form}({f})")) {
            return Err(error);
        }
        match self.value(&args[0])? {
            Value::Function(f) => Ok(f),
            Value::Scalar(e) if !free_vars(e).is_empty() => {
                let vars: Vec<Rc<str>> = free_vars(e).into_iter().collect();
                let vars = vars.join(", ");
                Err(Error::name(
                    format!("{form} takes a function's name, not an expression"),
                    args[0].span,
                )
                .with_hint(format!(
                    "define it first, as in f({vars}) = {}, then {form}(f)",
                    to_text(e)
                )))
            }
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
        self.named(&f.params);
        self.differentiated(body, &f.params);
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

    /// The error for `f'` or `grad(f)` (`usage`) when `f` is a name that
    /// nothing defines: before this, a free `f` read as a variable.
    fn undefined_function(
        &self,
        e: &syntax::Expr,
        usage: impl Fn(&str) -> String,
    ) -> Option<Error> {
        let ExprKind::Name(name) = &e.kind else {
            return None;
        };
        let defined = self.is_bound_value(name)
            || self.defs.function(name).is_some()
            || builtins::is_builtin_name(name)
            || is_constant(name);
        let usage = usage(name);
        (!defined).then(|| {
            Error::name(format!("'{name}' is not defined"), e.span).with_hint(format!(
                "define the function first, as in {name}(x) = x^2, then {usage}"
            ))
        })
    }

    /// `f'`, `f''`: the derivative of a one-parameter function.
    fn prime(&mut self, target: &syntax::Expr, order: u32, span: Span) -> Result<Value> {
        let request = self.prime_request(target, order, span)?;
        let derivative =
            differentiate_n(request.target, &request.var, request.order).map_err(|e| e.at(span))?;
        let f = request
            .function
            .ok_or_else(|| Error::internal("f' has a function"))?;
        Ok(Value::Function(FunctionValue {
            name: format!("{}{}", f.name, "'".repeat(order as usize)),
            params: f.params,
            body: Body::Scalar(simplify(derivative)?),
        }))
    }

    /// What `f'` (`f''`, ...) asks for, checked: f has one parameter.
    pub fn prime_request(
        &mut self,
        target: &syntax::Expr,
        order: u32,
        span: Span,
    ) -> Result<DiffRequest> {
        if let Some(error) = self.undefined_function(target, |f| format!("{f}'")) {
            return Err(error);
        }
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
        self.named(&f.params);
        self.differentiated(body, &f.params);
        Ok(DiffRequest {
            target: body,
            var: f.params[0].to_string(),
            order,
            function: Some(f),
            then: Vec::new(),
        })
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

/// The name an argument of `diff` must be (`which`: "second", "third").
fn variable_arg<'e>(e: &'e syntax::Expr, which: &str) -> Result<&'e str> {
    match &e.kind {
        ExprKind::Name(name) => Ok(name),
        _ => Err(Error::name(
            format!(
                "the {which} argument of diff must be a variable name, as in {}",
                if which == "second" {
                    "diff(x^2, x)"
                } else {
                    "diff(x^2 y, x, y)"
                }
            ),
            e.span,
        )),
    }
}

fn latex_tuple(items: &[Expr]) -> String {
    let parts: Vec<String> = items.iter().map(|i| to_latex(*i)).collect();
    format!("\\left({}\\right)", parts.join(", "))
}

/// The body of a function with one value (not `grad(f)` or `hessian(f)`).
pub fn scalar_body(f: &FunctionValue, span: Span) -> Result<Expr> {
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

/// `pi`, `π`, `e`: constants, unless a parameter or a definition shadows
/// them.
fn is_constant(name: &str) -> bool {
    matches!(name, "pi" | "π" | "e")
}

/// `diff(f, x)(2)`: the error for brackets after a rewriting form, with the
/// way to evaluate a derivative.
fn rewrite_then_call(callee: &syntax::Expr, args: &[syntax::Expr], span: Span) -> Option<Error> {
    let ExprKind::Call {
        callee: form,
        args: form_args,
    } = &callee.kind
    else {
        return None;
    };
    let ExprKind::Name(form) = &form.kind else {
        return None;
    };
    if !matches!(form.as_str(), "diff" | "simplify" | "expand") {
        return None;
    }
    let at: Vec<&str> = args
        .iter()
        .map(|a| match &a.kind {
            ExprKind::Number(text) => text.as_str(),
            _ => "...",
        })
        .collect();
    let at = at.join(", ");
    let hint = match form_args.first().map(|a| &a.kind) {
        Some(ExprKind::Name(f)) if form == "diff" && form_args.len() == 2 => {
            format!(
                "to evaluate the derivative, write {f}'({at}), or define g(x) = diff(...) and call g({at})"
            )
        }
        _ => format!("to evaluate it, define g(x) = {form}(...) and call g({at})"),
    };
    Some(
        Error::name(
            format!("{form}(...) followed by (...) would multiply, not evaluate"),
            span,
        )
        .with_hint(hint),
    )
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
