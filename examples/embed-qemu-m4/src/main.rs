//! Firmware for a Cortex-M4F (run under QEMU's `mps2-an386`): one WebAssembly module,
//! `fixtures/app.wat`, run on the core itself by both engines —
//!
//! 1. **AOT, no heap**: `fixtures/app.aot` (compiled by `aotc --target thumbv7em
//!    --bounds-checks explicit`) is verified, relocated into a static code region,
//!    instantiated in a static state buffer and a static linear memory by
//!    `mote::bare`, and its Thumb-2 code runs on the core. Three times: from block
//!    RAM within `BL` range of the runtime's helpers, from SRAM beyond it (veneers), and
//!    the `--pic` build (`fixtures/app-pic.aot`) from SRAM, and the `-Oz` build
//!    (`fixtures/app-oz.aot`) from block RAM;
//! 2. **interpreter** (feature `interp`): `fixtures/app.wasm` is validated, translated and
//!    run by `mote-interp`, allocating from a static arena (the global allocator).
//!
//! Every run makes the same calls: host functions (one reads guest memory, one returns
//! values, one traps), recursion, 64-bit and f32 arithmetic, a rodata lookup table,
//! `call_indirect` (also of an import), bulk memory, `memory.grow`, and traps of every
//! kind the guest can provoke, each followed by a call that shows the instance still
//! works. Every result is compared with a reference the firmware computes natively.
//! Prints one line per check and exits (semihosting) with success only if every check
//! passed.
#![no_std]
#![no_main]
// Unsafe discipline as in the workspace crates (Cargo.toml [workspace.lints]).
#![deny(unsafe_op_in_unsafe_fn, clippy::undocumented_unsafe_blocks)]

#[cfg(feature = "interp")]
extern crate alloc;

use core::mem::MaybeUninit;
use core::ptr::addr_of_mut;

use cortex_m_rt::{entry, exception, ExceptionFrame};
use cortex_m_semihosting::{debug, hprintln};

use mote_core::{Cell, Trap, ValType, Value};
use mote::bare::{
    instance_requirements, AotFile, CallError, Config, ExecMemory, HostCall, HostFn, HostFunc,
    LoadError,
};
use mote_platforms::bare::CodeRegion;

static APP_AOT: &[u8] = include_bytes!("../fixtures/app.aot");
/// The same module compiled with `--pic`: reaches its data through a GOT (other
/// relocation kinds), as code placed at an address unknown at build time would.
static APP_PIC_AOT: &[u8] = include_bytes!("../fixtures/app-pic.aot");
/// The same module compiled for size (`--size-level 2`, i.e. -Oz): its rodata address
/// comes from a literal pool (`R_ARM_ABS32`) instead of MOVW/MOVT.
static APP_OZ_AOT: &[u8] = include_bytes!("../fixtures/app-oz.aot");
/// `fixtures/wide.wat`: 64-bit division and float conversions.
static WIDE_AOT: &[u8] = include_bytes!("../fixtures/wide.aot");
/// The same module compiled with `--xip`: it runs where it lies, in the image's flash,
/// so it must be placed at the 16-byte alignment its text needs.
static APP_XIP_AOT: &InFlash<[u8]> = &InFlash(*include_bytes!("../fixtures/app-xip.aot"));

/// A file in the image (flash), aligned for execute-in-place code.
#[repr(C, align(16))]
struct InFlash<T: ?Sized>(T);
#[cfg(feature = "interp")]
static APP_WASM: &[u8] = include_bytes!("../fixtures/app.wasm");
#[cfg(feature = "interp")]
static WIDE_WASM: &[u8] = include_bytes!("../fixtures/wide.wasm");

// ---------------------------------------------------------------------------------------
// Static memory: everything the AOT instance uses is sized here, at build time.

const CODE_BYTES: usize = 8 * 1024;
const STATE_BYTES: usize = 2 * 1024;
/// Two Wasm pages: the module's maximum, so `memory.grow` can succeed once.
const MEMORY_BYTES: usize = 2 * 65536;
#[cfg(feature = "interp")]
const ARENA_BYTES: usize = 512 * 1024;
/// Native stack the AOT code may use before "call stack exhausted"; the main stack
/// (the rest of the 4 MiB RAM) is far larger.
const AOT_STACK_BYTES: usize = 16 * 1024;
#[cfg(feature = "interp")]
const INTERP_STACK_BYTES: usize = 16 * 1024;

