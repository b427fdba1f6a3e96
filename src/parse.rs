//! Source text to syntax tree: the only module that knows pest.
//!
//! Three steps. The pre-pass (`prepass`) blanks comments, joins continued
//! lines and checks brackets, keeping byte offsets. pest reads the result
//! with `grammar/gd.pest`; its failures are put into words by `explain`.
//! Then one small function per rule lowers the pairs into `syntax` types,
//! with one static Pratt parser for precedence. Invariant: every tree this
//! module returns is nested at most `MAX_EXPR_DEPTH` deep, counting a chain
//! of one left-associative operator (`a + b - c + ...`, `a b / c ...`) as
//! one level, however long; nothing here recurses deeper than the bracket
//! nesting (at most 200) or that limit, and the Pratt parser walks such a
//! chain in a loop, so no input can overflow the stack.

mod explain;
pub mod lexer;
mod prepass;
#[cfg(test)]
mod tests;
mod unicode;

use std::cell::RefCell;
use std::collections::VecDeque;

use pest::Parser;
use pest::iterators::{Pair, Pairs};
use pest::pratt_parser::{Assoc, ConstPrattParser, Op, pratt_precedence};

use crate::error::{Error, Result};
use crate::syntax::{
    BinOp, Column, Descent, Expr, ExprKind, Ident, Method, MethodArg, Methods, Plot, Program,
    Sense, Span, Stmt, StmtKind, StringLit, Table,
};

/// The words that can never be names.
pub const KEYWORDS: &[&str] = &[
    "minimize", "maximize", "from", "lr", "steps", "tol", "using", "every", "batch", "seed",
    "plot", "to", "check", "explain", "critical", "table", "for", "in", "state",
];

/// Deepest nesting accepted (a leaf has depth 1; a chain of one
/// left-associative operator is one level, as a flat sum or product).
/// Later passes recurse over nesting and walk chains in loops, so this
/// bounds their stack use too.
pub const MAX_EXPR_DEPTH: usize = 2000;

/// Stack the parser needs at most: the Pratt parser recurses once per
/// level of a `^` chain or of prefix signs (up to `MAX_EXPR_DEPTH`), and an
/// unoptimised build spends about 2 KB a level, 4 MB in all.
const PARSE_STACK_NEEDED: usize = 4 << 20;

/// The stack the parser moves to when its caller has less than
/// `PARSE_STACK_NEEDED` left (a spawned thread's 2 MB): twice the need. It
/// is mapped on this thread, as a new thread's own heap would count
/// against an address-space limit too.
const PARSE_STACK_BYTES: usize = 2 * PARSE_STACK_NEEDED;

/// Parses a whole source (a script, a `-e` argument, one REPL entry).
/// Spans are byte offsets into `src`, on its character boundaries, also
/// where `unicode` rewrote what was typed (`（`, `x²`).
pub fn parse_program(src: &str) -> Result<Program> {
    stacker::maybe_grow(PARSE_STACK_NEEDED, PARSE_STACK_BYTES, || {
        parse_on_this_stack(src)
    })
}

fn parse_on_this_stack(src: &str) -> Result<Program> {
    let source = unicode::normalize(src);
    unicode::while_lowering(&source, || parse_normalized(&source)).map_err(|mut error| {
        // A span computed from a name's length in the rewritten text may
        // end inside a character of the source.
        error.span = error
            .span
            .map(|span| unicode::on_char_boundaries(src, span));
        error
    })
}

fn parse_normalized(source: &unicode::Normalized) -> Result<Program> {
    let prepared = prepass::prepare(source);
    match prepared.failure {
        None => parse_clean(source, &prepared.clean),
        Some(failure) => {
            // The statements before the failing one may hold an earlier error.
            parse_clean(source, &prepared.clean[..failure.stmt_start])?;
            Err(failure.error)
        }
    }
}

/// Warnings about `src` that do not stop it from running: a line that
/// begins with `+` or `-` after a definition (LANGUAGE.md section 2).
pub fn warnings(src: &str) -> Vec<Error> {
    let source = unicode::normalize(src);
    // Most sources have no such line: spare them a second pre-pass (and
    // its token buffer, which counts against a memory limit).
    let signed_line = source
        .text
        .lines()
        .any(|line| line.trim_start().starts_with(['+', '-']));
    if !signed_line {
        return Vec::new();
    }
    prepass::prepare(&source).warnings
}

