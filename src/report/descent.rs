//! A descent as human text: the header (definition, gradient, settings),
//! the trace table, the result lines and the verdict; for `compare`, one
//! table row per run and the step-size theory line.
//!
//! Invariant: tables are fitted to the width by dropping whole columns
//! (see `fit`), never by cutting a number.

use colored::Colorize;

use super::values::{exprs_text, point_text};
use super::{Style, fit};
use crate::critical::Kind;
use crate::descent::{Culprit, DIVERGENCE_BOUND, Divergence, Method, Run, Sense, Status, Verdict};
use crate::outcome::{CompareOutcome, DescentOutcome, Over};
use crate::symbolic::print::to_text;
use crate::text::{
    format_number, pad_left, pad_right, table_number, truncate, wrap, wrap_items, wrap_words,
};
use crate::theory::Quadratic;

pub(super) fn descent_text(d: &DescentOutcome, style: &Style) -> String {
    let mut out = descent_header(d, style.fit_width());
    out.push('\n');
    out.push_str(&trace_table(d, style));
    out.push_str(&stateless_note(d));
    out.push('\n');
    out.push_str(&result_line(d, style.fit_width()));
    out
}

/// With `state` on a method that keeps none (gd, newton), why there are no
/// state columns.
fn stateless_note(d: &DescentOutcome) -> String {
    if !d.state || !d.method.rule().state.is_empty() {
        return String::new();
    }
    let name = d.method.name();
    let note = format!("{name} keeps no state: each update uses only this step's slopes");
    format!("  {}\n", note.dimmed())
}

fn signature(d: &DescentOutcome) -> String {
    format!("{}({})", d.function, d.params.join(", "))
}

/// `minimize f(x) = body` (or `maximize`), cut to fit `width` (expressions
/// can be long).
fn defined_line(d: &DescentOutcome, width: usize) -> String {
    let verb = match d.sense {
        Sense::Minimize => "minimize",
        Sense::Maximize => "maximize",
    };
    let definition = format!("{} = {}", signature(d), to_text(d.body));
    let definition = truncate(&definition, width.saturating_sub(verb.len() + 1));
    format!("{} {definition}", verb.bold())
}

/// The columns of a comparison a narrow terminal drops, first to last:
/// steps, |grad|, rate (the verdict says when a run converged).
const COMPARE_DROPPABLE: [usize; 3] = [1, 4, 6];
/// Where the continuation lines of a header's settings start.
const SETTINGS_INDENT: usize = 4;
/// Where the continuation lines of the theory line start: under its text,
/// after `  theory: `.
const THEORY_INDENT: usize = 10;
/// Before each header of a stacked comparison.
const STACKED_INDENT: &str = "    ";

/// The header of a descent or a comparison: the definition and the
/// gradient, each cut to fit `width`, then the line of `settings` wrapped
/// to it.
fn header(d: &DescentOutcome, settings: &str, width: usize) -> String {
    format!(
        "{}\n  {}\n{}",
        defined_line(d, width),
        truncate(&gradient_text(d), width.saturating_sub(2)),
        wrap_words(settings, width, SETTINGS_INDENT)
    )
}

fn descent_header(d: &DescentOutcome, width: usize) -> String {
    let settings: Vec<String> = d
        .settings()
        .into_iter()
        .map(|(k, v)| setting_text(d, k, v))
        .collect();
    let from = format!(
        "  from {} with {}, {}, {}\n",
        point_text(&d.start, format_number),
        d.method.name(),
        settings.join(", "),
        limits_text(d),
    );
    header(d, &from, width)
}

/// `100 steps at most`, and `tol 1e-6` when it is on.
fn limits_text(d: &DescentOutcome) -> String {
    let steps = format!("{} at most", plural(d.max_steps, "step"));
    if d.tol > 0.0 {
        format!("{steps}, tol {}", format_number(d.tol))
    } else {
        steps
    }
}

/// `lr 0.1`, or `batch 8 (all 5 rows)`.
fn setting_text(d: &DescentOutcome, key: &str, value: f64) -> String {
    format!("{key} {}{}", format_number(value), all_rows_note(d, key))
}

