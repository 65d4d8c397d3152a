//! Proves mote-loader and mote-core build and work with neither std nor alloc: a C `main`
//! (no Rust runtime), a static code region, and the `add` export of a committed `.aot`
//! file called through its trampoline. Exits 0 and prints `nostd: ok` on success.
#![no_std]
#![no_main]

use core::ffi::{c_int, c_void};
use core::fmt::Write;

use mote_core::aot::context::VmContext;
use mote_core::aot::format::AotFile;
use mote_core::Trap;
use mote_loader::{load_into, requirements, ExecMemory, HelperTable, LoadError};

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

fn run() -> Result<i32, &'static str> {
    let file = AotFile::parse(ADD_AOT).map_err(|_| "the .aot fixture does not parse")?;
    let reqs = requirements(&file);
    // SAFETY: the only reference to REGION, taken once.
    let region: &'static mut [u8] = unsafe { &mut (*core::ptr::addr_of_mut!(REGION)).0 };
    if reqs.region_bytes > region.len() {
        return Err("the static code region is too small");
    }
    let mut code = StaticCode(region);
    let loaded = load_into(&file, &mut code, &HelperTable::new(&[]))
        .map_err(|_| "loading the .aot fixture failed")?;
    let entry = loaded
        .trampoline(0)
        .ok_or("the fixture has no function 0")?;
    let mut ctx = VmContext {
        memory: core::ptr::null_mut(),
        globals: core::ptr::null(),
        stack_limit: 0,
        trap: 0,
        helpers: core::ptr::null(),
        runtime: core::ptr::null_mut(),
    };
    let mut cells = [40u64, 2u64];
    // SAFETY: `entry` is the trampoline of `add (i32, i32) -> i32` in the executable
    // region; it reads two cells and writes one.
    unsafe {
        let f: unsafe extern "C" fn(*mut VmContext, *mut u64) = core::mem::transmute(entry);
        f(&mut ctx, cells.as_mut_ptr());
    }
    if ctx.trap != 0 {
        return Err("add trapped");
    }
    Ok(cells[0] as u32 as i32)
}

#[no_mangle]
pub extern "C" fn main(_argc: c_int, _argv: *const *const u8) -> c_int {
    match run() {
        Ok(42) => {
            print(
                1,
                format_args!(
                    "nostd: ok: add(40, 2) = 42 without std or alloc; a trap reads \"{}\"\n",
                    Trap::IntegerDivideByZero
                ),
            );
            0
        }
        Ok(v) => {
            print(2, format_args!("nostd: add(40, 2) returned {v}, not 42\n"));
            1
        }
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
