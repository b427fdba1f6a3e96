//! Data for the session: evaluating expressions over data vectors, loading
//! CSV files (one vector per column, named by the header), and the sampler
//! of minibatches for stochastic descent.
//!
//! Invariant: a file is read whole and checked before anything is defined,
//! so a bad file defines nothing; the sampler's batches are a function of
//! the seed alone.

use std::path::Path;

use rand::SeedableRng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;

use crate::compile::{Evaluated, compile_rows};
use crate::error::{Error, ErrorKind, Result};
use crate::symbolic::Expr;
use crate::symbolic::data::{DataRef, data_len, mismatch_error, row_counts};
use crate::symbolic::rewrite::{applied_functions, free_vars};

/// The seed of minibatch sampling when `seed` is not given.
pub const DEFAULT_SEED: u64 = 0;

/// The value of a closed expression: a number, or one number per row when
/// it uses data outside reductions. `None` when it has free variables.
pub fn evaluate(e: Expr) -> Result<Option<Evaluated>> {
    if !free_vars(e).is_empty() || !applied_functions(e).is_empty() {
        return Ok(None);
    }
    if let Err(m) = data_len(e) {
        return Err(mismatch_error(&[e], m));
    }
    let program = compile_rows(&[e], &[])?;
    Ok(program.eval_all(&[]).pop())
}

/// `e` as a data vector called `name`, when it is one (it uses data outside
/// reductions and has no free variables).
pub fn as_vector(name: &str, e: Expr) -> Result<Option<Expr>> {
    if e.as_data().is_some() || !matches!(data_len(e), Ok(Some(_)) | Err(_)) {
        return Ok(rename(name, e));
    }
    match evaluate(e)? {
        Some(Evaluated::Vector(values)) => Ok(Some(Expr::data(DataRef::new(name, values)))),
        _ => Ok(None),
    }
}

/// A data vector under a new name (`Y = X` copies X's values).
fn rename(name: &str, e: Expr) -> Option<Expr> {
    let data = e.as_data()?;
    Some(Expr::data(DataRef::new(name, data.values().to_vec())))
}

/// The lengths of the data a function to minimize uses (empty without
/// data); an error when it leaves data unreduced, which would make it a
/// vector, not a number.
pub fn minimizable(body: Expr, name: &str, params: &[&str]) -> Result<Vec<usize>> {
    reduced(body, name, params, "minimized")
}

/// As `minimizable`, for a statement that needs one number per point and
/// says so with `verb` ("minimized", "plotted").
pub fn reduced(body: Expr, name: &str, params: &[&str], verb: &str) -> Result<Vec<usize>> {
    let rows = row_counts(body);
    if rows.is_empty() {
        return Ok(rows);
    }
    match data_len(body) {
        Ok(None) => Ok(rows),
        Ok(Some(n)) => Err(Error::new(
            ErrorKind::Name,
            format!(
                "{name} has a value for each of the {n} rows of its data, not one number, so it cannot be {verb}"
            ),
        )
        .with_hint(format!(
            "reduce it to a number: wrap the body in mean(...) or sum(...), as in {name}({}) = mean({})",
            params.join(", "),
            crate::symbolic::print::to_text(body)
        ))),
        Err(m) => Err(mismatch_error(&[body], m)),
    }
}

// ---------------------------------------------------------------- CSV

/// The columns of a CSV file, by header name, all numbers. Errors name the
/// file, and the line and column of the first bad cell.
pub fn load_csv(path: &str) -> Result<Vec<(String, Vec<f64>)>> {
    let text = std::fs::read(Path::new(path)).map_err(|e| {
        let why = match e.kind() {
            std::io::ErrorKind::NotFound => {
                "no such file (paths are relative to the current directory)".to_string()
            }
            _ => e.to_string(),
        };
        Error::new(ErrorKind::Value, format!("cannot read '{path}': {why}"))
    })?;
    parse_csv(path, &text)
}