#[repr(C, align(16))]
struct Aligned<const N: usize>([u8; N]);

/// The code region in the main SRAM at 0x2000_0000: 512 MiB from the helpers in the
/// image at 0, beyond the ±16 MiB of a Thumb BL, so calls to them go through veneers.
static mut CODE_FAR: Aligned<CODE_BYTES> = Aligned([0; CODE_BYTES]);
/// The code region in the 16 KiB block RAM at 0x0100_0000 (memory.x): within BL range of
/// the helpers, so calls reach them directly. Not initialised by the startup code
/// (NOLOAD); `code_near` zeroes it before anything refers to it.
#[link_section = ".blockram"]
static mut CODE_NEAR: MaybeUninit<Aligned<CODE_BYTES>> = MaybeUninit::uninit();
static mut STATE: Aligned<STATE_BYTES> = Aligned([0; STATE_BYTES]);
static mut MEMORY: Aligned<MEMORY_BYTES> = Aligned([0; MEMORY_BYTES]);

// ---------------------------------------------------------------------------------------
// The code region: RAM at 0x2000_0000, executable on this board. `CodeRegion` issues
// DSB + ISB when it becomes executable, which ARMv7-M requires before running code it
// has just written.

struct Code(CodeRegion<'static>);

impl ExecMemory for Code {
    fn bytes(&mut self) -> &mut [u8] {
        self.0.bytes()
    }
    fn make_writable(&mut self) -> Result<(), LoadError> {
        self.0.make_writable().map_err(|_| LoadError::Protect)
    }
    fn make_executable(&mut self) -> Result<(), LoadError> {
        self.0.make_executable().map_err(|_| LoadError::Protect)
    }
}

// ---------------------------------------------------------------------------------------
// Host functions, shared by both engines: they see guest memory and argument cells.

/// `env.log(ptr, len)`: prints the guest's text.
fn host_log(memory: &[u8], cells: &mut [Cell]) -> Result<(), Trap> {
    let (ptr, len) = (cells[0] as u32 as usize, cells[1] as u32 as usize);
    let text = memory
        .get(ptr..ptr.saturating_add(len))
        .ok_or(Trap::MemoryOutOfBounds)?;
    let text = core::str::from_utf8(text).map_err(|_| Trap::Host("log: not UTF-8"))?;
    hprintln!("    guest says: {}", text);
    Ok(())
}

/// `env.sensor(i) -> i32`: a made-up reading, 100 + i².
fn sensor_value(i: i32) -> i32 {
    100i32.wrapping_add(i.wrapping_mul(i))
}

fn host_sensor(cells: &mut [Cell]) -> Result<(), Trap> {
    cells[0] = sensor_value(cells[0] as i32) as u32 as Cell;
    Ok(())
}

/// `env.fail(code)`: the host refuses, which traps the guest.
fn host_fail(_cells: &mut [Cell]) -> Result<(), Trap> {
    Err(Trap::Host("sensor bus failure"))
}

fn bare_log(call: &mut HostCall<'_>, cells: &mut [Cell]) -> Result<(), Trap> {
    host_log(call.memory(), cells)
}
fn bare_sensor(_: &mut HostCall<'_>, cells: &mut [Cell]) -> Result<(), Trap> {
    host_sensor(cells)
}
fn bare_fail(_: &mut HostCall<'_>, cells: &mut [Cell]) -> Result<(), Trap> {
    host_fail(cells)
}

static HOSTS: [HostFunc<'static>; 3] = [
    HostFunc {
        module: "env",
        name: "log",
        params: &[ValType::I32, ValType::I32],
        results: &[],
        func: HostFn::Rust(bare_log),
        data: core::ptr::null_mut(),
    },
    HostFunc {
        module: "env",
        name: "sensor",
        params: &[ValType::I32],
        results: &[ValType::I32],
        func: HostFn::Rust(bare_sensor),
        data: core::ptr::null_mut(),
    },
    HostFunc {
        module: "env",
        name: "fail",
        params: &[ValType::I32],
        results: &[],
        func: HostFn::Rust(bare_fail),
        data: core::ptr::null_mut(),
    },
];

// ---------------------------------------------------------------------------------------
// The two engines behind one interface.

trait Engine {
    fn call(&mut self, name: &str, args: &[Value], results: &mut [Value]) -> Result<(), Trap>;
}

struct Aot<'a>(mote::bare::Instance<'a>);

