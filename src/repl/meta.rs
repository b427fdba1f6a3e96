//! The REPL's commands: `:help`, `:load`, `:vars`, `:clear`, `:json`,
//! `:quit`. A unique prefix names a command (`:h`, `:q`).
//!
//! Invariant: commands reach the session only through its public methods;
//! a script run by `:load` goes through `Session::run_source` like any entry.

use gd::compile::constant_value;
use gd::session::Session;
use gd::symbolic::Expr;
use gd::symbolic::print::to_text;
use gd::text::format_number;
use gd::value::Value;

use super::help;

/// The command names, in the order `:help commands` lists them.
pub const COMMANDS: &[&str] = &["help", "load", "vars", "clear", "json", "quit"];

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Command {
    Help,
    Load,
    Vars,
    Clear,
    Json,
    Quit,
}

/// The command that `word` (without its `:`) names: a whole name, a unique
/// prefix, or `exit`.
pub fn resolve(word: &str) -> Result<Command, String> {
    let word = word.to_lowercase();
    if word == "exit" {
        return Ok(Command::Quit);
    }
    let fits: Vec<&str> = COMMANDS
        .iter()
        .copied()
        .filter(|c| !word.is_empty() && c.starts_with(word.as_str()))
        .collect();
    match fits.as_slice() {
        [one] => Ok(command(one)),
        [] => Err(format!(
            "unknown command ':{word}'; commands are {}",
            command_list()
        )),
        many => Err(format!(
            "':{word}' could be {}",
            many.iter()
                .map(|c| format!(":{c}"))
                .collect::<Vec<_>>()
                .join(" or ")
        )),
    }
}

fn command(name: &str) -> Command {
    match name {
        "help" => Command::Help,
        "load" => Command::Load,
        "vars" => Command::Vars,
        "clear" => Command::Clear,
        "json" => Command::Json,
        _ => Command::Quit,
    }
}

