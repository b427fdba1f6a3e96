//! `explain diff(EXPR, x)`, `explain diff(f, x, 2)`, `explain f'`,
//! `explain grad(f)`: the derivation of what `diff`, `f'` or `grad` would
//! give, step by step (`symbolic::explain`), read with `diff`'s own
//! checks (`Lowerer::diff_request`, `prime_request`).
//!
//! Invariant: a derivation ends in exactly the result the same derivative
//! prints as a bare expression; explaining defines nothing.

use super::Session;
use crate::error::{Error, Result};
use crate::lower::{DiffRequest, Lowerer, Mode, scalar_body};
use crate::outcome::{ExplainOutcome, Outcome};
use crate::symbolic::Expr;
use crate::symbolic::explain::{Derivation, derivation, derivation_of_call};
use crate::symbolic::expr::apply;
use crate::syntax::{self, ExprKind, Span};
use crate::value::FunctionValue;

impl Session {
    pub(super) fn explain(&mut self, e: &syntax::Expr) -> Result<Outcome> {
        let mut lowerer = Lowerer::new(&self.defs, Mode::Now, Vec::new());
        let (derivations, gradient_of) = match &e.kind {
            ExprKind::Paren(inner) => return self.explain(inner),
            ExprKind::Call { callee, args } => match &callee.kind {
                ExprKind::Name(name) if name == "diff" => {
                    let request = lowerer.diff_request(args, e.span)?;
                    (vec![explained(request, e.span)?], None)
                }
                ExprKind::Name(name) if name == "grad" => {
                    let f = lowerer.function_arg("grad", args, e.span)?;
                    (gradient(&f, args[0].span)?, Some(f.name))
                }
                _ => return Err(not_a_derivative(e.span)),
            },
            ExprKind::Prime { target, order } => {
                let request = lowerer.prime_request(target, *order, e.span)?;
                (vec![explained(request, e.span)?], None)
            }
            _ => return Err(not_a_derivative(e.span)),
        };
        Ok(Outcome::Explain(Box::new(ExplainOutcome {
            derivations,
            gradient_of,
        })))
    }
}

/// The derivation a request asks for: from `diff(f(x), x)` through f's
/// definition when it names a function.
fn explained(request: DiffRequest, span: Span) -> Result<Derivation> {
    let DiffRequest {
        target,
        var,
        order,
        function,
        then,
    } = request;
    if !then.is_empty() {
        return Err(Error::name(
            "explain shows one variable at a time: explain diff(EXPR, x), then the next",
            span,
        ));
    }
    let derived = match function {
        Some(f) => derivation_of_call(call_of(&f), target, &var, order),
        None => derivation(target, &var, order),
    };
    derived.map_err(|e| e.at(span))
}

/// One derivation per parameter, each from `diff(f(x, y), x)`.
fn gradient(f: &FunctionValue, span: Span) -> Result<Vec<Derivation>> {
    let body = scalar_body(f, span)?;
    let call = call_of(f);
    f.params
        .iter()
        .map(|p| derivation_of_call(call, body, p, 1).map_err(|e| e.at(span)))
        .collect()
}

/// `f(x, y)`: the function called on its own parameters.
fn call_of(f: &FunctionValue) -> Expr {
    apply(&f.name, f.params.iter().map(|p| Expr::var(p)).collect())
}

fn not_a_derivative(span: Span) -> Error {
    Error::name("explain shows how a derivative is derived", span)
        .with_hint("for example: explain diff(x^2 sin(x), x), explain f' or explain grad(f)")
}