impl Engine for Aot<'_> {
    fn call(&mut self, name: &str, args: &[Value], results: &mut [Value]) -> Result<(), Trap> {
        let f = self.0.func(name).ok_or(Trap::Host("no such export"))?;
        self.0.call(f, args, results).map_err(|e| match e {
            CallError::Trap(t) => t,
            CallError::Signature => Trap::Host("signature mismatch"),
        })
    }
}

// ---------------------------------------------------------------------------------------
// Native references.

/// `pick(i)`'s cases.
const PICK: [u32; 8] = [
    2654435761, 40503, 2246822519, 3266489917, 668265263, 374761393, 3432918353, 461845907,
];

fn fib(n: u32) -> i32 {
    let (mut a, mut b) = (0i32, 1i32);
    for _ in 0..n {
        (a, b) = (b, a.wrapping_add(b));
    }
    a
}

fn fnv_hash(n: u32) -> i32 {
    let mut h: u32 = 0x811c_9dc5;
    for i in 0..n {
        let byte = i.wrapping_mul(7).wrapping_add(3) as u8;
        h = (h ^ byte as u32).wrapping_mul(0x0100_0193);
    }
    h as i32
}

fn mac64(n: u32) -> i64 {
    (0..n as u64).fold(0u64, |acc, i| {
        acc.wrapping_add(i.wrapping_mul(0x1_0000_0001))
    }) as i64
}

// ---------------------------------------------------------------------------------------
// The checks.

struct Checks {
    passed: u32,
    failed: u32,
}

impl Checks {
    /// Calls `name(args)` and compares the outcome with `want` (results, or a trap).
    fn expect(
        &mut self,
        engine: &mut dyn Engine,
        label: &str,
        name: &str,
        args: &[Value],
        want: Result<&[Value], Trap>,
    ) {
        let mut got = [Value::I32(0); 1];
        let n = match want {
            Ok(v) => v.len(),
            Err(_) => results_of(name),
        };
        let outcome = engine.call(name, args, &mut got[..n]);
        let ok = match (&outcome, &want) {
            (Ok(()), Ok(w)) => got[..n] == **w,
            (Err(t), Err(w)) => t == w,
            _ => false,
        };
        let verdict = if ok { "ok " } else { "BAD" };
        match outcome {
            Ok(()) => hprintln!(
                "  {} {:<8} {}{:?} = {:?}",
                verdict,
                label,
                name,
                args,
                &got[..n]
            ),
            Err(t) => hprintln!(
                "  {} {:<8} {}{:?} trapped: {}",
                verdict,
                label,
                name,
                args,
                t
            ),
        }
        if !ok {
            match want {
                Ok(w) => hprintln!("      expected {:?}", w),
                Err(t) => hprintln!("      expected the trap: {}", t),
            }
            self.failed += 1;
        } else {
            self.passed += 1;
        }
    }
}

/// Result counts of the exports that are expected to trap.
fn results_of(name: &str) -> usize {
    match name {
        "boom" | "fail" => 0,
        _ => 1,
    }
}