/// True when the REPL should ask for more: a bracket is still open, or the
/// last line (comments aside) ends in a binary operator or `=`. False for
/// complete input and for input that can only be an error (a stray `)`).
pub fn is_incomplete(src: &str) -> bool {
    let prepared = prepass::prepare(&unicode::normalize(src));
    match prepared.failure {
        Some(failure) => failure.unclosed,
        None => prepared.continues,
    }
}

#[derive(pest_derive::Parser)]
#[grammar = "grammar/gd.pest"]
struct GdParser;

/// Precedence, lowest first (LANGUAGE.md section 3). Unary signs bind less
/// tightly than `^`, so `-x^2` is `-(x^2)`. `binding` below must agree.
static PRATT: ConstPrattParser<Rule, 10> = ConstPrattParser::new_const(pratt_precedence![
    Op::infix(Rule::add, Assoc::Left) | Op::infix(Rule::sub, Assoc::Left),
    Op::infix(Rule::mul, Assoc::Left)
        | Op::infix(Rule::div, Assoc::Left)
        | Op::infix(Rule::implicit, Assoc::Left),
    Op::prefix(Rule::neg) | Op::prefix(Rule::pos),
    Op::infix(Rule::pow, Assoc::Right),
    Op::postfix(Rule::args) | Op::postfix(Rule::primes),
]);

/// The level of a prefix operator in `binding`'s scale.
const PREFIX_LEVEL: u8 = 3;

/// An operator's level (1 lowest) and whether it is right-associative, as
/// registered in `PRATT`.
fn binding(rule: Rule) -> (u8, bool) {
    match rule {
        Rule::add | Rule::sub => (1, false),
        Rule::mul | Rule::div | Rule::implicit => (2, false),
        Rule::pow => (4, true),
        _ => (PREFIX_LEVEL, false),
    }
}

/// Parses and lowers the pre-pass output. Errors come in text order: when
/// pest fails in a statement, the statements before it are lowered first,
/// as one of them may hold an earlier error.
fn parse_clean(source: &unicode::Normalized, clean: &str) -> Result<Program> {
    match GdParser::parse(Rule::program, clean) {
        Ok(pairs) => lower_pairs(pairs),
        Err(pest_error) => {
            let (error, stmt_start) = explain::from_pest(source, clean, &pest_error);
            if let Ok(pairs) = GdParser::parse(Rule::program, &clean[..stmt_start]) {
                lower_pairs(pairs)?;
            }
            Err(error)
        }
    }
}

fn lower_pairs(mut pairs: Pairs<Rule>) -> Result<Program> {
    match pairs.next() {
        Some(program) => lower_program(program),
        None => Err(Error::internal("the parser returned no program")),
    }
}

// ------------------------------------------------------------- statements

/// Where `pair` is in the source as typed (pest reads the rewritten text).
fn span_of(pair: &Pair<Rule>) -> Span {
    let span = pair.as_span();
    unicode::original_span(span.start(), span.end())
}

/// An unexpected pair: the grammar and this module disagree.
fn internal(pair: &Pair<Rule>) -> Error {
    Error::internal(format!("unexpected {:?} while parsing", pair.as_rule())).at(span_of(pair))
}

/// The next pair of a rule whose shape the grammar fixes.
fn next<'i>(pairs: &mut Pairs<'i, Rule>, parent: Span) -> Result<Pair<'i, Rule>> {
    pairs
        .next()
        .ok_or_else(|| Error::internal("a pair is missing while parsing").at(parent))
}

fn lower_program(pair: Pair<Rule>) -> Result<Program> {
    let mut stmts = Vec::new();
    for stmt in pair.into_inner() {
        if stmt.as_rule() != Rule::EOI {
            stmts.push(lower_statement(stmt)?);
        }
    }
    Ok(Program { stmts })
}

fn lower_statement(pair: Pair<Rule>) -> Result<Stmt> {
    let span = span_of(&pair);
    let kind = match pair.as_rule() {
        Rule::simple_stmt => lower_simple(pair),
        Rule::check_stmt => lower_check(pair),
        Rule::explain_stmt => lower_explain(pair),
        Rule::critical_stmt => lower_critical(pair),
        Rule::table_stmt => lower_table(pair).map(|t| StmtKind::Table(Box::new(t))),
        Rule::descent_stmt => lower_descent(pair).map(|d| StmtKind::Descent(Box::new(d))),
        Rule::plot_stmt => lower_plot(pair).map(|p| StmtKind::Plot(Box::new(p))),
        _ => Err(internal(&pair)),
    };
    // "nested too deeply" carries no span of its own: it points at the statement.
    kind.map(|kind| Stmt { kind, span })
        .map_err(|error| error.at(span))
}

