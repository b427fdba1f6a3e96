//! The plot statements: `plot EXPR, ... [from A to B] [to "file"]`
//! (functions such as `f` and `f'`, or expressions in one or two free
//! variables) and the `plot [to "file"]` clause of `minimize`/`maximize`
//! (checked before the runs, drawn after them).
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
use crate::symbolic::Expr;
use crate::symbolic::print::to_text;
use crate::symbolic::rewrite::free_vars;
use crate::syntax::{self, Descent, ExprKind, Ident, Span, StringLit};
use crate::value::{Body, Value};

use crate::plot::{Subject, default_ranges, descent_figure, function_figure};

/// One thing to plot, as lowered: a function (`f`, `f'`) or an expression
/// as a function of its free variables (alphabetical), with where it was
/// written.
struct Item {
    /// The function's name, or the expression's text.
    name: String,
    params: Vec<String>,
    body: Expr,
    named: bool,
    span: Span,
}

/// Whose box `from A to B` is, for its errors: a function and its
/// parameters, or an expression and its variables (`named` false).
pub(super) struct RangeOf<'a> {
    pub name: &'a str,
    pub params: &'a [String],
    pub named: bool,
}

impl Item {
    fn range_of(&self) -> RangeOf<'_> {
        RangeOf {
            name: &self.name,
            params: &self.params,
            named: self.named,
        }
    }

    fn subject(&self) -> Result<Subject<'static>> {
        if self.named {
            Subject::new(&self.name, &self.params, self.body, &INTERRUPT)
        } else {
            Subject::expression(self.body, &self.params, &INTERRUPT)
        }
    }
}

impl Session {
    /// `plot EXPR, ... [from A to B] [to "file"]`.
    pub(crate) fn plot(&self, p: &syntax::Plot) -> Result<Outcome> {
        let file = p.file.as_ref().map(check_target).transpose()?;
        let mut items = self.plot_items(&p.items)?;
        if let ([one], [e]) = (&items[..], &p.items[..])
            && one.params.is_empty()
        {
            return Err(self.nothing_to_vary(one, e));
        }
        check_dimensions(&mut items)?;
        let mut subjects = items
            .iter()
            .map(Item::subject)
            .collect::<Result<Vec<_>>>()?;
        let ranges = match &p.range {
            Some((a, b)) => self.ranges(a, b, &items[0].range_of())?,
            None => default_ranges(&mut subjects)?,
        };
        let span = items[0].span.to(items[items.len() - 1].span);
        let figure = function_figure(&mut subjects, &ranges).map_err(|e| at_items(e, span))?;
        Ok(Outcome::Plot(Box::new(PlotOutcome { figure, file })))
    }

    /// The items of `plot`, lowered. A bare name that is no defined
    /// function is a variable when another item has it as one (`x` in
    /// `plot x^2, x`), else an error (`plot fo` is more likely a typo
    /// than the line y = fo).
    fn plot_items(&self, items: &[syntax::Expr]) -> Result<Vec<Item>> {
        let lowered: Vec<Result<Item>> = items.iter().map(|e| self.plot_item(e)).collect();
        let variables: Vec<String> = lowered
            .iter()
            .flatten()
            .flat_map(|item| item.params.iter().cloned())
            .collect();
        lowered
            .into_iter()
            .zip(items)
            .map(|(item, e)| match (&e.kind, item) {
                (ExprKind::Name(name), Err(_)) if variables.contains(name) => Ok(Item {
                    name: name.clone(),
                    params: vec![name.clone()],
                    body: Expr::var(name),
                    named: false,
                    span: e.span,
                }),
                (_, item) => item,
            })
            .collect()
    }

    /// A plotted item: a defined function by its name, a function value
    /// (`f'`), or an expression in its free variables.
    fn plot_item(&self, e: &syntax::Expr) -> Result<Item> {
        if let ExprKind::Name(name) = &e.kind
            && self.defs.value(name).is_none()
            && !matches!(name.as_str(), "pi" | "π" | "e")
        {
            return self.plot_function_named(name, e.span);
        }
        let value = Lowerer::new(&self.defs, Mode::Now, Vec::<Rc<str>>::new()).value(e)?;
        let (name, params, body, named) = match value {
            Value::Function(f) => {
                let Body::Scalar(body) = f.body else {
                    return Err(Error::name(
                        format!("{} has several values (a vector or a matrix); plot draws functions with one", f.name),
                        e.span,
                    )
                    .with_hint("plot one of them, as in plot diff(f, x)"));
                };
                let params: Vec<String> = f.params.iter().map(|p| p.to_string()).collect();
                (f.name, params, body, true)
            }
            Value::Scalar(body) => {
                let params = free_vars(body).iter().map(|v| v.to_string()).collect();
                (to_text(body), params, body, false)
            }
            other => {
                return Err(Error::name(
                    format!(
                        "plot draws functions and expressions, not {}",
                        other.describe()
                    ),
                    e.span,
                ));
            }
        };
        let names: Vec<&str> = params.iter().map(String::as_str).collect();
        reduced(body, &name, &names, "plotted").map_err(|err| {
            let err = err.at(e.span);
            if named {
                err
            } else {
                err.with_hint(format!(
                    "reduce it to a number: plot mean({name}) or sum({name})"
                ))
            }
        })?;
        Ok(Item {
            name,
            params,
            body,
            named,
            span: e.span,
        })
    }

