//! What both engines share at the C API: export lookup, typed calls, memory, deinit.
//! An instance pointer starts with a magic word that says which engine made it.

use core::ffi::{c_char, CStr};
use core::fmt;

use mote_core::{Cell, Trap, ValType, Value};

use super::error::fail;
use super::natives::{self, LAST_FAILURE, NATIVE_FAILED};
use super::types::*;
use super::Global;

/// Longest parameter or result list a call through the C API may have.
const MAX_CALL_CELLS: usize = 32;

pub(crate) enum Engine<'a> {
    #[cfg(feature = "aot")]
    Aot(&'a mut super::aot::AotInstance),
    #[cfg(feature = "interp")]
    Interp(&'a mut super::interp::InterpInstance),
    #[allow(dead_code)]
    None(core::marker::PhantomData<&'a ()>),
}

/// Instances with a call in progress, innermost last. A native may call into *other*
/// instances, but not into the one running it: that instance is borrowed by the engine
/// up the stack (its memory is reachable through `mote_exec_memory` instead).
static RUNNING: Global<heapless::Vec<*const mote_instance, 8>> = Global::new(heapless::Vec::new());

fn running(inst: *const mote_instance) -> bool {
    // SAFETY: single-threaded API.
    unsafe { (*RUNNING.get()).contains(&inst) }
}

fn busy() -> i32 {
    fail(
        MOTE_ERR_STATE,
        format_args!("the instance is running (a native may not call back into its own instance)"),
    )
}

/// The engine behind an instance pointer, checked by its magic word.
///
/// # Safety
/// `inst` is NULL or points to at least 4 readable bytes; a pointer with a valid magic
/// is a live instance.
pub(crate) unsafe fn engine<'a>(inst: *const mote_instance) -> Result<Engine<'a>, i32> {
    if inst.is_null() {
        return Err(fail(MOTE_ERR_ARGUMENT, format_args!("instance is NULL")));
    }
    if running(inst) {
        return Err(busy());
    }
    // SAFETY: see above; every instance begins with its `u32` magic.
    let magic = unsafe { inst.cast::<u32>().read() };
    #[cfg(feature = "aot")]
    if magic == super::aot::INSTANCE_MAGIC {
        // SAFETY: the magic says this is a live AOT instance (this function's contract).
        return Ok(Engine::Aot(unsafe { &mut *inst.cast_mut().cast() }));
    }
    #[cfg(feature = "interp")]
    if magic == super::interp::INSTANCE_MAGIC {
        // SAFETY: the magic says this is a live interpreter instance (the contract).
        return Ok(Engine::Interp(unsafe { &mut *inst.cast_mut().cast() }));
    }
    let _ = magic;
    Err(fail(
        MOTE_ERR_ARGUMENT,
        format_args!("not a live mote instance (freed, or another object)"),
    ))
}

/// Records a trap as the last error, naming the native that failed if one did.
pub(crate) fn trap_error(during: &str, trap: Trap) -> i32 {
    if let Trap::Exit(code) = trap {
        return fail(MOTE_ERR_EXIT, format_args!("exit with code {code}"));
    }
    let sep = if during.is_empty() { "" } else { " in " };
    // SAFETY: single-threaded API.
    let failure = unsafe { (*LAST_FAILURE.get()).take() };
    if let (true, Some(f)) = (trap == NATIVE_FAILED, failure) {
        if let Some(n) = natives::all().get(f.native) {
            return fail(
                MOTE_ERR_TRAP,
                format_args!(
                    "wasm trap{sep}{during}: host function failed ({}.{} returned {})",
                    n.module, n.name, f.status
                ),
            );
        }
    }
    fail(
        MOTE_ERR_TRAP,
        format_args!("wasm trap{sep}{during}: {trap}"),
    )
}

struct Types<'a>(&'a [ValType]);

impl fmt::Display for Types<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("(")?;
        for (i, t) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            f.write_str(t.name())?;
        }
        f.write_str(")")
    }
}

fn kind_name(kind: u32) -> &'static str {
    match kind {
        MOTE_I32 => "i32",
        MOTE_I64 => "i64",
        MOTE_F32 => "f32",
        MOTE_F64 => "f64",
        _ => "an unknown kind",
    }
}

