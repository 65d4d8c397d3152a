//! The interpreter engine behind the C API. Everything it allocates comes from the global
//! allocator: std's in hosted builds, the `mote_init` arena in the no_std staticlib.

use super::error::fail;
use super::types::*;

#[cfg(feature = "interp")]
pub(crate) use imp::*;

#[cfg(feature = "interp")]
mod imp {
    use alloc::boxed::Box;
    use alloc::sync::Arc;
    use core::sync::atomic::AtomicU32;

    use mote_core::runtime::{Executor, InstanceAddr, InstantiationError, Linker, Store};
    use mote_core::types::FuncType;
    use mote_core::{Cell, Module, Trap, ValType};
    use mote_interp::Interpreter;

    use super::super::error::fail;
    use super::super::natives::{self, Env};
    use super::super::types::*;
    use super::super::{instance, runtime};

    pub(crate) const MODULE_MAGIC: u32 = u32::from_le_bytes(*b"motm");
    pub(crate) const INSTANCE_MAGIC: u32 = u32::from_le_bytes(*b"moti");

    #[repr(C)]
    pub(crate) struct InterpModule {
        magic: u32,
        module: Arc<Module>,
    }

    /// `magic` first, like every instance, so `mote_instance *` says which engine.
    #[repr(C)]
    pub(crate) struct InterpInstance {
        magic: u32,
        /// Set by `mote_interrupt`; the store's flag, which interpreted code checks (C
        /// API instances always check: the point of the C API is firmware with ISRs).
        pub(crate) interrupt: Arc<AtomicU32>,
        store: Store,
        addr: InstanceAddr,
        exec: Interpreter,
    }

    /// The arena must exist before anything is allocated from it: with the arena as
    /// the global allocator, an allocation without one could not fail gracefully.
    fn check_arena() -> Result<(), i32> {
        if cfg!(all(feature = "arena", not(feature = "std")))
            && crate::arena::ARENA.stats().size == 0
        {
            return Err(fail(
                MOTE_ERR_NO_MEMORY,
                format_args!("the interpreter needs an arena: pass one to mote_init"),
            ));
        }
        Ok(())
    }

    pub(crate) fn load(bytes: &[u8]) -> Result<*mut mote_module, i32> {
        let rt = runtime()?;
        check_arena()?;
        let module = Module::new(bytes).map_err(|e| fail(MOTE_ERR_FORMAT, format_args!("{e}")))?;
        let m = Box::new(InterpModule {
            magic: MODULE_MAGIC,
            module: Arc::new(module),
        });
        rt.live_objects += 1;
        Ok(Box::into_raw(m).cast())
    }

    /// # Safety
    /// `m` came from `load` and was not freed.
    pub(crate) unsafe fn module_ref<'a>(m: *const mote_module) -> Result<&'a InterpModule, i32> {
        // SAFETY: `m` is NULL or a module from `load` (this function's contract).
        match unsafe { m.cast::<InterpModule>().as_ref() } {
            Some(m) if m.magic == MODULE_MAGIC => Ok(m),
            _ => Err(fail(
                MOTE_ERR_ARGUMENT,
                format_args!("not a module from mote_wasm_load (NULL or freed)"),
            )),
        }
    }

    /// # Safety
    /// As `module_ref`.
    pub(crate) unsafe fn free_module(m: *mut mote_module) -> Result<(), i32> {
        let rt = runtime()?;
        // SAFETY: this function's contract is `module_ref`'s.
        unsafe { module_ref(m)? };
        // SAFETY: checked above that it is a live module made by `load`.
        let mut b = unsafe { Box::from_raw(m.cast::<InterpModule>()) };
        b.magic = 0;
        drop(b);
        rt.live_objects -= 1;
        Ok(())
    }

