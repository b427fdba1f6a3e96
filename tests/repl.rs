//! The REPL driven as a person would, in a pseudo-terminal (expectrl):
//! definitions and descents, the continuation prompt, tab completion,
//! `:help`, `:load`, Ctrl-C during a long run, history across sessions.
//!
//! Color is off (NO_COLOR) and TERM is a plain xterm, so that the line
//! editor works (completion, history) and the output is predictable. Each
//! session gets its own data folder, so no test touches the real history.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use expectrl::session::OsSession as Session;
use expectrl::{ControlCode, Expect};

const PROMPT: &str = "gd> ";

/// A data folder of its own for one test (removed by `Folder::drop`).
struct Folder(PathBuf);

impl Folder {
    fn new(name: &str) -> Folder {
        let path = std::env::temp_dir().join(format!("gd-repl-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).unwrap();
        Folder(path)
    }
}

impl Drop for Folder {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// `gd` with no arguments in a pseudo-terminal, at its first prompt.
fn start(data: &Path) -> Session {
    start_with(data, &[])
}

/// `gd ARGS` in a pseudo-terminal, at its first prompt.
fn start_with(data: &Path, args: &[&str]) -> Session {
    let mut command = Command::new(env!("CARGO_BIN_EXE_gd"));
    command
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("TERM", "xterm")
        .env("NO_COLOR", "1")
        .env("XDG_DATA_HOME", data);
    let mut gd = Session::spawn(command).unwrap();
    gd.set_expect_timeout(Some(Duration::from_secs(10)));
    gd.expect("Ctrl-D to quit").unwrap();
    gd.expect(PROMPT).unwrap();
    gd
}

/// Types `line` and Enter, then waits for `output` and the next prompt.
/// (`output` must not be part of `line`, whose echo would match it.)
fn enter(gd: &mut Session, line: &str, output: &str) {
    assert!(!line.contains(output), "{output:?} would match the echo");
    gd.send_line(line).unwrap();
    gd.expect(output)
        .unwrap_or_else(|e| panic!("after {line:?}, no {output:?}: {e}"));
    gd.expect(PROMPT).unwrap();
}

#[test]
fn a_definition_then_a_descent() {
    let data = Folder::new("descent");
    let mut gd = start(&data.0);
    gd.send_line("f(x) = (x - 3)^2").unwrap();
    gd.expect(PROMPT).unwrap();
    enter(
        &mut gd,
        "minimize f from 0 lr 0.1 steps 8",
        "x = 2.49668352",
    );
    // An error does not end the session, and shows where it is.
    enter(&mut gd, "f(x) = x + y", "unknown name 'y'");
    enter(&mut gd, "f(5)", "\n4\r\n");
    // A definition is confirmed in the brackets it was written in.
    enter(&mut gd, "v = (1,2)", "v = (1, 2)\r\n");
    enter(&mut gd, "w = [3,4]", "w = [3, 4]\r\n");
}

#[test]
fn an_open_bracket_asks_for_more() {
    let data = Folder::new("multiline");
    let mut gd = start(&data.0);
    gd.send_line("g(x) = (x - 3)^2 + (").unwrap();
    gd.expect("... ").unwrap();
    gd.send_line("x)").unwrap();
    gd.expect("g(x) = (x - 3)^2 + x").unwrap();
    gd.expect(PROMPT).unwrap();
    enter(&mut gd, "g(1)", "\n5\r\n");
}

#[test]
fn tab_completes_a_user_defined_name() {
    let data = Folder::new("complete");
    let mut gd = start(&data.0);
    gd.send_line("learning_rate = 0.25").unwrap();
    gd.expect(PROMPT).unwrap();
    gd.send("4 * learn").unwrap();
    gd.send("\t").unwrap();
    // Completed, the name is valid and the product is 1.
    enter(&mut gd, "", "\n1\r\n");
}

#[test]
fn bare_command_words_point_to_the_commands() {
    let data = Folder::new("bare");
    let mut gd = start(&data.0);
    enter(&mut gd, "help", "type :help");
    enter(&mut gd, "exit", "type :quit (or press Ctrl-D)");
    enter(&mut gd, "clear", "type :clear");
    // A name the user defined is theirs.
    gd.send_line("help = 3").unwrap();
    gd.expect(PROMPT).unwrap();
    enter(&mut gd, "help", "\n3\r\n");
}

#[test]
fn json_in_a_terminal_is_the_repl_with_json_results() {
    let data = Folder::new("json");
    let mut gd = start_with(&data.0, &["--json"]);
    enter(&mut gd, "diff(x^3, x)", r#"{"kind":"expr","text":"3x^2""#);
}

#[test]
fn help_and_load() {
    let data = Folder::new("help");
    let mut gd = start(&data.0);
    enter(&mut gd, ":help minimize", "minimize NAME from START");
    enter(&mut gd, ":help banana", "no help on 'banana'; topics are");
    enter(
        &mut gd,
        ":load scripts/tour.gd",
        "maximize h(x) = 4 - (x + 1)^2",
    );
    // The script's definitions are now the session's.
    enter(&mut gd, "g(3, 4)", "\n4\r\n");
    enter(&mut gd, ":vars", "g(x, y) = (x - 3)^2 + (y - 2)^2");
    enter(&mut gd, ":load nowhere.gd", "cannot read 'nowhere.gd'");
}

#[test]
fn ctrl_c_cancels_a_long_run_and_keeps_the_session() {
    let data = Folder::new("interrupt");
    let mut gd = start(&data.0);
    gd.send_line("f(x) = (x - 3)^2").unwrap();
    gd.expect(PROMPT).unwrap();
    // Ten billion steps: long even for native code (a second per hundred
    // million on this function), so Ctrl-C comes while it runs.
    gd.send_line("minimize f from 0 steps 10000000000").unwrap();
    std::thread::sleep(Duration::from_millis(500));
    interrupt_within_a_second(&mut gd, "interrupted after");
    gd.expect(PROMPT).unwrap();
    enter(&mut gd, "f(1)", "\n4\r\n");
    // A comparison shows the runs so far.
    gd.send_line("minimize f from 0 lr [0.1, 0.2] steps 10000000000")
        .unwrap();
    std::thread::sleep(Duration::from_millis(500));
    interrupt_within_a_second(&mut gd, "(interrupted)");
    gd.expect(PROMPT).unwrap();
    // A result shown before a long statement does not hide that the
    // statement was interrupted. (A symbolic blow-up such as
    // expand((x + y + z + w + 1)^35) now stops on its own budget within
    // half a second, too soon to interrupt.)
    gd.send_line("f(1); minimize f from 0 steps 10000000000")
        .unwrap();
    std::thread::sleep(Duration::from_millis(500));
    interrupt_within_a_second(&mut gd, "interrupted after");
    gd.expect(PROMPT).unwrap();
    // While typing, Ctrl-C drops the line (and an unfinished statement).
    gd.send("f(100").unwrap();
    gd.send(ControlCode::EndOfText).unwrap();
    gd.expect(PROMPT).unwrap();
    gd.send_line("(1 +").unwrap();
    gd.expect("... ").unwrap();
    gd.send(ControlCode::EndOfText).unwrap();
    gd.expect(PROMPT).unwrap();
    enter(&mut gd, "f(2)", "\n1\r\n");
}

/// Presses Ctrl-C and waits a second for `report`. On a loaded machine
/// the first press might come before the run starts (while the line
/// editor still reads keys), so a few tries are allowed, a second each.
fn interrupt_within_a_second(gd: &mut Session, report: &str) {
    gd.set_expect_timeout(Some(Duration::from_secs(1)));
    let stopped = (0..5).any(|_| {
        gd.send(ControlCode::EndOfText).unwrap();
        gd.expect(report).is_ok()
    });
    assert!(stopped, "Ctrl-C did not stop the run within a second");
    gd.set_expect_timeout(Some(Duration::from_secs(10)));
}

#[test]
fn history_is_kept_across_sessions() {
    let data = Folder::new("history");
    let mut first = start(&data.0);
    enter(&mut first, "40 + 2", "\n42\r\n");
    enter(&mut first, "40 + 2", "\n42\r\n");
    first.send(ControlCode::EndOfTransmission).unwrap();
    first.expect(expectrl::Eof).unwrap();
    let saved = std::fs::read_to_string(data.0.join("gd/history")).unwrap();
    assert_eq!(saved.matches("40 + 2").count(), 1, "{saved}");
    // A repeat that is not the previous entry is dropped when the history
    // is next loaded, the latest copy kept.
    let mut between = start(&data.0);
    enter(&mut between, "6 * 7", "\n42\r\n");
    enter(&mut between, "40 + 2", "\n42\r\n");
    between.send(ControlCode::EndOfTransmission).unwrap();
    between.expect(expectrl::Eof).unwrap();

    let mut second = start(&data.0);
    // Up recalls the last entry of the earlier sessions.
    second.send("\x1b[A").unwrap();
    enter(&mut second, "", "\n42\r\n");
    second.send(ControlCode::EndOfTransmission).unwrap();
    second.expect(expectrl::Eof).unwrap();
    let saved = std::fs::read_to_string(data.0.join("gd/history")).unwrap();
    let order: Vec<&str> = saved
        .lines()
        .filter(|l| *l == "40 + 2" || *l == "6 * 7")
        .collect();
    assert_eq!(order, ["6 * 7", "40 + 2"], "{saved}");
}

#[test]
fn errors_redirected_to_a_file_are_plain() {
    let data = Folder::new("stderr");
    let log = data.0.join("errors.txt");
    // Color on (no NO_COLOR), stdout a terminal, stderr a file.
    let mut command = Command::new("sh");
    command
        .arg("-c")
        .arg(format!(
            "exec '{}' 2>'{}'",
            env!("CARGO_BIN_EXE_gd"),
            log.display()
        ))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("TERM", "xterm")
        .env_remove("NO_COLOR")
        .env("XDG_DATA_HOME", &data.0);
    let mut gd = Session::spawn(command).unwrap();
    gd.set_expect_timeout(Some(Duration::from_secs(10)));
    gd.expect("Ctrl-D to quit").unwrap();
    for line in ["1 +)", ":load nope.gd", ":q x", "f(x) = y"] {
        gd.send_line(line).unwrap();
        gd.expect("gd>").unwrap();
    }
    gd.send_line(":quit").unwrap();
    gd.expect(expectrl::Eof).unwrap();
    let errors = std::fs::read_to_string(&log).unwrap();
    assert!(errors.contains("unknown name 'y'"), "{errors}");
    assert!(
        errors.contains("cannot read 'nope.gd': no such file\n"),
        "{errors}"
    );
    assert!(errors.contains(":quit takes no argument"), "{errors}");
    assert!(!errors.contains('\x1b'), "{errors:?}");
}

/// A plot drawn in a terminal, with color on, as `gd -e` prints it: what
/// came out, up to its x axis's last tick label.
fn colored_plot(colorterm: Option<&str>) -> String {
    let mut command = Command::new(env!("CARGO_BIN_EXE_gd"));
    command
        .args([
            "-e",
            "f(x, y) = x^2 + y^2",
            "-e",
            "plot f from (-1, -1) to (1, 1)",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("TERM", "xterm")
        .env_remove("NO_COLOR")
        .env_remove("COLORTERM");
    if let Some(value) = colorterm {
        command.env("COLORTERM", value);
    }
    let mut gd = Session::spawn(command).unwrap();
    gd.set_expect_timeout(Some(Duration::from_secs(10)));
    let found = gd.expect("levels:").unwrap();
    String::from_utf8_lossy(found.before()).into_owned()
}

/// 24-bit color only where COLORTERM says the terminal has it; otherwise
/// the 256-color palette every color terminal renders.
#[test]
fn a_plot_uses_the_colors_the_terminal_has() {
    for (colorterm, truecolor) in [
        (None, false),
        (Some("truecolor"), true),
        (Some("24bit"), true),
    ] {
        let text = colored_plot(colorterm);
        assert_eq!(
            text.contains("\x1b[48;2;"),
            truecolor,
            "{colorterm:?}: {text:?}"
        );
        assert_eq!(
            text.contains("\x1b[48;5;"),
            !truecolor,
            "{colorterm:?}: {text:?}"
        );
    }
}

/// `gd` at its first prompt with `history` as its history file's bytes
/// (or a folder in its place when `None`); what it printed before the
/// prompt.
fn start_with_history(data: &Path, history: Option<&[u8]>) -> (Session, String) {
    std::fs::create_dir_all(data.join("gd")).unwrap();
    match history {
        Some(bytes) => std::fs::write(data.join("gd/history"), bytes).unwrap(),
        None => std::fs::create_dir_all(data.join("gd/history")).unwrap(),
    }
    let mut command = Command::new(env!("CARGO_BIN_EXE_gd"));
    command
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("TERM", "xterm")
        .env("NO_COLOR", "1")
        .env("XDG_DATA_HOME", data);
    let mut gd = Session::spawn(command).unwrap();
    gd.set_expect_timeout(Some(Duration::from_secs(10)));
    let banner = gd.expect(PROMPT).unwrap();
    let shown = String::from_utf8_lossy(banner.before()).into_owned();
    (gd, shown)
}

#[test]
fn a_history_file_that_cannot_be_used_gives_one_warning() {
    let folder = Folder::new("folder-history");
    let corrupt = Folder::new("corrupt-history");
    for (data, history) in [(&folder, None), (&corrupt, Some(&b"1 + 1\n\xff\xfe\n"[..]))] {
        let (mut gd, shown) = start_with_history(&data.0, history);
        assert_eq!(shown.matches("warning: history").count(), 1, "{shown}");
        for line in ["40 + 2", "6 * 7"] {
            gd.send_line(line).unwrap();
            let result = gd.expect("\n42\r\n").unwrap();
            let before = String::from_utf8_lossy(result.before()).into_owned();
            assert!(!before.contains("warning"), "a second warning: {before}");
            gd.expect(PROMPT).unwrap();
        }
        gd.send(ControlCode::EndOfTransmission).unwrap();
        gd.expect(expectrl::Eof).unwrap();
    }
}

#[test]
fn two_repls_at_once_keep_both_histories() {
    let data = Folder::new("two");
    let mut first = start(&data.0);
    let mut second = start(&data.0);
    enter(&mut first, "40 + 2", "\n42\r\n");
    enter(&mut second, "6 * 7", "\n42\r\n");
    enter(&mut first, "50 - 8", "\n42\r\n");
    for gd in [&mut first, &mut second] {
        gd.send(ControlCode::EndOfTransmission).unwrap();
        gd.expect(expectrl::Eof).unwrap();
    }
    let saved = std::fs::read_to_string(data.0.join("gd/history")).unwrap();
    for entry in ["40 + 2", "6 * 7", "50 - 8"] {
        assert!(saved.lines().any(|l| l == entry), "{entry} lost: {saved}");
    }
}

#[test]
fn a_csv_changed_after_load_changes_nothing() {
    let data = Folder::new("csv");
    let csv = data.0.join("points.csv");
    std::fs::write(&csv, "X\n1\n2\n3\n").unwrap();
    let mut gd = start(&data.0);
    gd.send_line(format!("load(\"{}\")", csv.display()))
        .unwrap();
    gd.expect(PROMPT).unwrap();
    // Read once: a rewritten, then a removed file leaves the data as loaded.
    std::fs::write(&csv, "X\n10\n20\n").unwrap();
    enter(&mut gd, "mean(X) * 100", "\n200\r\n");
    std::fs::remove_file(&csv).unwrap();
    enter(&mut gd, "sum(X) + 0", "\n6\r\n");
    gd.send(ControlCode::EndOfTransmission).unwrap();
    gd.expect(expectrl::Eof).unwrap();
}
