//! Hash-consed symbolic expressions and their smart constructors.
//!
//! An `Expr` is a `Copy` handle into a thread-local store of unique nodes, so
//! equal expressions are equal handles, shared subexpressions are stored
//! once (expressions are DAGs, never exponential trees), and memoizing a
//! pass over an expression is a hash map keyed by handles.
//!
//! Invariant: every node in the store is in canonical form. The
//! constructors (`add`, `mul`, `pow`, `call`) keep it: sums and products are
//! flat and sorted, like terms and like bases are collected, numbers are
//! folded exactly (see `num`), and `x^1`, `x^0`, `0*u`, `1*u`, `0 + u` never
//! appear. Two expressions that differ only by such rewriting are the same
//! handle. Nothing here knows about spans, printing or the user's session.

use rustc_hash::FxHashMap as HashMap;
use std::cell::RefCell;
use std::cmp::Ordering;
use std::rc::Rc;

use super::dataref::DataRef;
use super::num::Num;
pub use crate::builtins::Func;

/// A handle to a canonical expression node. Valid only on the thread that
/// made it (the store is thread-local) and while its store lives (see
/// `store`: a handle from a cleared store is refused, never read as another
/// node).
#[derive(Copy, Clone, PartialEq, Eq, Hash, Debug)]
pub struct Expr(u32);

#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Constant {
    Pi,
    E,
}

