//! mote-aotc: the ahead-of-time compiler.
//!
//! `compile` lowers a validated [`Module`] to LLVM IR (one native function `f{i}` and one
//! array-call trampoline `t{i}` per defined function, see [`ir`]), optimises it, emits a
//! relocatable ELF object for the chosen target in memory and converts that object into
//! an [`AotObject`] (text, merged read-only data, `.aot` relocation records, and the
//! metadata and names `mote_core::aot::meta::write` makes from the module).
//! The `.aot` writer (`mote_core::aot::format`) turns the `AotObject` into a file.
//!
//! The LLVM half is behind the `llvm` feature (default on). Without it this crate still
//! builds: IR generation works, `compile` returns
//! [`CompileError::NoLlvm`].

use core::fmt;

use mote_core::aot::object::{AotObject, BoundsChecks};
use mote_core::aot::reloc::Arch;
use mote_core::Module;

mod arm_tailcc;
pub mod ir;

#[cfg(feature = "llvm")]
mod elf;
#[cfg(feature = "llvm")]
mod llvm;
#[cfg(feature = "llvm")]
mod xip;

/// Compiler options (the `aotc` command line maps onto these one to one).
#[derive(Debug, Clone)]
pub struct Options {
    pub arch: Arch,
    /// `None`: the target's default (portable) CPU; `Some("native")`: the host CPU and its
    /// features (x86_64/aarch64 hosts only).
    pub cpu: Option<String>,
    /// LLVM feature string, e.g. `+sse4.1,+popcnt` or `+f,+d`, appended to the defaults.
    pub cpu_features: Option<String>,
    /// 0..=3.
    pub opt_level: u8,
    /// 0..=2 (1 = `-Os`, 2 = `-Oz`; 3 is treated as 2).
    pub size_level: u8,
    pub bounds_checks: BoundsChecks,
    /// Keep the optimised LLVM IR in [`Output::llvm_ir`].
    pub emit_llvm: bool,
    /// 64-bit division and i64 <-> float conversions through code in the module instead
    /// of the target's (libcalls on 32-bit targets). `None`: on 32-bit targets only.
    pub soft_div64: Option<bool>,
    /// Position-independent code. `None`: PIC on x86_64/aarch64 (required there: jump
    /// tables), static on thumbv7em/riscv32 (smaller). `Some(false)` on a 64-bit target is
    /// refused.
    pub pic: Option<bool>,
    /// Execute in place (`aotc --xip`): position-independent code whose every relocation
    /// is resolved when the file is written, helpers called through
    /// `VmContext::helpers`; the loader runs it where it lies (e.g. in flash) without
    /// writing to it. Write the object with `WriteOptions { xip: true, .. }`.
    pub xip: bool,
    /// Charge fuel (`mote_core::fuel`) at every segment start; recorded in the header
    /// (`feature::FUEL`), and a runtime metering fuel refuses code without it.
    pub fuel: bool,
    /// Check the interrupt flag at function entries and loop headers (`feature::
    /// INTERRUPTIBLE`); a runtime with an interrupt handle refuses code without it.
    pub interruptible: bool,
    /// Report the frames a trap returns through, for backtraces (`aotc --no-backtrace`
    /// leaves them out: no backtraces, the smallest and fastest code;
    /// docs/diagnostics.md).
    pub backtrace: bool,
    /// With `backtrace`: each trap site's and call's Wasm offset too
    /// (`aotc --no-backtrace-offsets` drops them: smaller code, frames with function
    /// names only).
    pub backtrace_offsets: bool,
    /// Canonicalise every NaN result (`mote_core::nan`; `feature::DETERMINISTIC`); a
    /// runtime in deterministic mode refuses code without it.
    pub deterministic: bool,
}

impl Options {
    /// Defaults for `arch`: `-O3`, guard pages on 64-bit targets, explicit checks else.
    pub fn new(arch: Arch) -> Options {
        Options {
            arch,
            cpu: None,
            cpu_features: None,
            opt_level: 3,
            size_level: 0,
            bounds_checks: default_bounds_checks(arch),
            emit_llvm: false,
            soft_div64: None,
            pic: None,
            xip: false,
            fuel: false,
            interruptible: false,
            backtrace: true,
            backtrace_offsets: true,
            deterministic: false,
        }
    }

    /// The header feature bits of the checks these options compile into the code.
    pub fn checks(&self) -> u32 {
        use mote_core::aot::format::feature;
        let mut bits = 0;
        if self.fuel {
            bits |= feature::FUEL;
        }
        if self.interruptible {
            bits |= feature::INTERRUPTIBLE;
        }
        if self.deterministic {
            bits |= feature::DETERMINISTIC;
        }
        bits
    }

    /// Defaults for the machine `aotc` runs on.
    pub fn host() -> Options {
        Options::new(host_arch())
    }
}

/// Guard pages need a 64-bit address space (8 GiB reservations).
pub fn default_bounds_checks(arch: Arch) -> BoundsChecks {
    if arch.pointer_size() == 8 {
        BoundsChecks::Guard
    } else {
        BoundsChecks::Explicit
    }
}

