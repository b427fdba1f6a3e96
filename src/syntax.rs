//! The syntax tree: what the user wrote, with the byte span of every node.
//!
//! Built by `parse`, consumed by `lower` (which turns it into values and
//! symbolic expressions) and `session` (which runs its statements). Invariant: this module knows nothing about pest and nothing
//! about meaning; a name here is only text, resolved later.

/// A byte range `start..end` in the source a statement came from.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Default)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }

    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }
}

/// A name as written, with where it was written.
#[derive(Clone, Debug, PartialEq)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Program {
    pub stmts: Vec<Stmt>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Stmt {
    pub kind: StmtKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum StmtKind {
    /// `f(x, y) = body`
    DefineFunction {
        name: Ident,
        params: Vec<Ident>,
        body: Expr,
    },
    /// `a = value`
    DefineValue { name: Ident, value: Expr },
    /// A bare expression, printed.
    Expr(Expr),
    /// `check left == right`
    Check {
        left: Expr,
        right: Expr,
        /// `tol T`: how far sampled values may differ, relative.
        tol: Option<Expr>,
    },
    /// `explain diff(EXPR, x)`, `explain f'`, `explain grad(f)`: the
    /// derivative to explain, as written.
    Explain(Expr),
    /// `critical NAME [from A to B]`
    Critical {
        function: Ident,
        range: Option<(Expr, Expr)>,
    },
    /// `table EXPR, ... for x in LIST`
    Table(Box<Table>),
    /// `minimize ...` / `maximize ...`
    Descent(Box<Descent>),
    /// `plot EXPR, ... [from A to B] [to "file"]`
    Plot(Box<Plot>),
}

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Sense {
    Minimize,
    Maximize,
}

/// A descent statement. Clauses may come in any order, each at most once.
#[derive(Clone, Debug, PartialEq)]
pub struct Descent {
    pub sense: Sense,
    pub function: Ident,
    /// A number, a tuple, or a list of those.
    pub from: Expr,
    pub lr: Option<Expr>,
    pub steps: Option<Expr>,
    pub tol: Option<Expr>,
    pub every: Option<Expr>,
    pub batch: Option<Expr>,
    pub seed: Option<Expr>,
    /// One method, or a list of them (`using [gd, adam]`).
    pub using: Option<Methods>,
    /// `plot` clause: `None` when absent; `Some(None)` draws in the terminal.
    pub plot: Option<Option<StringLit>>,
    /// `state`: the trace keeps the optimizer's state after each update.
    pub state: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Methods {
    pub list: Vec<Method>,
    /// True when written as a bracketed list, even of one method.
    pub is_list: bool,
    pub span: Span,
}

/// `adam`, `momentum(0.9)`, `adam(beta1=0.8, beta2=0.99)`.
#[derive(Clone, Debug, PartialEq)]
pub struct Method {
    pub name: Ident,
    pub args: Vec<MethodArg>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct MethodArg {
    pub name: Option<Ident>,
    pub value: Expr,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Plot {
    /// What is plotted: functions (`f`, `f'`) or expressions, as typed.
    pub items: Vec<Expr>,
    pub range: Option<(Expr, Expr)>,
    pub file: Option<StringLit>,
}

/// `table EXPR, ... for x in LIST`.
#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    pub columns: Vec<Column>,
    /// The name that takes each value in turn.
    pub var: Ident,
    /// A list of numbers or a data vector.
    pub values: Expr,
}

/// A column of a table: its expression, and its text as typed (the
/// header).
#[derive(Clone, Debug, PartialEq)]
pub struct Column {
    pub expr: Expr,
    pub text: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct StringLit {
    pub value: String,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Pow,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    /// A number literal, kept as written so the symbolic layer can read it
    /// exactly (`0.1` is one tenth, not the nearest double).
    Number(String),
    Name(String),
    String(String),
    /// Unary minus.
    Neg(Box<Expr>),
    /// Unary plus (kept so printing errors can point at it; means nothing).
    Pos(Box<Expr>),
    Binary {
        op: BinOp,
        left: Box<Expr>,
        right: Box<Expr>,
        /// True for juxtaposition (`2x`, `(x+1)(x-1)`).
        implicit: bool,
    },
    /// `callee(args)`. When `callee` is a name this is a call; otherwise the
    /// session decides: a call on a function value, a product otherwise.
    Call {
        callee: Box<Expr>,
        args: Vec<Expr>,
    },
    /// `f'` (order 1), `f''` (order 2), ...
    Prime {
        target: Box<Expr>,
        order: u32,
    },
    /// `(a, b, ...)`, two or more elements.
    Tuple(Vec<Expr>),
    /// `[a, b, ...]`, zero or more elements.
    List(Vec<Expr>),
    /// `(e)`: kept so that `(x+1)(x-1)` can be told from a call.
    Paren(Box<Expr>),
}

impl Expr {
    pub fn new(kind: ExprKind, span: Span) -> Expr {
        Expr { kind, span }
    }
}

impl Drop for Expr {
    /// Drops the tree without recursion: a sum of 100,000 terms is a
    /// chain 100,000 deep (the parser counts it as one level of nesting),
    /// and the derived drop would recurse once per term.
    fn drop(&mut self) {
        let mut stack = Vec::new();
        take_children(&mut self.kind, &mut stack);
        while let Some(mut kind) = stack.pop() {
            take_children(&mut kind, &mut stack);
        }
    }
}

/// Moves the kinds of `kind`'s children onto `stack`, leaving empty leaves
/// in their place (an empty `String` allocates nothing).
fn take_children(kind: &mut ExprKind, stack: &mut Vec<ExprKind>) {
    let mut take = |e: &mut Expr| {
        stack.push(std::mem::replace(
            &mut e.kind,
            ExprKind::Number(String::new()),
        ))
    };
    match kind {
        ExprKind::Number(_) | ExprKind::Name(_) | ExprKind::String(_) => {}
        ExprKind::Neg(inner) | ExprKind::Pos(inner) | ExprKind::Paren(inner) => take(inner),
        ExprKind::Prime { target, .. } => take(target),
        ExprKind::Binary { left, right, .. } => {
            take(left);
            take(right);
        }
        ExprKind::Call { callee, args } => {
            take(callee);
            args.iter_mut().for_each(take);
        }
        ExprKind::Tuple(items) | ExprKind::List(items) => items.iter_mut().for_each(take),
    }
}
