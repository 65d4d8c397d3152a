//! A no-heap AOT runtime: instantiates and runs an `.aot` file entirely in buffers the
//! caller provides (`#![no_std]`, no `alloc`, no panics on any input).
//!
//! The embedder sizes four buffers from the file alone ([`instance_requirements`]):
//!
//! - the **code region** ([`ExecMemory`]): text, rodata, GOT and veneers, made executable
//!   after relocation;
//! - the **state buffer**: the `VmContext`, the runtime's own data and every per-instance
//!   array (layout below);
//! - the **linear memory** buffer: at least the initial size; `memory.grow` grows within
//!   it (and within the declared maximum), zeroing the new pages;
//! - the **host functions** (`&[HostFunc]`) the imports are linked against by name and
//!   checked against the import's type.
//!
//! ```text
//! state buffer (offsets aligned as noted, total = InstanceRequirements::state_bytes)
//! Runtime          VmContext (first, what generated code reads), memory header, code and
//!                  metadata handles, helper table, pending trap, counts, array pointers
//! globals          u64 × globals                          (align 8)
//! global pointers  *mut u64 × globals                     (VmContext::globals)
//! tables           TableRt × tables                       (base, size, capacity)
//! table cells      u64 × Σ capacity                       (0 = null, else index + 1)
//! type ids         u32 × types                            (canonical id)
//! import bindings  u32 × imported functions               (index into `hosts`)
//! elements         ElemInfo × element segments            (first cell, count)
//! element cells    u64 × Σ items of passive segments
//! dropped bits     u32 × ⌈datas/32⌉
//! scratch cells    u64 × max(params, results) over all types (typed `call`)
//! ```
//!
//! Types, function types, globals' types and initialisers, segments and exports are read
//! from the file's metadata in place (`mote_core::aot::meta`, fixed-size records).
//!
//! **Tables** get room for their declared maximum, but no more than
//! `max(min, TABLE_ROOM)` elements: `table.grow` beyond that returns -1 (a legal
//! outcome in Wasm). **Call-indirect** compares canonical type ids (the first
//! structurally equal type), precomputed at instantiation, so a check is O(1).
//! **Function references** are cells holding the function's index in the module's
//! function space plus one (0 = null); `Value::FuncRef(Some(i))` is that index.
//!
//! Not supported (clear [`BareError::Unsupported`] / [`BareError::UnsupportedImport`]
//! errors): imported memories, tables and globals, more than one memory, guard-page
//! bounds checks (compile with `--bounds-checks=explicit`), floating point when
//! mote-core is built without its `float` feature, and the metadata
//! constructs `mote_core::aot::meta` refuses (SIMD, extended constant expressions, GC
//! types, 64-bit or shared memories, exception tags).
//!
//! Traps are values: a trap in generated code, a helper or a host function comes back as
//! `Err(CallError::Trap(..))` and the instance stays usable. Deep recursion traps with
//! "call stack exhausted" once it uses more than [`Config::native_stack_bytes`] of native
//! stack below the frame of the outermost call; the caller's stack must hold that much
//! plus a few KiB for helpers and host functions.
//!
//! # Example: static buffers
//!
//! ```
//! # #[cfg(feature = "std")] { // code regions from the POSIX platform
//! use mote::bare::{instance_requirements, AotFile, Config, ExecMemory, HostCall, HostFn, HostFunc, Instance, LoadError};
//! use mote_core::{Cell, Trap, ValType, Value};
//! # use mote_platforms::posix::ExecRegion;
//! # let wasm = wat::parse_str(r#"(module
//! #   (import "env" "log" (func $log (param i32 i32)))
//! #   (memory 1 2)
//! #   (data (i32.const 16) "hello")
//! #   (func (export "run") (param i32) (result i32)
//! #     (call $log (i32.const 16) (i32.const 5))
//! #     (i32.mul (local.get 0) (i32.const 3))))"#).unwrap();
//! # let module = mote_core::Module::new(&wasm).unwrap();
//! # let mut opts = mote_aotc::Options::host();
//! # opts.bounds_checks = mote_core::aot::object::BoundsChecks::Explicit;
//! # let aot = mote_core::aot::format::write(&mote_aotc::compile(&module, &wasm, &opts).unwrap());
//! # struct Code(ExecRegion);
//! # impl ExecMemory for Code {
//! #     fn bytes(&mut self) -> &mut [u8] { self.0.bytes_mut().unwrap_or(&mut []) }
//! #     fn make_writable(&mut self) -> Result<(), LoadError> { self.0.make_writable().map_err(|_| LoadError::Protect) }
//! #     fn make_executable(&mut self) -> Result<(), LoadError> { self.0.make_executable().map_err(|_| LoadError::Protect) }
//! # }
//! // On an MCU these are statics (or linker-placed regions) sized at build time.
//! #[repr(C, align(16))]
//! struct State([u8; 4096]);
//! #[repr(C, align(16))]
//! struct Memory([u8; 2 * 65536]);
//! static mut STATE: State = State([0; 4096]);
//! static mut MEMORY: Memory = Memory([0; 2 * 65536]);
//!
//! fn log(call: &mut HostCall<'_>, args: &mut [Cell]) -> Result<(), Trap> {
//!     let (ptr, len) = (args[0] as usize, args[1] as usize);
//!     let text = call.memory().get(ptr..ptr + len).ok_or(Trap::MemoryOutOfBounds)?;
//!     assert_eq!(text, b"hello");
//!     Ok(())
//! }
//! static HOSTS: [HostFunc<'static>; 1] = [HostFunc {
//!     module: "env",
//!     name: "log",
//!     params: &[ValType::I32, ValType::I32],
//!     results: &[],
//!     func: HostFn::Rust(log),
//!     data: core::ptr::null_mut(),
//! }];
//!
//! let file = AotFile::parse(&aot).unwrap();
//! let req = instance_requirements(&file).unwrap();
//! # let mut code = Code(ExecRegion::new(req.code.region_bytes).unwrap());
//! assert!(req.state_bytes <= 4096 && req.memory_min_bytes <= 2 * 65536);
//! // SAFETY: the buffers are used by this one instance only.
//! let (state, memory): (&mut [u8], &mut [u8]) = unsafe {
//!     (&mut (*core::ptr::addr_of_mut!(STATE)).0, &mut (*core::ptr::addr_of_mut!(MEMORY)).0)
//! };
//! let mut inst = Instance::new(&file, &mut code, state, memory, &HOSTS, &Config::new()).unwrap();
//! let run = inst.func("run").unwrap();
//! let mut out = [Value::I32(0)];
//! inst.call(run, &[Value::I32(14)], &mut out).unwrap();
//! assert_eq!(out, [Value::I32(42)]);
//! # }
//! ```