fn to_cell(v: &mote_val, ty: ValType) -> Option<Cell> {
    // SAFETY: the union member read is the one `kind` names; all are plain numbers.
    let value = unsafe {
        match (v.kind, ty) {
            (MOTE_I32, ValType::I32) => Value::I32(v.of.i32),
            (MOTE_I64, ValType::I64) => Value::I64(v.of.i64),
            (MOTE_F32, ValType::F32) => Value::F32(v.of.f32.to_bits()),
            (MOTE_F64, ValType::F64) => Value::F64(v.of.f64.to_bits()),
            _ => return None,
        }
    };
    Some(value.to_cell())
}

fn from_cell(cell: Cell, ty: ValType) -> mote_val {
    let (kind, of) = match Value::from_cell(ty, cell) {
        Value::I32(v) => (MOTE_I32, mote_val_of { i32: v }),
        Value::I64(v) => (MOTE_I64, mote_val_of { i64: v }),
        Value::F32(b) => (
            MOTE_F32,
            mote_val_of {
                f32: f32::from_bits(b),
            },
        ),
        Value::F64(b) => (
            MOTE_F64,
            mote_val_of {
                f64: f64::from_bits(b),
            },
        ),
        // `func` lookups refuse these types, so they never reach here.
        _ => (MOTE_I64, mote_val_of { i64: cell as i64 }),
    };
    mote_val {
        kind,
        reserved: 0,
        of,
    }
}

fn c_types(tys: &[ValType]) -> bool {
    tys.iter()
        .all(|t| matches!(t, ValType::I32 | ValType::I64 | ValType::F32 | ValType::F64))
}

/// Checks a function's type for the C API and fills `out`.
fn describe(
    inst: *const mote_instance,
    name: &str,
    index: u32,
    params: &[ValType],
    results: &[ValType],
) -> Result<mote_function, i32> {
    if !c_types(params) || !c_types(results) {
        return Err(fail(
            MOTE_ERR_SIGNATURE,
            format_args!(
                "export `{name}` has type {} -> {}; only i32, i64, f32 and f64 cross the C API",
                Types(params),
                Types(results)
            ),
        ));
    }
    if params.len() > MAX_CALL_CELLS || results.len() > MAX_CALL_CELLS {
        return Err(fail(
            MOTE_ERR_SIGNATURE,
            format_args!("export `{name}` has more than {MAX_CALL_CELLS} parameters or results"),
        ));
    }
    Ok(mote_function {
        instance: inst,
        index,
        param_count: params.len() as u16,
        result_count: results.len() as u16,
    })
}

/// Finds an exported function.
///
/// # Safety
/// `inst` is a live instance, `name` a NUL-terminated string, `out` writable.
#[cfg_attr(feature = "capi", no_mangle)]
pub unsafe extern "C" fn mote_lookup_function(
    inst: *const mote_instance,
    name: *const c_char,
    out: *mut mote_function,
) -> i32 {
    if name.is_null() || out.is_null() {
        return fail(
            MOTE_ERR_ARGUMENT,
            format_args!("mote_lookup_function: name or out is NULL"),
        );
    }
    // SAFETY: `name` is non-NULL (checked above) and NUL-terminated (the contract).
    let Ok(name) = (unsafe { CStr::from_ptr(name) }).to_str() else {
        return fail(
            MOTE_ERR_ARGUMENT,
            format_args!("mote_lookup_function: name is not UTF-8"),
        );
    };
    // SAFETY: `inst` is NULL or an instance (the contract); `engine` checks the rest.
    let engine = match unsafe { engine(inst) } {
        Ok(e) => e,
        Err(code) => return code,
    };
    let found = match engine {
        #[cfg(feature = "aot")]
        Engine::Aot(a) => a.func(name).map(|(i, sig)| match sig {
            Some((p, r)) => describe(inst, name, i, &p, &r),
            None => Err(fail(
                MOTE_ERR_SIGNATURE,
                format_args!(
                    "export `{name}` has more than {MAX_CALL_CELLS} parameters or results"
                ),
            )),
        }),
        #[cfg(feature = "interp")]
        Engine::Interp(i) => i.func(name).map(|(f, p, r)| describe(inst, name, f, p, r)),
        Engine::None(_) => None,
    };
    match found {
        Some(Ok(f)) => {
            // SAFETY: `out` is non-NULL (checked above) and writable (the contract).
            unsafe { *out = f };
            MOTE_OK
        }
        Some(Err(code)) => code,
        None => fail(
            MOTE_ERR_NOT_FOUND,
            format_args!("no exported function `{name}`"),
        ),
    }
}

