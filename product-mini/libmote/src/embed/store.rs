//! The store (every instance and its memories, globals and tables) and the view a host
//! function gets of it.

use std::boxed::Box;
use std::sync::atomic::{AtomicU64, Ordering};

#[cfg(feature = "backtrace")]
use mote_core::backtrace::Backtrace;
use mote_core::runtime::{Executor, InstanceAddr, Store as CoreStore};
use mote_core::{Cell, FuncAddr, Trap};

use super::error::Error;
use super::instance::{Extern, Memory};
use super::module::Engine;

/// Identifies a store in the handles it hands out, so that a handle used with another
/// store is caught instead of reaching an unrelated item.
static NEXT_STORE_ID: AtomicU64 = AtomicU64::new(1);

/// Owns instances and everything they create: linear memories, globals, tables, host
/// functions, plus the engine that runs them.
///
/// Handles ([`Instance`](super::Instance), [`Func`](super::Func),
/// [`Memory`](super::Memory), [`Global`](super::Global)) are small `Copy` values that
/// name an item in one store; every operation takes the store as an argument. A store
/// runs one engine, set by its first instance: the interpreter and the AOT runtime keep
/// different per-instance state, so mixing them in one store is refused with
/// [`Error::EngineMismatch`].
///
/// Dropping the store frees all its instances.
pub struct Store {
    // Boxed so that its address stays fixed when the `Store` moves: the AOT engine keys
    // its per-instance state by that address.
    pub(crate) inner: Box<CoreStore>,
    pub(crate) exec: Option<(Engine, Box<dyn Executor>)>,
    pub(crate) id: u64,
    interp_stack: Option<usize>,
    /// `with_stack_size`'s budget for AOT code's native stack.
    aot_stack: Option<usize>,
}

impl Default for Store {
    fn default() -> Store {
        Store::new()
    }
}

impl core::fmt::Debug for Store {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Store")
            .field("engine", &self.engine())
            .field("instances", &self.inner.instances.len())
            .finish()
    }
}

impl Store {
    /// An empty store.
    pub fn new() -> Store {
        Store {
            inner: Box::default(),
            exec: None,
            id: NEXT_STORE_ID.fetch_add(1, Ordering::Relaxed),
            interp_stack: None,
            aot_stack: None,
        }
    }

    /// An empty store whose interpreter gets `bytes` of value stack (1 MiB by default);
    /// deeper recursion traps with "call stack exhausted". AOT code runs on the calling
    /// thread's native stack instead, so this has no effect on `.aot` modules.
    pub fn with_interp_stack_size(bytes: usize) -> Store {
        Store {
            interp_stack: Some(bytes),
            ..Store::new()
        }
    }

    /// Sets the fuel budget (see `mote_core::fuel` and docs/limits.md): Wasm code run
    /// in this store consumes one unit per instruction, and a call traps with "all fuel
    /// consumed" when the next straight-line segment costs more than is left; the rest is
    /// kept, so setting more fuel and calling again continues. Off until first set (then
    /// nothing is counted and nothing costs time). `.aot` code must have been compiled
    /// with `aotc --fuel`, else calls fail with a trap saying so.
    pub fn set_fuel(&mut self, fuel: u64) {
        self.inner.fuel = Some(fuel);
    }

    /// The fuel left, `None` when no budget was set.
    pub fn get_fuel(&self) -> Option<u64> {
        self.inner.fuel
    }

    /// Deterministic mode (see `mote_core::nan` and docs/limits.md): every NaN an
    /// arithmetic operator returns is the canonical NaN, so the same module and inputs
    /// give bit-identical results and fuel counts on every engine and target. Off by
    /// default (then it costs nothing). `.aot` code must have been compiled with `aotc
    /// --deterministic`, else calls fail with a trap saying so.
    pub fn set_deterministic(&mut self, on: bool) {
        self.inner.deterministic = on;
    }

    /// Whether deterministic mode is on.
    pub fn is_deterministic(&self) -> bool {
        self.inner.deterministic
    }

    /// A handle that stops this store's running code from anywhere: another thread, a
    /// signal handler (setting the flag is one atomic store). The first call turns
    /// interrupt checks on for this store: from then on Wasm code checks the flag at
    /// function entries and loop headers and traps with "execution interrupted" when it
    /// is set; the engine clears the flag when it raises the trap, so the store stays
    /// usable, and a flag set while nothing runs stops the next call at its entry.
    /// `.aot` code must have been compiled with `aotc --interruptible`.
    pub fn interrupt_handle(&mut self) -> InterruptHandle {
        let flag = self
            .inner
            .interrupt
            .get_or_insert_with(|| std::sync::Arc::new(core::sync::atomic::AtomicU32::new(0)));
        InterruptHandle(flag.clone())
    }

