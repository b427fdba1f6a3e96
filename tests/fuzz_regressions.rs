//! The fuzzers' regression cases, replayed on stable: each file under
//! `tests/fuzz/regressions/<target>/` is gd text that once broke (or
//! stands for a class of input that could break) the target of its
//! folder, and runs through that target's check (`fuzz/checks.rs`).

use std::path::Path;

use crate::fuzz_checks;

/// The text of every `.gd` file under the target's folder, by name.
fn cases(target: &str) -> Vec<(String, String)> {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fuzz/regressions")
        .join(target);
    let mut cases: Vec<(String, String)> = std::fs::read_dir(&folder)
        .expect("the regression folder exists")
        .map(|entry| entry.expect("an entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "gd"))
        .map(|path| {
            let bytes = std::fs::read(&path).expect("readable");
            let name = path
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            (name, String::from_utf8_lossy(&bytes).into_owned())
        })
        .collect();
    cases.sort();
    assert!(!cases.is_empty(), "no cases in {}", folder.display());
    cases
}

#[test]
fn parser_regressions() {
    for (name, text) in cases("parse") {
        eprintln!("parse/{name}");
        fuzz_checks::parse(text.as_bytes());
    }
}

#[test]
fn session_regressions() {
    for (name, text) in cases("session") {
        eprintln!("session/{name}");
        fuzz_checks::session(&text);
    }
}

/// The lines of a case of one expression a line (`#` starts a note).
fn expressions(text: &str) -> impl Iterator<Item = &str> {
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
}

#[test]
fn law_regressions() {
    for (name, text) in cases("laws") {
        for line in expressions(&text) {
            eprintln!("laws/{name}: {line}");
            fuzz_checks::laws(line);
        }
    }
}

#[test]
fn engine_regressions() {
    for (name, text) in cases("engines") {
        for line in expressions(&text) {
            eprintln!("engines/{name}: {line}");
            fuzz_checks::engines(line);
        }
    }
}