mod runtime;

#[cfg(feature = "backtrace")]
pub use mote_core::backtrace::Frame;
#[cfg(feature = "backtrace")]
pub use runtime::TRACE_FRAMES;

use core::ffi::c_void;
use core::fmt;
use core::marker::PhantomData;
use core::ptr::NonNull;
use core::sync::atomic::AtomicU32;

use mote_core::aot::format::{BoundsMode, CodeModel, FormatError};
use mote_core::aot::meta::{ImportDesc, Meta, MetaError};
use mote_core::types::{ExternKind, MemoryType};
use mote_core::{Cell, Trap, ValType, Value};

use mote_loader::{host_arch, requirements};
pub use mote_loader::{AotFile, ExecMemory, LoadError, Requirements};

pub use mote_core::aot::meta::FuncType as FuncSig;

use runtime::{Layout, Runtime};

/// Elements a table may grow to beyond its minimum when its declared maximum is larger
/// (or absent): a table's capacity is `min(max, max(min, TABLE_ROOM))`.
pub const TABLE_ROOM: u64 = 256;

/// Values a typed [`Instance::call`] made from inside a host function (a nested call)
/// may have; the outermost call has no limit.
pub const NESTED_CALL_CELLS: usize = 16;

/// Memories a module may have on this runtime: the validator's limit (wasmparser's), or
/// one without the `multi-memory` feature.
pub const MAX_MEMORIES: usize = if cfg!(feature = "multi-memory") {
    100
} else {
    1
};

