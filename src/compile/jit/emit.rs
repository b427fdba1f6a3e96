//! Emitting a native function with Cranelift: `generate` sets up a
//! function over argument arrays and hands an `Emitter` to the code that
//! fills it in; the emitter gives instructions (`Op`) their machine code,
//! calls the built-ins through `calls`, and loads and stores array
//! elements.
//!
//! Invariant: every memory access of generated code goes through
//! `Emitter::load`/`store` (a constant index, checked here against the
//! array's `min_len`), `load_at`/`load_pair_at` (a computed
//! index, checked at run time against the array's length) or `record`
//! (a computed record index, checked at run time against the records that
//! fit in `min_len`); stores go only to writable arrays; the only memory a
//! built-in is given is a stack slot of the function's own (`sin_cos`).
//! `native`'s calls are sound because of this.

use std::rc::Rc;

use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::{
    AbiParam, InstBuilder, MemFlagsData, SigRef, Signature, StackSlotData, StackSlotKind, TrapCode,
    Type, Value, types,
};
use cranelift_codegen::isa::CallConv;
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext};
use cranelift_module::Module;

use super::native::{self, ArraySpec, Kind, Native, RawArg};
use crate::compile::calls;
use crate::compile::isa::Op;

/// An array generated code can read: an argument or a constant array.
#[derive(Copy, Clone, Debug)]
pub struct Array(usize);

/// A record of an argument array whose index was checked (see
/// `Emitter::record`).
pub struct Record {
    address: Value,
    stride: usize,
}

struct ArrayAt {
    spec: ArraySpec,
    base: Value,
    len: Value,
}

/// The shapes of the built-ins' signatures.
#[derive(Copy, Clone)]
enum Shape {
    Unary,
    Binary,
    Powi,
    /// A number and the address of a number to write: `sin_cos`.
    WithOut,
}

/// The number of shapes.
const N_SHAPES: usize = 4;

/// Fills in one native function (see `generate`). The builder is public:
/// callers write their own control flow and arithmetic with it.
pub struct Emitter<'f> {
    pub b: FunctionBuilder<'f>,
    arrays: Vec<ArrayAt>,
    constants: Vec<Rc<[f64]>>,
    call_conv: CallConv,
    signatures: [Option<SigRef>; N_SHAPES],
}

