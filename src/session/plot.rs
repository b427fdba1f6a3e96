//! The plot statements: `plot NAME [from A to B] [to "file"]` and the
//! `plot [to "file"]` clause of `minimize`/`maximize` (checked before the
//! runs, drawn after them).
//!
//! Invariant: evaluating a statement only reads the file system (does the
//! folder exist?); the file is written by `files::write_file` as the
//! outcome is emitted.

use std::path::Path;
use std::rc::Rc;

use super::{Session, reduced};
use crate::compile::constant_value;
use crate::error::{Error, ErrorKind, Result};
use crate::interrupt::INTERRUPT;
use crate::lower::{Lowerer, Mode};
use crate::outcome::{Outcome, PlotOutcome};
use crate::syntax::{self, Descent, Span, StringLit};
use crate::value::{Body, Value};

use crate::plot::{Subject, default_ranges, descent_figure, function_figure};

impl Session {
    /// `plot NAME [from A to B] [to "file"]`.
    pub(crate) fn plot(&self, p: &syntax::Plot) -> Result<Outcome> {
        let file = p.file.as_ref().map(check_target).transpose()?;
        let f = self.defs.function_named(&p.function).map_err(|error| {
            let name = &p.function.name;
            // Only functions of one number make the hint's `f(x) = name(x)`
            // (not `diff`, `grad`...): those of `builtins`, `sqrt` and `log`.
            let one_number =
                crate::builtins::function(name).is_some() || matches!(&**name, "sqrt" | "log");
            if one_number {
                error.with_hint(format!(
                    "'{name}' is built in; define a function first: f(x) = {name}(x), then plot f"
                ))
            } else {
                error
            }
        })?;
        let Body::Scalar(body) = f.body else {
            return Err(Error::internal("user functions have one value"));
        };
        let params: Vec<String> = f.params.iter().map(|p| p.to_string()).collect();
        check_dimension(&f.name, &params, p.function.span)?;
        let names: Vec<&str> = params.iter().map(String::as_str).collect();
        reduced(body, &f.name, &names, "plotted").map_err(|e| e.at(p.function.span))?;
        let mut subject = Subject::new(&f.name, &params, body, &INTERRUPT)?;
        let ranges = match &p.range {
            Some((a, b)) => self.plot_ranges(a, b, &f.name, &params)?,
            None => default_ranges(&mut subject)?,
        };
        let figure = function_figure(&mut subject, &ranges).map_err(|e| at_name(e, p))?;
        Ok(Outcome::Plot(Box::new(PlotOutcome { figure, file })))
    }

    /// `from A to B`: a number each for one parameter, a pair of tuples for
    /// two; each low end below its high end.
    fn plot_ranges(
        &self,
        a: &syntax::Expr,
        b: &syntax::Expr,
        name: &str,
        params: &[String],
    ) -> Result<Vec<(f64, f64)>> {
        let low = self.range_end(a, name, params)?;
        let high = self.range_end(b, name, params)?;
        let span = Span::new(a.span.start, b.span.end);
        let mut ranges = Vec::new();
        for (k, (lo, hi)) in low.into_iter().zip(high).enumerate() {
            if lo >= hi {
                let which = if params.len() == 1 {
                    "this one".to_string()
                } else {
                    format!("the range of {}", params[k])
                };
                return Err(Error::name(
                    format!(
                        "a range goes from low to high, but {which} goes from {} to {}",
                        crate::text::format_number(lo),
                        crate::text::format_number(hi)
                    ),
                    span,
                )
                .with_hint("swap the two ends"));
            }
            if !(hi - lo).is_finite() {
                return Err(Error::name("this range is too wide to draw", span));
            }
            ranges.push((lo, hi));
        }
        Ok(ranges)
    }

