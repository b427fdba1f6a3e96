//! The plot statements in a session: `plot NAME [from A to B] [to "file"]`
//! and the `plot [to "file"]` clause of `minimize`/`maximize` (checked
//! before the runs, drawn after them), and writing a figure's SVG file.
//!
//! Invariant: evaluating a statement only reads the file system (does the
//! folder exist?); the file is written by `write_file`, which
//! `Session::run_source` calls as it emits the outcome, so a failed write
//! stops a script at that statement with its line and caret.

use std::path::Path;
use std::rc::Rc;

use crate::error::{Error, ErrorKind, Result};
use crate::figure::svg;
use crate::interrupt::INTERRUPT;
use crate::lower::{Lowerer, Mode};
use crate::session::{Session, constant_value};
use crate::syntax::{self, Descent, Span, StringLit};
use crate::value::{Body, Outcome, PlotOutcome, Value};

use super::{Compiled, Subject, default_ranges, descent_figure, function_figure};

impl Session {
    /// `plot NAME [from A to B] [to "file"]`.
    pub(crate) fn plot(&self, p: &syntax::Plot) -> Result<Outcome> {
        let file = p.file.as_ref().map(check_target).transpose()?;
        let Some(f) = self.function(&p.function.name) else {
            let error = self.not_a_defined_function(&p.function);
            let name = &p.function.name;
            // Only functions of one number make the hint's `f(x) = name(x)`
            // (not `diff`, `grad`...): those of `builtin`, `sqrt` and `log`.
            let one_number =
                crate::builtins::function(name).is_some() || matches!(&**name, "sqrt" | "log");
            return Err(if one_number {
                error.with_hint(format!(
                    "'{name}' is built in; define a function first: f(x) = {name}(x), then plot f"
                ))
            } else {
                error
            });
        };
        let f = self.function_value(&p.function.name, f, p.function.span)?;
        let Body::Scalar(body) = f.body else {
            return Err(Error::internal("user functions have one value"));
        };
        let params: Vec<String> = f.params.iter().map(|p| p.to_string()).collect();
        check_dimension(&f.name, &params, p.function.span)?;
        let names: Vec<&str> = params.iter().map(String::as_str).collect();
        crate::data::reduced(body, &f.name, &names, "plotted")
            .map_err(|e| e.at(p.function.span))?;
        let tape = Compiled::new(body, &names)?;
        let subject = Subject {
            name: &f.name,
            params: &params,
            body,
            tape: &tape,
            stop: &INTERRUPT,
        };
        let ranges = match &p.range {
            Some((a, b)) => self.plot_ranges(a, b, &f.name, &params)?,
            None => default_ranges(&subject)?,
        };
        let figure = function_figure(&subject, &ranges).map_err(|e| at_name(e, p))?;
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
        let value = Lowerer::new(self, Mode::Now, Vec::<Rc<str>>::new()).value(e)?;
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
    let names: Vec<&str> = first.params.iter().map(String::as_str).collect();
    let tape = Compiled::new(first.body, &names)?;
    let subject = Subject {
        name: &first.function,
        params: &first.params,
        body: first.body,
        tape: &tape,
        stop: &INTERRUPT,
    };
    let file = clause.as_ref().map(check_target).transpose()?;
    Ok(Some(Outcome::Plot(Box::new(PlotOutcome {
        figure: descent_figure(&subject, runs, over)?,
        file,
    }))))
}

/// Writes a plot's SVG file, if it has one (other outcomes: nothing).
pub fn write_file(outcome: &Outcome) -> Result<()> {
    let Outcome::Plot(plot) = outcome else {
        return Ok(());
    };
    let Some((path, span)) = &plot.file else {
        return Ok(());
    };
    let document = svg::render(&plot.figure).map_err(|e| Error::value(e).at(*span))?;
    std::fs::write(path, document).map_err(|e| {
        Error::value(format!(
            "cannot write '{path}': {}",
            write_failure(&e, path)
        ))
        .at(*span)
    })
}

/// Why a file could not be written, in plain words (no "os error N").
fn write_failure(e: &std::io::Error, path: &str) -> String {
    use std::io::ErrorKind as K;
    let folder = Path::new(path)
        .parent()
        .filter(|f| !f.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    match e.kind() {
        K::PermissionDenied => "permission denied".into(),
        // The folder was checked, but may not take new files (/proc).
        K::NotFound if folder.is_dir() => {
            format!("the folder '{}' does not take new files", folder.display())
        }
        K::NotFound => format!("the folder '{}' does not exist", folder.display()),
        K::IsADirectory => "it is a folder".into(),
        K::ReadOnlyFilesystem => "the file system is read-only".into(),
        K::StorageFull => "the disk is full".into(),
        _ => {
            let text = e.to_string();
            match text.find(" (os error") {
                Some(at) => text[..at].to_string(),
                None => text,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::write_failure;
    use std::io::{Error, ErrorKind};

    #[test]
    fn write_failures_are_plain_words() {
        // /proc exists but takes no new files: not "no such folder".
        let in_existing = write_failure(&Error::from(ErrorKind::NotFound), "src/x.svg");
        assert_eq!(in_existing, "the folder 'src' does not take new files");
        let missing = write_failure(&Error::from(ErrorKind::NotFound), "nowhere/x.svg");
        assert_eq!(missing, "the folder 'nowhere' does not exist");
        for code in [5, 28, 30, 122] {
            let why = write_failure(&Error::from_raw_os_error(code), "x.svg");
            assert!(!why.contains("os error") && !why.is_empty(), "{why}");
        }
    }
}
