//! The interactive REPL (rustyline): a welcome line, a prompt and a
//! continuation prompt while a statement is unfinished, persistent history,
//! the line editor's helper (`helper`, with one module per rustyline trait:
//! `complete`, `hint`, `highlight`, `validate`), commands such as `:help`
//! and `:load` (`meta`, `help`), errors that do not end the session, and
//! Ctrl-C that cancels a running statement.
//!
//! Invariant: it runs statements through the same `Session::run_source` as
//! scripts; it only adds the terminal around it.

mod complete;
mod help;
mod helper;
mod highlight;
mod hint;
mod meta;
mod validate;

use std::path::PathBuf;

use colored::Colorize;
use rustyline::Editor;
use rustyline::config::{ColorMode, CompletionType, Config};
use rustyline::error::ReadlineError;
use rustyline::history::{FileHistory, History};

use gd::error::ErrorKind;
use gd::parse::is_incomplete;
use gd::report::Style;
use gd::session::Session;

use crate::printer::{self, Printer, io_words, line_to_stderr};
use helper::{GdHelper, Names, SharedNames};
use meta::Command;

const PROMPT: &str = "gd> ";
const CONTINUATION: &str = "... ";

/// Most entries kept in the history file.
const HISTORY_SIZE: usize = 10_000;

/// What the REPL needs between entries.
struct Repl<'s> {
    session: &'s mut Session,
    printer: Printer,
    /// The helper's copy of the user's names, refreshed after each entry.
    names: SharedNames,
}

/// What reading one entry gave.
enum Entry {
    Text(String),
    /// Ctrl-C: the line (or unfinished statement) was dropped.
    Cancelled,
    Quit,
}

/// Runs the REPL until Ctrl-D or `:quit`, with JSON results when `json`
/// (`gd --json` in a terminal); returns the exit code.
pub fn run(session: &mut Session, color: bool, json: bool) -> u8 {
    let names = SharedNames::default();
    let mut editor = match editor(color, names.clone()) {
        Ok(e) => e,
        Err(e) => {
            printer::plain_error_to_stderr(&format!("cannot start the REPL: {e}"));
            return 1;
        }
    };
    let mut history = history_path();
    if let Some(path) = &history
        && let Err(why) = load_history(&mut editor, path)
    {
        history_warning(path, &why);
        history = None;
    }
    println!(
        "gd {}: type a statement, {} for help, Ctrl-D to quit",
        env!("CARGO_PKG_VERSION"),
        ":help".bold()
    );
    let mut repl = Repl {
        session,
        printer: Printer {
            style: Style {
                confirm_definitions: true,
                ..Style::default()
            },
            json,
        },
        names,
    };
    loop {
        let text = match read_entry(&mut editor) {
            Ok(Entry::Text(text)) => text,
            Ok(Entry::Cancelled) => continue,
            Ok(Entry::Quit) => return 0,
            Err(e) => {
                printer::plain_error_to_stderr(&e.to_string());
                return 1;
            }
        };
        if let Some(path) = &history
            && let Err(why) = remember(&mut editor, &text, path)
        {
            history_warning(path, &why);
            history = None;
        }
        repl.printer.fit_to_terminal();
        if text.trim_start().starts_with(':') {
            if repl.command(&text) == Flow::Quit {
                return 0;
            }
        } else if let Some(hint) = bare_word_hint(&text, repl.session) {
            println!("{hint}");
        } else {
            gd::interrupt::clear();
            repl.execute("input", &text);
        }
        repl.refresh_names();
    }
}

/// A bare `help`, `quit`, `exit` or `clear` (not defined as a name) is
/// meant as the command, not as a variable to echo back.
fn bare_word_hint(text: &str, session: &Session) -> Option<String> {
    let word = text.trim();
    if session.defs().value(word).is_some() || session.defs().function(word).is_some() {
        return None;
    }
    let command = match word {
        "help" | "?" => ":help",
        "quit" | "exit" => ":quit",
        "clear" => ":clear",
        _ => return None,
    };
    let also = if command == ":quit" {
        " (or press Ctrl-D)"
    } else {
        ""
    };
    Some(format!("type {}{also}", command.bold()))
}

fn editor(color: bool, names: SharedNames) -> rustyline::Result<Editor<GdHelper, FileHistory>> {
    let config = Config::builder()
        .max_history_size(HISTORY_SIZE)?
        .history_ignore_dups(true)?
        .auto_add_history(false)
        .completion_type(CompletionType::List)
        .color_mode(if color {
            ColorMode::Enabled
        } else {
            ColorMode::Disabled
        })
        .build();
    let mut editor = Editor::with_config(config)?;
    editor.set_helper(Some(GdHelper::new(names, color)));
    Ok(editor)
}

/// One statement, over as many lines as it takes: while brackets are open
/// or a line ends in an operator, the continuation prompt asks for more.
fn read_entry(editor: &mut Editor<GdHelper, FileHistory>) -> rustyline::Result<Entry> {
    let mut text = match editor.readline(PROMPT) {
        Ok(line) => line,
        Err(ReadlineError::Interrupted) => return Ok(Entry::Cancelled),
        Err(ReadlineError::Eof) => return Ok(Entry::Quit),
        Err(e) => return Err(e),
    };
    while !text.trim_start().starts_with(':') && is_incomplete(&text) {
        match editor.readline(CONTINUATION) {
            Ok(line) => {
                text.push('\n');
                text.push_str(&line);
            }
            // Ctrl-C or Ctrl-D drops the unfinished statement.
            Err(ReadlineError::Interrupted | ReadlineError::Eof) => return Ok(Entry::Cancelled),
            Err(e) => return Err(e),
        }
    }
    Ok(Entry::Text(text))
}