    /// An empty store whose code may use `bytes` of stack, whichever engine runs it:
    /// the interpreter's value stack, or the native stack AOT code uses below the frame
    /// of each call from the embedder (AOT prologues compare with
    /// `VmContext::stack_limit`; the thread's own stack still bounds it). Deeper
    /// recursion traps with "call stack exhausted". The two engines use different
    /// amounts per frame, so the same budget allows different depths.
    pub fn with_stack_size(bytes: usize) -> Store {
        Store {
            interp_stack: Some(bytes),
            aot_stack: Some(bytes),
            ..Store::new()
        }
    }

    /// The Wasm call stack of the last trap that escaped a call in this store, innermost
    /// frame first, with the function names of the modules' `name` sections; its
    /// `Display` is wasmtime's `wasm backtrace:` block. `None` after a call that returned
    /// or exited (`Trap::Exit`), and in builds without the `backtrace` feature. `.aot`
    /// files compiled with `aotc --no-backtrace-info` give frames without offsets.
    ///
    /// The [`Trap`] itself stays a small `Copy` value that compares by kind; the trace
    /// lives here, next to the instances it describes, until the next call.
    ///
    /// ```
    /// # #[cfg(all(feature = "interp", feature = "backtrace"))] {
    /// use mote::{Linker, Module, Store, Trap};
    ///
    /// let wasm = wat::parse_str(r#"
    ///     (module
    ///       (func $outer (export "outer") (result i32) (call $inner))
    ///       (func $inner (result i32) (i32.div_s (i32.const 1) (i32.const 0))))
    /// "#)?;
    /// let module = Module::new(&wasm)?;
    /// let mut store = Store::new();
    /// let instance = Linker::new().instantiate(&mut store, &module)?;
    /// let outer = instance.get_typed_func::<(), i32>(&store, "outer")?;
    /// assert_eq!(outer.call(&mut store, ()), Err(Trap::IntegerDivideByZero));
    /// let trace = store.trap_backtrace().expect("a trace");
    /// assert_eq!(trace.frames().len(), 2);
    /// assert_eq!(trace.func_name(0), Some("inner"));
    /// assert!(trace.to_string().starts_with("wasm backtrace:\n    0: "));
    /// # }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[cfg(feature = "backtrace")]
    pub fn trap_backtrace(&self) -> Option<&Backtrace> {
        self.inner.trap_backtrace.as_ref()
    }

    /// The engine of this store's instances, `None` before the first one.
    pub fn engine(&self) -> Option<Engine> {
        self.exec.as_ref().map(|(engine, _)| *engine)
    }

    /// Makes sure the store runs `engine`, creating the executor on first use.
    pub(crate) fn use_engine(&mut self, engine: Engine) -> Result<(), Error> {
        match &self.exec {
            Some((have, _)) if *have == engine => Ok(()),
            Some((have, _)) => Err(Error::EngineMismatch {
                store: *have,
                module: engine,
            }),
            None => {
                let exec = new_executor(engine, self.interp_stack, self.aot_stack)?;
                self.exec = Some((engine, exec));
                Ok(())
            }
        }
    }

    /// Runs `func` with the host-call ABI: `cells` holds the arguments and receives the
    /// results.
    pub(crate) fn call_cells(&mut self, func: FuncAddr, cells: &mut [Cell]) -> Result<(), Trap> {
        match &mut self.exec {
            Some((_, exec)) => exec.call(&mut self.inner, func, cells),
            // Only host functions can exist in a store without an instance (they are
            // added while instantiating), so this is unreachable through handles.
            None => Err(Trap::Host("the store has no engine yet")),
        }
    }

    /// The core store and the executor, borrowed together.
    pub(crate) fn parts(&mut self) -> Result<(&mut CoreStore, &mut dyn Executor), Error> {
        match &mut self.exec {
            Some((_, exec)) => Ok((&mut self.inner, exec.as_mut())),
            None => Err(Error::Link("the store has no engine yet".into())),
        }
    }
}

/// Stops a store's running Wasm code (see [`Store::interrupt_handle`]).
#[derive(Clone, Debug)]
pub struct InterruptHandle(std::sync::Arc<core::sync::atomic::AtomicU32>);

impl InterruptHandle {
    /// Asks the store's code to stop with "execution interrupted" at its next function
    /// entry or loop header (at once if it is running, else at the next call). Async-
    /// signal-safe: one atomic store.
    pub fn interrupt(&self) {
        self.0.store(1, core::sync::atomic::Ordering::Relaxed);
    }
}

