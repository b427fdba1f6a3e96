//! The command line of LANGUAGE.md section 1: sources in order, stdin,
//! exit codes, `--json` on stdout only, the `#!` line.

use crate::common::{gd, json_lines};

#[test]
fn e_and_files_run_in_command_line_order_in_one_session() {
    let out = gd(
        &["-e", "a = 2", "scripts/tutorial_bowl.gd", "-e", "a + 1"],
        None,
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.ends_with("3\n"), "{}", out.stdout);
    assert!(out.stdout.contains("minimize f(x, y) = x^2 + y^2"));
}

#[test]
fn stdin_is_a_script_when_not_a_terminal() {
    let out = gd(&["--json"], Some("#!/usr/bin/env gd\n1 + 1\n"));
    assert_eq!(out.code, 0);
    assert_eq!(
        json_lines(&out.stdout),
        [serde_json::json!({"kind": "number", "value": 2})]
    );
}

#[test]
fn exit_codes() {
    assert_eq!(gd(&["-e", "1"], None).code, 0);
    assert_eq!(gd(&["-e", "1 +"], None).code, 1);
    assert_eq!(gd(&["no/such/file.gd"], None).code, 1);
    assert_eq!(gd(&["--no-such-flag"], None).code, 2);
    let version = gd(&["--version"], None);
    assert_eq!(version.code, 0);
    assert!(version.stdout.starts_with("gd "));
}

#[test]
fn a_script_stops_at_its_first_error() {
    let out = gd(&["--json", "-e", "1\nsqr(2)\n3"], None);
    assert_eq!(out.code, 1);
    let objects = json_lines(&out.stdout);
    assert_eq!(objects.len(), 2, "{objects:?}");
    assert_eq!(objects[1]["kind"], "error");
    assert_eq!(objects[1]["source"], "-e");
    assert_eq!(objects[1]["line"], 2);
    assert!(out.stderr.is_empty());
}

#[test]
fn definitions_are_silent_in_scripts_but_objects_in_json() {
    let human = gd(&["-e", "f(x) = x^2\na = 1"], None);
    assert_eq!(human.stdout, "");
    let json = json_lines(&gd(&["--json", "-e", "f(x) = x^2\na = 1"], None).stdout);
    assert_eq!(json[0]["kind"], "function");
    assert_eq!(
        json[1],
        serde_json::json!({"kind": "define", "name": "a", "value": 1})
    );
}

#[test]
fn no_color_when_not_a_terminal() {
    let out = gd(&["-e", "check x == x\nx +"], None);
    assert!(!out.stdout.contains('\u{1b}') && !out.stderr.contains('\u{1b}'));
}

#[test]
fn sigint_stops_a_run_reports_it_and_exits_130() {
    let out = interrupted(&[
        "--json",
        "-e",
        "f(x) = x^2",
        "-e",
        "minimize f from 1 steps 10000000000 tol 0",
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let last = json_lines(&stdout)
        .pop()
        .expect("the run so far is reported");
    assert_eq!(last["status"], "interrupted");
    assert!(
        last["steps"]
            .as_u64()
            .is_some_and(|n| n > 0 && n < 10_000_000_000)
    );
}

#[test]
fn sigint_in_a_script_says_interrupted_without_an_empty_location() {
    let out = interrupted(&[
        "-e",
        "f(x) = x^2\nminimize f from 1 steps 10000000000 tol 0",
    ]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("interrupted after"));
    assert_eq!(String::from_utf8_lossy(&out.stderr), "interrupted\n");
}

/// A 1,000-term polynomial in two variables: accepted, differentiated and
/// evaluated exactly (the expected gradient at (1, 1) is computed here:
/// d/dx c x^a y^b = c a at (1, 1)).
#[test]
fn thousand_term_polynomial_gradient() {
    let terms: Vec<(i64, i64, i64)> = (0..1000)
        .map(|i| (i % 9 + 1, i % 31, (i * 7) % 29))
        .collect();
    let body: Vec<String> = terms
        .iter()
        .map(|(c, a, b)| format!("{c}x^{a} y^{b}"))
        .collect();
    let source = format!("p(x, y) = {}\ngrad(p)(1, 1)", body.join(" + "));
    let out = gd(&["--json", "-e", &source], None);
    assert_eq!(out.code, 0, "{}", out.stdout);
    let expected_x: i64 = terms.iter().map(|(c, a, _)| c * a).sum();
    let expected_y: i64 = terms.iter().map(|(c, _, b)| c * b).sum();
    let last = json_lines(&out.stdout).pop().expect("a result");
    assert_eq!(last["value"], serde_json::json!([expected_x, expected_y]));
}

/// Runs gd with `args`, sends SIGINT after 0.7 s, and checks that it
/// exits with status 130.
fn interrupted(args: &[&str]) -> std::process::Output {
    use std::process::{Command, Stdio};
    let child = Command::new(env!("CARGO_BIN_EXE_gd"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("gd runs");
    std::thread::sleep(std::time::Duration::from_millis(700));
    let killed = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status();
    assert!(killed.is_ok_and(|s| s.success()));
    let out = child.wait_with_output().expect("gd finishes");
    assert_eq!(out.status.code(), Some(130));
    out
}