impl Constant {
    /// How gd writes it (and reads it back).
    pub fn name(self) -> &'static str {
        match self {
            Constant::Pi => "pi",
            Constant::E => "e",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Node {
    Num(Num),
    Const(Constant),
    Var(Rc<str>),
    /// A data vector: a constant with one value per row (see `data`).
    Data(DataRef),
    /// Two or more terms, sorted by `order`, no two alike, no zero.
    Add(Box<[Expr]>),
    /// Two or more factors, sorted by `order`, at most one number (first),
    /// no two with the same base, no one.
    Mul(Box<[Expr]>),
    Pow(Expr, Expr),
    Call(Func, Box<[Expr]>),
    /// A call of a user-defined function, resolved when the expression is
    /// used (so redefinitions take effect).
    Apply(Rc<str>, Box<[Expr]>),
}

#[derive(Default)]
struct Store {
    /// The first handle of this store. Clearing starts the next store's
    /// handles after the last one given out (wrapping), so an old handle
    /// falls outside `nodes` instead of naming a new node.
    base: u32,
    nodes: Vec<Rc<Node>>,
    /// The height of each node (a leaf is 1), beside `nodes`: the depth
    /// budget reads it, so that no pass recurses deeper than it allows.
    heights: Vec<u32>,
    ids: HashMap<Rc<Node>, Expr>,
    /// Nodes and children held (each node counts once more per child):
    /// the size budget is measured against it.
    cells: usize,
    /// The tallest node made since `forget_tallest`.
    tallest: u32,
    /// Steps `order` has taken (one per pair of nodes compared).
    comparisons: u64,
}

thread_local! {
    static STORE: RefCell<Store> = RefCell::new(Store::default());
}

/// How many distinct nodes this thread's store holds.
pub fn store_size() -> usize {
    STORE.with(|s| s.borrow().nodes.len())
}

/// How many cells the store holds: a node and each of its children count
/// one each, so that a product of 10,000 factors weighs what it holds. The
/// size budget that keeps a runaway statement from eating the machine is
/// measured against it.
pub fn store_cells() -> usize {
    STORE.with(|s| s.borrow().cells)
}

/// The height of the tallest node made since `forget_tallest` (0 when none
/// was made): the depth budget reads it.
pub fn tallest_made() -> u32 {
    STORE.with(|s| s.borrow().tallest)
}

/// Starts `tallest_made` again from 0 (a new statement's budget).
pub fn forget_tallest() {
    STORE.with(|s| s.borrow_mut().tallest = 0);
}

/// How many steps `order` has taken on this store: sorting terms whose
/// trees are deep and alike is the one cost that grows without making
/// nodes, so the work budget counts it.
pub fn comparisons_made() -> u64 {
    STORE.with(|s| s.borrow().comparisons)
}

/// The height of `e`'s tree: 1 for a leaf, one more than its tallest child
/// otherwise.
pub fn height(e: Expr) -> u32 {
    STORE.with(|s| {
        let store = s.borrow();
        store.heights[store.index_of(e)]
    })
}

impl Store {
    /// The height a new `node` has, and how many children it holds.
    fn height_of(&self, node: &Node) -> (u32, usize) {
        let height = |k: &Expr| self.heights[self.index_of(*k)];
        let (tallest, n_children) = match node {
            Node::Num(_) | Node::Const(_) | Node::Var(_) | Node::Data(_) => (0, 0),
            Node::Add(xs) | Node::Mul(xs) | Node::Call(_, xs) | Node::Apply(_, xs) => {
                (xs.iter().map(height).max().unwrap_or(0), xs.len())
            }
            Node::Pow(b, e) => (height(b).max(height(e)), 2),
        };
        (tallest + 1, n_children)
    }

    fn index_of(&self, e: Expr) -> usize {
        let index = e.0.wrapping_sub(self.base) as usize;
        // Handles are made only by `intern`, on this thread; one out of
        // range outlived its store, a bug in the caller.
        assert!(
            index < self.nodes.len(),
            "an expression handle outlived its session's store"
        );
        index
    }
}

/// Forgets every node; handles made before are refused from now on. Only
/// `store::StoreGuard` calls it, with the other stores that hold handles.
pub(super) fn clear_store() {
    STORE.with(|s| {
        let mut store = s.borrow_mut();
        let base = store.base.wrapping_add(store.nodes.len() as u32);
        *store = Store {
            base,
            ..Store::default()
        };
    });
}

fn intern(node: Node) -> Expr {
    STORE.with(|s| {
        let mut store = s.borrow_mut();
        if let Some(&id) = store.ids.get(&node) {
            return id;
        }
        let id = Expr(store.base.wrapping_add(store.nodes.len() as u32));
        let (height, n_children) = store.height_of(&node);
        store.cells += 1 + n_children;
        store.tallest = store.tallest.max(height);
        let node = Rc::new(node);
        store.nodes.push(node.clone());
        store.heights.push(height);
        store.ids.insert(node, id);
        id
    })
}

impl Expr {
    pub fn node(self) -> Rc<Node> {
        STORE.with(|s| {
            let store = s.borrow();
            store.nodes[store.index_of(self)].clone()
        })
    }

    /// A stable small integer for this handle (creation order).
    pub fn id(self) -> u32 {
        self.0
    }

    pub fn num(n: Num) -> Expr {
        intern(Node::Num(n))
    }

    pub fn int(n: i64) -> Expr {
        Expr::num(Num::int(n))
    }

    pub fn zero() -> Expr {
        Expr::int(0)
    }

    pub fn one() -> Expr {
        Expr::int(1)
    }

    pub fn float(x: f64) -> Expr {
        Expr::num(Num::float(x))
    }

    pub fn var(name: &str) -> Expr {
        intern(Node::Var(name.into()))
    }

    pub fn constant(c: Constant) -> Expr {
        intern(Node::Const(c))
    }

    pub fn as_num(self) -> Option<Num> {
        match *self.node() {
            Node::Num(n) => Some(n),
            _ => None,
        }
    }

    pub fn is_num(self, n: Num) -> bool {
        self.as_num() == Some(n)
    }

    /// The data vector `data` as an expression.
    pub fn data(data: DataRef) -> Expr {
        intern(Node::Data(data))
    }

    pub fn as_data(self) -> Option<DataRef> {
        match &*self.node() {
            Node::Data(d) => Some(d.clone()),
            _ => None,
        }
    }

    pub fn as_var(self) -> Option<Rc<str>> {
        match &*self.node() {
            Node::Var(name) => Some(name.clone()),
            _ => None,
        }
    }
}

// ---------------------------------------------------------------- order

/// The canonical total order of expressions: by kind, then structurally.
/// Deterministic (it never looks at handles' creation order), so the same
/// input always gives the same canonical form.
pub fn order(a: Expr, b: Expr) -> Ordering {
    if a == b {
        return Ordering::Equal;
    }
    let (na, nb) = STORE.with(|s| {
        let mut store = s.borrow_mut();
        // Comparing two deep expressions walks them both: counted, so
        // that a statement sorting many of them stops on its budget.
        store.comparisons += 1;
        let (ia, ib) = (store.index_of(a), store.index_of(b));
        (store.nodes[ia].clone(), store.nodes[ib].clone())
    });
    rank(&na).cmp(&rank(&nb)).then_with(|| match (&*na, &*nb) {
        (Node::Num(x), Node::Num(y)) => x
            .total_cmp(*y)
            .then_with(|| is_float(*x).cmp(&is_float(*y))),
        (Node::Const(x), Node::Const(y)) => x.cmp(y),
        (Node::Var(x), Node::Var(y)) => x.cmp(y),
        (Node::Data(x), Node::Data(y)) => x.order(y),
        (Node::Add(x), Node::Add(y)) | (Node::Mul(x), Node::Mul(y)) => order_slices(x, y),
        (Node::Pow(b1, e1), Node::Pow(b2, e2)) => order(*b1, *b2).then_with(|| order(*e1, *e2)),
        (Node::Call(f, x), Node::Call(g, y)) => f.cmp(g).then_with(|| order_slices(x, y)),
        (Node::Apply(f, x), Node::Apply(g, y)) => f.cmp(g).then_with(|| order_slices(x, y)),
        _ => Ordering::Equal,
    })
}

fn is_float(n: Num) -> bool {
    matches!(n, Num::Float(_))
}

fn rank(node: &Node) -> u8 {
    match node {
        Node::Num(_) => 0,
        Node::Const(_) => 1,
        Node::Var(_) => 2,
        Node::Data(_) => 3,
        Node::Pow(..) => 4,
        Node::Mul(_) => 5,
        Node::Add(_) => 6,
        Node::Call(..) => 7,
        Node::Apply(..) => 8,
    }
}

fn order_slices(x: &[Expr], y: &[Expr]) -> Ordering {
    for (a, b) in x.iter().zip(y) {
        match order(*a, *b) {
            Ordering::Equal => continue,
            other => return other,
        }
    }
    x.len().cmp(&y.len())
}

// ---------------------------------------------------------------- add

/// The sum of `terms`, canonical: flattened, like terms collected
/// (`2x + 3x = 5x`), numbers folded, zeros dropped, sorted.
pub fn add(terms: impl IntoIterator<Item = Expr>) -> Expr {
    let mut constant = Num::ZERO;
    // rest -> (coefficient, the term as written while it is the only one
    // with this rest), in first-seen order (sorted at the end). A term
    // nothing was collected into is kept as it came, which saves
    // rebuilding it when most terms are distinct.
    let mut coefficients: HashMap<Expr, (Num, Option<Expr>)> = HashMap::default();
    let mut seen: Vec<Expr> = Vec::new();
    let mut stack: Vec<Expr> = terms.into_iter().collect();
    stack.reverse();
    while let Some(term) = stack.pop() {
        let node = term.node();
        match &*node {
            Node::Num(n) => constant = constant + *n,
            Node::Add(inner) => stack.extend(inner.iter().rev()),
            _ => {
                let (coefficient, rest) = split_coefficient(term);
                coefficients
                    .entry(rest)
                    .and_modify(|(sum, alone)| {
                        *sum = *sum + coefficient;
                        *alone = None;
                    })
                    .or_insert_with(|| {
                        seen.push(rest);
                        (coefficient, Some(term))
                    });
            }
        }
    }
    let mut out: Vec<Expr> = Vec::with_capacity(seen.len() + 1);
    if !constant.is_zero() || !constant.is_finite() {
        out.push(Expr::num(constant));
    }
    for rest in seen {
        match coefficients[&rest] {
            (coefficient, _) if coefficient.is_zero() => {}
            (_, Some(term)) => out.push(term),
            (coefficient, None) => out.push(scale(coefficient, rest)),
        }
    }
    match out.len() {
        0 => Expr::zero(),
        1 => out[0],
        _ => {
            out.sort_by(|a, b| order(*a, *b));
            intern(Node::Add(out.into()))
        }
    }
}

/// Splits `3x^2` into `(3, x^2)`; a term without a number gets 1.
pub fn split_coefficient(term: Expr) -> (Num, Expr) {
    match &*term.node() {
        Node::Num(n) => (*n, Expr::one()),
        Node::Mul(factors) => match factors[0].as_num() {
            Some(n) => {
                let rest = &factors[1..];
                let rest = if rest.len() == 1 {
                    rest[0]
                } else {
                    intern(Node::Mul(rest.into()))
                };
                (n, rest)
            }
            None => (Num::ONE, term),
        },
        _ => (Num::ONE, term),
    }
}

/// `coefficient * rest` where `rest` is already canonical and has no number.
fn scale(coefficient: Num, rest: Expr) -> Expr {
    if coefficient.is_one() {
        return rest;
    }
    mul([Expr::num(coefficient), rest])
}

pub fn sub(a: Expr, b: Expr) -> Expr {
    add([a, neg(b)])
}

pub fn neg(a: Expr) -> Expr {
    mul([Expr::int(-1), a])
}

// ---------------------------------------------------------------- mul

/// The product of `factors`, canonical: flattened, numbers folded, like
/// bases collected (`x * x^2 = x^3`, `e^a e^b = e^(a+b)`), ones dropped, zero
/// absorbing, sorted. A number times a single sum is distributed
/// (`2(x - 3) = 2x - 6`), as SymPy does.
pub fn mul(factors: impl IntoIterator<Item = Expr>) -> Expr {
    let mut coefficient = Num::ONE;
    let mut exponents: HashMap<Expr, Vec<Expr>> = HashMap::default();
    let mut bases: Vec<Expr> = Vec::new();
    let mut exp_args: Vec<Expr> = Vec::new();
    let mut stack: Vec<Expr> = factors.into_iter().collect();
    stack.reverse();
    while let Some(factor) = stack.pop() {
        let node = factor.node();
        match &*node {
            Node::Num(n) => coefficient = coefficient * *n,
            Node::Mul(inner) => stack.extend(inner.iter().rev()),
            Node::Call(Func::Exp, args) => exp_args.push(args[0]),
            // e is exp(1): e * exp(x) = exp(x + 1)
            Node::Const(Constant::E) => exp_args.push(Expr::one()),
            _ => {
                let (base, exponent) = split_power(factor);
                exponents
                    .entry(base)
                    .or_insert_with(|| {
                        bases.push(base);
                        Vec::new()
                    })
                    .push(exponent);
            }
        }
    }
    if coefficient.is_zero() {
        return Expr::zero();
    }
    let mut out: Vec<Expr> = Vec::with_capacity(bases.len() + 2);
    for base in bases {
        let exponent = add(exponents[&base].iter().copied());
        let factor = pow(base, exponent);
        match factor.as_num() {
            Some(n) => coefficient = coefficient * n,
            None => out.push(factor),
        }
    }
    if !exp_args.is_empty() {
        let factor = call(Func::Exp, vec![add(exp_args)]);
        match factor.as_num() {
            Some(n) => coefficient = coefficient * n,
            None => out.push(factor),
        }
    }
    finish_mul(coefficient, out)
}

/// The product of `factors` as multiplying them in one at a time from the
/// left makes it (`mul([mul([a, b]), c])` and so on: a chain of `*` and
/// `/` as written), in about one pass. It differs from `mul` of them all
/// where a step's product is a number times one sum, which that step
/// distributes (`2(x - 3) y` is `(2x - 6) y`, as `2(x - 3)` alone is `2x -
/// 6`). Such steps are taken one by one; the factors that cannot lead to
/// one, while at least two factors besides a number are sure to remain,
/// are gathered and multiplied in at once. So a product of n distinct
/// factors is sorted once, not n times (n^2 work and n^2/2 parts in the
/// store).
pub fn mul_left_to_right(factors: &[Expr]) -> Expr {
    let Some((&first, rest)) = factors.split_first() else {
        return Expr::one();
    };
    let mut product = first;
    let mut gathered = Gathered::default();
    gathered.open(product);
    for &factor in rest {
        if gathered.is_open() {
            if gathered.take(factor) {
                continue;
            }
            product = gathered.close();
        }
        product = mul([product, factor]);
        gathered.open(product);
    }
    if gathered.is_open() {
        product = gathered.close();
    }
    product
}

/// Factors gathered by `mul_left_to_right` after a product that has at
/// least two factors besides a number.
#[derive(Default)]
struct Gathered {
    /// The product, then the factors gathered after it; empty when closed.
    pending: Vec<Expr>,
    /// The base of every factor met (`exp(u)` and `e` share one: they merge).
    bases: rustc_hash::FxHashSet<Expr>,
    /// At least this many factors besides a number remain in the product
    /// of any first part of `pending`: one per base, less one for each
    /// base met again (it may cancel one).
    least: usize,
}

impl Gathered {
    fn is_open(&self) -> bool {
        !self.pending.is_empty()
    }

    /// Starts gathering after `product` when it has two or more factors
    /// besides a number.
    fn open(&mut self, product: Expr) {
        let Node::Mul(factors) = &*product.node() else {
            return;
        };
        self.bases.clear();
        self.least = 0;
        for f in factors.iter().filter(|f| f.as_num().is_none()) {
            self.meet(*f);
        }
        if self.least >= 2 {
            self.pending.push(product);
        }
    }

    /// Gathers `factor` when no step up to it can leave fewer than two
    /// factors besides a number, nor a zero or an infinite number (which
    /// `mul` treats apart); otherwise leaves it for a step of its own.
    fn take(&mut self, factor: Expr) -> bool {
        let node = factor.node();
        let parts: &[Expr] = match &*node {
            Node::Mul(fs) => fs,
            _ => std::slice::from_ref(&factor),
        };
        let mut least = self.least;
        let mut met = Vec::with_capacity(parts.len());
        for part in parts {
            match part.as_num() {
                Some(n) if n.is_zero() || !n.is_finite() => return false,
                Some(_) => {}
                None => {
                    let base = merge_base(*part);
                    // A product's factors have distinct bases: `met` holds no
                    // two alike.
                    if !self.bases.contains(&base) {
                        least += 1;
                    } else if base.as_num().is_some() {
                        // Powers of a number fold as they meet: 2^(1/2)
                        // twice is 2, and then 2^(1/2) again is 2 2^(1/2),
                        // where all three at once are 2^(3/2).
                        return false;
                    } else {
                        least = least.saturating_sub(1);
                    }
                    met.push(base);
                }
            }
        }
        if least < 2 {
            return false;
        }
        self.bases.extend(met);
        self.least = least;
        self.pending.push(factor);
        true
    }

    /// Counts one factor (not a number) of the product it opens with.
    fn meet(&mut self, factor: Expr) {
        if self.bases.insert(merge_base(factor)) {
            self.least += 1;
        }
    }

    /// The product of everything gathered; closes.
    fn close(&mut self) -> Expr {
        mul(std::mem::take(&mut self.pending))
    }
}

/// What `mul` collects a factor under: its base, and one key for `exp(u)`
/// and `e`.
fn merge_base(factor: Expr) -> Expr {
    match &*factor.node() {
        Node::Call(Func::Exp, _) | Node::Const(Constant::E) => Expr::constant(Constant::E),
        _ => split_power(factor).0,
    }
}

fn finish_mul(coefficient: Num, mut out: Vec<Expr>) -> Expr {
    // An infinite or nan coefficient stays a factor: x/0 is not inf at
    // x = 0 or x < 0, so it must not swallow x.
    if coefficient.is_zero() || out.is_empty() {
        return Expr::num(coefficient);
    }
    if out.len() == 1
        && !coefficient.is_one()
        && coefficient.is_finite()
        && let Node::Add(terms) = &*out[0].node()
    {
        return add(terms.iter().map(|t| mul([Expr::num(coefficient), *t])));
    }
    // Re-flatten: `pow` splits a product raised to an integer,
    // `(xy)^n = x^n y^n`, so a collected factor may be a product again.
    if out.iter().any(|f| matches!(*f.node(), Node::Mul(_))) {
        let mut all = vec![Expr::num(coefficient)];
        all.extend(out);
        return mul(all);
    }
    out.sort_by(|a, b| order(*a, *b));
    if !coefficient.is_one() {
        out.insert(0, Expr::num(coefficient));
    }
    if out.len() == 1 {
        return out[0];
    }
    intern(Node::Mul(out.into()))
}

/// Splits `x^3` into `(x, 3)`; anything else is its own base to the 1.
pub fn split_power(factor: Expr) -> (Expr, Expr) {
    match &*factor.node() {
        Node::Pow(base, exponent) => (*base, *exponent),
        _ => (factor, Expr::one()),
    }
}

pub fn div(a: Expr, b: Expr) -> Expr {
    mul([a, pow(b, Expr::int(-1))])
}

// ---------------------------------------------------------------- pow

/// `base^exponent`, canonical: `x^0 = 1`, `x^1 = x`, `1^x = 1`, exact
/// numeric powers folded, `(x^a)^n = x^(an)` and `(xy)^n = x^n y^n` for
/// integer n, `e^x = exp(x)`, `exp(a)^b = exp(ab)`.
pub fn pow(base: Expr, exponent: Expr) -> Expr {
    let exp_num = exponent.as_num();
    if exp_num == Some(Num::ZERO) {
        return Expr::one();
    }
    if exp_num == Some(Num::ONE) {
        return base;
    }
    let base_node = base.node();
    match (&*base_node, exp_num) {
        (Node::Num(b), _) if b.is_one() => Expr::one(),
        (Node::Num(b), Some(e)) => pow_numbers(*b, e),
        (Node::Const(Constant::E), _) => call(Func::Exp, vec![exponent]),
        (Node::Call(Func::Exp, args), _) => call(Func::Exp, vec![mul([args[0], exponent])]),
        (Node::Pow(inner_base, inner_exp), Some(e))
            if e.is_integer() && keeps_domain(*inner_exp, e) =>
        {
            pow(*inner_base, mul([*inner_exp, exponent]))
        }
        (Node::Mul(factors), Some(e)) if e.is_integer() => {
            mul(factors.iter().map(|f| pow(*f, exponent)))
        }
        _ => intern(Node::Pow(base, exponent)),
    }
}

/// Whether `(b^p)^q = b^(pq)` (q an integer) is defined wherever the left
/// side is: `(x^(1/2))^3` is `x^(3/2)` and `(x^(1/2))^-1` is `x^(-1/2)`,
/// but `sqrt(x)^2` is not `x`, which is defined for negative x too. Only a
/// fractional power that becomes an integer one extends the domain (at 0
/// the others agree in floating point: `(1/0)^-1 = 0`). A symbolic `p`
/// folds, as in SymPy.
fn keeps_domain(p: Expr, q: Num) -> bool {
    match p.as_num() {
        Some(p) => p.is_integer() || !(p * q).is_integer(),
        None => true,
    }
}

fn pow_numbers(base: Num, exponent: Num) -> Expr {
    if base.is_zero() {
        // 0^positive = 0, 0^negative = inf (IEEE), as powf gives.
        return Expr::float(0f64.powf(exponent.to_f64()));
    }
    match base.pow_exact(exponent) {
        Some(n) => Expr::num(n),
        None if matches!(base, Num::Float(_)) || matches!(exponent, Num::Float(_)) => {
            Expr::float(base.to_f64().powf(exponent.to_f64()))
        }
        // 2^(1/2) stays exact, as sqrt(2).
        None => intern(Node::Pow(Expr::num(base), Expr::num(exponent))),
    }
}

pub fn sqrt(x: Expr) -> Expr {
    pow(x, Expr::num(Num::HALF))
}

// ---------------------------------------------------------------- calls

/// `f(args)`, with the exact values folded (`sin(0) = 0`, `ln(1) = 0`,
/// `abs(-3) = 3`, `min(2, 5) = 2`, `ln(exp(x)) = x`). Callers check arity.
pub fn call(func: Func, args: Vec<Expr>) -> Expr {
    if let Some(value) = fold_call(func, &args) {
        return value;
    }
    if func.is_reduction()
        && let Some((coefficient, rest)) = numeric_content(args[0])
    {
        // sum(2v) = 2sum(v): numbers come out of reductions, as a student
        // writes them.
        return mul([Expr::num(coefficient), call(func, vec![rest])]);
    }
    intern(Node::Call(func, args.into()))
}

/// `2x` as `(2, x)`, `2a - 4b` as `(2, a - 2b)`: the number that divides
/// every term (an integer greater than one, or -1 times one when every
/// term is negative), when there is one.
pub fn numeric_content(e: Expr) -> Option<(Num, Expr)> {
    let terms: Vec<Expr> = match &*e.node() {
        Node::Add(terms) => terms.to_vec(),
        _ => vec![e],
    };
    let coefficients: Vec<Num> = terms.iter().map(|t| split_coefficient(*t).0).collect();
    let mut gcd: i64 = 0;
    for c in &coefficients {
        match c.as_integer() {
            Some(k) => gcd = integer_gcd(gcd, k.unsigned_abs() as i64),
            None if terms.len() == 1 && c.is_finite() && !c.is_one() => {
                return Some((*c, split_coefficient(e).1));
            }
            None => return None,
        }
    }
    let all_negative = coefficients.iter().all(|c| c.is_negative());
    let content = if all_negative { -gcd } else { gcd };
    if content == 1 || content == 0 {
        return None;
    }
    let scale = Expr::num(Num::int(content).recip());
    Some((
        Num::int(content),
        add(terms.iter().map(|t| mul([scale, *t]))),
    ))
}

fn integer_gcd(mut a: i64, mut b: i64) -> i64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

fn fold_call(func: Func, args: &[Expr]) -> Option<Expr> {
    let x = args[0];
    if let (Func::Ln, Node::Call(Func::Exp, inner)) = (func, &*x.node()) {
        return Some(inner[0]);
    }
    if func == Func::Ln && x == Expr::constant(Constant::E) {
        return Some(Expr::one());
    }
    if let Some(value) = trig_at_pi_multiple(func, x) {
        return Some(value);
    }
    let nums: Option<Vec<Num>> = args.iter().map(|a| a.as_num()).collect();
    let nums = nums?;
    let n = nums[0];
    let exact = |v: i64| Some(Expr::int(v));
    match func {
        Func::Sin | Func::Tan | Func::Asin | Func::Atan | Func::Sinh | Func::Tanh
            if n.is_zero() =>
        {
            exact(0)
        }
        Func::Cos | Func::Cosh | Func::Exp if n.is_zero() => exact(1),
        Func::Exp if n.is_one() => Some(Expr::constant(Constant::E)),
        Func::Acos if n.is_one() => exact(0),
        Func::Ln if n.is_one() => exact(0),
        Func::Log2 => exact_log(n, 2),
        Func::Log10 => exact_log(n, 10),
        Func::Sigmoid if n.is_zero() => Some(Expr::num(Num::HALF)),
        // A number is one row.
        Func::Sum | Func::Mean => Some(Expr::num(n)),
        Func::Abs => Some(Expr::num(n.abs())),
        Func::Sign | Func::Step => Some(Expr::float(func.apply(&[n.to_f64()]))),
        Func::Min | Func::Max => {
            let m = nums[1];
            if !n.is_finite() || !m.is_finite() {
                return Some(Expr::float(func.apply(&[n.to_f64(), m.to_f64()])));
            }
            let first_smaller = n.total_cmp(m) == Ordering::Less;
            Some(Expr::num(if first_smaller == (func == Func::Min) {
                n
            } else {
                m
            }))
        }
        _ if !n.is_finite() => Some(Expr::float(func.apply(&[n.to_f64()]))),
        _ => None,
    }
}

/// sin, cos and tan at multiples of pi/6 and pi/4, exactly: `sin(pi) = 0`,
/// `cos(pi/3) = 1/2`, `sin(pi/4) = sqrt(2)/2`, `tan(pi/6) = sqrt(3)/3`; tan
/// where cos is 0 stays as it is.
fn trig_at_pi_multiple(func: Func, x: Expr) -> Option<Expr> {
    if !matches!(func, Func::Sin | Func::Cos | Func::Tan) {
        return None;
    }
    let multiple = match &*x.node() {
        Node::Const(Constant::Pi) => Num::ONE,
        Node::Mul(factors) if factors.len() == 2 && factors[1] == Expr::constant(Constant::Pi) => {
            factors[0].as_num().filter(|n| n.is_exact())?
        }
        _ => return None,
    };
    // The angle in twelfths of pi, modulo a full turn.
    let twelfths = (multiple * Num::int(12)).as_integer()?.rem_euclid(24);
    let sin = sin_in_twelfths(twelfths)?;
    let cos = sin_in_twelfths((twelfths + 6) % 24)?;
    match func {
        Func::Sin => Some(sin),
        Func::Cos => Some(cos),
        _ if cos.is_num(Num::ZERO) => None,
        _ => Some(div(sin, cos)),
    }
}

/// sin(k pi/12) for the k that are multiples of 2 or 3 (the angles of
/// pi/6 and pi/4), exactly; `None` for the others (pi/12 and its kin).
fn sin_in_twelfths(k: i64) -> Option<Expr> {
    let root = |n: i64| mul([Expr::num(Num::HALF), sqrt(Expr::int(n))]);
    let magnitude = match k % 12 {
        0 => Expr::zero(),
        2 | 10 => Expr::num(Num::HALF),
        3 | 9 => root(2),
        4 | 8 => root(3),
        6 => Expr::one(),
        _ => return None,
    };
    Some(if k >= 12 { neg(magnitude) } else { magnitude })
}

/// log_base(n) when it is an integer (`log2(8) = 3`, `log10(0.01) = -2`).
fn exact_log(n: Num, base: i64) -> Option<Expr> {
    (-64..=64i64)
        .find(|k| Num::int(base).powi(*k) == n && matches!(n, Num::Rat(..)))
        .map(Expr::int)
}

/// A call of the user function `name`, resolved later.
pub fn apply(name: &str, args: Vec<Expr>) -> Expr {
    intern(Node::Apply(name.into(), args.into()))
}

/// Rebuilds `node` from new children through the canonical constructors.
/// The one place that knows how to put each kind of node back together.
pub fn rebuild(node: &Node, children: Vec<Expr>) -> Expr {
    match node {
        Node::Num(_) | Node::Const(_) | Node::Var(_) | Node::Data(_) => intern(node.clone()),
        Node::Add(_) => add(children),
        Node::Mul(_) => mul(children),
        Node::Pow(..) => pow(children[0], children[1]),
        Node::Call(f, _) => call(*f, children),
        Node::Apply(name, _) => intern(Node::Apply(name.clone(), children.into())),
    }
}

/// The children of a node, in order.
pub fn children(node: &Node) -> Vec<Expr> {
    match node {
        Node::Num(_) | Node::Const(_) | Node::Var(_) | Node::Data(_) => Vec::new(),
        Node::Add(xs) | Node::Mul(xs) | Node::Call(_, xs) | Node::Apply(_, xs) => xs.to_vec(),
        Node::Pow(b, e) => vec![*b, *e],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::symbolic::testing::{n, x, y};
    use proptest::prelude::*;

    /// Factors that merge, cancel, fold to numbers and distribute.
    fn factor(i: usize) -> Expr {
        let (x, y) = (x(), y());
        let sum = add([x, n(1)]);
        let exp = |u: Expr| call(Func::Exp, vec![u]);
        let pool = [
            n(2),
            n(-1),
            Expr::num(Num::Rat(1, 2)),
            n(0),
            x,
            y,
            pow(x, n(-1)),
            pow(y, n(2)),
            sum,
            pow(sum, n(-1)),
            pow(sum, n(2)),
            add([y, n(-3)]),
            exp(x),
            exp(neg(x)),
            Expr::constant(Constant::E),
            pow(n(2), Expr::num(Num::HALF)),
            mul([n(3), x, y]),
            pow(mul([x, y]), n(-1)),
            call(Func::Sin, vec![x]),
            Expr::num(Num::float(f64::INFINITY)),
            pow(x, Expr::num(Num::HALF)),
            pow(x, y),
            pow(x, neg(y)),
            pow(sum, Expr::num(Num::HALF)),
            add([mul([n(2), x]), n(2)]),
            Expr::num(Num::float(1e200)),
            Expr::num(Num::float(1e-200)),
            pow(n(3), x),
        ];
        pool[i % pool.len()]
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: 2048,
            failure_persistence: Some(Box::new(
                proptest::test_runner::FileFailurePersistence::Direct(
                    "tests/products.proptest-regressions",
                ),
            )),
            ..ProptestConfig::default()
        })]

        #[test]
        fn a_product_left_to_right_is_the_pairwise_fold(
            picks in prop::collection::vec(0usize..28, 1..40),
        ) {
            let factors: Vec<Expr> = picks.into_iter().map(factor).collect();
            let folded = factors[1..]
                .iter()
                .fold(factors[0], |product, f| mul([product, *f]));
            prop_assert_eq!(mul_left_to_right(&factors), folded);
        }
    }

