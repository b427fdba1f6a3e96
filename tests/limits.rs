//! Limits and faults through the real binary (issue 15): invalid UTF-8 is
//! a located error; every script and golden case runs in 200 MB of address
//! space; a closed stdout ends gd quietly; a failed SVG write (a full
//! device, a file-size limit) says why and leaves no half file. In
//! process: the parser's work on hostile nesting, counted in pest's calls.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use gd::syntax::Program;

use crate::common::{gd, json_lines};

/// Longest any one run here may take before it counts as a hang (never a
/// timing test: ordinary runs take a fraction of it).
const HANG: Duration = Duration::from_secs(300);

/// A folder of its own for one test, removed afterwards.
struct Folder(PathBuf);

impl Folder {
    fn new(name: &str) -> Folder {
        let path = std::env::temp_dir().join(format!("gd-limits-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).unwrap();
        Folder(path)
    }

    fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(&self.0)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }
}

impl Drop for Folder {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn invalid_utf8_is_a_located_error_from_stdin_and_from_files() {
    let bytes = b"x = 1\n1 + \xff\xfe 2\n";
    // stdin, with --json: one error object at the bad byte (line 2, col 5).
    let mut child = Command::new(env!("CARGO_BIN_EXE_gd"))
        .arg("--json")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), bytes).unwrap();
    let out = child.wait_with_output().unwrap();
    let objects = json_lines(&String::from_utf8_lossy(&out.stdout));
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        objects.len(),
        1,
        "nothing runs from a source that is not text"
    );
    let error = &objects[0];
    assert_eq!(error["kind"], "error");
    assert_eq!(
        (error["line"].clone(), error["column"].clone()),
        (2.into(), 5.into())
    );
    assert_eq!(error["source"], "stdin");
    assert!(
        error["message"].as_str().unwrap().contains("UTF-8"),
        "{error}"
    );
    // A file, in human mode: the caret under the bad byte's place.
    let folder = Folder::new("utf8");
    let path = folder.0.join("bad.gd");
    std::fs::write(&path, bytes).unwrap();
    let out = gd(&[path.to_str().unwrap()], None);
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("bad.gd:2:5"), "{}", out.stderr);
    assert!(out.stderr.contains("not valid UTF-8"), "{}", out.stderr);
    assert!(out.stdout.is_empty(), "{}", out.stdout);
}