/// `EXPR`, `a = EXPR` or `f(x, y) = EXPR`.
fn lower_simple(pair: Pair<Rule>) -> Result<StmtKind> {
    let span = span_of(&pair);
    let mut inner = pair.into_inner();
    let head = lower_expr(next(&mut inner, span)?)?.expr;
    match inner.next() {
        None => Ok(StmtKind::Expr(head)),
        Some(_assign) => {
            let value = lower_expr(next(&mut inner, span)?)?.expr;
            lower_definition(head, value)
        }
    }
}

/// The left side of `=` decides: a name defines a value, `f(x, y)` a function.
fn lower_definition(head: Expr, value: Expr) -> Result<StmtKind> {
    match &head.kind {
        ExprKind::Name(name) => Ok(StmtKind::DefineValue {
            name: Ident {
                name: name.clone(),
                span: head.span,
            },
            value,
        }),
        ExprKind::Call { callee, args } => match &callee.kind {
            ExprKind::Name(name) => Ok(StmtKind::DefineFunction {
                params: lower_params(name, args, head.span)?,
                name: Ident {
                    name: name.clone(),
                    span: callee.span,
                },
                body: value,
            }),
            _ => Err(bad_definition_head(callee.span)),
        },
        // `def f(x) = ...`, as in Python.
        ExprKind::Binary {
            left,
            implicit: true,
            ..
        } if matches!(&left.kind, ExprKind::Name(n) if n == "def") => {
            Err(Error::syntax("gd needs no def", left.span)
                .with_hint("write f(x) = ... to define a function"))
        }
        _ => Err(bad_definition_head(head.span)),
    }
}

fn bad_definition_head(span: Span) -> Error {
    Error::syntax(
        "the left side of '=' must be a name or a function head like f(x, y)",
        span,
    )
    .with_hint("write a = 1 to define a value, f(x) = x^2 to define a function")
}

/// The parameters of `f(x, y) = ...`: plain, distinct names.
fn lower_params(function: &str, args: &[Expr], head: Span) -> Result<Vec<Ident>> {
    if args.is_empty() {
        return Err(
            Error::syntax(format!("'{function}' needs at least one parameter"), head)
                .with_hint(format!("write {function} = ... to define a value")),
        );
    }
    let mut params: Vec<Ident> = Vec::with_capacity(args.len());
    for arg in args {
        let ExprKind::Name(name) = &arg.kind else {
            return Err(Error::syntax("a parameter must be a plain name", arg.span)
                .with_hint(format!("for example: {function}(x, y) = x^2 + y^2")));
        };
        if params.iter().any(|p| &p.name == name) {
            return Err(Error::syntax(
                format!("parameter '{name}' appears twice"),
                arg.span,
            ));
        }
        params.push(Ident {
            name: name.clone(),
            span: arg.span,
        });
    }
    Ok(params)
}

/// `check A == B`
fn lower_check(pair: Pair<Rule>) -> Result<StmtKind> {
    let span = span_of(&pair);
    let mut inner = pair.into_inner();
    let _check = next(&mut inner, span)?;
    let left = lower_expr(next(&mut inner, span)?)?.expr;
    let _equals = next(&mut inner, span)?;
    let right = lower_expr(next(&mut inner, span)?)?.expr;
    let tol = match inner.next() {
        Some(clause) => {
            let clause_span = span_of(&clause);
            let mut parts = clause.into_inner();
            let _tol = next(&mut parts, clause_span)?;
            Some(lower_expr(next(&mut parts, clause_span)?)?.expr)
        }
        None => None,
    };
    Ok(StmtKind::Check { left, right, tol })
}

/// `explain EXPR`
fn lower_explain(pair: Pair<Rule>) -> Result<StmtKind> {
    let span = span_of(&pair);
    let mut inner = pair.into_inner();
    let _explain = next(&mut inner, span)?;
    Ok(StmtKind::Explain(lower_expr(next(&mut inner, span)?)?.expr))
}

/// `critical NAME [from A to B]`
fn lower_critical(pair: Pair<Rule>) -> Result<StmtKind> {
    let span = span_of(&pair);
    let mut inner = pair.into_inner();
    let _critical = next(&mut inner, span)?;
    let function = lower_ident(next(&mut inner, span)?);
    let range = match inner.next() {
        Some(range) => {
            let range_span = span_of(&range);
            let mut parts = range.into_inner();
            let _from = next(&mut parts, range_span)?;
            let start = lower_expr(next(&mut parts, range_span)?)?.expr;
            let _to = next(&mut parts, range_span)?;
            let end = lower_expr(next(&mut parts, range_span)?)?.expr;
            Some((start, end))
        }
        None => None,
    };
    Ok(StmtKind::Critical { function, range })
}

