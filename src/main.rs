//! The `gd` command line: parses arguments, runs sources through one
//! session, prints outcomes and errors, maps results to exit codes.
//!
//! Invariant: the binary (this file, `printer` and `repl`) is the only
//! code that writes to stdout/stderr, and this file the only place that
//! exits.

use std::io::{IsTerminal, Read};
use std::process::ExitCode;

use clap::Parser;

use gd::error::ErrorKind;
use gd::session::Session;

use printer::{Printer, io_words, plain_error_to_stderr};

mod printer;
mod repl;

/// A small, exact and fast language for exploring gradient descent.
#[derive(Parser, Debug)]
#[command(version, about, long_about = None)]
struct Cli {
    /// Scripts to run in order, in one session.
    files: Vec<String>,
    /// Run SOURCE as a script (may be repeated, and combined with files).
    #[arg(short = 'e', value_name = "SOURCE", allow_hyphen_values = true)]
    eval: Vec<String>,
    /// Print every result as one JSON object per line.
    #[arg(long)]
    json: bool,
    /// No colours (also when NO_COLOR is set, TERM is dumb or stdout is not
    /// a terminal).
    #[arg(long)]
    no_color: bool,
}

/// One source to run: its name for messages and its text.
struct Source {
    name: String,
    text: String,
}

/// The interpreter recurses over expressions; give it room so that deep
/// (but accepted) input cannot overflow the stack.
const STACK_SIZE: usize = 512 * 1024 * 1024;

fn main() -> ExitCode {
    let matches = <Cli as clap::CommandFactory>::command().get_matches();
    let cli = match <Cli as clap::FromArgMatches>::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    let order = source_order(&matches);
    let dumb = std::env::var_os("TERM").is_some_and(|t| t == "dumb");
    let color = !cli.no_color
        && !dumb
        && std::env::var_os("NO_COLOR").is_none()
        && std::io::stdout().is_terminal();
    colored::control::set_override(color);
    printer::set_stderr_color(color && std::io::stderr().is_terminal());
    if let Err(e) = ctrlc::set_handler(gd::interrupt::raise) {
        eprintln!("warning: Ctrl-C will not stop runs: {e}");
    }
    let worker = std::thread::Builder::new()
        .stack_size(STACK_SIZE)
        .spawn(move || run(cli, order, color));
    match worker.map(|handle| handle.join()) {
        Ok(Ok(code)) => ExitCode::from(code),
        _ => {
            plain_error_to_stderr("internal error (the interpreter thread failed)");
            ExitCode::from(1)
        }
    }
}

/// Whether each `-e` came before or after each file on the command line, as
/// (is_eval, index into its list), in command-line order.
fn source_order(matches: &clap::ArgMatches) -> Vec<(bool, usize)> {
    let mut positions: Vec<(usize, bool, usize)> = Vec::new();
    if let Some(indices) = matches.indices_of("eval") {
        positions.extend(indices.enumerate().map(|(k, at)| (at, true, k)));
    }
    if let Some(indices) = matches.indices_of("files") {
        positions.extend(indices.enumerate().map(|(k, at)| (at, false, k)));
    }
    positions.sort();
    positions
        .into_iter()
        .map(|(_, is_eval, k)| (is_eval, k))
        .collect()
}

fn run(cli: Cli, order: Vec<(bool, usize)>, color: bool) -> u8 {
    let mut session = Session::default();
    let printer = Printer {
        json: cli.json,
        ..Printer::default()
    };
    if order.is_empty() {
        if std::io::stdin().is_terminal() {
            return repl::run(&mut session, color, cli.json);
        }
        let mut text = String::new();
        if let Err(e) = std::io::stdin().read_to_string(&mut text) {
            plain_error_to_stderr(&format!("cannot read standard input: {e}"));
            return 1;
        }
        return run_sources(
            &mut session,
            vec![Source {
                name: "stdin".into(),
                text,
            }],
            printer,
        );
    }
    let mut sources = Vec::new();
    for (is_eval, k) in order {
        if is_eval {
            sources.push(Source {
                name: "-e".into(),
                text: cli.eval[k].clone(),
            });
            continue;
        }
        let path = &cli.files[k];
        match std::fs::read(path) {
            Ok(bytes) => sources.push(Source {
                name: path.clone(),
                text: String::from_utf8_lossy(&bytes).into_owned(),
            }),
            Err(e) => {
                printer.plain_error(&format!("cannot read '{path}': {}", io_words(&e)), path);
                return 1;
            }
        }
    }
    run_sources(&mut session, sources, printer)
}

fn run_sources(session: &mut Session, sources: Vec<Source>, mut printer: Printer) -> u8 {
    printer.fit_to_terminal();
    for source in sources {
        let result = session.run_source(&source.text, &mut |outcome| printer.outcome(outcome));
        if let Err(error) = result {
            if error.kind != ErrorKind::Interrupted || !printer.json {
                printer.error(&error, &source.name, &source.text);
            }
            return if error.kind == ErrorKind::Interrupted {
                130
            } else {
                1
            };
        }
    }
    0
}
