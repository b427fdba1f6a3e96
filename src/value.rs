//! Values: what an expression evaluates to (a number or symbolic
//! expression, a tuple, a list, a matrix, a function, a string), and their
//! arithmetic: `a op b` on values, lists of numbers as data vectors,
//! function values applied to arguments.
//!
//! Invariant: arithmetic builds canonical expressions and never
//! evaluates them; vectors of different lengths meeting in one operation
//! are an error where they meet.

use std::collections::HashMap;
use std::rc::Rc;

use crate::error::{Error, Result};
use crate::symbolic::data::{DataRef, data_len, mismatch_error};
use crate::symbolic::expr;
use crate::symbolic::rewrite::substitute;
use crate::symbolic::{Expr, Num};
use crate::syntax::{BinOp, Span};
use crate::text::format_number;

/// The value of an expression.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// A number or a symbolic expression (with free variables).
    Scalar(Expr),
    /// `(a, b)`, or a gradient evaluated at a point.
    Tuple(Vec<Expr>),
    /// `[a, b, ...]`: learning rates, starting points, data.
    List(Vec<Value>),
    /// A Hessian, symbolic or evaluated.
    Matrix(Vec<Vec<Expr>>),
    Function(FunctionValue),
    Str(String),
}

impl Value {
    /// What to call this kind of value in an error message.
    pub fn describe(&self) -> &'static str {
        match self {
            Value::Scalar(_) => "a number",
            Value::Tuple(_) => "a tuple",
            Value::List(_) => "a list",
            Value::Matrix(_) => "a matrix",
            Value::Function(_) => "a function",
            Value::Str(_) => "a string",
        }
    }
}

/// A function as a value: a user function, `f'`, `grad(f)`, `hessian(f)`.
#[derive(Clone, Debug, PartialEq)]
pub struct FunctionValue {
    /// How to show it: `f`, `f'`, `grad(f)`.
    pub name: String,
    pub params: Vec<Rc<str>>,
    pub body: Body,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Body {
    Scalar(Expr),
    Vector(Vec<Expr>),
    Matrix(Vec<Vec<Expr>>),
}

/// Calls a function value on argument expressions.
pub fn apply_function(f: &FunctionValue, args: &[Expr]) -> Result<Value> {
    let map: HashMap<Rc<str>, Expr> = f.params.iter().cloned().zip(args.iter().copied()).collect();
    let sub = |e: &Expr| substitute(*e, &map);
    Ok(match &f.body {
        Body::Scalar(b) => Value::Scalar(sub(b)?),
        Body::Vector(v) => Value::Tuple(v.iter().map(sub).collect::<Result<_>>()?),
        Body::Matrix(m) => Value::Matrix(
            m.iter()
                .map(|row| row.iter().map(sub).collect::<Result<Vec<_>>>())
                .collect::<Result<_>>()?,
        ),
    })
}

/// `a op b` on values: scalars, and the few tuple operations that make
/// sense (`+`, `-` of equal lengths, scaling).
pub fn combine(op: BinOp, a: Value, b: Value, span: Span) -> Result<Value> {
    match (as_data(a), as_data(b)) {
        (Value::Scalar(a), Value::Scalar(b)) => {
            let result = scalar_op(op, a, b);
            check_lengths(result, span)?;
            Ok(Value::Scalar(result))
        }
        (Value::Tuple(xs), Value::Tuple(ys)) if matches!(op, BinOp::Add | BinOp::Sub) => {
            if xs.len() != ys.len() {
                return Err(Error::name(
                    format!(
                        "cannot combine tuples of {} and {} elements",
                        xs.len(),
                        ys.len()
                    ),
                    span,
                ));
            }
            Ok(Value::Tuple(
                xs.into_iter()
                    .zip(ys)
                    .map(|(x, y)| scalar_op(op, x, y))
                    .collect(),
            ))
        }
        (Value::Scalar(s), Value::Tuple(xs)) if op == BinOp::Mul => Ok(Value::Tuple(
            xs.into_iter().map(|x| expr::mul([s, x])).collect(),
        )),
        (Value::Tuple(xs), Value::Scalar(s)) if matches!(op, BinOp::Mul | BinOp::Div) => Ok(
            Value::Tuple(xs.into_iter().map(|x| scalar_op(op, x, s)).collect()),
        ),
        (a, b) => Err(Error::name(
            format!(
                "cannot {} {} and {}",
                op_verb(op),
                a.describe(),
                b.describe()
            ),
            span,
        )),
    }
}

/// A list of numbers as a data vector (printed as the list); any other
/// value as it is.
pub fn as_data(value: Value) -> Value {
    let Value::List(items) = &value else {
        return value;
    };
    let numbers: Option<Vec<f64>> = items
        .iter()
        .map(|item| match item {
            Value::Scalar(e) => e.as_num().map(Num::to_f64),
            _ => None,
        })
        .collect();
    match numbers {
        Some(numbers) if !numbers.is_empty() => {
            let text: Vec<String> = numbers.iter().map(|x| format_number(*x)).collect();
            let name = format!("[{}]", text.join(", "));
            Value::Scalar(Expr::data(DataRef::literal(&name, numbers)))
        }
        _ => value,
    }
}

/// The expression of a scalar that holds no data vector: products of such
/// need no check of lengths. `None` for any other value.
pub fn plain_scalar(value: &Value) -> Option<Expr> {
    match value {
        Value::Scalar(x) if data_len(*x) == Ok(None) => Some(*x),
        _ => None,
    }
}

/// An error naming both lengths when vectors of different lengths meet in
/// `e`. Cheap when `e` has no data at its top.
pub fn check_lengths(e: Expr, span: Span) -> Result<()> {
    match data_len(e) {
        Ok(_) => Ok(()),
        Err(m) => Err(mismatch_error(&[e], m).at(span)),
    }
}

pub fn scalar_op(op: BinOp, a: Expr, b: Expr) -> Expr {
    match op {
        BinOp::Add => expr::add([a, b]),
        BinOp::Sub => expr::sub(a, b),
        BinOp::Mul => expr::mul([a, b]),
        BinOp::Div => expr::div(a, b),
        BinOp::Pow => expr::pow(a, b),
    }
}

fn op_verb(op: BinOp) -> &'static str {
    match op {
        BinOp::Add => "add",
        BinOp::Sub => "subtract",
        BinOp::Mul => "multiply",
        BinOp::Div => "divide",
        BinOp::Pow => "raise to a power",
    }
}