fn trace_table(d: &DescentOutcome, style: &Style) -> String {
    let run = &d.run;
    let mut headers: Vec<String> = vec!["step".into()];
    headers.extend(d.params.iter().cloned());
    headers.push(d.function.clone());
    headers.push("|grad|".into());
    headers.extend(state_headers(d));
    let mut rows: Vec<Option<Vec<String>>> = Vec::new();
    for i in rows_to_show(run, d.every, style.max_rows) {
        match i {
            None => rows.push(None),
            Some(i) => {
                let Some(entry) = run.trace.entry(i) else {
                    continue;
                };
                let mut row = vec![entry.step.to_string()];
                row.extend(entry.x.iter().map(|v| table_number(*v)));
                row.push(table_number(entry.f));
                row.push(table_number(crate::descent::euclidean_norm(entry.grad)));
                let state = d.state_buffers(entry.state);
                row.extend(
                    state
                        .iter()
                        .flat_map(|(_, v)| v.iter().map(|v| table_number(*v))),
                );
                rows.push(Some(row));
            }
        }
    }
    let widths = column_widths(&headers, rows.iter().flatten());
    // Too wide for the terminal: elide the middle parameters.
    let columns = fit::trace_columns(&widths, d.params.len(), style.fit_width());
    let first_state = d.params.len() + 3;
    let state_left_out =
        headers.len() > first_state && !columns.contains(&fit::Column::Keep(first_state));
    let headers = fit::pick(&headers, &columns);
    let rows: Vec<Option<Vec<String>>> = rows
        .into_iter()
        .map(|r| r.map(|r| fit::pick(&r, &columns)))
        .collect();
    let widths = fit::pick_widths(&widths, &columns);
    let line = |cells: &[String]| aligned_line(cells, &widths, pad_left);
    let mut out = line(&headers).bold().to_string();
    for row in rows {
        match row {
            Some(r) => out.push_str(&line(&r)),
            None => out.push_str(&format!("  {}\n", pad_left("⋮", widths[0]).dimmed())),
        }
    }
    if state_left_out {
        let note = "  the state columns do not fit: a wider terminal or --json shows them\n";
        out.push_str(
            &wrap_words(note, style.fit_width(), SETTINGS_INDENT)
                .dimmed()
                .to_string(),
        );
    }
    out
}

/// With `state`, a column per buffer and parameter under torch's names:
/// `exp_avg` for one parameter, `exp_avg(x)`, `exp_avg(y)` for several.
/// Step 0 leaves them empty: torch has no state before the first update.
fn state_headers(d: &DescentOutcome) -> Vec<String> {
    if !d.state {
        return Vec::new();
    }
    let names = d.method.rule().state.iter().map(|b| b.name);
    match d.params.as_slice() {
        [_] => names.map(String::from).collect(),
        params => names
            .flat_map(|name| params.iter().map(move |p| format!("{name}({p})")))
            .collect(),
    }
}

/// Indices of trace entries to print; `None` marks an elided stretch.
fn rows_to_show(run: &Run, every: Option<u64>, max_rows: usize) -> Vec<Option<usize>> {
    let n = run.trace.len();
    let mut picked: Vec<usize> = match every {
        Some(k) => run
            .trace
            .steps()
            .iter()
            .enumerate()
            .filter(|(i, step)| *step % k == 0 || *i + 1 == n)
            .map(|(i, _)| i)
            .collect(),
        None => (0..n).collect(),
    };
    picked.dedup();
    if picked.len() <= max_rows {
        return picked.into_iter().map(Some).collect();
    }
    let head = max_rows * 2 / 3;
    let tail = max_rows - head - 1;
    let mut out: Vec<Option<usize>> = picked[..head].iter().copied().map(Some).collect();
    out.push(None);
    out.extend(picked[picked.len() - tail..].iter().copied().map(Some));
    out
}

