//! Making tables and header lines fit the terminal's width: a table drops
//! its least important columns (or, for a trace, the middle parameters)
//! rather than wrap, and an over-long expression line ends in `…`.
//!
//! Invariant: only whole columns are dropped; no cell is ever cut, so
//! every number shown is exact to the table's precision.

/// A column of a fitted table: one of the original ones, or `…` standing
/// for those left out.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Column {
    Keep(usize),
    Elided,
}

/// The width of a table with these column widths: an indent of two, and
/// two spaces between columns (as `aligned_line` prints it).
pub fn table_width(widths: &[usize]) -> usize {
    2 + widths.iter().sum::<usize>() + 2 * widths.len().saturating_sub(1)
}

fn width_of(columns: &[Column], widths: &[usize]) -> usize {
    let picked: Vec<usize> = columns
        .iter()
        .map(|c| match c {
            Column::Keep(i) => widths[*i],
            Column::Elided => 1,
        })
        .collect();
    table_width(&picked)
}

/// The columns to show: all of them when they fit in `width`, otherwise
/// without the `optional` ones, dropped in that order until they fit.
/// `None` when even the essential columns do not fit.
pub fn drop_columns(widths: &[usize], width: usize, optional: &[usize]) -> Option<Vec<Column>> {
    let mut columns: Vec<Column> = (0..widths.len()).map(Column::Keep).collect();
    for dropped in std::iter::once(None).chain(optional.iter().map(Some)) {
        if let Some(i) = dropped {
            columns.retain(|c| *c != Column::Keep(*i));
        }
        if width_of(&columns, widths) <= width {
            return Some(columns);
        }
    }
    None
}

/// The columns of a trace (`step`, the parameters, the value, `|grad|`)
/// that fit: the first parameters, `…`, and the last one; then without
/// `|grad|`. With one or two parameters only `|grad|` can go. Whatever is
/// left when nothing fits is the narrowest form.
pub fn trace_columns(widths: &[usize], n_params: usize, width: usize) -> Vec<Column> {
    let all: Vec<Column> = (0..widths.len()).map(Column::Keep).collect();
    let value = n_params + 1;
    let grad = n_params + 2;
    if width_of(&all, widths) <= width {
        return all;
    }
    if n_params < 3 {
        return (0..=value).map(Column::Keep).collect();
    }
    let mut narrowest = Vec::new();
    for with_grad in [true, false] {
        for shown in (1..n_params - 1).rev() {
            let mut columns = vec![Column::Keep(0)];
            columns.extend((1..=shown).map(Column::Keep));
            columns.push(Column::Elided);
            columns.push(Column::Keep(n_params));
            columns.push(Column::Keep(value));
            if with_grad {
                columns.push(Column::Keep(grad));
            }
            if width_of(&columns, widths) <= width {
                return columns;
            }
            narrowest = columns;
        }
    }
    narrowest
}

/// The cells of `row` for `columns`, `…` for an elided stretch.
pub fn pick(row: &[String], columns: &[Column]) -> Vec<String> {
    columns
        .iter()
        .map(|c| match c {
            Column::Keep(i) => row.get(*i).cloned().unwrap_or_default(),
            Column::Elided => "…".to_string(),
        })
        .collect()
}

/// The widths of `columns`.
pub fn pick_widths(widths: &[usize], columns: &[Column]) -> Vec<usize> {
    columns
        .iter()
        .map(|c| match c {
            Column::Keep(i) => widths[*i],
            Column::Elided => 1,
        })
        .collect()
}

/// `line` cut to `width` characters, ending in `…` when it was longer.
pub fn truncate(line: &str, width: usize) -> String {
    if line.chars().count() <= width || width == 0 {
        return line.to_string();
    }
    let mut out: String = line.chars().take(width - 1).collect();
    out.push('…');
    out
}

/// `items` joined by `, ` on lines indented by two, each at most `width`
/// wide when the items allow (an item is never split).
pub fn wrap(items: &[String], width: usize) -> String {
    let mut out = String::new();
    let mut line = String::new();
    for (i, item) in items.iter().enumerate() {
        let piece = if i + 1 < items.len() {
            format!("{item},")
        } else {
            item.clone()
        };
        let needed = line.chars().count() + 1 + piece.chars().count();
        if !line.is_empty() && needed > width {
            out.push_str(&format!("{line}\n"));
            line.clear();
        }
        line.push_str(if line.is_empty() { "  " } else { " " });
        line.push_str(&piece);
    }
    out.push_str(&format!("{line}\n"));
    out
}

/// `text` (a list like `(1, 2, 3)`) starting at column `start`, broken
/// after its commas so that no line is wider than `width` when the items
/// allow; continuation lines start under the first item.
pub fn wrap_items(text: &str, width: usize, start: usize) -> String {
    let indent = start + usize::from(text.starts_with(['(', '[']));
    let mut out = String::new();
    let mut column = start;
    for (i, item) in text.split(", ").enumerate() {
        let piece = if i == 0 {
            item.to_string()
        } else {
            format!(", {item}")
        };
        // One more column for the comma that may follow.
        let more = piece.chars().count() + 1;
        if i > 0 && column + more > width {
            out.push_str(&format!(",\n{}{item}", " ".repeat(indent)));
            column = indent + item.chars().count();
        } else {
            out.push_str(&piece);
            column += piece.chars().count();
        }
    }
    out
}

