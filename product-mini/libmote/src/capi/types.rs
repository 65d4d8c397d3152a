//! The `#[repr(C)]` mirrors of `include/mote.h`. Sizes are checked by the tests below and,
//! on the C side, by `_Static_assert`s in the header.
#![allow(non_camel_case_types)]

use core::ffi::{c_char, c_void};

use mote_platforms::bare::{ClockFn, ProtectFn, RandomFn};

use super::FatalFn;

/// Console output for WASI (`mote_init_args.write`).
pub type WriteFn =
    unsafe extern "C" fn(fd: u32, buf: *const u8, len: usize, user: *mut c_void) -> i32;
/// Waiting for WASI (`mote_init_args.sleep`).
pub type SleepFn = unsafe extern "C" fn(nanos: u64, user: *mut c_void) -> i32;

pub const MOTE_OK: i32 = 0;
pub const MOTE_ERR_ARGUMENT: i32 = -1;
pub const MOTE_ERR_STATE: i32 = -2;
pub const MOTE_ERR_FORMAT: i32 = -3;
pub const MOTE_ERR_SPACE: i32 = -4;
pub const MOTE_ERR_LINK: i32 = -5;
pub const MOTE_ERR_TRAP: i32 = -6;
pub const MOTE_ERR_NOT_FOUND: i32 = -7;
pub const MOTE_ERR_SIGNATURE: i32 = -8;
pub const MOTE_ERR_FULL: i32 = -9;
pub const MOTE_ERR_NO_MEMORY: i32 = -10;
pub const MOTE_ERR_UNSUPPORTED: i32 = -11;
pub const MOTE_ERR_LOAD: i32 = -12;
pub const MOTE_ERR_EXIT: i32 = -13;

pub const MOTE_I32: u32 = 0;
pub const MOTE_I64: u32 = 1;
pub const MOTE_F32: u32 = 2;
pub const MOTE_F64: u32 = 3;

/// Natives the registry holds (`MOTE_MAX_NATIVES`).
pub const MOTE_MAX_NATIVES: usize = 32;
/// Longest module or function name of a native, in bytes (`MOTE_MAX_NAME`).
pub const MOTE_MAX_NAME: usize = 31;

#[repr(C)]
#[derive(Clone, Copy)]
pub struct mote_init_args {
    pub protect: Option<ProtectFn>,
    pub clock: Option<ClockFn>,
    pub random: Option<RandomFn>,
    pub user: *mut c_void,
    pub arena: *mut c_void,
    pub arena_len: usize,
    pub interp_stack_bytes: usize,
    pub native_stack_bytes: usize,
    pub fatal: Option<FatalFn>,
    pub write: Option<WriteFn>,
    pub sleep: Option<SleepFn>,
    pub clock_res_ns: u32,
    pub reserved: u32,
}

#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct mote_arena_usage {
    pub size: usize,
    pub used: usize,
    pub peak: usize,
}

#[repr(C)]
#[derive(Clone, Copy)]
pub union mote_val_of {
    pub i32: i32,
    pub i64: i64,
    pub f32: f32,
    pub f64: f64,
}

#[repr(C)]
#[derive(Clone, Copy)]
pub struct mote_val {
    pub kind: u32,
    pub reserved: u32,
    pub of: mote_val_of,
}

impl core::fmt::Debug for mote_val {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        // SAFETY: every union member is a plain number; `kind` picks the meaningful one.
        unsafe {
            match self.kind {
                MOTE_I32 => write!(f, "{}:i32", self.of.i32),
                MOTE_I64 => write!(f, "{}:i64", self.of.i64),
                MOTE_F32 => write!(f, "{}:f32", self.of.f32),
                MOTE_F64 => write!(f, "{}:f64", self.of.f64),
                k => write!(f, "<kind {k}>"),
            }
        }
    }
}

/// Opaque to C: an instance of either engine.
#[repr(C)]
pub struct mote_instance {
    _private: [u8; 0],
}

/// Opaque to C: an interpreter module.
#[repr(C)]
pub struct mote_module {
    _private: [u8; 0],
}

/// Opaque to C: what a native reaches of its caller.
#[repr(C)]
pub struct mote_exec_env {
    _private: [u8; 0],
}

#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct mote_function {
    pub instance: *const mote_instance,
    pub index: u32,
    pub param_count: u16,
    pub result_count: u16,
}

/// `mote_frame::wasm_offset` of a frame whose code has no offsets.
pub const MOTE_NO_OFFSET: u32 = u32::MAX;

/// One frame of a trap's Wasm call stack (`mote_trap_backtrace`).
#[repr(C)]
#[derive(Clone, Copy)]
pub struct mote_frame {
    pub func_index: u32,
    pub wasm_offset: u32,
    /// The function's name (not NUL-terminated), NULL without one.
    pub name: *const u8,
    pub name_len: usize,
}

pub type mote_native_fn =
    unsafe extern "C" fn(env: *mut mote_exec_env, cells: *mut u64, user: *mut c_void) -> i32;

