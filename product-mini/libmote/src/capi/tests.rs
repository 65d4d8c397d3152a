//! The C API driven from Rust (std build): the same calls a C program makes.

// The calls below are the C API's, made as a C program makes them: every pointer is a
// live object the test just created or a buffer it owns, which is the whole contract of
// each call; a comment per call would repeat that.
#![allow(clippy::undocumented_unsafe_blocks)]

use core::ffi::{c_void, CStr};
use std::sync::Mutex;

use super::*;

/// The API's state is global: one test at a time.
static SERIAL: Mutex<()> = Mutex::new(());

fn last_error() -> String {
    unsafe { CStr::from_ptr(mote_last_error()) }
        .to_str()
        .unwrap()
        .to_owned()
}

fn init() -> std::sync::MutexGuard<'static, ()> {
    let guard = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let args = mote_init_args {
        protect: None,
        clock: None,
        random: None,
        user: core::ptr::null_mut(),
        arena: core::ptr::null_mut(),
        arena_len: 0,
        interp_stack_bytes: 0,
        native_stack_bytes: 0,
        fatal: None,
        write: None,
        sleep: None,
        clock_res_ns: 0,
        reserved: 0,
    };
    assert_eq!(unsafe { mote_init(&args) }, MOTE_OK, "{}", last_error());
    guard
}

fn deinit() {
    assert_eq!(unsafe { mote_deinit() }, MOTE_OK, "{}", last_error());
}

unsafe extern "C" fn add(_: *mut mote_exec_env, cells: *mut u64, user: *mut c_void) -> i32 {
    let seen = unsafe { &*(user as *const core::sync::atomic::AtomicU32) };
    seen.fetch_add(1, core::sync::atomic::Ordering::Relaxed);
    let c = unsafe { core::slice::from_raw_parts_mut(cells, 2) };
    c[0] = u64::from((c[0] as u32).wrapping_add(c[1] as u32));
    0
}

/// Copies the guest string (ptr, len) into a buffer reachable from the test.
unsafe extern "C" fn shout(env: *mut mote_exec_env, cells: *mut u64, user: *mut c_void) -> i32 {
    let out = unsafe { &mut *(user as *mut Vec<u8>) };
    let c = unsafe { core::slice::from_raw_parts(cells, 2) };
    let mut len = 0;
    let mem = unsafe { mote_exec_memory(env, &mut len) };
    let (ptr, n) = (c[0] as usize, c[1] as usize);
    if mem.is_null() || ptr + n > len {
        return 1;
    }
    out.extend_from_slice(unsafe { core::slice::from_raw_parts(mem.add(ptr), n) });
    0
}

// Only the interpreter test re-enters.
#[cfg_attr(not(feature = "interp"), allow(dead_code))]
struct Reenter {
    inst: *mut mote_instance,
    rc: i32,
    message: String,
}

/// Calls back into the instance running it, which must be refused.
#[cfg_attr(not(feature = "interp"), allow(dead_code))]
unsafe extern "C" fn reenter(_: *mut mote_exec_env, _: *mut u64, user: *mut c_void) -> i32 {
    let r = unsafe { &mut *(user as *mut Reenter) };
    let mut f = mote_function {
        instance: core::ptr::null(),
        index: 0,
        param_count: 0,
        result_count: 0,
    };
    r.rc = unsafe { mote_lookup_function(r.inst, c"greet".as_ptr(), &mut f) };
    r.message = last_error();
    0
}

unsafe extern "C" fn fails(_: *mut mote_exec_env, _: *mut u64, _: *mut c_void) -> i32 {
    3
}

fn native(
    name: &'static CStr,
    sig: &'static CStr,
    f: mote_native_fn,
    user: *mut c_void,
) -> mote_native {
    mote_native {
        name: name.as_ptr(),
        signature: sig.as_ptr(),
        func: Some(f),
        user,
    }
}

const GUEST: &str = r#"(module
  (import "env" "add" (func $add (param i32 i32) (result i32)))
  (import "env" "shout" (func $shout (param i32 i32)))
  (import "env" "fails" (func $fails))
  (import "env" "reenter" (func $reenter))
  (memory (export "memory") 1)
  (data (i32.const 32) "hi there")
  (func (export "sum3") (param i32 i32 i32) (result i32)
    (call $add (call $add (local.get 0) (local.get 1)) (local.get 2)))
  (func (export "greet") (call $shout (i32.const 32) (i32.const 8)))
  (func (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
  $WIDE
  (func (export "host_fails") (call $fails))
  (func (export "reenter") (call $reenter)))"#;

/// GUEST's float function, left out without `float` (the interpreter then has no float
/// instructions; whether loading refuses it depends on mote-core's `float`, which the
/// dev-dependency on mote-aotc turns on in test builds).
const WIDE: &str = r#"(func (export "wide") (param i64 f32 f64) (result f64)
    (f64.add (f64.add (f64.convert_i64_s (local.get 0)) (f64.promote_f32 (local.get 1)))
             (local.get 2)))
  (func (export "nan") (param f32) (result f32) (f32.add (local.get 0) (f32.const 1)))"#;

/// GUEST, with `wide` if `with_wide`.
fn guest(with_wide: bool) -> Vec<u8> {
    let wide = if with_wide { WIDE } else { "" };
    wat::parse_str(GUEST.replace("$WIDE", wide)).unwrap()
}

fn i32v(v: i32) -> mote_val {
    mote_val {
        kind: MOTE_I32,
        reserved: 0,
        of: mote_val_of { i32: v },
    }
}

fn call(
    inst: *mut mote_instance,
    name: &CStr,
    args: &[mote_val],
    nres: usize,
) -> Result<Vec<mote_val>, (i32, String)> {
    let mut f = mote_function {
        instance: core::ptr::null(),
        index: 0,
        param_count: 0,
        result_count: 0,
    };
    let rc = unsafe { mote_lookup_function(inst, name.as_ptr(), &mut f) };
    if rc != MOTE_OK {
        return Err((rc, last_error()));
    }
    let mut out = vec![i32v(0); nres];
    let rc = unsafe {
        mote_call(
            inst,
            f,
            args.as_ptr(),
            args.len() as u32,
            out.as_mut_ptr(),
            nres as u32,
        )
    };
    if rc != MOTE_OK {
        return Err((rc, last_error()));
    }
    Ok(out)
}