/// Why a module with more memories than [`MAX_MEMORIES`] is refused.
const TOO_MANY_MEMORIES: &str = if cfg!(feature = "multi-memory") {
    "more than 100 memories"
} else {
    "more than one memory (multi-memory): not in this build (cargo feature `multi-memory`)"
};

/// Alignment of the state buffer.
pub const STATE_ALIGN: usize = runtime::STATE_ALIGN;

/// Sizes an embedder needs before instantiating; all from the file alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InstanceRequirements {
    /// The code region (`region_bytes` / `region_align`), as for [`mote_loader::load_into`];
    /// `region_bytes` is 0 for an execute-in-place file (`aotc --xip`), which runs from
    /// its own bytes (they must then be aligned to `region_align`).
    pub code: Requirements,
    /// Bytes of the per-instance state buffer.
    pub state_bytes: usize,
    /// Alignment of the state buffer's first byte.
    pub state_align: usize,
    /// Initial size of linear memory 0 in bytes (pages × its page size: 65536, or 1 for
    /// a memory that declares one-byte pages), 0 if there is none.
    pub memory_min_bytes: usize,
    /// The declared maximum in bytes; `None` = unbounded (4 GiB, or the address space).
    pub memory_max_bytes: Option<usize>,
    /// Linear memories (multi-memory): each needs its own buffer, sized by
    /// [`memory_requirements`]; memory 0's sizes are the two fields above.
    pub memories: u32,
    /// Imported functions, each to be provided as a [`HostFunc`].
    pub imports: usize,
}

/// The memory an instance of `file` needs; also refuses files this runtime cannot run.
pub fn instance_requirements(file: &AotFile<'_>) -> Result<InstanceRequirements, BareError> {
    let meta = check_file(file)?;
    let layout = Layout::of(&meta)?;
    let (min, max) = match meta.memory(0) {
        Some(ty) => memory_bytes(&ty)?,
        None => (0, None),
    };
    let mut code = requirements(file);
    if file.header().code_model == CodeModel::Xip {
        code.region_bytes = 0;
    }
    Ok(InstanceRequirements {
        code,
        state_bytes: layout.total,
        state_align: STATE_ALIGN,
        memory_min_bytes: min,
        memory_max_bytes: max,
        memories: meta.num_memories(),
        imports: meta.num_imported_funcs() as usize,
    })
}

/// What the runtime checks before anything else: arch, bounds mode, metadata (and what
/// this build supports), and that every import is a function.
fn check_file<'a>(file: &AotFile<'a>) -> Result<Meta<'a>, BareError> {
    let host = host_arch();
    if Some(file.arch()) != host {
        return Err(BareError::Load(LoadError::WrongArch {
            file: file.arch(),
            host,
        }));
    }
    if file.bounds() == BoundsMode::Guard {
        return Err(BareError::Unsupported(
            "guard-page bounds checks need an OS: compile with --bounds-checks=explicit",
        ));
    }
    let meta = Meta::parse(file.metadata()).map_err(BareError::Meta)?;
    if meta.num_memories() as usize > MAX_MEMORIES {
        return Err(BareError::Unsupported(TOO_MANY_MEMORIES));
    }
    meta.check_build().map_err(BareError::Meta)?;
    for import in meta.imports() {
        if !matches!(import.desc, ImportDesc::Func(_)) {
            return Err(BareError::UnsupportedImport {
                module: Name::of(import.module),
                name: Name::of(import.name),
                kind: import.desc.kind(),
            });
        }
    }
    let defined = meta.num_funcs() - meta.num_imported_funcs();
    if defined as usize != file.func_count()
        || meta.num_imported_funcs() != file.header().imported_funcs
    {
        return Err(BareError::Unsupported(
            "the .aot code does not match its metadata (function counts differ)",
        ));
    }
    Ok(meta)
}

/// The buffer memory `index` of `file` needs: its initial and its declared maximum size
/// in bytes (`None`: no maximum).
pub fn memory_requirements(
    file: &AotFile<'_>,
    index: u32,
) -> Result<(usize, Option<usize>), BareError> {
    let meta = check_file(file)?;
    let ty = meta
        .memory(index)
        .ok_or(BareError::Unsupported("no memory of that index"))?;
    memory_bytes(&ty)
}

