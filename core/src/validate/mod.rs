//! mote's own validation of WebAssembly modules, done while [`Module::new`](crate::Module::new)
//! reads the binary with wasmparser's `Parser` and section readers.
//!
//! - [`sections`]: module-level rules (types, imports, limits, constant expressions,
//!   exports, start, element and data segments, implementation limits), one section
//!   item at a time, converting each item into the module model as it is checked.
//! - [`func`]: the function-body validator, the spec's validation algorithm (appendix
//!   "Validation Algorithm": an operand stack of maybe-types, a control stack of frames),
//!   fed one decoded `wasmparser::Operator` at a time.
//!
//! wasmparser's reader still decides what is *malformed* (its messages are passed on);
//! everything it decodes is checked here, with the spec's messages. The implementation
//! limits are wasmparser's (`wasmparser::limits`), so that mote accepts exactly what
//! wasmparser's `Validator` accepts with the same features (`tests/tests/validate_oracle.rs`
//! checks that).

use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;

use crate::module::{ModuleError, ModuleErrorKind};
use crate::types::ValType;

pub(crate) mod func;
pub(crate) mod sections;
#[cfg(test)]
mod tests;

pub(crate) use sections::ModuleValidator;

/// wasmparser's implementation limits (its `limits` module is private), which mote
/// enforces too so that both accept the same modules. The spec allows more (up to
/// 2^32 - 1 locals, for instance); real modules stay far below these.
pub(crate) mod limits {
    pub const MAX_WASM_TYPES: usize = 1_000_000;
    pub const MAX_WASM_FUNCTIONS: usize = 1_000_000;
    pub const MAX_WASM_IMPORTS: usize = 1_000_000;
    pub const MAX_WASM_EXPORTS: usize = 1_000_000;
    pub const MAX_WASM_GLOBALS: usize = 1_000_000;
    pub const MAX_WASM_ELEMENT_SEGMENTS: usize = 100_000;
    pub const MAX_WASM_DATA_SEGMENTS: usize = 100_000;
    pub const MAX_WASM_FUNCTION_SIZE: usize = 7_654_321;
    pub const MAX_WASM_FUNCTION_LOCALS: u32 = 50_000;
    pub const MAX_WASM_FUNCTION_PARAMS: usize = 1000;
    pub const MAX_WASM_FUNCTION_RETURNS: usize = 1000;
    pub const MAX_WASM_TABLE_ENTRIES: usize = 10_000_000;
    pub const MAX_WASM_TABLES: usize = 100_000;
    pub const MAX_WASM_MEMORIES: usize = 100;
    pub const MAX_WASM_TYPE_SIZE: u32 = 1_000_000;
}

/// What this build validates and runs beyond the WebAssembly 2.0 core. Each proposal
/// is checked in one place (search for its field), which says what enabling it needs;
/// the set is fixed by the build ([`Features::SUPPORTED`]) because a switch that
/// accepted code the engines cannot run would be worse than a refusal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Features {
    /// f32/f64 types and instructions (cargo feature `float`). Float code is always
    /// validated; without this, a valid module that uses floats is refused as unsupported.
    floats: bool,
    /// 128-bit SIMD: `v128` types are validated, SIMD instructions are not yet.
    simd: bool,
    /// `return_call`, `return_call_indirect`.
    tail_calls: bool,
    /// `i32/i64.add/sub/mul` in constant expressions (cargo feature `extended-const`,
    /// on with `std`).
    extended_const: bool,
    /// More than one memory, memory indices in instructions.
    multi_memory: bool,
    /// 64-bit memories and tables.
    memory64: bool,
    /// Memories with a page size other than 64 KiB.
    custom_page_sizes: bool,
}

impl Features {
    /// What this build of mote runs: WebAssembly 2.0 without SIMD, plus tail calls and
    /// custom page sizes; f32/f64 only with the `float` cargo feature, extended constant
    /// expressions only with `extended-const`, multi-memory only with `multi-memory`,
    /// 64-bit memories and tables only with `memory64`.
    pub const SUPPORTED: Features = Features {
        floats: cfg!(feature = "float"),
        simd: false,
        tail_calls: true,
        extended_const: cfg!(feature = "extended-const"),
        multi_memory: cfg!(feature = "multi-memory"),
        memory64: cfg!(feature = "memory64"),
        custom_page_sizes: true,
    };

    /// How wasmparser's reader must decode for this set: the encodings of proposals that
    /// are off (memory indices in memargs, 64-bit limits, ...) are then malformed, as in
    /// the 2.0 binary format.
    pub fn decoding(self) -> wasmparser::WasmFeatures {
        use wasmparser::WasmFeatures as W;
        let mut decoding = W::WASM2;
        decoding.set(W::SIMD, self.simd);
        decoding.set(W::TAIL_CALL, self.tail_calls);
        decoding.set(W::EXTENDED_CONST, self.extended_const);
        decoding.set(W::MULTI_MEMORY, self.multi_memory);
        decoding.set(W::MEMORY64, self.memory64);
        decoding.set(W::CUSTOM_PAGE_SIZES, self.custom_page_sizes);
        decoding
    }
}