fn new_executor(
    engine: Engine,
    interp_stack: Option<usize>,
    aot_stack: Option<usize>,
) -> Result<Box<dyn Executor>, Error> {
    #[cfg(not(all(feature = "aot", target_os = "linux")))]
    let _ = aot_stack;
    match engine {
        #[cfg(feature = "interp")]
        Engine::Interpreter => Ok(Box::new(match interp_stack {
            Some(bytes) => mote_interp::Interpreter::with_stack_size(bytes),
            None => mote_interp::Interpreter::new(),
        })),
        #[cfg(not(feature = "interp"))]
        Engine::Interpreter => {
            let _ = interp_stack;
            Err(Error::EngineMissing {
                engine: "interpreter",
                reason: "built without the `interp` feature",
            })
        }
        #[cfg(all(feature = "aot", target_os = "linux"))]
        Engine::Aot => {
            let mut exec = crate::aot::AotExecutor::new();
            if let Some(bytes) = aot_stack {
                exec.set_stack_size(bytes);
            }
            Ok(Box::new(exec))
        }
        #[cfg(not(all(feature = "aot", target_os = "linux")))]
        Engine::Aot => Err(Error::EngineMissing {
            engine: "AOT runtime",
            reason: "built without the `aot` feature or not on Linux",
        }),
    }
}

/// What a host function sees of the store while WebAssembly code calls it: the calling
/// instance's exports and memory.
///
/// A host function gets it as an optional first parameter (see
/// [`Linker::func_wrap`](super::Linker::func_wrap)) and passes it wherever a store is
/// expected for memory and global access: `memory.read(&caller, ...)`.
///
/// Host functions cannot call back into WebAssembly (the engine is busy running the
/// caller).
///
/// ```
/// # #[cfg(feature = "interp")] {
/// use mote::{Caller, Linker, Module, Store, Trap};
///
/// let wasm = wat::parse_str(r#"
///     (module
///       (import "host" "sum" (func $sum (param i32 i32) (result i32)))
///       (memory (export "memory") 1)
///       (data (i32.const 16) "\01\02\03\04")
///       (func (export "run") (result i32) (call $sum (i32.const 16) (i32.const 4))))
/// "#)?;
/// let mut store = Store::new();
/// let mut linker = Linker::new();
/// // Adds up `len` bytes of the caller's memory starting at `ptr`.
/// linker.func_wrap("host", "sum", |caller: Caller<'_>, ptr: i32, len: i32| -> Result<i32, Trap> {
///     let memory = caller.memory().ok_or(Trap::Host("no memory"))?;
///     let mut buf = vec![0; len as usize];
///     memory.read(&caller, ptr as u32 as usize, &mut buf)?; // out of bounds -> trap
///     Ok(buf.iter().map(|&b| b as i32).sum())
/// })?;
/// let instance = linker.instantiate(&mut store, &Module::new(&wasm)?)?;
/// let run = instance.get_typed_func::<(), i32>(&store, "run")?;
/// assert_eq!(run.call(&mut store, ())?, 10);
/// # }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Caller<'a> {
    pub(crate) store: &'a mut CoreStore,
    pub(crate) instance: Option<InstanceAddr>,
    pub(crate) id: u64,
}

impl Caller<'_> {
    /// An export of the calling instance; `None` if it has none of that name, or the
    /// host function was called directly by the embedder rather than from WebAssembly.
    pub fn get_export(&self, name: &str) -> Option<Extern> {
        let ext = self.store.export(self.instance?, name)?;
        Some(Extern::from_core(self.id, ext))
    }

    /// The calling instance's memory (its memory 0, exported or not), if it has one.
    pub fn memory(&self) -> Option<Memory> {
        let inst = self.store.instances.get(self.instance? as usize)?;
        let index = *inst.memories.first()?;
        Some(Memory {
            store: self.id,
            index,
        })
    }
}

pub(crate) mod sealed {
    use mote_core::runtime::Store as CoreStore;

    /// The store behind a context; not for use outside this crate.
    pub trait Context {
        fn store_id(&self) -> u64;
        fn core(&self) -> &CoreStore;
    }

    pub trait ContextMut: Context {
        fn core_mut(&mut self) -> &mut CoreStore;
    }
}

/// Something that gives read access to a store: a [`Store`] or, inside a host function,
/// a [`Caller`]. Memory and global accessors take `&impl AsContext`.
pub trait AsContext: sealed::Context {}

/// Something that gives write access to a store: a [`Store`] or a [`Caller`].
pub trait AsContextMut: AsContext + sealed::ContextMut {}

impl sealed::Context for Store {
    fn store_id(&self) -> u64 {
        self.id
    }
    fn core(&self) -> &CoreStore {
        &self.inner
    }
}

impl sealed::ContextMut for Store {
    fn core_mut(&mut self) -> &mut CoreStore {
        &mut self.inner
    }
}

impl AsContext for Store {}
impl AsContextMut for Store {}

impl sealed::Context for Caller<'_> {
    fn store_id(&self) -> u64 {
        self.id
    }
    fn core(&self) -> &CoreStore {
        self.store
    }
}

impl sealed::ContextMut for Caller<'_> {
    fn core_mut(&mut self) -> &mut CoreStore {
        self.store
    }
}

impl AsContext for Caller<'_> {}
impl AsContextMut for Caller<'_> {}