fn run_all(checks: &mut Checks, e: &mut dyn Engine, label: &str) {
    use Value::{F32, I32, I64};
    let sensors: i32 = (0..3).map(sensor_value).sum();
    checks.expect(e, label, "hello", &[I32(3)], Ok(&[I32(sensors)]));
    checks.expect(e, label, "fib", &[I32(20)], Ok(&[I32(fib(20))]));
    checks.expect(e, label, "hash", &[I32(1000)], Ok(&[I32(fnv_hash(1000))]));
    checks.expect(e, label, "mac64", &[I32(5000)], Ok(&[I64(mac64(5000))]));
    checks.expect(
        e,
        label,
        "hypot",
        &[F32(3.0f32.to_bits()), F32(4.0f32.to_bits())],
        Ok(&[F32(5.0f32.to_bits())]),
    );
    for i in [0, 3, 7, 8, 1000] {
        let want = PICK.get(i).map_or(-1, |&v| v as i32);
        checks.expect(e, label, "pick", &[I32(i as i32)], Ok(&[I32(want)]));
    }
    checks.expect(e, label, "apply", &[I32(0), I32(7), I32(5)], Ok(&[I32(12)]));
    checks.expect(e, label, "apply", &[I32(1), I32(7), I32(5)], Ok(&[I32(2)]));
    checks.expect(
        e,
        label,
        "apply",
        &[I32(2), I32(7), I32(5)],
        Err(Trap::IndirectCallTypeMismatch),
    );
    checks.expect(
        e,
        label,
        "apply",
        &[I32(3), I32(7), I32(5)],
        Err(Trap::UndefinedElement),
    );
    checks.expect(e, label, "isensor", &[I32(9)], Ok(&[I32(sensor_value(9))]));
    checks.expect(e, label, "fill", &[I32(0xa5), I32(1000)], Ok(&[I32(0xa5)]));
    checks.expect(
        e,
        label,
        "fill",
        &[I32(1), I32(65536)],
        Err(Trap::MemoryOutOfBounds),
    );
    // Traps, each followed by a call that must still work.
    checks.expect(
        e,
        label,
        "div",
        &[I32(7), I32(0)],
        Err(Trap::IntegerDivideByZero),
    );
    checks.expect(
        e,
        label,
        "div",
        &[I32(i32::MIN), I32(-1)],
        Err(Trap::IntegerOverflow),
    );
    checks.expect(e, label, "div", &[I32(84), I32(2)], Ok(&[I32(42)]));
    let hell = i32::from_le_bytes(*b"hell");
    checks.expect(e, label, "load", &[I32(16)], Ok(&[I32(hell)]));
    checks.expect(
        e,
        label,
        "load",
        &[I32(65533)],
        Err(Trap::MemoryOutOfBounds),
    );
    checks.expect(e, label, "grow", &[I32(1)], Ok(&[I32(1)]));
    checks.expect(e, label, "load", &[I32(65533)], Ok(&[I32(0)]));
    checks.expect(e, label, "grow", &[I32(1)], Ok(&[I32(-1)]));
    checks.expect(
        e,
        label,
        "load",
        &[I32(2 * 65536 - 2)],
        Err(Trap::MemoryOutOfBounds),
    );
    checks.expect(e, label, "boom", &[], Err(Trap::Unreachable));
    checks.expect(
        e,
        label,
        "fail",
        &[I32(7)],
        Err(Trap::Host("sensor bus failure")),
    );
    checks.expect(e, label, "deep", &[I32(0)], Err(Trap::StackExhausted));
    checks.expect(e, label, "fib", &[I32(10)], Ok(&[I32(fib(10))]));
}

/// The calls `fixtures/wide.wat` must answer.
fn run_wide(checks: &mut Checks, e: &mut dyn Engine, label: &str) {
    use Value::{F32, I64};
    let (a, b) = (-1_000_000_000_000_007i64, 7i64);
    checks.expect(e, label, "div64", &[I64(a), I64(b)], Ok(&[I64(a / b)]));
    let (a, b) = (u64::MAX, 1_000_000_007u64);
    checks.expect(
        e,
        label,
        "rem64",
        &[I64(a as i64), I64(b as i64)],
        Ok(&[I64((a % b) as i64)]),
    );
    checks.expect(
        e,
        label,
        "div64",
        &[I64(1), I64(0)],
        Err(Trap::IntegerDivideByZero),
    );
    checks.expect(
        e,
        label,
        "div64",
        &[I64(i64::MIN), I64(-1)],
        Err(Trap::IntegerOverflow),
    );
    let x = -1.0e10f32;
    checks.expect(e, label, "f2i64", &[F32(x.to_bits())], Ok(&[I64(x as i64)]));
    checks.expect(
        e,
        label,
        "f2i64",
        &[F32(f32::NAN.to_bits())],
        Err(Trap::InvalidConversionToInteger),
    );
    // A million tail calls in a few KiB of native stack (constant-stack tail calls).
    let (n, sum) = (1_000_000i64, 1_000_000i64 * 1_000_001 / 2);
    use Value::I32;
    checks.expect(e, label, "sum_down", &[I64(n), I64(0), I32(0)], Ok(&[I64(sum)]));
    checks.expect(
        e,
        label,
        "sum_down_indirect",
        &[I64(n), I64(0), I32(0)],
        Ok(&[I64(sum)]),
    );
    checks.expect(
        e,
        label,
        "i2f",
        &[I64(u64::MAX as i64)],
        Ok(&[F32((u64::MAX as f32).to_bits())]),
    );
}