    #[test]
    fn a_long_product_of_distinct_factors_is_sorted_once() {
        let factors: Vec<Expr> = (1..=3000).map(|k| add([x(), n(k)])).collect();
        let before = store_cells();
        let product = mul_left_to_right(&factors);
        let Node::Mul(all) = &*product.node() else {
            panic!("a product")
        };
        assert_eq!(all.len(), 3000);
        // The one product node and its factors, not 3000 growing products.
        assert!(
            store_cells() - before < 10_000,
            "{}",
            store_cells() - before
        );
        // 2(x - 3) y: the first step distributes, as written.
        let steps = [n(2), add([x(), n(-3)]), y()];
        let distributed = mul([add([mul([n(2), x()]), n(-6)]), y()]);
        assert_eq!(mul_left_to_right(&steps), distributed);
    }

    #[test]
    fn equal_expressions_are_equal_handles() {
        assert_eq!(add([x(), y()]), add([y(), x()]));
        assert_eq!(mul([x(), y(), n(2)]), mul([n(2), y(), x()]));
    }

    #[test]
    fn like_terms_and_bases_collect() {
        assert_eq!(add([x(), x(), mul([n(3), x()])]), mul([n(5), x()]));
        assert_eq!(mul([x(), x()]), pow(x(), n(2)));
        assert_eq!(mul([x(), pow(x(), n(-1))]), n(1));
        assert_eq!(add([x(), neg(x())]), n(0));
        assert_eq!(sub(add([x(), n(3)]), n(3)), x());
    }

