//! Values as human text: numbers, vectors (long ones elided), tuples,
//! expressions, definitions and matrices.
//!
//! Invariant: every number goes through `crate::text`'s formatters, so a
//! value reads the same wherever it is shown.

use colored::Colorize;

use super::Style;
use crate::outcome::Shown;
use crate::symbolic::Expr;
use crate::symbolic::print::to_text;
use crate::text::{format_number, pad_left, wrap_items};

pub(super) fn confirm(style: &Style, text: String) -> String {
    if style.confirm_definitions {
        format!("{}\n", text.dimmed())
    } else {
        String::new()
    }
}

fn tuple_text(items: impl Iterator<Item = String>) -> String {
    format!("({})", items.collect::<Vec<_>>().join(", "))
}

pub(super) fn shown_text(value: &Shown) -> String {
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

/// Vectors longer than this show their first `HEAD_SHOWN` and last
/// `TAIL_SHOWN` values only (data can have a million rows); JSON always has
/// them all.
const VECTOR_SHOWN: usize = 12;
const HEAD_SHOWN: usize = 8;
const TAIL_SHOWN: usize = 3;

/// `(1, 2, 3)`, or `(1, 2, ..., 999, 1000) (1000 values)` for long data.
pub fn long_vector_text(v: &[f64], open: &str, close: &str) -> String {
    let numbers = |xs: &[f64]| xs.iter().map(|x| format_number(*x)).collect::<Vec<_>>();
    if v.len() <= VECTOR_SHOWN {
        return format!("{open}{}{close}", numbers(v).join(", "));
    }
    let head = numbers(&v[..HEAD_SHOWN]).join(", ");
    let tail = numbers(&v[v.len() - TAIL_SHOWN..]).join(", ");
    format!("{open}{head}, ..., {tail}{close} ({} values)", v.len())
}

/// A vector shown as a result, broken between items to fit the width.
pub(super) fn fitted_vector(v: &[f64], open: &str, close: &str, style: &Style) -> String {
    wrap_items(&long_vector_text(v, open, close), style.fit_width(), 0)
}

fn shown_inner(value: &Shown) -> String {
    match value {
        Shown::Vector(v) | Shown::Tuple(v) => tuple_text(v.iter().map(|x| format_number(*x))),
        other => shown_text(other),
    }
}

/// Rows in brackets with aligned columns.
pub(super) fn matrix_text(rows: Vec<Vec<String>>) -> String {
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

/// A point: its one coordinate alone, or a tuple of them, each written by
/// `format`.
pub(super) fn point_text(x: &[f64], format: fn(f64) -> String) -> String {
    if x.len() == 1 {
        format(x[0])
    } else {
        tuple_text(x.iter().map(|v| format(*v)))
    }
}

/// `(a, b, c)` for expressions.
pub(super) fn exprs_text(v: &[Expr]) -> String {
    tuple_text(v.iter().map(|e| to_text(*e)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outcome::Outcome;
    use crate::report::human;

    /// `text` without terminal color codes.
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