/// Checks the arguments against `params` and puts them into cells.
fn prepare(
    params: &[ValType],
    results: &[ValType],
    args: &[mote_val],
    nresults: usize,
    cells: &mut [Cell; MAX_CALL_CELLS],
) -> Result<usize, i32> {
    let mismatch = || {
        fail(
            MOTE_ERR_SIGNATURE,
            format_args!(
                "function has type {} -> {}; called with {} argument(s) and room for {} result(s)",
                Types(params),
                Types(results),
                args.len(),
                nresults
            ),
        )
    };
    if args.len() != params.len() || nresults != results.len() {
        return Err(mismatch());
    }
    for (i, (a, t)) in args.iter().zip(params).enumerate() {
        cells[i] = to_cell(a, *t).ok_or_else(|| {
            fail(
                MOTE_ERR_SIGNATURE,
                format_args!(
                    "argument {i} is {}, the function wants {}",
                    kind_name(a.kind),
                    t.name()
                ),
            )
        })?;
    }
    Ok(params.len().max(results.len()))
}

/// Calls an exported function with typed values.
///
/// # Safety
/// `inst` is a live instance; `args` holds `nargs` values and `results` room for
/// `nresults` (either may be NULL when its count is 0).
#[cfg_attr(feature = "capi", no_mangle)]
pub unsafe extern "C" fn mote_call(
    inst: *mut mote_instance,
    func: mote_function,
    args: *const mote_val,
    nargs: u32,
    results: *mut mote_val,
    nresults: u32,
) -> i32 {
    if (args.is_null() && nargs != 0) || (results.is_null() && nresults != 0) {
        return fail(
            MOTE_ERR_ARGUMENT,
            format_args!("mote_call: args or results is NULL"),
        );
    }
    if func.instance != inst.cast_const() {
        return fail(
            MOTE_ERR_ARGUMENT,
            format_args!("mote_call: the function was looked up in another instance"),
        );
    }
    let args: &[mote_val] = if nargs == 0 {
        &[]
    } else {
        // SAFETY: `args` holds `nargs` values (the contract); NULL only when `nargs` is 0.
        unsafe { core::slice::from_raw_parts(args, nargs as usize) }
    };
    // SAFETY: `inst` is NULL or an instance (the contract); `engine` checks the rest.
    let engine = match unsafe { engine(inst) } {
        Ok(e) => e,
        Err(code) => return code,
    };
    let mut cells = [0 as Cell; MAX_CALL_CELLS];
    // SAFETY: single-threaded API.
    unsafe { *LAST_FAILURE.get() = None };
    let no_such = || {
        fail(
            MOTE_ERR_ARGUMENT,
            format_args!("mote_call: no such function"),
        )
    };
    // SAFETY: single-threaded API; no reference to the stack is held across the call,
    // which may nest (a native calling another instance).
    if unsafe { (*RUNNING.get()).push(inst.cast_const()) }.is_err() {
        return fail(
            MOTE_ERR_STATE,
            format_args!("calls from natives into other instances nest too deeply"),
        );
    }
    let result = call_engine(engine, func, args, nresults, &mut cells, no_such);
    // SAFETY: as above.
    unsafe { (*RUNNING.get()).pop() };
    let (res, outcome) = match result {
        Ok(r) => r,
        Err(code) => return code,
    };
    match outcome {
        Ok(()) => {
            for (k, ty) in res.iter().enumerate() {
                // SAFETY: `results` has room for `nresults == res.len()` values.
                unsafe { results.add(k).write(from_cell(cells[k], *ty)) };
            }
            MOTE_OK
        }
        Err(trap) => trap_error("", trap),
    }
}