    #[test]
    fn numbers_fold_exactly() {
        assert_eq!(
            add([Expr::num(Num::Rat(1, 10)), Expr::num(Num::Rat(2, 10))]),
            Expr::num(Num::Rat(3, 10))
        );
        assert_eq!(pow(n(2), n(10)), n(1024));
        assert_eq!(pow(n(4), Expr::num(Num::HALF)), n(2));
        assert!(matches!(
            *pow(n(2), Expr::num(Num::HALF)).node(),
            Node::Pow(..)
        ));
        assert_eq!(mul([n(0), x()]), n(0));
    }

    #[test]
    fn trivial_powers_vanish() {
        assert_eq!(pow(x(), n(1)), x());
        assert_eq!(pow(x(), n(0)), n(1));
        assert_eq!(pow(pow(x(), n(2)), n(3)), pow(x(), n(6)));
        // sqrt(x^2) is |x|, not x: it must stay.
        assert_ne!(sqrt(pow(x(), n(2))), x());
    }

    #[test]
    fn number_times_sum_distributes() {
        let x_minus_3 = add([x(), n(-3)]);
        assert_eq!(mul([n(2), x_minus_3]), add([mul([n(2), x()]), n(-6)]));
        // ... but not when other factors are present.
        let product = mul([n(2), x(), x_minus_3]);
        assert!(matches!(*product.node(), Node::Mul(ref f) if f.len() == 3));
    }