    pub(crate) fn instantiate(m: &InterpModule) -> Result<*mut mote_instance, i32> {
        let rt = runtime()?;
        check_arena()?;
        let mut store = Store::new();
        let mut linker = Linker::new();
        for (i, n) in natives::all().iter().enumerate() {
            let ty = FuncType::new(Box::<[ValType]>::from(&n.params[..]), &n.results[..]);
            linker.func(&mut store, &n.module, &n.name, ty, move |caller, cells| {
                natives::call(i, Env::Interp(caller), cells)
            });
        }
        #[cfg(feature = "bare-wasi")]
        add_wasi(rt, &m.module, &mut linker, &mut store)?;
        let mut exec = Interpreter::with_stack_size(rt.interp_stack_bytes);
        let addr = linker
            .instantiate(&mut store, m.module.clone(), &mut exec)
            .map_err(|e| match e {
                InstantiationError::Unlinkable(msg) => fail(MOTE_ERR_LINK, format_args!("{msg}")),
                // Linear memory and tables come from the arena; running out of it is a
                // sizing problem, not a trap in the module.
                InstantiationError::Trap(Trap::Host(msg)) if msg.starts_with("cannot allocate") => {
                    fail(
                        MOTE_ERR_NO_MEMORY,
                        format_args!("{msg}: the arena is too small"),
                    )
                }
                InstantiationError::Trap(t) => instance::trap_error("instantiation", t),
            })?;
        let interrupt = Arc::new(AtomicU32::new(0));
        store.interrupt = Some(interrupt.clone());
        let inst = Box::new(InterpInstance {
            magic: INSTANCE_MAGIC,
            interrupt,
            store,
            addr,
            exec,
        });
        rt.live_objects += 1;
        Ok(Box::into_raw(inst).cast())
    }

    /// WASI over the `mote_init` callbacks, for a module that imports it; natives
    /// registered under `wasi_snapshot_preview1` take precedence.
    #[cfg(feature = "bare-wasi")]
    fn add_wasi(
        rt: &super::super::Runtime,
        module: &Module,
        linker: &mut Linker,
        store: &mut Store,
    ) -> Result<(), i32> {
        use mote_platforms::bare::wasi::{BareWasiHost, WasiServices};
        const WASI: &str = "wasi_snapshot_preview1";
        if !module.imports.iter().any(|i| i.module == WASI) {
            return Ok(());
        }
        let svc = WasiServices::from_callbacks(
            rt.services.clock,
            rt.services.random,
            rt.wasi.write,
            rt.wasi.sleep,
            u64::from(rt.wasi.clock_res_ns),
            rt.services.user,
        );
        let ctx = BareWasiHost::new(svc)
            .context(["wasm"])
            .map_err(|e| fail(MOTE_ERR_LINK, format_args!("WASI: {e}")))?;
        let mut mine = Linker::new();
        mote_core::wasi::add_to_linker(&mut mine, store, ctx);
        for i in module.imports.iter().filter(|i| i.module == WASI) {
            if linker.get(&i.module, &i.name).is_none() {
                if let Some(ext) = mine.get(&i.module, &i.name) {
                    linker.define(&i.module, &i.name, ext);
                }
            }
        }
        Ok(())
    }

    impl InterpInstance {
        /// An exported function: its store address and type.
        pub(crate) fn func(&self, name: &str) -> Option<(u32, &[ValType], &[ValType])> {
            match self.store.export(self.addr, name)? {
                mote_core::runtime::Extern::Func(f) => {
                    let ty = self.store.func_type(f);
                    Some((f, &ty.params, &ty.results))
                }
                _ => None,
            }
        }

        pub(crate) fn sig(&self, f: u32) -> Option<(&[ValType], &[ValType])> {
            let e = self.store.funcs.get(f as usize)?;
            Some((&e.ty.params, &e.ty.results))
        }

        /// Whether `f` is a function of this instance (not of a native or another one).
        pub(crate) fn owns(&self, f: u32) -> bool {
            self.store.instances[self.addr as usize].funcs.contains(&f)
        }

        pub(crate) fn call(&mut self, f: u32, cells: &mut [Cell]) -> Result<(), Trap> {
            self.exec.call(&mut self.store, f, cells)
        }

        /// The Wasm call stack of the last trap that escaped a call.
        #[cfg(feature = "backtrace")]
        pub(crate) fn trap_backtrace(&self) -> Option<&mote_core::backtrace::Backtrace> {
            self.store.trap_backtrace.as_ref()
        }

