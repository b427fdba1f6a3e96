//! Reports: outcomes as human text (tables, colour when asked for) or as
//! JSON Lines objects (LANGUAGE.md section 5).
//!
//! Invariant: this is the only module that turns results into output text;
//! it returns strings and JSON values and never writes to a stream itself.

use colored::Colorize;
use serde_json::{Map, Value as Json, json};

use crate::check::CheckOutcome;
use crate::descent::Sense;
use crate::descent::{Run, Status, Verdict};
use crate::outcome::{CompareOutcome, DescentOutcome, Outcome, PlotOutcome, Shown};
use crate::symbolic::Expr;
use crate::symbolic::print::{to_latex, to_text};
use crate::text::{
    format_number, pad_left, pad_right, table_number, truncate, wrap, wrap_items, wrap_words,
};

mod fit;
// Plot titles are cut to the width the same way.

/// How human output looks.
#[derive(Clone, Copy, Debug)]
pub struct Style {
    /// Show definitions (the REPL confirms them; scripts are silent).
    pub confirm_definitions: bool,
    /// Rows of a trace shown before eliding the middle.
    pub max_rows: usize,
    /// Columns of the terminal (or 80 when not a terminal): tables and plots
    /// fit in it.
    pub width: usize,
    /// Fit tables and headers to `width` (a terminal, or `COLUMNS` set).
    /// Output to a pipe or a file keeps every column, so nothing is lost.
    pub fit: bool,
}

impl Style {
    /// The width tables and header lines must fit in: unbounded unless
    /// fitting is on.
    pub fn fit_width(&self) -> usize {
        if self.fit { self.width } else { usize::MAX }
    }
}

impl Default for Style {
    fn default() -> Style {
        Style {
            confirm_definitions: false,
            max_rows: 24,
            width: 80,
            fit: false,
        }
    }
}

// ================================================================ human

/// The outcome as text for people, ending in a newline; empty when there is
/// nothing to show (a definition in a script).
pub fn human(outcome: &Outcome, style: &Style) -> String {
    match outcome {
        Outcome::List(value) => format!("{}\n", shown_text(value)),
        Outcome::Define { name, value } => {
            let start = name.chars().count() + 3;
            let text = wrap_items(&shown_text(value), style.fit_width(), start);
            confirm(style, format!("{name} = {text}"))
        }
        Outcome::Function {
            name,
            params,
            body,
            defined,
        } => {
            let text = format!("{name}({}) = {}", params.join(", "), to_text(*body));
            if *defined {
                confirm(style, text)
            } else {
                format!("{text}\n")
            }
        }
        Outcome::Number(x) => format!("{}\n", format_number(*x)),
        Outcome::Expr(e) => format!("{}\n", to_text(*e)),
        Outcome::Vector(v) => format!("{}\n", fitted_vector(v, "(", ")", style)),
        Outcome::Data(v) => format!("{}\n", fitted_vector(v, "[", "]", style)),
        Outcome::Exprs(v) => format!("{}\n", tuple_text(v.iter().map(|e| to_text(*e)))),
        Outcome::Matrix(rows) => matrix_text(
            rows.iter()
                .map(|r| r.iter().map(|x| format_number(*x)).collect())
                .collect(),
        ),
        Outcome::ExprsMatrix(rows) => matrix_text(
            rows.iter()
                .map(|r| r.iter().map(|e| to_text(*e)).collect())
                .collect(),
        ),
        Outcome::Str(s) => format!("{s}\n"),
        Outcome::Check(c) => check_text(c),
        Outcome::Descent(d) => descent_text(d, style),
        Outcome::Compare(c) => compare_text(c, style),
        Outcome::Several(all) => all.iter().map(|o| human(o, style)).collect(),
        Outcome::Plot(p) => plot_text(p, style),
    }
}

/// A plot drawn in the terminal (colour as `colored` decides), or where its
/// file was written.
fn plot_text(p: &PlotOutcome, style: &Style) -> String {
    match &p.file {
        Some((path, _)) => format!("plot written to {path}\n"),
        None => {
            let color = colored::control::SHOULD_COLORIZE.should_colorize();
            crate::figure::terminal::render(&p.figure, style.width, color)
        }
    }
}

fn confirm(style: &Style, text: String) -> String {
    if style.confirm_definitions {
        format!("{}\n", text.dimmed())
    } else {
        String::new()
    }
}

fn tuple_text(items: impl Iterator<Item = String>) -> String {
    format!("({})", items.collect::<Vec<_>>().join(", "))
}

