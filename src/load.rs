//! CSV files as data: `load("points.csv")` reads one vector per column,
//! named by the header row (the `csv` crate does the reading).
//!
//! Invariant: a file is read whole and checked before anything is
//! returned, so a bad file defines nothing; every error names the file,
//! and the line and column of the first bad cell.

use std::path::Path;

use crate::error::{Error, ErrorKind, Result};

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
}
