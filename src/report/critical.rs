//! Critical points as human text: the function, the box and how it was
//! searched, a table of the points (coordinates, value, f'' or the
//! Hessian's eigenvalues, and what each is), and the lowest minimum.
//!
//! Invariant: the table shows 6 significant digits; the lowest minimum's
//! line (and JSON) every digit.

use colored::Colorize;

use super::Style;
use super::values::{exprs_text, point_text};
use crate::critical::Search;
use crate::outcome::CriticalOutcome;
use crate::symbolic::print::to_text;
use crate::text::{format_number, pad_left, pad_right, table_number, truncate};

pub(super) fn critical_text(c: &CriticalOutcome, style: &Style) -> String {
    let width = style.fit_width();
    let signature = format!("{}({})", c.function, c.params.join(", "));
    let title = format!(
        "{} {signature} = {} from {} to {}",
        "critical points of".bold(),
        to_text(c.body),
        point_text(&lows(c), format_number),
        point_text(&highs(c), format_number),
    );
    let mut out = format!("{}\n", truncate(&title, width));
    out.push_str(&format!(
        "  {}\n",
        truncate(&how(c), width.saturating_sub(2))
    ));
    if c.found.points.is_empty() {
        out.push_str("  none in this box\n");
        return out;
    }
    out.push('\n');
    out.push_str(&table(c, style.max_rows));
    out.push('\n');
    out.push_str(&lowest_line(c, &signature));
    out
}

fn lows(c: &CriticalOutcome) -> Vec<f64> {
    c.ranges.iter().map(|r| r.0).collect()
}

fn highs(c: &CriticalOutcome) -> Vec<f64> {
    c.ranges.iter().map(|r| r.1).collect()
}

/// How the points were found: every real root of the derivative, or
/// Newton's method on the gradient.
fn how(c: &CriticalOutcome) -> String {
    match c.found.search {
        Search::Exact => format!(
            "exact: every real root of {}'({}) = {}",
            c.function,
            c.params[0],
            to_text(c.gradient[0])
        ),
        Search::Newton { starts } => {
            let gradient = if c.gradient.len() == 1 {
                format!(
                    "{}'({}) = {}",
                    c.function,
                    c.params[0],
                    to_text(c.gradient[0])
                )
            } else {
                format!("grad {} = {}", c.function, exprs_text(&c.gradient))
            };
            format!("numerical: Newton's method on {gradient} from {starts} starts")
        }
    }
}

/// The points' table; more than `max_rows` points show their first and
/// last rows around a `⋮` that says how many are left out (JSON has them
/// all).
fn table(c: &CriticalOutcome, max_rows: usize) -> String {
    let one = c.params.len() == 1;
    let mut headers: Vec<String> = c.params.clone();
    headers.push(c.function.clone());
    headers.push(if one {
        format!("{}''", c.function)
    } else {
        "eigenvalues of the Hessian".to_string()
    });
    headers.push("type".to_string());
    let rows: Vec<Vec<String>> = c
        .found
        .points
        .iter()
        .map(|p| {
            let mut row: Vec<String> = p.x.iter().map(|v| table_number(*v)).collect();
            row.push(table_number(p.f));
            row.push(point_text(&p.eigenvalues, table_number));
            row.push(p.kind.as_str().to_string());
            row
        })
        .collect();
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let last = headers.len() - 1;
    let line = |cells: &[String]| {
        let padded: Vec<String> = cells
            .iter()
            .zip(&widths)
            .enumerate()
            .map(|(i, (cell, w))| {
                if i == last {
                    pad_right(cell, *w)
                } else {
                    pad_left(cell, *w)
                }
            })
            .collect();
        format!("  {}\n", padded.join("  ").trim_end())
    };
    let mut out = line(&headers).bold().to_string();
    if rows.len() <= max_rows {
        rows.iter().for_each(|row| out.push_str(&line(row)));
        return out;
    }
    let head = max_rows * 2 / 3;
    let tail = max_rows.saturating_sub(head + 1);
    rows[..head].iter().for_each(|row| out.push_str(&line(row)));
    let left_out = rows.len() - head - tail;
    out.push_str(&format!("  {}\n", format!("⋮ ({left_out} more)").dimmed()));
    rows[rows.len() - tail..]
        .iter()
        .for_each(|row| out.push_str(&line(row)));
    out
}

/// `lowest minimum: f(1) = -2`, or that there is no minimum.
fn lowest_line(c: &CriticalOutcome, signature: &str) -> String {
    match c.found.lowest.and_then(|i| c.found.points.get(i)) {
        Some(p) => {
            let at: Vec<String> = p.x.iter().map(|v| format_number(*v)).collect();
            format!(
                "  lowest minimum: {}({}) = {}\n",
                c.function,
                at.join(", "),
                format_number(p.f)
            )
        }
        None => format!("  no minimum of {signature} in this box\n"),
    }
}