fn result_line(d: &DescentOutcome, width: usize) -> String {
    let run = &d.run;
    let names = &d.params;
    let point: Vec<String> = names
        .iter()
        .zip(&run.x)
        .map(|(n, v)| format!("{n} = {}", format_number(*v)))
        .collect();
    let steps = plural(run.steps, "step");
    let status = match run.status {
        Status::Converged => format!("converged after {steps} (|grad| below tol)"),
        Status::MaxSteps => format!("stopped after {steps} (the most allowed)"),
        Status::Diverged => {
            let reason = divergence_reason(d).unwrap_or_default();
            format!("{} {reason}", "diverged:".red().bold())
        }
        Status::Interrupted => format!("{} after {steps}", "interrupted".yellow().bold()),
    };
    let mut items = point;
    items.push(format!("{} = {}", d.function, format_number(run.f)));
    items.push(format!("|grad| = {}", format_number(run.grad_norm)));
    let mut out = format!("{status}\n{}", wrap(&items, width));
    out.push_str(&format!("  verdict: {}\n", verdict_text(d)));
    out
}

/// What a converged run found: `: a minimum`, or, when it is not what was
/// sought, `: a saddle point, not a minimum` (Newton's method is drawn to
/// any critical point).
fn found_text(kind: Kind, sense: Sense) -> String {
    let sought = sought(sense);
    if kind == sought {
        format!(": {}", kind_words(kind))
    } else {
        let what = kind_words(kind).yellow();
        format!(": {what}, not {}", kind_words(sought))
    }
}

fn kind_words(kind: Kind) -> &'static str {
    match kind {
        Kind::Minimum => "a minimum",
        Kind::Maximum => "a maximum",
        Kind::Saddle => "a saddle point",
        Kind::Inflection => "an inflection point",
        Kind::Degenerate => "a degenerate critical point",
    }
}

/// The kind of point a descent seeks.
fn sought(sense: Sense) -> Kind {
    match sense {
        Sense::Minimize => Kind::Minimum,
        Sense::Maximize => Kind::Maximum,
    }
}

/// In a table cell: ` (saddle)` when a converged run ended on a critical
/// point of another kind than the one sought.
fn unsought(d: &DescentOutcome) -> String {
    match d.critical {
        Some(kind) if kind != sought(d.sense) => format!(" ({})", kind.as_str()),
        _ => String::new(),
    }
}

/// The verdict as a word for people (JSON has `Verdict::as_str`).
fn verdict_word(v: Verdict) -> &'static str {
    match v {
        Verdict::NotConverging => "not converging",
        other => other.as_str(),
    }
}

fn verdict_text(d: &DescentOutcome) -> String {
    let run = &d.run;
    let rate = match run.rate {
        Some(r) => format!(" (rate {})", table_number(r)),
        None => String::new(),
    };
    match run.verdict {
        Verdict::Converged => {
            let at = match run.converged_at {
                Some(k) if k < run.steps => format!(" at step {k}"),
                _ => String::new(),
            };
            let found = d
                .critical
                .map(|k| found_text(k, d.sense))
                .unwrap_or_default();
            format!("{}{at}{rate}{found}", "converged".green().bold())
        }
        Verdict::Converging if run.zigzag => {
            format!("{}{rate}, zigzagging", "converging".cyan())
        }
        Verdict::Converging => format!("{}{rate}", "converging".cyan()),
        Verdict::Oscillating => format!("{}{rate}", "oscillating".yellow()),
        Verdict::Diverged => format!("{}{rate}", "diverged".red().bold()),
        Verdict::Unbounded => format!("{}{rate}", "unbounded".red()),
        Verdict::NotConverging => format!("{}{rate}", "not converging".yellow()),
    }
}

