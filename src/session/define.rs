//! Definitions: `f(x, y) = EXPR` (lowered as a body, checked for
//! recursion and for data of different lengths), `a = EXPR` (evaluated
//! now: a number, a tuple, a list, a data vector) and `g = f'` (a function
//! value named).
//!
//! Invariant: a definition is stored only after every check has passed,
//! so a failed one leaves the store as it was.

use std::rc::Rc;

use super::Session;
use crate::compile::{Evaluated, constant_value, evaluate};
use crate::defs::{Definition, UserFunction};
use crate::error::{Error, Result};
use crate::lower::{Lowerer, Mode};
use crate::outcome::{Outcome, Shown};
use crate::symbolic::Expr;
use crate::symbolic::data::{DataRef, data_len};
use crate::symbolic::rewrite::free_vars;
use crate::syntax::{self, Ident, Span};
use crate::value::{Body, FunctionValue, Value, as_data};

impl Session {
    pub(super) fn define_function(
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
        let mut lowerer = Lowerer::keeping_written(&self.defs, Mode::Body, param_names.clone());
        lowerer.defining = Some(&name.name);
        let lowered = lowerer.scalar(body)?;
        let guards = lowerer.written.map(|w| w.guards).unwrap_or_default();
        self.defs.check_no_cycle(&name.name, lowered, body.span)?;
        self.defs
            .check_data_lengths(lowered, &param_names, body.span)?;
        let function = UserFunction {
            params: param_names,
            body: lowered,
            guards,
        };
        self.defs.define(&name.name, Definition::Function(function));
        Ok(Outcome::Function {
            name: name.name.clone(),
            params: params.iter().map(|p| p.name.clone()).collect(),
            body: self.defs.with_data_shown(lowered)?,
            defined: true,
        })
    }

    pub(super) fn define_value(&mut self, name: &Ident, value: &syntax::Expr) -> Result<Outcome> {
        check_definable(name)?;
        let lowered = Lowerer::new(&self.defs, Mode::Now, Vec::new()).value(value)?;
        let lowered = self.close_value(lowered, name, value.span)?;
        let lowered = match as_data(lowered) {
            Value::Scalar(e) => match as_vector(&name.name, e).map_err(|e| e.at(value.span))? {
                Some(vector) => Value::Scalar(vector),
                None => Value::Scalar(e),
            },
            other => other,
        };
        if let Value::Function(f) = lowered {
            return self.define_function_value(name, f);
        }
        let shown = shown(&lowered, value.span)?;
        self.defs.define(&name.name, Definition::Value(lowered));
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
        // A function value (`g = f'`) is a derivative: it keeps no written
        // parts of its own.
        let function = UserFunction {
            params: f.params.clone(),
            body,
            guards: Vec::new(),
        };
        self.defs.define(&name.name, Definition::Function(function));
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
}

/// A defined value as numbers, for reports.
pub(super) fn shown(value: &Value, span: Span) -> Result<Shown> {
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

/// `e` as a data vector called `name`, when it is one (it uses data outside
/// reductions and has no free variables).
fn as_vector(name: &str, e: Expr) -> Result<Option<Expr>> {
    if e.as_data().is_some() || !matches!(data_len(e), Ok(Some(_)) | Err(_)) {
        return Ok(rename(name, e));
    }
    match evaluate(e)? {
        Some(Evaluated::Vector(values)) => Ok(Some(Expr::data(DataRef::new(name, values)))),
        _ => Ok(None),
    }
}

/// A data vector under a new name (`Y = X` copies X's values).
fn rename(name: &str, e: Expr) -> Option<Expr> {
    let data = e.as_data()?;
    Some(Expr::data(DataRef::new(name, data.values().to_vec())))
}
