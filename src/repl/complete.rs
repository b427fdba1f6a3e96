//! Tab completion: names where an expression goes, optimizers after
//! `using`, an optimizer's settings in its parentheses, the user's functions
//! after `plot`, `minimize` and `maximize`, file names inside quotes, and
//! commands, help topics and `on`/`off` after `:`.
//!
//! Invariant: candidates come from fixed tables and the names snapshot
//! only; completing never evaluates anything.

use rustyline::Context;
use rustyline::completion::{Completer, Pair};

use gd::builtins;
use gd::descent::{METHOD_NAMES, setting_names};
use gd::parse::KEYWORDS;

use super::help;
use super::helper::{GdHelper, in_method_list, innermost_open_paren, word_start};
use super::meta::{self, Command};

impl Completer for GdHelper {
    type Candidate = Pair;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        _ctx: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        let before = &line[..pos];
        if let Some(rest) = before.trim_start().strip_prefix(':') {
            return self.complete_command(line, pos, rest);
        }
        // Inside a string: a file name (`load("`, `plot ... to "`).
        if before.matches('"').count() % 2 == 1 {
            let (start, found) = self.files.complete_path(line, pos)?;
            return Ok((start, close_quotes(found, &line[pos..])));
        }
        let start = word_start(before);
        let word = &before[start..];
        if in_method_list(&before[..start]) {
            let methods = METHOD_NAMES.iter().map(|m| m.to_string()).collect();
            return Ok((start, pairs(methods, word)));
        }
        if let Some(settings) = method_settings(&before[..start]) {
            let settings = settings.iter().map(|s| s.to_string()).collect();
            return Ok((start, pairs(settings, word)));
        }
        if after_function_keyword(&before[..start]) {
            let functions = self
                .names
                .borrow()
                .functions
                .iter()
                .map(|(n, _)| n.clone())
                .collect();
            return Ok((start, pairs(functions, word)));
        }
        if word.is_empty() {
            return Ok((pos, Vec::new()));
        }
        Ok((start, pairs(self.vocabulary(), word)))
    }
}

impl GdHelper {
    /// After `:`: the command names; after `:load `, file names; after
    /// `:help `, the topics.
    fn complete_command(
        &self,
        line: &str,
        pos: usize,
        rest: &str,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        let Some((word, _)) = rest.split_once(char::is_whitespace) else {
            let start = pos - rest.len() - 1;
            let commands = meta::COMMANDS.iter().map(|c| format!(":{c}")).collect();
            return Ok((start, pairs(commands, &line[start..pos])));
        };
        match meta::resolve(word) {
            Ok(Command::Load) => self.files.complete_path(line, pos),
            Ok(Command::Help) => {
                let start = word_start(&line[..pos]);
                let topics = help::all_names().iter().map(|s| s.to_string()).collect();
                Ok((start, pairs(topics, &line[start..pos])))
            }
            Ok(Command::Json) => {
                let start = word_start(&line[..pos]);
                let options = vec!["on".to_string(), "off".to_string()];
                Ok((start, pairs(options, &line[start..pos])))
            }
            _ => Ok((pos, Vec::new())),
        }
    }
}

/// File names completed inside quotes, with the quote closed after a file
/// (not after a folder, whose name goes on) unless one follows already.
fn close_quotes(found: Vec<Pair>, after: &str) -> Vec<Pair> {
    if after.starts_with('"') {
        return found;
    }
    found
        .into_iter()
        .map(|mut p| {
            if !p.replacement.ends_with(std::path::MAIN_SEPARATOR) {
                p.replacement.push('"');
            }
            p
        })
        .collect()
}

/// The settings of the optimizer whose parentheses `before` ends in, when
/// a setting's name goes there: `using adam(`, `using [gd, rmsprop(0.9, `.
fn method_settings(before: &str) -> Option<Vec<&'static str>> {
    let trimmed = before.trim_end();
    if !trimmed.ends_with(['(', ',']) {
        return None;
    }
    let open = innermost_open_paren(before)?;
    let name_end = before[..open].trim_end().len();
    let name_start = word_start(&before[..name_end]);
    if !in_method_list(&before[..name_start]) {
        return None;
    }
    setting_names(&before[name_start..name_end])
}

/// Whether `before` ends in `plot`, `minimize` or `maximize` and a space,
/// where a function's name goes.
fn after_function_keyword(before: &str) -> bool {
    let trimmed = before.trim_end();
    trimmed.len() < before.len()
        && ["plot", "minimize", "maximize"]
            .iter()
            .any(|k| trimmed.ends_with(k) && word_start(trimmed) == trimmed.len() - k.len())
}