/// `load_csv` on the bytes of a file called `path`.
pub fn parse_csv(path: &str, bytes: &[u8]) -> Result<Vec<(String, Vec<f64>)>> {
    let bad = |line: u64, column: Option<usize>, what: String| {
        let place = match column {
            Some(c) => format!("{path}:{line}:{c}"),
            None => format!("{path}:{line}"),
        };
        Error::new(ErrorKind::Value, format!("{place}: {what}"))
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut header = csv::StringRecord::new();
    match reader.read_record(&mut header) {
        Ok(true) => header.trim(),
        Ok(false) => {
            return Err(bad(
                1,
                None,
                "the file is empty: it needs a header row naming the columns".into(),
            ));
        }
        Err(e) => return Err(csv_error(path, e)),
    }
    let names = header_names(&header, |column, what| bad(1, Some(column), what))?;
    let mut columns: Vec<Vec<f64>> = vec![Vec::new(); names.len()];
    // One record reused for every row: reading allocates nothing per row.
    let mut record = csv::ByteRecord::new();
    while reader
        .read_byte_record(&mut record)
        .map_err(|e| csv_error(path, e))?
    {
        // Only errors need the line: found from the byte offset, once.
        let line = || record.position().map_or(0, |p| record_line(bytes, p));
        if record.len() == 1 && record[0].trim_ascii().is_empty() {
            continue;
        }
        if record.len() != names.len() {
            return Err(bad(
                line(),
                None,
                format!(
                    "this row has {} value{}, but the header names {} columns",
                    record.len(),
                    if record.len() == 1 { "" } else { "s" },
                    names.len()
                ),
            ));
        }
        for (i, cell) in record.iter().enumerate() {
            let text = std::str::from_utf8(cell.trim_ascii()).unwrap_or("");
            let value = text.parse::<f64>().map_err(|_| {
                let shown = String::from_utf8_lossy(cell.trim_ascii());
                bad(
                    line(),
                    Some(i + 1),
                    format!("'{shown}' in column '{}' is not a number", names[i]),
                )
            })?;
            columns[i].push(value);
        }
    }
    if columns.first().is_none_or(Vec::is_empty) {
        return Err(bad(
            1,
            None,
            "the file has a header but no rows of data".into(),
        ));
    }
    Ok(names.into_iter().zip(columns).collect())
}

/// The line (from 1) where the record at `position` starts. The csv crate's
/// own `Position::line` gives the line of a blank line before the record
/// (rust-csv issue 208), so the line is counted from the byte offset,
/// stepping over the line ends that precede the record.
fn record_line(bytes: &[u8], position: &csv::Position) -> u64 {
    let start = (position.byte() as usize).min(bytes.len());
    let before = bytes[..start].iter().filter(|&&b| b == b'\n').count();
    let blank = bytes[start..]
        .iter()
        .take_while(|&&b| b == b'\n' || b == b'\r')
        .filter(|&&b| b == b'\n')
        .count();
    (1 + before + blank) as u64
}

/// The header's names: each a valid gd name, not a keyword, not a number,
/// none twice.
fn header_names(
    header: &csv::StringRecord,
    bad: impl Fn(usize, String) -> Error,
) -> Result<Vec<String>> {
    let mut names: Vec<String> = Vec::new();
    for (i, cell) in header.iter().enumerate() {
        let column = i + 1;
        if cell.parse::<f64>().is_ok() {
            return Err(bad(
                column,
                format!("the first row must name the columns, but '{cell}' is a number"),
            ));
        }
        if let Some(problem) = name_problem(cell) {
            return Err(bad(column, format!("column name '{cell}' {problem}")));
        }
        if names.iter().any(|n| n == cell) {
            return Err(bad(column, format!("column name '{cell}' appears twice")));
        }
        names.push(cell.to_string());
    }
    Ok(names)
}

/// Why `name` cannot name a vector, if it cannot.
fn name_problem(name: &str) -> Option<&'static str> {
    let mut chars = name.chars();
    let first_ok = chars.next().is_some_and(|c| c.is_alphabetic() || c == '_');
    if !first_ok || !chars.all(|c| c.is_alphanumeric() || c == '_') {
        return Some("is not a name (a letter or _, then letters, digits or _)");
    }
    if crate::parse::KEYWORDS.contains(&name) {
        return Some("is a keyword");
    }
    crate::builtins::is_builtin_name(name).then_some("is a built-in function")
}

fn csv_error(path: &str, e: csv::Error) -> Error {
    let place = match e.position() {
        Some(p) => format!("{path}:{}", p.line()),
        None => path.to_string(),
    };
    let what = match e.kind() {
        csv::ErrorKind::Utf8 { .. } => "the file is not UTF-8 text".to_string(),
        _ => e.to_string(),
    };
    Error::new(ErrorKind::Value, format!("{place}: {what}"))
}

// ---------------------------------------------------------------- batches