/// `table EXPR, ... for x in LIST`; each column keeps its text, as typed
/// (spaces and line breaks between tokens made one space), for its header.
fn lower_table(pair: Pair<Rule>) -> Result<Table> {
    let span = span_of(&pair);
    let mut columns = Vec::new();
    let mut inner = pair.into_inner();
    let _table = next(&mut inner, span)?;
    let mut part = next(&mut inner, span)?;
    while part.as_rule() == Rule::expr {
        let text = unicode::typed_text(part.as_str(), span_of(&part))
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        columns.push(Column {
            expr: lower_expr(part)?.expr,
            text,
        });
        part = next(&mut inner, span)?;
    }
    let var = lower_ident(next(&mut inner, span)?);
    let _in = next(&mut inner, span)?;
    let values = lower_expr(next(&mut inner, span)?)?.expr;
    Ok(Table {
        columns,
        var,
        values,
    })
}

fn lower_ident(pair: Pair<Rule>) -> Ident {
    Ident {
        name: pair.as_str().to_string(),
        span: span_of(&pair),
    }
}

fn lower_string(pair: Pair<Rule>) -> StringLit {
    let span = span_of(&pair);
    let text = pair.as_str();
    StringLit {
        value: text[1..text.len() - 1].to_string(),
        span,
    }
}

// ----------------------------------------------------------------- descent

/// The clauses of a descent as they are read, before `from` is required.
#[derive(Default)]
struct Clauses {
    from: Option<Expr>,
    lr: Option<Expr>,
    steps: Option<Expr>,
    tol: Option<Expr>,
    every: Option<Expr>,
    batch: Option<Expr>,
    seed: Option<Expr>,
    using: Option<Methods>,
    plot: Option<Option<StringLit>>,
    state: Option<()>,
}

/// `minimize NAME clause*` / `maximize NAME clause*`
fn lower_descent(pair: Pair<Rule>) -> Result<Descent> {
    let span = span_of(&pair);
    let mut inner = pair.into_inner();
    let sense_pair = next(&mut inner, span)?;
    let sense = match sense_pair.as_rule() {
        Rule::maximize => Sense::Maximize,
        _ => Sense::Minimize,
    };
    let function = lower_ident(next(&mut inner, span)?);
    let mut clauses = Clauses::default();
    for clause in inner {
        lower_descent_clause(clause, &mut clauses)?;
    }
    let Some(from) = clauses.from else {
        let keyword = sense_pair.as_str();
        return Err(Error::syntax(
            format!("'{keyword}' needs a starting point"),
            span_of(&sense_pair),
        )
        .with_hint(format!(
            "add 'from', for example: {keyword} {} from 0",
            function.name
        )));
    };
    Ok(Descent {
        sense,
        function,
        from,
        lr: clauses.lr,
        steps: clauses.steps,
        tol: clauses.tol,
        every: clauses.every,
        batch: clauses.batch,
        seed: clauses.seed,
        using: clauses.using,
        plot: clauses.plot,
        state: clauses.state.is_some(),
    })
}

fn lower_descent_clause(pair: Pair<Rule>, clauses: &mut Clauses) -> Result<()> {
    let span = span_of(&pair);
    let rule = pair.as_rule();
    let mut inner = pair.into_inner();
    let keyword = next(&mut inner, span)?;
    let slot = match rule {
        Rule::using_clause => {
            let methods = lower_methods(next(&mut inner, span)?)?;
            return set_once(&mut clauses.using, methods, &keyword);
        }
        Rule::plot_clause => {
            let file = inner.nth(1).map(lower_string);
            return set_once(&mut clauses.plot, file, &keyword);
        }
        Rule::state_clause => return set_once(&mut clauses.state, (), &keyword),
        Rule::from_clause => &mut clauses.from,
        Rule::lr_clause => &mut clauses.lr,
        Rule::steps_clause => &mut clauses.steps,
        Rule::tol_clause => &mut clauses.tol,
        Rule::every_clause => &mut clauses.every,
        Rule::batch_clause => &mut clauses.batch,
        Rule::seed_clause => &mut clauses.seed,
        _ => return Err(internal(&keyword)),
    };
    let value = lower_clause_value(next(&mut inner, span)?, false)?;
    set_once(slot, value, &keyword)
}