fn plural(n: u64, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// One row per run: the varied setting, steps, final point and value,
/// gradient norm, verdict and rate, aligned like a textbook table.
pub(super) fn compare_text(c: &CompareOutcome, style: &Style) -> String {
    let Some(first) = c.runs.first() else {
        return String::new();
    };
    // Methods compared without `lr` each take their own default.
    let mixed_lr = c.runs.iter().any(|d| d.lr != first.lr);
    let mut out = descent_header_for_compare(first, c.over, mixed_lr, style.fit_width());
    let headers: Vec<String> = [
        c.over.as_str(),
        "steps",
        "final point",
        &first.function,
        "|grad|",
        "verdict",
        "rate",
    ]
    .iter()
    .map(|h| h.to_string())
    .collect();
    let rows: Vec<Vec<String>> = c
        .runs
        .iter()
        .map(|d| compare_row(d, c.over, mixed_lr))
        .collect();
    let widths = column_widths(&headers, rows.iter());
    out.push('\n');
    // Too wide for the terminal: drop steps, then |grad|, then the rate;
    // if that is not enough, one block per run.
    match fit::drop_columns(&widths, style.fit_width(), &COMPARE_DROPPABLE) {
        Some(columns) => {
            let widths = fit::pick_widths(&widths, &columns);
            let line = |cells: &[String]| aligned_line(cells, &widths, pad_right);
            out.push_str(&line(&fit::pick(&headers, &columns)).bold().to_string());
            for row in &rows {
                out.push_str(&line(&fit::pick(row, &columns)));
            }
        }
        None => out.push_str(&stacked(&headers, &rows, style.fit_width())),
    }
    if let Some(q) = c.theory {
        let text = format!("  theory: {}\n", theory_text(q));
        out.push_str(&wrap_words(&text, style.fit_width(), THEORY_INDENT));
    }
    if first.state {
        let note = "  a comparison shows no traces: run one at a time to see the state (--json has each run's)\n";
        out.push_str(
            &wrap_words(note, style.fit_width(), SETTINGS_INDENT)
                .dimmed()
                .to_string(),
        );
    }
    out
}

/// What theory says of a quadratic's learning rates (LANGUAGE.md section
/// 4), in words.
fn theory_text(q: Quadratic) -> String {
    let n = table_number;
    let (l, mu) = (q.largest, q.smallest);
    match (q.stable_below(), q.fastest(), q.factor(), q.one_step()) {
        (Some(stable), Some(fastest), _, _) if q.n == 1 || l == mu => format!(
            "the Hessian is constant, L = {}: plain gd is stable for 0 < lr < 2/L = {} and fastest at lr = 1/L = {}, which solves it in one step",
            n(l),
            n(stable),
            n(fastest),
        ),
        (Some(stable), Some(fastest), Some(factor), Some(one)) => format!(
            "the Hessian is constant, with eigenvalues from μ = {} to L = {}: plain gd is stable for 0 < lr < 2/L = {}; its fastest constant rate is at lr = 2/(L + μ) = {}, where the error shrinks by (L - μ)/(L + μ) = {} a step; lr = 1/L = {} solves the steepest direction in one step",
            n(mu),
            n(l),
            n(stable),
            n(fastest),
            n(factor),
            n(one),
        ),
        _ if mu < 0.0 => {
            let kind = if l > 0.0 { "a saddle" } else { "a maximum" };
            format!(
                "the Hessian is constant, with an eigenvalue μ = {} < 0: the quadratic has no minimum ({kind})",
                n(mu)
            )
        }
        (Some(stable), ..) => {
            let set = match q.flat {
                1 => "a line",
                2 => "a plane",
                _ => "a flat set",
            };
            let minima = if q.bounded {
                format!("its minima form {set}")
            } else {
                "it is unbounded below".to_string()
            };
            format!(
                "the Hessian is constant and singular (μ = 0, L = {}): {minima}; plain gd is stable for lr < 2/L = {}, with no fastest constant rate",
                n(l),
                n(stable)
            )
        }
        _ => "the Hessian is constant and 0: the function is linear, with no minimum".to_string(),
    }
}

/// A table too wide for any layout in columns, as one block per row: the
/// first cell, then each other cell under its header; a cell too long for
/// `width` (a final point) wraps between its items.
fn stacked(headers: &[String], rows: &[Vec<String>], width: usize) -> String {
    let label = headers.iter().map(|h| h.chars().count()).max().unwrap_or(0);
    let mut out = String::new();
    for row in rows {
        out.push_str(&format!("  {} {}\n", headers[0].bold(), row[0]));
        for (header, cell) in headers.iter().zip(row).skip(1) {
            // The cell starts after the indent, the header and two spaces.
            let cell = wrap_items(cell, width, STACKED_INDENT.len() + label + 2);
            out.push_str(&format!(
                "{STACKED_INDENT}{}  {cell}\n",
                pad_right(header, label)
            ));
        }
    }
    out
}

fn descent_header_for_compare(
    d: &DescentOutcome,
    over: Over,
    mixed_lr: bool,
    width: usize,
) -> String {
    let mut fixed = Vec::new();
    if over != Over::Start {
        fixed.push(format!("from {}", point_text(&d.start, format_number)));
    }
    if over != Over::Method {
        fixed.push(format!("with {}", method_text(d)));
    }
    if over != Over::Lr && !mixed_lr {
        fixed.push(format!("lr {}", format_number(d.lr)));
    }
    if let Some(b) = d.batches {
        fixed.push(setting_text(d, "batch", b.size as f64));
        fixed.push(setting_text(d, "seed", b.seed as f64));
    }
    fixed.push(limits_text(d));
    let fixed = format!("  {}\n", fixed.join(", ").replacen(", with", " with", 1));
    header(d, &fixed, width)
}

fn gradient_text(d: &DescentOutcome) -> String {
    if d.gradient.len() == 1 {
        format!(
            "{}'({}) = {}",
            d.function,
            d.params[0],
            to_text(d.gradient[0])
        )
    } else {
        format!("grad {} = {}", d.function, exprs_text(&d.gradient))
    }
}

fn compare_row(d: &DescentOutcome, over: Over, mixed_lr: bool) -> Vec<String> {
    let run = &d.run;
    let varied = match over {
        Over::Lr => format_number(d.lr),
        Over::Start => point_text(&d.start, format_number),
        Over::Method if mixed_lr => format!("{} (lr {})", method_text(d), format_number(d.lr)),
        Over::Method => method_text(d),
    };
    let verdict = match (run.verdict, run.converged_at) {
        (Verdict::Converged, Some(k)) if k < run.steps || run.status == Status::Converged => {
            format!("converged in {}{}", plural(k, "step"), unsought(d))
        }
        (Verdict::Converged, _) => format!("converged{}", unsought(d)),
        (Verdict::Converging, _) if run.zigzag => "converging, zigzagging".to_string(),
        (v, _) => verdict_word(v).to_string(),
    };
    let verdict = match run.status {
        Status::Diverged => format!(
            "{verdict} (step {})",
            run.reason.as_ref().map_or(run.steps, |r| r.step)
        ),
        Status::Interrupted => format!("{verdict} (interrupted)"),
        _ => verdict,
    };
    let point = point_text(&run.x, table_number);
    vec![
        varied,
        run.steps.to_string(),
        point,
        table_number(run.f),
        table_number(run.grad_norm),
        verdict,
        run.rate.map_or("-".to_string(), table_number),
    ]
}

/// `adam(beta1=0.8)`: the method with the settings that differ from its
/// defaults.
fn method_text(d: &DescentOutcome) -> String {
    let name = d.method.name();
    let defaults = Method::from_spec(name, &[])
        .map(|m| m.settings())
        .unwrap_or_default();
    let extra: Vec<String> = d
        .method
        .settings()
        .into_iter()
        .filter(|setting| !defaults.contains(setting))
        .map(|(k, v)| format!("{k}={}", format_number(v)))
        .collect();
    if extra.is_empty() {
        name.to_string()
    } else {
        format!("{name}({})", extra.join(", "))
    }
}

/// Why the run diverged, in words that name the parameters; `None` when it
/// did not.
pub(super) fn divergence_reason(d: &DescentOutcome) -> Option<String> {
    let names: Vec<&str> = d.params.iter().map(String::as_str).collect();
    d.run.reason.as_ref().map(|r| describe(r, &names))
}

/// A divergence in words, naming coordinates by `params` (falling back to
/// "coordinate i", 1-based): "at step 12, y went beyond 1e100 (y = 2e100)",
/// "at step 3, the Hessian is singular at (x, y) = (0, 0)".
fn describe(d: &Divergence, params: &[&str]) -> String {
    let name = |i: usize| match params.get(i) {
        Some(p) => p.to_string(),
        None => format!("coordinate {}", i + 1),
    };
    let (step, number) = (d.step, d.number);
    let bound = format_number(DIVERGENCE_BOUND);
    let at = || point_in_words(&d.point, params);
    match d.culprit {
        Culprit::Value => format!("at step {step}, the value became {number}"),
        Culprit::Coordinate(i) if number.is_finite() => format!(
            "at step {step}, {} went beyond {bound} ({} = {number:e})",
            name(i),
            name(i)
        ),
        Culprit::Coordinate(i) => format!("at step {step}, {} became {number}", name(i)),
        Culprit::Gradient(i) => format!(
            "at step {step}, the gradient's {} component became {number}",
            name(i)
        ),
        Culprit::Hessian(i, j) => format!(
            "at step {step}, the Hessian's ({}, {}) entry became {number} at {}",
            name(i),
            name(j),
            at()
        ),
        Culprit::SingularHessian => {
            format!("at step {step}, the Hessian is singular at {}", at())
        }
        Culprit::SingularBatchHessian(rows) => format!(
            "at step {step}, the Hessian of that minibatch (of {rows} row{}) is singular at {}: \
             use a larger batch, or a batch size that divides the number of rows",
            if rows == 1 { "" } else { "s" },
            at()
        ),
    }
}

/// `x = 1`, `(x, y) = (0, 2.5)`, or `(0, 2.5)` without names.
fn point_in_words(point: &[f64], params: &[&str]) -> String {
    let numbers: Vec<String> = point.iter().map(|v| format_number(*v)).collect();
    match (params.len() == numbers.len(), numbers.len()) {
        (true, 1) => format!("{} = {}", params[0], numbers[0]),
        (true, _) => format!("({}) = ({})", params.join(", "), numbers.join(", ")),
        (false, _) => format!("({})", numbers.join(", ")),
    }
}

/// After `batch N` larger than the data: " (all 5 rows)".
fn all_rows_note(d: &DescentOutcome, key: &str) -> String {
    match (key, d.batches) {
        ("batch", Some(b)) if b.rows < b.size => format!(" (all {} rows)", b.rows),
        _ => String::new(),
    }
}

/// The width of each column: its widest cell or header.
fn column_widths<'r>(
    headers: &[String],
    rows: impl Iterator<Item = &'r Vec<String>>,
) -> Vec<usize> {
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    widths
}

