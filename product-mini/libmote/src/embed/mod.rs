//! The Rust embedding API: load a module, define host functions, instantiate, call,
//! and reach linear memory and globals, on either engine.
//!
//! The main types are re-exported at the crate root (`mote::Module`, `mote::Store`, ...).
//! The shape follows wasmtime's:
//!
//! | type | what it is |
//! |---|---|
//! | [`Module`] | validated code; `Module::new` picks the engine from the file's magic: `.wasm` → interpreter, `.aot` (from `aotc`) → native code |
//! | [`Store`] | owns instances, memories, globals, host functions; every handle is used with its store |
//! | [`Linker`] | names what modules import: host functions ([`Linker::func_wrap`]), other instances, WASI |
//! | [`Instance`] | exports: [`TypedFunc`], [`Func`], [`Memory`], [`Global`], [`Table`] |
//! | [`Caller`] | what a host function sees of its caller: memory and exports |
//! | [`Trap`] | why a call stopped; a value, with the spec's message as `Display` |
//! | [`Backtrace`] | the Wasm call stack of the last trap ([`Store::trap_backtrace`]) |
//!
//! # Load, instantiate, call
//!
//! ```
//! # #[cfg(feature = "interp")] {
//! use mote::{Linker, Module, Store};
//!
//! let wasm = wat::parse_str(r#"
//!     (module
//!       (func $fib (export "fib") (param i32) (result i32)
//!         (if (result i32) (i32.lt_u (local.get 0) (i32.const 2))
//!           (then (local.get 0))
//!           (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
//!                          (call $fib (i32.sub (local.get 0) (i32.const 2))))))))
//! "#)?;
//! let module = Module::new(&wasm)?; // an .aot file works the same
//! let mut store = Store::new();
//! let instance = Linker::new().instantiate(&mut store, &module)?;
//! let fib = instance.get_typed_func::<i32, i32>(&store, "fib")?;
//! assert_eq!(fib.call(&mut store, 10)?, 55);
//! # }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Host functions
//!
//! A closure becomes a host function; its WebAssembly signature comes from its Rust
//! types. A leading [`Caller`] parameter gives access to the calling instance's memory.
//!
//! ```
//! # #[cfg(feature = "interp")] {
//! use mote::{Caller, Linker, Module, Store, Trap};
//!
//! let wasm = wat::parse_str(r#"
//!     (module
//!       (import "env" "sensor" (func $sensor (param i32) (result f64)))
//!       (import "env" "report" (func $report (param i32 i32)))
//!       (memory (export "memory") 1)
//!       (func (export "run")
//!         ;; store the reading of sensor 2 at address 64, then report 8 bytes from there
//!         (f64.store (i32.const 64) (call $sensor (i32.const 2)))
//!         (call $report (i32.const 64) (i32.const 8))))
//! "#)?;
//!
//! let reported = std::rc::Rc::new(std::cell::Cell::new(0.0));
//! let seen = reported.clone();
//! let mut linker = Linker::new();
//! linker.func_wrap("env", "sensor", |id: i32| 20.5 + id as f64)?;
//! linker.func_wrap("env", "report", move |caller: Caller<'_>, ptr: i32, len: i32| -> Result<(), Trap> {
//!     let memory = caller.memory().ok_or(Trap::Host("no memory"))?;
//!     let mut bytes = [0u8; 8];
//!     if len != 8 {
//!         return Err(Trap::Host("report expects 8 bytes"));
//!     }
//!     memory.read(&caller, ptr as u32 as usize, &mut bytes)?;
//!     seen.set(f64::from_le_bytes(bytes));
//!     Ok(())
//! })?;
//!
//! let mut store = Store::new();
//! let instance = linker.instantiate(&mut store, &Module::new(&wasm)?)?;
//! instance.get_typed_func::<(), ()>(&store, "run")?.call(&mut store, ())?;
//! assert_eq!(reported.get(), 22.5);
//! # }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Traps are values
//!
//! A trap ends the call with `Err(Trap)`; nothing unwinds through the embedder, and the
//! instance stays usable.
//!
//! ```
//! # #[cfg(feature = "interp")] {
//! use mote::{Linker, Module, Store, Trap};
//!
//! let wasm = wat::parse_str(r#"
//!     (module (func (export "div") (param i32 i32) (result i32)
//!       (i32.div_u (local.get 0) (local.get 1))))
//! "#)?;
//! let mut store = Store::new();
//! let instance = Linker::new().instantiate(&mut store, &Module::new(&wasm)?)?;
//! let div = instance.get_typed_func::<(i32, i32), i32>(&store, "div")?;
//!
//! let trap = div.call(&mut store, (1, 0)).unwrap_err();
//! assert_eq!(trap, Trap::IntegerDivideByZero);
//! assert_eq!(trap.to_string(), "integer divide by zero");
//! assert_eq!(div.call(&mut store, (10, 3))?, 3);
//! # }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Linear memory
//!
//! ```
//! # #[cfg(feature = "interp")] {
//! use mote::{Linker, Module, Store};
//!
//! let wasm = wat::parse_str(r#"
//!     (module
//!       (memory (export "memory") 1)
//!       (func (export "sum") (param $p i32) (param $n i32) (result i32)
//!         (local $s i32)
//!         (block $done (loop $next
//!           (br_if $done (i32.eqz (local.get $n)))
//!           (local.set $s (i32.add (local.get $s) (i32.load8_u (local.get $p))))
//!           (local.set $p (i32.add (local.get $p) (i32.const 1)))
//!           (local.set $n (i32.sub (local.get $n) (i32.const 1)))
//!           (br $next)))
//!         (local.get $s)))
//! "#)?;
//! let mut store = Store::new();
//! let instance = Linker::new().instantiate(&mut store, &Module::new(&wasm)?)?;
//! let memory = instance.get_memory(&store, "memory").expect("exported");
//! memory.write(&mut store, 1000, &[1, 2, 3, 4, 5])?;
//! let sum = instance.get_typed_func::<(i32, i32), i32>(&store, "sum")?;
//! assert_eq!(sum.call(&mut store, (1000, 5))?, 15);
//!
//! let mut back = [0u8; 5];
//! memory.read(&store, 1000, &mut back)?;
//! assert_eq!(back, [1, 2, 3, 4, 5]);
//! assert_eq!(memory.data(&store).len(), 65536);
//! # }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Ahead-of-time compiled modules
//!
//! `aotc` (crate `mote-aotc`, which links LLVM) turns a `.wasm` file into an `.aot` file
//! for a target; [`Module::new`] loads it like a `.wasm` file and everything else is the
//! same. Here the `.aot` file is compiled in-process; usually it is made at build time
//! with `aotc -o app.aot app.wasm` and shipped instead of the `.wasm` file, so the
//! program that runs it never links a compiler.
//!
//! ```
//! # #[cfg(feature = "aot")] {
//! use mote::{Engine, Linker, Module, Store};
//!
//! let wasm = wat::parse_str(r#"
//!     (module
//!       (import "env" "scale" (func $scale (param i32) (result i32)))
//!       (func (export "run") (param i32) (result i32)
//!         (i32.add (call $scale (local.get 0)) (i32.const 1))))
//! "#)?;
//! // What `aotc` does, for this host:
//! let parsed = mote_core::Module::new(&wasm)?;
//! let object = mote_aotc::compile(&parsed, &wasm, &mote_aotc::Options::host())?;
//! let aot: Vec<u8> = mote_core::aot::format::write(&object);
//!
//! let module = Module::new(&aot)?;
//! assert_eq!(module.engine(), Engine::Aot);
//! let mut linker = Linker::new();
//! linker.func_wrap("env", "scale", |x: i32| x * 10)?;
//! let mut store = Store::new();
//! let instance = linker.instantiate(&mut store, &module)?;
//! let run = instance.get_typed_func::<i32, i32>(&store, "run")?;
//! assert_eq!(run.call(&mut store, 4)?, 41);
//! # }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Without an allocator: `mote::bare`
//!
//! Everything above runs on `std` hosts and allocates. Firmware with a fixed memory
//! budget uses the no-heap AOT runtime instead, `mote::bare` (mote-loader's `bare`
//! module, available with the `aot` feature, also without `std`): the embedder asks how
//! many bytes an `.aot` file needs (`bare::instance_requirements`), passes static
//! buffers for code, instance state and linear memory, and instantiates and calls with
//! no allocation at all. It has its own documentation and examples.
//!
//! # Features
//!
//! This API needs `std`. The interpreter is the `interp` feature; the hosted AOT engine
//! is `aot` (on Linux). A module whose engine is compiled out is refused by
//! [`Module::new`] with [`Error::EngineMissing`]. `wasi` adds [`Linker::add_wasi`] and
//! [`wasi`].

mod error;
mod func;
mod instance;
mod linker;
mod module;
mod store;
mod value;

#[cfg(feature = "wasi")]
pub mod wasi;

pub use error::{Error, MemoryAccessError};
pub use func::{Func, HostResult, IntoFunc, TypedFunc, WasmParams, WasmResults, WasmTy};
pub use instance::{Extern, Global, Instance, Memory, Table};
pub use linker::Linker;
pub use module::{Engine, Module};
pub use store::{AsContext, AsContextMut, Caller, InterruptHandle, Store};
pub use value::{parse_value, ParseValueError};

pub use mote_core::backtrace::{Backtrace, Frame};
pub use mote_core::{
    Cell, ExternKind, FuncType, GlobalType, Limits, MemoryType, TableType, Trap, ValType, Value,
};
