//! Wasm → LLVM IR (textual, LLVM 14 typed pointers).
//!
//! Per defined function `i` (index among defined functions):
//! - `f{i}`: `(i8* ctx, params...) -> result` (no result: `void`; several: a struct),
//!   `dso_local`, so calls between functions are direct PC-relative calls, in LLVM's
//!   `tailcc` convention: `return_call` becomes a `musttail` call, which that convention
//!   guarantees to be a jump even between functions of different types (x86_64, aarch64,
//!   ARM), so tail recursion runs in constant native stack (RISC-V: the C convention,
//!   no tail calls; see `IrOptions::tail_calls`);
//! - `t{i}`: `void (i8* ctx, i8* cells)`, the array-call trampoline the runtime enters
//!   through (arguments in the 64-bit cells on entry, results on return).
//!
//! Locals and block results live in allocas (SROA/mem2reg turn them into SSA); the Wasm
//! value stack is kept at compile time. Traps store their code into `VmContext::trap` and
//! return; every call is followed by a check of that slot. Runtime helpers are external
//! `dso_local` declarations named `Helper::symbol()`.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use mote_core::aot::context::{field, field_offset, memory_field, table_field};
use mote_core::aot::helpers::{AbiType, Helper};
use mote_core::aot::object::BoundsChecks;
use mote_core::module::val_type;
use mote_core::operators::memory_of;
use mote_core::types::PAGE_SIZE_LOG2;
use mote_core::{Module, Trap, ValType};
use wasmparser::{BlockType, MemArg, Operator};

use crate::CompileError;

/// What the IR depends on besides the module.
#[derive(Debug, Clone, Copy)]
pub struct IrOptions {
    /// 4 or 8: size of `VmContext` fields.
    pub pointer_size: usize,
    pub bounds_checks: BoundsChecks,
    /// Lower ceil/floor/trunc/nearest with integer and add/sub tricks instead of the LLVM
    /// intrinsics (which become libcalls on targets without rounding instructions).
    pub soft_rounding: bool,
    /// 0 none, 1 `optsize`, 2 `minsize`.
    pub size_level: u8,
    /// Lower 64-bit div/rem with the module's own routine (`div64_runtime`) instead of
    /// LLVM's `udiv i64` & co. (which become libcalls on 32-bit targets).
    pub soft_div64: bool,
    /// Lower i64 <-> float conversions with integer operations (32-bit targets would call
    /// `__fixdfdi`, `__floatdidf`, ...).
    pub soft_int_float: bool,
    /// Execute-in-place code: call helpers through `VmContext::helpers` instead of
    /// symbols the loader would patch in.
    pub xip: bool,
    /// The target has guaranteed tail calls (`tailcc`, see `llvm::guaranteed_tail_calls`):
    /// module functions use that convention; without it they use the C convention and
    /// `return_call*` is refused.
    pub tail_calls: bool,
    /// Pad module functions' stack arguments to a multiple of 16 bytes (32-bit ARM's
    /// `tailcc` in LLVM 14, see `arm_tailcc`).
    pub pad_stack_args: bool,
    /// Charge fuel at each segment start (`mote_core::fuel`).
    pub fuel: bool,
    /// Check `VmContext::interrupt` at function entry and loop headers.
    pub interruptible: bool,
    /// Report each function a trap returns through to the `TrapFrame` helper (the
    /// runtime's backtrace); without it traps have no backtrace and the code is as small
    /// and fast as it can be.
    pub backtrace: bool,
    /// With `backtrace`: pass the Wasm offset of each trap site and call too (a move of a
    /// constant on each trap path); without it backtraces name the functions only.
    pub backtrace_offsets: bool,
    /// Canonicalise NaN results (`mote_core::nan`).
    pub deterministic: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ty {
    I32,
    I64,
    F32,
    F64,
}

impl Ty {
    fn of(v: ValType) -> Result<Ty, CompileError> {
        Ok(match v {
            ValType::I32 => Ty::I32,
            ValType::I64 | ValType::FuncRef | ValType::ExternRef => Ty::I64,
            ValType::F32 => Ty::F32,
            ValType::F64 => Ty::F64,
            ValType::V128 => return Err(CompileError::Unsupported("v128 (SIMD) values".into())),
        })
    }
    fn ir(self) -> &'static str {
        match self {
            Ty::I32 => "i32",
            Ty::I64 => "i64",
            Ty::F32 => "float",
            Ty::F64 => "double",
        }
    }
    fn zero(self) -> &'static str {
        match self {
            Ty::I32 | Ty::I64 => "0",
            Ty::F32 | Ty::F64 => "0.0",
        }
    }
    /// The integer type of the same width.
    fn int(self) -> Ty {
        match self {
            Ty::I32 | Ty::F32 => Ty::I32,
            Ty::I64 | Ty::F64 => Ty::I64,
        }
    }
    pub(crate) fn bits(self) -> u32 {
        match self {
            Ty::I32 | Ty::F32 => 32,
            Ty::I64 | Ty::F64 => 64,
        }
    }
    fn suffix(self) -> &'static str {
        match self {
            Ty::I32 => "i32",
            Ty::I64 => "i64",
            Ty::F32 => "f32",
            Ty::F64 => "f64",
        }
    }
}

/// A float constant operand of type `ty` (exactly representable in it) in LLVM's hex
/// notation (always the double bit pattern).
fn fconst(v: f64) -> String {
    format!("0x{:016X}", v.to_bits())
}

#[derive(Debug, Clone)]
struct Val {
    ty: Ty,
    s: String,
    /// Bits of a float constant.
    fbits: Option<u64>,
}

impl Val {
    fn new(ty: Ty, s: impl Into<String>) -> Val {
        Val {
            ty,
            s: s.into(),
            fbits: None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Func,
    Block,
    Loop,
    If,
    /// Entered while unreachable: only nesting is tracked.
    Dead,
}

#[derive(Debug)]
struct Frame {
    kind: Kind,
    /// Branch target: the loop header for loops, else the end label.
    target: String,
    end_label: String,
    else_label: String,
    has_else: bool,
    results: Vec<Ty>,
    params: Vec<Ty>,
    /// Allocas that branches store their values into (loop: params; else: results).
    slots: Vec<String>,
    /// If: the parameter values, pushed again at `else`.
    param_vals: Vec<Val>,
    height: usize,
    end_reachable: bool,
}

/// Generates the IR of a whole module.
pub fn module_ir(module: &Module, opts: &IrOptions) -> Result<String, CompileError> {
    let mut g = ModuleGen {
        module,
        opts: *opts,
        decls: BTreeSet::new(),
        div64: false,
        dispatchers: BTreeSet::new(),
        out: String::new(),
    };
    g.generate()?;
    Ok(g.out)
}

struct ModuleGen<'m> {
    module: &'m Module,
    opts: IrOptions,
    /// Intrinsic declarations used.
    decls: BTreeSet<String>,
    /// `div64_runtime` is used.
    div64: bool,
    /// Type classes whose `dispatch{class}` function `call_indirect` uses.
    dispatchers: BTreeSet<u32>,
    out: String,
}

/// Whether defined function `d` has no loop and makes no call: it runs straight through
/// (branches only go forward), so it ends in bounded time and needs no interrupt check
/// at its entry. Any endless execution still meets a check: it either loops (loop headers
/// check) or recurses, and every function on a cycle of calls makes a call, so it is no
/// leaf and checks at its entry. Calls from the embedder enter a leaf through its
/// trampoline, which checks instead.
fn is_leaf(module: &Module, d: u32) -> Result<bool, CompileError> {
    let mut reader = module.operators(d);
    while !reader.eof() {
        let op = reader
            .read()
            .map_err(|e| CompileError::Unsupported(format!("{e}")))?;
        if matches!(
            op,
            Operator::Loop { .. }
                | Operator::Call { .. }
                | Operator::CallIndirect { .. }
                | Operator::ReturnCall { .. }
                | Operator::ReturnCallIndirect { .. }
        ) {
            return Ok(false);
        }
    }
    Ok(true)
}

fn ret_type(results: &[Ty]) -> String {
    match results {
        [] => "void".into(),
        [t] => t.ir().into(),
        many => {
            let parts: Vec<&str> = many.iter().map(|t| t.ir()).collect();
            format!("{{ {} }}", parts.join(", "))
        }
    }
}

impl IrOptions {
    /// The calling convention of module functions, as written before the return type.
    fn call_conv(&self) -> &'static str {
        if self.tail_calls {
            "tailcc "
        } else {
            ""
        }
    }
}

/// Whether a `musttail` call may return `results`: LLVM 14 aborts on a `musttail` call
/// whose return value it would have to pass in memory (an implicit `sret`), which a
/// struct of several results can need; one value always comes back in registers.
fn guaranteed_tail(results: &[Ty]) -> bool {
    results.len() <= 1
}

fn abi_ir(t: AbiType) -> &'static str {
    match t {
        AbiType::Ptr => "i8*",
        AbiType::I32 => "i32",
        AbiType::I64 => "i64",
        AbiType::F32 => "float",
        AbiType::F64 => "double",
    }
}

impl<'m> ModuleGen<'m> {
    /// The `undef` padding arguments every call of a function of this signature passes
    /// after its parameters (none unless `IrOptions::pad_stack_args`).
    fn stack_padding(&self, params: &[Ty], results: &[Ty]) -> Vec<String> {
        let count = if self.opts.pad_stack_args {
            crate::arm_tailcc::padding(params, results)
        } else {
            0
        };
        vec!["i32 undef".to_string(); count]
    }

    fn func_sig(&self, func_index: u32) -> Result<(Vec<Ty>, Vec<Ty>), CompileError> {
        self.type_sig(self.module.funcs[func_index as usize])
    }

    /// The parameter and result types of the module's type `type_index`.
    fn type_sig(&self, type_index: u32) -> Result<(Vec<Ty>, Vec<Ty>), CompileError> {
        let ty = &self.module.types[type_index as usize];
        let p = ty
            .params
            .iter()
            .map(|v| Ty::of(*v))
            .collect::<Result<_, _>>()?;
        let r = ty
            .results
            .iter()
            .map(|v| Ty::of(*v))
            .collect::<Result<_, _>>()?;
        Ok((p, r))
    }

    fn generate(&mut self) -> Result<(), CompileError> {
        let m = self.module;
        let _ = writeln!(self.out, "; mote-aotc module\n");
        for d in 0..m.bodies.len() as u32 {
            let leaf = self.opts.interruptible && is_leaf(m, d)?;
            let body = FuncGen::new(self, d)?.run(leaf)?;
            self.out.push_str(&body);
            self.trampoline(d, leaf)?;
        }
        for class in std::mem::take(&mut self.dispatchers) {
            self.dispatcher(class)?;
        }
        // Declarations.
        for h in Helper::ALL {
            let mut params = vec!["i8*"];
            params.extend(h.params().iter().map(|t| abi_ir(*t)));
            let ret = h.result().map(abi_ir).unwrap_or("void");
            let _ = writeln!(
                self.out,
                "declare dso_local {ret} @{}({}) #0",
                h.symbol(),
                params.join(", ")
            );
        }
        if self.div64 {
            self.out.push_str(&div64_runtime());
        }
        let decls = std::mem::take(&mut self.decls);
        for d in decls {
            let _ = writeln!(self.out, "{d}");
        }
        // "no-builtins": LLVM must not turn copy/fill loops into memcpy/memset calls (there
        // is no C library to link against).
        let attrs = match self.opts.size_level {
            0 => "nounwind \"no-builtins\"",
            1 => "nounwind optsize \"no-builtins\"",
            // On 32-bit targets `minsize` turns 64-bit shifts into calls to __ashldi3 and
            // friends, which mote does not provide; `optsize` (with the -Oz pipeline) links.
            _ if self.opts.pointer_size == 4 => "nounwind optsize \"no-builtins\"",
            _ => "nounwind optsize minsize \"no-builtins\"",
        };
        let _ = writeln!(self.out, "\nattributes #0 = {{ {attrs} }}");
        let _ = writeln!(self.out, "attributes #1 = {{ noinline }}");
        let _ = writeln!(self.out, "!0 = !{{!\"branch_weights\", i32 1, i32 2000}}");
        let _ = writeln!(self.out, "!1 = !{{!\"mote tbaa\"}}");
        let _ = writeln!(self.out, "!2 = !{{!\"vm context\", !1, i64 0}}");
        let _ = writeln!(self.out, "!3 = !{{!2, !2, i64 0}}");
        let _ = writeln!(self.out, "!4 = !{{!\"linear memory\", !1, i64 0}}");
        let _ = writeln!(self.out, "!5 = !{{!4, !4, i64 0}}");
        let _ = writeln!(self.out, "!6 = !{{!\"global cell\", !1, i64 0}}");
        let _ = writeln!(self.out, "!7 = !{{!6, !6, i64 0}}");
        // RISC-V: no small-data section (LLVM 14 would put constant pools into the
        // writable `.sdata`); other targets ignore the flag.
        let _ = writeln!(self.out, "!llvm.module.flags = !{{!8}}");
        let _ = writeln!(self.out, "!8 = !{{i32 1, !\"SmallDataLimit\", i32 0}}");
        // `VmContext::fuel` and the interrupt flag: types of their own, so that their
        // accesses in loops (a store per segment in guard mode, a volatile load per
        // header) do not make LLVM reload the rest of the context.
        let _ = writeln!(self.out, "!9 = !{{!\"fuel count\", !1, i64 0}}");
        let _ = writeln!(self.out, "!10 = !{{!9, !9, i64 0}}");
        let _ = writeln!(self.out, "!11 = !{{!\"interrupt flag\", !1, i64 0}}");
        let _ = writeln!(self.out, "!12 = !{{!11, !11, i64 0}}");
        Ok(())
    }

    /// A function type's class: the index of the module's first structurally equal type
    /// (what `call_indirect`'s signature check compares).
    fn type_class(&self, type_index: u32) -> u32 {
        let types = &self.module.types;
        let ty = &types[type_index as usize];
        types
            .iter()
            .position(|t| t == ty)
            .unwrap_or(type_index as usize) as u32
    }

    /// The defined functions (indices among defined functions) of type class `class`.
    fn functions_of_class(&self, class: u32) -> Vec<u32> {
        let m = self.module;
        (0..m.bodies.len() as u32)
            .filter(|&d| self.type_class(m.funcs[(m.num_imported_funcs + d) as usize]) == class)
            .collect()
    }

