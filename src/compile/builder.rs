//! The `Builder` that turns symbolic expressions into instructions, and
//! `compile`, which makes a `Tape` of them.
//!
//! Building memoizes by expression handle and, below that, by instruction
//! (so `x^2` in two unrelated products is one multiplication), folds
//! instructions whose operands are all constants (with `exec`, the very code
//! that evaluates them, so folding never changes a value), fuses a product
//! used once into the sum that uses it (`a*b + c`), and drops what no output
//! uses. Invariant: values are made operands first, so creation order is an
//! evaluation order. The rewrites change at most the last bits (`x^3` as
//! `x*x*x`, `x*y^-1` as `x/y`), except that `x^(k/2)` is computed with
//! `sqrt`, which gives nan rather than inf at `x = -inf`.

use std::collections::HashMap;

use super::isa::{MAX_OPERANDS, Op, exec};
use super::tape::Tape;
use crate::error::{Error, ErrorKind, Result};
use crate::symbolic::accurate::accurate_form;
use crate::symbolic::data::{DataRef, Mismatch, join};
use crate::symbolic::expr::{Constant, Expr, Func, Node};
use crate::symbolic::num::Num;

/// Compiles `outputs` over the parameters `params` (in that order) into one
/// tape. Errors when an expression uses a variable that is not a parameter
/// or still calls a user-defined function.
pub fn compile(outputs: &[Expr], params: &[&str]) -> Result<Tape> {
    let mut builder = Builder::new(params);
    let ids = outputs
        .iter()
        .map(|e| builder.lower(*e))
        .collect::<Result<Vec<Id>>>()?;
    if !builder.columns.is_empty() {
        return Err(Error::internal(
            "an expression with data must be compiled with compile_rows",
        ));
    }
    Ok(builder.finish(&ids))
}

/// Rewrites `a*b + c`, `c + a*b`, `a*b - c` and `c - a*b` into one
/// instruction when the product has no other use (nor is an output), and
/// marks the product dead. Values are unchanged: the fused instructions round
/// twice, as the pair did.
fn fuse_multiply_adds(values: &mut [Value], live: &mut [bool], outputs: &[Id]) {
    let mut uses = vec![0u32; values.len()];
    for id in outputs {
        uses[*id as usize] += 1;
    }
    for (id, value) in values.iter().enumerate() {
        if live[id] {
            value.for_each_operand(|a| uses[a as usize] += 1);
        }
    }
    for id in 0..values.len() {
        let Value::Op(op) = values[id] else {
            continue;
        };
        if !live[id] {
            continue;
        }
        let product = |v: Id| match values[v as usize] {
            Value::Op(Op::Mul(a, b)) if uses[v as usize] == 1 => Some((v, a, b)),
            _ => None,
        };
        let fused = match op {
            Op::Add(x, y) => product(x)
                .map(|(p, a, b)| (p, Op::MulAdd(a, b, y)))
                .or_else(|| product(y).map(|(p, a, b)| (p, Op::MulAdd(a, b, x)))),
            Op::Sub(x, y) => product(x)
                .map(|(p, a, b)| (p, Op::MulSub(a, b, y)))
                .or_else(|| product(y).map(|(p, a, b)| (p, Op::SubMul(x, a, b)))),
            _ => None,
        };
        if let Some((p, op)) = fused {
            values[id] = Value::Op(op);
            live[p as usize] = false;
        }
    }
}

/// A value made while building, before slots are assigned.
pub(super) type Id = u32;

#[derive(Copy, Clone, Debug)]
pub(super) enum Value {
    Param,
    Const(f64),
    /// Operands are `Id`s.
    Op(Op),
    /// A data column (an index into `Builder::columns`): one value per row.
    Column(u32),
    /// `sum` or `mean` over the rows of the operand (an `Id`).
    Reduce(Func, Id),
}