/// The frames `mote_trap_backtrace` reports, with their names, and the omitted count.
fn backtrace(inst: *mut mote_instance) -> (Vec<(u32, u32, Option<String>)>, u32) {
    let mut frames = [mote_frame {
        func_index: 0,
        wasm_offset: 0,
        name: core::ptr::null(),
        name_len: 0,
    }; 4];
    let (mut count, mut omitted) = (0, 0);
    let rc = unsafe { mote_trap_backtrace(inst, frames.as_mut_ptr(), 4, &mut count, &mut omitted) };
    assert_eq!(rc, MOTE_OK, "{}", last_error());
    let rows = frames[..count.min(4) as usize]
        .iter()
        .map(|f| {
            let name = (!f.name.is_null()).then(|| {
                // SAFETY: `name_len` bytes of the instance's name, valid until its next call.
                let bytes = unsafe { core::slice::from_raw_parts(f.name, f.name_len) };
                String::from_utf8(bytes.to_vec()).unwrap()
            });
            (f.func_index, f.wasm_offset, name)
        })
        .collect();
    (rows, omitted)
}

/// The offset of the first instruction `is` picks in function body `defined` of `wasm`.
fn offset_in(wasm: &[u8], defined: usize, is: fn(&wasmparser::Operator<'_>) -> bool) -> u32 {
    let body = wasmparser::Parser::new(0)
        .parse_all(wasm)
        .filter_map(|p| match p.unwrap() {
            wasmparser::Payload::CodeSectionEntry(body) => Some(body),
            _ => None,
        })
        .nth(defined)
        .unwrap();
    let mut ops = body.get_operators_reader().unwrap();
    loop {
        let (op, offset) = ops.read_with_offset().unwrap();
        if is(&op) {
            return offset as u32;
        }
    }
}

/// After `div(1, 0)`: one frame, `div` (function 6, unnamed) at its `i32.div_s`.
fn check_div_backtrace(inst: *mut mote_instance, wasm: &[u8]) {
    if !cfg!(feature = "backtrace") {
        return;
    }
    let div = offset_in(wasm, 2, |op| matches!(op, wasmparser::Operator::I32DivS));
    assert_eq!(backtrace(inst), (vec![(6, div, None)], 0));
}

/// After `host_fails`: one frame, at its call of the import.
fn check_host_fails_backtrace(inst: *mut mote_instance, wasm: &[u8]) {
    if !cfg!(feature = "backtrace") {
        return;
    }
    // After sum3, greet, div and (with floats) WIDE's `wide` and `nan`.
    let defined = if cfg!(feature = "float") { 5 } else { 3 };
    let at = offset_in(wasm, defined, |op| {
        matches!(op, wasmparser::Operator::Call { .. })
    });
    assert_eq!(backtrace(inst), (vec![(4 + defined as u32, at, None)], 0));
}

/// After a call that returned: no frames.
fn check_no_backtrace(inst: *mut mote_instance) {
    assert_eq!(backtrace(inst), (vec![], 0));
}

#[cfg(feature = "interp")]
#[test]
fn interpreter_module_end_to_end() {
    let _g = init();
    let seen = core::sync::atomic::AtomicU32::new(0);
    let mut said: Vec<u8> = Vec::new();
    let mut re = Reenter {
        inst: core::ptr::null_mut(),
        rc: 0,
        message: String::new(),
    };
    let natives = [
        native(c"reenter", c"()", reenter, (&raw mut re).cast()),
        native(c"add", c"(ii)i", add, (&raw const seen).cast_mut().cast()),
        native(c"shout", c"(ii)", shout, (&raw mut said).cast()),
        native(c"fails", c"()", fails, core::ptr::null_mut()),
    ];
    assert_eq!(
        unsafe { mote_register_natives(c"env".as_ptr(), natives.as_ptr(), 4) },
        MOTE_OK
    );
    let mut module = core::ptr::null_mut();
    let wasm = guest(cfg!(feature = "float"));
    assert_eq!(
        unsafe { mote_wasm_load(wasm.as_ptr(), wasm.len(), &mut module) },
        MOTE_OK,
        "{}",
        last_error()
    );
    let mut inst = core::ptr::null_mut();
    assert_eq!(
        unsafe { mote_wasm_instantiate(module, &mut inst) },
        MOTE_OK,
        "{}",
        last_error()
    );
    // The instance keeps its own reference to the module.
    assert_eq!(unsafe { mote_module_free(module) }, MOTE_OK);

    let r = call(inst, c"sum3", &[i32v(1), i32v(2), i32v(39)], 1).unwrap();
    assert_eq!((r[0].kind, unsafe { r[0].of.i32 }), (MOTE_I32, 42));
    assert_eq!(seen.load(core::sync::atomic::Ordering::Relaxed), 2);

    call(inst, c"greet", &[], 0).unwrap();
    assert_eq!(said, b"hi there");

    #[cfg(feature = "float")]
    let wide = [
        mote_val {
            kind: MOTE_I64,
            reserved: 0,
            of: mote_val_of { i64: 40 },
        },
        mote_val {
            kind: MOTE_F32,
            reserved: 0,
            of: mote_val_of { f32: 1.5 },
        },
        mote_val {
            kind: MOTE_F64,
            reserved: 0,
            of: mote_val_of { f64: 0.5 },
        },
    ];
    #[cfg(feature = "float")]
    let r = call(inst, c"wide", &wide, 1).unwrap();
    #[cfg(feature = "float")]
    assert_eq!((r[0].kind, unsafe { r[0].of.f64 }), (MOTE_F64, 42.0));

    // A trap is an error with the spec's message; the instance stays usable.
    let e = call(inst, c"div", &[i32v(1), i32v(0)], 1).unwrap_err();
    assert_eq!(
        e,
        (
            MOTE_ERR_TRAP,
            "wasm trap: integer divide by zero".to_owned()
        )
    );
    check_div_backtrace(inst, &guest(cfg!(feature = "float")));
    let r = call(inst, c"div", &[i32v(84), i32v(2)], 1).unwrap();
    assert_eq!(unsafe { r[0].of.i32 }, 42);
    check_no_backtrace(inst);

    let e = call(inst, c"host_fails", &[], 0).unwrap_err();
    assert_eq!(
        e,
        (
            MOTE_ERR_TRAP,
            "wasm trap: host function failed (env.fails returned 3)".to_owned()
        )
    );

    // Wrong arity, wrong kinds, unknown names.
    let e = call(inst, c"div", &[i32v(1)], 1).unwrap_err();
    assert_eq!(e.0, MOTE_ERR_SIGNATURE);
    assert!(e.1.contains("(i32 i32) -> (i32)"), "{}", e.1);
    #[cfg(feature = "float")]
    {
        let e = call(inst, c"wide", &[i32v(1), i32v(1), i32v(1)], 1).unwrap_err();
        assert_eq!(
            e,
            (
                MOTE_ERR_SIGNATURE,
                "argument 0 is i32, the function wants i64".to_owned()
            )
        );
    }
    let long = mote_val {
        kind: MOTE_I64,
        reserved: 0,
        of: mote_val_of { i64: 1 },
    };
    let e = call(inst, c"div", &[i32v(1), long], 1).unwrap_err();
    assert_eq!(
        e,
        (
            MOTE_ERR_SIGNATURE,
            "argument 1 is i64, the function wants i32".to_owned()
        )
    );
    let e = call(inst, c"nope", &[], 0).unwrap_err();
    assert_eq!(
        e,
        (MOTE_ERR_NOT_FOUND, "no exported function `nope`".to_owned())
    );

    re.inst = inst;
    call(inst, c"reenter", &[], 0).unwrap();
    assert_eq!(re.rc, MOTE_ERR_STATE);
    assert!(re.message.contains("may not call back"), "{}", re.message);

    check_fuel_and_interrupts(inst);
    #[cfg(feature = "float")]
    {
        assert_eq!(nan_bits(inst), NAN_PAYLOAD | 0x0040_0000);
        assert_eq!(unsafe { mote_set_deterministic(inst, true) }, MOTE_OK);
        assert_eq!(nan_bits(inst), mote_core::nan::CANONICAL_F32);
        assert_eq!(unsafe { mote_set_deterministic(inst, false) }, MOTE_OK);
    }

    let mut len = 0;
    let mem = unsafe { mote_memory(inst, &mut len) };
    assert_eq!(len, 65536);
    assert_eq!(
        unsafe { core::slice::from_raw_parts(mem.add(32), 8) },
        b"hi there"
    );

    // Objects still alive keep mote_deinit from pulling the arena away.
    assert_eq!(unsafe { mote_deinit() }, MOTE_ERR_STATE);
    assert_eq!(unsafe { mote_instance_deinit(inst) }, MOTE_OK);
    assert_eq!(
        unsafe { mote_instance_deinit(inst) },
        MOTE_ERR_ARGUMENT,
        "double free is caught"
    );
    deinit();
}

/// A NaN input with a payload, which `nan`'s `f32.add` keeps unless deterministic.
#[cfg(feature = "float")]
const NAN_PAYLOAD: u32 = 0x7fa0_0001;

/// The bits of `nan(NAN_PAYLOAD)`.
#[cfg(feature = "float")]
fn nan_bits(inst: *mut mote_instance) -> u32 {
    let arg = mote_val {
        kind: MOTE_F32,
        reserved: 0,
        of: mote_val_of {
            f32: f32::from_bits(NAN_PAYLOAD),
        },
    };
    let out = call(inst, c"nan", &[arg], 1).unwrap();
    // SAFETY: `nan` returns an f32.
    unsafe { out[0].of.f32 }.to_bits()
}

/// Fuel and interrupts through the C API, on an instance whose code has both checks.
fn check_fuel_and_interrupts(inst: *mut mote_instance) {
    let mut left = 0;
    assert_eq!(unsafe { mote_get_fuel(inst, &mut left) }, MOTE_ERR_STATE);
    // `div`: local.get, local.get, i32.div_s, end = 4 units.
    assert_eq!(unsafe { mote_set_fuel(inst, 3) }, MOTE_OK);
    let e = call(inst, c"div", &[i32v(84), i32v(2)], 1).unwrap_err();
    assert_eq!(
        e,
        (MOTE_ERR_TRAP, "wasm trap: all fuel consumed".to_owned())
    );
    assert_eq!(unsafe { mote_get_fuel(inst, &mut left) }, MOTE_OK);
    assert_eq!(left, 3);
    assert_eq!(unsafe { mote_set_fuel(inst, 100) }, MOTE_OK);
    call(inst, c"div", &[i32v(84), i32v(2)], 1).unwrap();
    assert_eq!(unsafe { mote_get_fuel(inst, &mut left) }, MOTE_OK);
    assert_eq!(left, 96);
    // An interrupt set before the call stops it at its entry, once.
    assert_eq!(unsafe { mote_interrupt(inst) }, MOTE_OK);
    let e = call(inst, c"div", &[i32v(84), i32v(2)], 1).unwrap_err();
    assert_eq!(
        e,
        (MOTE_ERR_TRAP, "wasm trap: execution interrupted".to_owned())
    );
    call(inst, c"div", &[i32v(84), i32v(2)], 1).unwrap();
    assert_eq!(
        unsafe { mote_interrupt(core::ptr::null_mut()) },
        MOTE_ERR_ARGUMENT
    );
}

#[cfg(feature = "interp")]
#[test]
fn missing_natives_and_bad_modules_are_errors() {
    let _g = init();
    let wasm = guest(cfg!(feature = "float"));
    let mut module = core::ptr::null_mut();
    assert_eq!(
        unsafe { mote_wasm_load(wasm.as_ptr(), wasm.len(), &mut module) },
        MOTE_OK
    );
    let mut inst = core::ptr::null_mut();
    assert_eq!(
        unsafe { mote_wasm_instantiate(module, &mut inst) },
        MOTE_ERR_LINK
    );
    assert_eq!(last_error(), "unknown import: `env.add` (function)");
    // Registered with the wrong type: the linker says which import.
    let natives = [
        native(c"add", c"(i)i", fails, core::ptr::null_mut()),
        native(c"shout", c"(ii)", fails, core::ptr::null_mut()),
        native(c"fails", c"()", fails, core::ptr::null_mut()),
        native(c"reenter", c"()", fails, core::ptr::null_mut()),
    ];
    assert_eq!(
        unsafe { mote_register_natives(c"env".as_ptr(), natives.as_ptr(), 4) },
        MOTE_OK
    );
    assert_eq!(
        unsafe { mote_wasm_instantiate(module, &mut inst) },
        MOTE_ERR_LINK
    );
    assert!(last_error().contains("env.add"), "{}", last_error());
    assert_eq!(unsafe { mote_module_free(module) }, MOTE_OK);

    let junk = b"\0asm\x01\0\0\0\x05";
    assert_eq!(
        unsafe { mote_wasm_load(junk.as_ptr(), junk.len(), &mut module) },
        MOTE_ERR_FORMAT
    );
    assert!(
        last_error().starts_with("invalid module"),
        "{}",
        last_error()
    );
    deinit();
}

#[test]
fn native_registration_checks_everything_first() {
    let _g = init();
    let bad = [
        native(c"ok", c"(ii)i", fails, core::ptr::null_mut()),
        native(c"bad", c"(x)", fails, core::ptr::null_mut()),
    ];
    assert_eq!(
        unsafe { mote_register_natives(c"env".as_ptr(), bad.as_ptr(), 2) },
        MOTE_ERR_ARGUMENT
    );
    assert_eq!(
        last_error(),
        "native `env.bad`: bad signature \"(x)\": signature characters are i (i32), I (i64), f (f32), F (f64)"
    );
    assert!(natives::all().is_empty(), "nothing registered on failure");
    let long = c"a_name_that_is_much_longer_than_31_bytes";
    let one = [native(long, c"()", fails, core::ptr::null_mut())];
    assert_eq!(
        unsafe { mote_register_natives(c"env".as_ptr(), one.as_ptr(), 1) },
        MOTE_ERR_ARGUMENT
    );
    assert!(
        last_error().contains("longer than 31 bytes"),
        "{}",
        last_error()
    );
    let mut null_fn = native(c"f", c"()", fails, core::ptr::null_mut());
    null_fn.func = None;
    assert_eq!(
        unsafe { mote_register_natives(c"env".as_ptr(), &null_fn, 1) },
        MOTE_ERR_ARGUMENT
    );

    // Filling the table: the 33rd distinct name is refused; re-registering replaces.
    let names: Vec<std::ffi::CString> = (0..MOTE_MAX_NATIVES + 1)
        .map(|i| std::ffi::CString::new(format!("f{i}")).unwrap())
        .collect();
    let all: Vec<mote_native> = names
        .iter()
        .map(|n| mote_native {
            name: n.as_ptr(),
            signature: c"()".as_ptr(),
            func: Some(fails),
            user: core::ptr::null_mut(),
        })
        .collect();
    assert_eq!(
        unsafe { mote_register_natives(c"m".as_ptr(), all.as_ptr(), MOTE_MAX_NATIVES as u32) },
        MOTE_OK
    );
    assert_eq!(
        unsafe { mote_register_natives(c"m".as_ptr(), all.as_ptr(), 1) },
        MOTE_OK
    );
    assert_eq!(natives::all().len(), MOTE_MAX_NATIVES);
    assert_eq!(
        unsafe { mote_register_natives(c"m".as_ptr(), all[MOTE_MAX_NATIVES..].as_ptr(), 1) },
        MOTE_ERR_FULL
    );
    deinit();
    assert!(natives::all().is_empty());
}

#[test]
fn signatures_parse_like_wamr() {
    use mote_core::ValType::*;
    let (p, r) = natives::parse_signature("(iIfF)i").unwrap();
    assert_eq!((&p[..], &r[..]), (&[I32, I64, F32, F64][..], &[I32][..]));
    let (p, r) = natives::parse_signature("()").unwrap();
    assert!(p.is_empty() && r.is_empty());
    assert!(natives::parse_signature("ii)i").is_err());
    assert!(natives::parse_signature("(ii").is_err());
    assert!(natives::parse_signature("(*~)i").is_err());
    assert!(natives::parse_signature("(iiiiiiiiiiiiiiiii)").is_err());
}

#[test]
fn calls_before_init_fail_cleanly() {
    let _g = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let wasm = [0u8; 8];
    let mut module = core::ptr::null_mut();
    let rc = unsafe { mote_wasm_load(wasm.as_ptr(), wasm.len(), &mut module) };
    assert!(rc == MOTE_ERR_STATE || rc == MOTE_ERR_UNSUPPORTED, "{rc}");
    let n = native(c"f", c"()", fails, core::ptr::null_mut());
    assert_eq!(
        unsafe { mote_register_natives(c"env".as_ptr(), &n, 1) },
        MOTE_ERR_STATE
    );
    assert_eq!(last_error(), "mote_init has not been called");
    assert_eq!(unsafe { mote_deinit() }, MOTE_ERR_STATE);
    assert_eq!(unsafe { mote_init(core::ptr::null()) }, MOTE_ERR_ARGUMENT);
    let mut f = mote_function {
        instance: core::ptr::null(),
        index: 0,
        param_count: 0,
        result_count: 0,
    };
    assert_eq!(
        unsafe { mote_lookup_function(core::ptr::null(), c"x".as_ptr(), &mut f) },
        MOTE_ERR_ARGUMENT
    );
}

#[test]
fn the_last_error_is_cut_to_its_buffer() {
    let _g = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let long = "é".repeat(300);
    error::set(format_args!("{long}"));
    let text = last_error();
    assert!(
        text.len() <= 255 && text.chars().all(|c| c == 'é'),
        "{}",
        text.len()
    );
    error::clear();
    assert_eq!(last_error(), "");
}

#[cfg(all(feature = "aot", target_arch = "x86_64", target_os = "linux"))]
mod aot {
    use super::*;

    extern "C" {
        fn mprotect(addr: *mut c_void, len: usize, prot: i32) -> i32;
    }

    #[repr(C, align(4096))]
    struct Page([u8; 4 * 4096]);

    /// The region stays read-execute after its instance is gone (the embedder owns it);
    /// handed back to the allocator like that, the next thread to get it faults.
    impl Drop for Page {
        fn drop(&mut self) {
            let rc = unsafe { mprotect(self.0.as_mut_ptr().cast(), self.0.len(), 1 | 2) };
            assert_eq!(rc, 0, "mprotect back to read-write");
        }
    }

    #[repr(C, align(64))]
    struct State([u8; 8192]);

    /// `user` holds the status to fail with (0: do the mprotect).
    unsafe extern "C" fn protect(addr: *mut u8, len: usize, prot: u32, user: *mut c_void) -> i32 {
        let refuse = user as usize as i32;
        if refuse != 0 {
            return refuse;
        }
        let flags = if prot == mote_platforms::bare::PROT_READ_EXECUTE {
            1 | 4
        } else {
            1 | 2
        };
        unsafe { mprotect(addr.cast(), len, flags) }
    }

    fn init_with(refuse: i32) -> std::sync::MutexGuard<'static, ()> {
        let guard = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
        let args = mote_init_args {
            protect: Some(protect),
            clock: None,
            random: None,
            user: refuse as usize as *mut c_void,
            arena: core::ptr::null_mut(),
            arena_len: 0,
            interp_stack_bytes: 0,
            native_stack_bytes: 0,
            fatal: None,
            write: None,
            sleep: None,
            clock_res_ns: 0,
            reserved: 0,
        };
        assert_eq!(unsafe { mote_init(&args) }, MOTE_OK, "{}", last_error());
        guard
    }

    fn compile(bounds: mote_core::aot::object::BoundsChecks) -> Vec<u8> {
        compile_with(bounds, false)
    }

    /// `checks`: with fuel metering and interrupt checks.
    fn compile_with(bounds: mote_core::aot::object::BoundsChecks, checks: bool) -> Vec<u8> {
        let wasm = guest(cfg!(feature = "float"));
        let module = mote_core::Module::new(&wasm).unwrap();
        let mut opts = mote_aotc::Options::host();
        opts.bounds_checks = bounds;
        opts.fuel = checks;
        opts.interruptible = checks;
        mote_core::aot::format::write(&mote_aotc::compile(&module, &wasm, &opts).unwrap())
    }

    /// `aotc --xip` with explicit bounds checks.
    fn compile_xip() -> Vec<u8> {
        let wasm = guest(cfg!(feature = "float"));
        let module = mote_core::Module::new(&wasm).unwrap();
        let mut opts = mote_aotc::Options::host();
        opts.bounds_checks = mote_core::aot::object::BoundsChecks::Explicit;
        opts.xip = true;
        mote_aotc::write_file(&mote_aotc::compile(&module, &wasm, &opts).unwrap(), &opts)
    }

    fn register_all(seen: &core::sync::atomic::AtomicU32, said: &mut Vec<u8>) {
        let natives = [
            native(c"add", c"(ii)i", add, seen as *const _ as *mut c_void),
            native(c"shout", c"(ii)", shout, (said as *mut Vec<u8>).cast()),
            native(c"fails", c"()", fails, core::ptr::null_mut()),
            native(c"reenter", c"()", fails, core::ptr::null_mut()),
        ];
        assert_eq!(
            unsafe { mote_register_natives(c"env".as_ptr(), natives.as_ptr(), 4) },
            MOTE_OK
        );
    }

    unsafe fn instantiate(
        aot: &[u8],
        code: &mut [u8],
        state: &mut [u8],
        memory: &mut [u8],
    ) -> Result<*mut mote_instance, (i32, String)> {
        let mut inst = core::ptr::null_mut();
        let rc = unsafe {
            mote_aot_instantiate(
                aot.as_ptr(),
                aot.len(),
                code.as_mut_ptr().cast(),
                code.len(),
                state.as_mut_ptr().cast(),
                state.len(),
                memory.as_mut_ptr().cast(),
                memory.len(),
                &mut inst,
            )
        };
        if rc == MOTE_OK {
            Ok(inst)
        } else {
            Err((rc, last_error()))
        }
    }

    #[test]
    fn aot_fuel_and_interrupts() {
        let _g = init_with(0);
        let seen = core::sync::atomic::AtomicU32::new(0);
        let mut said = Vec::new();
        register_all(&seen, &mut said);
        let mut code = Box::new(Page([0; 4 * 4096]));
        let mut state = Box::new(State([0; 8192]));
        let mut memory = vec![0u8; 65536];
        let plain = compile(mote_core::aot::object::BoundsChecks::Explicit);
        let inst = unsafe { instantiate(&plain, &mut code.0, &mut state.0, &mut memory) }.unwrap();
        // Without the checks compiled in: no interrupts, and fuel makes calls fail.
        assert_eq!(unsafe { mote_interrupt(inst) }, MOTE_ERR_STATE);
        assert_eq!(unsafe { mote_set_fuel(inst, 10) }, MOTE_OK);
        let e = call(inst, c"div", &[i32v(84), i32v(2)], 1).unwrap_err();
        assert!(e.1.contains("aotc --fuel"), "{}", e.1);
        assert_eq!(unsafe { mote_instance_deinit(inst) }, MOTE_OK);

        let checked = compile_with(mote_core::aot::object::BoundsChecks::Explicit, true);
        let inst =
            unsafe { instantiate(&checked, &mut code.0, &mut state.0, &mut memory) }.unwrap();
        super::check_fuel_and_interrupts(inst);
        assert_eq!(unsafe { mote_instance_deinit(inst) }, MOTE_OK);
        deinit();
    }

    /// Deterministic mode is compiled into AOT code: asking for it on code without it
    /// is an error naming the flag; code with it canonicalises NaNs.
    #[cfg(feature = "float")]
    #[test]
    fn aot_deterministic_mode() {
        let _g = init_with(0);
        let seen = core::sync::atomic::AtomicU32::new(0);
        let mut said = Vec::new();
        register_all(&seen, &mut said);
        let mut code = Box::new(Page([0; 4 * 4096]));
        let mut state = Box::new(State([0; 8192]));
        let mut memory = vec![0u8; 65536];
        let plain = compile(mote_core::aot::object::BoundsChecks::Explicit);
        let inst = unsafe { instantiate(&plain, &mut code.0, &mut state.0, &mut memory) }.unwrap();
        assert_eq!(super::nan_bits(inst), super::NAN_PAYLOAD | 0x0040_0000);
        assert_eq!(
            unsafe { mote_set_deterministic(inst, true) },
            MOTE_ERR_STATE
        );
        assert!(
            last_error().contains("aotc --deterministic"),
            "{}",
            last_error()
        );
        assert_eq!(unsafe { mote_instance_deinit(inst) }, MOTE_OK);

        let wasm = guest(true);
        let module = mote_core::Module::new(&wasm).unwrap();
        let mut opts = mote_aotc::Options::host();
        opts.bounds_checks = mote_core::aot::object::BoundsChecks::Explicit;
        opts.deterministic = true;
        let canonical =
            mote_core::aot::format::write(&mote_aotc::compile(&module, &wasm, &opts).unwrap());
        let inst =
            unsafe { instantiate(&canonical, &mut code.0, &mut state.0, &mut memory) }.unwrap();
        assert_eq!(unsafe { mote_set_deterministic(inst, true) }, MOTE_OK);
        assert_eq!(super::nan_bits(inst), mote_core::nan::CANONICAL_F32);
        assert_eq!(unsafe { mote_instance_deinit(inst) }, MOTE_OK);
        deinit();
    }

    #[test]
    fn aot_module_in_caller_buffers() {
        let aot = compile(mote_core::aot::object::BoundsChecks::Explicit);
        let _g = init_with(0);
        let seen = core::sync::atomic::AtomicU32::new(0);
        let mut said = Vec::new();
        let mut req = mote_aot_reqs::default();
        assert_eq!(
            unsafe { mote_aot_requirements(aot.as_ptr(), aot.len(), &mut req) },
            MOTE_OK
        );
        assert_eq!(
            (req.memory_min_bytes, req.memory_max_bytes),
            (65536, usize::MAX)
        );
        assert_eq!(req.imports, 4);
        assert!(
            req.code_bytes <= 4 * 4096 && req.state_bytes <= 8192,
            "{req:?}"
        );

        let mut code = Box::new(Page([0; 4 * 4096]));
        let mut state = Box::new(State([0; 8192]));
        let mut memory = vec![0u8; 65536];

        // Natives are linked by name: none registered yet.
        let e = unsafe { instantiate(&aot, &mut code.0, &mut state.0, &mut memory) }.unwrap_err();
        assert_eq!(e.0, MOTE_ERR_LINK, "{}", e.1);
        assert!(e.1.contains("env.add"), "{}", e.1);
        register_all(&seen, &mut said);

        // Buffers too small or misaligned are refused with the sizes.
        let e = unsafe {
            instantiate(
                &aot,
                &mut code.0,
                &mut state.0[..req.state_bytes - 1],
                &mut memory,
            )
        }
        .unwrap_err();
        assert_eq!(e.0, MOTE_ERR_SPACE);
        assert!(
            e.1.contains(&format!("need {} bytes", req.state_bytes)),
            "{}",
            e.1
        );
        let e =
            unsafe { instantiate(&aot, &mut code.0, &mut state.0[1..], &mut memory) }.unwrap_err();
        assert_eq!(
            e,
            (
                MOTE_ERR_SPACE,
                format!(
                    "state buffer is misaligned: it must start at a multiple of {}",
                    req.state_align
                )
            )
        );
        let e = unsafe { instantiate(&aot, &mut code.0, &mut state.0, &mut memory[..4096]) }
            .unwrap_err();
        assert_eq!(e.0, MOTE_ERR_SPACE, "{}", e.1);
        let e =
            unsafe { instantiate(&aot, &mut code.0[..8], &mut state.0, &mut memory) }.unwrap_err();
        assert_eq!(e.0, MOTE_ERR_SPACE, "{}", e.1);

        let inst = unsafe { instantiate(&aot, &mut code.0, &mut state.0, &mut memory) }.unwrap();
        assert_eq!(
            inst.cast::<u8>(),
            state.0.as_mut_ptr(),
            "the instance lives in `state`"
        );
        let r = call(inst, c"sum3", &[i32v(1), i32v(2), i32v(39)], 1).unwrap();
        assert_eq!(unsafe { r[0].of.i32 }, 42);
        call(inst, c"greet", &[], 0).unwrap();
        assert_eq!(said, b"hi there");
        let e = call(inst, c"div", &[i32v(1), i32v(0)], 1).unwrap_err();
        assert_eq!(
            e,
            (
                MOTE_ERR_TRAP,
                "wasm trap: integer divide by zero".to_owned()
            )
        );
        super::check_div_backtrace(inst, &guest(cfg!(feature = "float")));
        let e = call(inst, c"host_fails", &[], 0).unwrap_err();
        assert_eq!(
            e,
            (
                MOTE_ERR_TRAP,
                "wasm trap: host function failed (env.fails returned 3)".to_owned()
            )
        );
        super::check_host_fails_backtrace(inst, &guest(cfg!(feature = "float")));
        let r = call(inst, c"div", &[i32v(84), i32v(2)], 1).unwrap();
        assert_eq!(unsafe { r[0].of.i32 }, 42, "usable after traps");
        super::check_no_backtrace(inst);
        let e = call(inst, c"div", &[i32v(84)], 1).unwrap_err();
        assert_eq!(e.0, MOTE_ERR_SIGNATURE);
        let mut len = 0;
        let mem = unsafe { mote_memory(inst, &mut len) };
        assert_eq!((mem, len), (memory.as_mut_ptr(), 65536));

        // A function from one instance cannot be called on another.
        let mut state2 = Box::new(State([0; 8192]));
        let mut memory2 = vec![0u8; 65536];
        let mut code2 = Box::new(Page([0; 4 * 4096]));
        let other =
            unsafe { instantiate(&aot, &mut code2.0, &mut state2.0, &mut memory2) }.unwrap();
        let mut f = mote_function {
            instance: core::ptr::null(),
            index: 0,
            param_count: 0,
            result_count: 0,
        };
        assert_eq!(
            unsafe { mote_lookup_function(inst, c"greet".as_ptr(), &mut f) },
            MOTE_OK
        );
        assert_eq!(
            unsafe { mote_call(other, f, core::ptr::null(), 0, core::ptr::null_mut(), 0) },
            MOTE_ERR_ARGUMENT
        );

        assert_eq!(unsafe { mote_instance_deinit(inst) }, MOTE_OK);
        assert_eq!(unsafe { mote_instance_deinit(other) }, MOTE_OK);
        assert_eq!(
            unsafe { mote_lookup_function(inst, c"greet".as_ptr(), &mut f) },
            MOTE_ERR_ARGUMENT
        );
        deinit();
    }

    /// An execute-in-place file runs from its own (read-only, executable) bytes: no code
    /// region, `code` NULL.
    #[cfg(all(target_arch = "x86_64", target_os = "linux", feature = "std"))]
    #[test]
    fn xip_file_runs_without_a_code_region() {
        let aot = compile_xip();
        let mut mapping = mote_platforms::posix::ExecRegion::new(aot.len()).unwrap();
        mapping.make_writable().unwrap();
        mapping.bytes_mut().unwrap()[..aot.len()].copy_from_slice(&aot);
        mapping.make_executable().unwrap();
        let _g = init_with(0);
        let seen = core::sync::atomic::AtomicU32::new(0);
        let mut said = Vec::new();
        register_all(&seen, &mut said);
        let mut req = mote_aot_reqs::default();
        assert_eq!(
            unsafe { mote_aot_requirements(mapping.as_ptr(), aot.len(), &mut req) },
            MOTE_OK
        );
        assert_eq!(req.code_bytes, 0, "{req:?}");
        let mut state = Box::new(State([0; 8192]));
        let mut memory = vec![0u8; 65536];
        let mut inst = core::ptr::null_mut();
        let rc = unsafe {
            mote_aot_instantiate(
                mapping.as_ptr(),
                aot.len(),
                core::ptr::null_mut(),
                0,
                state.0.as_mut_ptr().cast(),
                state.0.len(),
                memory.as_mut_ptr().cast(),
                memory.len(),
                &mut inst,
            )
        };
        assert_eq!(rc, MOTE_OK, "{}", last_error());
        let r = call(inst, c"sum3", &[i32v(1), i32v(2), i32v(39)], 1).unwrap();
        assert_eq!(unsafe { r[0].of.i32 }, 42);
        call(inst, c"greet", &[], 0).unwrap();
        assert_eq!(said, b"hi there");
        let e = call(inst, c"div", &[i32v(1), i32v(0)], 1).unwrap_err();
        assert_eq!(e.0, MOTE_ERR_TRAP);
        let r = call(inst, c"div", &[i32v(84), i32v(2)], 1).unwrap();
        assert_eq!(unsafe { r[0].of.i32 }, 42, "usable after traps");
        assert_eq!(unsafe { mote_instance_deinit(inst) }, MOTE_OK);
        deinit();
    }

    #[test]
    fn aot_files_the_bare_runtime_cannot_run_are_refused() {
        let _g = init_with(0);
        let mut req = mote_aot_reqs::default();
        let junk = b"\0moteAOT-not-really";
        assert_eq!(
            unsafe { mote_aot_requirements(junk.as_ptr(), junk.len(), &mut req) },
            MOTE_ERR_FORMAT
        );
        let guard = compile(mote_core::aot::object::BoundsChecks::Guard);
        assert_eq!(
            unsafe { mote_aot_requirements(guard.as_ptr(), guard.len(), &mut req) },
            MOTE_ERR_UNSUPPORTED
        );
        assert!(
            last_error().contains("--bounds-checks=explicit"),
            "{}",
            last_error()
        );
        deinit();
    }

    #[test]
    fn a_refused_protection_change_is_a_load_error() {
        let aot = compile(mote_core::aot::object::BoundsChecks::Explicit);
        let _g = init_with(13);
        let seen = core::sync::atomic::AtomicU32::new(0);
        let mut said = Vec::new();
        register_all(&seen, &mut said);
        let mut code = Box::new(Page([0; 4 * 4096]));
        let mut state = Box::new(State([0; 8192]));
        let mut memory = vec![0u8; 65536];
        let e = unsafe { instantiate(&aot, &mut code.0, &mut state.0, &mut memory) }.unwrap_err();
        assert_eq!(
            e,
            (
                MOTE_ERR_LOAD,
                "the protect callback refused the code region (status 13)".to_owned()
            )
        );
        deinit();
    }

    /// Custom page sizes and multi-memory through the C API: memory 0 declares 2048
    /// one-byte pages (a 2 KiB buffer), memory 1 one 64 KiB page; each is sized by
    /// `mote_aot_memory_requirements` and lent by `mote_aot_instantiate_memories`.
    #[cfg(feature = "multi-memory")]
    #[test]
    fn a_2_kib_memory_and_a_second_memory() {
        let wasm = wat::parse_str(
            r#"(module
              (memory $small 2048 (pagesize 1))
              (memory $big 1 1)
              (data (memory $big) (i32.const 8) "\2a")
              (func (export "peek") (param i32) (result i32) (i32.load8_u $small (local.get 0)))
              (func (export "size") (result i32) (memory.size $small))
              (func (export "copy") (param i32 i32)
                (memory.copy $small $big (local.get 0) (local.get 1) (i32.const 1))))"#,
        )
        .unwrap();
        let module = mote_core::Module::new(&wasm).unwrap();
        let mut opts = mote_aotc::Options::host();
        opts.bounds_checks = mote_core::aot::object::BoundsChecks::Explicit;
        let aot =
            mote_core::aot::format::write(&mote_aotc::compile(&module, &wasm, &opts).unwrap());
        let _g = init_with(0);
        let mut req = mote_aot_reqs::default();
        assert_eq!(
            unsafe { mote_aot_requirements(aot.as_ptr(), aot.len(), &mut req) },
            MOTE_OK
        );
        assert_eq!((req.memory_min_bytes, req.memories), (2048, 2));
        let (mut min, mut max) = (0usize, 0usize);
        assert_eq!(
            unsafe { mote_aot_memory_requirements(aot.as_ptr(), aot.len(), 1, &mut min, &mut max) },
            MOTE_OK
        );
        assert_eq!((min, max), (65536, 65536));
        assert_eq!(
            unsafe { mote_aot_memory_requirements(aot.as_ptr(), aot.len(), 2, &mut min, &mut max) },
            MOTE_ERR_UNSUPPORTED
        );

        let mut code = Box::new(Page([0; 4 * 4096]));
        let mut state = Box::new(State([0; 8192]));
        // One buffer for two memories: a clear error.
        let mut one = vec![0u8; 2048];
        let e = unsafe { instantiate(&aot, &mut code.0, &mut state.0, &mut one) }.unwrap_err();
        assert_eq!(e.0, MOTE_ERR_UNSUPPORTED, "{}", e.1);
        assert!(e.1.contains("each memory"), "{}", e.1);

        let mut small = vec![0xffu8; 2048];
        let mut big = vec![0u8; 65536];
        let buffers = [small.as_mut_ptr().cast::<c_void>(), big.as_mut_ptr().cast()];
        let lens = [small.len(), big.len()];
        let mut inst = core::ptr::null_mut();
        let rc = unsafe {
            mote_aot_instantiate_memories(
                aot.as_ptr(),
                aot.len(),
                code.0.as_mut_ptr().cast(),
                code.0.len(),
                state.0.as_mut_ptr().cast(),
                state.0.len(),
                buffers.as_ptr(),
                lens.as_ptr(),
                2,
                &mut inst,
            )
        };
        assert_eq!(rc, MOTE_OK, "{}", last_error());
        let i32_of = |r: Result<Vec<mote_val>, (i32, String)>| r.map(|v| unsafe { v[0].of.i32 });
        assert_eq!(i32_of(call(inst, c"size", &[], 1)), Ok(2048));
        assert_eq!(i32_of(call(inst, c"peek", &[i32v(2047)], 1)), Ok(0));
        let e = call(inst, c"peek", &[i32v(2048)], 1).unwrap_err();
        assert_eq!(e.0, MOTE_ERR_TRAP);
        assert!(e.1.contains("out of bounds memory access"), "{}", e.1);
        assert_eq!(
            call(inst, c"copy", &[i32v(2047), i32v(8)], 0).map(|_| ()),
            Ok(())
        );
        assert_eq!(i32_of(call(inst, c"peek", &[i32v(2047)], 1)), Ok(42));
        let mut len = 0usize;
        let mem = unsafe { mote_memory(inst, &mut len) };
        assert_eq!((mem, len), (small.as_mut_ptr(), 2048));
        assert_eq!(unsafe { mote_instance_deinit(inst) }, MOTE_OK);
        assert_eq!(small[2047], 42, "memory 0 lives in the 2 KiB buffer");
        deinit();
    }
}

