//! Bare expressions: `EXPR` prints its value (simplified, or a number, a
//! vector, a matrix, a function) and keeps it as `ans`.
//!
//! Invariant: showing a value never changes a definition (only `ans`).

use std::rc::Rc;

use super::Session;
use super::define::shown;
use crate::compile::{Evaluated, constant_value, evaluate};
use crate::defs::{ANS, Definition, UserFunction};
use crate::error::Result;
use crate::lower::{Lowerer, Mode};
use crate::outcome::{Outcome, Shown};
use crate::symbolic::data::DataRef;
use crate::symbolic::simplify::simplify;
use crate::symbolic::{Expr, Num};
use crate::syntax;
use crate::value::{Body, FunctionValue, Value};

impl Session {
    /// `ans` holds the last bare expression's result, as printed: a value,
    /// or a function for `f'`. It is not a definition (`names` omits it).
    pub(super) fn keep_as_ans(&mut self, outcome: &Outcome) {
        let exprs = |v: &[f64]| v.iter().map(|x| Expr::float(*x)).collect::<Vec<_>>();
        let value = match outcome {
            Outcome::Number(x) => Value::Scalar(Expr::float(*x)),
            Outcome::Integer(n) => Value::Scalar(Expr::num(*n)),
            Outcome::Expr(e) => Value::Scalar(*e),
            Outcome::Vector(v) => Value::Tuple(exprs(v)),
            Outcome::Data(v) => Value::Scalar(Expr::data(DataRef::new(ANS, v.clone()))),
            Outcome::Exprs(v) => Value::Tuple(v.clone()),
            Outcome::Matrix(rows) => Value::Matrix(rows.iter().map(|r| exprs(r)).collect()),
            Outcome::ExprsMatrix(rows) => Value::Matrix(rows.clone()),
            Outcome::Str(s) => Value::Str(s.clone()),
            Outcome::Function { params, body, .. } => {
                let params = params.iter().map(|p| Rc::from(p.as_str())).collect();
                let body = *body;
                self.defs.set_ans(Definition::Function(UserFunction {
                    params,
                    body,
                    guards: Vec::new(),
                }));
                return;
            }
            _ => return,
        };
        self.defs.set_ans(Definition::Value(value));
    }

    pub(super) fn show(&mut self, e: &syntax::Expr) -> Result<Outcome> {
        let value = Lowerer::new(&self.defs, Mode::Now, Vec::new()).value(e)?;
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
}

fn scalar_outcome(e: Expr) -> Result<Outcome> {
    if let Some(n) = e.as_num().filter(|n| n.is_integer() && !prints_in_full(*n)) {
        return Ok(Outcome::Integer(n));
    }
    Ok(match evaluate(e)? {
        Some(Evaluated::Number(x)) => Outcome::Number(x),
        Some(Evaluated::Vector(v)) => Outcome::Data(v),
        None => Outcome::Expr(e),
    })
}

/// Whether this integer prints with every digit as a number: up to 1e15
/// (`text::format_number` writes larger ones with an exponent).
fn prints_in_full(n: Num) -> bool {
    n.abs().total_cmp(Num::int(1_000_000_000_000_000)).is_le()
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