    /// `plot 3`, or `plot x^2` where `x = 3` is defined: a number, with no
    /// variable; the hint names the defined values that made it one.
    fn nothing_to_vary(&self, item: &Item, e: &syntax::Expr) -> Error {
        let mut names = Vec::new();
        defined_values(e, &|n| self.defs.value(n).is_some(), &mut names);
        let error = Error::name(
            format!(
                "this is the number {} here, with no variable to plot against",
                item.name
            ),
            item.span,
        );
        match names.first() {
            Some(name) => error.with_hint(format!(
                "{name} is defined as a value; plot in another letter, or define a function: f({name}) = ..., then plot f"
            )),
            None => error.with_hint("plot an expression in a variable, as plot x^2 - 1, or a function: plot f"),
        }
    }

    /// `plot f`: the function `f`, or the error that says what `f` is
    /// instead (a built-in: call it).
    fn plot_function_named(&self, name: &str, span: Span) -> Result<Item> {
        let ident = Ident {
            name: name.into(),
            span,
        };
        let f = self.defs.function_named(&ident).map_err(|error| {
            // Only functions of one number make the hint's `name(x)` (not
            // `diff`, `grad`...): those of `builtins`, `sqrt` and `log`.
            let one_number =
                crate::builtins::function(name).is_some() || matches!(name, "sqrt" | "log");
            if one_number {
                Error::name(format!("'{name}' is a built-in function: call it"), span)
                    .with_hint(format!("plot {name}(x)"))
            } else if error.hint.is_none() && self.defs.value(name).is_none() {
                error.with_hint(format!(
                    "define it first (f(x) = ...), or plot an expression in it: plot {name}^2"
                ))
            } else {
                error
            }
        })?;
        let Body::Scalar(body) = f.body else {
            return Err(Error::internal("user functions have one value"));
        };
        let params: Vec<String> = f.params.iter().map(|p| p.to_string()).collect();
        let names: Vec<&str> = params.iter().map(String::as_str).collect();
        reduced(body, &f.name, &names, "plotted").map_err(|e| e.at(span))?;
        Ok(Item {
            name: f.name,
            params,
            body,
            named: true,
            span,
        })
    }

    /// `from A to B`: a number each for one parameter, a pair of tuples for
    /// several; each low end below its high end (for `plot` and `critical`).
    pub(super) fn ranges(
        &self,
        a: &syntax::Expr,
        b: &syntax::Expr,
        of: &RangeOf,
    ) -> Result<Vec<(f64, f64)>> {
        let params = of.params;
        let low = self.range_end(a, of)?;
        let high = self.range_end(b, of)?;
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
                return Err(Error::name("this range is too wide", span));
            }
            ranges.push((lo, hi));
        }
        Ok(ranges)
    }

    fn range_end(&self, e: &syntax::Expr, of: &RangeOf) -> Result<Vec<f64>> {
        let (name, params) = (of.name, of.params);
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
                    "{name} has {} {}{}, so each end of its range has {} coordinate{}, like {example}",
                    params.len(),
                    if of.named { "parameter" } else { "variable" },
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

/// The names in `e` that are defined values (each once, in order).
/// Walks with a stack of its own: a long sum is a deep chain of nodes.
fn defined_values(e: &syntax::Expr, is_value: &dyn Fn(&str) -> bool, out: &mut Vec<String>) {
    let mut stack = vec![e];
    while let Some(e) = stack.pop() {
        match &e.kind {
            ExprKind::Name(name) => {
                if is_value(name) && !out.contains(name) {
                    out.push(name.clone());
                }
            }
            ExprKind::Neg(inner) | ExprKind::Pos(inner) | ExprKind::Paren(inner) => {
                stack.push(inner)
            }
            // Right before left, so names are found in the order written.
            ExprKind::Binary { left, right, .. } => stack.extend([&**right, &**left]),
            ExprKind::Call { args, .. } => stack.extend(args.iter().rev()),
            ExprKind::Prime { target, .. } => stack.push(target),
            ExprKind::Tuple(items) | ExprKind::List(items) => stack.extend(items.iter().rev()),
            ExprKind::Number(_) | ExprKind::String(_) => {}
        }
    }
}

/// An error about the plotted values points at what is plotted (an
/// interruption points nowhere).
fn at_items(e: Error, span: Span) -> Error {
    if e.kind == ErrorKind::Interrupted {
        e
    } else {
        e.at(span)
    }
}

/// What can be plotted: one function of one or two variables, or several
/// of one variable each (a number among them, as `0` in `plot f, 0`, is a
/// level line over the others' variable).
fn check_dimensions(items: &mut [Item]) -> Result<()> {
    if let [one] = items {
        return match one.params.len() {
            0..=2 => Ok(()),
            n => {
                let what = if one.named {
                    "functions of one or two parameters"
                } else {
                    "expressions in one or two variables"
                };
                let error = Error::name(
                    format!(
                        "plot draws {what}; {} has {n} ({})",
                        one.name,
                        one.params.join(", ")
                    ),
                    one.span,
                );
                Err(if one.named {
                    error.with_hint(format!(
                        "'minimize {} from ... plot' draws its value per step",
                        one.name
                    ))
                } else {
                    error
                })
            }
        };
    }
    if let Some(wide) = items.iter().find(|i| i.params.len() > 1) {
        return Err(Error::name(
            format!(
                "plot f, g, ... draws curves of one variable; {} has {} ({})",
                wide.name,
                wide.params.len(),
                wide.params.join(", ")
            ),
            wide.span,
        )
        .with_hint(format!(
            "plot it alone for its contour map: plot {}",
            wide.name
        )));
    }
    let Some(variable) = items.iter().find_map(|i| i.params.first().cloned()) else {
        return Err(Error::name(
            "these are numbers, with no variable to plot against",
            items[0].span.to(items[items.len() - 1].span),
        )
        .with_hint("plot expressions in a variable, as plot x^2, 2x"));
    };
    for item in items.iter_mut().filter(|i| i.params.is_empty()) {
        item.params = vec![variable.clone()];
    }
    Ok(())
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
