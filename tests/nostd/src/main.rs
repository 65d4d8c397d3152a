//! Proves mote-loader and mote-core build and work with neither std nor alloc: a C `main`
//! (no Rust runtime), static buffers for code, state and linear memory, and a committed
//! `.aot` file run through `mote::bare` — a host import reading guest memory, a
//! result, and a trap returned as a value with the instance usable afterwards. Exits 0
//! and prints `nostd: ok` on success.
#![no_std]
#![no_main]
// Unsafe discipline as in the workspace crates (Cargo.toml [workspace.lints]).
#![deny(unsafe_op_in_unsafe_fn, clippy::undocumented_unsafe_blocks)]

use core::ffi::{c_int, c_void};
use core::fmt::Write;

use mote_core::{Cell, Trap, ValType, Value};
use mote::bare::{
    instance_requirements, CallError, Config, HostCall, HostFn, HostFunc, Instance,
};
use mote::bare::{AotFile, ExecMemory, LoadError};

static ADD_AOT: &[u8] = include_bytes!("../fixtures/add.aot");

const PAGE: usize = 4096;
const PROT_READ: c_int = 1;
const PROT_WRITE: c_int = 2;
const PROT_EXEC: c_int = 4;

#[link(name = "c")]
extern "C" {
    fn write(fd: c_int, buf: *const c_void, len: usize) -> isize;
    fn mprotect(addr: *mut c_void, len: usize, prot: c_int) -> c_int;
}

/// The code region: page-aligned static memory, as firmware would reserve it.
#[repr(C, align(4096))]
struct Region([u8; 4 * PAGE]);
static mut REGION: Region = Region([0; 4 * PAGE]);

#[repr(C, align(16))]
struct State([u8; 4096]);
static mut STATE: State = State([0; 4096]);

#[repr(C, align(16))]
struct Memory([u8; 65536]);
static mut MEMORY: Memory = Memory([0; 65536]);

struct StaticCode(&'static mut [u8]);

impl StaticCode {
    fn protect(&mut self, prot: c_int) -> Result<(), LoadError> {
        // SAFETY: the slice is page-aligned static memory owned by this program.
        let r = unsafe { mprotect(self.0.as_mut_ptr().cast(), self.0.len(), prot) };
        if r == 0 {
            Ok(())
        } else {
            Err(LoadError::Protect)
        }
    }
}

impl ExecMemory for StaticCode {
    fn bytes(&mut self) -> &mut [u8] {
        self.0
    }
    fn make_writable(&mut self) -> Result<(), LoadError> {
        self.protect(PROT_READ | PROT_WRITE)
    }
    fn make_executable(&mut self) -> Result<(), LoadError> {
        self.protect(PROT_READ | PROT_EXEC)
    }
}

/// A fixed buffer for formatted output (no heap).
struct Out {
    buf: [u8; 256],
    len: usize,
}

impl Write for Out {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        let end = self.len + s.len();
        if end > self.buf.len() {
            return Err(core::fmt::Error);
        }
        self.buf[self.len..end].copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

fn print(fd: c_int, args: core::fmt::Arguments<'_>) {
    let mut out = Out {
        buf: [0; 256],
        len: 0,
    };
    let _ = out.write_fmt(args);
    // SAFETY: the buffer is valid for `len` bytes.
    unsafe { write(fd, out.buf.as_ptr().cast(), out.len) };
}

/// `env.log(ptr, len)`: prints the guest's text.
fn log(call: &mut HostCall<'_>, args: &mut [Cell]) -> Result<(), Trap> {
    let (ptr, len) = (args[0] as usize, args[1] as usize);
    let text = call
        .memory()
        .get(ptr..ptr.saturating_add(len))
        .ok_or(Trap::MemoryOutOfBounds)?;
    let text = core::str::from_utf8(text).map_err(|_| Trap::Host("log: not UTF-8"))?;
    print(1, format_args!("guest says: {text}\n"));
    Ok(())
}

static HOSTS: [HostFunc<'static>; 1] = [HostFunc {
    module: "env",
    name: "log",
    params: &[ValType::I32, ValType::I32],
    results: &[],
    func: HostFn::Rust(log),
    data: core::ptr::null_mut(),
}];

fn call2(
    inst: &mut Instance<'_>,
    name: &str,
    a: i32,
    b: i32,
) -> Result<Result<i32, Trap>, &'static str> {
    let f = inst.func(name).ok_or("missing export")?;
    let mut out = [Value::I32(0)];
    match inst.call(f, &[Value::I32(a), Value::I32(b)], &mut out) {
        Ok(()) => match out[0] {
            Value::I32(v) => Ok(Ok(v)),
            _ => Err("wrong result type"),
        },
        Err(CallError::Trap(t)) => Ok(Err(t)),
        Err(CallError::Signature) => Err("signature mismatch"),
    }
}

fn run() -> Result<(), &'static str> {
    let file = AotFile::parse(ADD_AOT).map_err(|_| "the .aot fixture does not parse")?;
    let req = instance_requirements(&file).map_err(|_| "unsupported .aot fixture")?;
    // SAFETY: the only references to the statics, taken once.
    let (region, state, memory): (&'static mut [u8], &'static mut [u8], &'static mut [u8]) = unsafe {
        (
            &mut (*core::ptr::addr_of_mut!(REGION)).0,
            &mut (*core::ptr::addr_of_mut!(STATE)).0,
            &mut (*core::ptr::addr_of_mut!(MEMORY)).0,
        )
    };
    if req.code.region_bytes > region.len() || req.state_bytes > state.len() {
        return Err("the static buffers are too small");
    }
    let mut code = StaticCode(region);
    let mut inst = Instance::new(&file, &mut code, state, memory, &HOSTS, &Config::new())
        .map_err(|_| "instantiation failed")?;
    if call2(&mut inst, "add", 40, 2)? != Ok(42) {
        return Err("add(40, 2) is not 42");
    }
    let trap = call2(&mut inst, "div", 1, 0)?;
    if trap != Err(Trap::IntegerDivideByZero) {
        return Err("div(1, 0) did not trap with integer divide by zero");
    }
    if call2(&mut inst, "div", 84, 2)? != Ok(42) {
        return Err("div(84, 2) after the trap is not 42");
    }
    print(
        1,
        format_args!(
            "nostd: ok: add(40, 2) = 42, div(1, 0) trapped ({}), then div(84, 2) = 42; \
             code {} B, state {} B, no std, no alloc\n",
            Trap::IntegerDivideByZero,
            req.code.region_bytes,
            req.state_bytes
        ),
    );
    Ok(())
}

#[no_mangle]
pub extern "C" fn main(_argc: c_int, _argv: *const *const u8) -> c_int {
    match run() {
        Ok(()) => 0,
        Err(e) => {
            print(2, format_args!("nostd: {e}\n"));
            1
        }
    }
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    print(2, format_args!("nostd: panic\n"));
    loop {}
}

/// The host's precompiled `core` was built with unwinding and still names the personality
/// routine; with `panic = "abort"` nothing ever unwinds, so it is never called.
#[no_mangle]
pub extern "C" fn rust_eh_personality() {}
