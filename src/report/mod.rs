//! Reports: outcomes as human text (tables, color when asked for) or as
//! JSON Lines objects (LANGUAGE.md section 5).
//!
//! `human` and `json` here choose by outcome: `values` writes numbers,
//! vectors, expressions, definitions, matrices and check results,
//! `descent` a descent's header, trace table and verdict and the tables of
//! `compare`, `explain` a derivation step by step, `critical` critical points, `table` the rows of a table, `fit` fits tables to the width, and `json` builds the JSON
//! objects.
//!
//! Invariant: this is the only module that turns results into output text;
//! it returns strings and JSON values and never writes to a stream itself.

use serde_json::{Map, Value as Json, json};

use crate::figure::terminal::{self, Colors};
use crate::outcome::{Outcome, PlotOutcome};
use crate::symbolic::print::{to_latex, to_text};
use crate::text::{format_number, wrap_items};

mod check;
mod critical;
mod descent;
mod explain;
mod fit;
mod json;
mod table;
mod values;

pub use json::number;
pub use values::long_vector_text;

use check::{check_json, check_text};
use critical::critical_text;
use descent::{compare_text, descent_text};
use explain::explain_text;
use json::{critical_json, descent_json, explain_json, numbers, shown_json, texts, theory_json};
use table::table_text;
use values::{confirm, exprs_text, fitted_vector, matrix_text, shown_text};

/// Trace rows shown by default (see `Style::max_rows`).
const DEFAULT_MAX_ROWS: usize = 24;
/// The width when there is no terminal to measure.
const DEFAULT_WIDTH: usize = 80;

/// How human output looks.
#[derive(Clone, Copy, Debug)]
pub struct Style {
    /// Show definitions (the REPL confirms them; scripts are silent).
    pub confirm_definitions: bool,
    /// Rows of a trace shown before eliding the middle.
    pub max_rows: usize,
    /// Columns of the terminal (or `DEFAULT_WIDTH` when not a terminal):
    /// tables and plots fit in it.
    pub width: usize,
    /// Fit tables and headers to `width` (a terminal, or `COLUMNS` set).
    /// Output to a pipe or a file keeps every column, so nothing is lost.
    pub fit: bool,
    /// The terminal shows 24-bit color (`COLORTERM` says so); otherwise
    /// colored plots use the 256-color palette.
    pub truecolor: bool,
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
            max_rows: DEFAULT_MAX_ROWS,
            width: DEFAULT_WIDTH,
            fit: false,
            truecolor: false,
        }
    }
}

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
        Outcome::Integer(n) => format!("{n}\n"),
        Outcome::Expr(e) => format!("{}\n", to_text(*e)),
        Outcome::Vector(v) => format!("{}\n", fitted_vector(v, "(", ")", style)),
        Outcome::Data(v) => format!("{}\n", fitted_vector(v, "[", "]", style)),
        Outcome::Exprs(v) => format!("{}\n", exprs_text(v)),
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
        Outcome::Explain(e) => explain_text(e, style),
        Outcome::Critical(c) => critical_text(c, style),
        Outcome::Table { columns, rows } => table_text(columns, rows, style),
        Outcome::Descent(d) => descent_text(d, style),
        Outcome::Compare(c) => compare_text(c, style),
        Outcome::Several(all) => all.iter().map(|o| human(o, style)).collect(),
        Outcome::Plot(p) => plot_text(p, style),
    }
}

/// A plot drawn in the terminal (color as `colored` decides, at the depth
/// the style says), or where its file was written.
fn plot_text(p: &PlotOutcome, style: &Style) -> String {
    match &p.file {
        Some((path, _)) => format!("plot written to {path}\n"),
        None => {
            let colors = if !colored::control::SHOULD_COLORIZE.should_colorize() {
                Colors::Plain
            } else if style.truecolor {
                Colors::TrueColor
            } else {
                Colors::Palette256
            };
            terminal::render(&p.figure, style.width, colors)
        }
    }
}

/// The outcome as one JSON object (LANGUAGE.md section 5): every statement
/// has one in JSON mode, even a definition.
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
        Outcome::Integer(n) => json!({"kind": "number", "value": number(n.to_f64())}),
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
        Outcome::Explain(e) => explain_json(e),
        Outcome::Critical(c) => critical_json(c),
        Outcome::Table { columns, rows } => json!({
            "kind": "table",
            "columns": columns,
            "rows": rows.iter().map(|r| numbers(r)).collect::<Vec<_>>(),
        }),
        Outcome::Descent(d) => descent_json(d),
        Outcome::Several(all) => Json::Array(all.iter().map(json).collect()),
        Outcome::Compare(c) => json!({
            "kind": "compare",
            "over": c.over.as_str(),
            "runs": c.runs.iter().map(descent_json).collect::<Vec<_>>(),
            "theory": c.theory.map(theory_json),
        }),
        Outcome::Plot(p) => match &p.file {
            Some((path, _)) => json!({"kind": "plot", "file": path}),
            // Without color, at the default width (JSON has no terminal).
            None => json!({
                "kind": "plot",
                "text": terminal::render(&p.figure, Style::default().width, Colors::Plain),
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
