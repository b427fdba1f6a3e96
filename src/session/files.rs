//! Files: `load("file.csv")` defines one data vector per column, and a
//! plot's SVG file is written as its outcome is emitted.
//!
//! Invariant: a bad CSV file defines nothing; a plot file is written only
//! by `write_file`, which `Session::run_source` calls as it emits the
//! plot, so a failed write stops a script at that statement. A regular
//! file is replaced whole or not at all: the figure goes to a temporary
//! file beside it, renamed over it once written (so a full disk leaves no
//! half file); what is not a regular file (`/dev/full`, a pipe) is
//! written in place.

use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

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
    write_whole(Path::new(path), document.as_bytes()).map_err(|e| {
        Error::value(format!(
            "cannot write '{path}': {}",
            write_failure(&e, path)
        ))
        .at(*span)
    })
}

/// Temporary files made so far by this process, to name the next.
static TEMPORARY_FILES: AtomicU64 = AtomicU64::new(0);

/// Writes `bytes` to `path` whole, or leaves it as it was (see the module
/// doc); a file replaced keeps its permissions.
fn write_whole(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    // A link is followed, so that the file it names is replaced.
    let target = fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let existing = fs::metadata(&target).ok();
    if existing.as_ref().is_some_and(|m| !m.is_file()) {
        return fs::write(&target, bytes);
    }
    let temporary = temporary_beside(&target);
    let written = File::create_new(&temporary).and_then(|mut file| {
        file.write_all(bytes)?;
        if let Some(existing) = &existing {
            file.set_permissions(existing.permissions())?;
        }
        file.sync_all()
    });
    let result = written.and_then(|()| fs::rename(&temporary, &target));
    if result.is_err() {
        let _ = fs::remove_file(&temporary);
    }
    result
}

/// A name for a temporary file in `target`'s folder that no other gd
/// (nor this one) is using: `.NAME.PID.N.tmp`.
fn temporary_beside(target: &Path) -> PathBuf {
    let name = target
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let n = TEMPORARY_FILES.fetch_add(1, Ordering::Relaxed);
    target.with_file_name(format!(".{name}.{}.{n}.tmp", std::process::id()))
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
        K::FileTooLarge => "the file would pass the limit on file sizes".into(),
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
    use super::{write_failure, write_whole};
    use std::io::{Error, ErrorKind};
    use std::path::PathBuf;

    /// A fresh, empty folder for one test.
    fn folder(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("gd-files-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("a temporary folder");
        dir
    }

    fn names(dir: &PathBuf) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .expect("readable")
            .map(|e| {
                e.expect("an entry")
                    .file_name()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        names.sort();
        names
    }

    #[test]
    fn a_file_is_replaced_whole_and_keeps_its_permissions() {
        let dir = folder("replace");
        let path = dir.join("plot.svg");
        write_whole(&path, b"first").expect("written");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let shared = std::fs::Permissions::from_mode(0o640);
            std::fs::set_permissions(&path, shared).expect("chmod");
            write_whole(&path, b"second").expect("replaced");
            let mode = std::fs::metadata(&path)
                .expect("there")
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o640);
        }
        write_whole(&path, b"third").expect("replaced");
        assert_eq!(std::fs::read(&path).expect("readable"), b"third");
        assert_eq!(names(&dir), ["plot.svg"], "no temporary file is left");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_failed_write_leaves_nothing_behind() {
        let dir = folder("fail");
        let missing = dir.join("no such folder").join("plot.svg");
        assert!(write_whole(&missing, b"x").is_err());
        assert!(names(&dir).is_empty());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_device_is_written_in_place_and_its_error_reported() {
        let error = write_whole(std::path::Path::new("/dev/full"), &[b'x'; 1 << 16])
            .expect_err("the device is full");
        assert_eq!(write_failure(&error, "/dev/full"), "the disk is full");
        write_whole(std::path::Path::new("/dev/null"), b"x").expect("written in place");
    }

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
