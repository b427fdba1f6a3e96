//! The definitions store: the user's values and functions by name, in the
//! order first defined, and name resolution over them (late binding: a
//! function's body names other functions and values, looked up when it is
//! used). Lowering reads it; the session writes it.
//!
//! Invariant: a name is a value or a function, never both; resolving never
//! changes the store, and fails (rather than loops) on calls nested more
//! than `MAX_CALL_DEPTH` deep.

use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use crate::error::{Error, ErrorKind, Result};
use crate::symbolic::data::{any_data, data_len, mismatch_error};
use crate::symbolic::expr::{children, rebuild};
use crate::symbolic::rewrite::{applied_functions, check_budget, free_vars, substitute};
use crate::symbolic::{Expr, Node};
use crate::syntax::{Ident, Span};
use crate::value::{Body, FunctionValue, Value};

/// Calls nested deeper than this are refused (recursion is refused when a
/// function is defined; this bounds the depth of legal chains).
pub const MAX_CALL_DEPTH: usize = 200;

/// The name `ans` holds the last bare result under.
pub const ANS: &str = "ans";

/// A function as the user defined it: its body may name other functions
/// (`Apply`) and defined values (`Var`), looked up when it is used.
#[derive(Clone, Debug)]
pub struct UserFunction {
    pub params: Vec<Rc<str>>,
    pub body: Expr,
    /// The parts of the body as written that may be undefined somewhere
    /// (`lower::Written`): `check` calls a use of the function undefined
    /// where one of them is, though the body may have cancelled them.
    pub guards: Vec<Expr>,
}

/// How many calls `call_guards` follows before it stops looking: guards
/// are a refinement, and a wide web of calls must not cost more than the
/// check itself.
const MAX_GUARDED_CALLS: usize = 10_000;

/// What a name is defined as.
#[derive(Clone, Debug)]
pub enum Definition {
    Value(Value),
    Function(UserFunction),
}

/// Cloned for a scope that shadows a name (`table ... for x in ...`).
#[derive(Clone, Default)]
pub struct Defs {
    values: HashMap<String, Value>,
    functions: HashMap<String, UserFunction>,
    /// Every defined name, in the order first defined (for `:vars`); `ans`
    /// is not a definition and is not listed.
    order: Vec<String>,
}

impl Defs {
    pub fn value(&self, name: &str) -> Option<&Value> {
        self.values.get(name)
    }

    pub fn function(&self, name: &str) -> Option<&UserFunction> {
        self.functions.get(name)
    }

    /// All defined names, in definition order.
    pub fn names(&self) -> &[String] {
        &self.order
    }

    pub fn function_names(&self) -> Vec<String> {
        self.order
            .iter()
            .filter(|n| self.functions.contains_key(*n))
            .cloned()
            .collect()
    }

    /// Defines `name`, replacing what it was (a value or a function).
    pub fn define(&mut self, name: &str, definition: Definition) {
        self.set(name, definition);
        if !self.order.iter().any(|n| n == name) {
            self.order.push(name.to_string());
        }
    }

    /// `ans` holds the last bare result: looked up like a definition, but
    /// not listed as one.
    pub fn set_ans(&mut self, definition: Definition) {
        self.set(ANS, definition);
    }

    fn set(&mut self, name: &str, definition: Definition) {
        match definition {
            Definition::Value(v) => {
                self.functions.remove(name);
                self.values.insert(name.to_string(), v);
            }
            Definition::Function(f) => {
                self.values.remove(name);
                self.functions.insert(name.to_string(), f);
            }
        }
    }

    /// A user function as a value, its body resolved against the current
    /// definitions.
    pub fn function_value(
        &self,
        name: &str,
        f: &UserFunction,
        span: Span,
    ) -> Result<FunctionValue> {
        let body = Resolver::new(self, &f.params, Some(name))
            .resolve(f.body, 0)
            .map_err(|e| e.at(span))?;
        Ok(FunctionValue {
            name: name.to_string(),
            params: f.params.clone(),
            body: Body::Scalar(body),
        })
    }

    /// The function called `name` as a value, or the error that says what
    /// `name` is instead (with a did-you-mean).
    pub fn function_named(&self, name: &Ident) -> Result<FunctionValue> {
        match self.functions.get(&name.name) {
            Some(f) => self.function_value(&name.name, f, name.span),
            None => Err(self.not_a_function(name)),
        }
    }

