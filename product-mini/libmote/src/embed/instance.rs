//! Instances and the items they export: memories, globals, tables.

use std::string::ToString;

use mote_core::runtime::{Extern as CoreExtern, InstanceAddr};
use mote_core::{ExternKind, GlobalType, TableType, Value};

use super::error::{Error, MemoryAccessError};
use super::func::{store_ref_ok, Func, TypedFunc, WasmParams, WasmResults};
use super::store::{sealed::Context, AsContext, AsContextMut};

/// An item an instance exports (or a linker defines).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Extern {
    Func(Func),
    Memory(Memory),
    Global(Global),
    Table(Table),
}

impl Extern {
    pub(crate) fn from_core(store: u64, ext: CoreExtern) -> Extern {
        match ext {
            CoreExtern::Func(addr) => Extern::Func(Func { store, addr }),
            CoreExtern::Memory(index) => Extern::Memory(Memory { store, index }),
            CoreExtern::Global(index) => Extern::Global(Global { store, index }),
            CoreExtern::Table(index) => Extern::Table(Table { store, index }),
        }
    }

    /// The store this item belongs to and the core store's name for it.
    pub(crate) fn to_core(self) -> (u64, CoreExtern) {
        match self {
            Extern::Func(f) => (f.store, CoreExtern::Func(f.addr)),
            Extern::Memory(m) => (m.store, CoreExtern::Memory(m.index)),
            Extern::Global(g) => (g.store, CoreExtern::Global(g.index)),
            Extern::Table(t) => (t.store, CoreExtern::Table(t.index)),
        }
    }

    /// What kind of item this is.
    pub fn kind(&self) -> ExternKind {
        match self {
            Extern::Func(_) => ExternKind::Func,
            Extern::Memory(_) => ExternKind::Memory,
            Extern::Global(_) => ExternKind::Global,
            Extern::Table(_) => ExternKind::Table,
        }
    }

    pub fn into_func(self) -> Option<Func> {
        match self {
            Extern::Func(f) => Some(f),
            _ => None,
        }
    }

    pub fn into_memory(self) -> Option<Memory> {
        match self {
            Extern::Memory(m) => Some(m),
            _ => None,
        }
    }

    pub fn into_global(self) -> Option<Global> {
        match self {
            Extern::Global(g) => Some(g),
            _ => None,
        }
    }

    pub fn into_table(self) -> Option<Table> {
        match self {
            Extern::Table(t) => Some(t),
            _ => None,
        }
    }
}

impl From<Func> for Extern {
    fn from(f: Func) -> Extern {
        Extern::Func(f)
    }
}

impl From<Memory> for Extern {
    fn from(m: Memory) -> Extern {
        Extern::Memory(m)
    }
}

impl From<Global> for Extern {
    fn from(g: Global) -> Extern {
        Extern::Global(g)
    }
}

impl From<Table> for Extern {
    fn from(t: Table) -> Extern {
        Extern::Table(t)
    }
}

/// Panics unless `store` is the store a handle belongs to: handles are plain indices, so
/// another store's item of the same index would be silently wrong.
fn check_store(handle_store: u64, store: &impl Context, what: &str) {
    assert!(
        store.store_id() == handle_store,
        "mote: {what} was used with a store it does not belong to"
    );
}

/// An instantiated module: its functions, memories, globals and tables live in a
/// [`Store`](super::Store); this is a handle to them.
///
/// Methods that take a store panic if it is not the store the instance was created in,
/// except those that return a `Result`, which return [`Error::WrongStore`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Instance {
    pub(crate) store: u64,
    pub(crate) addr: InstanceAddr,
}

impl Instance {
    /// The export `name`, if there is one.
    ///
    /// # Panics
    /// If `store` is not the instance's store.
    pub fn get_export(&self, store: &impl AsContext, name: &str) -> Option<Extern> {
        check_store(self.store, store, "an instance");
        let ext = store.core().export(self.addr, name)?;
        Some(Extern::from_core(self.store, ext))
    }