    /// `dispatch{class}(ctx, local, params...)`: calls defined function `local` if it is
    /// of type class `class` (a `switch`, so only direct calls and a jump table), else
    /// traps with "indirect call type mismatch". `call_indirect` calls it for entries that
    /// are functions of its own instance: one dispatcher per class instead of a `switch`
    /// at every call site. With `tailcc` the cases are `musttail` jumps, so the
    /// dispatcher adds no stack frame.
    fn dispatcher(&mut self, class: u32) -> Result<(), CompileError> {
        let (params, results) = self.type_sig(class)?;
        let rt = ret_type(&results);
        let cc = self.opts.call_conv();
        let mut sig = vec!["i8* %ctx".to_string(), "i32 %local".to_string()];
        let mut args = vec!["i8* %ctx".to_string()];
        for (i, t) in params.iter().enumerate() {
            sig.push(format!("{} %a{i}", t.ir()));
            args.push(format!("{} %a{i}", t.ir()));
        }
        let with_local = [&[Ty::I32], &params[..]].concat();
        for k in 0..self.stack_padding(&with_local, &results).len() {
            sig.push(format!("i32 %pad{k}"));
        }
        args.extend(self.stack_padding(&params, &results));
        let candidates = self.functions_of_class(class);
        let mut s = String::new();
        let _ = writeln!(
            s,
            "define dso_local {cc}{rt} @dispatch{class}({}) #0 {{",
            sig.join(", ")
        );
        let cases: Vec<String> = candidates
            .iter()
            .map(|d| format!("i32 {d}, label %f{d}"))
            .collect();
        let _ = writeln!(
            s,
            "entry:\n  switch i32 %local, label %mismatch [ {} ]",
            cases.join(" ")
        );
        let tail = if self.opts.tail_calls && guaranteed_tail(&results) {
            "musttail "
        } else {
            ""
        };
        // `#1` (noinline): a case is a jump to the callee, not a copy of its body.
        for d in &candidates {
            let call = format!("{tail}call {cc}{rt} @f{d}({}) #1", args.join(", "));
            if results.is_empty() {
                let _ = writeln!(s, "f{d}:\n  {call}\n  ret void");
            } else {
                let _ = writeln!(s, "f{d}:\n  %r{d} = {call}\n  ret {rt} %r{d}");
            }
        }
        let isz = if self.opts.pointer_size == 8 {
            "i64"
        } else {
            "i32"
        };
        let off = field_offset(field::TRAP, self.opts.pointer_size);
        let code = Trap::IndirectCallTypeMismatch.code();
        let zero = match results.as_slice() {
            [] => "void".to_string(),
            [t] => format!("{} {}", t.ir(), t.zero()),
            _ => format!("{rt} zeroinitializer"),
        };
        let _ = writeln!(
            s,
            "mismatch:\n  %tp = getelementptr inbounds i8, i8* %ctx, i32 {off}\n  %tq = bitcast i8* %tp to {isz}*\n  store {isz} {code}, {isz}* %tq, !tbaa !3\n  ret {zero}\n}}\n"
        );
        self.out.push_str(&s);
        Ok(())
    }