fn shown_text(value: &Shown) -> String {
    match value {
        Shown::Number(x) => format_number(*x),
        Shown::Vector(v) => long_vector_text(v, "[", "]"),
        Shown::Tuple(v) => long_vector_text(v, "(", ")"),
        Shown::List(items) => format!(
            "[{}]",
            items.iter().map(shown_inner).collect::<Vec<_>>().join(", ")
        ),
    }
}

/// Vectors longer than this show their first 8 and last 3 values only
/// (data can have a million rows); JSON always has them all.
const VECTOR_SHOWN: usize = 12;

/// `(1, 2, 3)`, or `(1, 2, ..., 999, 1000) (1000 values)` for long data.
pub fn long_vector_text(v: &[f64], open: &str, close: &str) -> String {
    let numbers = |xs: &[f64]| xs.iter().map(|x| format_number(*x)).collect::<Vec<_>>();
    if v.len() <= VECTOR_SHOWN {
        return format!("{open}{}{close}", numbers(v).join(", "));
    }
    let head = numbers(&v[..8]).join(", ");
    let tail = numbers(&v[v.len() - 3..]).join(", ");
    format!("{open}{head}, ..., {tail}{close} ({} values)", v.len())
}

/// A vector shown as a result, broken between items to fit the width.
fn fitted_vector(v: &[f64], open: &str, close: &str, style: &Style) -> String {
    wrap_items(&long_vector_text(v, open, close), style.fit_width(), 0)
}

fn shown_inner(value: &Shown) -> String {
    match value {
        Shown::Vector(v) | Shown::Tuple(v) => tuple_text(v.iter().map(|x| format_number(*x))),
        other => shown_text(other),
    }
}

/// Rows in brackets with aligned columns.
fn matrix_text(rows: Vec<Vec<String>>) -> String {
    let n_cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..n_cols)
        .map(|j| {
            rows.iter()
                .filter_map(|r| r.get(j))
                .map(|s| s.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for row in &rows {
        let cells: Vec<String> = row
            .iter()
            .enumerate()
            .map(|(j, c)| pad_left(c, widths[j]))
            .collect();
        out.push_str(&format!("[{}]\n", cells.join("  ")));
    }
    out
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

fn check_text(c: &CheckOutcome) -> String {
    if c.ok {
        return format!("{} equal ({})\n", "✓".green().bold(), c.method.name());
    }
    let mut at: Vec<String> =
        c.at.iter()
            .map(|(v, x)| format!("{v} = {}", format_number(*x)))
            .collect();
    at.extend(c.row.map(|r| format!("row {r}")));
    let at = if at.is_empty() {
        String::new()
    } else {
        format!(" at {}", at.join(", "))
    };
    format!(
        "{} not equal{at}: left = {}, right = {}\n  left:  {}\n  right: {}\n",
        "✗".red().bold(),
        format_number(c.left),
        format_number(c.right),
        to_text(c.left_expr),
        to_text(c.right_expr),
    )
}

// ---------------------------------------------------------------- descent

fn descent_text(d: &DescentOutcome, style: &Style) -> String {
    let mut out = descent_header(d, style.fit_width());
    out.push('\n');
    out.push_str(&trace_table(d, style));
    out.push('\n');
    out.push_str(&result_line(d, style.fit_width()));
    out
}

fn signature(d: &DescentOutcome) -> String {
    format!("{}({})", d.function, d.params.join(", "))
}

/// `f(x) = body` after `verb`, cut to fit `width` (expressions can be long).
fn defined_line(verb: &str, d: &DescentOutcome, width: usize) -> String {
    let definition = format!("{} = {}", signature(d), to_text(d.body));
    let definition = truncate(&definition, width.saturating_sub(verb.len() + 1));
    format!("{} {definition}", verb.bold())
}

fn descent_header(d: &DescentOutcome, width: usize) -> String {
    let verb = match d.sense {
        Sense::Minimize => "minimize",
        Sense::Maximize => "maximize",
    };
    let settings: Vec<String> = d
        .settings
        .iter()
        .map(|(k, v)| format!("{k} {}{}", format_number(*v), all_rows_note(d, k)))
        .collect();
    let gradient = truncate(&gradient_text(d), width.saturating_sub(2));
    let from = format!(
        "  from {} with {}, {}, {} steps at most\n",
        point_text(&d.start),
        d.method,
        settings.join(", "),
        d.max_steps,
    );
    format!(
        "{}\n  {gradient}\n{}",
        defined_line(verb, d, width),
        wrap_words(&from, width, 4)
    )
}

fn point_text(x: &[f64]) -> String {
    if x.len() == 1 {
        format_number(x[0])
    } else {
        tuple_text(x.iter().map(|v| format_number(*v)))
    }
}

fn trace_table(d: &DescentOutcome, style: &Style) -> String {
    let run = &d.run;
    let mut headers: Vec<String> = vec!["step".into()];
    headers.extend(d.params.iter().cloned());
    headers.push(d.function.clone());
    headers.push("|grad|".into());
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
                rows.push(Some(row));
            }
        }
    }
    let widths = column_widths(&headers, rows.iter().flatten());
    // Too wide for the terminal: elide the middle parameters.
    let columns = fit::trace_columns(&widths, d.params.len(), style.fit_width());
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
    out
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
            let names: Vec<&str> = names.iter().map(String::as_str).collect();
            let reason = run
                .reason
                .as_ref()
                .map(|r| r.describe(&names))
                .unwrap_or_default();
            format!("{} {reason}", "diverged:".red().bold())
        }
        Status::Interrupted => format!("{} after {steps}", "interrupted".yellow().bold()),
    };
    let mut items = point;
    items.push(format!("{} = {}", d.function, format_number(run.f)));
    items.push(format!("|grad| = {}", format_number(run.grad_norm)));
    let mut out = format!("{status}\n{}", wrap(&items, width));
    out.push_str(&format!("  verdict: {}\n", verdict_text(run)));
    out
}