    /// Every export as `(name, item)`, in the module's order.
    ///
    /// # Panics
    /// If `store` is not the instance's store.
    pub fn exports<'s>(
        &self,
        store: &'s impl AsContext,
    ) -> impl Iterator<Item = (&'s str, Extern)> + 's {
        check_store(self.store, store, "an instance");
        let core = store.core();
        let addr = self.addr;
        let id = self.store;
        core.instances[addr as usize]
            .module
            .exports
            .iter()
            .filter_map(move |e| {
                let ext = core.export(addr, &e.name)?;
                Some((e.name.as_str(), Extern::from_core(id, ext)))
            })
    }

    /// The exported function `name`.
    ///
    /// # Panics
    /// If `store` is not the instance's store.
    pub fn get_func(&self, store: &impl AsContext, name: &str) -> Option<Func> {
        self.get_export(store, name)?.into_func()
    }

    /// The exported function `name` as a [`TypedFunc`] with parameters `P` and results
    /// `R`, after checking that its WebAssembly type matches them.
    ///
    /// ```
    /// # #[cfg(feature = "interp")] {
    /// use mote::{Linker, Module, Store};
    ///
    /// let wasm = wat::parse_str(r#"(module (func (export "add") (param i32 i32) (result i32)
    ///     (i32.add (local.get 0) (local.get 1))))"#)?;
    /// let mut store = Store::new();
    /// let instance = Linker::new().instantiate(&mut store, &Module::new(&wasm)?)?;
    /// let add = instance.get_typed_func::<(i32, i32), i32>(&mut store, "add")?;
    /// assert_eq!(add.call(&mut store, (2, 40))?, 42);
    ///
    /// let err = instance.get_typed_func::<(), ()>(&store, "sub").unwrap_err();
    /// assert_eq!(err.to_string(), "the instance has no export `sub`");
    /// # }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::ExportNotFound`], [`Error::ExportKind`] (not a function),
    /// [`Error::Signature`] (another type), [`Error::WrongStore`].
    pub fn get_typed_func<P: WasmParams, R: WasmResults>(
        &self,
        store: &impl AsContext,
        name: &str,
    ) -> Result<TypedFunc<P, R>, Error> {
        if store.store_id() != self.store {
            return Err(Error::WrongStore);
        }
        match self.get_export(store, name) {
            Some(Extern::Func(f)) => f.typed(store),
            Some(other) => Err(Error::ExportKind {
                name: name.to_string(),
                expected: ExternKind::Func,
                found: other.kind(),
            }),
            None => Err(Error::ExportNotFound(name.to_string())),
        }
    }

    /// The exported memory `name`.
    ///
    /// # Panics
    /// If `store` is not the instance's store.
    pub fn get_memory(&self, store: &impl AsContext, name: &str) -> Option<Memory> {
        self.get_export(store, name)?.into_memory()
    }

    /// The exported global `name`.
    ///
    /// # Panics
    /// If `store` is not the instance's store.
    pub fn get_global(&self, store: &impl AsContext, name: &str) -> Option<Global> {
        self.get_export(store, name)?.into_global()
    }

    /// The exported table `name`.
    ///
    /// # Panics
    /// If `store` is not the instance's store.
    pub fn get_table(&self, store: &impl AsContext, name: &str) -> Option<Table> {
        self.get_export(store, name)?.into_table()
    }
}

