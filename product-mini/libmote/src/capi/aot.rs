//! The AOT engine behind the C API: `crate::bare` instances in caller buffers, code
//! in a `mote_platforms::bare` region. No heap: the C API's own per-instance data sits at
//! the front of the state buffer, before the loader's state.

use core::ffi::c_void;

use super::error::fail;
use super::types::*;

#[cfg(feature = "aot")]
pub(crate) use imp::*;

#[cfg(feature = "aot")]
mod imp {
    use core::ffi::c_void;
    use core::mem::{align_of, size_of};
    use core::sync::atomic::AtomicU32;

    use crate::bare::{
        instance_requirements, BareError, CallError, Config, Func, HostCall, HostFn, HostFunc,
        Instance, InstanceRequirements,
    };
    use mote_core::{Cell, Trap};
    use mote_loader::{AotFile, ExecMemory, LoadError};
    use mote_platforms::bare::CodeRegion;

    use super::super::error::fail;
    use super::super::instance::{self, Sig};
    use super::super::natives::{self, Env};
    use super::super::types::*;
    use super::super::{runtime, Global};

    pub(crate) const INSTANCE_MAGIC: u32 = u32::from_le_bytes(*b"mota");

    /// The code region as the loader sees it. The last refused protection change is
    /// kept so the error can give the callback's status.
    struct Code {
        region: CodeRegion<'static>,
        refused: i32,
    }

    impl Code {
        fn switch(
            &mut self,
            r: Result<(), mote_platforms::bare::BareError>,
        ) -> Result<(), LoadError> {
            r.map_err(|e| {
                if let mote_platforms::bare::BareError::Callback(status) = e {
                    self.refused = status;
                }
                LoadError::Protect
            })
        }
    }

    impl ExecMemory for Code {
        fn bytes(&mut self) -> &mut [u8] {
            self.region.bytes()
        }

        fn make_writable(&mut self) -> Result<(), LoadError> {
            let r = self.region.make_writable();
            self.switch(r)
        }

        fn make_executable(&mut self) -> Result<(), LoadError> {
            let r = self.region.make_executable();
            self.switch(r)
        }
    }

    /// What `mote_instance *` points to for AOT: the front of the caller's state buffer.
    #[repr(C)]
    pub(crate) struct AotInstance {
        magic: u32,
        /// Set by `mote_interrupt`; checked by code compiled with `aotc --interruptible`.
        pub(crate) interrupt: AtomicU32,
        code: Code,
        inst: Instance<'static>,
    }

    /// Bytes before the loader's state, keeping its alignment.
    fn header_bytes(state_align: usize) -> usize {
        size_of::<AotInstance>().next_multiple_of(state_align)
    }

    fn state_align(r: &InstanceRequirements) -> usize {
        r.state_align.max(align_of::<AotInstance>())
    }

