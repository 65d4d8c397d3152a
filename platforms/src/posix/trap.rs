//! Faults in generated code as traps, and the native stack limit (see `csrc/trap.c`).

use core::ffi::c_void;

extern "C" {
    fn mote_register_reservation(start: *mut c_void, len: usize) -> i32;
    fn mote_unregister_reservation(slot: i32);
    fn mote_install_trap_handler() -> i32;
    fn mote_call_guarded(
        f: unsafe extern "C" fn(*mut c_void, *mut c_void),
        ctx: *mut c_void,
        cells: *mut c_void,
        fault: *mut usize,
    ) -> i32;
    fn mote_stack_low() -> usize;
}

pub(crate) fn register(start: *mut u8, len: usize) -> i32 {
    // SAFETY: the C side only records the range.
    unsafe { mote_register_reservation(start.cast(), len) }
}

pub(crate) fn unregister(slot: i32) {
    // SAFETY: unknown slots are ignored.
    unsafe { mote_unregister_reservation(slot) }
}

/// Installs the SIGSEGV/SIGBUS handler (once per process). Faults at addresses outside
/// every registered reservation, or outside `call_guarded`, keep their previous
/// disposition.
pub fn install_handler() -> bool {
    // SAFETY: installs a handler that only touches async-signal-safe state.
    unsafe { mote_install_trap_handler() == 0 }
}

/// Calls `f(ctx, cells)`; `Err(address)` if a fault inside a guard reservation stopped
/// it.
///
/// # Safety
/// `f` must be safe to call with these arguments, and everything between this frame and
/// a faulting instruction must be generated code (no Rust frames with destructors): the
/// recovery jumps over those frames.
pub unsafe fn call_guarded(
    f: unsafe extern "C" fn(*mut c_void, *mut c_void),
    ctx: *mut c_void,
    cells: *mut c_void,
) -> Result<(), usize> {
    let mut fault = 0usize;
    // SAFETY: the caller's contract (above) is the C function's; `fault` outlives the call.
    if unsafe { mote_call_guarded(f, ctx, cells, &mut fault) } == 0 {
        Ok(())
    } else {
        Err(fault)
    }
}

/// Lowest address of the calling thread's stack (`pthread_getattr_np`), if known.
pub fn stack_low() -> Option<usize> {
    // SAFETY: no preconditions.
    let low = unsafe { mote_stack_low() };
    (low != 0).then_some(low)
}

/// A native stack limit for generated code on this thread: `reserve` bytes above the
/// lowest stack address, so helpers and host functions called from a frame that passed
/// the check still have room. Falls back to `current sp - fallback_budget`.
pub fn stack_limit(reserve: usize, fallback_budget: usize) -> usize {
    match stack_low() {
        Some(low) => low + reserve,
        None => {
            let here = 0u8;
            (&here as *const u8 as usize).saturating_sub(fallback_budget)
        }
    }
}