/// A memory's initial and maximum size in bytes.
pub(crate) fn memory_bytes(memory: &MemoryType) -> Result<(usize, Option<usize>), BareError> {
    let limits = memory.limits;
    let bytes = |pages| memory.bytes(pages).and_then(|b| usize::try_from(b).ok());
    let min = bytes(limits.min).ok_or(BareError::TooLarge("the initial linear memory"))?;
    let max = limits.max.map(|m| bytes(m).unwrap_or(usize::MAX));
    Ok((min, max))
}

/// A name copied into an error (no heap); longer names are cut at a char boundary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Name(heapless::String<48>);

impl Name {
    fn of(s: &str) -> Name {
        let mut out = heapless::String::new();
        for c in s.chars() {
            if out.push(c).is_err() {
                break;
            }
        }
        Name(out)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Why instantiation failed; `Display` gives a clear one-line message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BareError {
    /// The code could not be loaded (wrong arch, region too small, relocation...).
    Load(LoadError),
    Format(FormatError),
    /// The module metadata is malformed or uses something unsupported.
    Meta(MetaError),
    StateTooSmall {
        need: usize,
        have: usize,
    },
    /// The state buffer does not start at a multiple of `STATE_ALIGN`.
    StateMisaligned,
    MemoryTooSmall {
        need: usize,
        have: usize,
    },
    /// No host function has this module and name.
    UnknownImport {
        module: Name,
        name: Name,
    },
    /// The host function's type differs from the import's.
    ImportMismatch {
        module: Name,
        name: Name,
    },
    /// An imported memory, table or global.
    UnsupportedImport {
        module: Name,
        name: Name,
        kind: ExternKind,
    },
    Unsupported(&'static str),
    /// A size does not fit the address space (named).
    TooLarge(&'static str),
    /// An active element or data segment trapped (out of bounds).
    Init(Trap),
    /// The start function trapped.
    Start(Trap),
}

impl fmt::Display for BareError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BareError::Load(e) => write!(f, "{e}"),
            BareError::Format(e) => write!(f, "{e}"),
            BareError::Meta(e) => write!(f, "{e}"),
            BareError::StateTooSmall { need, have } => {
                write!(f, "state buffer too small: need {need} bytes, have {have}")
            }
            BareError::StateMisaligned => write!(
                f,
                "state buffer is misaligned: it must start at a multiple of {STATE_ALIGN}"
            ),
            BareError::MemoryTooSmall { need, have } => write!(
                f,
                "linear memory buffer too small: need {need} bytes, have {have}"
            ),
            BareError::UnknownImport { module, name } => {
                write!(
                    f,
                    "unknown import `{module}.{name}`: no host function provides it"
                )
            }
            BareError::ImportMismatch { module, name } => write!(
                f,
                "incompatible import type for `{module}.{name}`: the host function's type differs"
            ),
            BareError::UnsupportedImport { module, name, kind } => write!(
                f,
                "import `{module}.{name}`: imported {}s are not supported by the bare runtime",
                kind.name()
            ),
            BareError::Unsupported(what) => write!(f, "unsupported: {what}"),
            BareError::TooLarge(what) => write!(f, "{what} does not fit the address space"),
            BareError::Init(t) => write!(f, "instantiation trapped: {t}"),
            BareError::Start(t) => write!(f, "start function trapped: {t}"),
        }
    }
}

impl core::error::Error for BareError {}

impl From<LoadError> for BareError {
    fn from(e: LoadError) -> BareError {
        BareError::Load(e)
    }
}

impl From<FormatError> for BareError {
    fn from(e: FormatError) -> BareError {
        BareError::Format(e)
    }
}

/// A host function the embedder provides, matched by module/name and checked against
/// the import's type at instantiation.
#[derive(Clone, Copy)]
pub struct HostFunc<'a> {
    pub module: &'a str,
    pub name: &'a str,
    pub params: &'a [ValType],
    pub results: &'a [ValType],
    pub func: HostFn,
    /// Passed back in [`HostCall::data`] (and to C functions); never dereferenced by the
    /// runtime.
    pub data: *mut c_void,
}