/// Fills a clause's slot, which must still be empty.
fn set_once<T>(slot: &mut Option<T>, value: T, keyword: &Pair<Rule>) -> Result<()> {
    if slot.is_some() {
        return Err(Error::syntax(
            format!("'{}' is given twice", keyword.as_str()),
            span_of(keyword),
        )
        .with_hint("each clause may appear once"));
    }
    *slot = Some(value);
    Ok(())
}

/// The value of a clause. `from 0 rate 0.1` would read `0 rate` as a
/// product; a word after a space at the end of a clause value is taken for
/// a misspelt clause instead.
fn lower_clause_value(pair: Pair<Rule>, in_plot: bool) -> Result<Expr> {
    let expr = lower_expr(pair)?.expr;
    let mut tail = &expr;
    loop {
        match &tail.kind {
            ExprKind::Binary {
                left,
                right,
                implicit,
                ..
            } => {
                if *implicit
                    && left.span.end < right.span.start
                    && let Some(word) = leading_word(right)
                {
                    return Err(explain::unknown_clause(word, right.span, in_plot));
                }
                tail = right;
            }
            _ => return Ok(expr),
        }
    }
}

/// The name `e` is, or calls: `rate` in `rate` and `momentum` in
/// `momentum(0.9)`.
fn leading_word(e: &Expr) -> Option<&str> {
    match &e.kind {
        ExprKind::Name(name) => Some(name),
        ExprKind::Call { callee, .. } => match &callee.kind {
            ExprKind::Name(name) => Some(name),
            _ => None,
        },
        _ => None,
    }
}

/// `using adam` or `using [gd, adam]`
fn lower_methods(pair: Pair<Rule>) -> Result<Methods> {
    let span = span_of(&pair);
    match pair.as_rule() {
        Rule::method => Ok(Methods {
            list: vec![lower_method(pair)?],
            is_list: false,
            span,
        }),
        Rule::method_list => Ok(Methods {
            list: pair.into_inner().map(lower_method).collect::<Result<_>>()?,
            is_list: true,
            span,
        }),
        _ => Err(internal(&pair)),
    }
}

/// `adam`, `momentum(0.9)`, `adam(beta1=0.8, beta2=0.99)`
fn lower_method(pair: Pair<Rule>) -> Result<Method> {
    let span = span_of(&pair);
    let mut inner = pair.into_inner();
    let name = lower_ident(next(&mut inner, span)?);
    let args = match inner.next() {
        Some(args) => args
            .into_inner()
            .map(lower_method_arg)
            .collect::<Result<_>>()?,
        None => Vec::new(),
    };
    Ok(Method { name, args, span })
}

/// `0.9` or `beta1 = 0.8`
fn lower_method_arg(pair: Pair<Rule>) -> Result<MethodArg> {
    let span = span_of(&pair);
    let mut inner = pair.into_inner();
    let first = next(&mut inner, span)?;
    let (name, value) = match first.as_rule() {
        Rule::name => {
            let _assign = next(&mut inner, span)?;
            (Some(lower_ident(first)), next(&mut inner, span)?)
        }
        _ => (None, first),
    };
    Ok(MethodArg {
        name,
        value: lower_expr(value)?.expr,
        span,
    })
}

// -------------------------------------------------------------------- plot

/// `plot EXPR, ... [from A to B] [to "file.svg"]`
fn lower_plot(pair: Pair<Rule>) -> Result<Plot> {
    let span = span_of(&pair);
    let mut inner = pair.into_inner();
    let _plot = next(&mut inner, span)?;
    let mut items = Vec::new();
    let mut range = None;
    let mut file = None;
    for clause in inner {
        if clause.as_rule() == Rule::expr {
            items.push(lower_expr(clause)?.expr);
            continue;
        }
        let clause_span = span_of(&clause);
        let rule = clause.as_rule();
        let mut parts = clause.into_inner();
        let keyword = next(&mut parts, clause_span)?;
        match rule {
            Rule::plot_range => {
                let start = lower_clause_value(next(&mut parts, clause_span)?, true)?;
                let _to = next(&mut parts, clause_span)?;
                let end = lower_clause_value(next(&mut parts, clause_span)?, true)?;
                set_once(&mut range, (start, end), &keyword)?;
            }
            Rule::plot_file => {
                let string = lower_string(next(&mut parts, clause_span)?);
                set_once(&mut file, string, &keyword)?;
            }
            _ => return Err(internal(&keyword)),
        }
    }
    Ok(Plot { items, range, file })
}