    fn file(bytes: &'static [u8]) -> Result<AotFile<'static>, i32> {
        AotFile::parse(bytes).map_err(|e| fail(MOTE_ERR_FORMAT, format_args!("{e}")))
    }

    fn bare_error(e: BareError, refused: i32) -> i32 {
        let code = match &e {
            BareError::Load(
                LoadError::RegionTooSmall { .. }
                | LoadError::RegionMisaligned
                | LoadError::XipMisaligned { .. },
            ) => MOTE_ERR_SPACE,
            BareError::Load(LoadError::Protect) => {
                return fail(
                    MOTE_ERR_LOAD,
                    format_args!("the protect callback refused the code region (status {refused})"),
                )
            }
            BareError::Load(
                LoadError::Format(_) | LoadError::WrongArch { .. } | LoadError::BoundsMode,
            )
            | BareError::Format(_)
            | BareError::Meta(_) => MOTE_ERR_FORMAT,
            BareError::Load(_) => MOTE_ERR_LOAD,
            BareError::StateTooSmall { .. }
            | BareError::StateMisaligned
            | BareError::MemoryTooSmall { .. }
            | BareError::TooLarge(_) => MOTE_ERR_SPACE,
            BareError::UnknownImport { .. } | BareError::ImportMismatch { .. } => MOTE_ERR_LINK,
            BareError::UnsupportedImport { .. } | BareError::Unsupported(_) => MOTE_ERR_UNSUPPORTED,
            BareError::Init(t) => return instance::trap_error("instantiation", *t),
            BareError::Start(t) => return instance::trap_error("the start function", *t),
            #[allow(unreachable_patterns)]
            _ => MOTE_ERR_LOAD,
        };
        fail(code, format_args!("{e}"))
    }

    pub(crate) fn requirements(bytes: &'static [u8]) -> Result<mote_aot_reqs, i32> {
        let f = file(bytes)?;
        let r = instance_requirements(&f).map_err(|e| bare_error(e, 0))?;
        let align = state_align(&r);
        Ok(mote_aot_reqs {
            code_bytes: r.code.region_bytes,
            code_align: r.code.region_align,
            state_bytes: header_bytes(align) + r.state_bytes,
            state_align: align,
            memory_min_bytes: r.memory_min_bytes,
            memory_max_bytes: r.memory_max_bytes.unwrap_or(usize::MAX),
            imports: r.imports as u32,
            memories: r.memories,
        })
    }

    #[cfg(feature = "multi-memory")]
    pub(crate) fn memory_requirements(
        bytes: &'static [u8],
        index: u32,
    ) -> Result<(usize, usize), i32> {
        let f = file(bytes)?;
        let (min, max) =
            crate::bare::memory_requirements(&f, index).map_err(|e| bare_error(e, 0))?;
        Ok((min, max.unwrap_or(usize::MAX)))
    }

    /// The natives as the loader's host functions; entry `i` is native `i` and points
    /// into the registry's static storage.
    static HOSTS: Global<[HostFunc<'static>; MOTE_MAX_NATIVES]> = Global::new(
        [HostFunc {
            module: "",
            name: "",
            params: &[],
            results: &[],
            func: HostFn::Rust(trampoline),
            data: core::ptr::null_mut(),
        }; MOTE_MAX_NATIVES],
    );

    /// Native `index` was (re)registered: mirror it into `HOSTS`.
    pub(crate) fn host_updated(index: usize) {
        let Some(n) = natives::all().get(index) else {
            return;
        };
        // SAFETY: the registry is a static that entries never move out of, so these
        // borrows stay valid; single-threaded API.
        unsafe {
            let n: &'static natives::Native = &*(n as *const natives::Native);
            (*HOSTS.get())[index] = HostFunc {
                module: n.module.as_str(),
                name: n.name.as_str(),
                params: &n.params,
                results: &n.results,
                func: HostFn::Rust(trampoline),
                data: index as *mut c_void,
            };
        }
    }

    fn trampoline(call: &mut HostCall<'_>, cells: &mut [Cell]) -> Result<(), Trap> {
        let index = call.data() as usize;
        natives::call(index, Env::Aot(call), cells)
    }

    /// # Safety
    /// Every buffer is valid for its length and, with `bytes`, outlives the instance.
    pub(crate) unsafe fn instantiate(
        bytes: &'static [u8],
        code: &'static mut [u8],
        state: &'static mut [u8],
        memories: impl IntoIterator<Item = &'static mut [u8]>,
    ) -> Result<*mut mote_instance, i32> {
        let rt = runtime()?;
        let f = file(bytes)?;
        let r = instance_requirements(&f).map_err(|e| bare_error(e, 0))?;
        let align = state_align(&r);
        let header = header_bytes(align);
        let need = header + r.state_bytes;
        if state.len() < need {
            return Err(fail(
                MOTE_ERR_SPACE,
                format_args!(
                    "state buffer too small: need {need} bytes (mote_aot_requirements), have {}",
                    state.len()
                ),
            ));
        }
        if !(state.as_ptr() as usize).is_multiple_of(align) {
            return Err(fail(
                MOTE_ERR_SPACE,
                format_args!("state buffer is misaligned: it must start at a multiple of {align}"),
            ));
        }
        let n = natives::all().len();
        // SAFETY: single-threaded API; `HOSTS[..n]` mirror the registered natives.
        let hosts: &'static [HostFunc<'static>] = unsafe { &(&*HOSTS.get())[..n] };
        let (front, bare_state) = state.split_at_mut(header);
        let slot = front.as_mut_ptr().cast::<AotInstance>();
        // SAFETY: `front` is aligned for and large enough to hold an `AotInstance`; the
        // code region is written in place first because the instance borrows it.
        unsafe {
            core::ptr::addr_of_mut!((*slot).magic).write(0);
            core::ptr::addr_of_mut!((*slot).interrupt).write(AtomicU32::new(0));
            core::ptr::addr_of_mut!((*slot).code).write(Code {
                region: CodeRegion::new(code, rt.protect, super::super::PLATFORM_USER.get()),
                refused: 0,
            });
        }
        // SAFETY: the code region was written just above and lives in the caller's state
        // buffer as long as the instance that borrows it.
        let code_mem: &'static mut dyn ExecMemory = unsafe { &mut (*slot).code };
        let config = Config {
            native_stack_bytes: rt.native_stack_bytes,
            ..Config::new()
        };
        // SAFETY: single-threaded API.
        unsafe { *natives::LAST_FAILURE.get() = None };
        let mut inst = Instance::with_memories(&f, code_mem, bare_state, memories, hosts, &config)
            .map_err(|e| {
                // SAFETY: the failed `Instance::new` no longer borrows the code region.
                bare_error(e, unsafe { (*slot).code.refused })
            })?;
        if f.header().features & mote_core::aot::format::feature::INTERRUPTIBLE != 0 {
            // SAFETY: the flag lives in the caller's state buffer as long as the instance.
            inst.set_interrupt_flag(unsafe { &(*slot).interrupt });
        }
        // SAFETY: as above.
        unsafe {
            core::ptr::addr_of_mut!((*slot).inst).write(inst);
            core::ptr::addr_of_mut!((*slot).magic).write(INSTANCE_MAGIC);
        }
        Ok(slot.cast())
    }