type Outcome = (Sig, Result<(), Trap>);

/// Checks the arguments, runs the call, and returns the result types with the outcome.
fn call_engine(
    engine: Engine<'_>,
    func: mote_function,
    args: &[mote_val],
    nresults: u32,
    cells: &mut [Cell; MAX_CALL_CELLS],
    no_such: impl Fn() -> i32,
) -> Result<Outcome, i32> {
    Ok(match engine {
        #[cfg(feature = "aot")]
        Engine::Aot(a) => {
            let Some((params, res)) = a.sig(func.index) else {
                return Err(no_such());
            };
            let n = prepare(&params, &res, args, nresults as usize, cells)?;
            (res, a.call(func.index, &mut cells[..n]))
        }
        #[cfg(feature = "interp")]
        Engine::Interp(i) => {
            let sig = i.sig(func.index).filter(|_| i.owns(func.index));
            let Some((params, res)) = sig.and_then(copy_sig) else {
                return Err(no_such());
            };
            let n = prepare(&params, &res, args, nresults as usize, cells)?;
            (res, i.call(func.index, &mut cells[..n]))
        }
        Engine::None(_) => return Err(no_such()),
    })
}

pub(crate) type Sig = heapless::Vec<ValType, MAX_CALL_CELLS>;

/// A function type copied out of the instance, so the call may borrow it mutably.
#[cfg(feature = "interp")]
fn copy_sig((p, r): (&[ValType], &[ValType])) -> Option<(Sig, Sig)> {
    Some((Sig::from_slice(p).ok()?, Sig::from_slice(r).ok()?))
}

/// The instance's linear memory 0.
///
/// # Safety
/// `inst` is a live instance; `len` is NULL or writable.
#[cfg_attr(feature = "capi", no_mangle)]
pub unsafe extern "C" fn mote_memory(inst: *mut mote_instance, len: *mut usize) -> *mut u8 {
    // SAFETY: `inst` is NULL or an instance (the contract); `engine` checks the rest.
    let mem: &mut [u8] = match unsafe { engine(inst) } {
        #[cfg(feature = "aot")]
        Ok(Engine::Aot(a)) => a.memory(),
        #[cfg(feature = "interp")]
        Ok(Engine::Interp(i)) => i.memory(),
        _ => &mut [],
    };
    // SAFETY: `len` is NULL or writable (the contract).
    if let Some(len) = unsafe { len.as_mut() } {
        *len = mem.len();
    }
    if mem.is_empty() {
        core::ptr::null_mut()
    } else {
        mem.as_mut_ptr()
    }
}

/// Sets the instance's fuel budget (`mote_core::fuel`); calls then consume it and trap
/// with "all fuel consumed" when it runs out (the remainder is kept: set more and call
/// again). AOT code must be compiled with `aotc --fuel`, else calls fail.
///
/// # Safety
/// `inst` is a live instance.
#[cfg_attr(feature = "capi", no_mangle)]
pub unsafe extern "C" fn mote_set_fuel(inst: *mut mote_instance, fuel: u64) -> i32 {
    // SAFETY: `inst` is NULL or an instance (the contract); `engine` checks the rest.
    match unsafe { engine(inst) } {
        #[cfg(feature = "aot")]
        Ok(Engine::Aot(a)) => a.set_fuel(fuel),
        #[cfg(feature = "interp")]
        Ok(Engine::Interp(i)) => i.set_fuel(fuel),
        Ok(Engine::None(_)) => {}
        Err(code) => return code,
    }
    MOTE_OK
}

/// Deterministic mode (`mote_core::nan`): NaN results are canonicalised, so results and
/// fuel counts are bit-identical on every engine. Interpreter instances switch it on or
/// off; AOT code has it compiled in (`aotc --deterministic`): turning it on for code
/// without it is `MOTE_ERR_STATE`, never a silent run.
///
/// # Safety
/// `inst` is a live instance.
#[cfg_attr(feature = "capi", no_mangle)]
pub unsafe extern "C" fn mote_set_deterministic(inst: *mut mote_instance, on: bool) -> i32 {
    // SAFETY: `inst` is NULL or an instance (the contract); `engine` checks the rest.
    match unsafe { engine(inst) } {
        #[cfg(feature = "aot")]
        Ok(Engine::Aot(a)) => {
            if on && !a.deterministic() {
                return fail(
                    MOTE_ERR_STATE,
                    format_args!("{}", mote_core::nan::NOT_DETERMINISTIC_AOT),
                );
            }
        }
        #[cfg(feature = "interp")]
        Ok(Engine::Interp(i)) => i.set_deterministic(on),
        Ok(Engine::None(_)) => {}
        Err(code) => return code,
    }
    MOTE_OK
}