fn pairs(words: Vec<String>, prefix: &str) -> Vec<Pair> {
    words
        .into_iter()
        .filter(|w| w.starts_with(prefix))
        .map(|w| Pair {
            display: w.clone(),
            replacement: w,
        })
        .collect()
}

impl GdHelper {
    /// Every name that completes in an expression: keywords, built-ins,
    /// constants, optimizers and the user's own, sorted, without repeats.
    fn vocabulary(&self) -> Vec<String> {
        let names = self.names.borrow();
        let mut words: Vec<String> = KEYWORDS
            .iter()
            .copied()
            .chain(builtins::callable_names())
            // Completion offers the constants as typed on any keyboard.
            .chain(builtins::CONSTANTS.into_iter().filter(|c| c.is_ascii()))
            .chain(METHOD_NAMES)
            .map(|s| s.to_string())
            .collect();
        words.extend(names.functions.iter().map(|(n, _)| n.clone()));
        words.extend(names.values.iter().cloned());
        words.sort();
        words.dedup();
        words
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::repl::helper::sample as helper;
    use rustyline::history::DefaultHistory;

    fn complete(line: &str) -> (usize, Vec<String>) {
        let history = DefaultHistory::new();
        let ctx = Context::new(&history);
        let (start, found) = helper(true)
            .complete(line, line.len(), &ctx)
            .expect("works");
        (start, found.into_iter().map(|p| p.replacement).collect())
    }

    #[test]
    fn completes_user_names_keywords_and_builtins() {
        assert_eq!(
            complete("lo").1,
            vec!["load", "log", "log10", "log2", "loss"]
        );
        assert_eq!(complete("minimize los"), (9, vec!["loss".into()]));
        assert_eq!(complete("y = 2lea"), (5, vec!["learning".into()]));
        assert_eq!(complete("sig").1, vec!["sigmoid", "sign"]);
        assert_eq!(complete("minimize f from 0 ste").1, vec!["step", "steps"]);
        assert_eq!(complete("x + p").1, vec!["pi", "plot"]);
        assert_eq!(complete("f from 0 using ada").1, vec!["adagrad", "adam"]);
        // After `using`, only the optimizers.
        assert_eq!(complete("f from 0 using n").1, vec!["nesterov", "newton"]);
        assert_eq!(complete("f from 0 using [gd, m").1, vec!["momentum"]);
        assert_eq!(complete("f from 0 using ").1.len(), METHOD_NAMES.len());
        assert_eq!(
            complete("f from 0 using adam steps 3 lr lea").1,
            vec!["learning"]
        );
        assert_eq!(complete("f(x) = ").1, Vec::<String>::new());
        // Inside an optimizer's parentheses, its settings.
        assert_eq!(complete("f from 0 using adam(b").1, vec!["beta1", "beta2"]);
        assert_eq!(
            complete("f from 0 using [gd, rmsprop(0.9, ").1,
            vec!["alpha", "eps"]
        );
        assert_eq!(complete("f from 0 using momentum(m").1, vec!["momentum"]);
        assert_eq!(
            complete("f from 0 using adam(0.9, b").1,
            vec!["beta1", "beta2"]
        );
        // After plot, minimize and maximize: the user's functions.
        assert_eq!(complete("plot ").1, vec!["loss", "f"]);
        assert_eq!(complete("minimize ").1, vec!["loss", "f"]);
        assert_eq!(complete("maximize l").1, vec!["loss"]);
        assert_eq!(complete("xplot ").1, Vec::<String>::new());
    }

    #[test]
    fn completes_commands_topics_and_files() {
        assert_eq!(complete(":he"), (0, vec![":help".into()]));
        assert_eq!(complete("  :c"), (2, vec![":clear".into()]));
        assert_eq!(complete(":help mom"), (6, vec!["momentum".into()]));
        assert_eq!(complete(":json o").1, vec!["on", "off"]);
        // File names come from the current folder (the crate root in tests).
        assert_eq!(complete(":load Cargo.t"), (6, vec!["Cargo.toml".into()]));
        assert_eq!(complete(":l scripts/tou").1, vec!["scripts/tour.gd"]);
        // A file closes its quote; a folder does not.
        assert_eq!(complete("load(\"Cargo.l").1, vec!["Cargo.lock\""]);
        assert_eq!(complete("load(\"scrip").1, vec!["scripts/"]);
    }
}
