//! Files: `load("file.csv")` defines one data vector per column, and a
//! plot's SVG file is written as its outcome is emitted.
//!
//! Invariant: a bad CSV file defines nothing; a plot file is written only
//! by `write_file`, which `Session::run_source` calls as it emits the
//! plot, so a failed write stops a script at that statement.

use std::path::Path;

use super::Session;
use crate::defs::Definition;
use crate::error::{Error, Result};
use crate::load::load_csv;
use crate::outcome::{Outcome, Shown};
use crate::symbolic::Expr;
use crate::symbolic::data::DataRef;
use crate::syntax;
use crate::value::Value;

impl Session {
    /// `load("file.csv")`: one data vector per column, all or none.
    pub(super) fn load(&mut self, e: &syntax::Expr) -> Result<Outcome> {
        let Some(path) = load_path(e) else {
            return Err(Error::internal("load without a path"));
        };
        let columns = load_csv(path).map_err(|err| err.at(e.span))?;
        let mut outcomes = Vec::new();
        for (name, values) in columns {
            let data = Expr::data(DataRef::new(&name, values.clone()));
            self.defs
                .define(&name, Definition::Value(Value::Scalar(data)));
            outcomes.push(Outcome::Define {
                name,
                value: Shown::Vector(values),
            });
        }
        Ok(Outcome::Several(outcomes))
    }
}

/// The path of a `load("...")` statement.
pub(super) fn load_path(e: &syntax::Expr) -> Option<&str> {
    let syntax::ExprKind::Call { callee, args } = &e.kind else {
        return None;
    };
    match (&callee.kind, args.as_slice()) {
        (syntax::ExprKind::Name(name), [arg]) if name == "load" => match &arg.kind {
            syntax::ExprKind::String(path) => Some(path),
            _ => None,
        },
        _ => None,
    }
}

/// Writes a plot's SVG file, if it has one (other outcomes: nothing).
pub fn write_file(outcome: &Outcome) -> Result<()> {
    let Outcome::Plot(plot) = outcome else {
        return Ok(());
    };
    let Some((path, span)) = &plot.file else {
        return Ok(());
    };
    let document =
        crate::figure::svg::render(&plot.figure).map_err(|e| Error::value(e).at(*span))?;
    std::fs::write(path, document).map_err(|e| {
        Error::value(format!(
            "cannot write '{path}': {}",
            write_failure(&e, path)
        ))
        .at(*span)
    })
}

/// Why a file could not be written, in plain words (no "os error N").
fn write_failure(e: &std::io::Error, path: &str) -> String {
    use std::io::ErrorKind as K;
    let folder = Path::new(path)
        .parent()
        .filter(|f| !f.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    match e.kind() {
        K::PermissionDenied => "permission denied".into(),
        // The folder was checked, but may not take new files (/proc).
        K::NotFound if folder.is_dir() => {
            format!("the folder '{}' does not take new files", folder.display())
        }
        K::NotFound => format!("the folder '{}' does not exist", folder.display()),
        K::IsADirectory => "it is a folder".into(),
        K::ReadOnlyFilesystem => "the file system is read-only".into(),
        K::StorageFull => "the disk is full".into(),
        _ => {
            let text = e.to_string();
            match text.find(" (os error") {
                Some(at) => text[..at].to_string(),
                None => text,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::write_failure;
    use std::io::{Error, ErrorKind};

    #[test]
    fn write_failures_are_plain_words() {
        // /proc exists but takes no new files: not "no such folder".
        let in_existing = write_failure(&Error::from(ErrorKind::NotFound), "src/x.svg");
        assert_eq!(in_existing, "the folder 'src' does not take new files");
        let missing = write_failure(&Error::from(ErrorKind::NotFound), "nowhere/x.svg");
        assert_eq!(missing, "the folder 'nowhere' does not exist");
        for code in [5, 28, 30, 122] {
            let why = write_failure(&Error::from_raw_os_error(code), "x.svg");
            assert!(!why.contains("os error") && !why.is_empty(), "{why}");
        }
    }
}
