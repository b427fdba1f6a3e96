//! `table EXPR, ... for x in LIST`: each expression evaluated with `x`
//! bound to each value in turn, one row per value, as a bare expression
//! would print it (exact where it is exact, `fdiff` in floating point).
//!
//! Invariant: `x` is bound in a copy of the definitions, so the table
//! shadows a defined `x` without changing it.

use super::Session;
use crate::builtins;
use crate::compile::{Evaluated, evaluate};
use crate::defs::{Definition, Defs};
use crate::error::{Error, Result};
use crate::lower::{Lowerer, Mode};
use crate::outcome::Outcome;
use crate::symbolic::Expr;
use crate::symbolic::rewrite::free_vars;
use crate::syntax::{self, Column, Table};
use crate::value::Value;

impl Session {
    pub(super) fn table(&mut self, t: &Table) -> Result<Outcome> {
        let var = &t.var.name;
        if builtins::is_builtin_name(var) {
            return Err(Error::name(
                format!("'{var}' is a built-in function; a table needs another name"),
                t.var.span,
            ));
        }
        let values = self.table_values(&t.values)?;
        let mut scope = self.defs.clone();
        let mut rows = Vec::with_capacity(values.len());
        for value in values {
            if crate::interrupt::interrupted() {
                return Err(Error::interrupted());
            }
            scope.define(var, Definition::Value(Value::Scalar(value)));
            let row = t
                .columns
                .iter()
                .map(|c| cell(&scope, c, var))
                .collect::<Result<Vec<f64>>>()?;
            rows.push(row);
        }
        Ok(Outcome::Table {
            columns: t.columns.iter().map(|c| c.text.clone()).collect(),
            rows,
        })
    }

    /// The values `x` takes: a list of numbers, or a data vector.
    fn table_values(&self, e: &syntax::Expr) -> Result<Vec<Expr>> {
        let not_numbers = |what: &str| {
            Error::name(
                format!("a table runs over a list of numbers or a data vector, not {what}"),
                e.span,
            )
            .with_hint("for example: for x in [-2, -1, 0, 1, 2]")
        };
        match Lowerer::new(&self.defs, Mode::Now, Vec::new()).value(e)? {
            Value::List(items) => items
                .into_iter()
                .map(|item| match item {
                    Value::Scalar(x) if x.as_num().is_some() => Ok(x),
                    Value::Scalar(x) => match evaluate(x)? {
                        Some(Evaluated::Number(v)) => Ok(Expr::float(v)),
                        _ => Err(not_numbers("expressions")),
                    },
                    other => Err(not_numbers(other.describe())),
                })
                .collect(),
            Value::Scalar(x) => match x.as_data() {
                Some(data) => Ok(data.values().iter().map(|v| Expr::float(*v)).collect()),
                None => Err(not_numbers("one number")),
            },
            other => Err(not_numbers(other.describe())),
        }
    }
}

/// One cell: the column's expression with `var` bound, as a number.
fn cell(scope: &Defs, column: &Column, var: &str) -> Result<f64> {
    let value = Lowerer::new(scope, Mode::Now, Vec::new()).value(&column.expr)?;
    let Value::Scalar(e) = value else {
        let error = Error::name(
            format!(
                "a column holds one number per row, but {} is {}",
                column.text,
                value.describe()
            ),
            column.expr.span,
        );
        return Err(match value {
            Value::Function(_) => error.with_hint(format!("write {}({var})", column.text)),
            _ => error,
        });
    };
    match evaluate(e)? {
        Some(Evaluated::Number(v)) => Ok(v),
        Some(Evaluated::Vector(_)) => Err(Error::name(
            format!(
                "a column holds one number per row, but {} is a data vector",
                column.text
            ),
            column.expr.span,
        )
        .with_hint("reduce it with mean(...) or sum(...)")),
        None => {
            let names: Vec<String> = free_vars(e).iter().map(|v| v.to_string()).collect();
            Err(Error::name(
                format!(
                    "{} depends on {}, which the table does not set (it sets {var})",
                    column.text,
                    names.join(", "),
                ),
                column.expr.span,
            ))
        }
    }
}