fn verdict_text(run: &Run) -> String {
    let rate = match run.rate {
        Some(r) => format!(" (rate {})", table_number(r)),
        None => String::new(),
    };
    match run.verdict {
        Verdict::Converged => match run.converged_at {
            Some(k) if k < run.steps => format!("{} at step {k}{rate}", "converged".green().bold()),
            _ => format!("{}{rate}", "converged".green().bold()),
        },
        Verdict::Converging => format!("{}{rate}", "converging".cyan()),
        Verdict::Oscillating => format!("{}{rate}", "oscillating".yellow()),
        Verdict::Diverged => format!("{}{rate}", "diverged".red().bold()),
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
fn compare_text(c: &CompareOutcome, style: &Style) -> String {
    let Some(first) = c.runs.first() else {
        return String::new();
    };
    let mut out = descent_header_for_compare(first, c.over, style.fit_width());
    let label = match c.over {
        "lr" => "lr",
        "start" => "start",
        _ => "method",
    };
    let headers: Vec<String> = [
        label,
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
    let rows: Vec<Vec<String>> = c.runs.iter().map(|d| compare_row(d, c.over)).collect();
    let widths = column_widths(&headers, rows.iter());
    out.push('\n');
    // Too wide for the terminal: drop steps, then |grad|, then the rate;
    // if that is not enough, one block per run.
    match fit::drop_columns(&widths, style.fit_width(), &[1, 4, 6]) {
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
        let text = format!(
            "  theory: the Hessian is constant, its largest eigenvalue is L = {}:\n          plain gd is stable for 0 < lr < 2/L = {} and fastest at lr = 1/L = {}\n",
            table_number(q.largest_eigenvalue),
            table_number(q.stable_below()),
            table_number(q.fastest()),
        );
        out.push_str(&wrap_words(&text, style.fit_width(), 10));
    }
    out
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
            let cell = wrap_items(cell, width, label + 6);
            out.push_str(&format!("    {}  {cell}\n", pad_right(header, label)));
        }
    }
    out
}

fn descent_header_for_compare(d: &DescentOutcome, over: &str, width: usize) -> String {
    let verb = match d.sense {
        Sense::Minimize => "minimize",
        Sense::Maximize => "maximize",
    };
    let mut fixed = Vec::new();
    if over != "start" {
        fixed.push(format!("from {}", point_text(&d.start)));
    }
    if over != "method" {
        fixed.push(format!("with {}", method_text(d)));
    }
    if over != "lr" {
        fixed.push(format!("lr {}", format_number(d.settings[0].1)));
    }
    for (k, v) in d.settings.iter().filter(|(k, _)| is_batch_setting(k)) {
        fixed.push(format!("{k} {}{}", format_number(*v), all_rows_note(d, k)));
    }
    fixed.push(format!("{} steps at most", d.max_steps));
    let fixed = format!("  {}\n", fixed.join(", ").replacen(", with", " with", 1));
    format!(
        "{}\n  {}\n{}",
        defined_line(verb, d, width),
        truncate(&gradient_text(d), width.saturating_sub(2)),
        wrap_words(&fixed, width, 4)
    )
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
        format!(
            "grad {} = {}",
            d.function,
            tuple_text(d.gradient.iter().map(|e| to_text(*e)))
        )
    }
}