    fn not_a_function(&self, name: &Ident) -> Error {
        let what = if self.values.contains_key(&name.name) {
            "is a value, not a function"
        } else {
            "is not a defined function"
        };
        let error = Error::name(format!("'{}' {what}", name.name), name.span);
        let names = self.function_names();
        match crate::suggest::closest(&name.name, names.iter().map(String::as_str)) {
            Some(c) => error.with_hint(format!("did you mean '{c}'?")),
            None => error,
        }
    }

    /// Replaces, in `e`, calls of user functions by their bodies and defined
    /// values by their values, recursively; `params` stay variables.
    pub fn resolve(&self, e: Expr, params: &[Rc<str>]) -> Result<Expr> {
        Resolver::new(self, params, None).resolve(e, 0)
    }

    /// The guards of the user-function calls `calls` (`Apply` nodes, as
    /// `lower::Written` keeps them): each function's own, with its
    /// arguments in place, and those of the functions its body and guards
    /// call, at any depth; resolved against the current definitions.
    pub fn call_guards(&self, calls: &[Expr], params: &[Rc<str>]) -> Result<Vec<Expr>> {
        let mut seen: HashSet<Expr> = HashSet::new();
        let mut pending: Vec<Expr> = calls.to_vec();
        let mut guards: Vec<Expr> = Vec::new();
        while let Some(e) = pending.pop() {
            for call in applied_calls(e) {
                if seen.len() >= MAX_GUARDED_CALLS || !seen.insert(call) {
                    continue;
                }
                let Node::Apply(name, args) = &*call.node() else {
                    continue;
                };
                let Some(f) = self.functions.get(&**name) else {
                    continue;
                };
                let map: HashMap<Rc<str>, Expr> =
                    f.params.iter().cloned().zip(args.iter().copied()).collect();
                pending.push(substitute(f.body, &map)?);
                for guard in &f.guards {
                    let guard = substitute(*guard, &map)?;
                    pending.push(guard);
                    guards.push(guard);
                }
            }
        }
        guards
            .into_iter()
            .map(|g| self.resolve(g, params))
            .collect()
    }

    /// `body` with the names of data vectors as data (for display: they
    /// print in their own place, `w*X`).
    pub fn with_data_shown(&self, body: Expr) -> Result<Expr> {
        if !any_data() {
            return Ok(body);
        }
        let map: HashMap<Rc<str>, Expr> = free_vars(body)
            .into_iter()
            .filter_map(|v| match self.values.get(&*v) {
                Some(Value::Scalar(e)) if e.as_data().is_some() => Some((v, *e)),
                _ => None,
            })
            .collect();
        substitute(body, &map)
    }

    /// Vectors of different lengths in a body are an error when it is
    /// defined (with the data defined now), not only when it is used.
    pub fn check_data_lengths(&self, body: Expr, params: &[Rc<str>], span: Span) -> Result<()> {
        if !any_data() {
            return Ok(());
        }
        let resolved = self.resolve(body, params).map_err(|e| e.at(span))?;
        match data_len(resolved) {
            Err(m) => Err(mismatch_error(&[resolved], m).at(span)),
            Ok(_) => Ok(()),
        }
    }

    /// A definition that would make a function call itself, directly or
    /// through others, is refused.
    pub fn check_no_cycle(&self, name: &str, body: Expr, span: Span) -> Result<()> {
        let mut path = vec![name.to_string()];
        let mut seen = HashSet::new();
        if let Some(cycle) = self.find_path(body, name, &mut path, &mut seen) {
            return Err(Error::name(
                format!(
                    "{name} would call itself ({}): recursion is not allowed",
                    cycle.join(" -> ")
                ),
                span,
            ));
        }
        Ok(())
    }

    fn find_path(
        &self,
        body: Expr,
        target: &str,
        path: &mut Vec<String>,
        seen: &mut HashSet<String>,
    ) -> Option<Vec<String>> {
        for callee in applied_functions(body) {
            path.push(callee.to_string());
            if &*callee == target {
                return Some(path.clone());
            }
            if seen.insert(callee.to_string())
                && let Some(f) = self.functions.get(&*callee)
                && let Some(found) = self.find_path(f.body, target, path, seen)
            {
                return Some(found);
            }
            path.pop();
        }
        None
    }
}