// SAFETY: the runtime only hands `data` back to the embedder's own function; sharing a
// table of host functions (e.g. in a `static`) is as safe as the embedder's use of it.
unsafe impl Sync for HostFunc<'_> {}
// SAFETY: as for `Sync`: the runtime never dereferences `data` itself.
unsafe impl Send for HostFunc<'_> {}

impl fmt::Debug for HostFunc<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HostFunc({}.{})", self.module, self.name)
    }
}

/// The two ABIs of host functions.
#[derive(Clone, Copy)]
pub enum HostFn {
    /// `cells[..params]` hold the arguments on entry; write the results to
    /// `cells[..results]` (the slice holds `max(params, results)` cells).
    Rust(fn(&mut HostCall<'_>, &mut [Cell]) -> Result<(), Trap>),
    /// For the C API: returns 0 on success; otherwise the call traps with the trap set
    /// by [`HostCall::set_trap`], or `Trap::Host("host function failed")`.
    C(unsafe extern "C" fn(call: *mut HostCall<'_>, cells: *mut Cell, data: *mut c_void) -> i32),
}

/// What a host function can reach: the calling instance's linear memory and its data
/// pointer.
pub struct HostCall<'a> {
    memory: *mut mote_core::aot::context::VmMemory,
    data: *mut c_void,
    trap: Option<Trap>,
    _memory: PhantomData<&'a mut [u8]>,
}

impl HostCall<'_> {
    /// Linear memory 0 at its current size (empty if the module has none).
    pub fn memory(&mut self) -> &mut [u8] {
        if self.memory.is_null() {
            return &mut [];
        }
        // SAFETY: the header describes the caller's memory buffer, borrowed by the
        // instance for its lifetime; generated code is suspended during the call.
        unsafe {
            let m = &*self.memory;
            if m.base.is_null() {
                return &mut [];
            }
            core::slice::from_raw_parts_mut(m.base, m.len)
        }
    }

    pub fn data(&self) -> *mut c_void {
        self.data
    }

    /// The trap a C host function reports when it returns non-zero.
    pub fn set_trap(&mut self, trap: Trap) {
        self.trap = Some(trap);
    }
}

/// Instance settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Config {
    /// Native stack generated code may use below the frame of the outermost call
    /// before it traps with "call stack exhausted". The calling task's stack must have
    /// this much left plus room for helpers and host functions (a few KiB; debug builds
    /// of the helpers take ~450 bytes per level of `call_indirect` recursion, release
    /// builds ~64). Direct recursion costs ~16 bytes per level of simple functions.
    pub native_stack_bytes: usize,
    /// Deterministic mode (`mote_core::nan`): the code must canonicalise NaN results
    /// (`aotc --deterministic`), else instantiation fails naming that flag.
    pub deterministic: bool,
}

impl Config {
    pub const fn new() -> Config {
        Config {
            native_stack_bytes: 64 << 10,
            deterministic: false,
        }
    }
}

impl Default for Config {
    fn default() -> Config {
        Config::new()
    }
}

/// A function of an instance: its index in the module's function space (imports first).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Func(u32);

impl Func {
    pub fn index(self) -> u32 {
        self.0
    }
}

/// Why a call did not finish.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallError {
    Trap(Trap),
    /// The number or types of arguments or results do not match the function's type, or
    /// the function is not one of this instance's.
    Signature,
}

impl fmt::Display for CallError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CallError::Trap(t) => write!(f, "{t}"),
            CallError::Signature => {
                f.write_str("arguments or results do not match the function's type")
            }
        }
    }
}

impl core::error::Error for CallError {}

/// An instance living entirely in caller buffers. `'a` borrows the file bytes, code
/// region, state buffer, memory buffer and host functions.
pub struct Instance<'a> {
    rt: NonNull<Runtime<'a>>,
    _state: PhantomData<&'a mut [u8]>,
}

// SAFETY: the instance owns (borrows exclusively) everything it points to: the state and
// memory buffers; the code region is only executed; host functions are `Send + Sync`.
unsafe impl Send for Instance<'_> {}