fn command_list() -> String {
    COMMANDS
        .iter()
        .map(|c| format!(":{c}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A command line split into its command and its argument (trimmed).
/// `:vars`, `:clear` and `:quit` take no argument.
pub fn parse(line: &str) -> Result<(Command, &str), String> {
    let line = line.trim();
    let body = line.strip_prefix(':').unwrap_or(line);
    let (word, argument) = body.split_once(char::is_whitespace).unwrap_or((body, ""));
    if word.is_empty() {
        return Err(format!(
            "':' starts a command; commands are {}",
            command_list()
        ));
    }
    let command = resolve(word)?;
    let argument = argument.trim();
    let name = match command {
        Command::Vars => "vars",
        Command::Clear => "clear",
        Command::Quit => "quit",
        _ => "",
    };
    if !name.is_empty() && !argument.is_empty() {
        return Err(format!(":{name} takes no argument"));
    }
    Ok((command, argument))
}

/// The text of `:help` and `:help TOPIC`.
pub fn help_text(topic: &str) -> Result<String, String> {
    match topic {
        "" => Ok(help::OVERVIEW.to_string()),
        "topics" => Ok(help::topics_text()),
        _ => help::lookup(topic).map(str::to_string),
    }
}

/// `:json on|off`: the new setting, or why the argument is wrong.
pub fn json_setting(argument: &str, current: bool) -> Result<bool, String> {
    match argument {
        "on" => Ok(true),
        "off" => Ok(false),
        "" => Ok(!current),
        other => Err(format!("':json {other}': write :json on or :json off")),
    }
}

/// The path after `:load`, without quotes, with `~/` expanded and `\ `
/// (a space as file-name completion writes it) read as a space.
pub fn load_path(argument: &str) -> Result<String, String> {
    let unescaped = argument.replace("\\ ", " ");
    let path = unescaped.trim_matches(|c| c == '"' || c == '\'');
    if path.is_empty() {
        return Err("':load' needs a file, as in :load scripts/tour.gd".into());
    }
    match (path.strip_prefix("~/"), dirs::home_dir()) {
        (Some(rest), Some(home)) => Ok(home.join(rest).to_string_lossy().into_owned()),
        _ => Ok(path.to_string()),
    }
}

/// The user's definitions, one per line, as they would be typed, in the
/// order first defined; `ans` is not one of them.
pub fn vars_text(session: &Session) -> String {
    let mut out = String::new();
    for name in session.defs().names().to_vec() {
        if let Some(f) = session.defs().function(&name) {
            let params: Vec<&str> = f.params.iter().map(|p| &**p).collect();
            out.push_str(&format!(
                "{name}({}) = {}\n",
                params.join(", "),
                to_text(f.body)
            ));
        } else if let Some(value) = session.defs().value(&name) {
            out.push_str(&format!("{name} = {}\n", value_text(value)));
        }
    }
    out
}

/// A value as it would be typed: every number of a vector (`:vars` is
/// for pasting back, so nothing is elided), infinity as `1e999` and nan as
/// `(0*1e999)`, which read back to the same doubles.
fn value_text(value: &Value) -> String {
    let join = |items: Vec<String>| items.join(", ");
    match value {
        // A data vector (a defined list of numbers, or a column of a file).
        Value::Scalar(e) if e.as_data().is_some() => {
            let values = e.as_data().map(|d| d.values().to_vec()).unwrap_or_default();
            format!(
                "[{}]",
                join(values.iter().map(|x| number_text(*x)).collect())
            )
        }
        Value::Scalar(e) => match constant_value(*e) {
            Some(x) => number_text(x),
            None => to_text(*e),
        },
        Value::Tuple(items) => format!(
            "({})",
            join(
                items
                    .iter()
                    .map(|e| value_text(&Value::Scalar(*e)))
                    .collect()
            )
        ),
        Value::List(items) => format!("[{}]", join(items.iter().map(value_text).collect())),
        // Only numbers, tuples and lists can be stored as values.
        other => other.describe().to_string(),
    }
}

/// A double in gd syntax that reads back to itself (the expression
/// printer's form: `1e999`, `(0*1e999)`).
fn number_text(x: f64) -> String {
    if x.is_finite() {
        format_number(x)
    } else {
        to_text(Expr::float(x))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_resolve_by_unique_prefix() {
        assert_eq!(resolve("help"), Ok(Command::Help));
        assert_eq!(resolve("h"), Ok(Command::Help));
        assert_eq!(resolve("q"), Ok(Command::Quit));
        assert_eq!(resolve("exit"), Ok(Command::Quit));
        assert_eq!(resolve("LOAD"), Ok(Command::Load));
        assert!(resolve("").is_err());
        assert_eq!(
            resolve("x"),
            Err(
                "unknown command ':x'; commands are :help, :load, :vars, :clear, :json, :quit"
                    .into()
            )
        );
    }

    #[test]
    fn parse_splits_the_argument() {
        assert_eq!(parse(":load  a b.gd "), Ok((Command::Load, "a b.gd")));
        assert_eq!(parse(":json on"), Ok((Command::Json, "on")));
        assert_eq!(parse(" :vars"), Ok((Command::Vars, "")));
        assert_eq!(parse(":q x"), Err(":quit takes no argument".into()));
        assert_eq!(parse(":vars  "), Ok((Command::Vars, "")));
        assert!(
            parse("::")
                .expect_err("no command")
                .contains("unknown command '::'")
        );
        assert!(
            parse(": x")
                .expect_err("no command")
                .starts_with("':' starts a command")
        );
    }

    #[test]
    fn json_and_load_arguments() {
        assert_eq!(json_setting("on", false), Ok(true));
        assert_eq!(json_setting("", true), Ok(false));
        assert!(json_setting("yes", false).is_err());
        assert_eq!(
            load_path("\"scripts/tour.gd\""),
            Ok("scripts/tour.gd".into())
        );
        assert!(load_path("").is_err());
        assert_eq!(load_path("my\\ data.gd"), Ok("my data.gd".into()));
        assert_eq!(load_path("\"my data.gd\""), Ok("my data.gd".into()));
    }

    #[test]
    fn help_topics() {
        assert!(help_text("").expect("works").contains(":help TOPIC"));
        assert!(help_text("topics").expect("works").contains("minimize"));
        assert!(
            help_text("minimize")
                .expect("works")
                .starts_with("minimize NAME from START")
        );
        assert!(help_text("nope").is_err());
    }

    #[test]
    fn vars_are_printed_as_typed() {
        let mut session = Session::default();
        let source = "f(x, y) = (x - 3)^2 + (y - 2)^2\na = 3\nlrs = [0.01, 0.1]\n\
                      p = (1, 2.5)\ng(x) = f(x, a) + 1\nh = f'\n2 + 3";
        let mut ignore = |_: &gd::outcome::Outcome| {};
        // `h = f'` fails (f has two parameters): the others stay.
        assert!(session.run_source(source, &mut ignore).is_err());
        let source = "f(x, y) = (x - 3)^2 + (y - 2)^2\na = 3\nlrs = [0.01, 0.1]\n\
                      p = (1, 2.5)\ng(x) = f(x, a) + 1\n2 + 3";
        session.run_source(source, &mut ignore).expect("works");
        assert_eq!(
            vars_text(&session),
            "f(x, y) = (x - 3)^2 + (y - 2)^2\na = 3\nlrs = [0.01, 0.1]\np = (1, 2.5)\n\
             g(x) = f(x, a) + 1\n"
        );
        session.clear();
        assert_eq!(vars_text(&session), "");
    }

    #[test]
    fn vars_paste_back_into_a_fresh_session() {
        let mut ignore = |_: &gd::outcome::Outcome| {};
        let mut session = Session::default();
        let source = "k = 1e999\nn = 0*k\nm = -k\nbig = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]\n\
                      odd = [k, n, 0.1, -2.5e-30]\nt = (k, n, 1/3)\nf(x) = x^2 + k";
        session.run_source(source, &mut ignore).expect("works");
        let typed = vars_text(&session);
        assert!(!typed.contains("inf") && !typed.contains("..."), "{typed}");
        let mut fresh = Session::default();
        fresh.run_source(&typed, &mut ignore).expect("pastes back");
        assert_eq!(vars_text(&fresh), typed);
        // The same doubles, not just the same text.
        let value = |s: &Session, name: &str| s.defs().value(name).map(value_text);
        for name in ["k", "n", "m", "big", "odd", "t"] {
            assert_eq!(value(&fresh, name), value(&session, name), "{name}");
        }
        let big = value(&fresh, "big").expect("defined");
        assert!(big.contains("9, 10, 11"), "{big}");
    }
}