/// A linear memory in a store.
///
/// The bytes can be copied in and out with bounds checks ([`read`](Memory::read),
/// [`write`](Memory::write)) or borrowed as a slice ([`data`](Memory::data),
/// [`data_mut`](Memory::data_mut)). A slice must not be kept across a call into
/// WebAssembly (the borrow of the store prevents that): the memory may move when it
/// grows.
///
/// ```
/// # #[cfg(feature = "interp")] {
/// use mote::{Linker, Module, Store};
///
/// let wasm = wat::parse_str(r#"(module
///     (memory (export "memory") 1 4)
///     (data (i32.const 0) "mote")
///     ;; Turns the ASCII letters of [ptr, ptr + len) into upper case.
///     (func (export "upper") (param $ptr i32) (param $len i32)
///       (local $c i32)
///       (block $done (loop $next
///         (br_if $done (i32.eqz (local.get $len)))
///         (local.set $c (i32.load8_u (local.get $ptr)))
///         (if (i32.and (i32.ge_u (local.get $c) (i32.const 97)) (i32.le_u (local.get $c) (i32.const 122)))
///           (then (i32.store8 (local.get $ptr) (i32.sub (local.get $c) (i32.const 32)))))
///         (local.set $ptr (i32.add (local.get $ptr) (i32.const 1)))
///         (local.set $len (i32.sub (local.get $len) (i32.const 1)))
///         (br $next)))))
/// "#)?;
/// let mut store = Store::new();
/// let instance = Linker::new().instantiate(&mut store, &Module::new(&wasm)?)?;
/// let memory = instance.get_memory(&store, "memory").expect("exported");
/// let upper = instance.get_typed_func::<(i32, i32), ()>(&store, "upper")?;
///
/// let mut word = [0u8; 4];
/// memory.read(&store, 0, &mut word)?;
/// assert_eq!(&word, b"mote");
///
/// memory.write(&mut store, 100, b"hello, wasm")?;
/// upper.call(&mut store, (100, 11))?;
/// assert_eq!(&memory.data(&store)[100..111], b"HELLO, WASM");
///
/// memory.data_mut(&mut store)[0] = b'n';
/// assert_eq!(&memory.data(&store)[..4], b"note");
///
/// assert_eq!(memory.size(&store), 1); // pages of 64 KiB
/// assert!(memory.write(&mut store, 65534, b"abc").is_err()); // past the end
/// assert_eq!(memory.grow(&mut store, 1), Some(1));
/// assert_eq!(memory.data_size(&store), 2 * 65536);
/// assert_eq!(memory.grow(&mut store, 3), None); // the maximum is 4 pages
/// # }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// Methods panic if `store` is not the memory's store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Memory {
    pub(crate) store: u64,
    pub(crate) index: u32,
}

impl Memory {
    fn core<'s>(&self, store: &'s impl AsContext) -> &'s mote_core::runtime::Memory {
        check_store(self.store, store, "a memory");
        &store.core().memories[self.index as usize]
    }

    fn core_mut<'s>(&self, store: &'s mut impl AsContextMut) -> &'s mut mote_core::runtime::Memory {
        check_store(self.store, store, "a memory");
        &mut store.core_mut().memories[self.index as usize]
    }

    /// Copies `buf.len()` bytes starting at `offset` into `buf`.
    ///
    /// # Errors
    /// If the range is not inside the memory; nothing is copied then.
    pub fn read(
        &self,
        store: &impl AsContext,
        offset: usize,
        buf: &mut [u8],
    ) -> Result<(), MemoryAccessError> {
        let mem = self.core(store);
        let src = mem
            .slice(offset as u64, buf.len() as u64)
            .map_err(|_| access_error(offset, buf.len(), mem.len()))?;
        buf.copy_from_slice(src);
        Ok(())
    }

    /// Copies `data` into the memory starting at `offset`.
    ///
    /// # Errors
    /// If the range is not inside the memory; nothing is written then.
    pub fn write(
        &self,
        store: &mut impl AsContextMut,
        offset: usize,
        data: &[u8],
    ) -> Result<(), MemoryAccessError> {
        let mem = self.core_mut(store);
        let size = mem.len();
        let dst = mem
            .slice_mut(offset as u64, data.len() as u64)
            .map_err(|_| access_error(offset, data.len(), size))?;
        dst.copy_from_slice(data);
        Ok(())
    }

    /// All bytes of the memory.
    pub fn data<'s>(&self, store: &'s impl AsContext) -> &'s [u8] {
        self.core(store).data()
    }

    /// All bytes of the memory, writable.
    pub fn data_mut<'s>(&self, store: &'s mut impl AsContextMut) -> &'s mut [u8] {
        self.core_mut(store).data_mut()
    }

    /// The size in 64 KiB pages.
    pub fn size(&self, store: &impl AsContext) -> u64 {
        self.core(store).pages()
    }

    /// The size in bytes.
    pub fn data_size(&self, store: &impl AsContext) -> usize {
        self.core(store).len()
    }

    /// Grows the memory by `delta` pages (new bytes are zero) and returns the old size
    /// in pages, or `None` if the memory cannot grow that much (its maximum, or the
    /// system's memory).
    pub fn grow(&self, store: &mut impl AsContextMut, delta: u64) -> Option<u64> {
        let old = self.core_mut(store).grow(delta);
        u64::try_from(old).ok()
    }
}

