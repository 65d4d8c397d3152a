//! What the driver needs of an engine, in one vocabulary for mote and the reference:
//! instantiate a module with the host imports, call an export, read the exported state.

use std::fmt;

use mote_core::{Trap, ValType};

/// A value crossing the engine boundary. Floats are bits, so NaN payloads survive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Val {
    I32(i32),
    I64(i64),
    F32(u32),
    F64(u64),
    /// `true` for a function reference. Which function is not compared: the engines
    /// name functions differently (store addresses, handles).
    FuncRef(bool),
    ExternRef(Option<u32>),
}

impl Val {
    pub fn default_for(ty: ValType) -> Val {
        match ty {
            ValType::I32 => Val::I32(0),
            ValType::I64 => Val::I64(0),
            ValType::F32 => Val::F32(0),
            ValType::F64 => Val::F64(0),
            ValType::FuncRef => Val::FuncRef(false),
            ValType::ExternRef => Val::ExternRef(None),
            ValType::V128 => unreachable!("SIMD is not generated"),
        }
    }
}

impl fmt::Display for Val {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Val::I32(v) => write!(f, "i32:{v}"),
            Val::I64(v) => write!(f, "i64:{v}"),
            Val::F32(bits) => write!(f, "f32:{}(0x{bits:08x})", f32::from_bits(bits)),
            Val::F64(bits) => write!(f, "f64:{}(0x{bits:016x})", f64::from_bits(bits)),
            Val::FuncRef(true) => f.write_str("funcref"),
            Val::FuncRef(false) => f.write_str("funcref:null"),
            Val::ExternRef(Some(v)) => write!(f, "externref:{v}"),
            Val::ExternRef(None) => f.write_str("externref:null"),
        }
    }
}

/// How a call ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Returned(Vec<Val>),
    Trapped(Trap),
    /// The engine refused the call or failed in a way that is not a Wasm trap.
    Failed(String),
    /// The reference stopped the call at its step bound ([`crate::wasmi_engine::STEPS`]):
    /// the module's own fuel no longer bounds it (the reducer can delete the fuel check),
    /// so the other engines are not asked, as they might never return.
    OutOfSteps,
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Outcome::Returned(vals) => {
                f.write_str("returned [")?;
                for (i, v) in vals.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{v}")?;
                }
                f.write_str("]")
            }
            Outcome::Trapped(trap) => write!(f, "trapped: {trap} ({trap:?})"),
            Outcome::Failed(msg) => write!(f, "failed: {msg}"),
            Outcome::OutOfSteps => f.write_str("out of steps"),
        }
    }
}

/// Why a module did not become an instance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SetupError {
    /// Loading, validating or compiling refused the module.
    Refused(String),
    /// A segment or the start function trapped.
    Trapped(Trap),
    /// Anything else (linking).
    Failed(String),
    /// The start function reached the reference's step bound (see [`Outcome::OutOfSteps`]).
    OutOfSteps,
}

impl fmt::Display for SetupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SetupError::Refused(msg) => write!(f, "refused: {msg}"),
            SetupError::Trapped(trap) => write!(f, "instantiation trapped: {trap} ({trap:?})"),
            SetupError::Failed(msg) => write!(f, "instantiation failed: {msg}"),
            SetupError::OutOfSteps => f.write_str("start function out of steps"),
        }
    }
}

/// An exported item's observable state after a call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    Global(Val),
    /// Size in pages and a hash of the contents.
    Memory {
        pages: u64,
        hash: u64,
    },
    /// Size in elements (mote's API reads no entries).
    Table {
        size: u64,
    },
}

impl fmt::Display for Item {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Item::Global(v) => write!(f, "global {v}"),
            Item::Memory { pages, hash } => write!(f, "memory {pages} pages, hash {hash:016x}"),
            Item::Table { size } => write!(f, "table of {size}"),
        }
    }
}

/// A function the module imports; every engine defines it with [`crate::host::results`].
#[derive(Debug, Clone)]
pub struct HostImport {
    pub module: String,
    pub name: String,
    pub params: Vec<ValType>,
    pub results: Vec<ValType>,
}

/// The kinds of exported state [`Instance::item`] reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StateKind {
    Global,
    Memory,
    Table,
}

/// A live instance on one engine.
pub trait Instance {
    /// Calls export `name` with `args`; the result list has `results` types.
    fn call(&mut self, name: &str, args: &[Val], results: &[ValType]) -> Outcome;
    /// Sets an exported mutable global (the fuel).
    fn set_global(&mut self, name: &str, value: Val) -> Result<(), String>;
    /// The state of export `name`; `None` if it is missing or of another kind.
    fn item(&self, name: &str, kind: StateKind) -> Option<Item>;
}

/// One way of running modules.
pub trait Engine {
    fn name(&self) -> &str;
    fn instantiate(
        &self,
        wasm: &[u8],
        imports: &[HostImport],
    ) -> Result<Box<dyn Instance>, SetupError>;
}

/// FNV-1a over the memory's bytes, eight at a time (memories are multiples of 64 KiB).
pub fn hash_memory(bytes: &[u8]) -> u64 {
    let mut hash = 0xcbf2_9ce4_8422_2325u64;
    let mut words = bytes.chunks_exact(8);
    for word in &mut words {
        let v = u64::from_le_bytes(word.try_into().expect("chunks of eight"));
        hash = (hash ^ v).wrapping_mul(0x0000_0100_0000_01b3);
    }
    for &b in words.remainder() {
        hash = (hash ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}
