//! The interactive REPL (rustyline): a welcome line, a prompt and a
//! continuation prompt while a statement is unfinished, persistent history,
//! completion, highlighting and hints (`helper`), commands such as `:help`
//! and `:load` (`meta`, `help`), errors that do not end the session, and
//! Ctrl-C that cancels a running statement.
//!
//! Invariant: it runs statements through the same `Session::run_source` as
//! scripts; it only adds the terminal around it.

mod help;
mod helper;
mod meta;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};

use colored::{ColoredString, Colorize};
use rustyline::Editor;
use rustyline::config::{ColorMode, CompletionType, Config};
use rustyline::error::ReadlineError;
use rustyline::history::{FileHistory, History};

use gd::error::{ErrorKind, render};
use gd::parse::is_incomplete;
use gd::report::{self, Style};
use gd::session::Session;

use helper::{GdHelper, Names, SharedNames};
use meta::Command;

const PROMPT: &str = "gd> ";
const CONTINUATION: &str = "... ";

/// Most entries kept in the history file.
const HISTORY_SIZE: usize = 10_000;

/// What the REPL needs between entries.
struct Repl<'s> {
    session: &'s mut Session,
    style: Style,
    json: bool,
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

/// Runs the REPL until Ctrl-D or `:quit`; returns the exit code.
pub fn run(session: &mut Session, color: bool) -> u8 {
    let names = SharedNames::default();
    let mut editor = match editor(color, names.clone()) {
        Ok(e) => e,
        Err(e) => {
            eprintln!("error: cannot start the REPL: {e}");
            return 1;
        }
    };
    let history = history_path();
    if let Some(path) = &history {
        load_history(&mut editor, path);
    }
    println!(
        "gd {}: type a statement, {} for help, Ctrl-D to quit",
        env!("CARGO_PKG_VERSION"),
        ":help".bold()
    );
    let mut repl = Repl {
        session,
        style: Style {
            confirm_definitions: true,
            ..Style::default()
        },
        json: false,
        names,
    };
    loop {
        let text = match read_entry(&mut editor) {
            Ok(Entry::Text(text)) => text,
            Ok(Entry::Cancelled) => continue,
            Ok(Entry::Quit) => return 0,
            Err(e) => {
                eprintln!("error: {e}");
                return 1;
            }
        };
        remember(&mut editor, &text, history.as_ref());
        fit_to_terminal(&mut repl.style);
        if text.trim_start().starts_with(':') {
            if repl.command(&text) == Flow::Quit {
                return 0;
            }
        } else {
            gd::interrupt::clear();
            repl.execute("input", &text);
        }
        repl.refresh_names();
    }
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
        let (style, json) = (self.style, self.json);
        let mut emit = |outcome: &gd::outcome::Outcome| {
            reported = gd::session::is_interrupted_run(outcome);
            if json {
                println!("{}", report::json(outcome));
            } else {
                print!("{}", report::human(outcome, &style));
            }
        };
        if let Err(error) = self.session.run_source(text, &mut emit) {
            if error.kind == ErrorKind::Interrupted {
                if !reported {
                    eprintln!("{}", for_stderr("interrupted".yellow()));
                }
            } else {
                eprint!("{}", colour_error(&render(&error, source_name, text)));
            }
        }
    }

    fn command(&mut self, line: &str) -> Flow {
        let (command, argument) = match meta::parse(line) {
            Ok(parsed) => parsed,
            Err(message) => {
                eprintln!("{}", for_stderr(message.red()));
                return Flow::Continue;
            }
        };
        match command {
            Command::Help => match meta::help_text(argument) {
                Ok(text) => print!("{text}"),
                Err(message) => eprintln!("{}", for_stderr(message.red())),
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
            Command::Json => match meta::json_setting(argument, self.json) {
                Ok(on) => {
                    self.json = on;
                    let state = if on { "on" } else { "off" };
                    println!("{}", format!("JSON output {state}").dimmed());
                }
                Err(message) => eprintln!("{}", for_stderr(message.red())),
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
                eprintln!("{}", for_stderr(message.red()));
                return;
            }
        };
        match std::fs::read(&path) {
            Ok(bytes) => {
                gd::interrupt::clear();
                let text = String::from_utf8_lossy(&bytes);
                self.execute(&path, &text);
            }
            Err(e) => eprintln!(
                "{}",
                for_stderr(format!("error: cannot read '{path}': {}", io_words(&e)).red())
            ),
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

/// Sets the width of tables (and the rows of long traces) from the
/// terminal on stdout, if there is one.
pub fn fit_to_terminal(style: &mut Style) {
    if !std::io::stdout().is_terminal() {
        // A pipe or a file keeps whole tables, unless COLUMNS asks for a
        // width (as `ls` does), which is also how tests fit a table.
        let columns = std::env::var("COLUMNS")
            .ok()
            .and_then(|c| c.parse::<usize>().ok());
        if let Some(w) = columns.filter(|w| *w >= 20) {
            style.width = w;
            style.fit = true;
        }
        return;
    }
    style.fit = true;
    if let Some((terminal_size::Width(w), terminal_size::Height(h))) =
        terminal_size::terminal_size()
    {
        if w >= 20 {
            style.width = usize::from(w);
        }
        if h >= 10 {
            // Room for the header and the result lines around the table.
            style.max_rows = usize::from(h).saturating_sub(12).clamp(8, 40);
        }
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
/// rewriting the file when some were dropped).
fn load_history(editor: &mut Editor<GdHelper, FileHistory>, path: &PathBuf) {
    if editor.load_history(path).is_err() {
        return;
    }
    let entries: Vec<String> = editor.history().iter().cloned().collect();
    // From the newest back, so the latest copy of each entry is the one
    // kept; one pass, as the history can hold thousands of entries.
    let mut seen = std::collections::HashSet::new();
    let mut kept: Vec<&String> = entries.iter().rev().filter(|e| seen.insert(*e)).collect();
    kept.reverse();
    if kept.len() == entries.len() {
        return;
    }
    let history = editor.history_mut();
    let _ = history.clear();
    for entry in kept {
        let _ = history.add(entry);
    }
    let _ = editor.save_history(path);
}

/// Adds an entry to the history and appends it to the file at once, so
/// that sessions running side by side share it and a crash loses nothing.
fn remember(editor: &mut Editor<GdHelper, FileHistory>, text: &str, path: Option<&PathBuf>) {
    if text.trim().is_empty() {
        return;
    }
    let _ = editor.add_history_entry(text);
    if let Some(path) = path {
        let _ = editor.append_history(path);
    }
}

// ---------------------------------------------------------------- errors

/// Whether what goes to stderr is coloured: only when colour is on and
/// stderr is a terminal (`gd 2>file` writes plain text to the file).
static STDERR_COLOUR: AtomicBool = AtomicBool::new(false);

pub fn set_stderr_colour(on: bool) {
    STDERR_COLOUR.store(on, Ordering::SeqCst);
}

/// `text` as styled for stderr: plain unless stderr takes colour.
fn for_stderr(text: ColoredString) -> ColoredString {
    if STDERR_COLOUR.load(Ordering::SeqCst) {
        text
    } else {
        text.clear()
    }
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

/// Colours a rendered error for stderr: the first line red, carets red,
/// help cyan. With colour off for stderr, the text is unchanged.
pub fn colour_error(text: &str) -> String {
    if !STDERR_COLOUR.load(Ordering::SeqCst) {
        return text.to_string();
    }
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
