//! Golden tests: every `tests/cases/{ok,err}/*.gd` and every
//! `scripts/*.gd` runs through the real binary, in human and JSON modes;
//! the output is locked with insta snapshots (read each one before
//! accepting it).

use std::path::Path;

use crate::common::{gd, json_lines, relative};

/// Runs one script both ways and renders what a reviewer reads.
fn transcript(path: &Path) -> (String, i32) {
    let file = relative(path);
    let human = gd(&[&file], None);
    let json = gd(&["--json", &file], None);
    assert_eq!(
        human.code, json.code,
        "{file}: human and JSON exit codes differ"
    );
    let objects = json_lines(&json.stdout);
    assert!(
        json.stderr.is_empty(),
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
    let text = format!(
        "exit: {}\n--- stdout ---\n{}--- stderr ---\n{}--- json ---\n{}",
        human.code, human.stdout, human.stderr, json.stdout
    );
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