// ------------------------------------------------------------- expressions

/// An expression with its nesting depth (a leaf has depth 1).
struct Node {
    expr: Expr,
    depth: usize,
    /// The level (`binding`) of the chain of a left-associative operator
    /// at its root, when there is one: the chain is one level of nesting.
    chain: Option<u8>,
}

impl Node {
    fn leaf(kind: ExprKind, span: Span) -> Node {
        Node {
            expr: Expr::new(kind, span),
            depth: 1,
            chain: None,
        }
    }

    /// A node that is not an infix operator, of nesting depth `depth`.
    fn wrap(expr: Expr, depth: usize) -> Node {
        Node {
            expr,
            depth,
            chain: None,
        }
    }
}

/// The depth and chain of `left op right`, where `op` binds at `level`: a
/// left-associative operator continuing a chain of its own level adds a
/// term to it (one level above the deepest term), any other starts a
/// new level.
fn infix_depth(
    (left, left_chain): (usize, Option<u8>),
    right: usize,
    (level, right_assoc): (u8, bool),
) -> (usize, Option<u8>) {
    if right_assoc {
        return (left.max(right) + 1, None);
    }
    if left_chain == Some(level) {
        return (left.max(right + 1), Some(level));
    }
    (left.max(right) + 1, Some(level))
}

/// A part of an expression lowered before the Pratt parser runs: a bracket
/// group, or the arguments of a call with their greatest depth.
enum Ready {
    Node(Node),
    Args(Vec<Expr>, usize),
}

impl Ready {
    fn depth(&self) -> usize {
        match self {
            Ready::Node(node) => node.depth,
            Ready::Args(_, depth) => *depth,
        }
    }
}

fn too_deep() -> Error {
    // No span: `lower_statement` points it at the statement.
    Error::new(
        crate::error::ErrorKind::Syntax,
        "expression is nested too deeply",
    )
    .with_hint(format!(
        "gd accepts expressions up to {MAX_EXPR_DEPTH} levels deep; split it with definitions"
    ))
}

/// An expression: the bracket groups inside are lowered first, then the
/// depth of the whole tree is computed without recursion and checked, and
/// only then does the Pratt parser (which recurses once per level of a
/// `^` chain or of prefix signs) build the tree.
fn lower_expr(pair: Pair<Rule>) -> Result<Node> {
    let items: Vec<Pair<Rule>> = pair.into_inner().collect();
    let mut ready = VecDeque::new();
    for item in &items {
        match item.as_rule() {
            Rule::paren => ready.push_back(Ready::Node(lower_paren(item.clone())?)),
            Rule::list => ready.push_back(Ready::Node(lower_list(item.clone())?)),
            Rule::args => {
                let (args, depth) = lower_elements(item.clone())?;
                ready.push_back(Ready::Args(args, depth));
            }
            _ => {}
        }
    }
    let depth = tree_depth(&items, &ready);
    if depth > MAX_EXPR_DEPTH {
        return Err(too_deep());
    }
    let ready = RefCell::new(ready);
    let node = PRATT
        .map_primary(|primary| lower_primary(primary, &ready))
        .map_prefix(|op, operand| lower_prefix(op, operand?))
        .map_postfix(|operand, op| lower_postfix(operand?, op, &ready))
        .map_infix(|left, op, right| lower_infix(left?, op, right?))
        .parse(items.into_iter())?;
    debug_assert_eq!(node.depth, depth, "tree_depth disagrees with PRATT");
    Ok(node)
}

