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

/// The interpreter recurses over expressions, once per level: a statement
/// may make expressions up to `symbolic::rewrite::MAX_HEIGHT` (5,000)
/// levels tall, and an unoptimised build needs under 10 KB a level (48 MB
/// is measured to be enough). The stack is mapped on the main thread (no
/// thread of its own, whose heap arena would reserve 64 MB more), and it
/// counts against an address-space limit, so it is no larger than that.
const STACK_SIZE: usize = 64 << 20;

/// Keeps glibc's allocator to one heap arena. A second thread (Ctrl-C's
/// watcher) would otherwise get an arena of its own at its first
/// allocation, which reserves 128 MB of address space for a moment: under
/// a 200 MB address-space limit, with the interpreter's stack mapped, that
/// made gd fail now and then ("memory allocation failed") on input it
/// handles in 60 MB. gd allocates on one thread, so one arena costs
/// nothing.
#[allow(unsafe_code)]
fn one_heap_arena() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets an allocator parameter; called before any
    // other thread exists.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 1);
    }
}

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
    one_heap_arena();
    if let Err(e) = ctrlc::set_handler(gd::interrupt::raise) {
        eprintln!("warning: Ctrl-C will not stop runs: {e}");
    }
    survive_file_size_limit();
    // A panic (a bug) is reported in words; the hook has printed where.
    let run =
        std::panic::catch_unwind(move || stacker::grow(STACK_SIZE, move || run(cli, order, color)));
    match run {
        Ok(code) => ExitCode::from(code),
        Err(_) => {
            plain_error_to_stderr("internal error (the interpreter failed)");
            ExitCode::from(1)
        }
    }
}

/// A file-size limit (`ulimit -f`) kills a process that writes past it
/// with SIGXFSZ, leaving a half-written file. With a handler of its own for
/// the signal (which only sets a flag no one reads), the write fails
/// instead, and gd removes the partial file and says why.
fn survive_file_size_limit() {
    #[cfg(unix)]
    {
        let unread = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        if let Err(e) = signal_hook::flag::register(signal_hook::consts::SIGXFSZ, unread) {
            eprintln!("warning: a file-size limit may stop gd mid-write: {e}");
        }
    }
}

/// Ends gd at once with status 0: stdout's reader has gone (see
/// `printer::to_stdout`), so nothing more can be shown.
pub(crate) fn end_quietly() -> ! {
    std::process::exit(0)
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
        let mut bytes = Vec::new();
        if let Err(e) = std::io::stdin().read_to_end(&mut bytes) {
            printer.plain_error(
                &format!("cannot read standard input: {}", io_words(&e)),
                "stdin",
            );
            return 1;
        }
        return match decode(bytes) {
            Ok(text) => run_sources(
                &mut session,
                vec![Source {
                    name: "stdin".into(),
                    text,
                }],
                printer,
            ),
            Err((text, error)) => {
                printer.error(&error, "stdin", &text);
                1
            }
        };
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
        match std::fs::read(path).map(decode) {
            Ok(Ok(text)) => sources.push(Source {
                name: path.clone(),
                text,
            }),
            Ok(Err((text, error))) => {
                // Sources before it have not run: nothing runs half-read.
                printer.error(&error, path, &text);
                return 1;
            }
            Err(e) => {
                printer.plain_error(&format!("cannot read '{path}': {}", io_words(&e)), path);
                return 1;
            }
        }
    }
    run_sources(&mut session, sources, printer)
}

/// A source's bytes as text; else the text with each bad byte replaced
/// (to show the line) and an error at the first bad byte, whose line and
/// column are counted as for any other error.
fn decode(bytes: Vec<u8>) -> Result<String, (String, gd::error::Error)> {
    let bad = match String::from_utf8(bytes) {
        Ok(text) => return Ok(text),
        Err(e) => e,
    };
    let at = bad.utf8_error().valid_up_to();
    let bytes = bad.into_bytes();
    let byte = bytes[at];
    let text = String::from_utf8_lossy(&bytes).into_owned();
    // The valid prefix is copied as it is, so `at` is where the first
    // replacement character starts.
    let span = gd::syntax::Span::new(at, at + char::REPLACEMENT_CHARACTER.len_utf8());
    let error = gd::error::Error::syntax(
        format!("the text is not valid UTF-8 (byte 0x{byte:02X} here)"),
        span,
    )
    .with_hint("save the script as UTF-8 text");
    Err((text, error))
}

fn run_sources(session: &mut Session, sources: Vec<Source>, mut printer: Printer) -> u8 {
    printer.fit_to_terminal();
    for source in sources {
        printer::warnings_to_stderr(&source.name, &source.text);
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