fn compare_row(d: &DescentOutcome, over: &str) -> Vec<String> {
    let run = &d.run;
    let varied = match over {
        "lr" => format_number(d.settings[0].1),
        "start" => point_text(&d.start),
        _ => method_text(d),
    };
    let verdict = match (run.verdict, run.converged_at) {
        (Verdict::Converged, Some(k)) if k < run.steps || run.status == Status::Converged => {
            format!("converged in {}", plural(k, "step"))
        }
        (v, _) => v.as_str().to_string(),
    };
    let verdict = match run.status {
        Status::Diverged => format!(
            "{verdict} (step {})",
            run.reason.as_ref().map_or(run.steps, |r| r.step)
        ),
        Status::Interrupted => format!("{verdict} (interrupted)"),
        _ => verdict,
    };
    let point = if run.x.len() == 1 {
        table_number(run.x[0])
    } else {
        tuple_text(run.x.iter().map(|v| table_number(*v)))
    };
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
    let defaults = crate::descent::Method::from_spec(&d.method, &[])
        .map(|m| m.settings())
        .unwrap_or_default();
    let extra: Vec<String> = d.settings[1..]
        .iter()
        .filter(|(k, v)| !defaults.iter().any(|(dk, dv)| dk == k && dv == v))
        .filter(|(k, _)| !is_batch_setting(k))
        .map(|(k, v)| format!("{k}={}", format_number(*v)))
        .collect();
    if extra.is_empty() {
        d.method.clone()
    } else {
        format!("{}({})", d.method, extra.join(", "))
    }
}

/// After `batch N` larger than the data: " (all 5 rows)".
fn all_rows_note(d: &DescentOutcome, key: &str) -> String {
    match (key, d.all_rows) {
        ("batch", Some(n)) => format!(" (all {n} rows)"),
        _ => String::new(),
    }
}

/// `batch` and `seed`: settings of the run's minibatches, not of the method.
fn is_batch_setting(key: &str) -> bool {
    key == "batch" || key == "seed"
}

// ================================================================ JSON

/// The outcome as one JSON object (LANGUAGE.md section 5); `None` for
/// nothing to show (never: every statement has an object in JSON mode).
pub fn json(outcome: &Outcome) -> Json {
    match outcome {
        Outcome::List(value) => json!({"kind": "vector", "value": shown_json(value)}),
        Outcome::Define { name, value } => {
            json!({"kind": "define", "name": name, "value": shown_json(value)})
        }
        Outcome::Function {
            name, params, body, ..
        } => {
            json!({"kind": "function", "name": name, "params": params, "body": to_text(*body)})
        }
        Outcome::Number(x) => json!({"kind": "number", "value": number(*x)}),
        Outcome::Expr(e) => json!({"kind": "expr", "text": to_text(*e), "latex": to_latex(*e)}),
        Outcome::Vector(v) | Outcome::Data(v) => json!({"kind": "vector", "value": numbers(v)}),
        Outcome::Exprs(v) => json!({"kind": "exprs", "text": texts(v)}),
        Outcome::Matrix(rows) => {
            json!({"kind": "matrix", "value": rows.iter().map(|r| numbers(r)).collect::<Vec<_>>()})
        }
        Outcome::ExprsMatrix(rows) => {
            json!({"kind": "exprs_matrix", "text": rows.iter().map(|r| texts(r)).collect::<Vec<_>>()})
        }
        Outcome::Str(s) => json!({"kind": "string", "value": s}),
        Outcome::Check(c) => check_json(c),
        Outcome::Descent(d) => descent_json(d),
        Outcome::Several(all) => Json::Array(all.iter().map(json).collect()),
        Outcome::Compare(c) => json!({
            "kind": "compare",
            "over": c.over,
            "runs": c.runs.iter().map(descent_json).collect::<Vec<_>>(),
        }),
        Outcome::Plot(p) => match &p.file {
            Some((path, _)) => json!({"kind": "plot", "file": path}),
            // Without colour, at the default width (JSON has no terminal).
            None => json!({
                "kind": "plot",
                "text": crate::figure::terminal::render(&p.figure, Style::default().width, false),
            }),
        },
    }
}

/// A JSON error object (LANGUAGE.md section 5).
pub fn error_json(message: &str, source: &str, line: Option<(usize, usize)>) -> Json {
    let mut object = Map::new();
    object.insert("kind".into(), json!("error"));
    object.insert("message".into(), json!(message));
    object.insert("source".into(), json!(source));
    if let Some((line, column)) = line {
        object.insert("line".into(), json!(line));
        object.insert("column".into(), json!(column));
    }
    Json::Object(object)
}