/// Loads, instantiates and checks one `.aot` file in the static buffers (which the
/// previous instance, if any, no longer uses).
/// Where an instance's code goes.
#[derive(Clone, Copy)]
enum Place {
    Near,
    Far,
    /// Nowhere: an execute-in-place file runs from its own bytes in flash.
    InPlace,
}

/// The calls a module must answer, by engine label.
type Suite = fn(&mut Checks, &mut dyn Engine, &str);

fn run_aot(
    checks: &mut Checks,
    label: &str,
    aot: &[u8],
    place: Place,
    suite: Suite,
) -> Result<(), &'static str> {
    let file = AotFile::parse(aot).map_err(|_| "the .aot fixture does not parse")?;
    let req = instance_requirements(&file).map_err(|_| "the .aot fixture is not runnable")?;
    // SAFETY: these references end with this function, and the previous instance that
    // used the buffers ended with the previous call. The block RAM is zeroed through a
    // raw pointer before a reference to it exists.
    let (code, state, memory): (&mut [u8], &mut [u8], &mut [u8]) = unsafe {
        (
            match place {
                Place::Near => {
                    let near = addr_of_mut!(CODE_NEAR);
                    (*near).as_mut_ptr().write_bytes(0, 1);
                    &mut (*(*near).as_mut_ptr()).0
                }
                Place::Far => &mut (*addr_of_mut!(CODE_FAR)).0,
                Place::InPlace => &mut [],
            },
            &mut (*addr_of_mut!(STATE)).0,
            &mut (*addr_of_mut!(MEMORY)).0,
        )
    };
    hprintln!(
        "{}: {} B file, code region {} B (align {}) at {:p}, state {} B, memory {}..{:?} B",
        label,
        aot.len(),
        req.code.region_bytes,
        req.code.region_align,
        match place {
            Place::InPlace => aot.as_ptr(),
            _ => code.as_ptr(),
        },
        req.state_bytes,
        req.memory_min_bytes,
        req.memory_max_bytes
    );
    if req.code.region_bytes > code.len()
        || req.code.region_align > core::mem::align_of::<Aligned<0>>()
        || req.state_bytes > state.len()
        || req.memory_min_bytes > memory.len()
    {
        return Err("the static buffers are too small for the .aot fixture");
    }
    let mut code = Code(CodeRegion::new(code, None, core::ptr::null_mut()));
    let config = Config {
        native_stack_bytes: AOT_STACK_BYTES,
        ..Config::new()
    };
    let inst =
        match mote::bare::Instance::new(&file, &mut code, state, memory, &HOSTS, &config) {
            Ok(inst) => inst,
            Err(e) => {
                hprintln!("{}: instantiation failed: {}", label, e);
                return Err("AOT instantiation failed");
            }
        };
    suite(checks, &mut Aot(inst), label);
    if let Place::InPlace = place {
        // The checksum covers every byte of the file: the runtime wrote none of them.
        if AotFile::parse(aot).is_err() {
            return Err("the XIP file in flash changed while it ran");
        }
        let copying = AotFile::parse(APP_AOT)
            .ok()
            .and_then(|f| instance_requirements(&f).ok())
            .map_or(0, |r| r.code.region_bytes);
        hprintln!(
            "{}: xip: code ran from flash at {:p}, file unchanged; RAM {} B (state {} B + memory {} B), the copying loader needs {} B more for its code region",
            label,
            aot.as_ptr(),
            req.state_bytes + req.memory_min_bytes,
            req.state_bytes,
            req.memory_min_bytes,
            copying
        );
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// The interpreter: its allocator (first fit over a static arena, in an interrupt-free
// critical section) and its engine.

#[cfg(feature = "interp")]
mod interp {
    use alloc::boxed::Box;
    use alloc::sync::Arc;
    use alloc::vec::Vec;
    use core::alloc::{GlobalAlloc, Layout};
    use core::cell::RefCell;
    use core::ptr::{addr_of_mut, NonNull};

    use cortex_m::interrupt::Mutex;
    use cortex_m_semihosting::hprintln;
    use linked_list_allocator::Heap;
    use mote_core::runtime::{Executor, Extern, InstanceAddr, Linker, Store};
    use mote_core::types::FuncType;
    use mote_core::{Cell, Module, Trap, ValType, Value};
    use mote_interp::Interpreter;

    use super::{
        host_fail, host_log, host_sensor, Aligned, Checks, Engine, Suite, ARENA_BYTES,
        INTERP_STACK_BYTES,
    };

    static mut ARENA: Aligned<ARENA_BYTES> = Aligned([0; ARENA_BYTES]);

    struct ArenaAlloc(Mutex<RefCell<Heap>>);

    #[global_allocator]
    static ALLOC: ArenaAlloc = ArenaAlloc(Mutex::new(RefCell::new(Heap::empty())));

    // SAFETY: the heap is only touched inside a critical section (single core).
    unsafe impl GlobalAlloc for ArenaAlloc {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            cortex_m::interrupt::free(|cs| {
                self.0
                    .borrow(cs)
                    .borrow_mut()
                    .allocate_first_fit(layout)
                    .map_or(core::ptr::null_mut(), |p| p.as_ptr())
            })
        }

        unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
            if let Some(p) = NonNull::new(ptr) {
                cortex_m::interrupt::free(|cs| {
                    // SAFETY: `ptr` came from `alloc` with this layout.
                    unsafe { self.0.borrow(cs).borrow_mut().deallocate(p, layout) }
                });
            }
        }
    }

    impl ArenaAlloc {
        fn init(&self, arena: &'static mut [u8]) {
            cortex_m::interrupt::free(|cs| {
                // SAFETY: the arena is static and given to the heap alone.
                *self.0.borrow(cs).borrow_mut() =
                    unsafe { Heap::new(arena.as_mut_ptr(), arena.len()) };
            });
        }

        fn used(&self) -> usize {
            cortex_m::interrupt::free(|cs| self.0.borrow(cs).borrow().used())
        }
    }

    struct Interp {
        store: Store,
        addr: InstanceAddr,
        exec: Interpreter,
    }

    impl Interp {
        fn new(wasm: &[u8]) -> Result<Interp, &'static str> {
            let module = Module::new(wasm).map_err(|_| "the .wasm fixture does not validate")?;
            let mut store = Store::new();
            let mut linker = Linker::new();
            let ty = |params: &[ValType], results: &[ValType]| {
                FuncType::new(Box::<[ValType]>::from(params), results)
            };
            linker.func(
                &mut store,
                "env",
                "log",
                ty(&[ValType::I32, ValType::I32], &[]),
                |caller, cells| {
                    let memory = caller.memory().ok_or(Trap::MemoryOutOfBounds)?;
                    host_log(memory.data(), cells)
                },
            );
            linker.func(
                &mut store,
                "env",
                "sensor",
                ty(&[ValType::I32], &[ValType::I32]),
                |_, cells| host_sensor(cells),
            );
            linker.func(
                &mut store,
                "env",
                "fail",
                ty(&[ValType::I32], &[]),
                |_, cells| host_fail(cells),
            );
            let mut exec = Interpreter::with_stack_size(INTERP_STACK_BYTES);
            let addr = linker
                .instantiate(&mut store, Arc::new(module), &mut exec)
                .map_err(|_| "the interpreter could not instantiate the module")?;
            Ok(Interp { store, addr, exec })
        }
    }

    impl Engine for Interp {
        fn call(&mut self, name: &str, args: &[Value], results: &mut [Value]) -> Result<(), Trap> {
            let Some(Extern::Func(f)) = self.store.export(self.addr, name) else {
                return Err(Trap::Host("no such export"));
            };
            let ty = self.store.func_type(f).clone();
            if ty.params.len() != args.len() || ty.results.len() != results.len() {
                return Err(Trap::Host("signature mismatch"));
            }
            let mut cells: Vec<Cell> = alloc::vec![0; args.len().max(results.len())];
            for (c, a) in cells.iter_mut().zip(args) {
                *c = a.to_cell();
            }
            self.exec.call(&mut self.store, f, &mut cells)?;
            for ((r, t), c) in results.iter_mut().zip(ty.results.iter()).zip(&cells) {
                *r = Value::from_cell(*t, *c);
            }
            Ok(())
        }
    }

    /// Gives the arena to the allocator; called once, before anything is allocated.
    pub(super) fn init_arena() {
        // SAFETY: the only reference to ARENA, taken once.
        ALLOC.init(unsafe { &mut (*addr_of_mut!(ARENA)).0 });
    }

    /// Instantiates `wasm` on the interpreter and runs `suite` on it; everything is
    /// freed at the end, so the arena is empty again.
    pub(super) fn run(
        checks: &mut Checks,
        label: &str,
        wasm: &[u8],
        suite: Suite,
    ) -> Result<(), &'static str> {
        let mut interp = Interp::new(wasm)?;
        hprintln!(
            "{}: {} B module, arena {} B, {} B in use after instantiation",
            label,
            wasm.len(),
            ARENA_BYTES,
            ALLOC.used()
        );
        suite(checks, &mut interp, label);
        hprintln!(
            "{}: {} B of the arena in use at the end",
            label,
            ALLOC.used()
        );
        drop(interp);
        if ALLOC.used() != 0 {
            hprintln!(
                "{}: {} B still allocated after the instance was dropped",
                label,
                ALLOC.used()
            );
            return Err("the interpreter leaked arena memory");
        }
        Ok(())
    }
}

