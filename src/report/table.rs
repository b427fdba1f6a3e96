//! A `table` as human text: the headers as typed, then a row per value,
//! every number with its shortest exact digits (a finite difference's
//! error shows in its last digits), right-aligned.
//!
//! Invariant: no number is cut or rounded; a table with more rows than
//! the style shows keeps its first and last rows around a `⋮`.

use colored::Colorize;

use super::Style;
use crate::text::{format_number, pad_left};

pub(super) fn table_text(columns: &[String], rows: &[Vec<f64>], style: &Style) -> String {
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|row| row.iter().map(|v| format_number(*v)).collect())
        .collect();
    let mut widths: Vec<usize> = columns.iter().map(|c| c.chars().count()).collect();
    for row in &cells {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |row: &[String]| {
        let padded: Vec<String> = row
            .iter()
            .zip(&widths)
            .map(|(c, w)| pad_left(c, *w))
            .collect();
        format!("  {}\n", padded.join("  "))
    };
    let mut out = line(columns).bold().to_string();
    let max_rows = style.max_rows.max(2);
    if cells.len() <= max_rows {
        cells.iter().for_each(|row| out.push_str(&line(row)));
        return out;
    }
    let head = max_rows * 2 / 3;
    let tail = max_rows - head - 1;
    cells[..head]
        .iter()
        .for_each(|row| out.push_str(&line(row)));
    let left_out = cells.len() - head - tail;
    out.push_str(&format!(
        "  {}\n",
        format!("⋮ ({left_out} more rows)").dimmed()
    ));
    cells[cells.len() - tail..]
        .iter()
        .for_each(|row| out.push_str(&line(row)));
    out
}