/// The depth of the tree the Pratt parser will build from `items`, by the
/// shunting-yard algorithm with an explicit stack (no recursion).
fn tree_depth(items: &[Pair<Rule>], ready: &VecDeque<Ready>) -> usize {
    /// A pending operator: its level, and whether it is an infix operator.
    type Pending = (u8, bool);
    /// An operand: its depth and chain, as in `Node`.
    type Operand = (usize, Option<u8>);
    fn reduce(operands: &mut Vec<Operand>, (level, infix): Pending) {
        let (right, _) = operands.pop().unwrap_or((0, None));
        let operand = if infix {
            let left = operands.pop().unwrap_or((0, None));
            let right_assoc = binding_of_level(level);
            infix_depth(left, right, (level, right_assoc))
        } else {
            (right + 1, None)
        };
        operands.push(operand);
    }
    let mut ready_depths = ready.iter().map(Ready::depth);
    let mut operands: Vec<Operand> = Vec::new();
    let mut pending: Vec<Pending> = Vec::new();
    for item in items {
        match item.as_rule() {
            Rule::neg | Rule::pos => pending.push((PREFIX_LEVEL, false)),
            Rule::paren | Rule::list => operands.push((ready_depths.next().unwrap_or(1), None)),
            Rule::args => {
                let args = ready_depths.next().unwrap_or(0);
                let (callee, _) = operands.pop().unwrap_or((0, None));
                operands.push((callee.max(args) + 1, None));
            }
            Rule::primes => {
                let (target, _) = operands.pop().unwrap_or((0, None));
                operands.push((target + 1, None));
            }
            Rule::add | Rule::sub | Rule::mul | Rule::div | Rule::pow | Rule::implicit => {
                let (level, right_assoc) = binding(item.as_rule());
                while let Some(&(top, infix)) = pending.last() {
                    if top > level || (top == level && !right_assoc) {
                        reduce(&mut operands, (top, infix));
                        pending.pop();
                    } else {
                        break;
                    }
                }
                pending.push((level, true));
            }
            _ => operands.push((1, None)),
        }
    }
    while let Some(op) = pending.pop() {
        reduce(&mut operands, op);
    }
    operands.pop().map_or(0, |(depth, _)| depth)
}

/// Whether the infix operators of `level` are right-associative (`^`).
fn binding_of_level(level: u8) -> bool {
    binding(Rule::pow) == (level, true)
}

/// A name, number, string, or a bracket group lowered beforehand.
fn lower_primary(pair: Pair<Rule>, ready: &RefCell<VecDeque<Ready>>) -> Result<Node> {
    let span = span_of(&pair);
    match pair.as_rule() {
        Rule::name => Ok(Node::leaf(ExprKind::Name(pair.as_str().to_string()), span)),
        Rule::number => Ok(Node::leaf(
            ExprKind::Number(pair.as_str().to_string()),
            span,
        )),
        Rule::string => Ok(Node::leaf(ExprKind::String(lower_string(pair).value), span)),
        Rule::paren | Rule::list => match ready.borrow_mut().pop_front() {
            Some(Ready::Node(node)) => Ok(node),
            _ => Err(internal(&pair)),
        },
        _ => Err(internal(&pair)),
    }
}

/// `-x`, `+x`
fn lower_prefix(op: Pair<Rule>, operand: Node) -> Result<Node> {
    let span = span_of(&op).to(operand.expr.span);
    let inner = Box::new(operand.expr);
    let kind = match op.as_rule() {
        Rule::neg => ExprKind::Neg(inner),
        Rule::pos => ExprKind::Pos(inner),
        _ => return Err(internal(&op)),
    };
    Ok(Node::wrap(Expr::new(kind, span), operand.depth + 1))
}

/// `f(a, b)` and `f'`
fn lower_postfix(operand: Node, op: Pair<Rule>, ready: &RefCell<VecDeque<Ready>>) -> Result<Node> {
    let span = operand.expr.span.to(span_of(&op));
    let callee = Box::new(operand.expr);
    match op.as_rule() {
        Rule::args => match ready.borrow_mut().pop_front() {
            Some(Ready::Args(args, depth)) => Ok(Node::wrap(
                Expr::new(ExprKind::Call { callee, args }, span),
                operand.depth.max(depth) + 1,
            )),
            _ => Err(internal(&op)),
        },
        Rule::primes => {
            let order = u32::try_from(op.as_str().len()).unwrap_or(u32::MAX);
            Ok(Node::wrap(
                Expr::new(
                    ExprKind::Prime {
                        target: callee,
                        order,
                    },
                    span,
                ),
                operand.depth + 1,
            ))
        }
        _ => Err(internal(&op)),
    }
}

/// `a + b`, ..., and the implicit product `2x`.
fn lower_infix(left: Node, op: Pair<Rule>, right: Node) -> Result<Node> {
    let (op_kind, implicit) = match op.as_rule() {
        Rule::add => (BinOp::Add, false),
        Rule::sub => (BinOp::Sub, false),
        Rule::mul => (BinOp::Mul, false),
        Rule::div => (BinOp::Div, false),
        Rule::pow => (BinOp::Pow, false),
        Rule::implicit => (BinOp::Mul, true),
        _ => return Err(internal(&op)),
    };
    if implicit && !juxtaposable(&left.expr) {
        return Err(missing_operator(&left.expr, &right.expr));
    }
    let span = left.expr.span.to(right.expr.span);
    let (depth, chain) = infix_depth((left.depth, left.chain), right.depth, binding(op.as_rule()));
    Ok(Node {
        depth,
        chain,
        expr: Expr::new(
            ExprKind::Binary {
                op: op_kind,
                left: Box::new(left.expr),
                right: Box::new(right.expr),
                implicit,
            },
            span,
        ),
    })
}

