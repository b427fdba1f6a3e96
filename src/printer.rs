//! Where the binary's output goes: outcomes to stdout as human text or one
//! JSON line each, errors to stderr with a caret under their place (or, for
//! scripts run with `--json`, as a JSON object on stdout), file errors in
//! plain words.
//!
//! Invariant: what goes to stderr is colored only when color is on and
//! stderr is a terminal (`gd 2>file` writes plain text to the file); stdout
//! follows `colored`'s own switch, which `main` sets.

use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, Ordering};

use colored::{ColoredString, Colorize};

use gd::error::{Error, ErrorKind, line_col, render};
use gd::outcome::Outcome;
use gd::report::{self, Style};

/// Narrowest terminal (or `COLUMNS`) that tables are fitted to.
const MIN_WIDTH: usize = 20;
/// Shortest terminal whose height limits the rows of a table.
const MIN_HEIGHT: usize = 10;
/// Lines kept around a table for its header and the result lines.
const LINES_AROUND_TABLE: usize = 12;
/// Fewest and most rows of a table fitted to the terminal's height.
const TABLE_ROWS: (usize, usize) = (8, 40);

/// Whether stderr takes color; see the module doc.
static STDERR_COLOR: AtomicBool = AtomicBool::new(false);

pub fn set_stderr_color(on: bool) {
    STDERR_COLOR.store(on, Ordering::SeqCst);
}

/// How outcomes are written: the report style, and JSON or human text.
#[derive(Clone, Copy, Debug, Default)]
pub struct Printer {
    pub style: Style,
    pub json: bool,
}

impl Printer {
    /// Writes one outcome to stdout, at once.
    pub fn outcome(&self, outcome: &Outcome) {
        let text = if self.json {
            format!("{}\n", report::json(outcome))
        } else {
            report::human(outcome, &self.style)
        };
        to_stdout(&text);
    }

    /// An error of the source `text` named `name`: a JSON object on stdout
    /// when writing JSON, else rendered on stderr (`error_to_stderr`).
    pub fn error(&self, error: &Error, name: &str, text: &str) {
        if self.json {
            to_stdout(&format!("{}\n", error_json(error, name, text)));
        } else {
            error_to_stderr(error, name, text);
        }
    }

    /// An error that belongs to no source text (a file that cannot be
    /// read): a JSON object on stdout, or a plain line on stderr.
    pub fn plain_error(&self, message: &str, source: &str) {
        if self.json {
            to_stdout(&format!("{}\n", report::error_json(message, source, None)));
        } else {
            plain_error_to_stderr(message);
        }
    }

    /// Sets the width of tables (and the rows of long traces) from the
    /// terminal on stdout, if there is one, and the depth of its colors.
    pub fn fit_to_terminal(&mut self) {
        let style = &mut self.style;
        style.truecolor = truecolor_terminal();
        if !std::io::stdout().is_terminal() {
            // A pipe or a file keeps whole tables, unless COLUMNS asks for a
            // width (as `ls` does), which is also how tests fit a table.
            let columns = std::env::var("COLUMNS")
                .ok()
                .and_then(|c| c.parse::<usize>().ok());
            if let Some(w) = columns.filter(|w| *w >= MIN_WIDTH) {
                style.width = w;
                style.fit = true;
            }
            return;
        }
        style.fit = true;
        if let Some((terminal_size::Width(w), terminal_size::Height(h))) =
            terminal_size::terminal_size()
        {
            if usize::from(w) >= MIN_WIDTH {
                style.width = usize::from(w);
            }
            if usize::from(h) >= MIN_HEIGHT {
                let (fewest, most) = TABLE_ROWS;
                style.max_rows = usize::from(h)
                    .saturating_sub(LINES_AROUND_TABLE)
                    .clamp(fewest, most);
            }
        }
    }
}