    /// The array-call trampoline of defined function `d`. For a `leaf` (see
    /// [`is_leaf`]), which does not check for interrupts itself, it checks once before
    /// the call: a flag set while nothing runs still stops the next call at its entry.
    fn trampoline(&mut self, d: u32, leaf: bool) -> Result<(), CompileError> {
        let fi = self.module.num_imported_funcs + d;
        let (params, results) = self.func_sig(fi)?;
        let mut s = String::new();
        let _ = writeln!(
            s,
            "define dso_local void @t{d}(i8* %ctx, i8* %raw) #0 {{\nentry:"
        );
        if leaf {
            let ps = self.opts.pointer_size;
            let isz = if ps == 8 { "i64" } else { "i32" };
            let flag_at = field_offset(field::INTERRUPT, ps);
            let trap_at = field_offset(field::TRAP, ps);
            let code = Trap::Interrupted.code();
            let _ = writeln!(
                s,
                "  %fp = getelementptr inbounds i8, i8* %ctx, i32 {flag_at}\n  %fq = bitcast i8* %fp to i32**\n  %flag = load i32*, i32** %fq, align {ps}, !tbaa !3\n  %set = load atomic volatile i32, i32* %flag unordered, align 4, !tbaa !12\n  %stop = icmp ne i32 %set, 0\n  br i1 %stop, label %interrupted, label %run, !prof !0\ninterrupted:\n  %tp = getelementptr inbounds i8, i8* %ctx, i32 {trap_at}\n  %tq = bitcast i8* %tp to {isz}*\n  store {isz} {code}, {isz}* %tq, !tbaa !3\n  ret void\nrun:"
            );
        }
        let _ = writeln!(s, "  %cells = bitcast i8* %raw to i64*");
        let mut args = vec!["i8* %ctx".to_string()];
        for (i, t) in params.iter().enumerate() {
            let _ = writeln!(s, "  %p{i} = getelementptr i64, i64* %cells, i32 {i}");
            let _ = writeln!(s, "  %c{i} = load i64, i64* %p{i}, align 8");
            let v = match t {
                Ty::I64 => format!("%c{i}"),
                Ty::I32 => {
                    let _ = writeln!(s, "  %a{i} = trunc i64 %c{i} to i32");
                    format!("%a{i}")
                }
                Ty::F32 => {
                    let _ = writeln!(s, "  %b{i} = trunc i64 %c{i} to i32");
                    let _ = writeln!(s, "  %a{i} = bitcast i32 %b{i} to float");
                    format!("%a{i}")
                }
                Ty::F64 => {
                    let _ = writeln!(s, "  %a{i} = bitcast i64 %c{i} to double");
                    format!("%a{i}")
                }
            };
            args.push(format!("{} {v}", t.ir()));
        }
        args.extend(self.stack_padding(&params, &results));
        let rt = ret_type(&results);
        let cc = self.opts.call_conv();
        if results.is_empty() {
            let _ = writeln!(s, "  call {cc}void @f{d}({}) #1", args.join(", "));
        } else {
            let _ = writeln!(s, "  %r = call {cc}{rt} @f{d}({}) #1", args.join(", "));
        }
        for (i, t) in results.iter().enumerate() {
            let v = if results.len() == 1 {
                "%r".to_string()
            } else {
                let _ = writeln!(s, "  %r{i} = extractvalue {rt} %r, {i}");
                format!("%r{i}")
            };
            let cell = match t {
                Ty::I64 => v,
                Ty::I32 => {
                    let _ = writeln!(s, "  %z{i} = zext i32 {v} to i64");
                    format!("%z{i}")
                }
                Ty::F32 => {
                    let _ = writeln!(s, "  %y{i} = bitcast float {v} to i32");
                    let _ = writeln!(s, "  %z{i} = zext i32 %y{i} to i64");
                    format!("%z{i}")
                }
                Ty::F64 => {
                    let _ = writeln!(s, "  %z{i} = bitcast double {v} to i64");
                    format!("%z{i}")
                }
            };
            let _ = writeln!(s, "  %q{i} = getelementptr i64, i64* %cells, i32 {i}");
            let _ = writeln!(s, "  store i64 {cell}, i64* %q{i}, align 8");
        }
        let _ = writeln!(s, "  ret void\n}}\n");
        self.out.push_str(&s);
        Ok(())
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Round {
    Ceil,
    Floor,
    Trunc,
    Nearest,
}

struct FuncGen<'g, 'm> {
    g: &'g mut ModuleGen<'m>,
    defined: u32,
    params: Vec<Ty>,
    results: Vec<Ty>,
    /// Local types (params first); local `i` lives in alloca `%l{i}`.
    locals: Vec<Ty>,
    allocas: String,
    body: String,
    next: u32,
    stack: Vec<Val>,
    frames: Vec<Frame>,
    live: bool,
    traps_used: BTreeSet<u32>,
    /// Size (cells) of the shared call-cell array, 0 if unused.
    cells: usize,
    isz: &'static str,
    /// With fuel metering: the index of each segment's last instruction
    /// (`mote_core::fuel::segment_ends`), and the segment being translated.
    fuel_segments: Option<(Vec<u32>, usize)>,
    /// The module-file offset of the instruction being translated (the function's first
    /// instruction during the prologue), for the backtrace of a trap here.
    wasm_at: u32,
    /// With fuel metering: `%fuel` (the function's copy of `VmContext::fuel`) was
    /// charged since it was last written to the context (see `charge_fuel`).
    fuel_unsynced: bool,
}

type R = Result<(), CompileError>;

impl<'g, 'm> FuncGen<'g, 'm> {
    fn new(g: &'g mut ModuleGen<'m>, defined: u32) -> Result<Self, CompileError> {
        let fi = g.module.num_imported_funcs + defined;
        let (params, results) = g.func_sig(fi)?;
        let mut locals = params.clone();
        for (n, t) in g.module.bodies[defined as usize].locals.iter() {
            let t = Ty::of(*t)?;
            for _ in 0..*n {
                locals.push(t);
            }
        }
        let wasm_at = g.module.bodies[defined as usize].code.start as u32;
        let isz = if g.opts.pointer_size == 8 {
            "i64"
        } else {
            "i32"
        };
        Ok(FuncGen {
            g,
            defined,
            params,
            results,
            locals,
            allocas: String::new(),
            body: String::new(),
            next: 0,
            stack: Vec::new(),
            frames: Vec::new(),
            live: true,
            traps_used: BTreeSet::new(),
            cells: 0,
            isz,
            fuel_segments: None,
            wasm_at,
            fuel_unsynced: false,
        })
    }

    fn tmp(&mut self) -> String {
        self.next += 1;
        format!("%v{}", self.next)
    }

    fn label(&mut self, what: &str) -> String {
        self.next += 1;
        format!("{what}{}", self.next)
    }

    fn emit(&mut self, line: impl AsRef<str>) {
        self.body.push_str("  ");
        self.body.push_str(line.as_ref());
        self.body.push('\n');
    }

    /// `%t = <rhs>`, returns `%t`.
    fn def(&mut self, rhs: impl AsRef<str>) -> String {
        let t = self.tmp();
        self.body.push_str("  ");
        self.body.push_str(&t);
        self.body.push_str(" = ");
        self.body.push_str(rhs.as_ref());
        self.body.push('\n');
        t
    }

    fn decl(&mut self, d: impl Into<String>) {
        self.g.decls.insert(d.into());
    }

    /// Starts a new basic block, falling into it from the current one if that is open.
    fn start_block(&mut self, name: &str) {
        if self.live {
            self.emit(format!("br label %{name}"));
        }
        self.body.push_str(name);
        self.body.push_str(":\n");
        self.live = true;
    }

    /// Ends the current block with a terminator.
    fn terminate(&mut self, t: impl AsRef<str>) {
        self.emit(t);
        self.live = false;
    }

    fn alloca(&mut self, ty: &str, name: &str) {
        let _ = writeln!(self.allocas, "  {name} = alloca {ty}");
    }

    fn push(&mut self, ty: Ty, s: String) {
        self.stack.push(Val::new(ty, s));
    }

    fn pop(&mut self) -> Val {
        self.stack
            .pop()
            .expect("validated module: operand stack underflow")
    }

    /// `popn` of operands that helpers take as u32 (see [`Self::saturated_u32`]).
    fn popn_u32(&mut self, n: usize) -> Vec<String> {
        let vals = self.popn(n);
        vals.iter().map(|v| self.saturated_u32(v)).collect()
    }

    fn popn(&mut self, n: usize) -> Vec<Val> {
        let at = self.stack.len() - n;
        self.stack.split_off(at)
    }

    // ---- context access -------------------------------------------------------------

    fn ctx_field_ptr(&mut self, index: usize, elem: &str) -> String {
        let off = field_offset(index, self.g.opts.pointer_size);
        let p = self.def(format!("getelementptr inbounds i8, i8* %ctx, i32 {off}"));
        self.def(format!("bitcast i8* {p} to {elem}*"))
    }

    fn trap_slot(&mut self) -> String {
        let isz = self.isz;
        self.ctx_field_ptr(field::TRAP, isz)
    }

    /// Branches to a cold trap block storing `code` when `cond` (i1) is true.
    fn trap_if(&mut self, cond: &str, code: u32) {
        self.traps_used.insert(code);
        let ok = self.label("ok");
        let target = self.trap_site(&format!("trap{code}"));
        self.emit(format!(
            "br i1 {cond}, label %{target}, label %{ok}, !prof !0"
        ));
        self.live = false;
        self.emit_trap_site(&target, &format!("trap{code}"));
        self.start_block(&ok);
    }

    fn trap_now(&mut self, code: u32) {
        self.traps_used.insert(code);
        self.note_wasm_offset();
        self.terminate(format!("br label %trap{code}"));
    }

    /// Where a trap path leaving this instruction branches: with backtrace offsets a
    /// block of its own that notes the instruction's offset first (`emit_trap_site`),
    /// else straight to `exit`.
    fn trap_site(&mut self, exit: &str) -> String {
        if self.offsets() {
            self.label("site")
        } else {
            exit.to_string()
        }
    }

    /// The block `trap_site` named, if it is one of its own: notes the offset (in
    /// `%trapat`, which mem2reg turns into a phi: one move of a constant per site on
    /// the cold path) and goes on to `exit`.
    fn emit_trap_site(&mut self, site: &str, exit: &str) {
        if site != exit {
            self.start_block(site);
            self.note_wasm_offset();
            self.terminate(format!("br label %{exit}"));
        }
    }

    /// Whether trap paths note their Wasm offset for `TrapFrame`.
    fn offsets(&self) -> bool {
        self.g.opts.backtrace && self.g.opts.backtrace_offsets
    }

    /// Stores the instruction's Wasm offset for the function's `TrapFrame` call.
    fn note_wasm_offset(&mut self) {
        if self.offsets() {
            let at = self.wasm_at;
            self.emit(format!("store i32 {at}, i32* %trapat"));
        }
    }

    /// Charges `units` of fuel from `%fuel`, or traps with "all fuel consumed" leaving it
    /// unchanged (`mote_core::fuel`).
    ///
    /// `%fuel` is an alloca that mem2reg turns into a register: the count lives in
    /// `VmContext::fuel` only where someone else can see it. It is loaded at entry
    /// (`load_fuel`), written to the context before every call that runs code and
    /// reloaded after it, and written back at every return, tail call and trap exit
    /// (`store_fuel`). Going through the context at every segment made each charge a
    /// load-compare-store chain through memory that LLVM cannot keep in a register
    /// (calls may read and write it).
    fn charge_fuel(&mut self, units: u32) {
        let isz = self.isz;
        let fuel = self.def(format!("load {isz}, {isz}* %fuel"));
        let short = self.def(format!("icmp ult {isz} {fuel}, {units}"));
        self.trap_if(&short, Trap::OutOfFuel.code() as u32);
        let left = self.def(format!("sub {isz} {fuel}, {units}"));
        self.emit(format!("store {isz} {left}, {isz}* %fuel"));
        self.fuel_unsynced = true;
    }

    /// With fuel metering: `%fuel = VmContext::fuel` (at entry, and after a call that
    /// may have consumed some).
    fn load_fuel(&mut self) {
        if !self.g.opts.fuel {
            return;
        }
        let (isz, ps) = (self.isz, self.g.opts.pointer_size);
        let slot = self.ctx_field_ptr(field::FUEL, isz);
        let fuel = self.def(format!("load {isz}, {isz}* {slot}, align {ps}, !tbaa !10"));
        self.emit(format!("store {isz} {fuel}, {isz}* %fuel"));
        self.fuel_unsynced = false;
    }

    /// With fuel metering: `VmContext::fuel = %fuel`, before anything that lets the
    /// runtime or other code see the count. `volatile` in guard mode, where the next
    /// access may fault (see `fuel_before_fault`).
    fn store_fuel(&mut self) {
        if !self.g.opts.fuel {
            return;
        }
        let (isz, ps) = (self.isz, self.g.opts.pointer_size);
        let fuel = self.def(format!("load {isz}, {isz}* %fuel"));
        let slot = self.ctx_field_ptr(field::FUEL, isz);
        let volatile = self.guard_volatile();
        self.emit(format!(
            "store {volatile}{isz} {fuel}, {isz}* {slot}, align {ps}, !tbaa !10"
        ));
        self.fuel_unsynced = false;
    }

    /// Before an access to `memory` that a guard page may stop: the fault leaves the
    /// function without passing a trap exit, and the runtime reads the count from the
    /// context, so it must be current there. Once per segment at most: a segment is
    /// entered only at its start (where it is charged), so within it the count stays
    /// written until the next charge.
    fn fuel_before_fault(&mut self, memory: u32) {
        if self.fuel_unsynced && !self.explicit_checks(memory) {
            self.store_fuel();
        }
    }

    /// Traps with "execution interrupted" when the context's interrupt flag is set.
    ///
    /// Another thread or a signal handler sets the flag, so the load is `volatile`: LLVM
    /// may neither hoist it out of a loop nor merge it with the previous check. It is an
    /// `unordered` atomic (no tearing, no ordering) rather than `monotonic`: LLVM treats
    /// every monotonic load as reading and writing all memory, which made each check
    /// force the reload of the memory base and the other context fields after it. With
    /// its own TBAA type it aliases nothing else, and the flag's address, a context field
    /// that only calls can change, stays in a register in loops without calls.
    fn check_interrupt(&mut self) {
        let ps = self.g.opts.pointer_size;
        let slot = self.ctx_field_ptr(field::INTERRUPT, "i32*");
        let flag = self.def(format!("load i32*, i32** {slot}, align {ps}, !tbaa !3"));
        let set = self.def(format!(
            "load atomic volatile i32, i32* {flag} unordered, align 4, !tbaa !12"
        ));
        let stop = self.def(format!("icmp ne i32 {set}, 0"));
        self.trap_if(&stop, Trap::Interrupted.code() as u32);
    }

    /// With fuel metering, after instruction `index`: when it ended its segment, charges
    /// the next one where it starts (if that is reachable and inside the body).
    fn after_instruction(&mut self, index: u32) {
        let Some((ends, segment)) = &mut self.fuel_segments else {
            return;
        };
        if ends.get(*segment) != Some(&index) {
            return;
        }
        *segment += 1;
        let next = *segment;
        if next < ends.len() && self.live && !self.frames.is_empty() {
            let units = mote_core::fuel::segment_cost(ends, next);
            self.charge_fuel(units);
        }
    }

    /// After a call that may trap: return at once if `VmContext::trap` is set.
    fn check_trap(&mut self) {
        let isz = self.isz;
        let slot = self.trap_slot();
        let t = self.def(format!("load {isz}, {isz}* {slot}, align 4, !tbaa !3"));
        let c = self.def(format!("icmp ne {isz} {t}, 0"));
        let ok = self.label("ok");
        let target = self.trap_site("traprec");
        self.emit(format!("br i1 {c}, label %{target}, label %{ok}, !prof !0"));
        self.live = false;
        self.emit_trap_site(&target, "traprec");
        self.start_block(&ok);
    }

    fn call_helper(&mut self, h: Helper, args: &[String]) -> Option<String> {
        let mut a = vec!["i8* %ctx".to_string()];
        for (t, v) in h.params().iter().zip(args) {
            a.push(format!("{} {v}", abi_ir(*t)));
        }
        let ret = h.result().map(abi_ir).unwrap_or("void");
        let callee = if self.g.opts.xip {
            self.helper_from_table(h, ret)
        } else {
            format!("@{}", h.symbol())
        };
        let call = format!("call {ret} {callee}({})", a.join(", "));
        // Calls of Wasm or host code meter fuel in the context (a host function may call
        // back into Wasm); the other helpers neither read nor charge it.
        let runs_code = matches!(h, Helper::CallImport | Helper::CallIndirect);
        if runs_code {
            self.store_fuel();
        }
        let r = if ret == "void" {
            self.emit(call);
            None
        } else {
            Some(self.def(call))
        };
        if runs_code {
            self.load_fuel();
        }
        if h.can_trap() {
            self.check_trap();
        }
        r
    }

    /// Helper `h` as a function pointer loaded from the runtime's helper table
    /// (`VmContext::helpers`, indexed by `Helper` number): execute-in-place code cannot be
    /// patched with the helper's address, and the table lives in the runtime's image.
    fn helper_from_table(&mut self, h: Helper, ret: &str) -> String {
        let (isz, ps) = (self.isz, self.g.opts.pointer_size);
        let field = self.ctx_field_ptr(field::HELPERS, &format!("{isz}*"));
        let table = self.def(format!(
            "load {isz}*, {isz}** {field}, align {ps}, !tbaa !3"
        ));
        let slot = self.def(format!(
            "getelementptr inbounds {isz}, {isz}* {table}, i32 {}",
            h as u32
        ));
        let addr = self.def(format!("load {isz}, {isz}* {slot}, align {ps}, !tbaa !3"));
        let mut params = vec!["i8*"];
        params.extend(h.params().iter().map(|t| abi_ir(*t)));
        self.def(format!(
            "inttoptr {isz} {addr} to {ret} ({})*",
            params.join(", ")
        ))
    }

    // ---- memory ---------------------------------------------------------------------

    /// The `VmMemory` header of memory `memory` (an `i8*`): memory 0 straight from the
    /// context, another through `VmContext::memories`.
    fn memory_header(&mut self, memory: u32) -> String {
        let ps = self.g.opts.pointer_size;
        if memory == 0 {
            let mp = self.ctx_field_ptr(field::MEMORY, "i8*");
            return self.def(format!("load i8*, i8** {mp}, align {ps}, !tbaa !3"));
        }
        let mpp = self.ctx_field_ptr(field::MEMORIES, "i8**");
        let ms = self.def(format!("load i8**, i8*** {mpp}, align {ps}, !tbaa !3"));
        let e = self.def(format!("getelementptr i8*, i8** {ms}, i32 {memory}"));
        self.def(format!("load i8*, i8** {e}, align {ps}, !tbaa !3"))
    }

    /// Returns an `irty*` pointer to `addr + offset` of memory `memory` after the bounds
    /// check for `size`. `addr` is an i64 for a 64-bit memory (memory64), else an i32.
    fn mem_ptr(&mut self, memory: u32, addr: &Val, offset: u64, size: u64, irty: &str) -> String {
        if addr.ty == Ty::I64 {
            return self.mem_ptr64(memory, &addr.s, offset, size, irty);
        }
        let addr = addr.s.as_str();
        let ps = self.g.opts.pointer_size;
        let isz = self.isz;
        let m = self.memory_header(memory);
        let bp = self.def(format!("bitcast i8* {m} to i8**"));
        let base = self.def(format!("load i8*, i8** {bp}, align {ps}, !tbaa !3"));
        let len = if self.explicit_checks(memory) {
            let lo = field_offset(memory_field::LEN, ps);
            let lp = self.def(format!("getelementptr inbounds i8, i8* {m}, i32 {lo}"));
            let lp = self.def(format!("bitcast i8* {lp} to {isz}*"));
            Some(self.def(format!("load {isz}, {isz}* {lp}, align {ps}, !tbaa !3")))
        } else {
            None
        };
        let p = if ps == 8 {
            let ea = self.def(format!("zext i32 {addr} to i64"));
            if let Some(len) = len {
                let end = self.def(format!("add i64 {ea}, {}", offset + size));
                let oob = self.def(format!("icmp ugt i64 {end}, {len}"));
                self.trap_if(&oob, Trap::MemoryOutOfBounds.code() as u32);
            }
            let ea = if offset != 0 {
                self.def(format!("add i64 {ea}, {offset}"))
            } else {
                ea
            };
            self.def(format!("getelementptr i8, i8* {base}, i64 {ea}"))
        } else {
            let len = len.expect("32-bit targets use explicit checks");
            let span = offset + size;
            if span > u64::from(u32::MAX) {
                // Every access traps. The caller keeps emitting into a block without
                // predecessors (valid IR, removed by LLVM).
                self.trap_now(Trap::MemoryOutOfBounds.code() as u32);
                let l = self.label("dead");
                self.start_block(&l);
                return self.def(format!("bitcast i8* {base} to {irty}*"));
            }
            self.decl("declare { i32, i1 } @llvm.uadd.with.overflow.i32(i32, i32)");
            let s = self.def(format!(
                "call {{ i32, i1 }} @llvm.uadd.with.overflow.i32(i32 {addr}, i32 {})",
                span as u32 as i32
            ));
            let end = self.def(format!("extractvalue {{ i32, i1 }} {s}, 0"));
            let ovf = self.def(format!("extractvalue {{ i32, i1 }} {s}, 1"));
            let big = self.def(format!("icmp ugt i32 {end}, {len}"));
            let oob = self.def(format!("or i1 {ovf}, {big}"));
            self.trap_if(&oob, Trap::MemoryOutOfBounds.code() as u32);
            let ea = if offset != 0 {
                self.def(format!("add i32 {addr}, {}", offset as u32 as i32))
            } else {
                addr.to_string()
            };
            self.def(format!("getelementptr i8, i8* {base}, i32 {ea}"))
        };
        if irty == "i8" {
            p
        } else {
            self.def(format!("bitcast i8* {p} to {irty}*"))
        }
    }

    /// [`Self::mem_ptr`] of a 64-bit memory: always an explicit check (guard pages cover
    /// only 32-bit addresses and offsets), computed so that it cannot wrap: `addr +
    /// offset + size` with overflow is out of bounds. On 32-bit targets the address
    /// saturates to an i32 and takes the 32-bit path: such a memory is smaller than
    /// 4 GiB, so a saturated access is out of bounds as the original one is.
    fn mem_ptr64(&mut self, memory: u32, addr: &str, offset: u64, size: u64, irty: &str) -> String {
        if self.g.opts.pointer_size != 8 {
            let addr32 = self.saturated_u32(&Val::new(Ty::I64, addr));
            return self.mem_ptr(memory, &Val::new(Ty::I32, addr32), offset, size, irty);
        }
        let m = self.memory_header(memory);
        let bp = self.def(format!("bitcast i8* {m} to i8**"));
        let base = self.def(format!("load i8*, i8** {bp}, align 8, !tbaa !3"));
        let Some(span) = offset.checked_add(size) else {
            // Every access traps; the code after it is unreachable (see `mem_ptr`).
            self.trap_now(Trap::MemoryOutOfBounds.code() as u32);
            let l = self.label("dead");
            self.start_block(&l);
            return self.def(format!("bitcast i8* {base} to {irty}*"));
        };
        let lo = field_offset(memory_field::LEN, 8);
        let lp = self.def(format!("getelementptr inbounds i8, i8* {m}, i32 {lo}"));
        let lp = self.def(format!("bitcast i8* {lp} to i64*"));
        let len = self.def(format!("load i64, i64* {lp}, align 8, !tbaa !3"));
        self.decl("declare { i64, i1 } @llvm.uadd.with.overflow.i64(i64, i64)");
        let s = self.def(format!(
            "call {{ i64, i1 }} @llvm.uadd.with.overflow.i64(i64 {addr}, i64 {})",
            span as i64
        ));
        let end = self.def(format!("extractvalue {{ i64, i1 }} {s}, 0"));
        let ovf = self.def(format!("extractvalue {{ i64, i1 }} {s}, 1"));
        let big = self.def(format!("icmp ugt i64 {end}, {len}"));
        let oob = self.def(format!("or i1 {ovf}, {big}"));
        self.trap_if(&oob, Trap::MemoryOutOfBounds.code() as u32);
        let ea = if offset != 0 {
            self.def(format!("add i64 {addr}, {}", offset as i64))
        } else {
            addr.to_string()
        };
        let p = self.def(format!("getelementptr i8, i8* {base}, i64 {ea}"));
        if irty == "i8" {
            p
        } else {
            self.def(format!("bitcast i8* {p} to {irty}*"))
        }
    }

    /// An operand of a helper that takes u32 (addresses, lengths, table indices): an
    /// i32 as it is, an i64 of a 64-bit memory or table saturated at `u32::MAX`
    /// (`mote_core::types::saturate_u32`: out of bounds either way).
    fn saturated_u32(&mut self, v: &Val) -> String {
        if v.ty != Ty::I64 {
            return v.s.clone();
        }
        let big = self.def(format!("icmp ugt i64 {}, 4294967295", v.s));
        let low = self.def(format!("trunc i64 {} to i32", v.s));
        self.def(format!("select i1 {big}, i32 -1, i32 {low}"))
    }

    /// The i32 result of a helper (`memory.grow`, `table.grow`: an old size or -1) as
    /// the instruction's result: as it is for a 32-bit memory or table, an i64 for a
    /// 64-bit one, where -1 stays -1 and a size is zero-extended (sizes stay below
    /// `u32::MAX`, so the two never meet).
    fn grow_result(&mut self, r: String, address64: bool) {
        if !address64 {
            self.push(Ty::I32, r);
            return;
        }
        let failed = self.def(format!("icmp eq i32 {r}, -1"));
        let size = self.def(format!("zext i32 {r} to i64"));
        let r = self.def(format!("select i1 {failed}, i64 -1, i64 {size}"));
        self.push(Ty::I64, r);
    }

    /// An i32 size from a helper as a 32-bit or 64-bit memory's or table's result.
    fn size_result(&mut self, r: String, address64: bool) {
        if address64 {
            let r = self.def(format!("zext i32 {r} to i64"));
            self.push(Ty::I64, r);
        } else {
            self.push(Ty::I32, r);
        }
    }

    /// Whether accesses to `memory` compare against its length before every access.
    /// Guard mode reserves address space for memory 0 only, so other memories
    /// (multi-memory) are checked explicitly. And guard pages protect whole OS pages,
    /// so they trap exactly at the end only of a memory whose size is always a multiple
    /// of the OS page: a memory of one-byte pages (custom page sizes) is checked
    /// explicitly even in guard mode.
    /// A 64-bit memory (memory64) is always checked explicitly too: its addresses and
    /// offsets reach past any reservation (`mem_ptr64`).
    fn explicit_checks(&self, memory: u32) -> bool {
        let m0 = &self.g.module.memories[0];
        self.g.opts.bounds_checks == BoundsChecks::Explicit
            || memory != 0
            || m0.page_size_log2 != PAGE_SIZE_LOG2
            || m0.address64
    }

    /// `load` of `irty` (i8/i16/i32/i64/float/double), extended to `ty`.
    ///
    /// With guard pages the access itself is the bounds check: out of bounds, it faults
    /// and the platform turns the fault into the trap. So in guard mode every load is
    /// volatile, which LLVM may neither delete (when the value is unused, dropped,
    /// overwritten, masked away or `select`ed out), nor move onto the path that uses it,
    /// nor merge with another (`select` of two loads into a load of a `select`). One x86
    /// pass ignores this and is switched off in `llvm::init_targets`. With explicit
    /// checks the trap is a branch before the load, which needs none of this.
    /// `tests/wast/dropped_loads.wast` checks each of these cases on every engine.
    fn load(&mut self, m: &MemArg, irty: &'static str, size: u64, ty: Ty, signed: bool) {
        let a = self.pop();
        self.fuel_before_fault(memory_of(m));
        let p = self.mem_ptr(memory_of(m), &a, m.offset, size, irty);
        let volatile = self.guard_volatile();
        let v = self.def(format!(
            "load {volatile}{irty}, {irty}* {p}, align 1, !tbaa !5"
        ));
        let v = if irty != ty.ir() {
            let ext = if signed { "sext" } else { "zext" };
            self.def(format!("{ext} {irty} {v} to {}", ty.ir()))
        } else {
            v
        };
        self.push(ty, v);
    }

    /// `volatile ` in guard mode, for every access to state the guest can observe after
    /// a trap (linear memory, globals). A faulting access is a trap only the hardware
    /// sees; LLVM orders volatile accesses among themselves but moves ordinary ones across
    /// them, so an ordinary store before a trapping load could be sunk past it (or out of
    /// its loop) and lost. `tests/wast/guard_trap_keeps_stores.wast` checks this.
    fn guard_volatile(&self) -> &'static str {
        match self.g.opts.bounds_checks {
            BoundsChecks::Guard => "volatile ",
            BoundsChecks::Explicit => "",
        }
    }

    fn store(&mut self, m: &MemArg, irty: &'static str, size: u64) {
        let v = self.pop();
        let a = self.pop();
        self.fuel_before_fault(memory_of(m));
        let p = self.mem_ptr(memory_of(m), &a, m.offset, size, irty);
        let val = if irty != v.ty.ir() {
            self.def(format!("trunc {} {} to {irty}", v.ty.ir(), v.s))
        } else {
            v.s
        };
        let volatile = self.guard_volatile();
        self.emit(format!(
            "store {volatile}{irty} {val}, {irty}* {p}, align 1, !tbaa !5"
        ));
    }

    // ---- globals --------------------------------------------------------------------

    fn global_ptr(&mut self, index: u32) -> String {
        let ps = self.g.opts.pointer_size;
        let gpp = self.ctx_field_ptr(field::GLOBALS, "i64**");
        let gs = self.def(format!("load i64**, i64*** {gpp}, align {ps}, !tbaa !3"));
        let e = self.def(format!("getelementptr i64*, i64** {gs}, i32 {index}"));
        self.def(format!("load i64*, i64** {e}, align {ps}, !tbaa !3"))
    }

    fn global_get(&mut self, index: u32) -> R {
        let ty = Ty::of(self.g.module.globals[index as usize].content)?;
        let p = self.global_ptr(index);
        let c = self.def(format!("load i64, i64* {p}, align 8, !tbaa !7"));
        let v = self.cell_to_value(ty, &c);
        self.push(ty, v);
        Ok(())
    }

    fn global_set(&mut self, index: u32) -> R {
        let v = self.pop();
        let p = self.global_ptr(index);
        let c = self.value_to_cell(&v);
        let volatile = self.guard_volatile();
        self.emit(format!(
            "store {volatile}i64 {c}, i64* {p}, align 8, !tbaa !7"
        ));
        Ok(())
    }

    fn cell_to_value(&mut self, ty: Ty, c: &str) -> String {
        match ty {
            Ty::I64 => c.to_string(),
            Ty::I32 => self.def(format!("trunc i64 {c} to i32")),
            Ty::F32 => {
                let b = self.def(format!("trunc i64 {c} to i32"));
                self.def(format!("bitcast i32 {b} to float"))
            }
            Ty::F64 => self.def(format!("bitcast i64 {c} to double")),
        }
    }

    fn value_to_cell(&mut self, v: &Val) -> String {
        match v.ty {
            Ty::I64 => v.s.clone(),
            Ty::I32 => self.def(format!("zext i32 {} to i64", v.s)),
            Ty::F32 => {
                let b = self.def(format!("bitcast float {} to i32", v.s));
                self.def(format!("zext i32 {b} to i64"))
            }
            Ty::F64 => self.def(format!("bitcast double {} to i64", v.s)),
        }
    }

    // ---- calls ----------------------------------------------------------------------

    fn cells_ptr(&mut self, n: usize) -> String {
        self.cells = self.cells.max(n.max(1));
        "%cells".to_string()
    }

    /// Spills `args` into the shared cell array, calls, reloads `results`.
    fn call_through_cells(
        &mut self,
        h: Helper,
        leading: Vec<String>,
        args: Vec<Val>,
        results: &[Ty],
    ) {
        let n = args.len().max(results.len());
        let cells = self.cells_ptr(n);
        for (i, a) in args.iter().enumerate() {
            let c = self.value_to_cell(a);
            let p = self.def(format!("getelementptr i64, i64* {cells}, i32 {i}"));
            self.emit(format!("store i64 {c}, i64* {p}, align 8"));
        }
        let raw = self.def(format!("bitcast i64* {cells} to i8*"));
        let mut all = leading;
        all.push(raw);
        self.call_helper(h, &all);
        for (i, t) in results.iter().enumerate() {
            let p = self.def(format!("getelementptr i64, i64* {cells}, i32 {i}"));
            let c = self.def(format!("load i64, i64* {p}, align 8"));
            let v = self.cell_to_value(*t, &c);
            self.push(*t, v);
        }
    }

    fn call(&mut self, func_index: u32) -> R {
        let (params, results) = self.g.func_sig(func_index)?;
        let args = self.popn(params.len());
        let nimp = self.g.module.num_imported_funcs;
        if func_index < nimp {
            self.call_through_cells(
                Helper::CallImport,
                vec![func_index.to_string()],
                args,
                &results,
            );
            return Ok(());
        }
        let d = func_index - nimp;
        let mut a = vec!["i8* %ctx".to_string()];
        for v in &args {
            a.push(format!("{} {}", v.ty.ir(), v.s));
        }
        a.extend(self.g.stack_padding(&params, &results));
        let rt = ret_type(&results);
        let cc = self.g.opts.call_conv();
        self.store_fuel();
        let r = if results.is_empty() {
            self.emit(format!("notail call {cc}void @f{d}({})", a.join(", ")));
            None
        } else {
            Some(self.def(format!("notail call {cc}{rt} @f{d}({})", a.join(", "))))
        };
        self.load_fuel();
        self.check_trap();
        match (r, results.len()) {
            (Some(r), 1) => self.push(results[0], r),
            (Some(r), _) => {
                for (i, t) in results.iter().enumerate() {
                    let v = self.def(format!("extractvalue {rt} {r}, {i}"));
                    self.push(*t, v);
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// `call_indirect`. Fast path, in the generated code: the entry is in bounds and a
    /// defined function of this instance (`VmContext::func_base`), so `dispatch{class}`
    /// checks its type and calls it directly. Anything else (out of bounds, null, an
    /// import, another instance's function) goes through the `CallIndirect` helper,
    /// which applies every check and traps as the spec says.
    fn call_indirect(&mut self, type_index: u32, table_index: u32) -> R {
        let (params, results) = self.g.type_sig(type_index)?;
        let idx = self.pop();
        let idx = self.saturated_u32(&idx);
        let args = self.popn(params.len());
        let class = self.g.type_class(type_index);
        let defined = self.g.module.bodies.len();
        if self.g.functions_of_class(class).is_empty() {
            self.call_through_cells(
                Helper::CallIndirect,
                vec![table_index.to_string(), type_index.to_string(), idx],
                args,
                &results,
            );
            return Ok(());
        }
        self.g.dispatchers.insert(class);
        let (ps, isz) = (self.g.opts.pointer_size, self.isz);
        // Results meet in allocas (promoted to SSA): both paths store them.
        let slots: Vec<String> = results
            .iter()
            .map(|t| {
                let slot = self.tmp();
                self.alloca(t.ir(), &slot);
                slot
            })
            .collect();
        let (lookup, fast, slow, join) = (
            self.label("ci_lookup"),
            self.label("ci_fast"),
            self.label("ci_slow"),
            self.label("ci_join"),
        );
        let tables_slot = self.ctx_field_ptr(field::TABLES, "i8**");
        let tables = self.def(format!(
            "load i8**, i8*** {tables_slot}, align {ps}, !tbaa !3"
        ));
        let table_slot = self.def(format!(
            "getelementptr i8*, i8** {tables}, i32 {table_index}"
        ));
        let table = self.def(format!("load i8*, i8** {table_slot}, align {ps}, !tbaa !3"));
        let elems_slot = self.def(format!("bitcast i8* {table} to i64**"));
        let elems = self.def(format!(
            "load i64*, i64** {elems_slot}, align {ps}, !tbaa !3"
        ));
        let size_off = field_offset(table_field::SIZE, ps);
        let size_ptr = self.def(format!(
            "getelementptr inbounds i8, i8* {table}, i32 {size_off}"
        ));
        let size_slot = self.def(format!("bitcast i8* {size_ptr} to i32*"));
        let size = self.def(format!("load i32, i32* {size_slot}, align 4, !tbaa !3"));
        let in_bounds = self.def(format!("icmp ult i32 {idx}, {size}"));
        self.terminate(format!("br i1 {in_bounds}, label %{lookup}, label %{slow}"));
        self.start_block(&lookup);
        let wide_idx = self.def(format!("zext i32 {idx} to i64"));
        let cell_slot = self.def(format!("getelementptr i64, i64* {elems}, i64 {wide_idx}"));
        let cell = self.def(format!("load i64, i64* {cell_slot}, align 8"));
        let base_slot = self.ctx_field_ptr(field::FUNC_BASE, isz);
        let base = self.def(format!(
            "load {isz}, {isz}* {base_slot}, align {ps}, !tbaa !3"
        ));
        let base = if isz == "i64" {
            base
        } else {
            self.def(format!("zext {isz} {base} to i64"))
        };
        // A null cell (0) wraps around and takes the slow path, which traps.
        let index = self.def(format!("sub i64 {cell}, 1"));
        let local = self.def(format!("sub i64 {index}, {base}"));
        let own = self.def(format!("icmp ult i64 {local}, {defined}"));
        self.terminate(format!("br i1 {own}, label %{fast}, label %{slow}"));

        self.start_block(&fast);
        let local = self.def(format!("trunc i64 {local} to i32"));
        let mut a = vec!["i8* %ctx".to_string(), format!("i32 {local}")];
        for v in &args {
            a.push(format!("{} {}", v.ty.ir(), v.s));
        }
        let with_local = [&[Ty::I32], &params[..]].concat();
        a.extend(self.g.stack_padding(&with_local, &results));
        let rt = ret_type(&results);
        let cc = self.g.opts.call_conv();
        // As for a direct call: the callee charges the count in the context.
        self.store_fuel();
        if results.is_empty() {
            self.emit(format!(
                "notail call {cc}void @dispatch{class}({})",
                a.join(", ")
            ));
        } else {
            let r = self.def(format!(
                "notail call {cc}{rt} @dispatch{class}({})",
                a.join(", ")
            ));
            for (i, (t, slot)) in results.iter().zip(&slots).enumerate() {
                let v = if results.len() == 1 {
                    r.clone()
                } else {
                    self.def(format!("extractvalue {rt} {r}, {i}"))
                };
                self.emit(format!("store {} {v}, {}* {slot}", t.ir(), t.ir()));
            }
        }
        self.load_fuel();
        self.check_trap();
        self.terminate(format!("br label %{join}"));

        self.start_block(&slow);
        self.call_through_cells(
            Helper::CallIndirect,
            vec![table_index.to_string(), type_index.to_string(), idx],
            args,
            &results,
        );
        let values = self.popn(results.len());
        for (v, slot) in values.iter().zip(&slots) {
            self.emit(format!(
                "store {} {}, {}* {slot}",
                v.ty.ir(),
                v.s,
                v.ty.ir()
            ));
        }
        self.start_block(&join);
        for (t, slot) in results.iter().zip(&slots) {
            let v = self.def(format!("load {}, {}* {slot}", t.ir(), t.ir()));
            self.push(*t, v);
        }
        Ok(())
    }

    /// `return_call`: a `musttail` call of a defined function. An import (which runs in
    /// the runtime, through a helper) and callees whose results LLVM cannot return in
    /// registers (see [`guaranteed_tail`]) get an ordinary call and a return.
    fn return_call(&mut self, func_index: u32) -> R {
        self.tail_calls_supported()?;
        let (params, results) = self.g.func_sig(func_index)?;
        let nimp = self.g.module.num_imported_funcs;
        if func_index < nimp || !guaranteed_tail(&results) {
            self.call(func_index)?;
            self.do_return();
            return Ok(());
        }
        let args = self.popn(params.len());
        self.tail_call(func_index - nimp, &args)?;
        Ok(())
    }

    /// `return_call_indirect`: the `TailCallIndirect` helper checks the entry as
    /// `call_indirect` does and names the callee when it is a function of this instance;
    /// a `switch` over the defined functions of the expected type then tail-calls it
    /// directly. A callee elsewhere (an import, another instance) is called through
    /// `CallIndirect`, and its results returned.
    fn return_call_indirect(&mut self, type_index: u32, table_index: u32) -> R {
        self.tail_calls_supported()?;
        let m = self.g.module;
        let ft = &m.types[type_index as usize];
        let results: Vec<Ty> = ft
            .results
            .iter()
            .map(|v| Ty::of(*v))
            .collect::<Result<_, _>>()?;
        if !guaranteed_tail(&results) {
            self.call_indirect(type_index, table_index)?;
            self.do_return();
            return Ok(());
        }
        let idx = self.pop();
        let idx = self.saturated_u32(&idx);
        let args = self.popn(ft.params.len());
        let callee = self
            .call_helper(
                Helper::TailCallIndirect,
                &[table_index.to_string(), type_index.to_string(), idx.clone()],
            )
            .expect("TailCallIndirect returns the callee");
        let nimp = m.num_imported_funcs;
        let candidates: Vec<u32> = (0..m.bodies.len() as u32)
            .filter(|&d| m.types[m.funcs[(nimp + d) as usize] as usize] == *ft)
            .collect();
        let elsewhere = self.label("elsewhere");
        let labels: Vec<String> = candidates.iter().map(|_| self.label("tail")).collect();
        let cases: Vec<String> = candidates
            .iter()
            .zip(&labels)
            .map(|(d, l)| format!("i32 {d}, label %{l}"))
            .collect();
        self.terminate(format!(
            "switch i32 {callee}, label %{elsewhere} [ {} ]",
            cases.join(" ")
        ));
        for (&d, l) in candidates.iter().zip(&labels) {
            self.start_block(l);
            self.tail_call(d, &args)?;
        }
        self.start_block(&elsewhere);
        self.call_through_cells(
            Helper::CallIndirect,
            vec![table_index.to_string(), type_index.to_string(), idx],
            args,
            &results,
        );
        self.do_return();
        Ok(())
    }

    fn tail_calls_supported(&self) -> R {
        if self.g.opts.tail_calls {
            Ok(())
        } else {
            Err(CompileError::Unsupported(
                "tail calls (return_call) for this target: LLVM 14 has no guaranteed tail calls for it"
                    .into(),
            ))
        }
    }

    /// `musttail` call of defined function `d` with `args`, returning its result.
    fn tail_call(&mut self, d: u32, args: &[Val]) -> R {
        let mut a = vec!["i8* %ctx".to_string()];
        for v in args {
            a.push(format!("{} {}", v.ty.ir(), v.s));
        }
        let (params, results) = self.g.func_sig(self.g.module.num_imported_funcs + d)?;
        a.extend(self.g.stack_padding(&params, &results));
        let rt = ret_type(&self.results);
        self.store_fuel();
        if self.results.is_empty() {
            self.emit(format!("musttail call tailcc void @f{d}({})", a.join(", ")));
            self.terminate("ret void");
        } else {
            let r = self.def(format!("musttail call tailcc {rt} @f{d}({})", a.join(", ")));
            self.terminate(format!("ret {rt} {r}"));
        }
        Ok(())
    }

    // ---- control --------------------------------------------------------------------

    fn block_sig(&self, bt: BlockType) -> Result<(Vec<Ty>, Vec<Ty>), CompileError> {
        Ok(match bt {
            BlockType::Empty => (vec![], vec![]),
            BlockType::Type(t) => (vec![], vec![Ty::of(val_type(t))?]),
            BlockType::FuncType(i) => {
                let ft = &self.g.module.types[i as usize];
                (
                    ft.params
                        .iter()
                        .map(|v| Ty::of(*v))
                        .collect::<Result<_, _>>()?,
                    ft.results
                        .iter()
                        .map(|v| Ty::of(*v))
                        .collect::<Result<_, _>>()?,
                )
            }
        })
    }

    fn new_slots(&mut self, tys: &[Ty]) -> Vec<String> {
        tys.iter()
            .map(|t| {
                let s = self.label("%s");
                self.alloca(t.ir(), &s);
                s
            })
            .collect()
    }

    fn store_slots(&mut self, slots: &[String], tys: &[Ty], vals: &[Val]) {
        for ((s, t), v) in slots.iter().zip(tys).zip(vals) {
            self.emit(format!("store {} {}, {}* {s}", t.ir(), v.s, t.ir()));
        }
    }

    fn load_slots(&mut self, slots: &[String], tys: &[Ty]) {
        for (s, t) in slots.iter().zip(tys) {
            let v = self.def(format!("load {}, {}* {s}", t.ir(), t.ir()));
            self.push(*t, v);
        }
    }

    fn dead_frame(&mut self) {
        self.frames.push(Frame {
            kind: Kind::Dead,
            target: String::new(),
            end_label: String::new(),
            else_label: String::new(),
            has_else: false,
            results: vec![],
            params: vec![],
            slots: vec![],
            param_vals: vec![],
            height: self.stack.len(),
            end_reachable: false,
        });
    }

    fn enter(&mut self, kind: Kind, bt: BlockType) -> R {
        let (params, results) = self.block_sig(bt)?;
        let cond = if kind == Kind::If {
            Some(self.pop())
        } else {
            None
        };
        let height = self.stack.len() - params.len();
        let end_label = self.label("end");
        match kind {
            Kind::Loop => {
                let slots = self.new_slots(&params);
                let vals = self.popn(params.len());
                self.store_slots(&slots, &params, &vals);
                let header = self.label("loop");
                self.start_block(&header);
                self.load_slots(&slots, &params);
                self.frames.push(Frame {
                    kind,
                    target: header,
                    end_label,
                    else_label: String::new(),
                    has_else: false,
                    results,
                    params,
                    slots,
                    param_vals: vec![],
                    height,
                    end_reachable: false,
                });
            }
            Kind::Block | Kind::If => {
                let slots = self.new_slots(&results);
                let mut else_label = String::new();
                let mut param_vals = vec![];
                if let Some(c) = cond {
                    let then = self.label("then");
                    else_label = self.label("else");
                    let b = self.def(format!("icmp ne i32 {}, 0", c.s));
                    self.terminate(format!("br i1 {b}, label %{then}, label %{else_label}"));
                    self.start_block(&then);
                    param_vals = self.stack[height..].to_vec();
                }
                self.frames.push(Frame {
                    kind,
                    target: end_label.clone(),
                    end_label,
                    else_label,
                    has_else: false,
                    results,
                    params,
                    slots,
                    param_vals,
                    height,
                    end_reachable: false,
                });
            }
            _ => unreachable!(),
        }
        Ok(())
    }

    /// Stores the top values for a branch to frame `depth` and returns its label.
    fn branch_prep(&mut self, depth: u32) -> String {
        let fi = self.frames.len() - 1 - depth as usize;
        let (tys, slots, target) = {
            let f = &mut self.frames[fi];
            if f.kind != Kind::Loop {
                f.end_reachable = true;
            }
            let tys = if f.kind == Kind::Loop {
                f.params.clone()
            } else {
                f.results.clone()
            };
            (tys, f.slots.clone(), f.target.clone())
        };
        let vals = self.stack[self.stack.len() - tys.len()..].to_vec();
        self.store_slots(&slots, &tys, &vals);
        target
    }

    fn br(&mut self, depth: u32) {
        let t = self.branch_prep(depth);
        self.terminate(format!("br label %{t}"));
    }

    fn br_if(&mut self, depth: u32) {
        let c = self.pop();
        let b = self.def(format!("icmp ne i32 {}, 0", c.s));
        let taken = self.label("brif");
        let cont = self.label("cont");
        self.terminate(format!("br i1 {b}, label %{taken}, label %{cont}"));
        self.start_block(&taken);
        self.br(depth);
        self.start_block(&cont);
    }

    fn br_table(&mut self, targets: &wasmparser::BrTable<'_>) -> R {
        let idx = self.pop();
        let depths: Vec<u32> = targets
            .targets()
            .collect::<Result<_, _>>()
            .map_err(|e| CompileError::Unsupported(e.to_string()))?;
        let default = targets.default();
        // One landing block per distinct depth (stores the branch values).
        let mut pads: Vec<(u32, String)> = Vec::new();
        let mut pad_of = |d: u32, this: &mut Self| -> String {
            if let Some((_, l)) = pads.iter().find(|(x, _)| *x == d) {
                return l.clone();
            }
            let l = this.label("bt");
            pads.push((d, l.clone()));
            l
        };
        let dl = pad_of(default, self);
        let mut cases = String::new();
        for (i, d) in depths.iter().enumerate() {
            let l = pad_of(*d, self);
            let _ = write!(cases, " i32 {i}, label %{l}");
        }
        self.terminate(format!("switch i32 {}, label %{dl} [{cases} ]", idx.s));
        for (d, l) in pads {
            self.start_block(&l);
            self.br(d);
        }
        Ok(())
    }

    fn else_(&mut self) {
        let f = self.frames.last().expect("frame");
        if f.kind == Kind::Dead {
            return;
        }
        if self.live {
            let n = f.results.len();
            let (slots, tys, end) = (f.slots.clone(), f.results.clone(), f.end_label.clone());
            let vals = self.stack[self.stack.len() - n..].to_vec();
            self.store_slots(&slots, &tys, &vals);
            self.terminate(format!("br label %{end}"));
            self.frames.last_mut().unwrap().end_reachable = true;
        }
        let f = self.frames.last_mut().unwrap();
        f.has_else = true;
        let (h, el, pv) = (f.height, f.else_label.clone(), f.param_vals.clone());
        self.stack.truncate(h);
        self.stack.extend(pv);
        self.start_block(&el);
    }

    fn end(&mut self) -> R {
        let f = self.frames.pop().expect("frame");
        match f.kind {
            Kind::Dead => return Ok(()),
            Kind::Loop => {
                // Results stay on the stack as they are.
                return Ok(());
            }
            _ => {}
        }
        let mut end_reachable = f.end_reachable;
        if self.live {
            let n = f.results.len();
            let vals = self.stack[self.stack.len() - n..].to_vec();
            self.store_slots(&f.slots, &f.results, &vals);
            self.terminate(format!("br label %{}", f.end_label));
            end_reachable = true;
        }
        if f.kind == Kind::If && !f.has_else {
            self.start_block(&f.else_label);
            self.store_slots(&f.slots, &f.results, &f.param_vals);
            self.terminate(format!("br label %{}", f.end_label));
            end_reachable = true;
        }
        self.stack.truncate(f.height);
        if end_reachable {
            self.start_block(&f.end_label);
            self.load_slots(&f.slots, &f.results);
        }
        if f.kind == Kind::Func && self.live {
            self.do_return();
        }
        Ok(())
    }

    fn do_return(&mut self) {
        let n = self.results.len();
        let vals = self.popn(n);
        self.store_fuel();
        let rt = ret_type(&self.results);
        match n {
            0 => self.terminate("ret void"),
            1 => self.terminate(format!("ret {rt} {}", vals[0].s)),
            _ => {
                let mut agg = "undef".to_string();
                for (i, v) in vals.iter().enumerate() {
                    agg = self.def(format!(
                        "insertvalue {rt} {agg}, {} {}, {i}",
                        v.ty.ir(),
                        v.s
                    ));
                }
                self.terminate(format!("ret {rt} {agg}"));
            }
        }
    }

    // ---- numerics -------------------------------------------------------------------

    fn bin(&mut self, instr: &str) {
        let b = self.pop();
        let a = self.pop();
        let (sa, sb) = if matches!(a.ty, Ty::F32 | Ty::F64) {
            (self.opaque(&a), self.opaque(&b))
        } else {
            (a.s.clone(), b.s.clone())
        };
        let r = self.def(format!("{instr} {} {sa}, {sb}", a.ty.ir()));
        self.push(a.ty, r);
    }

    fn cmp(&mut self, instr: &str) {
        let b = self.pop();
        let a = self.pop();
        let c = self.def(format!("{instr} {} {}, {}", a.ty.ir(), a.s, b.s));
        let r = self.def(format!("zext i1 {c} to i32"));
        self.push(Ty::I32, r);
    }

    fn eqz(&mut self) {
        let a = self.pop();
        let c = self.def(format!("icmp eq {} {}, 0", a.ty.ir(), a.s));
        let r = self.def(format!("zext i1 {c} to i32"));
        self.push(Ty::I32, r);
    }

    fn shift(&mut self, instr: &str) {
        let b = self.pop();
        let a = self.pop();
        let t = a.ty.ir();
        let m = self.def(format!("and {t} {}, {}", b.s, a.ty.bits() - 1));
        let r = self.def(format!("{instr} {t} {}, {m}", a.s));
        self.push(a.ty, r);
    }

    fn intrinsic1(&mut self, name: &str, extra: &str) {
        let a = self.pop();
        let t = a.ty.ir();
        let n = format!(
            "llvm.{name}.{}",
            if a.ty.int() == a.ty {
                t
            } else {
                a.ty.float_suffix()
            }
        );
        let (decl_extra, call_extra) = if extra.is_empty() {
            (String::new(), String::new())
        } else {
            (", i1".to_string(), format!(", i1 {extra}"))
        };
        self.decl(format!("declare {t} @{n}({t}{decl_extra})"));
        let r = self.def(format!("call {t} @{n}({t} {}{call_extra})", a.s));
        self.push(a.ty, r);
    }

    fn intrinsic2(&mut self, name: &str) {
        let b = self.pop();
        let a = self.pop();
        let t = a.ty.ir();
        let n = format!(
            "llvm.{name}.{}",
            if a.ty.int() == a.ty {
                t
            } else {
                a.ty.float_suffix()
            }
        );
        self.decl(format!("declare {t} @{n}({t}, {t})"));
        let r = self.def(format!("call {t} @{n}({t} {}, {t} {})", a.s, b.s));
        self.push(a.ty, r);
    }

    fn rot(&mut self, name: &str) {
        let b = self.pop();
        let a = self.pop();
        let t = a.ty.ir();
        let n = format!("llvm.{name}.{t}");
        self.decl(format!("declare {t} @{n}({t}, {t}, {t})"));
        let r = self.def(format!(
            "call {t} @{n}({t} {0}, {t} {0}, {t} {1})",
            a.s, b.s
        ));
        self.push(a.ty, r);
    }

    fn divrem(&mut self, op: &str) {
        let b = self.pop();
        let a = self.pop();
        let t = a.ty.ir();
        let z = self.def(format!("icmp eq {t} {}, 0", b.s));
        self.trap_if(&z, Trap::IntegerDivideByZero.code() as u32);
        let min = if a.ty == Ty::I32 {
            i64::from(i32::MIN).to_string()
        } else {
            i64::MIN.to_string()
        };
        let r = match op {
            "sdiv" => {
                let c1 = self.def(format!("icmp eq {t} {}, {min}", a.s));
                let c2 = self.def(format!("icmp eq {t} {}, -1", b.s));
                let ov = self.def(format!("and i1 {c1}, {c2}"));
                self.trap_if(&ov, Trap::IntegerOverflow.code() as u32);
                self.div_op("sdiv", a.ty, &a.s, &b.s)
            }
            "srem" => {
                // x rem -1 = 0; avoids the INT_MIN overflow of srem.
                let c = self.def(format!("icmp eq {t} {}, -1", b.s));
                let d = self.def(format!("select i1 {c}, {t} 1, {t} {}", b.s));
                self.div_op("srem", a.ty, &a.s, &d)
            }
            _ => self.div_op(op, a.ty, &a.s, &b.s),
        };
        self.push(a.ty, r);
    }

    fn div_op(&mut self, op: &str, ty: Ty, a: &str, b: &str) -> String {
        if ty == Ty::I64 && self.g.opts.soft_div64 {
            self.soft_div64(op, a, b)
        } else {
            self.def(format!("{op} {} {a}, {b}", ty.ir()))
        }
    }

    /// `op` (sdiv/udiv/srem/urem) on i64 through `div64_runtime`.
    fn soft_div64(&mut self, op: &str, a: &str, b: &str) -> String {
        self.g.div64 = true;
        let (f, idx) = match op {
            "udiv" => ("mote.udivmod64", 0),
            "urem" => ("mote.udivmod64", 1),
            "sdiv" => ("mote.sdivmod64", 0),
            _ => ("mote.sdivmod64", 1),
        };
        let qr = self.def(format!("call {{ i64, i64 }} @{f}(i64 {a}, i64 {b})"));
        self.def(format!("extractvalue {{ i64, i64 }} {qr}, {idx}"))
    }

    fn conv(&mut self, instr: &str, to: Ty) {
        let a = self.pop();
        let r = self.def(format!("{instr} {} {} to {}", a.ty.ir(), a.s, to.ir()));
        self.push(to, r);
    }

    fn ext_narrow(&mut self, narrow: &str) {
        let a = self.pop();
        let t = a.ty.ir();
        let n = self.def(format!("trunc {t} {} to {narrow}", a.s));
        let r = self.def(format!("sext {narrow} {n} to {t}"));
        self.push(a.ty, r);
    }

    fn minmax(&mut self, is_min: bool) {
        let b = self.pop();
        let a = self.pop();
        let t = a.ty.ir();
        let it = a.ty.int().ir();
        let uno = self.def(format!("fcmp uno {t} {}, {}", a.s, b.s));
        let (sa, sb) = (self.opaque(&a), self.opaque(&b));
        let sum = self.def(format!("fadd {t} {sa}, {sb}"));
        let eq = self.def(format!("fcmp oeq {t} {}, {}", a.s, b.s));
        let ai = self.def(format!("bitcast {t} {} to {it}", a.s));
        let bi = self.def(format!("bitcast {t} {} to {it}", b.s));
        let bits = self.def(format!(
            "{} {it} {ai}, {bi}",
            if is_min { "or" } else { "and" }
        ));
        let eqv = self.def(format!("bitcast {it} {bits} to {t}"));
        let lt = self.def(format!(
            "fcmp {} {t} {}, {}",
            if is_min { "olt" } else { "ogt" },
            a.s,
            b.s
        ));
        let sel = self.def(format!("select i1 {lt}, {t} {}, {t} {}", a.s, b.s));
        let r1 = self.def(format!("select i1 {eq}, {t} {eqv}, {t} {sel}"));
        let r = self.def(format!("select i1 {uno}, {t} {sum}, {t} {r1}"));
        self.push(a.ty, r);
    }

    fn round(&mut self, kind: Round) {
        if !self.g.opts.soft_rounding {
            let name = match kind {
                Round::Ceil => "ceil",
                Round::Floor => "floor",
                Round::Trunc => "trunc",
                Round::Nearest => "roundeven",
            };
            self.intrinsic1(name, "");
            return;
        }
        let x = self.pop();
        let t = x.ty.ir();
        let it = x.ty.int().ir();
        let (mbits, bias, emask, mmask, sign, magic): (u32, i64, i64, String, String, f64) =
            if x.ty == Ty::F32 {
                (
                    23,
                    127,
                    0xff,
                    "8388607".into(),
                    i64::from(i32::MIN).to_string(),
                    8388608.0,
                )
            } else {
                (
                    52,
                    1023,
                    0x7ff,
                    "4503599627370495".into(),
                    i64::MIN.to_string(),
                    4503599627370496.0,
                )
            };
        let b = self.def(format!("bitcast {t} {} to {it}", x.s));
        let e0 = self.def(format!("lshr {it} {b}, {mbits}"));
        let e1 = self.def(format!("and {it} {e0}, {emask}"));
        let e = self.def(format!("sub {it} {e1}, {bias}"));
        // |x| >= 2^mbits, inf or NaN: already integral.
        let big = self.def(format!("icmp sge {it} {e}, {mbits}"));
        let v = match kind {
            Round::Nearest => {
                self.decl(format!(
                    "declare {t} @llvm.fabs.{0}({t})",
                    x.ty.float_suffix()
                ));
                self.decl(format!(
                    "declare {t} @llvm.copysign.{0}({t}, {t})",
                    x.ty.float_suffix()
                ));
                let a = self.def(format!(
                    "call {t} @llvm.fabs.{}({t} {})",
                    x.ty.float_suffix(),
                    x.s
                ));
                let m = fconst(magic);
                let s1 = self.def(format!("fadd {t} {a}, {m}"));
                let s2 = self.def(format!("fsub {t} {s1}, {m}"));
                self.def(format!(
                    "call {t} @llvm.copysign.{}({t} {s2}, {t} {})",
                    x.ty.float_suffix(),
                    x.s
                ))
            }
            _ => {
                let small = self.def(format!("icmp slt {it} {e}, 0"));
                let sh = self.def(format!("and {it} {e}, {}", x.ty.bits() - 1));
                let m = self.def(format!("lshr {it} {mmask}, {sh}"));
                let nm = self.def(format!("xor {it} {m}, -1"));
                let tb = self.def(format!("and {it} {b}, {nm}"));
                let sb = self.def(format!("and {it} {b}, {sign}"));
                let r1 = self.def(format!("select i1 {small}, {it} {sb}, {it} {tb}"));
                let tr = self.def(format!("bitcast {it} {r1} to {t}"));
                match kind {
                    Round::Trunc => tr,
                    Round::Floor => {
                        let gt = self.def(format!("fcmp ogt {t} {tr}, {}", x.s));
                        let m1 = self.def(format!("fsub {t} {tr}, 1.0"));
                        self.def(format!("select i1 {gt}, {t} {m1}, {t} {tr}"))
                    }
                    _ => {
                        let lt = self.def(format!("fcmp olt {t} {tr}, {}", x.s));
                        let p1 = self.def(format!("fadd {t} {tr}, 1.0"));
                        self.def(format!("select i1 {lt}, {t} {p1}, {t} {tr}"))
                    }
                }
            }
        };
        let xx = self.def(format!("fadd {t} {0}, {0}", x.s));
        let nan = self.def(format!("fcmp uno {t} {0}, {0}", x.s));
        let bv = self.def(format!("select i1 {nan}, {t} {xx}, {t} {}", x.s));
        let r = self.def(format!("select i1 {big}, {t} {bv}, {t} {v}"));
        self.push(x.ty, r);
    }

    /// Trapping float → int (`interp/src/numeric.rs` bounds).
    fn trunc_trap(&mut self, to: Ty, signed: bool) {
        let x = self.pop();
        let t = x.ty.ir();
        let nan = self.def(format!("fcmp uno {t} {0}, {0}", x.s));
        self.trap_if(&nan, Trap::InvalidConversionToInteger.code() as u32);
        let two = |n: i32| 2f64.powi(n);
        // (lo predicate, lo bound, hi bound): trap if x lo_pred lo || x >= hi.
        let (lp, lo, hi) = match (to, signed, x.ty) {
            (Ty::I32, true, Ty::F32) => ("olt", -two(31), two(31)),
            (Ty::I32, true, _) => ("ole", -2147483649.0, two(31)),
            (Ty::I32, false, _) => ("ole", -1.0, two(32)),
            (Ty::I64, true, _) => ("olt", -two(63), two(63)),
            (_, _, _) => ("ole", -1.0, two(64)),
        };
        let c1 = self.def(format!("fcmp {lp} {t} {}, {}", x.s, fconst(lo)));
        let c2 = self.def(format!("fcmp oge {t} {}, {}", x.s, fconst(hi)));
        let ov = self.def(format!("or i1 {c1}, {c2}"));
        self.trap_if(&ov, Trap::IntegerOverflow.code() as u32);
        let r = if to == Ty::I64 && self.g.opts.soft_int_float {
            self.soft_f2i64(&x)
        } else {
            let op = if signed { "fptosi" } else { "fptoui" };
            self.def(format!("{op} {t} {} to {}", x.s, to.ir()))
        };
        self.push(to, r);
    }

    /// float → i64 with integer operations only (32-bit targets: no `__fixdfdi`). `x` must
    /// be finite and its truncation representable in the target type (or in (-1, 0)).
    fn soft_f2i64(&mut self, x: &Val) -> String {
        let (it, mb, bias, emask, mmask) = if x.ty == Ty::F32 {
            ("i32", 23, 127, 0xff, 0x7f_ffffu64)
        } else {
            ("i64", 52, 1023, 0x7ff, 0xf_ffff_ffff_ffffu64)
        };
        let b = self.def(format!("bitcast {} {} to {it}", x.ty.ir(), x.s));
        let b = if it == "i32" {
            self.def(format!("zext i32 {b} to i64"))
        } else {
            b
        };
        let e0 = self.def(format!("lshr i64 {b}, {mb}"));
        let e = self.def(format!("and i64 {e0}, {emask}"));
        let m0 = self.def(format!("and i64 {b}, {mmask}"));
        let m = self.def(format!("or i64 {m0}, {}", 1u64 << mb));
        let sh = self.def(format!("sub i64 {e}, {}", bias + mb));
        let left = self.def(format!("icmp sge i64 {sh}, 0"));
        let lsh = self.def(format!("and i64 {sh}, 63"));
        let vl = self.def(format!("shl i64 {m}, {lsh}"));
        let r0 = self.def(format!("sub i64 0, {sh}"));
        let big = self.def(format!("icmp ugt i64 {r0}, 63"));
        let rsh = self.def(format!("select i1 {big}, i64 63, i64 {r0}"));
        let vr = self.def(format!("lshr i64 {m}, {rsh}"));
        let v = self.def(format!("select i1 {left}, i64 {vl}, i64 {vr}"));
        let sbit = self.def(format!("lshr i64 {b}, {}", x.ty.bits() - 1));
        let sb = self.def(format!("and i64 {sbit}, 1"));
        let neg = self.def(format!("icmp ne i64 {sb}, 0"));
        let nv = self.def(format!("sub i64 0, {v}"));
        self.def(format!("select i1 {neg}, i64 {nv}, i64 {v}"))
    }

    /// i64 → float with integer operations only (no `__floatdidf`): normalise, round to
    /// nearest even, assemble the bits.
    fn soft_i64_to_float(&mut self, v: &str, signed: bool, to: Ty) -> String {
        let (p, bias) = if to == Ty::F32 {
            (24u32, 127)
        } else {
            (53u32, 1023)
        };
        let neg = if signed {
            self.def(format!("icmp slt i64 {v}, 0"))
        } else {
            "false".to_string()
        };
        let nv = self.def(format!("sub i64 0, {v}"));
        let a = self.def(format!("select i1 {neg}, i64 {nv}, i64 {v}"));
        let zero = self.def(format!("icmp eq i64 {a}, 0"));
        self.decl("declare i64 @llvm.ctlz.i64(i64, i1)");
        let lz = self.def(format!("call i64 @llvm.ctlz.i64(i64 {a}, i1 false)"));
        let lzm = self.def(format!("and i64 {lz}, 63"));
        let n = self.def(format!("shl i64 {a}, {lzm}"));
        let mant = self.def(format!("lshr i64 {n}, {}", 64 - p));
        let rest = self.def(format!("shl i64 {n}, {p}"));
        let gt = self.def(format!("icmp ugt i64 {rest}, {}", i64::MIN));
        let eq = self.def(format!("icmp eq i64 {rest}, {}", i64::MIN));
        let odd0 = self.def(format!("and i64 {mant}, 1"));
        let odd = self.def(format!("icmp ne i64 {odd0}, 0"));
        let tie = self.def(format!("and i1 {eq}, {odd}"));
        let up = self.def(format!("or i1 {gt}, {tie}"));
        let upz = self.def(format!("zext i1 {up} to i64"));
        let mant2 = self.def(format!("add i64 {mant}, {upz}"));
        let e0 = self.def(format!("sub i64 {}, {lz}", 63 + bias));
        let carry = self.def(format!("icmp eq i64 {mant2}, {}", 1u64 << p));
        let m_sh = self.def(format!("lshr i64 {mant2}, 1"));
        let mant3 = self.def(format!("select i1 {carry}, i64 {m_sh}, i64 {mant2}"));
        let e1 = self.def(format!("add i64 {e0}, 1"));
        let exp = self.def(format!("select i1 {carry}, i64 {e1}, i64 {e0}"));
        let frac = self.def(format!("and i64 {mant3}, {}", (1u64 << (p - 1)) - 1));
        let eb = self.def(format!("shl i64 {exp}, {}", p - 1));
        let bits = self.def(format!("or i64 {eb}, {frac}"));
        let sgn = self.def(format!(
            "select i1 {neg}, i64 {}, i64 0",
            if to == Ty::F32 { 1i64 << 31 } else { i64::MIN }
        ));
        let bits = self.def(format!("or i64 {bits}, {sgn}"));
        let bits = self.def(format!("select i1 {zero}, i64 0, i64 {bits}"));
        if to == Ty::F32 {
            let b32 = self.def(format!("trunc i64 {bits} to i32"));
            self.def(format!("bitcast i32 {b32} to float"))
        } else {
            self.def(format!("bitcast i64 {bits} to double"))
        }
    }

    fn convert_int(&mut self, signed: bool, to: Ty) {
        if self.stack.last().map(|v| v.ty) == Some(Ty::I64) && self.g.opts.soft_int_float {
            let v = self.pop();
            let r = self.soft_i64_to_float(&v.s, signed, to);
            self.push(to, r);
        } else {
            self.conv(if signed { "sitofp" } else { "uitofp" }, to);
        }
    }

    fn trunc_sat(&mut self, to: Ty, signed: bool) {
        let x = self.pop();
        let t = x.ty.ir();
        if to == Ty::I64 && self.g.opts.soft_int_float {
            let conv = self.soft_f2i64(&x);
            let two63 = fconst(2f64.powi(63));
            let (lo_c, lo_v, hi_c, hi_v) = if signed {
                (
                    self.def(format!(
                        "fcmp olt {t} {}, {}",
                        x.s,
                        fconst(-(2f64.powi(63)))
                    )),
                    i64::MIN,
                    self.def(format!("fcmp oge {t} {}, {two63}", x.s)),
                    i64::MAX,
                )
            } else {
                (
                    self.def(format!("fcmp olt {t} {}, 0.0", x.s)),
                    0,
                    self.def(format!("fcmp oge {t} {}, {}", x.s, fconst(2f64.powi(64)))),
                    -1,
                )
            };
            let nan = self.def(format!("fcmp uno {t} {0}, {0}", x.s));
            let r = self.def(format!("select i1 {hi_c}, i64 {hi_v}, i64 {conv}"));
            let r = self.def(format!("select i1 {lo_c}, i64 {lo_v}, i64 {r}"));
            let r = self.def(format!("select i1 {nan}, i64 0, i64 {r}"));
            self.push(Ty::I64, r);
            return;
        }
        let n = format!(
            "llvm.{}.sat.{}.{}",
            if signed { "fptosi" } else { "fptoui" },
            to.ir(),
            x.ty.float_suffix()
        );
        self.decl(format!("declare {} @{n}({t})", to.ir()));
        let r = self.def(format!("call {} @{n}({t} {})", to.ir(), x.s));
        self.push(to, r);
    }

    fn fconst_val(&mut self, ty: Ty, bits: u64) {
        let it = ty.int().ir();
        let lit = if ty == Ty::F32 {
            i64::from(bits as u32 as i32)
        } else {
            bits as i64
        };
        let r = self.def(format!("bitcast {it} {lit} to {}", ty.ir()));
        self.stack.push(Val {
            fbits: Some(bits),
            ..Val::new(ty, r)
        });
    }

    /// A float operand LLVM must not see as a constant: with ±0.0 or ±1.0 it folds
    /// `x + -0.0`, `x - 0.0`, `x * 1.0`, `x / 1.0` (and the -1.0 forms to `fneg x`), which
    /// passes a signalling NaN through where Wasm requires a quiet one. An empty inline asm
    /// on the integer bits hides the value (one register move at run time).
    fn opaque(&mut self, v: &Val) -> String {
        let Some(bits) = v.fbits else {
            return v.s.clone();
        };
        let folds = match v.ty {
            Ty::F32 => matches!(f32::from_bits(bits as u32).abs(), 0.0 | 1.0),
            _ => matches!(f64::from_bits(bits).abs(), 0.0 | 1.0),
        };
        if !folds {
            return v.s.clone();
        }
        let hide = |g: &mut Self, ty: &str, lit: i64| {
            g.def(format!("call {ty} asm \"\", \"=r,0\"({ty} {lit})"))
        };
        match v.ty {
            Ty::F32 => {
                let i = hide(self, "i32", i64::from(bits as u32 as i32));
                self.def(format!("bitcast i32 {i} to float"))
            }
            _ if self.g.opts.pointer_size == 8 => {
                let i = hide(self, "i64", bits as i64);
                self.def(format!("bitcast i64 {i} to double"))
            }
            _ => {
                let lo = hide(self, "i32", i64::from(bits as u32 as i32));
                let hi = hide(self, "i32", i64::from((bits >> 32) as u32 as i32));
                let lo = self.def(format!("zext i32 {lo} to i64"));
                let hi = self.def(format!("zext i32 {hi} to i64"));
                let hi = self.def(format!("shl i64 {hi}, 32"));
                let i = self.def(format!("or i64 {hi}, {lo}"));
                self.def(format!("bitcast i64 {i} to double"))
            }
        }
    }

    // ---- driver ---------------------------------------------------------------------

    /// `leaf`: the function has no entry interrupt check (see [`is_leaf`]).
    fn run(mut self, leaf: bool) -> Result<String, CompileError> {
        let ps = self.g.opts.pointer_size;
        let isz = self.isz;
        // Locals.
        for (i, t) in self.locals.clone().iter().enumerate() {
            self.alloca(t.ir(), &format!("%l{i}"));
            if i < self.params.len() {
                self.emit(format!("store {0} %p{i}, {0}* %l{i}", t.ir()));
            } else {
                self.emit(format!("store {0} {1}, {0}* %l{i}", t.ir(), t.zero()));
            }
        }
        if self.offsets() {
            self.alloca("i32", "%trapat");
        }
        if self.g.opts.fuel {
            self.alloca(isz, "%fuel");
            self.load_fuel();
        }
        // Stack check.
        self.decl("declare i8* @llvm.stacksave()");
        let sp = self.def("call i8* @llvm.stacksave()");
        let spi = self.def(format!("ptrtoint i8* {sp} to {isz}"));
        let lp = self.ctx_field_ptr(field::STACK_LIMIT, isz);
        let lim = self.def(format!("load {isz}, {isz}* {lp}, align {ps}, !tbaa !3"));
        let low = self.def(format!("icmp ult {isz} {spi}, {lim}"));
        self.trap_if(&low, Trap::StackExhausted.code() as u32);

        let results = self.results.clone();
        let slots = self.new_slots(&results);
        self.frames.push(Frame {
            kind: Kind::Func,
            target: "ret".into(),
            end_label: "ret".into(),
            else_label: String::new(),
            has_else: false,
            results,
            params: vec![],
            slots,
            param_vals: vec![],
            height: 0,
            end_reachable: false,
        });

        if self.g.opts.interruptible && !leaf {
            self.check_interrupt();
        }
        if self.g.opts.fuel {
            let ends = mote_core::fuel::segment_ends(self.g.module, self.defined)
                .map_err(|e| CompileError::Unsupported(e.to_string()))?;
            if !ends.is_empty() {
                self.charge_fuel(mote_core::fuel::segment_cost(&ends, 0));
            }
            self.fuel_segments = Some((ends, 0));
        }
        let mut reader = self.g.module.operators(self.defined);
        let mut index = 0;
        while !reader.eof() {
            self.wasm_at = reader.original_position() as u32;
            let op = reader
                .read()
                .map_err(|e| CompileError::Unsupported(format!("{e}")))?;
            self.op(op)?;
            self.after_instruction(index);
            index += 1;
        }
        if !self.frames.is_empty() {
            return Err(CompileError::Unsupported(
                "unterminated function body".into(),
            ));
        }
        self.trap_exit();

        // Assemble.
        let d = self.defined;
        let mut s = String::new();
        let mut sig = vec!["i8* %ctx".to_string()];
        for (i, t) in self.params.iter().enumerate() {
            sig.push(format!("{} %p{i}", t.ir()));
        }
        let padding = self.g.stack_padding(&self.params, &self.results);
        for k in 0..padding.len() {
            sig.push(format!("i32 %pad{k}"));
        }
        let rt = ret_type(&self.results);
        let cc = self.g.opts.call_conv();
        let _ = writeln!(
            s,
            "define dso_local {cc}{rt} @f{d}({}) #0 {{",
            sig.join(", ")
        );
        s.push_str("entry:\n");
        s.push_str(&self.allocas);
        if self.cells > 0 {
            let _ = writeln!(s, "  %cells = alloca i64, i32 {}, align 8", self.cells);
        }
        s.push_str(&self.body);
        let zero = match self.results.as_slice() {
            [] => "void".to_string(),
            [t] => format!("{} {}", t.ir(), t.zero()),
            _ => format!("{rt} zeroinitializer"),
        };
        let traps = std::mem::take(&mut self.traps_used);
        for code in traps {
            let slot = self.trap_slot_text(code);
            s.push_str(&slot);
        }
        s.push_str("trapret:\n");
        if self.g.opts.fuel {
            // Every trap exit, and a callee's trap, leaves through here.
            let off = field_offset(field::FUEL, ps);
            let _ = writeln!(
                s,
                "  %fuel.exit = load {isz}, {isz}* %fuel\n  %fuel.at = getelementptr inbounds i8, i8* %ctx, i32 {off}\n  %fuel.slot = bitcast i8* %fuel.at to {isz}*\n  store {isz} %fuel.exit, {isz}* %fuel.slot, align {ps}, !tbaa !10"
            );
        }
        let _ = writeln!(s, "  ret {zero}\n}}\n");
        Ok(s)
    }

    /// Every trap path ends here once the trap is set (by this function's trap blocks,
    /// or by a callee or helper): the frame goes to the runtime's backtrace
    /// (`Helper::TrapFrame`), then the function returns.
    fn trap_exit(&mut self) {
        self.live = false;
        self.start_block("traprec");
        if !self.g.opts.backtrace {
            self.terminate("br label %trapret");
            return;
        }
        let func_index = self.g.module.num_imported_funcs + self.defined;
        let offset = if self.offsets() {
            self.def("load i32, i32* %trapat")
        } else {
            u32::MAX.to_string()
        };
        self.call_helper(Helper::TrapFrame, &[func_index.to_string(), offset]);
        self.terminate("br label %trapret");
    }

    fn trap_slot_text(&self, code: u32) -> String {
        let off = field_offset(field::TRAP, self.g.opts.pointer_size);
        let isz = self.isz;
        format!(
            "trap{code}:\n  %tp{code} = getelementptr inbounds i8, i8* %ctx, i32 {off}\n  %tq{code} = bitcast i8* %tp{code} to {isz}*\n  store {isz} {code}, {isz}* %tq{code}, !tbaa !3\n  br label %traprec\n"
        )
    }

    fn op(&mut self, op: Operator<'_>) -> R {
        use Operator as O;
        let nan_result = if self.g.opts.deterministic {
            mote_core::nan_result!(&op)
        } else {
            None
        };
        if !self.live {
            match op {
                O::Block { .. } | O::Loop { .. } | O::If { .. } => self.dead_frame(),
                O::Else if self.frames.last().map(|f| f.kind) != Some(Kind::Dead) => {
                    self.else_();
                }
                O::End => self.end()?,
                _ => {}
            }
            return Ok(());
        }
        match op {
            O::Unreachable => self.trap_now(Trap::Unreachable.code() as u32),
            O::Nop => {}
            O::Block { blockty } => self.enter(Kind::Block, blockty)?,
            O::Loop { blockty } => {
                self.enter(Kind::Loop, blockty)?;
                if self.g.opts.interruptible {
                    self.check_interrupt();
                }
            }
            O::If { blockty } => self.enter(Kind::If, blockty)?,
            O::Else => self.else_(),
            O::End => self.end()?,
            O::Br { relative_depth } => self.br(relative_depth),
            O::BrIf { relative_depth } => self.br_if(relative_depth),
            O::BrTable { targets } => self.br_table(&targets)?,
            O::Return => self.do_return(),
            O::Call { function_index } => self.call(function_index)?,
            O::CallIndirect {
                type_index,
                table_index,
            } => self.call_indirect(type_index, table_index)?,
            O::ReturnCall { function_index } => self.return_call(function_index)?,
            O::ReturnCallIndirect {
                type_index,
                table_index,
            } => self.return_call_indirect(type_index, table_index)?,
            O::Drop => {
                self.pop();
            }
            O::Select | O::TypedSelect { .. } => {
                let c = self.pop();
                let b = self.pop();
                let a = self.pop();
                let cb = self.def(format!("icmp ne i32 {}, 0", c.s));
                let t = a.ty.ir();
                let r = self.def(format!("select i1 {cb}, {t} {}, {t} {}", a.s, b.s));
                self.push(a.ty, r);
            }
            O::LocalGet { local_index } => {
                let t = self.locals[local_index as usize];
                let r = self.def(format!("load {0}, {0}* %l{local_index}", t.ir()));
                self.push(t, r);
            }
            O::LocalSet { local_index } | O::LocalTee { local_index } => {
                let v = self.pop();
                let t = self.locals[local_index as usize];
                self.emit(format!("store {0} {1}, {0}* %l{local_index}", t.ir(), v.s));
                if matches!(op, O::LocalTee { .. }) {
                    self.stack.push(v);
                }
            }
            O::GlobalGet { global_index } => self.global_get(global_index)?,
            O::GlobalSet { global_index } => self.global_set(global_index)?,

            O::I32Load { memarg } => self.load(&memarg, "i32", 4, Ty::I32, false),
            O::I64Load { memarg } => self.load(&memarg, "i64", 8, Ty::I64, false),
            O::F32Load { memarg } => self.load(&memarg, "float", 4, Ty::F32, false),
            O::F64Load { memarg } => self.load(&memarg, "double", 8, Ty::F64, false),
            O::I32Load8S { memarg } => self.load(&memarg, "i8", 1, Ty::I32, true),
            O::I32Load8U { memarg } => self.load(&memarg, "i8", 1, Ty::I32, false),
            O::I32Load16S { memarg } => self.load(&memarg, "i16", 2, Ty::I32, true),
            O::I32Load16U { memarg } => self.load(&memarg, "i16", 2, Ty::I32, false),
            O::I64Load8S { memarg } => self.load(&memarg, "i8", 1, Ty::I64, true),
            O::I64Load8U { memarg } => self.load(&memarg, "i8", 1, Ty::I64, false),
            O::I64Load16S { memarg } => self.load(&memarg, "i16", 2, Ty::I64, true),
            O::I64Load16U { memarg } => self.load(&memarg, "i16", 2, Ty::I64, false),
            O::I64Load32S { memarg } => self.load(&memarg, "i32", 4, Ty::I64, true),
            O::I64Load32U { memarg } => self.load(&memarg, "i32", 4, Ty::I64, false),
            O::I32Store { memarg } => self.store(&memarg, "i32", 4),
            O::I64Store { memarg } => self.store(&memarg, "i64", 8),
            O::F32Store { memarg } => self.store(&memarg, "float", 4),
            O::F64Store { memarg } => self.store(&memarg, "double", 8),
            O::I32Store8 { memarg } | O::I64Store8 { memarg } => self.store(&memarg, "i8", 1),
            O::I32Store16 { memarg } | O::I64Store16 { memarg } => self.store(&memarg, "i16", 2),
            O::I64Store32 { memarg } => self.store(&memarg, "i32", 4),

            O::MemorySize { mem } => {
                let ps = self.g.opts.pointer_size;
                let isz = self.isz;
                let m = self.memory_header(mem);
                let lo = field_offset(memory_field::LEN, ps);
                let lp = self.def(format!("getelementptr inbounds i8, i8* {m}, i32 {lo}"));
                let lp = self.def(format!("bitcast i8* {lp} to {isz}*"));
                let len = self.def(format!("load {isz}, {isz}* {lp}, align {ps}, !tbaa !3"));
                let ty = self.g.module.memories[mem as usize];
                let log2 = ty.page_size_log2;
                let pages = self.def(format!("lshr {isz} {len}, {log2}"));
                let r = match (isz == "i64", ty.address64) {
                    (true, false) => self.def(format!("trunc i64 {pages} to i32")),
                    (false, true) => self.def(format!("zext i32 {pages} to i64")),
                    _ => pages,
                };
                self.push(if ty.address64 { Ty::I64 } else { Ty::I32 }, r);
            }
            O::MemoryGrow { mem } => {
                let n = self.pop();
                let n = self.saturated_u32(&n);
                let r = self
                    .call_helper(Helper::MemoryGrow, &[mem.to_string(), n])
                    .unwrap();
                let address64 = self.g.module.memories[mem as usize].address64;
                self.grow_result(r, address64);
            }
            O::MemoryFill { mem } => {
                let v = self.popn_u32(3);
                self.call_helper(
                    Helper::MemoryFill,
                    &[mem.to_string(), v[0].clone(), v[1].clone(), v[2].clone()],
                );
            }
            O::MemoryCopy { dst_mem, src_mem } => {
                let v = self.popn_u32(3);
                self.call_helper(
                    Helper::MemoryCopy,
                    &[
                        dst_mem.to_string(),
                        src_mem.to_string(),
                        v[0].clone(),
                        v[1].clone(),
                        v[2].clone(),
                    ],
                );
            }
            O::MemoryInit { data_index, mem } => {
                let v = self.popn_u32(3);
                self.call_helper(
                    Helper::MemoryInit,
                    &[
                        mem.to_string(),
                        data_index.to_string(),
                        v[0].clone(),
                        v[1].clone(),
                        v[2].clone(),
                    ],
                );
            }
            O::DataDrop { data_index } => {
                self.call_helper(Helper::DataDrop, &[data_index.to_string()]);
            }
            O::TableGet { table } => {
                let i = self.pop();
                let i = self.saturated_u32(&i);
                let r = self
                    .call_helper(Helper::TableGet, &[table.to_string(), i])
                    .unwrap();
                self.push(Ty::I64, r);
            }
            O::TableSet { table } => {
                let value = self.pop();
                let i = self.pop();
                let i = self.saturated_u32(&i);
                self.call_helper(Helper::TableSet, &[table.to_string(), i, value.s]);
            }
            O::TableSize { table } => {
                let r = self
                    .call_helper(Helper::TableSize, &[table.to_string()])
                    .unwrap();
                let address64 = self.g.module.tables[table as usize].address64;
                self.size_result(r, address64);
            }
            O::TableGrow { table } => {
                let delta = self.pop();
                let delta = self.saturated_u32(&delta);
                let init = self.pop();
                let r = self
                    .call_helper(Helper::TableGrow, &[table.to_string(), init.s, delta])
                    .unwrap();
                let address64 = self.g.module.tables[table as usize].address64;
                self.grow_result(r, address64);
            }
            O::TableFill { table } => {
                let len = self.pop();
                let len = self.saturated_u32(&len);
                let value = self.pop();
                let dst = self.pop();
                let dst = self.saturated_u32(&dst);
                self.call_helper(Helper::TableFill, &[table.to_string(), dst, value.s, len]);
            }
            O::TableCopy {
                dst_table,
                src_table,
            } => {
                let v = self.popn_u32(3);
                self.call_helper(
                    Helper::TableCopy,
                    &[
                        dst_table.to_string(),
                        src_table.to_string(),
                        v[0].clone(),
                        v[1].clone(),
                        v[2].clone(),
                    ],
                );
            }
            O::TableInit { elem_index, table } => {
                let v = self.popn_u32(3);
                self.call_helper(
                    Helper::TableInit,
                    &[
                        table.to_string(),
                        elem_index.to_string(),
                        v[0].clone(),
                        v[1].clone(),
                        v[2].clone(),
                    ],
                );
            }
            O::ElemDrop { elem_index } => {
                self.call_helper(Helper::ElemDrop, &[elem_index.to_string()]);
            }
            O::RefNull { .. } => self.push(Ty::I64, "0".into()),
            O::RefIsNull => self.eqz(),
            O::RefFunc { function_index } => {
                let r = self
                    .call_helper(Helper::RefFunc, &[function_index.to_string()])
                    .unwrap();
                self.push(Ty::I64, r);
            }

            O::I32Const { value } => self.push(Ty::I32, value.to_string()),
            O::I64Const { value } => self.push(Ty::I64, value.to_string()),
            O::F32Const { value } => {
                self.fconst_val(Ty::F32, u64::from(value.bits() as i32 as u32))
            }
            O::F64Const { value } => self.fconst_val(Ty::F64, value.bits()),

            O::I32Eqz | O::I64Eqz => self.eqz(),
            O::I32Eq | O::I64Eq => self.cmp("icmp eq"),
            O::I32Ne | O::I64Ne => self.cmp("icmp ne"),
            O::I32LtS | O::I64LtS => self.cmp("icmp slt"),
            O::I32LtU | O::I64LtU => self.cmp("icmp ult"),
            O::I32GtS | O::I64GtS => self.cmp("icmp sgt"),
            O::I32GtU | O::I64GtU => self.cmp("icmp ugt"),
            O::I32LeS | O::I64LeS => self.cmp("icmp sle"),
            O::I32LeU | O::I64LeU => self.cmp("icmp ule"),
            O::I32GeS | O::I64GeS => self.cmp("icmp sge"),
            O::I32GeU | O::I64GeU => self.cmp("icmp uge"),
            O::F32Eq | O::F64Eq => self.cmp("fcmp oeq"),
            O::F32Ne | O::F64Ne => self.cmp("fcmp une"),
            O::F32Lt | O::F64Lt => self.cmp("fcmp olt"),
            O::F32Gt | O::F64Gt => self.cmp("fcmp ogt"),
            O::F32Le | O::F64Le => self.cmp("fcmp ole"),
            O::F32Ge | O::F64Ge => self.cmp("fcmp oge"),

            O::I32Clz | O::I64Clz => self.intrinsic1("ctlz", "false"),
            O::I32Ctz | O::I64Ctz => self.intrinsic1("cttz", "false"),
            O::I32Popcnt | O::I64Popcnt => self.intrinsic1("ctpop", ""),
            O::I32Add | O::I64Add => self.bin("add"),
            O::I32Sub | O::I64Sub => self.bin("sub"),
            O::I32Mul | O::I64Mul => self.bin("mul"),
            O::I32DivS | O::I64DivS => self.divrem("sdiv"),
            O::I32DivU | O::I64DivU => self.divrem("udiv"),
            O::I32RemS | O::I64RemS => self.divrem("srem"),
            O::I32RemU | O::I64RemU => self.divrem("urem"),
            O::I32And | O::I64And => self.bin("and"),
            O::I32Or | O::I64Or => self.bin("or"),
            O::I32Xor | O::I64Xor => self.bin("xor"),
            O::I32Shl | O::I64Shl => self.shift("shl"),
            O::I32ShrS | O::I64ShrS => self.shift("ashr"),
            O::I32ShrU | O::I64ShrU => self.shift("lshr"),
            O::I32Rotl | O::I64Rotl => self.rot("fshl"),
            O::I32Rotr | O::I64Rotr => self.rot("fshr"),

            O::F32Abs | O::F64Abs => self.intrinsic1("fabs", ""),
            O::F32Neg | O::F64Neg => {
                let a = self.pop();
                let r = self.def(format!("fneg {} {}", a.ty.ir(), a.s));
                self.push(a.ty, r);
            }
            O::F32Ceil | O::F64Ceil => self.round(Round::Ceil),
            O::F32Floor | O::F64Floor => self.round(Round::Floor),
            O::F32Trunc | O::F64Trunc => self.round(Round::Trunc),
            O::F32Nearest | O::F64Nearest => self.round(Round::Nearest),
            O::F32Sqrt | O::F64Sqrt => self.intrinsic1("sqrt", ""),
            O::F32Add | O::F64Add => self.bin("fadd"),
            O::F32Sub | O::F64Sub => self.bin("fsub"),
            O::F32Mul | O::F64Mul => self.bin("fmul"),
            O::F32Div | O::F64Div => self.bin("fdiv"),
            O::F32Min | O::F64Min => self.minmax(true),
            O::F32Max | O::F64Max => self.minmax(false),
            O::F32Copysign | O::F64Copysign => self.intrinsic2("copysign"),

            O::I32WrapI64 => self.conv("trunc", Ty::I32),
            O::I64ExtendI32S => self.conv("sext", Ty::I64),
            O::I64ExtendI32U => self.conv("zext", Ty::I64),
            O::I32TruncF32S | O::I32TruncF64S => self.trunc_trap(Ty::I32, true),
            O::I32TruncF32U | O::I32TruncF64U => self.trunc_trap(Ty::I32, false),
            O::I64TruncF32S | O::I64TruncF64S => self.trunc_trap(Ty::I64, true),
            O::I64TruncF32U | O::I64TruncF64U => self.trunc_trap(Ty::I64, false),
            O::I32TruncSatF32S | O::I32TruncSatF64S => self.trunc_sat(Ty::I32, true),
            O::I32TruncSatF32U | O::I32TruncSatF64U => self.trunc_sat(Ty::I32, false),
            O::I64TruncSatF32S | O::I64TruncSatF64S => self.trunc_sat(Ty::I64, true),
            O::I64TruncSatF32U | O::I64TruncSatF64U => self.trunc_sat(Ty::I64, false),
            O::F32ConvertI32S | O::F32ConvertI64S => self.convert_int(true, Ty::F32),
            O::F32ConvertI32U | O::F32ConvertI64U => self.convert_int(false, Ty::F32),
            O::F64ConvertI32S | O::F64ConvertI64S => self.convert_int(true, Ty::F64),
            O::F64ConvertI32U | O::F64ConvertI64U => self.convert_int(false, Ty::F64),
            O::F32DemoteF64 => {
                // LLVM folds demote(promote(x)) to x, which would return a signalling NaN
                // unquieted: add a NaN-only `r + r`.
                let x = self.pop();
                let r = self.def(format!("fptrunc double {} to float", x.s));
                let nan = self.def(format!("fcmp uno double {0}, {0}", x.s));
                let q = self.def(format!("fadd float {r}, {r}"));
                let v = self.def(format!("select i1 {nan}, float {q}, float {r}"));
                self.push(Ty::F32, v);
            }
            O::F64PromoteF32 => self.conv("fpext", Ty::F64),
            O::I32ReinterpretF32 => self.conv("bitcast", Ty::I32),
            O::I64ReinterpretF64 => self.conv("bitcast", Ty::I64),
            O::F32ReinterpretI32 => self.conv("bitcast", Ty::F32),
            O::F64ReinterpretI64 => self.conv("bitcast", Ty::F64),
            O::I32Extend8S | O::I64Extend8S => self.ext_narrow("i8"),
            O::I32Extend16S | O::I64Extend16S => self.ext_narrow("i16"),
            O::I64Extend32S => self.ext_narrow("i32"),

            other => {
                return Err(CompileError::Unsupported(format!(
                    "operator {other:?} in function {}",
                    self.g.module.num_imported_funcs + self.defined
                )))
            }
        }
        if nan_result.is_some() {
            self.canonicalize_nan();
        }
        Ok(())
    }

    /// Deterministic mode: replaces the stack top, the result of an operator that may
    /// return a NaN, with the canonical NaN if it is one (`mote_core::nan`). The choice
    /// is made on the integer bits: LLVM treats NaN payloads as unspecified, so a float
    /// `select` between a NaN and the value could be folded to the value.
    fn canonicalize_nan(&mut self) {
        let value = self.pop();
        let (ty, canonical) = match value.ty {
            Ty::F32 => (Ty::I32, u64::from(mote_core::nan::CANONICAL_F32)),
            _ => (Ty::I64, mote_core::nan::CANONICAL_F64),
        };
        let (fty, ity) = (value.ty.ir(), ty.ir());
        let is_nan = self.def(format!("fcmp uno {fty} {0}, {0}", value.s));
        let bits = self.def(format!("bitcast {fty} {} to {ity}", value.s));
        let chosen = self.def(format!(
            "select i1 {is_nan}, {ity} {}, {ity} {bits}",
            canonical as i64
        ));
        let result = self.def(format!("bitcast {ity} {chosen} to {fty}"));
        self.push(value.ty, result);
    }
}

impl Ty {
    fn float_suffix(self) -> &'static str {
        self.suffix()
    }
}

/// 64-bit division for 32-bit targets, where LLVM would call libgcc/AEABI routines
/// (`__udivdi3`, `__aeabi_uldivmod`, ...) that mote does not provide. Division by zero never
/// gets here (the caller traps first). 32-bit operands take the hardware divide; else a
/// restoring shift-subtract loop.
fn div64_runtime() -> String {
    String::from(
        r#"
define internal { i64, i64 } @mote.udivmod64(i64 %n, i64 %d) #0 {
entry:
  %nh = lshr i64 %n, 32
  %dh = lshr i64 %d, 32
  %h = or i64 %nh, %dh
  %small = icmp eq i64 %h, 0
  br i1 %small, label %fast, label %loop
fast:
  %n32 = trunc i64 %n to i32
  %d32 = trunc i64 %d to i32
  %q32 = udiv i32 %n32, %d32
  %r32 = urem i32 %n32, %d32
  %qz = zext i32 %q32 to i64
  %rz = zext i32 %r32 to i64
  %f0 = insertvalue { i64, i64 } undef, i64 %qz, 0
  %f1 = insertvalue { i64, i64 } %f0, i64 %rz, 1
  ret { i64, i64 } %f1
loop:
  %i = phi i64 [ 0, %entry ], [ %i1, %loop ]
  %q = phi i64 [ 0, %entry ], [ %q2, %loop ]
  %r = phi i64 [ 0, %entry ], [ %r2, %loop ]
  %sh = sub i64 63, %i
  %bit = lshr i64 %n, %sh
  %b1 = and i64 %bit, 1
  %top = lshr i64 %r, 63
  %rs = shl i64 %r, 1
  %r1 = or i64 %rs, %b1
  %ge0 = icmp uge i64 %r1, %d
  %carry = icmp ne i64 %top, 0
  %ge = or i1 %ge0, %carry
  %rsub = sub i64 %r1, %d
  %r2 = select i1 %ge, i64 %rsub, i64 %r1
  %qs = shl i64 %q, 1
  %qb = zext i1 %ge to i64
  %q2 = or i64 %qs, %qb
  %i1 = add i64 %i, 1
  %done = icmp eq i64 %i1, 64
  br i1 %done, label %out, label %loop
out:
  %o0 = insertvalue { i64, i64 } undef, i64 %q2, 0
  %o1 = insertvalue { i64, i64 } %o0, i64 %r2, 1
  ret { i64, i64 } %o1
}

define internal { i64, i64 } @mote.sdivmod64(i64 %a, i64 %b) #0 {
  %an = icmp slt i64 %a, 0
  %bn = icmp slt i64 %b, 0
  %na = sub i64 0, %a
  %nb = sub i64 0, %b
  %ua = select i1 %an, i64 %na, i64 %a
  %ub = select i1 %bn, i64 %nb, i64 %b
  %qr = call { i64, i64 } @mote.udivmod64(i64 %ua, i64 %ub)
  %q = extractvalue { i64, i64 } %qr, 0
  %r = extractvalue { i64, i64 } %qr, 1
  %qneg = xor i1 %an, %bn
  %nq = sub i64 0, %q
  %nr = sub i64 0, %r
  %qs = select i1 %qneg, i64 %nq, i64 %q
  %rs = select i1 %an, i64 %nr, i64 %r
  %o0 = insertvalue { i64, i64 } undef, i64 %qs, 0
  %o1 = insertvalue { i64, i64 } %o0, i64 %rs, 1
  ret { i64, i64 } %o1
}
"#,
    )
}
