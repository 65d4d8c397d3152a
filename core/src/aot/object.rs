//! What the compiler hands to the `.aot` writer: code and data of one module, already
//! converted from the ELF object into the format's terms.

use alloc::vec::Vec;

use super::reloc::{Arch, RelocRecord};

/// Entry points of one defined function (offsets into `text`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AotFunc {
    /// The function with its Wasm signature in native form:
    /// `fn(*mut VmContext, params...) -> result` (several results: an LLVM struct return,
    /// only called from generated code).
    pub native: u32,
    /// The array-call trampoline `extern "C" fn(*mut VmContext, *mut u64 cells)`: arguments
    /// in the cells on entry, results on return. The runtime enters code only through it.
    pub trampoline: u32,
}

/// How memory accesses are bounds-checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BoundsChecks {
    /// A large reservation with guard pages; the platform turns faults into traps.
    Guard,
    /// An explicit compare before every access.
    Explicit,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AotObject {
    pub arch: Arch,
    pub bounds_checks: BoundsChecks,
    /// Header feature bits of the checks compiled into the code (`format::feature::FUEL`).
    pub checks: u32,
    /// The metadata section (`meta::write::metadata` of the module).
    pub metadata: Vec<u8>,
    /// The Names section, if any (`meta::write::names`).
    pub names: Option<Vec<u8>>,
    /// Indexed by defined function (imports excluded).
    pub funcs: Vec<AotFunc>,
    pub text: Vec<u8>,
    pub rodata: Vec<u8>,
    pub relocs: Vec<RelocRecord>,
}
