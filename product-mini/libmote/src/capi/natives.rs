//! The native (host function) registry: a fixed-capacity static table, no heap. Both
//! engines call natives through `call`, which hands the C function a `mote_exec_env`.

use core::ffi::{c_char, c_void, CStr};

use heapless::{String, Vec};
use mote_core::{Cell, Trap, ValType};

use super::error::fail;
use super::types::*;
use super::Global;

/// Most parameters (and, separately, results) a native signature may have.
pub(crate) const MAX_ARITY: usize = 16;

pub(crate) struct Native {
    pub module: String<MOTE_MAX_NAME>,
    pub name: String<MOTE_MAX_NAME>,
    pub params: Vec<ValType, MAX_ARITY>,
    pub results: Vec<ValType, MAX_ARITY>,
    pub func: mote_native_fn,
    pub user: *mut c_void,
}

/// Registered natives. Entries are never removed except by `mote_deinit`, and never move
/// (the vector is inline in a static), so instances may keep pointers to them.
static NATIVES: Global<Vec<Native, MOTE_MAX_NATIVES>> = Global::new(Vec::new());

/// The registered natives, in registration order.
pub(crate) fn all() -> &'static [Native] {
    // SAFETY: single-threaded API; registration only appends or rewrites in place.
    unsafe { &*NATIVES.get() }
}

pub(crate) fn clear() {
    // SAFETY: single-threaded API; `mote_deinit` documents that instances are dead.
    unsafe { (*NATIVES.get()).clear() };
}

/// Parses a WAMR-style signature: `(ii)i`, `()`, `(IfF)F`.
pub(crate) fn parse_signature(
    sig: &str,
) -> Result<(Vec<ValType, MAX_ARITY>, Vec<ValType, MAX_ARITY>), &'static str> {
    let rest = sig.strip_prefix('(').ok_or("a signature starts with '('")?;
    let (params, results) = rest
        .split_once(')')
        .ok_or("a signature needs ')' after the parameters")?;
    let types = |s: &str| -> Result<Vec<ValType, MAX_ARITY>, &'static str> {
        let mut v = Vec::new();
        for c in s.chars() {
            let t = match c {
                'i' => ValType::I32,
                'I' => ValType::I64,
                'f' => ValType::F32,
                'F' => ValType::F64,
                _ => return Err("signature characters are i (i32), I (i64), f (f32), F (f64)"),
            };
            v.push(t)
                .map_err(|_| "more than 16 parameters or results in a signature")?;
        }
        Ok(v)
    };
    Ok((types(params)?, types(results)?))
}

/// A C string as `&str`, or why not.
unsafe fn c_str<'a>(p: *const c_char, what: &str) -> Result<&'a str, i32> {
    if p.is_null() {
        return Err(fail(
            MOTE_ERR_ARGUMENT,
            format_args!("mote_register_natives: {what} is NULL"),
        ));
    }
    // SAFETY: the caller passes NUL-terminated strings.
    unsafe { CStr::from_ptr(p) }.to_str().map_err(|_| {
        fail(
            MOTE_ERR_ARGUMENT,
            format_args!("mote_register_natives: {what} is not UTF-8"),
        )
    })
}

fn name(s: &str, what: &str) -> Result<String<MOTE_MAX_NAME>, i32> {
    String::try_from(s).map_err(|_| {
        fail(
            MOTE_ERR_ARGUMENT,
            format_args!(
                "mote_register_natives: {what} `{s}` is longer than {MOTE_MAX_NAME} bytes"
            ),
        )
    })
}

/// Registers `natives[0..n]` under `module`. All entries are checked before any is added,
/// so a failure leaves the registry as it was.
///
/// # Safety
/// `module` is a NUL-terminated string and `natives` points to `n` entries whose strings
/// are NUL-terminated.
#[cfg_attr(feature = "capi", no_mangle)]
pub unsafe extern "C" fn mote_register_natives(
    module: *const c_char,
    natives: *const mote_native,
    n: u32,
) -> i32 {
    // SAFETY: the contract is `register`'s.
    match unsafe { register(module, natives, n) } {
        Ok(()) => MOTE_OK,
        Err(code) => code,
    }
}