/// Native code for a function over arrays of `specs`, written by `emit`,
/// which starts in the entry block and leaves the builder in the block that
/// returns. `None` where Cranelift has no code generator for this machine
/// (or fails, which would be a bug): then the interpreter runs.
pub fn generate(specs: &[ArraySpec], emit: impl FnOnce(&mut Emitter<'_>)) -> Option<Native> {
    let isa = native::host_isa()?;
    if isa.pointer_type() != types::I64 {
        return None;
    }
    let call_conv = isa.default_call_conv();
    let mut module = native::module(isa);
    let frontend = module.target_config();
    let mut ctx = module.make_context();
    let mut signature = Signature::new(call_conv);
    signature.params.push(AbiParam::new(types::I64));
    let id = module.declare_anonymous_function(&signature).ok()?;
    ctx.func.signature = signature;
    let mut builder_context = FunctionBuilderContext::new();
    let constants = {
        let mut b = FunctionBuilder::new(&mut ctx.func, &mut builder_context);
        let entry = b.create_block();
        b.append_block_params_for_function_params(entry);
        b.switch_to_block(entry);
        b.seal_block(entry);
        let args = b.block_params(entry)[0];
        let mut e = Emitter {
            b,
            arrays: Vec::new(),
            constants: Vec::new(),
            call_conv,
            signatures: [None; N_SHAPES],
        };
        for spec in specs {
            e.argument(args, *spec);
        }
        emit(&mut e);
        e.b.ins().return_(&[]);
        e.b.seal_all_blocks();
        e.b.finalize(frontend);
        e.constants
    };
    module.define_function(id, &mut ctx).ok()?;
    module.finalize_definitions().ok()?;
    let code = module.get_finalized_function(id);
    Some(Native::new(module, code, specs.to_vec(), constants))
}

impl Emitter<'_> {
    /// Reads the next argument's address and length from the `RawArg`
    /// array at `args`.
    fn argument(&mut self, args: Value, spec: ArraySpec) {
        let size = std::mem::size_of::<RawArg>() as i32;
        let offset = self.arrays.len() as i32 * size;
        let flags = MemFlagsData::trusted();
        let base = self.b.ins().load(types::I64, flags, args, offset);
        let len = self.b.ins().load(types::I64, flags, args, offset + 8);
        self.arrays.push(ArrayAt { spec, base, len });
    }

    /// Argument array `k`, in the order of the specs.
    pub fn arg(&self, k: usize) -> Array {
        assert!(k < self.arrays.len(), "an argument");
        Array(k)
    }

    /// An array of numbers the code reads by address; the function keeps
    /// it alive.
    pub fn constant_array(&mut self, values: Rc<[f64]>) -> Array {
        let base = self.b.ins().iconst(types::I64, values.as_ptr() as i64);
        let len = self.b.ins().iconst(types::I64, values.len() as i64);
        let spec = ArraySpec {
            kind: Kind::F64In,
            min_len: values.len(),
        };
        self.constants.push(values);
        self.arrays.push(ArrayAt { spec, base, len });
        Array(self.arrays.len() - 1)
    }

    /// The run-time length of an array (an integer).
    pub fn len(&self, array: Array) -> Value {
        self.arrays[array.0].len
    }

    /// Element `index` (a constant) of `array`.
    pub fn load(&mut self, array: Array, index: usize) -> Value {
        let (ty, offset, base) = self.constant_index(array, index);
        self.b.ins().load(ty, MemFlagsData::trusted(), base, offset)
    }

    /// Stores `value` at element `index` (a constant) of `array`.
    pub fn store(&mut self, array: Array, index: usize, value: Value) {
        let (_, offset, base) = self.constant_index(array, index);
        assert!(
            self.arrays[array.0].spec.kind.writable(),
            "a writable array"
        );
        self.b
            .ins()
            .store(MemFlagsData::trusted(), value, base, offset);
    }

    /// Element `index` (an integer computed at run time) of `array`;
    /// an index out of bounds traps. `U32In` elements are widened.
    pub fn load_at(&mut self, array: Array, index: Value) -> Value {
        let (ty, address) = self.checked_address(array, index);
        let value = self.b.ins().load(ty, MemFlagsData::trusted(), address, 0);
        match ty {
            types::I32 => self.b.ins().uextend(types::I64, value),
            _ => value,
        }
    }

    /// Record `index` (computed at run time) of `array` seen as records of
    /// `stride` elements: checked once against the records that fit in the
    /// array's `min_len` (out of bounds traps), then written with
    /// `store_in` at constant offsets below `stride`.
    pub fn record(&mut self, array: Array, index: Value, stride: usize) -> Record {
        let at = &self.arrays[array.0];
        let (base, spec) = (at.base, at.spec);
        assert!(spec.kind.writable(), "a writable array");
        let count = (spec.min_len / stride.max(1)) as i64;
        let inside = self
            .b
            .ins()
            .icmp_imm_u(IntCC::UnsignedLessThan, index, count);
        self.b.ins().trapz(inside, TrapCode::HEAP_OUT_OF_BOUNDS);
        let (_, size) = spec.kind.element();
        let offset = self.b.ins().imul_imm_s(index, size * stride as i64);
        Record {
            address: self.b.ins().iadd(base, offset),
            stride,
        }
    }

    /// Stores `value` at element `offset` (a constant below the stride) of
    /// `record`.
    pub fn store_in(&mut self, record: &Record, offset: usize, value: Value) {
        assert!(offset < record.stride, "an offset inside the record");
        let offset = i32::try_from(offset * 8).expect("an offset within 2 GB");
        self.b
            .ins()
            .store(MemFlagsData::trusted(), value, record.address, offset);
    }

    /// Elements `index` and `index + 1` (computed at run time) of an array
    /// of numbers, as the two lanes of a vector; out of bounds traps.
    pub fn load_pair_at(&mut self, array: Array, index: Value) -> Value {
        let second = self.b.ins().iadd_imm_s(index, 1);
        let (_, _) = self.checked_address(array, second);
        let (_, address) = self.checked_address(array, index);
        let flags = MemFlagsData::new().with_notrap();
        self.b.ins().load(types::F64X2, flags, address, 0)
    }

    fn constant_index(&self, array: Array, index: usize) -> (Type, i32, Value) {
        let at = &self.arrays[array.0];
        assert!(index < at.spec.min_len, "a constant index below min_len");
        let (ty, size) = at.spec.kind.element();
        let offset = i32::try_from(index as i64 * size).expect("an offset within 2 GB");
        (ty, offset, at.base)
    }

    fn checked_address(&mut self, array: Array, index: Value) -> (Type, Value) {
        let (base, len, kind) = {
            let at = &self.arrays[array.0];
            (at.base, at.len, at.spec.kind)
        };
        let inside = self.b.ins().icmp(IntCC::UnsignedLessThan, index, len);
        self.b.ins().trapz(inside, TrapCode::HEAP_OUT_OF_BOUNDS);
        let (ty, size) = kind.element();
        let offset = self.b.ins().imul_imm_s(index, size);
        (ty, self.b.ins().iadd(base, offset))
    }

    pub fn f64(&mut self, v: f64) -> Value {
        self.b.ins().f64const(v)
    }

    pub fn int(&mut self, v: i64) -> Value {
        self.b.ins().iconst(types::I64, v)
    }

    /// `a.powf(b)` through the function the interpreter calls.
    pub fn powf(&mut self, a: Value, b: Value) -> Value {
        self.call(calls::powf as *const () as usize, Shape::Binary, &[a, b])
    }

    /// The value of instruction `op`, its operands' values given by `at`:
    /// IEEE arithmetic in the order `exec` computes it (never fused), and
    /// every built-in through the function `exec` calls.
    pub fn op(&mut self, op: Op, at: impl Fn(u32) -> Value) -> Value {
        use Shape::{Binary, Unary};
        let unary = |f: extern "C" fn(f64) -> f64| (f as usize, Unary);
        let binary = |f: extern "C" fn(f64, f64) -> f64| (f as usize, Binary);
        let (callee, args) = match op {
            Op::Add(a, b) => return self.b.ins().fadd(at(a), at(b)),
            Op::Sub(a, b) => return self.b.ins().fsub(at(a), at(b)),
            Op::Mul(a, b) => return self.b.ins().fmul(at(a), at(b)),
            Op::Div(a, b) => return self.b.ins().fdiv(at(a), at(b)),
            Op::Neg(a) => return self.b.ins().fneg(at(a)),
            Op::Abs(a) => return self.b.ins().fabs(at(a)),
            Op::Sqrt(a) => return self.b.ins().sqrt(at(a)),
            Op::Recip(a) => {
                let one = self.f64(1.0);
                return self.b.ins().fdiv(one, at(a));
            }
            Op::MulAdd(a, b, c) => {
                let product = self.b.ins().fmul(at(a), at(b));
                return self.b.ins().fadd(product, at(c));
            }
            Op::MulSub(a, b, c) => {
                let product = self.b.ins().fmul(at(a), at(b));
                return self.b.ins().fsub(product, at(c));
            }
            Op::SubMul(a, b, c) => {
                let product = self.b.ins().fmul(at(b), at(c));
                return self.b.ins().fsub(at(a), product);
            }
            Op::Powi(a, k) => {
                let k = self.b.ins().iconst(types::I32, i64::from(k));
                return self.call(calls::powi as *const () as usize, Shape::Powi, &[at(a), k]);
            }
            Op::Powf(a, b) => (binary(calls::powf), vec![at(a), at(b)]),
            Op::Min(a, b) => (binary(calls::min), vec![at(a), at(b)]),
            Op::Max(a, b) => (binary(calls::max), vec![at(a), at(b)]),
            Op::Sin(a) => (unary(calls::sin), vec![at(a)]),
            Op::Cos(a) => (unary(calls::cos), vec![at(a)]),
            Op::Tan(a) => (unary(calls::tan), vec![at(a)]),
            Op::Asin(a) => (unary(calls::asin), vec![at(a)]),
            Op::Acos(a) => (unary(calls::acos), vec![at(a)]),
            Op::Atan(a) => (unary(calls::atan), vec![at(a)]),
            Op::Sinh(a) => (unary(calls::sinh), vec![at(a)]),
            Op::Cosh(a) => (unary(calls::cosh), vec![at(a)]),
            Op::Tanh(a) => (unary(calls::tanh), vec![at(a)]),
            Op::Exp(a) => (unary(calls::exp), vec![at(a)]),
            Op::Ln(a) => (unary(calls::ln), vec![at(a)]),
            Op::Log2(a) => (unary(calls::log2), vec![at(a)]),
            Op::Log10(a) => (unary(calls::log10), vec![at(a)]),
            Op::Sign(a) => (unary(calls::sign), vec![at(a)]),
            Op::Step(a) => (unary(calls::step), vec![at(a)]),
            Op::Sigmoid(a) => (unary(calls::sigmoid), vec![at(a)]),
        };
        let (address, shape) = callee;
        self.call(address, shape, &args)
    }

    /// `(sin a, cos a)` with one call of `calls::sin_cos`, whose second
    /// result goes through a stack slot of this function.
    pub fn sin_cos(&mut self, a: Value) -> (Value, Value) {
        let data = StackSlotData::new(StackSlotKind::ExplicitSlot, 8, 3);
        let slot = self.b.create_sized_stack_slot(data);
        let address = self.b.ins().stack_addr(types::I64, slot, 0);
        let sin = self.call(
            calls::sin_cos as *const () as usize,
            Shape::WithOut,
            &[a, address],
        );
        let cos = self
            .b
            .ins()
            .load(types::F64, MemFlagsData::trusted(), address, 0);
        (sin, cos)
    }

    /// Instruction `op` on two lanes at once, its operands' vectors given
    /// by `at`: the vector form of each IEEE operation (lane by lane the
    /// same operation as `op`), and for a built-in the scalar call on each
    /// lane.
    pub fn op_pair(&mut self, op: Op, at: impl Fn(u32) -> Value) -> Value {
        match op {
            Op::Add(a, b) => self.b.ins().fadd(at(a), at(b)),
            Op::Sub(a, b) => self.b.ins().fsub(at(a), at(b)),
            Op::Mul(a, b) => self.b.ins().fmul(at(a), at(b)),
            Op::Div(a, b) => self.b.ins().fdiv(at(a), at(b)),
            Op::Neg(a) => self.b.ins().fneg(at(a)),
            Op::Abs(a) => self.b.ins().fabs(at(a)),
            Op::Sqrt(a) => self.b.ins().sqrt(at(a)),
            Op::Recip(a) => {
                let one = self.f64(1.0);
                let ones = self.b.ins().splat(types::F64X2, one);
                self.b.ins().fdiv(ones, at(a))
            }
            Op::MulAdd(a, b, c) => {
                let product = self.b.ins().fmul(at(a), at(b));
                self.b.ins().fadd(product, at(c))
            }
            Op::MulSub(a, b, c) => {
                let product = self.b.ins().fmul(at(a), at(b));
                self.b.ins().fsub(product, at(c))
            }
            Op::SubMul(a, b, c) => {
                let product = self.b.ins().fmul(at(b), at(c));
                self.b.ins().fsub(at(a), product)
            }
            _ => self.op_per_lane(op, at),
        }
    }

    /// `op` on each lane with the scalar code, the results put together.
    fn op_per_lane(&mut self, op: Op, at: impl Fn(u32) -> Value) -> Value {
        let mut operands = Vec::new();
        op.for_each_operand(|a| operands.push((a, at(a))));
        let low = self.op_on_lane(op, &operands, 0);
        let high = self.op_on_lane(op, &operands, 1);
        let vector = self.b.ins().scalar_to_vector(types::F64X2, low);
        self.b.ins().insertlane(vector, high, 1)
    }

    /// `op` on lane `lane` of its operands `(register, vector)`.
    fn op_on_lane(&mut self, op: Op, operands: &[(u32, Value)], lane: u8) -> Value {
        let values: Vec<(u32, Value)> = operands
            .iter()
            .map(|(a, v)| (*a, self.b.ins().extractlane(*v, lane)))
            .collect();
        let find = |a: u32| values.iter().find(|(b, _)| *b == a).map(|(_, v)| *v);
        self.op(op, |a| find(a).expect("an operand of op"))
    }

    /// A call of the `extern "C"` function at `address`.
    fn call(&mut self, address: usize, shape: Shape, args: &[Value]) -> Value {
        let signature = self.signature(shape);
        let callee = self.b.ins().iconst(types::I64, address as i64);
        let call = self.b.ins().call_indirect(signature, callee, args);
        self.b.inst_results(call)[0]
    }

    fn signature(&mut self, shape: Shape) -> SigRef {
        let k = shape as usize;
        if let Some(signature) = self.signatures[k] {
            return signature;
        }
        let mut signature = Signature::new(self.call_conv);
        let params: &[Type] = match shape {
            Shape::Unary => &[types::F64],
            Shape::Binary => &[types::F64, types::F64],
            Shape::Powi => &[types::F64, types::I32],
            Shape::WithOut => &[types::F64, types::I64],
        };
        signature
            .params
            .extend(params.iter().map(|t| AbiParam::new(*t)));
        signature.returns.push(AbiParam::new(types::F64));
        let imported = self.b.import_signature(signature);
        self.signatures[k] = Some(imported);
        imported
    }
}
