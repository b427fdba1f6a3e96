//! The one place that runs generated machine code: a `Native` function
//! owns its code memory (freed when it is dropped), checks its arguments
//! against what the code was generated for, and calls it.
//!
//! The calling convention of every generated function: one pointer to an
//! array of `RawArg`, one per argument array, in the order of the
//! `ArraySpec`s the code was generated with. Invariant (the reason the
//! calls below are sound): generated code reads and writes memory only
//! through `Emitter`'s loads and stores, which index an argument array at a
//! constant index below the array's `min_len` (checked by the emitter as it
//! emits, and by `Native::call` against the slice passed) or at a computed
//! index it checks at run time (a failed check traps rather than reading
//! out of bounds); it writes only arrays of a writable kind and its own
//! stack; it reads constant arrays only inside their length, which `Native`
//! keeps alive; and it calls only the `extern "C"` functions of `calls`,
//! with their signatures.

use std::rc::Rc;
use std::sync::OnceLock;

use cranelift_codegen::ir::{Type, types};
use cranelift_codegen::isa::OwnedTargetIsa;
use cranelift_codegen::settings::{self, Configurable};
use cranelift_jit::{JITBuilder, JITModule};
use cranelift_module::default_libcall_names;

/// What an argument array holds and whether generated code may write it.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Kind {
    F64,
    F64In,
    I64,
    U32In,
}

impl Kind {
    pub(super) fn writable(self) -> bool {
        matches!(self, Kind::F64 | Kind::I64)
    }

    /// The element's machine type and size in bytes.
    pub(super) fn element(self) -> (Type, i64) {
        match self {
            Kind::F64 | Kind::F64In => (types::F64, 8),
            Kind::I64 => (types::I64, 8),
            Kind::U32In => (types::I32, 4),
        }
    }
}

/// An argument array: its kind, and the least length a call must pass
/// (generated code reads constant indices below it unchecked).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct ArraySpec {
    pub kind: Kind,
    pub min_len: usize,
}

/// One argument as generated code sees it: where the array starts and how
/// many elements it has.
#[repr(C)]
#[derive(Copy, Clone)]
pub(super) struct RawArg {
    pub(super) ptr: *mut u8,
    pub(super) len: usize,
}

/// The most arguments a generated function takes.
pub const MAX_ARGS: usize = 8;

/// An argument array passed to generated code.
pub enum Arg<'a> {
    /// Numbers the code may read and write.
    F64(&'a mut [f64]),
    /// Numbers the code only reads.
    F64In(&'a [f64]),
    /// Integers the code may read and write.
    I64(&'a mut [i64]),
    /// Row indices the code only reads.
    U32In(&'a [u32]),
}

impl Arg<'_> {
    #[inline]
    fn raw(&mut self) -> (Kind, RawArg) {
        match self {
            Arg::F64(s) => (Kind::F64, raw(s.as_mut_ptr().cast(), s.len())),
            Arg::F64In(s) => (Kind::F64In, raw(s.as_ptr().cast_mut().cast(), s.len())),
            Arg::I64(s) => (Kind::I64, raw(s.as_mut_ptr().cast(), s.len())),
            Arg::U32In(s) => (Kind::U32In, raw(s.as_ptr().cast_mut().cast(), s.len())),
        }
    }
}

fn raw(ptr: *mut u8, len: usize) -> RawArg {
    RawArg { ptr, len }
}

/// The host's instruction set, detected once; `None` where Cranelift does
/// not generate code for this machine.
pub(super) fn host_isa() -> Option<OwnedTargetIsa> {
    static ISA: OnceLock<Option<OwnedTargetIsa>> = OnceLock::new();
    ISA.get_or_init(|| {
        let mut flags = settings::builder();
        let wanted = [
            ("opt_level", "speed"),
            ("is_pic", "false"),
            ("use_colocated_libcalls", "false"),
            (
                "enable_verifier",
                if cfg!(debug_assertions) {
                    "true"
                } else {
                    "false"
                },
            ),
        ];
        for (name, value) in wanted {
            flags.set(name, value).ok()?;
        }
        let builder = cranelift_native::builder().ok()?;
        builder.finish(settings::Flags::new(flags)).ok()
    })
    .clone()
}

/// A fresh module to define one function in.
pub(super) fn module(isa: OwnedTargetIsa) -> JITModule {
    JITModule::new(JITBuilder::with_isa(isa, default_libcall_names()))
}

/// A generated function with the memory that holds it.
pub struct Native {
    /// `Some` until dropped: `free_memory` takes it.
    module: Option<JITModule>,
    code: *const u8,
    specs: Vec<ArraySpec>,
    /// Arrays the code reads by address (a program's data columns).
    _constants: Vec<Rc<[f64]>>,
}

impl Native {
    /// Wraps the finalized function at `code` in `module`, generated for
    /// arguments of `specs` and reading `constants` by address.
    pub(super) fn new(
        module: JITModule,
        code: *const u8,
        specs: Vec<ArraySpec>,
        constants: Vec<Rc<[f64]>>,
    ) -> Native {
        assert!(specs.len() <= MAX_ARGS, "at most MAX_ARGS arguments");
        Native {
            module: Some(module),
            code,
            specs,
            _constants: constants,
        }
    }

    /// Runs the code on `args`.
    ///
    /// # Panics
    /// When the arguments are not of the kinds the code was generated for,
    /// or one is shorter than its `min_len`.
    #[inline]
    pub fn call(&self, args: &mut [Arg<'_>]) {
        assert_eq!(args.len(), self.specs.len(), "one argument per array");
        let mut raws = [raw(std::ptr::null_mut(), 0); MAX_ARGS];
        for ((arg, spec), slot) in args.iter_mut().zip(&self.specs).zip(&mut raws) {
            let (kind, raw) = arg.raw();
            assert_eq!(kind, spec.kind, "an argument of the generated kind");
            assert!(raw.len >= spec.min_len, "an argument long enough");
            *slot = raw;
        }
        // SAFETY: `code` is the entry of a function finalized in
        // `self.module`, which lives as long as `self`, generated with the
        // signature `extern "C" fn(*const RawArg)` for the host's default
        // calling convention. Its memory accesses stay inside the arrays
        // (see the module doc): each argument was checked above to be of
        // the kind and at least the length the code was generated for, and
        // the slices stay borrowed for the whole call.
        unsafe {
            let entry: extern "C" fn(*const RawArg) = std::mem::transmute(self.code);
            entry(raws.as_ptr());
        }
    }
}

impl Drop for Native {
    fn drop(&mut self) {
        if let Some(module) = self.module.take() {
            // SAFETY: the only pointer into the module's memory is `code`,
            // which is dropped with `self` and is not running (calls borrow
            // `self`).
            unsafe { module.free_memory() };
        }
    }
}