impl<'a> Instance<'a> {
    /// Loads the code into `code` (unused for an execute-in-place file, which runs where
    /// `file`'s bytes lie: pass an empty region), lays out `state`, links the imports against `hosts`,
    /// initialises globals, tables (element segments) and memory (data segments; the
    /// initial pages are zeroed first), and runs the start function. `memory.len()`
    /// bounds `memory.grow`, as does the declared maximum. A module with more than one
    /// memory needs [`Instance::with_memories`].
    pub fn new(
        file: &AotFile<'a>,
        code: &'a mut dyn ExecMemory,
        state: &'a mut [u8],
        memory: &'a mut [u8],
        hosts: &'a [HostFunc<'a>],
        config: &Config,
    ) -> Result<Instance<'a>, BareError> {
        Instance::with_memories(file, code, state, [memory], hosts, config)
    }

    /// As [`Instance::new`] with one buffer per memory (multi-memory), in memory order:
    /// buffer `i` holds memory `i` and bounds its growth. Buffers beyond the module's
    /// memories are not used.
    pub fn with_memories(
        file: &AotFile<'a>,
        code: &'a mut dyn ExecMemory,
        state: &'a mut [u8],
        memories: impl IntoIterator<Item = &'a mut [u8]>,
        hosts: &'a [HostFunc<'a>],
        config: &Config,
    ) -> Result<Instance<'a>, BareError> {
        let meta = check_file(file)?;
        if config.deterministic
            && file.header().features & mote_core::aot::format::feature::DETERMINISTIC == 0
        {
            return Err(BareError::Unsupported(
                mote_core::nan::NOT_DETERMINISTIC_AOT,
            ));
        }
        let layout = Layout::of(&meta)?;
        if state.len() < layout.total {
            return Err(BareError::StateTooSmall {
                need: layout.total,
                have: state.len(),
            });
        }
        if !(state.as_ptr() as usize).is_multiple_of(STATE_ALIGN) {
            return Err(BareError::StateMisaligned);
        }
        // The buffers, checked against their memories' initial sizes; the references
        // are consumed, so each buffer is the instance's alone for 'a.
        let mut buffers = [(NonNull::<u8>::dangling(), 0usize); MAX_MEMORIES];
        let mut given = memories.into_iter();
        for (i, ty) in meta.memories().enumerate() {
            let (min, _) = memory_bytes(&ty)?;
            let buffer = given.next().ok_or(BareError::Unsupported(
                "a buffer is needed for each memory (multi-memory: Instance::with_memories, mote_aot_instantiate_memories)",
            ))?;
            if buffer.len() < min {
                return Err(BareError::MemoryTooSmall {
                    need: min,
                    have: buffer.len(),
                });
            }
            let slot = buffers
                .get_mut(i)
                .ok_or(BareError::Unsupported(TOO_MANY_MEMORIES))?;
            *slot = (
                NonNull::new(buffer.as_mut_ptr()).unwrap_or(NonNull::dangling()),
                buffer.len(),
            );
        }
        let rt = Runtime::init(
            file,
            &meta,
            &layout,
            code,
            state,
            &mut buffers,
            hosts,
            config,
        )?;
        let inst = Instance {
            rt,
            _state: PhantomData,
        };
        // The metadata reader checked that the start function takes and returns nothing.
        if let Some(start) = meta.start() {
            let scratch = inst.rt().scratch;
            // SAFETY: `rt` was just initialised in `state`, borrowed for 'a; the start
            // function uses no cells.
            unsafe { runtime::invoke(rt.as_ptr(), start, scratch) }.map_err(BareError::Start)?;
        }
        Ok(inst)
    }

    fn rt(&self) -> &Runtime<'a> {
        // SAFETY: points into the state buffer this instance borrows.
        unsafe { self.rt.as_ref() }
    }

    /// The exported function called `export`.
    pub fn func(&self, export: &str) -> Option<Func> {
        let e = self.rt().meta.export(export)?;
        (e.kind == ExternKind::Func).then_some(Func(e.index))
    }

    /// Function `index` of the module's function space, if it exists.
    pub fn func_at(&self, index: u32) -> Option<Func> {
        (index < self.rt().meta.num_funcs()).then_some(Func(index))
    }

    /// Functions in the module's function space (imports included).
    pub fn func_count(&self) -> u32 {
        self.rt().meta.num_funcs()
    }

    /// The type of `f` (empty if `f` is not a function of this instance).
    pub fn func_type(&self, f: Func) -> FuncSig<'a> {
        self.rt().func_type(f.0).unwrap_or_default()
    }

    /// Calls `f` with typed arguments; `results` must have one slot per result.
    pub fn call(
        &mut self,
        f: Func,
        args: &[Value],
        results: &mut [Value],
    ) -> Result<(), CallError> {
        let ty = self.rt().func_type(f.0).ok_or(CallError::Signature)?;
        let nfuncs = self.rt().meta.num_funcs();
        if args.len() != ty.param_count()
            || results.len() != ty.result_count()
            || args.iter().zip(ty.params()).any(|(a, t)| a.ty() != t)
            || args
                .iter()
                .any(|a| matches!(a, Value::FuncRef(Some(i)) if *i >= nfuncs))
        {
            return Err(CallError::Signature);
        }
        // The outermost call uses the scratch cells in the state buffer; a call from a
        // host function (re-entering through `from_raw`) must not overwrite them.
        let mut nested = [0 as Cell; NESTED_CALL_CELLS];
        let cells = if self.rt().depth == 0 {
            self.rt().scratch
        } else if ty.param_count().max(ty.result_count()) <= NESTED_CALL_CELLS {
            nested.as_mut_ptr()
        } else {
            return Err(CallError::Trap(Trap::Host(
                "a nested typed call of more than 16 values: use call_cells",
            )));
        };
        // SAFETY: `cells` holds max(params, results) cells of the function's type.
        unsafe {
            for (i, a) in args.iter().enumerate() {
                *cells.add(i) = a.to_cell();
            }
            runtime::invoke(self.rt.as_ptr(), f.0, cells).map_err(CallError::Trap)?;
            for (i, (r, t)) in results.iter_mut().zip(ty.results()).enumerate() {
                *r = Value::from_cell(t, *cells.add(i));
            }
        }
        Ok(())
    }

    /// Calls `f` with untyped cells: arguments in, results out; `cells` must hold
    /// `max(params, results)` cells.
    pub fn call_cells(&mut self, f: Func, cells: &mut [Cell]) -> Result<(), CallError> {
        let ty = self.rt().func_type(f.0).ok_or(CallError::Signature)?;
        if cells.len() < ty.param_count().max(ty.result_count()) {
            return Err(CallError::Signature);
        }
        // SAFETY: `cells` is long enough for the function's type.
        unsafe { runtime::invoke(self.rt.as_ptr(), f.0, cells.as_mut_ptr()) }
            .map_err(CallError::Trap)
    }

    /// Sets the fuel budget (`mote_core::fuel`): calls consume it, and trap with "all
    /// fuel consumed" when the next straight-line segment costs more than is left (the
    /// remainder is kept, so adding fuel and calling again continues). The code must be
    /// compiled with `aotc --fuel`, else calls fail. On 32-bit targets the budget is
    /// capped at `u32::MAX` units.
    pub fn set_fuel(&mut self, fuel: u64) {
        // SAFETY: points into the state buffer this instance borrows exclusively.
        let rt = unsafe { self.rt.as_mut() };
        rt.fuel_set = true;
        rt.ctx.fuel = usize::try_from(fuel).unwrap_or(usize::MAX);
    }

    /// Turns interrupt checks on: from now on, calls stop with "execution interrupted"
    /// at the next function entry or loop header once `flag` is non-zero, and clear it.
    /// Anything may set it, at any time: a plain atomic store (`flag.store(1, Relaxed)`)
    /// is all an ISR, signal handler or other thread does. The code must be compiled
    /// with `aotc --interruptible`, else calls fail.
    pub fn set_interrupt_flag(&mut self, flag: &'a AtomicU32) {
        // SAFETY: points into the state buffer this instance borrows exclusively.
        let rt = unsafe { self.rt.as_mut() };
        rt.ctx.interrupt = flag;
    }

    /// Whether the code checks for interrupts (compiled with `aotc --interruptible`).
    pub fn interruptible(&self) -> bool {
        self.rt().interruptible
    }

    /// Whether the code canonicalises NaN results (compiled with `aotc
    /// --deterministic`; `Config::deterministic` requires it).
    pub fn deterministic(&self) -> bool {
        self.rt().deterministic
    }

    /// The fuel left, `None` if no budget was set.
    pub fn fuel(&self) -> Option<u64> {
        let rt = self.rt();
        rt.fuel_set.then_some(rt.ctx.fuel as u64)
    }

    /// Linear memory 0 at its current size (empty if there is none).
    pub fn memory(&self) -> &[u8] {
        self.memory_at(0)
    }

    pub fn memory_mut(&mut self) -> &mut [u8] {
        self.memory_at_mut(0)
    }

    /// Linear memory `index` at its current size (empty if there is none).
    pub fn memory_at(&self, index: u32) -> &[u8] {
        let rt = self.rt();
        if index >= rt.num_memories {
            return &[];
        }
        // SAFETY: index < num_memories: an initialised memory in the state buffer.
        unsafe { (*rt.memories.add(index as usize)).data() }
    }

    pub fn memory_at_mut(&mut self, index: u32) -> &mut [u8] {
        // SAFETY: points into the state buffer this instance borrows; `&mut self` makes
        // the access unique.
        let rt = unsafe { self.rt.as_mut() };
        if index >= rt.num_memories {
            return &mut [];
        }
        // SAFETY: as in `memory_at`.
        unsafe { (*rt.memories.add(index as usize)).data_mut() }
    }

    /// The value of the exported global `export`.
    pub fn global(&self, export: &str) -> Option<Value> {
        let e = self.rt().meta.export(export)?;
        if e.kind != ExternKind::Global {
            return None;
        }
        self.rt().global_value(e.index)
    }

    /// The Wasm call stack of the last trap that escaped a call, innermost frame first:
    /// at most [`TRACE_FRAMES`] frames, kept in the state buffer (no heap); empty after
    /// a call that returned. [`Instance::backtrace_omitted`] counts the frames beyond
    /// them (the trace is truncated when it is non-zero).
    #[cfg(feature = "backtrace")]
    pub fn backtrace(&self) -> &[Frame] {
        self.rt().trace.frames()
    }

    /// Frames of the last trap's call stack beyond those [`Instance::backtrace`] kept.
    #[cfg(feature = "backtrace")]
    pub fn backtrace_omitted(&self) -> usize {
        self.rt().trace.omitted()
    }

    /// The name of function `func_index` in the file's name section, if it has one.
    #[cfg(feature = "backtrace")]
    pub fn func_name(&self, func_index: u32) -> Option<&'a str> {
        mote_core::aot::meta::func_names(self.rt().names)
            .find(|(index, _)| *index == func_index)
            .map(|(_, name)| name)
    }

    /// Writes the last trap's backtrace in wasmtime's style (`wasm backtrace:` and one
    /// line per frame, `func[N]` for a function without a name).
    #[cfg(feature = "backtrace")]
    pub fn write_backtrace(&self, out: &mut dyn fmt::Write) -> fmt::Result {
        let frames = self.backtrace();
        mote_core::backtrace::write_backtrace(out, frames, self.backtrace_omitted(), |i| {
            self.func_name(frames[i].func_index)
        })
    }

    /// The instance as a raw pointer into its state buffer (for the C API).
    pub fn as_raw(&self) -> *mut c_void {
        self.rt.as_ptr().cast()
    }

    /// The instance behind a pointer from [`Instance::as_raw`]. A host function may use
    /// it to call back into its instance (the nested call shares the outer call's stack
    /// budget).
    ///
    /// # Safety
    /// `p` came from `as_raw` of an instance whose buffers are still borrowed for `'a`;
    /// handles to one instance are used one at a time (a host function running inside
    /// a call may use one while the caller's handle waits for the call to return).
    pub unsafe fn from_raw(p: *mut c_void) -> Instance<'a> {
        Instance {
            // SAFETY: non-null by the caller's contract.
            rt: unsafe { NonNull::new_unchecked(p.cast()) },
            _state: PhantomData,
        }
    }
}