/// A number: integers as integers, non-finite as the strings the spec
/// names.
pub fn number(x: f64) -> Json {
    if x.is_nan() {
        json!("nan")
    } else if x.is_infinite() {
        json!(if x > 0.0 { "inf" } else { "-inf" })
    } else if x == x.trunc() && x.abs() < 9.0e15 {
        json!(x as i64)
    } else {
        json!(x)
    }
}

fn numbers(v: &[f64]) -> Vec<Json> {
    v.iter().map(|x| number(*x)).collect()
}

fn texts(v: &[Expr]) -> Vec<String> {
    v.iter().map(|e| to_text(*e)).collect()
}

fn shown_json(value: &Shown) -> Json {
    match value {
        Shown::Number(x) => number(*x),
        Shown::Vector(v) | Shown::Tuple(v) => Json::Array(numbers(v)),
        Shown::List(items) => Json::Array(items.iter().map(shown_json).collect()),
    }
}

fn check_json(c: &CheckOutcome) -> Json {
    let mut object = Map::new();
    object.insert("kind".into(), json!("check"));
    object.insert("ok".into(), json!(c.ok));
    object.insert("method".into(), json!(c.method.name()));
    if !c.ok {
        let mut at: Map<String, Json> = c.at.iter().map(|(v, x)| (v.clone(), number(*x))).collect();
        if let Some(row) = c.row {
            at.insert("row".into(), json!(row));
        }
        object.insert("at".into(), Json::Object(at));
        object.insert("left".into(), number(c.left));
        object.insert("right".into(), number(c.right));
    }
    Json::Object(object)
}

fn descent_json(d: &DescentOutcome) -> Json {
    let run = &d.run;
    let mut params = Map::new();
    for (k, v) in &d.settings {
        params.insert(k.clone(), number(*v));
    }
    let trace: Vec<Json> = run
        .trace
        .iter()
        .map(|entry| {
            json!({"step": entry.step, "x": numbers(entry.x), "f": number(entry.f), "grad": numbers(entry.grad)})
        })
        .collect();
    let mut object = Map::new();
    // The kind is "minimize" for both senses; "sense" tells them apart.
    object.insert("kind".into(), json!("minimize"));
    object.insert("function".into(), json!(d.function));
    object.insert(
        "sense".into(),
        json!(match d.sense {
            Sense::Minimize => "min",
            Sense::Maximize => "max",
        }),
    );
    object.insert("method".into(), json!(d.method));
    object.insert("params".into(), Json::Object(params));
    object.insert("start".into(), Json::Array(numbers(&d.start)));
    object.insert("trace".into(), Json::Array(trace));
    if run.trace_every > 1 {
        object.insert("trace_every".into(), json!(run.trace_every));
    }
    object.insert("status".into(), json!(run.status.as_str()));
    if let Some(reason) = &run.reason {
        let names: Vec<&str> = d.params.iter().map(String::as_str).collect();
        object.insert("reason".into(), json!(reason.describe(&names)));
    }
    object.insert("steps".into(), json!(run.steps));
    object.insert("x".into(), Json::Array(numbers(&run.x)));
    object.insert("f".into(), number(run.f));
    object.insert("grad_norm".into(), number(run.grad_norm));
    object.insert("verdict".into(), json!(run.verdict.as_str()));
    object.insert("rate".into(), run.rate.map_or(Json::Null, number));
    Json::Object(object)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `text` without terminal colour codes.
    fn plain(text: &str) -> String {
        let mut out = String::new();
        let mut in_code = false;
        for c in text.chars() {
            match (in_code, c) {
                (false, '\x1b') => in_code = true,
                (true, 'm') => in_code = false,
                (false, c) => out.push(c),
                _ => {}
            }
        }
        out
    }

    #[test]
    fn long_vectors_break_between_numbers_to_fit() {
        let style = Style {
            confirm_definitions: true,
            width: 40,
            fit: true,
            ..Style::default()
        };
        let v: Vec<f64> = (1..=14).map(|i| f64::from(i) / 7.0).collect();
        let define = Outcome::Define {
            name: "u".into(),
            value: Shown::Vector(v.clone()),
        };
        for text in [human(&define, &style), human(&Outcome::Data(v), &style)] {
            let text = plain(&text);
            assert!(text.lines().count() > 3, "{text}");
            for line in text.lines() {
                assert!(line.chars().count() <= 40, "{line}");
                // Every line ends between items, never inside a number.
                assert!(line.ends_with(',') || line.ends_with("values)"), "{line}");
            }
        }
        let tuple = Outcome::Define {
            name: "t".into(),
            value: Shown::Tuple(vec![1.0, 2.0]),
        };
        assert_eq!(plain(&human(&tuple, &style)), "t = (1, 2)\n");
    }
}