    impl AotInstance {
        fn sig_of(&self, f: Func) -> Option<(Sig, Sig)> {
            let ty = self.inst.func_type(f);
            let mut p = Sig::new();
            let mut r = Sig::new();
            for t in ty.params() {
                p.push(t).ok()?;
            }
            for t in ty.results() {
                r.push(t).ok()?;
            }
            Some((p, r))
        }

        pub(crate) fn func(&self, name: &str) -> Option<(u32, Option<(Sig, Sig)>)> {
            let f = self.inst.func(name)?;
            Some((f.index(), self.sig_of(f)))
        }

        pub(crate) fn sig(&self, index: u32) -> Option<(Sig, Sig)> {
            self.sig_of(self.inst.func_at(index)?)
        }

        /// The no-heap instance (its last trap's backtrace, ...).
        #[cfg(feature = "backtrace")]
        pub(crate) fn instance(&self) -> &Instance<'static> {
            &self.inst
        }

        pub(crate) fn set_fuel(&mut self, fuel: u64) {
            self.inst.set_fuel(fuel);
        }

        /// Whether the code checks `interrupt` (compiled with `aotc --interruptible`).
        pub(crate) fn interruptible(&self) -> bool {
            self.inst.interruptible()
        }

        pub(crate) fn fuel(&self) -> Option<u64> {
            self.inst.fuel()
        }

        /// Whether the code canonicalises NaNs (compiled with `aotc --deterministic`).
        pub(crate) fn deterministic(&self) -> bool {
            self.inst.deterministic()
        }

        pub(crate) fn call(&mut self, index: u32, cells: &mut [Cell]) -> Result<(), Trap> {
            let f = self
                .inst
                .func_at(index)
                .ok_or(Trap::Host("no such function"))?;
            match self.inst.call_cells(f, cells) {
                Ok(()) => Ok(()),
                Err(CallError::Trap(t)) => Err(t),
                Err(CallError::Signature) => Err(Trap::Host("arguments do not match")),
            }
        }

        pub(crate) fn memory(&mut self) -> &mut [u8] {
            self.inst.memory_mut()
        }