#[repr(C)]
#[derive(Clone, Copy)]
pub struct mote_native {
    pub name: *const c_char,
    pub signature: *const c_char,
    pub func: Option<mote_native_fn>,
    pub user: *mut c_void,
}

#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct mote_aot_reqs {
    pub code_bytes: usize,
    pub code_align: usize,
    pub state_bytes: usize,
    pub state_align: usize,
    pub memory_min_bytes: usize,
    pub memory_max_bytes: usize,
    pub imports: u32,
    /// Linear memories (multi-memory); memory 0's sizes are the two fields above.
    pub memories: u32,
}

#[cfg(all(test, feature = "std"))]
mod tests {
    use core::mem::{align_of, size_of};

    use super::*;

    const P: usize = size_of::<*const u8>();

    /// The same equalities as the header's `_Static_assert`s.
    #[test]
    fn layouts_match_the_header() {
        assert_eq!(size_of::<mote_val>(), 16);
        assert_eq!(align_of::<mote_val>(), align_of::<u64>());
        assert_eq!(size_of::<mote_function>(), P + 8);
        assert_eq!(size_of::<mote_native>(), 4 * P);
        assert_eq!(size_of::<mote_frame>(), 8 + 2 * P);
        assert_eq!(size_of::<mote_init_args>(), 11 * P + 8);
        assert_eq!(size_of::<mote_arena_usage>(), 3 * size_of::<usize>());
        assert_eq!(size_of::<mote_aot_reqs>(), 6 * size_of::<usize>() + 8);
        assert_eq!(core::mem::offset_of!(mote_val, of), 8);
        assert_eq!(core::mem::offset_of!(mote_native, func), 2 * P);
        assert_eq!(core::mem::offset_of!(mote_init_args, arena_len), 5 * P);
        assert_eq!(core::mem::offset_of!(mote_init_args, fatal), 8 * P);
        assert_eq!(core::mem::offset_of!(mote_init_args, clock_res_ns), 11 * P);
        assert_eq!(core::mem::offset_of!(mote_aot_reqs, imports), 6 * P);
    }

    /// The header's constants, read from the header itself so the two cannot drift.
    #[test]
    fn constants_match_the_header() {
        let h = include_str!("../../../../include/mote.h");
        let define = |name: &str| -> i64 {
            let line = h
                .lines()
                .find(|l| l.starts_with(&format!("#define {name} ")))
                .unwrap_or_else(|| panic!("{name} missing from mote.h"));
            let v = line[format!("#define {name} ").len()..]
                .split("/*")
                .next()
                .unwrap()
                .trim()
                .trim_start_matches('(')
                .trim_end_matches(')')
                .trim_end_matches('u');
            v.parse().unwrap_or_else(|_| panic!("{name}: {v}"))
        };
        let codes = [
            ("MOTE_OK", MOTE_OK),
            ("MOTE_ERR_ARGUMENT", MOTE_ERR_ARGUMENT),
            ("MOTE_ERR_STATE", MOTE_ERR_STATE),
            ("MOTE_ERR_FORMAT", MOTE_ERR_FORMAT),
            ("MOTE_ERR_SPACE", MOTE_ERR_SPACE),
            ("MOTE_ERR_LINK", MOTE_ERR_LINK),
            ("MOTE_ERR_TRAP", MOTE_ERR_TRAP),
            ("MOTE_ERR_NOT_FOUND", MOTE_ERR_NOT_FOUND),
            ("MOTE_ERR_SIGNATURE", MOTE_ERR_SIGNATURE),
            ("MOTE_ERR_FULL", MOTE_ERR_FULL),
            ("MOTE_ERR_NO_MEMORY", MOTE_ERR_NO_MEMORY),
            ("MOTE_ERR_UNSUPPORTED", MOTE_ERR_UNSUPPORTED),
            ("MOTE_ERR_LOAD", MOTE_ERR_LOAD),
            ("MOTE_ERR_EXIT", MOTE_ERR_EXIT),
        ];
        for (name, v) in codes {
            assert_eq!(define(name), i64::from(v), "{name}");
        }
        for (name, v) in [
            ("MOTE_I32", MOTE_I32),
            ("MOTE_I64", MOTE_I64),
            ("MOTE_F32", MOTE_F32),
            ("MOTE_F64", MOTE_F64),
            (
                "MOTE_PROT_READ_WRITE",
                mote_platforms::bare::PROT_READ_WRITE,
            ),
            (
                "MOTE_PROT_READ_EXECUTE",
                mote_platforms::bare::PROT_READ_EXECUTE,
            ),
            ("MOTE_CLOCK_REALTIME", mote_platforms::bare::CLOCK_REALTIME),
            (
                "MOTE_CLOCK_MONOTONIC",
                mote_platforms::bare::CLOCK_MONOTONIC,
            ),
        ] {
            assert_eq!(define(name), i64::from(v), "{name}");
        }
        assert_eq!(define("MOTE_MAX_NATIVES"), MOTE_MAX_NATIVES as i64);
        assert_eq!(define("MOTE_MAX_NAME"), MOTE_MAX_NAME as i64);
    }
}