/// One table line, cells padded to their column and two spaces apart.
fn aligned_line(cells: &[String], widths: &[usize], pad: fn(&str, usize) -> String) -> String {
    let padded: Vec<String> = cells.iter().zip(widths).map(|(c, w)| pad(c, *w)).collect();
    format!("  {}\n", padded.join("  ").trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn divergence(step: u64, culprit: Culprit, number: f64, point: &[f64]) -> Divergence {
        Divergence {
            step,
            culprit,
            number,
            point: point.to_vec(),
        }
    }

    #[test]
    fn divergences_in_words_name_the_parameters() {
        let far = divergence(333, Culprit::Coordinate(0), -2f64.powi(333), &[-2e100]);
        assert!(describe(&far, &["x"]).starts_with("at step 333, x went beyond 1e100 (x = -"));
        let singular = divergence(1, Culprit::SingularHessian, 0.0, &[0.0, -1.0]);
        assert_eq!(
            describe(&singular, &["x", "y"]),
            "at step 1, the Hessian is singular at (x, y) = (0, -1)"
        );
        assert_eq!(
            describe(&singular, &[]),
            "at step 1, the Hessian is singular at (0, -1)"
        );
        let hessian = divergence(0, Culprit::Hessian(0, 0), f64::INFINITY, &[0.0]);
        assert_eq!(
            describe(&hessian, &["x"]),
            "at step 0, the Hessian's (x, x) entry became inf at x = 0"
        );
        let gradient = divergence(0, Culprit::Gradient(0), f64::INFINITY, &[0.0]);
        assert_eq!(
            describe(&gradient, &[]),
            "at step 0, the gradient's coordinate 1 component became inf"
        );
        let batch = divergence(4, Culprit::SingularBatchHessian(1), 0.0, &[2.0]);
        assert!(describe(&batch, &["w"]).contains("(of 1 row) is singular at w = 2"));
    }
}
