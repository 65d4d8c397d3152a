//! The C API (`include/mote.h`). Every function checks its arguments, returns a
//! `mote_result` and leaves a one-line message for `mote_last_error()`; nothing here
//! panics on bad input, and nothing allocates except the interpreter (from the arena).
//!
//! The functions are always compiled, so the std build can test them from Rust; only
//! with feature `capi` are they exported under their C names.
//!
//! State is global (natives, settings, last error), as in WAMR, and not thread-safe:
//! the header says so.

mod aot;
mod error;
// A build without either engine keeps the shared call path and the registry compiled
// (every call then ends in "not a live mote instance"), so their helpers are unused there.
#[cfg_attr(
    not(any(feature = "aot", feature = "interp")),
    allow(dead_code, unused_variables, unreachable_code)
)]
mod instance;
mod interp;
#[cfg_attr(not(any(feature = "aot", feature = "interp")), allow(dead_code))]
mod natives;
mod types;

#[cfg(test)]
mod tests;

use core::cell::UnsafeCell;
use core::ffi::c_void;

pub use aot::{
    mote_aot_instantiate, mote_aot_instantiate_memories, mote_aot_memory_requirements,
    mote_aot_requirements,
};
pub use error::mote_last_error;
pub use instance::{
    mote_call, mote_get_fuel, mote_instance_deinit, mote_interrupt, mote_lookup_function,
    mote_memory, mote_set_deterministic, mote_set_fuel, mote_trap_backtrace,
};
pub use interp::{mote_module_free, mote_wasm_instantiate, mote_wasm_load};
pub use natives::{mote_exec_memory, mote_register_natives};
pub use types::*;

use error::fail;

/// A `static` the C API mutates. Sound only because the API is documented as not
/// thread-safe (one caller at a time), like WAMR's runtime state.
pub(crate) struct Global<T>(UnsafeCell<T>);

// SAFETY: see the type's comment; every access goes through `get` in an unsafe block.
unsafe impl<T> Sync for Global<T> {}

impl<T> Global<T> {
    pub(crate) const fn new(v: T) -> Self {
        Global(UnsafeCell::new(v))
    }

    pub(crate) fn get(&self) -> *mut T {
        self.0.get()
    }
}

pub(crate) type FatalFn =
    unsafe extern "C" fn(message: *const core::ffi::c_char, user: *mut c_void);

#[derive(Clone, Copy)]
#[cfg_attr(not(feature = "bare-wasi"), allow(dead_code))]
pub(crate) struct WasiCallbacks {
    pub write: Option<WriteFn>,
    pub sleep: Option<SleepFn>,
    pub clock_res_ns: u32,
}

/// What `mote_init` was given.
pub(crate) struct Runtime {
    pub initialised: bool,
    #[cfg_attr(not(feature = "aot"), allow(dead_code))]
    pub protect: Option<mote_platforms::bare::ProtectFn>,
    /// The embedder's clock and random source; nothing in the no_std engines reads the
    /// time or randomness yet (WASI needs std), so they are kept for `services()`.
    pub services: mote_platforms::bare::Services,
    #[cfg_attr(not(feature = "interp"), allow(dead_code))]
    pub interp_stack_bytes: usize,
    #[cfg_attr(not(feature = "aot"), allow(dead_code))]
    pub native_stack_bytes: usize,
    #[cfg_attr(not(feature = "panic-handler"), allow(dead_code))]
    pub fatal: Option<FatalFn>,
    /// WASI's console, sleep and clock resolution (feature `bare-wasi`).
    #[cfg_attr(not(feature = "bare-wasi"), allow(dead_code))]
    pub wasi: WasiCallbacks,
    /// Interpreter modules and instances not yet freed; `mote_deinit` refuses while
    /// any live, since they hold arena memory.
    pub live_objects: usize,
}

pub(crate) static RUNTIME: Global<Runtime> = Global::new(Runtime {
    initialised: false,
    protect: None,
    services: mote_platforms::bare::Services::NONE,
    interp_stack_bytes: DEFAULT_INTERP_STACK,
    native_stack_bytes: DEFAULT_NATIVE_STACK,
    fatal: None,
    wasi: WasiCallbacks {
        write: None,
        sleep: None,
        clock_res_ns: 0,
    },
    live_objects: 0,
});

const DEFAULT_INTERP_STACK: usize = 16 * 1024;
const DEFAULT_NATIVE_STACK: usize = 64 * 1024;

/// The runtime settings, or the error every entry point gives before `mote_init`.
pub(crate) fn runtime() -> Result<&'static mut Runtime, i32> {
    // SAFETY: single-threaded API (see `Global`).
    let rt = unsafe { &mut *RUNTIME.get() };
    if rt.initialised {
        Ok(rt)
    } else {
        Err(fail(
            MOTE_ERR_STATE,
            format_args!("mote_init has not been called"),
        ))
    }
}

/// The clock and random callbacks given to `mote_init` (for Rust code linked into the
/// same firmware), or `None` before it.
pub fn services() -> Option<mote_platforms::bare::Services> {
    // SAFETY: single-threaded API.
    let rt = unsafe { &*RUNTIME.get() };
    rt.initialised.then_some(rt.services)
}