/// Whether a name or `(` may follow `e` as a product (`2x`, `(a)b`,
/// `x^2 y`, `x y`, `w x + b`): not after a built-in function's name (`sin
/// x` means `sin(x)`), a string, a list or a prime (`f' x`). Whether a name
/// before `(` calls or multiplies is decided when lowering, which knows the
/// definitions.
fn juxtaposable(e: &Expr) -> bool {
    let mut tail = e;
    loop {
        match &tail.kind {
            ExprKind::Binary { right, .. } => tail = right,
            ExprKind::Neg(inner) | ExprKind::Pos(inner) => tail = inner,
            ExprKind::Number(_)
            | ExprKind::Paren(_)
            | ExprKind::Tuple(_)
            | ExprKind::Call { .. } => return true,
            ExprKind::Name(name) => return !crate::builtins::is_builtin_name(name),
            ExprKind::String(_) | ExprKind::Prime { .. } | ExprKind::List(_) => return false,
        }
    }
}

/// `x y`: the error, pointing at `y`, with `write x*y` when both are short.
fn missing_operator(left: &Expr, right: &Expr) -> Error {
    let mut last = left;
    while let ExprKind::Binary { right, .. } | ExprKind::Neg(right) | ExprKind::Pos(right) =
        &last.kind
    {
        last = right;
    }
    let mut first = right;
    while let ExprKind::Binary { left, .. }
    | ExprKind::Call { callee: left, .. }
    | ExprKind::Prime { target: left, .. } = &first.kind
    {
        first = left;
    }
    let left_text = short_text(last);
    let right_text = short_text(first);
    let start = first.span.start;
    let span = match &first.kind {
        ExprKind::Name(name) => Span::new(start, start + name.len()),
        _ => Span::new(start, start + 1),
    };
    match (left_text, right_text) {
        (Some(l), Some(r)) => {
            let hint = explain::pair_hint(&l, &r).unwrap_or_else(|| format!("write {l}*{r}"));
            Error::syntax(explain::pair_message(&l, &r), span).with_hint(hint)
        }
        (None, Some(r)) => Error::syntax(format!("missing operator before '{r}'"), span)
            .with_hint("write '*' for a product"),
        (_, None) => {
            Error::syntax("missing operator before '('", span).with_hint("write '*' for a product")
        }
    }
}

/// The text of a short leaf: a name, a number, `f'`.
fn short_text(e: &Expr) -> Option<String> {
    let text = match &e.kind {
        ExprKind::Name(name) | ExprKind::Number(name) => name.clone(),
        ExprKind::Prime { target, order } => match &target.kind {
            ExprKind::Name(name) if *order <= 3 => {
                format!("{name}{}", "'".repeat(*order as usize))
            }
            _ => return None,
        },
        _ => return None,
    };
    (text.chars().count() <= 24).then_some(text)
}

/// `(e)` or a tuple `(a, b, ...)`.
fn lower_paren(pair: Pair<Rule>) -> Result<Node> {
    let span = span_of(&pair);
    let (mut elements, depth) = lower_elements(pair)?;
    let kind = if elements.len() == 1 {
        match elements.pop() {
            Some(inner) => ExprKind::Paren(Box::new(inner)),
            None => return Err(Error::internal("an empty group").at(span)),
        }
    } else {
        ExprKind::Tuple(elements)
    };
    Ok(Node::wrap(Expr::new(kind, span), depth + 1))
}

/// `[a, b, ...]`
fn lower_list(pair: Pair<Rule>) -> Result<Node> {
    let span = span_of(&pair);
    let (elements, depth) = lower_elements(pair)?;
    Ok(Node::wrap(
        Expr::new(ExprKind::List(elements), span),
        depth + 1,
    ))
}

/// The expressions inside brackets, and the greatest of their depths.
fn lower_elements(pair: Pair<Rule>) -> Result<(Vec<Expr>, usize)> {
    let mut depth = 0;
    let mut elements = Vec::new();
    for element in pair.into_inner() {
        let node = lower_expr(element)?;
        depth = depth.max(node.depth);
        elements.push(node.expr);
    }
    Ok((elements, depth))
}