/// Writes the instance's fuel left to `*fuel`; `MOTE_ERR_STATE` if no budget was set.
///
/// # Safety
/// `inst` is a live instance; `fuel` is writable.
#[cfg_attr(feature = "capi", no_mangle)]
pub unsafe extern "C" fn mote_get_fuel(inst: *mut mote_instance, fuel: *mut u64) -> i32 {
    if fuel.is_null() {
        return fail(
            MOTE_ERR_ARGUMENT,
            format_args!("mote_get_fuel: fuel is NULL"),
        );
    }
    // SAFETY: `inst` is NULL or an instance (the contract); `engine` checks the rest.
    let left = match unsafe { engine(inst) } {
        #[cfg(feature = "aot")]
        Ok(Engine::Aot(a)) => a.fuel(),
        #[cfg(feature = "interp")]
        Ok(Engine::Interp(i)) => i.fuel(),
        Ok(Engine::None(_)) => None,
        Err(code) => return code,
    };
    match left {
        Some(left) => {
            // SAFETY: `fuel` is writable (the contract) and not NULL (checked above).
            unsafe { fuel.write(left) };
            MOTE_OK
        }
        None => fail(
            MOTE_ERR_STATE,
            format_args!("mote_get_fuel: no fuel budget was set"),
        ),
    }
}

/// Stops the instance's running code with "execution interrupted" at its next function
/// entry or loop header (or its next call, if none runs); the trap clears the request.
/// Callable from another thread, a signal handler or an ISR: it only reads the instance's
/// magic word and stores to its flag. Interpreter instances always check; AOT code must
/// be compiled with `aotc --interruptible` (else `MOTE_ERR_STATE`).
///
/// # Safety
/// `inst` is a live instance.
#[cfg_attr(feature = "capi", no_mangle)]
pub unsafe extern "C" fn mote_interrupt(inst: *mut mote_instance) -> i32 {
    use core::sync::atomic::Ordering;
    if inst.is_null() {
        return MOTE_ERR_ARGUMENT;
    }
    // Not through `engine`, which records errors and refuses running instances: this
    // must stay a plain load and an atomic store.
    // SAFETY: a live instance (the contract) begins with its `u32` magic.
    let magic = unsafe { inst.cast::<u32>().read() };
    #[cfg(feature = "aot")]
    if magic == super::aot::INSTANCE_MAGIC {
        // SAFETY: the magic says this is a live AOT instance; only shared access.
        let a = unsafe { &*inst.cast_const().cast::<super::aot::AotInstance>() };
        if !a.interruptible() {
            return MOTE_ERR_STATE;
        }
        a.interrupt.store(1, Ordering::Relaxed);
        return MOTE_OK;
    }
    #[cfg(feature = "interp")]
    if magic == super::interp::INSTANCE_MAGIC {
        // SAFETY: the magic says this is a live interpreter instance; only shared access.
        let i = unsafe { &*inst.cast_const().cast::<super::interp::InterpInstance>() };
        i.interrupt.store(1, Ordering::Relaxed);
        return MOTE_OK;
    }
    let _ = magic;
    MOTE_ERR_ARGUMENT
}