        pub(crate) fn deinit(&mut self) {
            self.magic = 0;
        }
    }
}

#[cfg(not(feature = "aot"))]
fn missing() -> i32 {
    fail(
        MOTE_ERR_UNSUPPORTED,
        format_args!("this build of mote has no AOT engine (feature `aot`)"),
    )
}

/// The multi-memory functions in a build without the AOT engine or `multi-memory`.
#[cfg(not(all(feature = "aot", feature = "multi-memory")))]
fn missing_multi_memory() -> i32 {
    fail(
        MOTE_ERR_UNSUPPORTED,
        format_args!(
            "this build of mote has no multi-memory AOT support (features `aot`, `multi-memory`)"
        ),
    )
}

/// Sizes of the buffers `mote_aot_instantiate` needs for `file`.
///
/// # Safety
/// `file` points to `len` readable bytes; `out` is writable.
#[cfg_attr(feature = "capi", no_mangle)]
pub unsafe extern "C" fn mote_aot_requirements(
    file: *const u8,
    len: usize,
    out: *mut mote_aot_reqs,
) -> i32 {
    if file.is_null() || out.is_null() {
        return fail(
            MOTE_ERR_ARGUMENT,
            format_args!("mote_aot_requirements: file or out is NULL"),
        );
    }
    #[cfg(feature = "aot")]
    {
        // SAFETY: see the contract; only read during this call.
        let bytes: &'static [u8] = unsafe { core::slice::from_raw_parts(file, len) };
        match requirements(bytes) {
            Ok(r) => {
                // SAFETY: `out` is non-NULL (checked above) and writable (the contract).
                unsafe { *out = r };
                MOTE_OK
            }
            Err(code) => code,
        }
    }
    #[cfg(not(feature = "aot"))]
    {
        let _ = len;
        missing()
    }
}

/// Instantiates an `.aot` file in caller buffers.
///
/// # Safety
/// Every pointer is valid for its length, the buffers are not used by anything else, and
/// they and `file` stay valid until `mote_instance_deinit`.
#[allow(clippy::too_many_arguments)]
#[cfg_attr(feature = "capi", no_mangle)]
pub unsafe extern "C" fn mote_aot_instantiate(
    file: *const u8,
    len: usize,
    code: *mut c_void,
    code_len: usize,
    state: *mut c_void,
    state_len: usize,
    memory: *mut c_void,
    memory_len: usize,
    out: *mut *mut mote_instance,
) -> i32 {
    // `code` may be NULL with `code_len` 0: an execute-in-place file needs no region.
    if file.is_null() || (code.is_null() && code_len != 0) || state.is_null() || out.is_null() {
        return fail(
            MOTE_ERR_ARGUMENT,
            format_args!("mote_aot_instantiate: file, code, state or out is NULL"),
        );
    }
    if memory.is_null() && memory_len != 0 {
        return fail(
            MOTE_ERR_ARGUMENT,
            format_args!("mote_aot_instantiate: memory is NULL"),
        );
    }
    #[cfg(feature = "aot")]
    {
        use core::slice::from_raw_parts_mut;
        // SAFETY: see the contract.
        let r = unsafe {
            let memory: &'static mut [u8] = if memory_len == 0 {
                &mut []
            } else {
                from_raw_parts_mut(memory.cast(), memory_len)
            };
            instantiate(
                core::slice::from_raw_parts(file, len),
                if code_len == 0 {
                    &mut []
                } else {
                    from_raw_parts_mut(code.cast(), code_len)
                },
                from_raw_parts_mut(state.cast(), state_len),
                [memory],
            )
        };
        match r {
            Ok(i) => {
                // SAFETY: `out` is non-NULL (checked above) and writable (the contract).
                unsafe { *out = i };
                MOTE_OK
            }
            Err(code) => code,
        }
    }
    #[cfg(not(feature = "aot"))]
    {
        let _ = (len, code_len, state_len, memory_len);
        missing()
    }
}

