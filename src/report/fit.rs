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

/// The columns of a trace (`step`, the parameters, the value, `|grad|`,
/// then the optimizer's state when asked) that fit: all; then, with state
/// columns, all but `|grad|` (the state was asked for); then without the
/// state, the first parameters, `…`, and the last one; then without
/// `|grad|`. With one or two parameters only `|grad|` can go. Whatever is
/// left when nothing fits is the narrowest form.
pub fn trace_columns(widths: &[usize], n_params: usize, width: usize) -> Vec<Column> {
    let all: Vec<Column> = (0..widths.len()).map(Column::Keep).collect();
    let value = n_params + 1;
    let grad = n_params + 2;
    if width_of(&all, widths) <= width {
        return all;
    }
    if widths.len() > grad + 1 {
        let mut state_kept = all;
        state_kept.retain(|c| *c != Column::Keep(grad));
        if width_of(&state_kept, widths) <= width {
            return state_kept;
        }
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
        // State columns stay when dropping |grad| is enough, else go.
        let with_state = [4, 8, 8, 8, 10, 10];
        let kept = trace_columns(&with_state, 1, 50);
        assert_eq!(kept.len(), 5);
        assert!(!kept.contains(&Column::Keep(3)));
        assert_eq!(trace_columns(&with_state, 1, 30).len(), 3);
    }
}