/// The Wasm call stack of the instance's last call that trapped, innermost frame
/// first: writes the first `min(cap, *count)` frames to `out`, the number of frames
/// kept to `*count` and the number of deeper frames only counted to `*omitted` (a deep
/// recursion). Names point into the instance (AOT: into the file) and stay valid until
/// its next call. No trap, or a build without the `backtrace` feature: 0 frames.
///
/// # Safety
/// `inst` is a live instance; `out` has room for `cap` frames (or `cap` is 0); `count`
/// and `omitted` are writable.
#[cfg_attr(feature = "capi", no_mangle)]
pub unsafe extern "C" fn mote_trap_backtrace(
    inst: *mut mote_instance,
    out: *mut mote_frame,
    cap: u32,
    count: *mut u32,
    omitted: *mut u32,
) -> i32 {
    if count.is_null() || omitted.is_null() || (out.is_null() && cap > 0) {
        return fail(
            MOTE_ERR_ARGUMENT,
            format_args!("mote_trap_backtrace: out, count or omitted is NULL"),
        );
    }
    // SAFETY: `inst` is NULL or an instance (the contract); `engine` checks the rest.
    let engine = match unsafe { engine(inst) } {
        Ok(e) => e,
        Err(code) => return code,
    };
    // SAFETY: `out` has room for `cap` frames (the contract).
    let (kept, deeper) = unsafe { fill_backtrace(engine, out, cap) };
    // SAFETY: both are writable (the contract) and not NULL (checked above).
    unsafe {
        count.write(kept);
        omitted.write(u32::try_from(deeper).unwrap_or(u32::MAX));
    }
    MOTE_OK
}

/// Writes the first `cap` frames of the instance's last trap to `out`; the frames kept
/// and the deeper frames only counted.
///
/// # Safety
/// `out` has room for `cap` frames.
#[cfg(feature = "backtrace")]
unsafe fn fill_backtrace(engine: Engine<'_>, out: *mut mote_frame, cap: u32) -> (u32, usize) {
    let mut kept = 0u32;
    let mut emit = |frame: &mote_core::backtrace::Frame, name: Option<&str>| {
        if kept < cap {
            let frame = mote_frame {
                func_index: frame.func_index,
                wasm_offset: frame.wasm_offset.unwrap_or(MOTE_NO_OFFSET),
                name: name.map_or(core::ptr::null(), str::as_ptr),
                name_len: name.map_or(0, str::len),
            };
            // SAFETY: `kept < cap` and `out` has room for `cap` frames (the contract).
            unsafe { out.add(kept as usize).write(frame) };
        }
        kept += 1;
    };
    let deeper = match engine {
        #[cfg(feature = "aot")]
        Engine::Aot(a) => {
            let inst = a.instance();
            for frame in inst.backtrace() {
                emit(frame, inst.func_name(frame.func_index));
            }
            inst.backtrace_omitted()
        }
        #[cfg(feature = "interp")]
        Engine::Interp(i) => match i.trap_backtrace() {
            Some(trace) => {
                for (k, frame) in trace.frames().iter().enumerate() {
                    emit(frame, trace.func_name(k));
                }
                trace.omitted()
            }
            None => 0,
        },
        Engine::None(_) => 0,
    };
    (kept, deeper)
}

/// Without backtraces (feature `backtrace`), no trap has frames.
///
/// # Safety
/// Nothing is written.
#[cfg(not(feature = "backtrace"))]
unsafe fn fill_backtrace(_: Engine<'_>, _: *mut mote_frame, _: u32) -> (u32, usize) {
    (0, 0)
}

/// Ends an instance. Interpreter instances return their memory to the arena; AOT
/// instances hand their buffers back to the caller.
///
/// # Safety
/// `inst` is a live instance and is not used afterwards.
#[cfg_attr(feature = "capi", no_mangle)]
pub unsafe extern "C" fn mote_instance_deinit(inst: *mut mote_instance) -> i32 {
    // SAFETY: `inst` is NULL or an instance (the contract); `engine` checks the rest.
    let r = match unsafe { engine(inst) } {
        #[cfg(feature = "aot")]
        Ok(Engine::Aot(a)) => {
            a.deinit();
            Ok(())
        }
        #[cfg(feature = "interp")]
        // SAFETY: a live interpreter instance (its magic), not used after this call (the contract).
        Ok(Engine::Interp(i)) => unsafe { super::interp::InterpInstance::free(i) },
        Ok(Engine::None(_)) => Ok(()),
        Err(code) => Err(code),
    };
    match r {
        Ok(()) => MOTE_OK,
        Err(code) => code,
    }
}