#[test]
fn init_checks_its_arguments() {
    let _g = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    static mut ARENA_BYTES: [u64; 128] = [0; 128];
    let mut args = mote_init_args {
        protect: None,
        clock: None,
        random: None,
        user: core::ptr::null_mut(),
        arena: (&raw mut ARENA_BYTES).cast(),
        arena_len: 0,
        interp_stack_bytes: 0,
        native_stack_bytes: 0,
        fatal: None,
        write: None,
        sleep: None,
        clock_res_ns: 0,
        reserved: 0,
    };
    assert_eq!(unsafe { mote_init(&args) }, MOTE_ERR_ARGUMENT);
    assert_eq!(
        last_error(),
        "mote_init: arena and arena_len must both be set or both be 0"
    );
    args.arena_len = 4;
    assert_eq!(unsafe { mote_init(&args) }, MOTE_ERR_NO_MEMORY);
    assert!(
        last_error().contains("the arena needs at least"),
        "{}",
        last_error()
    );
    args.arena_len = 1024;
    assert_eq!(unsafe { mote_init(&args) }, MOTE_OK);
    assert_eq!(unsafe { mote_init(&args) }, MOTE_ERR_STATE);
    assert_eq!(last_error(), "mote_init was already called");
    let mut use_ = mote_arena_usage::default();
    assert_eq!(unsafe { mote_arena_stats(&mut use_) }, MOTE_OK);
    assert_eq!((use_.size, use_.used), (1024, 0));
    assert_eq!(
        unsafe { mote_arena_stats(core::ptr::null_mut()) },
        MOTE_ERR_ARGUMENT
    );
    assert!(services().is_some());
    deinit();
    assert!(services().is_none());
    assert_eq!(unsafe { mote_arena_stats(&mut use_) }, MOTE_OK);
    assert_eq!(use_.size, 0, "mote_deinit forgets the arena");
}