/// Minibatches of `batch` rows out of `n_rows`, drawn without replacement:
/// the rows are shuffled (Fisher-Yates, from a `StdRng` seeded with the
/// seed) and dealt out in order; when they run out, a new shuffle starts a
/// new epoch. The last batch of an epoch has the rows left over when
/// `batch` does not divide `n_rows` (as torch's DataLoader with
/// drop_last=False).
#[derive(Debug)]
pub struct Sampler {
    batch: usize,
    order: Vec<u32>,
    next: usize,
    rng: StdRng,
}

impl Sampler {
    /// `batch` is between 1 and `n_rows` (the caller checks).
    pub fn new(n_rows: usize, batch: usize, seed: u64) -> Sampler {
        Sampler {
            batch,
            order: (0..n_rows as u32).collect(),
            next: n_rows,
            rng: StdRng::seed_from_u64(seed),
        }
    }

    /// The rows of the next minibatch.
    pub fn next_batch(&mut self) -> &[u32] {
        if self.next >= self.order.len() {
            self.order.shuffle(&mut self.rng);
            self.next = 0;
        }
        let start = self.next;
        self.next = (start + self.batch).min(self.order.len());
        &self.order[start..self.next]
    }

    /// Minibatches per epoch.
    pub fn batches_per_epoch(&self) -> usize {
        self.order.len().div_ceil(self.batch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> String {
        match parse_csv("t.csv", text.as_bytes()) {
            Ok(columns) => panic!("should fail: {columns:?}"),
            Err(e) => e.message,
        }
    }

    #[test]
    fn columns_by_header() {
        let columns = parse_csv("t.csv", b"x, y\n1, 2\n3.5, -4e2\n").expect("good file");
        assert_eq!(
            columns,
            vec![
                ("x".to_string(), vec![1.0, 3.5]),
                ("y".to_string(), vec![2.0, -400.0])
            ]
        );
    }

    #[test]
    fn bad_files_name_the_line_and_column() {
        assert_eq!(
            err("x,y\n1,2\n3\n"),
            "t.csv:3: this row has 1 value, but the header names 2 columns"
        );
        assert_eq!(
            err("x,y\n1,2\n3,abc\n"),
            "t.csv:3:2: 'abc' in column 'y' is not a number"
        );
        assert!(err("").contains("empty"));
        assert!(err("1,2\n3,4\n").contains("t.csv:1:1: the first row must name"));
        assert!(err("x,minimize\n1,2\n").contains("t.csv:1:2: column name 'minimize'"));
        assert!(err("x,x\n1,2\n").contains("appears twice"));
        assert!(err("x,my y\n1,2\n").contains("t.csv:1:2: column name 'my y' is not a name"));
        assert!(err("x,sin\n1,2\n").contains("is a built-in function"));
        assert!(err("x,y\n").contains("no rows"));
    }

    #[test]
    fn lines_count_blank_lines() {
        assert_eq!(
            err("a,b\n1,2\n\n3,x\n"),
            "t.csv:4:2: 'x' in column 'b' is not a number"
        );
        assert_eq!(
            err("a,b\r\n1,2\r\n\r\n\r\n3\r\n"),
            "t.csv:5: this row has 1 value, but the header names 2 columns"
        );
        assert_eq!(
            err("a,b\n1,x\n"),
            "t.csv:2:2: 'x' in column 'b' is not a number"
        );
    }

    #[test]
    fn every_row_once_per_epoch() {
        for (n, batch) in [(10, 3), (7, 7), (1, 1), (100, 32)] {
            let mut sampler = Sampler::new(n, batch, 42);
            for _epoch in 0..3 {
                let mut seen = vec![0; n];
                for _ in 0..sampler.batches_per_epoch() {
                    let rows = sampler.next_batch();
                    assert!(!rows.is_empty() && rows.len() <= batch);
                    for r in rows {
                        seen[*r as usize] += 1;
                    }
                }
                assert!(
                    seen.iter().all(|c| *c == 1),
                    "{n} rows, batch {batch}: {seen:?}"
                );
            }
        }
    }

    #[test]
    fn batches_depend_on_the_seed_only() {
        let draw = |seed| {
            let mut s = Sampler::new(50, 8, seed);
            (0..20).map(|_| s.next_batch().to_vec()).collect::<Vec<_>>()
        };
        assert_eq!(draw(7), draw(7));
        assert_ne!(draw(7), draw(8));
        // Epochs are shuffled anew.
        let mut s = Sampler::new(50, 50, 1);
        let first = s.next_batch().to_vec();
        assert_ne!(first, s.next_batch().to_vec());
    }
}