impl Value {
    /// Calls `f` on each operand (`Id`), in order.
    fn for_each_operand(self, mut f: impl FnMut(Id)) {
        match self {
            Value::Op(op) => op.for_each_operand(f),
            Value::Reduce(_, a) => f(a),
            Value::Param | Value::Const(_) | Value::Column(_) => {}
        }
    }
}

/// Integer powers up to this are unrolled into multiplications.
const UNROLL_POWER: i64 = 8;

/// Expressions lowered so far, as values in creation order.
pub(super) struct Builder<'a> {
    pub(super) params: &'a [&'a str],
    /// In creation order, which is an evaluation order: operands first.
    pub(super) values: Vec<Value>,
    /// The rows of each value: `None` for a number, the data's length for
    /// a value with one number per row.
    pub(super) lengths: Vec<Option<usize>>,
    /// The first two lengths that met in one instruction.
    pub(super) mismatch: Option<Mismatch>,
    /// The data columns met, in order.
    pub(super) columns: Vec<DataRef>,
    by_expr: HashMap<Expr, Id>,
    by_const: HashMap<u64, Id>,
    by_op: HashMap<Op, Id>,
    by_reduce: HashMap<(Func, Id), Id>,
}

impl<'a> Builder<'a> {
    pub(super) fn new(params: &'a [&'a str]) -> Builder<'a> {
        Builder {
            params,
            values: vec![Value::Param; params.len()],
            lengths: vec![None; params.len()],
            mismatch: None,
            columns: Vec::new(),
            by_expr: HashMap::new(),
            by_const: HashMap::new(),
            by_op: HashMap::new(),
            by_reduce: HashMap::new(),
        }
    }

    /// The value of `e`, made once per handle. Recursive, as deep as the
    /// expression nests (sums and products are flat, so that is shallow).
    pub(super) fn lower(&mut self, e: Expr) -> Result<Id> {
        if let Some(id) = self.by_expr.get(&e) {
            return Ok(*id);
        }
        if let Some(accurate) = accurate_form(e) {
            let id = self.lower(accurate)?;
            self.by_expr.insert(e, id);
            return Ok(id);
        }
        let node = e.node();
        let id = match &*node {
            Node::Num(n) => self.constant(n.to_f64()),
            Node::Const(Constant::Pi) => self.constant(std::f64::consts::PI),
            Node::Const(Constant::E) => self.constant(std::f64::consts::E),
            Node::Var(name) => self.param(name)?,
            Node::Data(data) => self.column(data),
            Node::Add(terms) => self.sum(terms)?,
            // Invariant (canonical form): a product has two or more factors,
            // the number, if any, first.
            Node::Mul(factors) => match factors[0].as_num() {
                Some(c) => self.product(c, &factors[1..])?,
                None => self.product(Num::ONE, factors)?,
            },
            Node::Pow(base, exponent) => match exponent.as_num() {
                Some(k) => self.power(*base, k)?,
                None => {
                    let (b, k) = (self.lower(*base)?, self.lower(*exponent)?);
                    self.op(Op::Powf(b, k))
                }
            },
            Node::Call(func, args) => {
                let args = args
                    .iter()
                    .map(|a| self.lower(*a))
                    .collect::<Result<Vec<Id>>>()?;
                match Op::call(*func, &args) {
                    Some(op) => self.op(op),
                    None => self.reduce(*func, args[0]),
                }
            }
            Node::Apply(name, _) => {
                return Err(Error::new(
                    ErrorKind::Name,
                    format!("the function '{name}' must be expanded before it can be compiled"),
                ));
            }
        };
        self.by_expr.insert(e, id);
        Ok(id)
    }

    fn param(&mut self, name: &str) -> Result<Id> {
        match self.params.iter().position(|p| *p == name) {
            Some(i) => Ok(i as Id),
            None if self.params.is_empty() => Err(Error::new(
                ErrorKind::Name,
                format!("'{name}' is not defined here: there are no parameters"),
            )),
            None => Err(Error::new(
                ErrorKind::Name,
                format!(
                    "'{name}' is not a parameter (the parameters are {})",
                    self.params.join(", ")
                ),
            )),
        }
    }

    fn constant(&mut self, value: f64) -> Id {
        if let Some(id) = self.by_const.get(&value.to_bits()) {
            return *id;
        }
        let id = self.push(Value::Const(value));
        self.by_const.insert(value.to_bits(), id);
        id
    }

    fn const_value(&self, id: Id) -> Option<f64> {
        match self.values[id as usize] {
            Value::Const(v) => Some(v),
            _ => None,
        }
    }

    fn push(&mut self, value: Value) -> Id {
        let mut length = None;
        match value {
            Value::Column(c) => length = Some(self.columns[c as usize].len()),
            Value::Op(op) => {
                op.for_each_operand(|a| match join(length, self.lengths[a as usize]) {
                    Ok(l) => length = l,
                    Err(m) => {
                        self.mismatch.get_or_insert(m);
                    }
                })
            }
            _ => {}
        }
        self.values.push(value);
        self.lengths.push(length);
        (self.values.len() - 1) as Id
    }

    /// The column of a data vector, loaded once per vector.
    fn column(&mut self, data: &DataRef) -> Id {
        let index = match self.columns.iter().position(|c| c == data) {
            Some(i) => i,
            None => {
                self.columns.push(data.clone());
                self.columns.len() - 1
            }
        };
        self.push(Value::Column(index as u32))
    }

    /// `sum(a)` or `mean(a)`; of a number (a value without rows), the
    /// number itself.
    fn reduce(&mut self, func: Func, a: Id) -> Id {
        if self.lengths[a as usize].is_none() {
            return a;
        }
        if let Some(id) = self.by_reduce.get(&(func, a)) {
            return *id;
        }
        let id = self.push(Value::Reduce(func, a));
        self.by_reduce.insert((func, a), id);
        id
    }

    /// The value of `op`: folded when its operands are constants, shared
    /// when the same instruction was made before.
    fn op(&mut self, op: Op) -> Id {
        let op = match op {
            // Commutative: one order, so that CSE sees a*b and b*a alike.
            Op::Add(a, b) if a > b => Op::Add(b, a),
            Op::Mul(a, b) if a > b => Op::Mul(b, a),
            _ => op,
        };
        // a*1 = a and a/1 = a exactly; canonical forms rarely leave them.
        match op {
            Op::Mul(a, b) | Op::Div(a, b) if self.const_value(b) == Some(1.0) => return a,
            Op::Mul(a, b) if self.const_value(a) == Some(1.0) => return b,
            _ => {}
        }
        if let Some(id) = self.fold(op) {
            return id;
        }
        if let Some(id) = self.by_op.get(&op) {
            return *id;
        }
        let id = self.push(Value::Op(op));
        self.by_op.insert(op, id);
        id
    }

    /// Folds an instruction with constant operands by evaluating it.
    fn fold(&mut self, op: Op) -> Option<Id> {
        let mut scratch = [0.0; MAX_OPERANDS];
        let mut n = 0;
        let mut all_constant = true;
        let local = op.map(|id| {
            match self.const_value(id) {
                Some(v) if n < scratch.len() => scratch[n] = v,
                _ => all_constant = false,
            }
            n += 1;
            (n - 1) as u32
        });
        if !all_constant {
            return None;
        }
        let value = exec(local, |slot| scratch[slot as usize]);
        Some(self.constant(value))
    }

    /// `a + b + ...`, with terms that carry a negative coefficient subtracted
    /// (`x + (-2)*y` is `x - 2*y`).
    fn sum(&mut self, terms: &[Expr]) -> Result<Id> {
        let mut added = Vec::with_capacity(terms.len());
        let mut subtracted = Vec::new();
        for term in terms {
            match self.negated_term(*term)? {
                Some(magnitude) => subtracted.push(magnitude),
                None => added.push(self.lower(*term)?),
            }
        }
        let mut acc = match added.split_first() {
            Some((first, rest)) => rest.iter().fold(*first, |a, b| self.op(Op::Add(a, *b))),
            None => {
                // Every term is negative: -(a + b + ...).
                let total = self.chain(&subtracted, Op::Add);
                return Ok(self.op(Op::Neg(total)));
            }
        };
        for magnitude in subtracted {
            acc = self.op(Op::Sub(acc, magnitude));
        }
        Ok(acc)
    }

    /// For a term `c * rest` with `c < 0`, the value of `|c| * rest`.
    fn negated_term(&mut self, term: Expr) -> Result<Option<Id>> {
        let node = term.node();
        match &*node {
            Node::Num(n) if n.is_negative() => Ok(Some(self.constant(-n.to_f64()))),
            Node::Mul(factors) => match factors[0].as_num() {
                Some(c) if c.is_negative() => Ok(Some(self.product(-c, &factors[1..])?)),
                _ => Ok(None),
            },
            _ => Ok(None),
        }
    }

    /// `coefficient * f1 * f2 * ...`, with factors of negative numeric
    /// exponent moved to a denominator (`x*y^-2` is `x / (y*y)`).
    fn product(&mut self, coefficient: Num, factors: &[Expr]) -> Result<Id> {
        if coefficient == Num::MINUS_ONE {
            let positive = self.product(Num::ONE, factors)?;
            return Ok(self.op(Op::Neg(positive)));
        }
        let mut numerator = Vec::with_capacity(factors.len() + 1);
        let mut denominator = Vec::new();
        if !coefficient.is_one() {
            numerator.push(self.constant(coefficient.to_f64()));
        }
        for factor in factors {
            let node = factor.node();
            match &*node {
                Node::Pow(base, exponent) => match exponent.as_num() {
                    Some(k) if k.is_negative() => denominator.push(self.power(*base, -k)?),
                    _ => numerator.push(self.lower(*factor)?),
                },
                _ => numerator.push(self.lower(*factor)?),
            }
        }
        if denominator.is_empty() {
            return Ok(self.chain(&numerator, Op::Mul));
        }
        let below = self.chain(&denominator, Op::Mul);
        if numerator.is_empty() {
            return Ok(self.op(Op::Recip(below)));
        }
        let above = self.chain(&numerator, Op::Mul);
        Ok(self.op(Op::Div(above, below)))
    }

    /// `v0 op v1 op v2 ...`, left to right. `values` is not empty (canonical
    /// sums and products have at least two terms; callers check the rest).
    fn chain(&mut self, values: &[Id], make: fn(Id, Id) -> Op) -> Id {
        match values.split_first() {
            Some((first, rest)) => rest.iter().fold(*first, |a, b| self.op(make(a, *b))),
            None => self.constant(f64::NAN),
        }
    }

    /// `base^k` for a number `k`: unrolled multiplications, `powi`, `sqrt`
    /// for halves, `recip` for negative exponents, else `powf`.
    fn power(&mut self, base: Expr, k: Num) -> Result<Id> {
        let b = self.lower(base)?;
        if let Some(n) = k.as_integer() {
            return Ok(self.integer_power(b, n));
        }
        if let Num::Rat(p, 2) = k {
            // b^(p/2) = b^((p-1)/2) * sqrt(b), or its reciprocal.
            let root = self.op(Op::Sqrt(b));
            let positive = match (p.abs() - 1) / 2 {
                0 => root,
                m => {
                    let whole = self.integer_power(b, m);
                    self.op(Op::Mul(whole, root))
                }
            };
            return Ok(if p < 0 {
                self.op(Op::Recip(positive))
            } else {
                positive
            });
        }
        let exponent = self.constant(k.to_f64());
        Ok(self.op(Op::Powf(b, exponent)))
    }

    fn integer_power(&mut self, b: Id, n: i64) -> Id {
        match n {
            0 => self.constant(1.0),
            1 => b,
            _ if n < 0 => {
                let positive = self.integer_power(b, n.saturating_neg());
                self.op(Op::Recip(positive))
            }
            _ if n <= UNROLL_POWER && n % 2 == 0 => {
                let half = self.integer_power(b, n / 2);
                self.op(Op::Mul(half, half))
            }
            _ if n <= UNROLL_POWER => {
                let rest = self.integer_power(b, n - 1);
                self.op(Op::Mul(rest, b))
            }
            _ => match i32::try_from(n) {
                Ok(k) => self.op(Op::Powi(b, k)),
                Err(_) => {
                    let exponent = self.constant(n as f64);
                    self.op(Op::Powf(b, exponent))
                }
            },
        }
    }

    /// What the outputs need, with multiply-adds fused.
    pub(super) fn live_fused(&mut self, outputs: &[Id]) -> Vec<bool> {
        let mut live = vec![false; self.values.len()];
        for id in outputs {
            live[*id as usize] = true;
        }
        for id in (0..self.values.len()).rev() {
            if live[id] {
                self.values[id].for_each_operand(|a| live[a as usize] = true);
            }
        }
        fuse_multiply_adds(&mut self.values, &mut live, outputs);
        live
    }

    /// Keeps what the outputs need, fuses multiply-adds, and assigns slots:
    /// parameters, then constants, then instructions, in creation order.
    fn finish(mut self, outputs: &[Id]) -> Tape {
        let live = self.live_fused(outputs);
        let n_params = self.params.len();
        let mut slot = vec![0u32; self.values.len()];
        let mut constants = Vec::new();
        for (id, value) in self.values.iter().enumerate() {
            if let (true, Value::Const(v)) = (live[id], value) {
                slot[id] = (n_params + constants.len()) as u32;
                constants.push(*v);
            }
        }
        let mut ops = Vec::new();
        for (id, value) in self.values.iter().enumerate() {
            match (live[id], value) {
                (_, Value::Param) => slot[id] = id as u32,
                (true, Value::Op(op)) => {
                    slot[id] = (n_params + constants.len() + ops.len()) as u32;
                    ops.push(op.map(|a| slot[a as usize]));
                }
                _ => {}
            }
        }
        let outputs = outputs.iter().map(|id| slot[*id as usize]).collect();
        Tape::new(n_params, constants, ops, outputs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compile::testing::{close, n, one, rat, x, y};
    use crate::symbolic::expr::{add, call, div, mul, neg, pow, sqrt, sub};

    /// Each case: an expression in x, y and the same formula in plain f64.
    #[test]
    fn every_node_kind_matches_plain_arithmetic() {
        type Plain = fn(f64, f64) -> f64;
        let cases: Vec<(Expr, Plain)> = vec![
            (n(7), |_, _| 7.0),
            (rat(-3, 4), |_, _| -0.75),
            (Expr::constant(Constant::Pi), |_, _| std::f64::consts::PI),
            (Expr::constant(Constant::E), |_, _| std::f64::consts::E),
            (x(), |x, _| x),
            (y(), |_, y| y),
            (add([x(), y(), n(3)]), |x, y| x + y + 3.0),
            (sub(x(), y()), |x, y| x - y),
            (add([n(-6), mul([n(2), x()])]), |x, _| 2.0 * x - 6.0),
            (neg(x()), |x, _| -x),
            (neg(add([x(), y()])), |x, y| -x - y),
            (mul([n(3), x(), y()]), |x, y| 3.0 * x * y),
            (mul([n(-5), x(), y()]), |x, y| -5.0 * x * y),
            (div(x(), y()), |x, y| x / y),
            (div(n(2), mul([x(), y()])), |x, y| 2.0 / (x * y)),
            (pow(x(), n(2)), |x, _| x * x),
            (pow(x(), n(3)), |x, _| x.powi(3)),
            (pow(x(), n(5)), |x, _| x.powi(5)),
            (pow(x(), n(12)), |x, _| x.powi(12)),
            (pow(x(), n(-1)), |x, _| 1.0 / x),
            (pow(x(), n(-3)), |x, _| x.powi(-3)),
            (sqrt(x()), |x, _| x.sqrt()),
            (pow(x(), rat(3, 2)), |x, _| x.powf(1.5)),
            (pow(x(), rat(-1, 2)), |x, _| x.powf(-0.5)),
            (pow(x(), rat(1, 3)), |x, _| x.powf(1.0 / 3.0)),
            (pow(x(), Expr::float(0.1234567890123456)), |x, _| {
                x.powf(0.1234567890123456)
            }),
            (pow(x(), y()), |x, y| x.powf(y)),
            (pow(n(2), x()), |x, _| 2f64.powf(x)),
            (pow(add([x(), n(-3)]), n(2)), |x, _| (x - 3.0) * (x - 3.0)),
            (
                add([
                    pow(add([n(1), neg(x())]), n(2)),
                    mul([n(100), pow(add([y(), neg(pow(x(), n(2)))]), n(2))]),
                ]),
                |x, y| (1.0 - x).powi(2) + 100.0 * (y - x * x).powi(2),
            ),
            (
                mul([call(Func::Sin, vec![x()]), call(Func::Exp, vec![y()])]),
                |x, y| x.sin() * y.exp(),
            ),
        ];
        let points = [(0.7, -1.3), (2.0, 3.0), (-4.5, 0.25), (9.0, 1.0)];
        for (e, plain) in cases {
            let tape = one(e, &["x", "y"]);
            for (a, b) in points {
                let got = tape.eval_once(&[a, b])[0];
                let want = plain(a, b);
                assert!(
                    close(got, want),
                    "{e:?} at ({a}, {b}): {got} vs {want}\n{tape}"
                );
            }
        }
    }

    #[test]
    fn powers_become_cheap_instructions() {
        let ops = |e: Expr| one(e, &["x"]).ops().to_vec();
        assert_eq!(ops(pow(x(), n(2))), vec![Op::Mul(0, 0)]);
        assert_eq!(ops(pow(x(), n(4))), vec![Op::Mul(0, 0), Op::Mul(1, 1)]);
        assert_eq!(ops(sqrt(x())), vec![Op::Sqrt(0)]);
        assert_eq!(ops(pow(x(), n(-1))), vec![Op::Recip(0)]);
        assert_eq!(ops(pow(x(), n(20))), vec![Op::Powi(0, 20)]);
        assert_eq!(ops(pow(x(), rat(-1, 2))), vec![Op::Sqrt(0), Op::Recip(1)]);
    }

    #[test]
    fn sums_with_negative_terms_subtract() {
        // 2x - 6, canonically -6 + 2x: constants 6 and 2 in slots 1 and 2.
        let tape = one(add([mul([n(2), x()]), n(-6)]), &["x"]);
        assert_eq!(tape.constants(), &[6.0, 2.0]);
        assert_eq!(tape.ops(), &[Op::MulSub(0, 2, 1)]);
        // -x - 2y
        let tape = one(neg(add([x(), mul([n(2), y()])])), &["x", "y"]);
        assert_eq!(tape.ops(), &[Op::MulAdd(1, 2, 0), Op::Neg(3)]);
        let tape = one(sub(x(), y()), &["x", "y"]);
        assert_eq!(tape.ops(), &[Op::Sub(0, 1)]);
        let tape = one(div(x(), y()), &["x", "y"]);
        assert_eq!(tape.ops(), &[Op::Div(0, 1)]);
    }

    #[test]
    fn products_used_once_fuse_into_multiply_adds() {
        let z = Expr::var("z");
        let params = ["x", "y", "z"];
        let ops = |e: Expr| one(e, &params).ops().to_vec();
        assert_eq!(ops(add([x(), mul([y(), z])])), vec![Op::MulAdd(1, 2, 0)]);
        assert_eq!(ops(sub(x(), mul([y(), z]))), vec![Op::SubMul(0, 1, 2)]);
        assert_eq!(ops(sub(mul([y(), z]), x())), vec![Op::MulSub(1, 2, 0)]);
        // A product that is also an output, or used twice, stays.
        let yz = mul([y(), z]);
        let Ok(tape) = compile(&[add([x(), yz]), yz], &params) else {
            panic!("compiles")
        };
        assert_eq!(tape.ops(), &[Op::Mul(1, 2), Op::Add(0, 3)]);
        let (a, b, c) = (0.1, 0.7, 1e17);
        assert_eq!(tape.eval_once(&[a, b, c]), vec![a + b * c, b * c]);
        let tape = one(sub(x(), mul([y(), z])), &params);
        assert_eq!(tape.eval_once(&[a, b, c]), vec![a - b * c]);
    }

    #[test]
    fn constants_fold() {
        // sin(pi/5) has no exact form: it is folded to a double.
        let fifth = mul([Expr::num(Num::Rat(1, 5)), Expr::constant(Constant::Pi)]);
        let sin_fifth = call(Func::Sin, vec![fifth]);
        let tape = one(mul([sin_fifth, x()]), &["x"]);
        assert_eq!(tape.ops().len(), 1, "{tape}");
        assert_eq!(
            tape.eval_once(&[2.0]),
            vec![(std::f64::consts::PI * 0.2).sin() * 2.0]
        );
        let tape = one(call(Func::Exp, vec![Expr::constant(Constant::E)]), &["x"]);
        assert!(tape.ops().is_empty());
        assert_eq!(tape.eval_once(&[0.0]), vec![std::f64::consts::E.exp()]);
    }

    #[test]
    fn shared_subexpressions_are_computed_once() {
        let sin_x = call(Func::Sin, vec![x()]);
        let outputs = [mul([sin_x, y()]), add([sin_x, y()]), sin_x];
        let Ok(tape) = compile(&outputs, &["x", "y"]) else {
            panic!("compiles")
        };
        assert_eq!(tape.ops().len(), 3, "{tape}");
        let (a, b) = (0.4f64, 1.5f64);
        assert_eq!(
            tape.eval_once(&[a, b]),
            vec![a.sin() * b, a.sin() + b, a.sin()]
        );
        // x^2 inside two different products: one multiplication x*x.
        let x2 = pow(x(), n(2));
        let outputs = [mul([x2, y()]), mul([n(3), x2]), x2];
        let Ok(tape) = compile(&outputs, &["x", "y"]) else {
            panic!("compiles")
        };
        let squares = tape.ops().iter().filter(|op| **op == Op::Mul(0, 0)).count();
        assert_eq!(squares, 1, "{tape}");
        assert_eq!(tape.ops().len(), 3, "{tape}");
    }

    #[test]
    fn outputs_may_be_parameters_or_constants() {
        let Ok(tape) = compile(&[y(), n(4), x()], &["x", "y"]) else {
            panic!("compiles")
        };
        assert!(tape.ops().is_empty());
        assert_eq!((tape.n_params(), tape.n_outputs()), (2, 3));
        assert_eq!(tape.eval_once(&[1.0, 2.0]), vec![2.0, 4.0, 1.0]);
    }

    #[test]
    fn unknown_variables_and_unresolved_calls_are_errors() {
        let Err(err) = compile(&[add([x(), y()])], &["x"]) else {
            panic!("y is not a parameter")
        };
        assert_eq!(err.kind, ErrorKind::Name);
        assert!(err.message.contains("'y'"), "{}", err.message);
        assert!(err.message.contains("x"), "{}", err.message);
        let Err(err) = compile(&[crate::symbolic::expr::apply("f", vec![x()])], &["x"]) else {
            panic!("calls must be resolved")
        };
        assert_eq!(err.kind, ErrorKind::Name);
        assert!(err.message.contains("'f'"), "{}", err.message);
    }
}