#[derive(PartialEq)]
enum Flow {
    Continue,
    Quit,
}

impl Repl<'_> {
    /// Runs a source in the session, printing each outcome as it comes and
    /// the error, if any, with a caret under its place in `text`.
    fn execute(&mut self, source_name: &str, text: &str) {
        // Whether the last thing shown was a run that reported its own
        // interruption (a plot interrupted after its run was shown was not).
        let mut reported = false;
        let printer = self.printer;
        printer::warnings_to_stderr(source_name, text);
        let mut emit = |outcome: &gd::outcome::Outcome| {
            reported = gd::session::is_interrupted_run(outcome);
            printer.outcome(outcome);
        };
        if let Err(error) = self.session.run_source(text, &mut emit) {
            if error.kind == ErrorKind::Interrupted {
                if !reported {
                    line_to_stderr("interrupted".yellow());
                }
            } else {
                // Unlike `gd --json`, JSON mode here shows errors as text.
                printer::error_to_stderr(&error, source_name, text);
            }
        }
    }

    fn command(&mut self, line: &str) -> Flow {
        let (command, argument) = match meta::parse(line) {
            Ok(parsed) => parsed,
            Err(message) => {
                line_to_stderr(message.red());
                return Flow::Continue;
            }
        };
        match command {
            Command::Help => match meta::help_text(argument) {
                Ok(text) => print!("{text}"),
                Err(message) => line_to_stderr(message.red()),
            },
            Command::Load => self.load(argument),
            Command::Vars => match meta::vars_text(self.session) {
                text if text.is_empty() => println!("{}", "nothing defined yet".dimmed()),
                text => print!("{text}"),
            },
            Command::Clear => {
                self.session.clear();
                println!("{}", "every definition forgotten".dimmed());
            }
            Command::Json => match meta::json_setting(argument, self.printer.json) {
                Ok(on) => {
                    self.printer.json = on;
                    let state = if on { "on" } else { "off" };
                    println!("{}", format!("JSON output {state}").dimmed());
                }
                Err(message) => line_to_stderr(message.red()),
            },
            Command::Quit => return Flow::Quit,
        }
        Flow::Continue
    }

    /// `:load FILE`: runs the script here; its definitions stay.
    fn load(&mut self, argument: &str) {
        let path = match meta::load_path(argument) {
            Ok(path) => path,
            Err(message) => {
                line_to_stderr(message.red());
                return;
            }
        };
        match std::fs::read(&path) {
            Ok(bytes) => {
                gd::interrupt::clear();
                let text = String::from_utf8_lossy(&bytes);
                self.execute(&path, &text);
            }
            Err(e) => {
                line_to_stderr(format!("error: cannot read '{path}': {}", io_words(&e)).red());
            }
        }
    }

    fn refresh_names(&self) {
        let mut names = Names::default();
        let defs = self.session.defs();
        for name in defs.names().iter().cloned().chain(["ans".to_string()]) {
            if let Some(f) = defs.function(&name) {
                let params = f.params.iter().map(|p| p.to_string()).collect();
                names.functions.push((name, params));
            } else if defs.value(&name).is_some() {
                names.values.push(name);
            }
        }
        *self.names.borrow_mut() = names;
    }
}

// ---------------------------------------------------------------- history

/// `gd/history` in the platform's data folder (on Linux
/// `$XDG_DATA_HOME/gd/history`, by default `~/.local/share/gd/history`).
fn history_path() -> Option<PathBuf> {
    let folder = dirs::data_dir()?.join("gd");
    std::fs::create_dir_all(&folder).ok()?;
    Some(folder.join("history"))
}

/// Loads the history, keeping only the latest of repeated entries (and
/// rewriting the file when some were dropped). No file yet is no error;
/// one that cannot be read or rewritten is, in words.
fn load_history(editor: &mut Editor<GdHelper, FileHistory>, path: &PathBuf) -> Result<(), String> {
    match editor.load_history(path) {
        Ok(()) => {}
        Err(ReadlineError::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(readline_words(&e)),
    }
    let entries: Vec<String> = editor.history().iter().cloned().collect();
    // From the newest back, so the latest copy of each entry is the one
    // kept; one pass, as the history can hold thousands of entries.
    let mut seen = std::collections::HashSet::new();
    let mut kept: Vec<&String> = entries.iter().rev().filter(|e| seen.insert(*e)).collect();
    kept.reverse();
    if kept.len() == entries.len() {
        return Ok(());
    }
    let history = editor.history_mut();
    let _ = history.clear();
    for entry in kept {
        let _ = history.add(entry);
    }
    editor.save_history(path).map_err(|e| readline_words(&e))
}

/// Adds an entry to the history and appends it to the file at once, so
/// that sessions running side by side share it (each appends its own
/// entries) and a crash loses nothing.
fn remember(
    editor: &mut Editor<GdHelper, FileHistory>,
    text: &str,
    path: &PathBuf,
) -> Result<(), String> {
    if text.trim().is_empty() {
        return Ok(());
    }
    let _ = editor.add_history_entry(text);
    editor.append_history(path).map_err(|e| readline_words(&e))
}

/// The one warning about a history file that failed; the REPL goes on
/// without the file (entries are still kept for this session).
fn history_warning(path: &std::path::Path, why: &str) {
    line_to_stderr(
        format!(
            "warning: history '{}' not used: {why}; the REPL goes on without it",
            path.display()
        )
        .yellow(),
    );
}

fn readline_words(e: &ReadlineError) -> String {
    match e {
        ReadlineError::Io(e) => io_words(e),
        other => other.to_string(),
    }
}