        pub(crate) fn set_fuel(&mut self, fuel: u64) {
            self.store.fuel = Some(fuel);
        }

        pub(crate) fn fuel(&self) -> Option<u64> {
            self.store.fuel
        }

        pub(crate) fn set_deterministic(&mut self, on: bool) {
            self.store.deterministic = on;
        }

        pub(crate) fn memory(&mut self) -> &mut [u8] {
            let inst = &self.store.instances[self.addr as usize];
            match inst.memories.first() {
                Some(&m) => self.store.memories[m as usize].data_mut(),
                None => &mut [],
            }
        }

        /// # Safety
        /// `p` points to a live `InterpInstance` made by `instantiate`.
        pub(crate) unsafe fn free(p: *mut InterpInstance) -> Result<(), i32> {
            let rt = runtime()?;
            // SAFETY: see above.
            let mut b = unsafe { Box::from_raw(p) };
            b.magic = 0;
            drop(b);
            rt.live_objects -= 1;
            Ok(())
        }
    }
}

#[cfg(not(feature = "interp"))]
fn missing() -> i32 {
    fail(
        MOTE_ERR_UNSUPPORTED,
        format_args!("this build of mote has no interpreter (feature `interp`)"),
    )
}

/// Parses and validates a `.wasm` module into the arena.
///
/// # Safety
/// `buf` points to `len` readable bytes; `out` is writable.
#[cfg_attr(feature = "capi", no_mangle)]
pub unsafe extern "C" fn mote_wasm_load(
    buf: *const u8,
    len: usize,
    out: *mut *mut mote_module,
) -> i32 {
    if buf.is_null() || out.is_null() {
        return fail(
            MOTE_ERR_ARGUMENT,
            format_args!("mote_wasm_load: buf or out is NULL"),
        );
    }
    #[cfg(feature = "interp")]
    {
        // SAFETY: see the function's contract.
        let bytes = unsafe { core::slice::from_raw_parts(buf, len) };
        match load(bytes) {
            Ok(m) => {
                // SAFETY: `out` is non-NULL (checked above) and writable (the contract).
                unsafe { *out = m };
                MOTE_OK
            }
            Err(code) => code,
        }
    }
    #[cfg(not(feature = "interp"))]
    {
        let _ = len;
        missing()
    }
}

/// Instantiates an interpreter module against the registered natives.
///
/// # Safety
/// `module` came from `mote_wasm_load`; `out` is writable.
#[cfg_attr(feature = "capi", no_mangle)]
pub unsafe extern "C" fn mote_wasm_instantiate(
    module: *const mote_module,
    out: *mut *mut mote_instance,
) -> i32 {
    if out.is_null() {
        return fail(
            MOTE_ERR_ARGUMENT,
            format_args!("mote_wasm_instantiate: out is NULL"),
        );
    }
    #[cfg(feature = "interp")]
    {
        // SAFETY: `module` is NULL or a live module (the contract); `module_ref` checks NULL.
        let r = unsafe { module_ref(module) }.and_then(instantiate);
        match r {
            Ok(i) => {
                // SAFETY: `out` is non-NULL (checked above) and writable (the contract).
                unsafe { *out = i };
                MOTE_OK
            }
            Err(code) => code,
        }
    }
    #[cfg(not(feature = "interp"))]
    {
        let _ = module;
        missing()
    }
}

/// Frees an interpreter module (its instances keep their own reference).
///
/// # Safety
/// `module` came from `mote_wasm_load` and is not used afterwards.
#[cfg_attr(feature = "capi", no_mangle)]
pub unsafe extern "C" fn mote_module_free(module: *mut mote_module) -> i32 {
    #[cfg(feature = "interp")]
    {
        // SAFETY: the contract is `free_module`'s.
        match unsafe { free_module(module) } {
            Ok(()) => MOTE_OK,
            Err(code) => code,
        }
    }
    #[cfg(not(feature = "interp"))]
    {
        let _ = module;
        missing()
    }
}