/// Runs `gd ARGS` from the crate root in a shell limited to 200 MB of
/// address space; its exit code and stderr.
#[cfg(target_os = "linux")]
fn in_200_mb(args: &[&str]) -> (i32, String) {
    let mut child = Command::new("sh")
        .arg("-c")
        .arg("ulimit -v 200000 && exec \"$0\" \"$@\"")
        .arg(env!("CARGO_BIN_EXE_gd"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let mut stderr = String::new();
            std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
            return (status.code().unwrap_or(-1), stderr);
        }
        if start.elapsed() > HANG {
            let _ = child.kill();
            panic!("gd {args:?} hung in 200 MB");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[cfg(target_os = "linux")]
#[test]
fn every_script_and_golden_case_runs_in_200_mb() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut failures = Vec::new();
    for (folder, expected) in [
        ("scripts", 0),
        ("tests/cases/ok", 0),
        ("tests/cases/err", 1),
    ] {
        let mut files: Vec<PathBuf> = std::fs::read_dir(root.join(folder))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "gd"))
            .collect();
        files.sort();
        for file in files {
            let (code, stderr) = in_200_mb(&[file.to_str().unwrap()]);
            let broke = ["internal error", "memory allocation", "stack overflow"]
                .iter()
                .any(|w| stderr.contains(w));
            if code != expected || broke {
                failures.push(format!("{}: exit {code}\n{stderr}", file.display()));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[cfg(target_os = "linux")]
#[test]
fn long_flat_input_and_blow_ups_end_cleanly_in_200_mb() {
    let folder = Folder::new("flat");
    let path = folder.0.join("flat.gd");
    let polynomial: Vec<String> = (1..=5_000).map(|k| format!("{k}x^{k}")).collect();
    let sum = vec!["1"; 100_000].join(" + ");
    let script = format!(
        "p(x) = {}\np'(1)\ns = {sum}\ns\nexpand((x + y + z + w + u + v + 1)^40)\n",
        polynomial.join(" + ")
    );
    std::fs::write(&path, script).unwrap();
    let (code, stderr) = in_200_mb(&["--json", path.to_str().unwrap()]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.is_empty(), "{stderr}");
    let out = gd(&["--json", path.to_str().unwrap()], None);
    let objects = json_lines(&out.stdout);
    // p'(1) = sum of k^2 for k up to 5000; the sum is 100,000.
    assert_eq!(objects[1]["value"], 41_679_167_500u64);
    assert_eq!(objects[3]["value"], 100_000);
    assert_eq!(objects[4]["kind"], "error");
    assert!(
        objects[4]["message"]
            .as_str()
            .unwrap()
            .contains("too large"),
        "{}",
        objects[4]
    );
}

#[test]
fn a_closed_stdout_ends_gd_quietly() {
    // Ten thousand results, of which the reader takes one.
    let script = "1\n".repeat(10_000);
    let mut child = Command::new(env!("CARGO_BIN_EXE_gd"))
        .args(["-e", &script])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert_eq!(first, "1\n");
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[cfg(target_os = "linux")]
#[test]
fn a_full_device_is_written_in_place_and_its_error_reported() {
    let folder = Folder::new("full");
    std::os::unix::fs::symlink("/dev/full", folder.0.join("full.svg")).unwrap();
    let path = folder.0.join("full.svg");
    let script = format!("f(x) = x^2\nplot f to \"{}\"", path.display());
    let out = gd(&["--json", "-e", &script], None);
    assert_eq!(out.code, 1);
    let objects = json_lines(&out.stdout);
    assert!(
        objects[1]["message"]
            .as_str()
            .unwrap()
            .contains("the disk is full"),
        "{}",
        objects[1]
    );
    assert_eq!(folder.names(), ["full.svg"]);
}

#[cfg(target_os = "linux")]
#[test]
fn a_file_size_limit_fails_the_write_and_leaves_the_old_file() {
    let folder = Folder::new("fsize");
    let path = folder.0.join("plot.svg");
    std::fs::write(&path, "old").unwrap();
    let script = format!("f(x) = x^2\nplot f to \"{}\"", path.display());
    // 4 KB: a figure is larger.
    let out = Command::new("sh")
        .arg("-c")
        .arg("ulimit -f 4 && exec \"$0\" \"$@\"")
        .arg(env!("CARGO_BIN_EXE_gd"))
        .args(["--json", "-e", &script])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "not killed by the limit");
    let objects = json_lines(&String::from_utf8_lossy(&out.stdout));
    let message = objects[1]["message"].as_str().unwrap();
    assert!(message.contains("limit on file sizes"), "{message}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "old");
    assert_eq!(folder.names(), ["plot.svg"], "no temporary file is left");
}

/// Sets pest's process-wide cap on the calls of one parse while alive,
/// and lifts it when dropped (also when the test fails).
struct ParserCallLimit;

impl ParserCallLimit {
    /// The lowest cap set: above what any other test's parse needs (a
    /// 3 KB script takes about 40,000 calls), as tests run side by side.
    const LEAST: usize = 500_000;

    fn set(&self, calls: usize) {
        pest::set_call_limit(std::num::NonZeroUsize::new(calls.max(Self::LEAST)));
    }

    /// What parsing `src` gives (a tree or a syntax error) within `calls`;
    /// `None` when it needs more.
    fn parse_within(&self, src: &str, calls: usize) -> Option<gd::error::Result<Program>> {
        self.set(calls);
        match gd::parse::parse_program(src) {
            Err(error) if error.message.contains("too complex") => None,
            done => Some(done),
        }
    }
}

impl Drop for ParserCallLimit {
    fn drop(&mut self) {
        pest::set_call_limit(None);
    }
}

/// A family of inputs, by its size n.
type Family = fn(usize) -> String;

/// The parser's work on failing nested calls grows polynomially, counted
/// in pest's calls (deterministic, not a timing): within 1,000 n^2 calls
/// for n levels. It was exponential, as each `(` after a name was read as
/// a call's arguments and, when they failed, again as a group: 2^n.
#[test]
fn parser_work_on_failing_nested_calls_is_polynomial() {
    let families: [(&str, Family); 4] = [
        ("p(c,p(c,...;...))", |n| {
            format!("{};{}", "p(c,".repeat(n), ")".repeat(n))
        }),
        ("p(p(...p(x,)...))", |n| {
            format!("{}x,{}", "p(".repeat(n), ")".repeat(n))
        }),
        ("(a)((a)(...x,...))", |n| {
            format!("{}x,{}", "(a)(".repeat(n), ")".repeat(n))
        }),
        ("check [p([p(...x = ...)])", |n| {
            format!("check {}x = {}", "[p(".repeat(n), ")]".repeat(n))
        }),
    ];
    let limit = ParserCallLimit;
    for (name, family) in families {
        // Up to the deepest nesting the pre-pass lets through (200).
        for n in [10, 25, 50, 99] {
            let parsed = limit.parse_within(&family(n), 1_000 * n * n);
            assert!(parsed.is_some(), "{name}: over 1,000 n^2 calls at n = {n}");
            assert!(parsed.is_some_and(|p| p.is_err()), "{name} is an error");
        }
    }
    let fuzzed = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fuzz/regressions/parse/nested_failing_calls.gd"),
    )
    .unwrap();
    let fuzzed = String::from_utf8(fuzzed).unwrap();
    assert!(
        limit
            .parse_within(&fuzzed, ParserCallLimit::LEAST)
            .is_some_and(|p| p.is_err())
    );
}

/// A Taylor series at a point cut after `x^N`: `c[k]` is the k-th
/// derivative over k!. Computed by the usual recurrences, independently of
/// gd, it gives high derivatives to a few ulps.
#[derive(Clone)]
struct Series(Vec<f64>);

impl Series {
    const N: usize = 13;

    fn variable(x0: f64) -> Series {
        let mut c = vec![0.0; Self::N];
        c[0] = x0;
        c[1] = 1.0;
        Series(c)
    }

    fn constant(a: f64) -> Series {
        let mut c = vec![0.0; Self::N];
        c[0] = a;
        Series(c)
    }

    fn add(&self, other: &Series) -> Series {
        Series(self.0.iter().zip(&other.0).map(|(a, b)| a + b).collect())
    }

    fn mul(&self, other: &Series) -> Series {
        Series(
            (0..Self::N)
                .map(|k| (0..=k).map(|j| self.0[j] * other.0[k - j]).sum())
                .collect(),
        )
    }

    fn div(&self, other: &Series) -> Series {
        let mut q = vec![0.0; Self::N];
        for k in 0..Self::N {
            let known: f64 = (1..=k).map(|j| other.0[j] * q[k - j]).sum();
            q[k] = (self.0[k] - known) / other.0[0];
        }
        Series(q)
    }

    /// `sum over j of j a_j b_(k-j)`, over k: the recurrences' common part.
    fn weighted(&self, b: &[f64], k: usize) -> f64 {
        (1..=k)
            .map(|j| j as f64 * self.0[j] * b[k - j])
            .sum::<f64>()
            / k as f64
    }

    fn exp(&self) -> Series {
        let mut e = vec![self.0[0].exp(); Self::N];
        for k in 1..Self::N {
            e[k] = self.weighted(&e, k);
        }
        Series(e)
    }

    fn sin_cos(&self) -> (Series, Series) {
        let (mut s, mut c) = (
            vec![self.0[0].sin(); Self::N],
            vec![self.0[0].cos(); Self::N],
        );
        for k in 1..Self::N {
            s[k] = self.weighted(&c, k);
            c[k] = -self.weighted(&s, k);
        }
        (Series(s), Series(c))
    }

    /// The k-th derivative at the point.
    fn derivative(&self, k: usize) -> f64 {
        self.0[k] * (1..=k).map(|i| i as f64).product::<f64>()
    }
}

/// The values gd prints for `-e` sources (their last results), in order.
fn values(sources: &[&str]) -> Vec<f64> {
    let args: Vec<&str> = sources.iter().flat_map(|s| ["-e", *s]).collect();
    let out = gd(&[&["--json"], &args[..]].concat(), None);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    json_lines(&out.stdout)
        .iter()
        .filter(|o| o["kind"] == "number")
        .map(|o| o["value"].as_f64().unwrap())
        .collect()
}

fn assert_close(got: f64, want: f64, what: &str) {
    assert!(
        (got - want).abs() <= 1e-8 * want.abs().max(1.0),
        "{what}: gd says {got}, the Taylor series {want}"
    );
}

/// Simplifying a large derivative tries expansions and common
/// denominators at every node; each is an optional attempt with work of
/// its own, so one that would take too long is dropped and the statement
/// ends with the form it has, instead of spending the statement's budget.
#[test]
fn high_derivatives_are_not_stopped_by_the_work_budget() {
    const POINTS: [f64; 3] = [0.3, -1.1, 2.0];
    // d^12/dx^12 exp(sin(x) cos(x^2))/(1 + x^2)
    let d12 = "diff(exp(sin(x)*cos(x^2))/(1+x^2), x, 12)";
    let out = gd(&["--json", "-e", d12], None);
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert_eq!(json_lines(&out.stdout)[0]["kind"], "expr");
    let definition = format!("d(x) = {d12}");
    let calls: Vec<String> = POINTS.iter().map(|p| format!("d({p})")).collect();
    let sources: Vec<&str> = std::iter::once(definition.as_str())
        .chain(calls.iter().map(String::as_str))
        .collect();
    for (got, x0) in values(&sources).into_iter().zip(POINTS) {
        let x = Series::variable(x0);
        let (sin, _) = x.sin_cos();
        let (_, cos_x2) = x.mul(&x).sin_cos();
        let one_plus = Series::constant(1.0).add(&x.mul(&x));
        let f = sin.mul(&cos_x2).exp().div(&one_plus);
        assert_close(got, f.derivative(12), &format!("d12 at {x0}"));
    }
    // f(x) = x^2 + sin(x); the fourth derivative of f(f(f(x))).
    let calls: Vec<String> = POINTS.iter().map(|p| format!("g({p})")).collect();
    let mut sources = vec!["f(x) = x^2 + sin(x)", "g(x) = diff(f(f(f(x))), x, 4)"];
    sources.extend(calls.iter().map(String::as_str));
    let f = |u: &Series| u.mul(u).add(&u.sin_cos().0);
    for (got, x0) in values(&sources).into_iter().zip(POINTS) {
        let fff = f(&f(&f(&Series::variable(x0))));
        assert_close(got, fff.derivative(4), &format!("f(f(f(x)))'''' at {x0}"));
    }
}