/// One resolution: the parameters that stay variables, the function whose
/// body it is (for messages), and a memo of what is done.
/// The `Apply` nodes in `e`, each once.
fn applied_calls(e: Expr) -> Vec<Expr> {
    let mut calls = Vec::new();
    let mut seen = HashSet::new();
    let mut stack = vec![e];
    while let Some(e) = stack.pop() {
        if !seen.insert(e) {
            continue;
        }
        let node = e.node();
        if matches!(&*node, Node::Apply(..)) {
            calls.push(e);
        }
        stack.extend(children(&node));
    }
    calls
}

struct Resolver<'a> {
    defs: &'a Defs,
    params: &'a [Rc<str>],
    owner: Option<&'a str>,
    memo: HashMap<Expr, Expr>,
}

impl<'a> Resolver<'a> {
    fn new(defs: &'a Defs, params: &'a [Rc<str>], owner: Option<&'a str>) -> Resolver<'a> {
        Resolver {
            defs,
            params,
            owner,
            memo: HashMap::new(),
        }
    }

    fn resolve(&mut self, e: Expr, depth: usize) -> Result<Expr> {
        if depth > MAX_CALL_DEPTH {
            return Err(Error::value(format!(
                "functions call each other more than {MAX_CALL_DEPTH} deep"
            )));
        }
        if let Some(&done) = self.memo.get(&e) {
            return Ok(done);
        }
        check_budget()?;
        let node = e.node();
        let out = match &*node {
            Node::Var(name) if !self.params.contains(name) => self.value_of(name, e)?,
            Node::Apply(name, args) => self.call(name, args, depth)?,
            _ => {
                let kids = children(&node);
                let new = kids
                    .iter()
                    .map(|k| self.resolve(*k, depth))
                    .collect::<Result<Vec<_>>>()?;
                if new == kids { e } else { rebuild(&node, new) }
            }
        };
        self.memo.insert(e, out);
        Ok(out)
    }

    /// A defined value in place of its name; a free variable stays.
    fn value_of(&self, name: &str, e: Expr) -> Result<Expr> {
        match self.defs.values.get(name) {
            Some(Value::Scalar(v)) => Ok(*v),
            // No span: the caller's (at least the statement's).
            Some(other) => Err(Error::new(
                ErrorKind::Name,
                format!(
                    "'{name}' is {} and cannot be used in a formula",
                    other.describe()
                ),
            )),
            None => Ok(e),
        }
    }

    /// A call of a user function: its body, resolved on its own, with the
    /// resolved arguments in place of its parameters.
    fn call(&mut self, name: &str, args: &[Expr], depth: usize) -> Result<Expr> {
        let Some(f) = self.defs.functions.get(name) else {
            return Err(Error::value(format!("'{name}' is no longer defined")));
        };
        // Late binding: `f` may have been redefined with another number
        // of parameters since the caller was defined.
        if args.len() != f.params.len() {
            return Err(arity_changed(self.owner, name, args.len(), &f.params));
        }
        let body = Resolver::new(self.defs, &f.params, Some(name)).resolve(f.body, depth + 1)?;
        let args = args
            .iter()
            .map(|a| self.resolve(*a, depth))
            .collect::<Result<Vec<_>>>()?;
        let map = f.params.iter().cloned().zip(args).collect();
        substitute(body, &map)
    }
}

/// A call whose callee was redefined with another number of parameters.
fn arity_changed(owner: Option<&str>, name: &str, given: usize, params: &[Rc<str>]) -> Error {
    let plural = |n: usize| if n == 1 { "argument" } else { "arguments" };
    let caller = owner.unwrap_or("this");
    let list: Vec<&str> = params.iter().map(|p| &**p).collect();
    Error::new(
        ErrorKind::Name,
        format!(
            "{caller} calls {name} with {given} {}, but {name} now takes {} ({})",
            plural(given),
            params.len(),
            list.join(", ")
        ),
    )
    .with_hint(format!(
        "{name} was redefined after {caller} was defined: redefine {caller} to call it with {} {}",
        params.len(),
        plural(params.len())
    ))
}