    #[test]
    fn exponentials_combine() {
        let e_x = call(Func::Exp, vec![x()]);
        let e_y = call(Func::Exp, vec![y()]);
        assert_eq!(mul([e_x, e_y]), call(Func::Exp, vec![add([x(), y()])]));
        assert_eq!(pow(Expr::constant(Constant::E), x()), e_x);
        assert_eq!(call(Func::Ln, vec![e_x]), x());
        assert_eq!(mul([e_x, call(Func::Exp, vec![neg(x())])]), n(1));
    }

    #[test]
    fn e_is_exp_of_one() {
        let e = Expr::constant(Constant::E);
        let z = Expr::var("z");
        assert_eq!(mul([e, e]), call(Func::Exp, vec![n(2)]));
        assert_eq!(
            mul([call(Func::Exp, vec![n(2)]), call(Func::Exp, vec![z])]),
            call(Func::Exp, vec![add([z, n(2)])])
        );
        assert_eq!(mul([e, call(Func::Exp, vec![n(-1)])]), n(1));
        assert_eq!(call(Func::Exp, vec![n(1)]), e);
        assert_eq!(mul([n(2), e]), mul([e, n(2)]));
    }

    #[test]
    fn powers_of_powers_fold_unless_the_domain_grows() {
        let x = Expr::var("x");
        let half = Expr::num(Num::HALF);
        let root = pow(x, half);
        // sqrt(x)^2 is undefined for x < 0, x is not: it stays.
        assert_eq!(
            *pow(root, Expr::int(2)).node(),
            Node::Pow(root, Expr::int(2))
        );
        assert_eq!(pow(root, Expr::int(3)), pow(x, Expr::num(Num::ratio(3, 2))));
        assert_eq!(
            pow(root, Expr::int(-1)),
            pow(x, Expr::num(Num::ratio(-1, 2)))
        );
        assert_eq!(
            pow(pow(x, Expr::int(2)), Expr::int(3)),
            pow(x, Expr::int(6))
        );
    }