/// Takes the platform callbacks and the interpreter's arena.
///
/// # Safety
/// `args` is NULL or points to a valid `mote_init_args`; the arena it names is writable
/// for `arena_len` bytes and outlives `mote_deinit`.
#[cfg_attr(feature = "capi", no_mangle)]
pub unsafe extern "C" fn mote_init(args: *const mote_init_args) -> i32 {
    // SAFETY: `args` is NULL or a valid `mote_init_args` (the contract).
    let Some(args) = (unsafe { args.as_ref() }) else {
        return fail(MOTE_ERR_ARGUMENT, format_args!("mote_init: args is NULL"));
    };
    // SAFETY: single-threaded API.
    let rt = unsafe { &mut *RUNTIME.get() };
    if rt.initialised {
        return fail(MOTE_ERR_STATE, format_args!("mote_init was already called"));
    }
    if args.arena.is_null() != (args.arena_len == 0) {
        return fail(
            MOTE_ERR_ARGUMENT,
            format_args!("mote_init: arena and arena_len must both be set or both be 0"),
        );
    }
    if !args.arena.is_null() {
        // SAFETY: the caller hands over the arena for as long as the runtime lives.
        if let Err(min) = unsafe { crate::arena::ARENA.init(args.arena.cast(), args.arena_len) } {
            return fail(
                MOTE_ERR_NO_MEMORY,
                format_args!("mote_init: the arena needs at least {min} bytes"),
            );
        }
    }
    *rt = Runtime {
        initialised: true,
        protect: args.protect,
        services: mote_platforms::bare::Services {
            clock: args.clock,
            random: args.random,
            user: args.user,
        },
        interp_stack_bytes: if args.interp_stack_bytes == 0 {
            DEFAULT_INTERP_STACK
        } else {
            args.interp_stack_bytes
        },
        native_stack_bytes: if args.native_stack_bytes == 0 {
            DEFAULT_NATIVE_STACK
        } else {
            args.native_stack_bytes
        },
        fatal: args.fatal,
        wasi: WasiCallbacks {
            write: args.write,
            sleep: args.sleep,
            clock_res_ns: args.clock_res_ns,
        },
        live_objects: 0,
    };
    PLATFORM_USER.set(args.user);
    error::clear();
    MOTE_OK
}

/// The `user` pointer of `mote_init_args`, for the callbacks.
pub(crate) struct UserPtr(Global<*mut c_void>);

impl UserPtr {
    fn set(&self, p: *mut c_void) {
        // SAFETY: single-threaded API.
        unsafe { *self.0.get() = p };
    }

    #[cfg_attr(not(any(feature = "aot", feature = "panic-handler")), allow(dead_code))]
    pub(crate) fn get(&self) -> *mut c_void {
        // SAFETY: single-threaded API.
        unsafe { *self.0.get() }
    }
}

pub(crate) static PLATFORM_USER: UserPtr = UserPtr(Global::new(core::ptr::null_mut()));

/// Forgets natives and the arena, so that `mote_init` can run again.
///
/// # Safety
/// No AOT instance may be used afterwards (their natives are gone).
#[cfg_attr(feature = "capi", no_mangle)]
pub unsafe extern "C" fn mote_deinit() -> i32 {
    let rt = match runtime() {
        Ok(rt) => rt,
        Err(code) => return code,
    };
    if rt.live_objects != 0 {
        return fail(
            MOTE_ERR_STATE,
            format_args!(
                "mote_deinit: {} interpreter module(s)/instance(s) not freed",
                rt.live_objects
            ),
        );
    }
    natives::clear();
    crate::arena::ARENA.reset();
    rt.initialised = false;
    error::clear();
    MOTE_OK
}

/// Arena size, current use and high-water mark.
///
/// # Safety
/// `out` is NULL or writable.
#[cfg_attr(feature = "capi", no_mangle)]
pub unsafe extern "C" fn mote_arena_stats(out: *mut mote_arena_usage) -> i32 {
    // SAFETY: `out` is NULL or writable (the contract).
    let Some(out) = (unsafe { out.as_mut() }) else {
        return fail(
            MOTE_ERR_ARGUMENT,
            format_args!("mote_arena_stats: out is NULL"),
        );
    };
    let s = crate::arena::ARENA.stats();
    *out = mote_arena_usage {
        size: s.size,
        used: s.used,
        peak: s.peak,
    };
    MOTE_OK
}

/// Reports an unrecoverable state (arena exhausted inside the interpreter, or a bug) to
/// the embedder's `fatal` callback, then halts: there is no unwinding to return through.
#[cfg(all(feature = "panic-handler", not(feature = "std"), not(test)))]
#[panic_handler]
fn panic(info: &core::panic::PanicInfo<'_>) -> ! {
    error::set(format_args!("fatal: {}", info.message()));
    // SAFETY: single-threaded API; the message buffer is NUL-terminated.
    unsafe {
        if let Some(fatal) = (*RUNTIME.get()).fatal.take() {
            fatal(mote_last_error(), PLATFORM_USER.get());
        }
    }
    loop {
        core::hint::spin_loop();
    }
}

/// On hosted targets the precompiled `core` has unwind tables naming this routine; with
/// `panic = "abort"` nothing unwinds, so it is never called (bare-metal targets build
/// `core` without unwinding and need none).
#[cfg(all(
    feature = "panic-handler",
    not(feature = "std"),
    not(test),
    not(target_os = "none")
))]
#[no_mangle]
pub extern "C" fn rust_eh_personality() {}
