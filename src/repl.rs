//! The interactive REPL (rustyline): prompt, history, a continuation
//! prompt while a statement is unfinished, errors that do not end the
//! session, Ctrl-C that cancels a running statement.
//!
//! Invariant: it runs statements through the same `Session::run_source` as
//! scripts; it only adds the terminal around it.

use std::sync::atomic::Ordering;

use colored::Colorize;
use rustyline::error::ReadlineError;
use rustyline::validate::{ValidationContext, ValidationResult, Validator};
use rustyline::{Completer, Editor, Helper, Highlighter, Hinter};

use gd::error::{ErrorKind, render};
use gd::parse::is_incomplete;
use gd::report::{self, Style};
use gd::session::Session;
use gd::symbolic::rewrite::INTERRUPT;

/// Asks for more lines while brackets are open or a line ends in an
/// operator: the same rule the parser uses to join lines.
#[derive(Completer, Helper, Highlighter, Hinter)]
struct GdHelper;

impl Validator for GdHelper {
    fn validate(&self, ctx: &mut ValidationContext) -> rustyline::Result<ValidationResult> {
        if is_incomplete(ctx.input()) {
            Ok(ValidationResult::Incomplete)
        } else {
            Ok(ValidationResult::Valid(None))
        }
    }
}

/// Runs the REPL until Ctrl-D; returns the exit code.
pub fn run(session: &mut Session, _color: bool) -> u8 {
    let mut editor: Editor<GdHelper, rustyline::history::DefaultHistory> = match Editor::new() {
        Ok(e) => e,
        Err(e) => {
            eprintln!("error: cannot start the REPL: {e}");
            return 1;
        }
    };
    editor.set_helper(Some(GdHelper));
    println!(
        "gd {}: type a statement, Ctrl-D to quit",
        env!("CARGO_PKG_VERSION")
    );
    let style = Style {
        confirm_definitions: true,
        ..Style::default()
    };
    loop {
        match editor.readline("gd> ") {
            Ok(line) => {
                if line.trim().is_empty() {
                    continue;
                }
                let _ = editor.add_history_entry(line.as_str());
                INTERRUPT.store(false, Ordering::SeqCst);
                let mut shown = false;
                let mut emit = |outcome: &gd::value::Outcome| {
                    shown = true;
                    print!("{}", report::human(outcome, &style));
                };
                if let Err(error) = session.run_source(&line, &mut emit) {
                    if error.kind == ErrorKind::Interrupted {
                        // An interrupted run has already said so in its report.
                        if !shown {
                            eprintln!("{}", "interrupted".yellow());
                        }
                    } else {
                        eprint!("{}", colour_error(&render(&error, "input", &line)));
                    }
                }
            }
            Err(ReadlineError::Interrupted) => continue,
            Err(ReadlineError::Eof) => return 0,
            Err(e) => {
                eprintln!("error: {e}");
                return 1;
            }
        }
    }
}

/// Colours a rendered error: the first line red, carets red, help cyan.
/// With colour off (the `colored` override), the text is unchanged.
pub fn colour_error(text: &str) -> String {
    let mut out = String::new();
    for (i, line) in text.split_inclusive('\n').enumerate() {
        let body = line.trim_end_matches('\n');
        let styled = if i == 0 {
            body.red().bold().to_string()
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
