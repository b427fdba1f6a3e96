//! `critical NAME [from A to B]`: the critical points of a function in a
//! box (by default -10 to 10 in each parameter), found and classified by
//! `critical`.
//!
//! Invariant: the search reads the definitions and changes none.

use super::plot::RangeOf;
use super::{Session, reduced};
use crate::critical::critical_points;
use crate::error::{Error, Result};
use crate::outcome::{CriticalOutcome, Outcome};
use crate::symbolic::gradient_shown;
use crate::syntax::{self, Ident};
use crate::value::Body;

/// Each parameter's range without `from A to B`, as for `plot`.
pub const DEFAULT_BOX: (f64, f64) = (-10.0, 10.0);

impl Session {
    pub(super) fn critical(
        &mut self,
        function: &Ident,
        range: Option<&(syntax::Expr, syntax::Expr)>,
    ) -> Result<Outcome> {
        let f = self.defs.function_named(function)?;
        let Body::Scalar(body) = f.body else {
            return Err(Error::internal("user functions have one value"));
        };
        if f.params.is_empty() {
            return Err(Error::name(
                format!("{} has no parameters, so no critical points", f.name),
                function.span,
            ));
        }
        let params: Vec<String> = f.params.iter().map(|p| p.to_string()).collect();
        let names: Vec<&str> = params.iter().map(String::as_str).collect();
        reduced(body, &f.name, &names, "searched").map_err(|e| e.at(function.span))?;
        let ranges = match range {
            Some((a, b)) => {
                let of = RangeOf {
                    name: &f.name,
                    params: &params,
                    named: true,
                };
                self.ranges(a, b, &of)?
            }
            None => vec![DEFAULT_BOX; params.len()],
        };
        let here = |e: Error| e.at(function.span);
        let found = critical_points(body, &f.params, &ranges).map_err(here)?;
        Ok(Outcome::Critical(Box::new(CriticalOutcome {
            gradient: gradient_shown(body, &f.params).map_err(here)?,
            function: f.name,
            params,
            body,
            ranges,
            found,
        })))
    }
}