impl Default for Features {
    fn default() -> Features {
        Features::SUPPORTED
    }
}

/// A proposal after WebAssembly 2.0 that a module uses and this build does not run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Proposal {
    Simd,
    TailCalls,
    ExtendedConst,
    Memory64,
    CustomPageSizes,
    MultiMemory,
    Threads,
    Exceptions,
    /// Typed function references and GC (non-null and concrete reference types, rec
    /// groups, struct/array types, their instructions).
    Gc,
    /// Any other instruction wasmparser decodes beyond 2.0 (stack switching, wide
    /// arithmetic, memory control, ...).
    Other,
}

impl Proposal {
    fn message(self) -> &'static str {
        match self {
            Proposal::Simd => "SIMD is not supported yet",
            Proposal::TailCalls => "tail calls are not supported yet",
            Proposal::ExtendedConst => {
                "extended constant expressions are not supported by this build (cargo feature `extended-const`)"
            }
            Proposal::Memory64 => "the memory64 proposal is not enabled in this build",
            Proposal::CustomPageSizes => "custom page sizes are not supported yet",
            Proposal::MultiMemory => {
                "multiple memories (multi-memory) are not in this build (cargo feature `multi-memory`)"
            }
            Proposal::Threads => "threads (shared memories, atomics) are not supported",
            Proposal::Exceptions => "exception handling is not supported yet",
            Proposal::Gc => "typed function references and GC are not supported yet",
            Proposal::Other => "instructions beyond WebAssembly 2.0 are not supported",
        }
    }

    /// The proposal an instruction that is not WebAssembly 2.0 belongs to, by its
    /// leading opcode byte (wasmparser decodes every proposal it knows).
    pub(crate) fn of_opcode(opcode: u8) -> Proposal {
        match opcode {
            0xfd => Proposal::Simd,
            0x12 | 0x13 => Proposal::TailCalls,
            0xfe => Proposal::Threads,
            0x06..=0x0a | 0x18 | 0x19 | 0x1f => Proposal::Exceptions,
            0xfb | 0x14 | 0x15 | 0xd3..=0xd6 => Proposal::Gc,
            _ => Proposal::Other,
        }
    }
}

/// Why a module is invalid, in the spec's words (the reference interpreter's messages,
/// which the spec suite's `assert_invalid` directives expect as prefixes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reason {
    TypeMismatch,
    /// An operand of the wrong type: expected, found.
    Expected(ValType, ValType),
    /// An operand missing: expected.
    Missing(ValType),
    /// Operands left over at the end of a block.
    ValuesRemaining,
    UnknownType(u32),
    UnknownFunction(u32),
    UnknownTable(u32),
    UnknownMemory(u32),
    UnknownGlobal(u32),
    UnknownLocal(u32),
    UnknownLabel(u32),
    UnknownElem(u32),
    UnknownData(u32),
    Alignment,
    /// A memarg offset of 2^32 or more on a 32-bit memory.
    #[cfg(feature = "memory64")]
    OffsetRange,
    ConstantRequired,
    DuplicateExport,
    UndeclaredFuncRef,
    DataCountRequired,
    GlobalImmutable,
    StartFunction,
    ResultArity,
    MemorySize,
    /// [`Reason::MemorySize`] of a memory with one-byte pages.
    MemoryBytes,
    /// [`Reason::MemorySize`] of a 64-bit memory (64 KiB pages).
    #[cfg(feature = "memory64")]
    Memory64Size,
    /// A 32-bit table's limits beyond 2^32 - 1 entries (limits are u64s with memory64).
    #[cfg(feature = "memory64")]
    TableSize,
    /// A memory page size other than 1 or 65536 bytes.
    PageSize,
    LimitsOrder,
    TooManyLocals,
    MalformedSectionId,
    /// Instructions after the `end` that closes a function body.
    AfterEnd,
    /// A function body that ends inside a block.
    EndExpected,
    /// wasmparser's implementation limit on the named count.
    Limit(&'static str, usize),
    /// wasmparser's limit on the total size of imported and exported types.
    TypeSize,
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let unknown = |f: &mut fmt::Formatter<'_>, what: &str, index: &u32| {
            write!(f, "unknown {what} {index}")
        };
        match self {
            Reason::TypeMismatch => f.write_str("type mismatch"),
            Reason::Expected(want, got) => write!(f, "type mismatch: expected {want}, found {got}"),
            Reason::Missing(want) => write!(f, "type mismatch: expected {want}, found nothing"),
            Reason::ValuesRemaining => {
                f.write_str("type mismatch: values remaining on the stack at the end of a block")
            }
            Reason::UnknownType(i) => unknown(f, "type", i),
            Reason::UnknownFunction(i) => unknown(f, "function", i),
            Reason::UnknownTable(i) => unknown(f, "table", i),
            Reason::UnknownMemory(i) => unknown(f, "memory", i),
            Reason::UnknownGlobal(i) => unknown(f, "global", i),
            Reason::UnknownLocal(i) => unknown(f, "local", i),
            Reason::UnknownLabel(i) => unknown(f, "label", i),
            Reason::UnknownElem(i) => unknown(f, "elem segment", i),
            Reason::UnknownData(i) => unknown(f, "data segment", i),
            Reason::Alignment => f.write_str("alignment must not be larger than natural"),
            #[cfg(feature = "memory64")]
            Reason::OffsetRange => f.write_str("offset out of range"),
            Reason::ConstantRequired => f.write_str("constant expression required"),
            Reason::DuplicateExport => f.write_str("duplicate export name"),
            Reason::UndeclaredFuncRef => f.write_str("undeclared function reference"),
            Reason::DataCountRequired => f.write_str("data count section required"),
            Reason::GlobalImmutable => f.write_str("global is immutable"),
            Reason::StartFunction => f.write_str("start function must have type [] -> []"),
            Reason::ResultArity => f.write_str("invalid result arity"),
            Reason::MemorySize => f.write_str("memory size must be at most 65536 pages (4GiB)"),
            Reason::MemoryBytes => {
                f.write_str("memory size must be at most 0xffffffff 1-byte pages (4GiB)")
            }
            #[cfg(feature = "memory64")]
            Reason::Memory64Size => f.write_str("memory size must be at most 2^48 pages (256TiB)"),
            #[cfg(feature = "memory64")]
            Reason::TableSize => f.write_str("table size must be at most 2^32-1"),
            Reason::PageSize => f.write_str("invalid custom page size"),
            Reason::LimitsOrder => f.write_str("size minimum must not be greater than maximum"),
            Reason::TooManyLocals => f.write_str("too many locals"),
            Reason::MalformedSectionId => f.write_str("malformed section id"),
            Reason::AfterEnd => f.write_str("operators remaining after end of function"),
            Reason::EndExpected => f.write_str("END opcode expected"),
            Reason::Limit(what, max) => write!(f, "{what} count exceeds the limit of {max}"),
            Reason::TypeSize => f.write_str("imported and exported types exceed the size limit"),
        }
    }
}