fn access_error(offset: usize, len: usize, size: usize) -> MemoryAccessError {
    MemoryAccessError { offset, len, size }
}

/// A global variable in a store.
///
/// ```
/// # #[cfg(feature = "interp")] {
/// use mote::{Linker, Module, Store, Value};
///
/// let wasm = wat::parse_str(r#"(module
///     (global $count (export "count") (mut i32) (i32.const 0))
///     (global (export "limit") i64 (i64.const 100))
///     (func (export "tick") (global.set $count (i32.add (global.get $count) (i32.const 1)))))"#)?;
/// let mut store = Store::new();
/// let instance = Linker::new().instantiate(&mut store, &Module::new(&wasm)?)?;
/// let count = instance.get_global(&store, "count").expect("exported");
/// let tick = instance.get_typed_func::<(), ()>(&store, "tick")?;
///
/// tick.call(&mut store, ())?;
/// assert_eq!(count.get(&store), Value::I32(1));
/// count.set(&mut store, Value::I32(41))?;
/// tick.call(&mut store, ())?;
/// assert_eq!(count.get(&store), Value::I32(42));
///
/// let limit = instance.get_global(&store, "limit").expect("exported");
/// assert_eq!(limit.get(&store), Value::I64(100));
/// let err = limit.set(&mut store, Value::I64(5)).unwrap_err();
/// assert_eq!(err.to_string(), "the global is immutable");
/// let err = count.set(&mut store, Value::I64(5)).unwrap_err();
/// assert_eq!(err.to_string(), "the global holds i32, not i64");
/// # }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// Methods panic if `store` is not the global's store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Global {
    pub(crate) store: u64,
    pub(crate) index: u32,
}

impl Global {
    /// The global's type (value type and mutability).
    pub fn ty(&self, store: &impl AsContext) -> GlobalType {
        check_store(self.store, store, "a global");
        store.core().globals[self.index as usize].ty
    }

    /// The current value.
    pub fn get(&self, store: &impl AsContext) -> Value {
        check_store(self.store, store, "a global");
        store.core().global_value(self.index)
    }

    /// Sets the value.
    ///
    /// # Errors
    /// [`Error::Global`] if the global is immutable, the value has another type, or it
    /// is a function reference to a function of another store.
    pub fn set(&self, store: &mut impl AsContextMut, value: Value) -> Result<(), Error> {
        check_store(self.store, store, "a global");
        let core = store.core_mut();
        let ty = core.globals[self.index as usize].ty;
        if !ty.mutable {
            return Err(Error::Global("the global is immutable".into()));
        }
        if value.ty() != ty.content {
            return Err(Error::Global(std::format!(
                "the global holds {}, not {}",
                ty.content,
                value.ty()
            )));
        }
        if !store_ref_ok(core, &value) {
            return Err(Error::Global(
                "the function reference does not name a function of this store".into(),
            ));
        }
        core.globals[self.index as usize].value = value.to_cell();
        Ok(())
    }
}

/// A table of references in a store. Tables can be exported, imported and linked; their
/// elements are managed by WebAssembly code.
///
/// Methods panic if `store` is not the table's store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Table {
    pub(crate) store: u64,
    pub(crate) index: u32,
}

impl Table {
    /// The table's type (element type and current limits).
    pub fn ty(&self, store: &impl AsContext) -> TableType {
        check_store(self.store, store, "a table");
        store.core().tables[self.index as usize].ty()
    }

    /// The number of elements.
    pub fn size(&self, store: &impl AsContext) -> u32 {
        check_store(self.store, store, "a table");
        store.core().tables[self.index as usize].size()
    }
}