unsafe fn register(module: *const c_char, natives: *const mote_native, n: u32) -> Result<(), i32> {
    super::runtime()?;
    // SAFETY: `module` is NULL or NUL-terminated (the contract); `c_str` checks NULL.
    let module = name(unsafe { c_str(module, "module")? }, "module name")?;
    if natives.is_null() && n != 0 {
        return Err(fail(
            MOTE_ERR_ARGUMENT,
            format_args!("mote_register_natives: natives is NULL"),
        ));
    }
    // SAFETY: single-threaded API.
    let table = unsafe { &mut *NATIVES.get() };
    let mut new = 0;
    for i in 0..n as usize {
        // SAFETY: `natives` holds `n` entries.
        let nat = unsafe { &*natives.add(i) };
        // SAFETY: each entry's strings are NULL or NUL-terminated (the contract).
        let nm = unsafe { c_str(nat.name, "a native's name")? };
        // SAFETY: as for the name.
        let sig = unsafe { c_str(nat.signature, "a native's signature")? };
        name(nm, "function name")?;
        if let Err(why) = parse_signature(sig) {
            return Err(fail(
                MOTE_ERR_ARGUMENT,
                format_args!("native `{module}.{nm}`: bad signature \"{sig}\": {why}"),
            ));
        }
        if nat.func.is_none() {
            return Err(fail(
                MOTE_ERR_ARGUMENT,
                format_args!("native `{module}.{nm}`: fn is NULL"),
            ));
        }
        if !table.iter().any(|e| e.module == module && e.name == nm) {
            new += 1;
        }
    }
    if table.len() + new > MOTE_MAX_NATIVES {
        return Err(fail(
            MOTE_ERR_FULL,
            format_args!(
                "mote_register_natives: more than MOTE_MAX_NATIVES ({MOTE_MAX_NATIVES}) natives"
            ),
        ));
    }
    for i in 0..n as usize {
        // SAFETY: as above; every entry was checked.
        let nat = unsafe { &*natives.add(i) };
        // SAFETY: as above.
        let nm = unsafe { c_str(nat.name, "a native's name")? };
        // SAFETY: as for the name.
        let sig = unsafe { c_str(nat.signature, "a native's signature")? };
        let (params, results) = parse_signature(sig).map_err(|_| MOTE_ERR_ARGUMENT)?;
        let entry = Native {
            module: module.clone(),
            name: name(nm, "function name")?,
            params,
            results,
            func: nat.func.ok_or(MOTE_ERR_ARGUMENT)?,
            user: nat.user,
        };
        let index = match table
            .iter()
            .position(|e| e.module == module && e.name == nm)
        {
            Some(i) => {
                table[i] = entry;
                i
            }
            None => {
                table.push(entry).map_err(|_| MOTE_ERR_FULL)?;
                table.len() - 1
            }
        };
        #[cfg(feature = "aot")]
        super::aot::host_updated(index);
        #[cfg(not(feature = "aot"))]
        let _ = index;
    }
    Ok(())
}

/// What a native's `mote_exec_env *` points to: the calling engine's view of its instance.
pub(crate) enum Env<'a, 'b> {
    #[cfg(feature = "aot")]
    Aot(&'a mut crate::bare::HostCall<'b>),
    #[cfg(feature = "interp")]
    Interp(&'a mut mote_core::runtime::Caller<'b>),
    #[allow(dead_code)]
    None(core::marker::PhantomData<(&'a (), &'b ())>),
}

impl Env<'_, '_> {
    fn memory(&mut self) -> &mut [u8] {
        match self {
            #[cfg(feature = "aot")]
            Env::Aot(call) => call.memory(),
            #[cfg(feature = "interp")]
            Env::Interp(caller) => match caller.memory() {
                Some(m) => m.data_mut(),
                None => &mut [],
            },
            Env::None(_) => &mut [],
        }
    }
}

/// The text of the last native failure (module, name, status), for the trap message.
pub(crate) struct Failure {
    pub native: usize,
    pub status: i32,
}

pub(crate) static LAST_FAILURE: Global<Option<Failure>> = Global::new(None);

/// The trap a failing native raises; the C API adds which native from `LAST_FAILURE`.
pub(crate) const NATIVE_FAILED: Trap = Trap::Host("host function failed");

/// Calls native `index` with `cells` (arguments in, results out).
pub(crate) fn call(index: usize, mut env: Env<'_, '_>, cells: &mut [Cell]) -> Result<(), Trap> {
    let Some(nat) = all().get(index) else {
        return Err(Trap::Host("native function was unregistered"));
    };
    let needed = nat.params.len().max(nat.results.len());
    if cells.len() < needed {
        return Err(Trap::Host("native called with too few cells"));
    }
    let env_ptr = (&raw mut env).cast::<mote_exec_env>();
    // SAFETY: the C function receives the cells the engine gave us and the env above,
    // both valid for the call.
    let status = unsafe { (nat.func)(env_ptr, cells.as_mut_ptr(), nat.user) };
    if status == 0 {
        Ok(())
    } else {
        // SAFETY: single-threaded API.
        unsafe {
            *LAST_FAILURE.get() = Some(Failure {
                native: index,
                status,
            })
        };
        Err(NATIVE_FAILED)
    }
}

/// The calling instance's linear memory.
///
/// # Safety
/// `env` is the pointer a native received, used during that call; `len` is NULL or
/// writable.
#[cfg_attr(feature = "capi", no_mangle)]
pub unsafe extern "C" fn mote_exec_memory(env: *mut mote_exec_env, len: *mut usize) -> *mut u8 {
    // SAFETY: `env` is the pointer a native received, during that call (the contract).
    let (ptr, n) = match unsafe { env.cast::<Env<'_, '_>>().as_mut() } {
        Some(env) => {
            let m = env.memory();
            (m.as_mut_ptr(), m.len())
        }
        None => (core::ptr::null_mut(), 0),
    };
    // SAFETY: `len` is NULL or writable (the contract).
    if let Some(len) = unsafe { len.as_mut() } {
        *len = n;
    }
    if n == 0 {
        core::ptr::null_mut()
    } else {
        ptr
    }
}