#[cfg(feature = "bare-wasi")]
mod wasi {
    use super::*;

    const PROBE: &str = r#"(module
      (import "wasi_snapshot_preview1" "fd_write"
        (func $fd_write (param i32 i32 i32 i32) (result i32)))
      (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
      (import "wasi_snapshot_preview1" "clock_time_get"
        (func $clock (param i32 i64 i32) (result i32)))
      (memory (export "memory") 1)
      (data (i32.const 100) "hello from wasi\n")
      (func (export "hello") (result i32)
        (i32.store (i32.const 0) (i32.const 100))
        (i32.store (i32.const 4) (i32.const 16))
        (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
      (func (export "now") (result i64)
        (drop (call $clock (i32.const 1) (i64.const 0) (i32.const 16)))
        (i64.load (i32.const 16)))
      (func (export "quit") (call $exit (i32.const 7))))"#;

    #[derive(Default)]
    struct Console {
        out: Vec<(u32, Vec<u8>)>,
    }

    unsafe extern "C" fn write(fd: u32, buf: *const u8, len: usize, user: *mut c_void) -> i32 {
        let c = unsafe { &mut *(user as *mut Console) };
        c.out.push((
            fd,
            unsafe { core::slice::from_raw_parts(buf, len) }.to_vec(),
        ));
        0
    }

    unsafe extern "C" fn clock(_: u32, out: *mut u64, _: *mut c_void) -> i32 {
        unsafe { *out = 12345 };
        0
    }

    fn instance(console: Option<&mut Console>) -> (*mut mote_module, *mut mote_instance) {
        let args = mote_init_args {
            protect: None,
            clock: Some(clock),
            random: None,
            user: console.map_or(core::ptr::null_mut(), |c| (c as *mut Console).cast()),
            arena: core::ptr::null_mut(),
            arena_len: 0,
            interp_stack_bytes: 0,
            native_stack_bytes: 0,
            fatal: None,
            write: None,
            sleep: None,
            clock_res_ns: 1000,
            reserved: 0,
        };
        let mut args = args;
        if !args.user.is_null() {
            args.write = Some(write);
        }
        assert_eq!(unsafe { mote_init(&args) }, MOTE_OK, "{}", last_error());
        let wasm = wat::parse_str(PROBE).unwrap();
        let mut module = core::ptr::null_mut();
        assert_eq!(
            unsafe { mote_wasm_load(wasm.as_ptr(), wasm.len(), &mut module) },
            MOTE_OK
        );
        let mut inst = core::ptr::null_mut();
        assert_eq!(
            unsafe { mote_wasm_instantiate(module, &mut inst) },
            MOTE_OK,
            "{}",
            last_error()
        );
        (module, inst)
    }

    fn finish(module: *mut mote_module, inst: *mut mote_instance) {
        assert_eq!(unsafe { mote_instance_deinit(inst) }, MOTE_OK);
        assert_eq!(unsafe { mote_module_free(module) }, MOTE_OK);
        deinit();
    }

    #[test]
    fn wasi_runs_over_the_init_callbacks() {
        let _g = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
        let mut console = Console::default();
        let (module, inst) = instance(Some(&mut console));
        let r = call(inst, c"hello", &[], 1).unwrap();
        assert_eq!(unsafe { r[0].of.i32 }, 0, "errno success");
        let r = call(inst, c"now", &[], 1).unwrap();
        assert_eq!((r[0].kind, unsafe { r[0].of.i64 }), (MOTE_I64, 12345));
        let e = call(inst, c"quit", &[], 0).unwrap_err();
        assert_eq!(e, (MOTE_ERR_EXIT, "exit with code 7".to_owned()));
        finish(module, inst);
        assert_eq!(console.out, [(1, b"hello from wasi\n".to_vec())]);
    }

    #[test]
    fn without_a_write_callback_stdout_is_closed() {
        let _g = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
        let (module, inst) = instance(None);
        let r = call(inst, c"hello", &[], 1).unwrap();
        assert_eq!(unsafe { r[0].of.i32 }, 8, "EBADF");
        finish(module, inst);
    }
}
