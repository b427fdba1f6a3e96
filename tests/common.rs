//! Helpers shared by the integration tests: running the real binary.

use std::path::Path;
use std::process::{Command, Stdio};

/// What one run of `gd` printed, and how it exited.
pub struct Output {
    pub stdout: String,
    pub stderr: String,
    pub code: i32,
}

/// Runs the `gd` binary with `args` in the crate's root folder, with color
/// off, feeding `stdin` (empty if `None`).
pub fn gd(args: &[&str], stdin: Option<&str>) -> Output {
    gd_columns(args, stdin, None)
}

/// As `gd`, with `COLUMNS` set to `columns` (tables then fit that width)
/// or removed, so that the caller's terminal never changes a result.
pub fn gd_columns(args: &[&str], stdin: Option<&str>, columns: Option<usize>) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_gd"));
    match columns {
        Some(n) => command.env("COLUMNS", n.to_string()),
        None => command.env_remove("COLUMNS"),
    };
    let mut child = command
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the gd binary runs");
    if let Some(mut pipe) = child.stdin.take() {
        use std::io::Write;
        // A script that fails early may close stdin first: ignore that.
        let _ = pipe.write_all(stdin.unwrap_or("").as_bytes());
    }
    let out = child.wait_with_output().expect("gd finishes");
    Output {
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        code: out.status.code().unwrap_or(-1),
    }
}

/// As `gd`, with these environment variables set.
pub fn gd_with_env(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_gd"));
    command.env_remove("COLUMNS");
    for (name, value) in env {
        command.env(name, value);
    }
    let out = command
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .expect("the gd binary runs");
    Output {
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        code: out.status.code().unwrap_or(-1),
    }
}

/// `path` relative to the crate root, with forward slashes, as the
/// snapshots show it.
pub fn relative(path: &Path) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    path.strip_prefix(root)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

/// Every line of `--json` output parsed, or a panic naming the bad line.
pub fn json_lines(stdout: &str) -> Vec<serde_json::Value> {
    stdout
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}")))
        .collect()
}