    fn range_end(&self, e: &syntax::Expr, name: &str, params: &[String]) -> Result<Vec<f64>> {
        let value = Lowerer::new(&self.defs, Mode::Now, Vec::<Rc<str>>::new()).value(e)?;
        let coords = match value {
            Value::Scalar(x) => vec![x],
            Value::Tuple(items) => items,
            other => {
                return Err(Error::name(
                    format!(
                        "an end of a range is a number or a tuple, not {}",
                        other.describe()
                    ),
                    e.span,
                ));
            }
        };
        if coords.len() != params.len() {
            let example = if params.len() == 1 {
                "from -5 to 5"
            } else {
                "from (-5, -5) to (5, 5)"
            };
            return Err(Error::name(
                format!(
                    "{name} has {} parameter{}, so each end of its range has {} coordinate{}, like {example}",
                    params.len(),
                    if params.len() == 1 { "" } else { "s" },
                    params.len(),
                    if params.len() == 1 { "" } else { "s" },
                ),
                e.span,
            ));
        }
        coords
            .into_iter()
            .map(|c| match constant_value(c) {
                Some(x) if x.is_finite() => Ok(x),
                _ => Err(Error::name(
                    "an end of a range must be a finite number",
                    e.span,
                )),
            })
            .collect()
    }
}

/// An error about the plotted values points at the function's name (an
/// interruption points nowhere).
fn at_name(e: Error, p: &syntax::Plot) -> Error {
    if e.kind == ErrorKind::Interrupted {
        e
    } else {
        e.at(p.function.span)
    }
}

/// A function of one or two parameters can be plotted.
fn check_dimension(name: &str, params: &[String], span: Span) -> Result<()> {
    match params.len() {
        1 | 2 => Ok(()),
        0 => Err(Error::name(
            format!("{name} has no parameters to plot"),
            span,
        )),
        n => Err(Error::name(
            format!(
                "plot draws functions of one or two parameters; {name} has {n} ({})",
                params.join(", ")
            ),
            span,
        )
        .with_hint(format!(
            "'minimize {name} from ... plot' draws its value per step"
        ))),
    }
}

/// A plot file must be an `.svg` in an existing folder; the path as given
/// (relative to the current directory) and the string's span.
pub fn check_target(file: &StringLit) -> Result<(String, Span)> {
    let path = Path::new(&file.value);
    let extension = path.extension().map(|e| e.to_string_lossy().to_lowercase());
    match extension.as_deref() {
        Some("svg") => {}
        Some("png") => {
            return Err(Error::name(
                "PNG files are not available: gd writes SVG figures",
                file.span,
            )
            .with_hint("write to a .svg file; rsvg-convert or a browser turns it into a PNG"));
        }
        _ => {
            return Err(Error::name(
                format!(
                    "cannot tell how to write '{}': plots are SVG files",
                    file.value
                ),
                file.span,
            )
            .with_hint("end the file name in .svg"));
        }
    }
    if let Some(folder) = path.parent().filter(|f| !f.as_os_str().is_empty()) {
        if folder.is_file() {
            return Err(Error::name(
                format!("'{}' is a file, not a folder", folder.display()),
                file.span,
            )
            .with_hint("write to a file in a folder"));
        }
        if !folder.is_dir() {
            return Err(Error::name(
                format!("the folder '{}' does not exist", folder.display()),
                file.span,
            )
            .with_hint("create it first, or write to a file in an existing folder"));
        }
    }
    Ok((file.value.clone(), file.span))
}

/// The `plot` clause of a descent, checked before the runs: the file, if
/// any.
pub fn check_descent_clause(d: &Descent) -> Result<()> {
    if let Some(Some(file)) = &d.plot {
        check_target(file)?;
    }
    Ok(())
}

/// The pictures of a finished `minimize ... plot`, or `None` when the
/// statement has no `plot` clause.
pub fn descent_plot(d: &Descent, outcome: &Outcome) -> Result<Option<Outcome>> {
    let Some(clause) = &d.plot else {
        return Ok(None);
    };
    let (runs, over) = match outcome {
        Outcome::Descent(one) => (std::slice::from_ref(&**one), None),
        Outcome::Compare(c) => (&c.runs[..], Some(c.over)),
        _ => return Ok(None),
    };
    let Some(first) = runs.first() else {
        return Ok(None);
    };
    let mut subject = Subject::new(&first.function, &first.params, first.body, &INTERRUPT)?;
    let file = clause.as_ref().map(check_target).transpose()?;
    Ok(Some(Outcome::Plot(Box::new(PlotOutcome {
        figure: descent_figure(&mut subject, runs, over)?,
        file,
    }))))
}
