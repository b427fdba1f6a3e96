//! A session: the user's definitions, and the statements that read and
//! change them, run in order. The REPL and the script runner both call
//! `Session::run_source`. Each kind of statement has its own file:
//! definitions (`define`), bare expressions and checks (`show`),
//! derivations (`explain`), critical points (`critical`), tables
//! (`table`), descents (`descent`), plots (`plot`), CSV files and plot
//! files (`files`).
//!
//! Invariant: a statement that fails leaves the definitions as they were.
//! Nothing here prints: each statement yields an `Outcome` for `report`.
//! The session keeps the thread's expression store alive (`StoreGuard`):
//! its handles, in definitions and outcomes, are valid while it lives, and
//! the store is cleared when the last session on the thread ends.

mod check;
mod critical;
mod define;
mod descent;
mod explain;
mod files;
mod plot;
mod show;
mod table;

use crate::defs::Defs;
use crate::error::{Error, ErrorKind, Result};
use crate::outcome::Outcome;
use crate::parse::parse_program;
use crate::symbolic::Expr;
use crate::symbolic::data::{data_len, mismatch_error, row_counts};
use crate::symbolic::print::to_text;
use crate::symbolic::rewrite::reset_budget;
use crate::symbolic::store::StoreGuard;
use crate::syntax::{Stmt, StmtKind};

pub use files::write_file;

#[derive(Default)]
pub struct Session {
    defs: Defs,
    /// Declared last, so dropped after the definitions that hold handles.
    store: StoreGuard,
}

impl Session {
    /// The definitions, for the REPL's `:vars` and completion.
    pub fn defs(&self) -> &Defs {
        &self.defs
    }

    /// Forgets every definition.
    pub fn clear(&mut self) {
        self.defs = Defs::default();
        self.store.restart();
    }

    /// Parses and runs `src`, statement by statement, calling `emit` with each
    /// outcome as soon as it is ready (so long scripts print as they go).
    /// Stops at the first error, which is returned.
    pub fn run_source(&mut self, src: &str, emit: &mut dyn FnMut(&Outcome)) -> Result<()> {
        let program = parse_program(src)?;
        for stmt in &program.stmts {
            // Ctrl-C between statements stops a script too (the REPL clears
            // the flag before each entry).
            if crate::interrupt::interrupted() {
                return Err(Error::interrupted());
            }
            let outcome = self.run_statement(stmt)?;
            if let Outcome::Several(outcomes) = &outcome {
                outcomes.iter().for_each(&mut *emit);
                continue;
            }
            // A plot's file is written as it is emitted (see `files`).
            let here = |e: Error| e.at(stmt.span);
            write_file(&outcome).map_err(here)?;
            emit(&outcome);
            if is_interrupted_run(&outcome) {
                return Err(Error::interrupted());
            }
            if let StmtKind::Descent(d) = &stmt.kind
                && let Some(pictures) = plot::descent_plot(d, &outcome).map_err(here)?
            {
                write_file(&pictures).map_err(here)?;
                emit(&pictures);
            }
        }
        Ok(())
    }

    /// Runs one statement.
    pub fn run_statement(&mut self, stmt: &Stmt) -> Result<Outcome> {
        reset_budget();
        self.run_kind(stmt).map_err(|e| match e.kind {
            // Every error points somewhere: at least at its statement (an
            // error found while running, like a length mismatch in data
            // redefined since, has no finer place).
            ErrorKind::Interrupted => e,
            _ => e.at(stmt.span),
        })
    }

    fn run_kind(&mut self, stmt: &Stmt) -> Result<Outcome> {
        match &stmt.kind {
            StmtKind::DefineFunction { name, params, body } => {
                self.define_function(name, params, body)
            }
            StmtKind::DefineValue { name, value } => self.define_value(name, value),
            StmtKind::Expr(e) if files::load_path(e).is_some() => self.load(e),
            StmtKind::Expr(e) => {
                let outcome = self.show(e)?;
                self.keep_as_ans(&outcome);
                Ok(outcome)
            }
            StmtKind::Check { left, right, tol } => self.check(left, right, tol.as_ref()),
            StmtKind::Explain(e) => self.explain(e),
            StmtKind::Critical { function, range } => self.critical(function, range.as_ref()),
            StmtKind::Table(t) => self.table(t),
            StmtKind::Descent(d) => self.descent(d, stmt.span),
            StmtKind::Plot(p) => self.plot(p),
        }
    }
}

/// The lengths of the data a function uses (empty without data), when it
/// reduces them to one number per point; else an error saying it cannot
/// be `verb` ("minimized", "plotted") and how to reduce it.
pub fn reduced(body: Expr, name: &str, params: &[&str], verb: &str) -> Result<Vec<usize>> {
    let rows = row_counts(body);
    if rows.is_empty() {
        return Ok(rows);
    }
    match data_len(body) {
        Ok(None) => Ok(rows),
        Ok(Some(n)) => Err(Error::new(
            ErrorKind::Name,
            format!(
                "{name} has a value for each of the {n} rows of its data, not one number, so it cannot be {verb}"
            ),
        )
        .with_hint(format!(
            "reduce it to a number: wrap the body in mean(...) or sum(...), as in {name}({}) = mean({})",
            params.join(", "),
            to_text(body)
        ))),
        Err(m) => Err(mismatch_error(&[body], m)),
    }
}

/// Whether `outcome` is a run cut short by Ctrl-C (its report says so).
pub fn is_interrupted_run(outcome: &Outcome) -> bool {
    match outcome {
        Outcome::Descent(d) => d.run.status == crate::descent::Status::Interrupted,
        Outcome::Compare(c) => c
            .runs
            .iter()
            .any(|r| r.run.status == crate::descent::Status::Interrupted),
        _ => false,
    }
}
