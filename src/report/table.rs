//! A `table` as human text: the headers as typed, then a row per value,
//! every number with its shortest exact digits (a finite difference's
//! error shows in its last digits), right-aligned; in a terminal too
//! narrow for that, one block per row, a column per line.
//!
//! Invariant: no number is cut or rounded, and no column is dropped; a
//! table with more rows than the style shows keeps its first and last
//! rows around a `⋮`.

use colored::Colorize;

use super::{Style, fit};
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
    let aligned = fit::table_width(&widths) <= style.fit_width();
    let line = |row: &[String]| match aligned {
        true => {
            let padded: Vec<String> = row
                .iter()
                .zip(&widths)
                .map(|(c, w)| pad_left(c, *w))
                .collect();
            format!("  {}\n", padded.join("  "))
        }
        false => block(columns, row),
    };
    let mut out = match aligned {
        true => line(columns).bold().to_string(),
        false => String::new(),
    };
    for shown in elided(cells.len(), style.max_rows) {
        match shown {
            Shown::Row(i) => out.push_str(&line(&cells[i])),
            Shown::Gap(left_out) => {
                let gap = format!("⋮ ({left_out} more rows)");
                out.push_str(&format!("  {}\n", gap.dimmed()));
            }
        }
    }
    out
}

/// One row of a table too wide for the terminal: the first column's
/// header and value, then each other column on its own line, indented.
fn block(columns: &[String], row: &[String]) -> String {
    let mut pairs = columns.iter().zip(row);
    let mut out = String::new();
    if let Some((header, value)) = pairs.next() {
        out.push_str(&format!("  {} = {value}\n", header.bold()));
    }
    for (header, value) in pairs {
        out.push_str(&format!("      {header} = {value}\n"));
    }
    out
}

/// A row to print, or a stretch of rows left out.
enum Shown {
    Row(usize),
    Gap(usize),
}

/// The rows of a table of `n` rows to print when at most `max_rows` fit:
/// all, or the first two thirds and the last rows around a gap.
fn elided(n: usize, max_rows: usize) -> Vec<Shown> {
    let max_rows = max_rows.max(2);
    if n <= max_rows {
        return (0..n).map(Shown::Row).collect();
    }
    let head = max_rows * 2 / 3;
    let tail = max_rows - head - 1;
    let mut shown: Vec<Shown> = (0..head).map(Shown::Row).collect();
    shown.push(Shown::Gap(n - head - tail));
    shown.extend((n - tail..n).map(Shown::Row));
    shown
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `text` without its ANSI escapes (color is on when the tests run in
    /// a terminal).
    fn plain(text: &str) -> String {
        let mut out = String::new();
        let mut in_escape = false;
        for c in text.chars() {
            match (in_escape, c) {
                (false, '\x1b') => in_escape = true,
                (false, c) => out.push(c),
                (true, 'm') => in_escape = false,
                (true, _) => {}
            }
        }
        out
    }

    fn style(width: usize, max_rows: usize) -> Style {
        Style {
            width,
            max_rows,
            fit: true,
            ..Style::default()
        }
    }

    #[test]
    fn a_table_that_fits_is_aligned() {
        let columns = ["x".to_string(), "f(x)".to_string()];
        let text = plain(&table_text(
            &columns,
            &[vec![1.0, 0.5], vec![-2.0, 4.0]],
            &style(80, 10),
        ));
        assert_eq!(text, "   x  f(x)\n   1   0.5\n  -2     4\n");
    }

    #[test]
    fn a_narrow_terminal_gets_a_block_per_row() {
        let columns = ["x".to_string(), "fdiff(f, x)".to_string()];
        let text = plain(&table_text(
            &columns,
            &[vec![1.0, 2.0000009999243673]],
            &style(20, 10),
        ));
        assert_eq!(text, "  x = 1\n      fdiff(f, x) = 2.0000009999243673\n");
    }

    #[test]
    fn long_tables_keep_their_first_and_last_rows() {
        let shown = elided(100, 6);
        let rows: Vec<String> = shown
            .iter()
            .map(|s| match s {
                Shown::Row(i) => i.to_string(),
                Shown::Gap(n) => format!("gap {n}"),
            })
            .collect();
        assert_eq!(rows, ["0", "1", "2", "3", "gap 95", "99"]);
    }
}