/// The architecture `aotc` itself was built for (x86_64 when it is none of the four).
pub fn host_arch() -> Arch {
    if cfg!(target_arch = "aarch64") {
        Arch::Aarch64
    } else if cfg!(target_arch = "riscv32") {
        Arch::Riscv32
    } else if cfg!(target_arch = "arm") {
        Arch::Thumbv7em
    } else {
        Arch::X86_64
    }
}

/// `x86_64`, `aarch64`, `thumbv7em`, `riscv32` (a few common aliases accepted).
pub fn parse_arch(name: &str) -> Option<Arch> {
    Some(match name {
        "x86_64" | "x86-64" | "amd64" => Arch::X86_64,
        "aarch64" | "arm64" => Arch::Aarch64,
        "thumbv7em" | "thumbv7em-none-eabihf" | "cortex-m4" => Arch::Thumbv7em,
        "riscv32" | "riscv32imac" | "rv32" => Arch::Riscv32,
        _ => return None,
    })
}

pub fn arch_name(arch: Arch) -> &'static str {
    match arch {
        Arch::X86_64 => "x86_64",
        Arch::Aarch64 => "aarch64",
        Arch::Thumbv7em => "thumbv7em",
        Arch::Riscv32 => "riscv32",
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CompileError {
    /// This build has no LLVM backend.
    NoLlvm,
    /// The module uses something the compiler does not lower (the text says what).
    Unsupported(String),
    /// LLVM failed (target lookup, IR verification, code generation).
    Llvm(String),
    /// The object LLVM produced cannot be expressed in the `.aot` format (unknown
    /// relocation type, an external symbol mote does not provide, writable data...).
    Object(String),
}

impl fmt::Display for CompileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CompileError::NoLlvm => f.write_str("aotc was built without LLVM"),
            CompileError::Unsupported(m) => write!(f, "unsupported: {m}"),
            CompileError::Llvm(m) => write!(f, "LLVM: {m}"),
            CompileError::Object(m) => write!(f, "object conversion: {m}"),
        }
    }
}

impl std::error::Error for CompileError {}

/// Everything `compile_full` produces.
#[derive(Debug, Clone)]
pub struct Output {
    pub object: AotObject,
    /// The optimised LLVM IR when `Options::emit_llvm` was set.
    pub llvm_ir: Option<String>,
}

/// Compiles a validated module to an [`AotObject`] for `opts.arch`. (`wasm`, the binary
/// the module was built from, is no longer read: the metadata is written from the
/// module model.)
pub fn compile(module: &Module, wasm: &[u8], opts: &Options) -> Result<AotObject, CompileError> {
    compile_full(module, wasm, opts).map(|o| o.object)
}

/// As [`compile`], also returning the LLVM IR when asked for.
pub fn compile_full(module: &Module, wasm: &[u8], opts: &Options) -> Result<Output, CompileError> {
    if opts.bounds_checks == BoundsChecks::Guard && opts.arch.pointer_size() != 8 {
        return Err(CompileError::Unsupported(format!(
            "--bounds-checks=guard needs a 64-bit target ({} is 32-bit)",
            arch_name(opts.arch)
        )));
    }
    if opts.pic == Some(false) && opts.arch.pointer_size() == 8 {
        return Err(CompileError::Unsupported(format!(
            "{} code must be position-independent (jump tables would hold 32-bit absolute addresses)",
            arch_name(opts.arch)
        )));
    }
    if opts.xip && opts.arch == Arch::Aarch64 {
        return Err(CompileError::Unsupported(
            "--xip on aarch64: its ADRP addressing depends on the load address modulo 4 KiB \
             (execute in place is for thumbv7em, riscv32 and x86_64)"
                .into(),
        ));
    }
    #[cfg(feature = "llvm")]
    {
        // Test knob: run a whole suite at another optimisation level without touching the
        // callers (`MOTE_AOTC_OPT_LEVEL=3 cargo test -p mote-tests --test spec`).
        if let Some(level) = std::env::var("MOTE_AOTC_OPT_LEVEL")
            .ok()
            .and_then(|v| v.parse::<u8>().ok())
        {
            let mut forced = opts.clone();
            forced.opt_level = level.min(3);
            return llvm::compile(module, &forced);
        }
        let _ = wasm;
        llvm::compile(module, opts)
    }
    #[cfg(not(feature = "llvm"))]
    {
        let _ = (module, wasm);
        Err(CompileError::NoLlvm)
    }
}

/// The `.aot` file of an object compiled with `opts`: marked execute-in-place when
/// `opts.xip` asked for such code, so the two never disagree.
pub fn write_file(object: &AotObject, opts: &Options) -> Vec<u8> {
    use mote_core::aot::format::{write_with, WriteOptions};
    write_with(
        object,
        &WriteOptions {
            xip: opts.xip,
            ..Default::default()
        },
    )
}

/// Whether this build can compile (has the `llvm` feature).
pub const HAS_LLVM: bool = cfg!(feature = "llvm");

/// Target assembly of the optimised module (for inspection: `aotc --emit-asm`, tests).
pub fn assembly(module: &Module, opts: &Options) -> Result<String, CompileError> {
    #[cfg(feature = "llvm")]
    {
        llvm::assembly(module, opts)
    }
    #[cfg(not(feature = "llvm"))]
    {
        let _ = (module, opts);
        Err(CompileError::NoLlvm)
    }
}