/// Memory `index`'s buffer size for `file`: its initial size and declared maximum
/// (`SIZE_MAX` if none), in bytes.
///
/// # Safety
/// `file` points to `len` readable bytes; `min_bytes` and `max_bytes` are writable.
#[cfg_attr(feature = "capi", no_mangle)]
pub unsafe extern "C" fn mote_aot_memory_requirements(
    file: *const u8,
    len: usize,
    index: u32,
    min_bytes: *mut usize,
    max_bytes: *mut usize,
) -> i32 {
    if file.is_null() || min_bytes.is_null() || max_bytes.is_null() {
        return fail(
            MOTE_ERR_ARGUMENT,
            format_args!("mote_aot_memory_requirements: file, min_bytes or max_bytes is NULL"),
        );
    }
    #[cfg(all(feature = "aot", feature = "multi-memory"))]
    {
        // SAFETY: see the contract; only read during this call.
        let bytes: &'static [u8] = unsafe { core::slice::from_raw_parts(file, len) };
        match memory_requirements(bytes, index) {
            Ok((min, max)) => {
                // SAFETY: both are non-NULL (checked above) and writable (the contract).
                unsafe {
                    *min_bytes = min;
                    *max_bytes = max;
                }
                MOTE_OK
            }
            Err(code) => code,
        }
    }
    #[cfg(not(all(feature = "aot", feature = "multi-memory")))]
    {
        let _ = (len, index);
        missing_multi_memory()
    }
}

/// Instantiates an `.aot` file in caller buffers, one per memory (multi-memory).
///
/// # Safety
/// As for [`mote_aot_instantiate`]; `memories` and `memory_lens` hold `count` entries,
/// each memory buffer valid for its length (NULL only with length 0) and distinct from
/// the others.
#[allow(clippy::too_many_arguments)]
#[cfg_attr(feature = "capi", no_mangle)]
pub unsafe extern "C" fn mote_aot_instantiate_memories(
    file: *const u8,
    len: usize,
    code: *mut c_void,
    code_len: usize,
    state: *mut c_void,
    state_len: usize,
    memories: *const *mut c_void,
    memory_lens: *const usize,
    count: u32,
    out: *mut *mut mote_instance,
) -> i32 {
    if file.is_null() || code.is_null() || state.is_null() || out.is_null() {
        return fail(
            MOTE_ERR_ARGUMENT,
            format_args!("mote_aot_instantiate_memories: file, code, state or out is NULL"),
        );
    }
    if count > 0 && (memories.is_null() || memory_lens.is_null()) {
        return fail(
            MOTE_ERR_ARGUMENT,
            format_args!("mote_aot_instantiate_memories: memories or memory_lens is NULL"),
        );
    }
    #[cfg(all(feature = "aot", feature = "multi-memory"))]
    {
        use core::slice::from_raw_parts_mut;
        for i in 0..count as usize {
            // SAFETY: both arrays hold `count` entries (the contract).
            let (p, n) = unsafe { (*memories.add(i), *memory_lens.add(i)) };
            if p.is_null() && n != 0 {
                return fail(
                    MOTE_ERR_ARGUMENT,
                    format_args!("mote_aot_instantiate_memories: memory {i} is NULL"),
                );
            }
        }
        let buffers = (0..count as usize).map(|i| -> &'static mut [u8] {
            // SAFETY: checked above; each buffer is valid for its length and distinct
            // (the contract).
            unsafe {
                let (p, n) = (*memories.add(i), *memory_lens.add(i));
                if n == 0 {
                    &mut []
                } else {
                    from_raw_parts_mut(p.cast(), n)
                }
            }
        });
        // SAFETY: see the contract.
        let r = unsafe {
            instantiate(
                core::slice::from_raw_parts(file, len),
                from_raw_parts_mut(code.cast(), code_len),
                from_raw_parts_mut(state.cast(), state_len),
                buffers,
            )
        };
        match r {
            Ok(i) => {
                // SAFETY: `out` is non-NULL (checked above) and writable (the contract).
                unsafe { *out = i };
                MOTE_OK
            }
            Err(code) => code,
        }
    }
    #[cfg(not(all(feature = "aot", feature = "multi-memory")))]
    {
        let _ = (len, code_len, state_len, memories, memory_lens, count);
        missing_multi_memory()
    }
}