/// Writes `text` to stdout at once. When the reader has gone (`gd ... |
/// head -1`), gd ends quietly with status 0, as `cat` and ripgrep do:
/// no one is left to read what it would print.
fn to_stdout(text: &str) {
    let mut stdout = std::io::stdout().lock();
    let written = stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush());
    match written {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => crate::end_quietly(),
        // Any other failure (a full disk under `gd > file`) is not worth
        // stopping a run for: the outcome is lost, the run goes on.
        _ => {}
    }
}

/// Whether the terminal says it shows 24-bit color, as terminals that do
/// say (`COLORTERM=truecolor` or `24bit`); others get the 256 colors every
/// color terminal has (the default macOS Terminal renders 24-bit escapes
/// wrongly).
fn truecolor_terminal() -> bool {
    std::env::var("COLORTERM")
        .is_ok_and(|v| matches!(v.to_ascii_lowercase().as_str(), "truecolor" | "24bit"))
}

/// The error as one JSON object, its hint in parentheses after the message.
fn error_json(error: &Error, name: &str, text: &str) -> serde_json::Value {
    let position = error.span.map(|s| line_col(text, s.start));
    let mut message = error.message.clone();
    if let Some(hint) = &error.hint {
        message.push_str(&format!(" ({hint})"));
    }
    report::error_json(&message, name, position)
}

/// An error rendered on stderr with a caret under its place in `text`.
pub fn error_to_stderr(error: &Error, name: &str, text: &str) {
    if error.kind == ErrorKind::Interrupted && error.span.is_none() {
        // The run's report already says where it stopped; no empty location.
        eprintln!("{}", color_error("interrupted"));
    } else {
        eprint!("{}", color_error(&render(error, name, text)));
    }
}

/// The warnings about a source (`gd::parse::warnings`) on stderr, in both
/// modes: they are for the writer, not for a program reading the JSON.
pub fn warnings_to_stderr(name: &str, text: &str) {
    for warning in gd::parse::warnings(text) {
        let rendered = gd::error::render_warning(&warning, name, text);
        eprint!("{}", color_rendered(&rendered, |line| line.yellow().bold()));
    }
}

/// `error: MESSAGE` on stderr, never colored.
pub fn plain_error_to_stderr(message: &str) {
    eprintln!("error: {message}");
}

/// Writes one styled line to stderr, plain unless stderr takes color.
pub fn line_to_stderr(line: ColoredString) {
    let line = if STDERR_COLOR.load(Ordering::SeqCst) {
        line
    } else {
        line.clear()
    };
    eprintln!("{line}");
}

/// Colors a rendered error for stderr: the first line red, carets red,
/// help cyan. With color off for stderr, the text is unchanged.
fn color_error(text: &str) -> String {
    color_rendered(text, |line| line.red().bold())
}

/// Colors a rendered error or warning: the first line with `headline`, the
/// rest as `color_error` says.
fn color_rendered(text: &str, headline: fn(&str) -> ColoredString) -> String {
    if !STDERR_COLOR.load(Ordering::SeqCst) {
        return text.to_string();
    }
    let mut out = String::new();
    for (i, line) in text.split_inclusive('\n').enumerate() {
        let body = line.trim_end_matches('\n');
        let styled = if i == 0 {
            headline(body).to_string()
        } else if body.trim_start().starts_with("= help") {
            body.cyan().to_string()
        } else if body.contains('^') && body.trim_start().starts_with('|') {
            body.red().to_string()
        } else {
            body.to_string()
        };
        out.push_str(&styled);
        if line.ends_with('\n') {
            out.push('\n');
        }
    }
    out
}

/// A file error in plain words (not "(os error 2)").
pub fn io_words(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        std::io::ErrorKind::IsADirectory => "it is a folder, not a file".into(),
        _ => {
            let text = e.to_string();
            match text.find(" (os error") {
                Some(at) => text[..at].to_lowercase(),
                None => text,
            }
        }
    }
}