    #[test]
    fn trig_at_multiples_of_pi_is_exact() {
        let pi = Expr::constant(Constant::Pi);
        let at =
            |func: Func, p: i64, q: i64| call(func, vec![mul([Expr::num(Num::Rat(p, q)), pi])]);
        assert_eq!(call(Func::Sin, vec![pi]), n(0));
        assert_eq!(call(Func::Cos, vec![pi]), n(-1));
        assert_eq!(at(Func::Sin, 1, 6), Expr::num(Num::HALF));
        assert_eq!(at(Func::Cos, 1, 3), Expr::num(Num::HALF));
        assert_eq!(at(Func::Sin, -1, 2), n(-1));
        assert_eq!(
            at(Func::Cos, 3, 4),
            neg(mul([Expr::num(Num::HALF), sqrt(n(2))]))
        );
        assert_eq!(at(Func::Tan, 1, 4), n(1));
        assert_eq!(at(Func::Tan, 1, 6), div(n(1), sqrt(n(3))));
        assert_eq!(at(Func::Sin, 13, 6), Expr::num(Num::HALF));
        // tan(pi/2) is not a number; sin(pi/12) has no short form.
        assert!(matches!(*at(Func::Tan, 1, 2).node(), Node::Call(..)));
        assert!(matches!(*at(Func::Sin, 1, 12).node(), Node::Call(..)));
        assert!(matches!(
            *call(Func::Sin, vec![n(1)]).node(),
            Node::Call(..)
        ));
    }

    #[test]
    fn exact_calls_fold() {
        assert_eq!(call(Func::Sin, vec![n(0)]), n(0));
        assert_eq!(call(Func::Log2, vec![n(8)]), n(3));
        assert_eq!(call(Func::Max, vec![n(2), n(5)]), n(5));
        assert_eq!(call(Func::Step, vec![n(0)]), Expr::num(Num::HALF));
        assert!(matches!(
            *call(Func::Sin, vec![n(1)]).node(),
            Node::Call(..)
        ));
    }
}