#[entry]
fn main() -> ! {
    let mut checks = Checks {
        passed: 0,
        failed: 0,
    };
    let aot = [
        ("aot-near", APP_AOT, Place::Near, run_all as Suite),
        ("aot-far", APP_AOT, Place::Far, run_all),
        ("aot-pic", APP_PIC_AOT, Place::Far, run_all),
        ("aot-oz", APP_OZ_AOT, Place::Near, run_all),
        ("aot-wide", WIDE_AOT, Place::Far, run_wide),
        ("aot-xip", &APP_XIP_AOT.0, Place::InPlace, run_all),
    ]
    .map(|(label, file, place, suite)| run_aot(&mut checks, label, file, place, suite));
    #[cfg(feature = "interp")]
    interp::init_arena();
    #[cfg(feature = "interp")]
    let interp = [
        interp::run(&mut checks, "interp", APP_WASM, run_all),
        interp::run(&mut checks, "int-wide", WIDE_WASM, run_wide),
    ];
    #[cfg(not(feature = "interp"))]
    let interp: [Result<(), &str>; 0] = [];
    for r in aot.into_iter().chain(interp) {
        if let Err(e) = r {
            hprintln!("error: {}", e);
            checks.failed += 1;
        }
    }
    if checks.failed == 0 {
        hprintln!("embed-qemu-m4: all {} checks passed", checks.passed);
        exit(debug::EXIT_SUCCESS)
    } else {
        hprintln!(
            "embed-qemu-m4: {} of {} checks FAILED",
            checks.failed,
            checks.passed + checks.failed
        );
        exit(debug::EXIT_FAILURE)
    }
}

/// Ends the emulation with `status` (semihosting); on a board without a debugger
/// attached, sleeps instead.
fn exit(status: debug::ExitStatus) -> ! {
    debug::exit(status);
    loop {
        cortex_m::asm::wfi();
    }
}

/// A fault (a bad jump into the code region, an FPU instruction with the FPU off...)
/// ends the run with failure instead of hanging.
#[exception]
unsafe fn HardFault(frame: &ExceptionFrame) -> ! {
    hprintln!("hard fault at pc {:#010x}: {:?}", frame.pc(), frame);
    exit(debug::EXIT_FAILURE)
}

#[panic_handler]
fn panic(info: &core::panic::PanicInfo<'_>) -> ! {
    hprintln!("panic: {}", info);
    exit(debug::EXIT_FAILURE)
}