/// An invalid-module error at `offset` of the module file.
pub(crate) fn invalid(reason: Reason, offset: u64) -> ModuleError {
    error(ModuleErrorKind::Invalid, reason.to_string(), offset)
}

/// A valid module (as far as it was read) that uses a proposal this build leaves out.
pub(crate) fn unsupported(proposal: Proposal, offset: u64) -> ModuleError {
    error(
        ModuleErrorKind::Unsupported,
        proposal.message().into(),
        offset,
    )
}

fn error(kind: ModuleErrorKind, message: String, offset: u64) -> ModuleError {
    ModuleError {
        kind,
        message,
        func_index: None,
        offset: Some(offset as usize),
    }
}

/// Errors if `current + added` exceeds `max` (wasmparser's `check_max`).
pub(crate) fn check_count(
    current: usize,
    added: u32,
    max: usize,
    what: &'static str,
    offset: u64,
) -> Result<(), ModuleError> {
    if current.saturating_add(added as usize) <= max {
        Ok(())
    } else if max == 1 && what == "memories" {
        // Valid WebAssembly 3.0, left out of this build.
        Err(unsupported(Proposal::MultiMemory, offset))
    } else {
        Err(invalid(Reason::Limit(what, max), offset))
    }
}

/// A set of function indices (the spec's `C.refs`: functions referenced outside
/// function bodies, which `ref.func` in a body may name).
#[derive(Default)]
pub(crate) struct FuncSet {
    words: Vec<u64>,
}

impl FuncSet {
    pub(crate) fn insert(&mut self, index: u32) {
        let word = (index / 64) as usize;
        if word >= self.words.len() {
            self.words.resize(word + 1, 0);
        }
        self.words[word] |= 1 << (index % 64);
    }

    pub(crate) fn contains(&self, index: u32) -> bool {
        self.words
            .get((index / 64) as usize)
            .is_some_and(|w| w & (1 << (index % 64)) != 0)
    }
}

/// Where a module first uses something this build may refuse only after validating the
/// whole module (floats; `v128` as a type): validation goes on, and the refusal names
/// the first function that uses it.
#[derive(Default, Clone, Copy)]
pub(crate) struct Usage {
    /// Used anywhere (a type, a global, a constant expression, a function).
    pub(crate) anywhere: bool,
    /// The first function whose body (locals, instructions) uses it.
    pub(crate) first_body: Option<u32>,
}

impl Usage {
    pub(crate) fn note(&mut self, func: Option<u32>) {
        self.anywhere = true;
        if let Some(func) = func {
            self.first_body = Some(self.first_body.map_or(func, |f| f.min(func)));
        }
    }
}
