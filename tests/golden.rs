//! Golden tests: every `tests/cases/{ok,err}/*.gd` and every
//! `scripts/*.gd` runs through the real binary, in human and JSON modes;
//! the output is locked with insta snapshots (read each one before
//! accepting it).

use std::path::Path;

use crate::common::{gd_columns, json_lines, relative};

/// Runs one script both ways and renders what a reviewer reads.
fn transcript(path: &Path) -> (String, i32) {
    let file = relative(path);
    let columns = columns_directive(path);
    let human = gd_columns(&[&file], None, columns);
    let json = gd_columns(&["--json", &file], None, columns);
    assert_eq!(
        human.code, json.code,
        "{file}: human and JSON exit codes differ"
    );
    let objects = json_lines(&json.stdout);
    // Only warnings go to stderr under --json (LANGUAGE.md section 2).
    assert!(
        json.stderr.is_empty() || json.stderr.starts_with("warning: "),
        "{file}: --json wrote to stderr: {}",
        json.stderr
    );
    if human.code != 0 {
        let last = objects.last().expect("an error object");
        assert_eq!(
            last["kind"], "error",
            "{file}: a failing script ends in an error object"
        );
    }
    let mut text = format!(
        "exit: {}\n--- stdout ---\n{}--- stderr ---\n{}--- json ---\n{}",
        human.code, human.stdout, human.stderr, json.stdout
    );
    if !json.stderr.is_empty() {
        text.push_str(&format!("--- json stderr ---\n{}", json.stderr));
    }
    (text, human.code)
}

#[test]
fn ok_cases() {
    insta::glob!("cases/ok/*.gd", |path| {
        let (text, code) = transcript(path);
        assert_eq!(code, 0, "{} should succeed:\n{text}", path.display());
        insta::assert_snapshot!(text);
    });
}

#[test]
fn err_cases() {
    insta::glob!("cases/err/*.gd", |path| {
        let (text, code) = transcript(path);
        assert_eq!(
            code,
            1,
            "{} should fail with exit 1:\n{text}",
            path.display()
        );
        insta::assert_snapshot!(text);
    });
}

#[test]
fn scripts() {
    insta::glob!("../scripts", "*.gd", |path| {
        let (text, code) = transcript(path);
        assert_eq!(code, 0, "{} should succeed:\n{text}", path.display());
        insta::assert_snapshot!(text);
    });
}

/// A case whose first line is `# columns: N` runs with `COLUMNS=N`, as if
/// in a terminal that wide; the others keep whole tables, as in a pipe.
fn columns_directive(path: &Path) -> Option<usize> {
    let text = std::fs::read_to_string(path).ok()?;
    let first = text.lines().next()?;
    first.strip_prefix("# columns:")?.trim().parse().ok()
}