/// Each line of `text` that is wider than `width` broken between words,
/// its continuation lines indented by `indent` spaces.
pub fn wrap_words(text: &str, width: usize, indent: usize) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let body = line.trim_start();
        let mut current = line[..line.len() - body.len()].to_string();
        for (i, word) in body.split(' ').enumerate() {
            let fits = current.chars().count() + 1 + word.chars().count() <= width;
            if i > 0 && !fits && !word.is_empty() {
                out.push_str(&format!("{}\n", current.trim_end()));
                current = " ".repeat(indent);
            } else if i > 0 {
                current.push(' ');
            }
            current.push_str(word);
        }
        out.push_str(&format!("{current}\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_table_that_fits_keeps_every_column() {
        let widths = [4, 10, 10];
        assert_eq!(table_width(&widths), 2 + 24 + 4);
        assert_eq!(
            drop_columns(&widths, 30, &[1]),
            Some(vec![Column::Keep(0), Column::Keep(1), Column::Keep(2)])
        );
    }

    #[test]
    fn optional_columns_go_in_order() {
        let widths = [4, 10, 10, 10];
        // 2 + 34 + 6 = 42 wide: dropping column 2 makes 30.
        assert_eq!(
            drop_columns(&widths, 30, &[2, 1]),
            Some(vec![Column::Keep(0), Column::Keep(1), Column::Keep(3)])
        );
        assert_eq!(
            drop_columns(&widths, 20, &[2, 1]),
            Some(vec![Column::Keep(0), Column::Keep(3)])
        );
        assert_eq!(drop_columns(&widths, 10, &[2, 1]), None);
    }

    #[test]
    fn wide_traces_elide_middle_parameters() {
        // step, x1..x6, f, |grad|, each 8 wide: 2 + 72 + 16 = 90; with
        // x4, x5 elided: 2 + 57 + 14 = 73 (keeping x4 too would be 83).
        let widths = [8; 9];
        let columns = trace_columns(&widths, 6, 80);
        assert_eq!(
            columns,
            [0, 1, 2, 3]
                .map(Column::Keep)
                .into_iter()
                .chain([
                    Column::Elided,
                    Column::Keep(6),
                    Column::Keep(7),
                    Column::Keep(8)
                ])
                .collect::<Vec<_>>()
        );
        assert!(width_of(&columns, &widths) <= 80);
        assert_eq!(trace_columns(&widths, 6, 100).len(), 9);
        // Too narrow for anything: x1, …, x6 and f.
        let narrowest = trace_columns(&widths, 6, 10);
        assert_eq!(
            narrowest,
            vec![
                Column::Keep(0),
                Column::Keep(1),
                Column::Elided,
                Column::Keep(6),
                Column::Keep(7)
            ]
        );
    }

    #[test]
    fn narrow_traces_of_few_parameters_drop_the_gradient() {
        // step, x, y, f, |grad|: 2 + 40 + 8 = 50 wide.
        let widths = [8; 5];
        assert_eq!(trace_columns(&widths, 2, 50).len(), 5);
        assert_eq!(
            trace_columns(&widths, 2, 49),
            (0..4).map(Column::Keep).collect::<Vec<_>>()
        );
        assert_eq!(trace_columns(&[8; 4], 1, 30).len(), 3);
    }

    #[test]
    fn items_wrap_between_commas() {
        let items: Vec<String> = ["x = 1.5", "y = 2.25", "f = 0"].map(String::from).into();
        assert_eq!(wrap(&items, 80), "  x = 1.5, y = 2.25, f = 0\n");
        assert_eq!(wrap(&items, 20), "  x = 1.5, y = 2.25,\n  f = 0\n");
        assert_eq!(wrap(&items, 5), "  x = 1.5,\n  y = 2.25,\n  f = 0\n");
    }

    #[test]
    fn lists_wrap_after_commas() {
        assert_eq!(wrap_items("(1, 2, 3)", 20, 4), "(1, 2, 3)");
        assert_eq!(wrap_items("(10, 20, 30)", 13, 4), "(10, 20,\n     30)");
        assert_eq!(wrap_items("10, 20, 30", 12, 4), "10, 20,\n    30");
        assert_eq!(wrap_items("(100000)", 5, 4), "(100000)");
    }

    #[test]
    fn text_wraps_between_words() {
        let text = "  theory: one two three\n    four five\n";
        assert_eq!(wrap_words(text, 80, 4), text);
        assert_eq!(
            wrap_words(text, 14, 4),
            "  theory: one\n    two three\n    four five\n"
        );
    }

    #[test]
    fn long_lines_end_in_an_ellipsis() {
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(truncate("abcd", 4), "abcd");
        assert_eq!(truncate("θθθθθ", 3), "θθ…");
    }
}
