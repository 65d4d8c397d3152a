//! WASI on the `bare` platform: modules run on the interpreter through core's `Linker`
//! and `mote_core::wasi::add_to_linker`, with a fake set of embedder callbacks standing in
//! for firmware (a console, a clock that only moves when read or slept on, a counter as
//! the random source). The C programs are the wasi-libc fixtures of `tests/wasi`.
#![cfg(feature = "bare-wasi")]

use std::cell::{Cell, RefCell};
use std::ffi::c_void;
use std::sync::Arc;

use mote_core::runtime::{Extern, InvokeError, Linker, Store};
use mote_core::wasi::{add_to_linker, WasiCtx};
use mote_core::{Module, Trap, Value};
use mote_interp::Interpreter;
use mote_platforms::bare::wasi::{BareWasiHost, WasiServices};
use mote_platforms::bare::{CLOCK_MONOTONIC, CLOCK_REALTIME};

/// 2026-01-01 in nanoseconds since the epoch: where the fake wall clock starts.
const EPOCH_2026: u64 = 1_767_225_600 * 1_000_000_000;
/// How far the fake clock moves at each reading, so that busy loops see time pass.
const TICK: u64 = 1_000;

/// The firmware side: what the callbacks saw and answer.
#[derive(Default)]
struct Fake {
    stdout: RefCell<Vec<u8>>,
    stderr: RefCell<Vec<u8>>,
    /// Monotonic nanoseconds.
    now: Cell<u64>,
    clock_reads: Cell<u32>,
    random_next: Cell<u8>,
    sleeps: RefCell<Vec<u64>>,
    /// Non-zero: every callback fails with this status.
    fail: Cell<i32>,
}

fn fake<'a>(user: *mut c_void) -> &'a Fake {
    // SAFETY: every test passes a `Fake` that outlives the store using it.
    unsafe { &*user.cast::<Fake>() }
}

unsafe extern "C" fn clock(id: u32, out: *mut u64, user: *mut c_void) -> i32 {
    let f = fake(user);
    if f.fail.get() != 0 {
        return f.fail.get();
    }
    f.clock_reads.set(f.clock_reads.get() + 1);
    let now = f.now.get() + TICK;
    f.now.set(now);
    let value = match id {
        CLOCK_REALTIME => EPOCH_2026 + now,
        CLOCK_MONOTONIC => now,
        _ => return -22,
    };
    // SAFETY: the platform layer passes a valid out-pointer.
    unsafe { out.write(value) };
    0
}

unsafe extern "C" fn random(buf: *mut u8, len: usize, user: *mut c_void) -> i32 {
    let f = fake(user);
    if f.fail.get() != 0 {
        return f.fail.get();
    }
    // SAFETY: `buf` holds `len` writable bytes (the callback's contract).
    let bytes = unsafe { std::slice::from_raw_parts_mut(buf, len) };
    for b in bytes {
        let next = f.random_next.get().wrapping_add(1);
        f.random_next.set(next);
        *b = next;
    }
    0
}

unsafe extern "C" fn write(fd: u32, buf: *const u8, len: usize, user: *mut c_void) -> i32 {
    let f = fake(user);
    if f.fail.get() != 0 {
        return f.fail.get();
    }
    // SAFETY: `buf` holds `len` bytes (the callback's contract).
    let bytes = unsafe { std::slice::from_raw_parts(buf, len) };
    match fd {
        1 => f.stdout.borrow_mut().extend_from_slice(bytes),
        2 => f.stderr.borrow_mut().extend_from_slice(bytes),
        _ => return -9,
    }
    0
}

/// An RTOS delay: the fake clock jumps ahead instead of the test waiting.
unsafe extern "C" fn sleep(nanos: u64, user: *mut c_void) -> i32 {
    let f = fake(user);
    f.sleeps.borrow_mut().push(nanos);
    f.now.set(f.now.get() + nanos);
    0
}

/// Every callback, with 1 µs clock resolution.
fn all(f: &Fake) -> WasiServices {
    WasiServices::from_callbacks(
        Some(clock),
        Some(random),
        Some(write),
        Some(sleep),
        1_000,
        (f as *const Fake).cast_mut().cast(),
    )
}

struct Run {
    store: Store,
    exec: Interpreter,
    instance: u32,
}

impl Run {
    fn new(wasm: &[u8], ctx: WasiCtx) -> Run {
        let module = Arc::new(Module::new(wasm).expect("module"));
        let mut store = Store::new();
        let mut linker = Linker::new();
        add_to_linker(&mut linker, &mut store, ctx);
        let mut exec = Interpreter::new();
        let instance = linker
            .instantiate(&mut store, module, &mut exec)
            .unwrap_or_else(|e| panic!("instantiate: {e}"));
        Run {
            store,
            exec,
            instance,
        }
    }

    fn call(&mut self, name: &str, args: &[Value]) -> Result<Vec<Value>, Trap> {
        let Some(Extern::Func(f)) = self.store.export(self.instance, name) else {
            panic!("no export {name}");
        };
        match self.store.invoke(&mut self.exec, f, args) {
            Ok(results) => Ok(results),
            Err(InvokeError::Trap(t)) => Err(t),
            Err(e) => panic!("{name}: {e}"),
        }
    }

    /// A call returning the errno.
    fn errno(&mut self, name: &str, args: &[Value]) -> i32 {
        match self.call(name, args).as_deref() {
            Ok([Value::I32(e)]) => *e,
            other => panic!("{name}: {other:?}"),
        }
    }

    fn memory(&self, at: usize, len: usize) -> Vec<u8> {
        let Some(Extern::Memory(m)) = self.store.export(self.instance, "memory") else {
            panic!("no memory");
        };
        self.store.memories[m as usize].data()[at..at + len].to_vec()
    }

    fn u32_at(&self, at: usize) -> u32 {
        u32::from_le_bytes(self.memory(at, 4).try_into().unwrap())
    }

    fn u64_at(&self, at: usize) -> u64 {
        u64::from_le_bytes(self.memory(at, 8).try_into().unwrap())
    }

    /// Runs `_start` as a command: its exit code.
    fn start(&mut self) -> i32 {
        match self.call("_start", &[]) {
            Ok(_) => 0,
            Err(Trap::Exit(code)) => code,
            Err(t) => panic!("_start trapped: {t}"),
        }
    }
}

/// Each export makes one WASI call and returns its errno; results land at fixed
/// addresses (`OUT` = 0x100).
const PROBE: &str = r#"
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "clock_time_get" (func $clock_time_get (param i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "clock_res_get" (func $clock_res_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "random_get" (func $random_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_sizes_get" (func $args_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_get" (func $args_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_prestat_get" (func $fd_prestat_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_open" (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "poll_oneoff" (func $poll_oneoff (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 0x200) "hello, firmware\n")
  (data (i32.const 0x300) "data.txt")

  ;; iovec at 0x0 = (ptr, len); bytes written at 0x100.
  (func (export "write") (param $fd i32) (param $ptr i32) (param $len i32) (result i32)
    (i32.store (i32.const 0) (local.get $ptr))
    (i32.store (i32.const 4) (local.get $len))
    (call $fd_write (local.get $fd) (i32.const 0) (i32.const 1) (i32.const 0x100)))
  (func (export "hello") (result i32)
    (i32.store (i32.const 8) (i32.const 0x200))
    (i32.store (i32.const 12) (i32.const 16))
    (call $fd_write (i32.const 1) (i32.const 8) (i32.const 1) (i32.const 0x100)))
  ;; 16 bytes of stdin into 0x400; count at 0x100.
  (func (export "read") (param $fd i32) (result i32)
    (i32.store (i32.const 0) (i32.const 0x400))
    (i32.store (i32.const 4) (i32.const 16))
    (call $fd_read (local.get $fd) (i32.const 0) (i32.const 1) (i32.const 0x100)))
  (func (export "now") (param $clock i32) (result i32)
    (call $clock_time_get (local.get $clock) (i64.const 1) (i32.const 0x100)))
  (func (export "res") (param $clock i32) (result i32)
    (call $clock_res_get (local.get $clock) (i32.const 0x100)))
  (func (export "random") (param $ptr i32) (param $len i32) (result i32)
    (call $random_get (local.get $ptr) (local.get $len)))
  ;; count at 0x100, size at 0x104, argv at 0x500, strings at 0x600.
  (func (export "args") (result i32)
    (local $e i32)
    (local.set $e (call $args_sizes_get (i32.const 0x100) (i32.const 0x104)))
    (if (local.get $e) (then (return (local.get $e))))
    (call $args_get (i32.const 0x500) (i32.const 0x600)))
  (func (export "prestat") (param $fd i32) (result i32)
    (call $fd_prestat_get (local.get $fd) (i32.const 0x100)))
  ;; path_open(dirfd, lookupflags 0, "data.txt", oflags, rights, rights, fdflags 0, fd at 0x100)
  (func (export "open") (param $dirfd i32) (param $oflags i32) (result i32)
    (call $path_open (local.get $dirfd) (i32.const 0) (i32.const 0x300) (i32.const 8)
      (local.get $oflags) (i64.const 0x1fffffff) (i64.const 0x1fffffff) (i32.const 0)
      (i32.const 0x100)))
  ;; One relative monotonic clock subscription at 0x700 (48 bytes), events at 0x800,
  ;; count at 0x100.
  (func (export "sleep") (param $ns i64) (result i32)
    (memory.fill (i32.const 0x700) (i32.const 0) (i32.const 48))
    (i64.store (i32.const 0x700) (i64.const 42))
    (i32.store8 (i32.const 0x708) (i32.const 0))
    (i32.store (i32.const 0x710) (i32.const 1))
    (i64.store (i32.const 0x718) (local.get $ns))
    (call $poll_oneoff (i32.const 0x700) (i32.const 0x800) (i32.const 1) (i32.const 0x100)))
  ;; Two descriptor subscriptions: read on $a, write on $b.
  (func (export "ready") (param $a i32) (param $b i32) (result i32)
    (memory.fill (i32.const 0x700) (i32.const 0) (i32.const 96))
    (i64.store (i32.const 0x700) (i64.const 1))
    (i32.store8 (i32.const 0x708) (i32.const 1))
    (i32.store (i32.const 0x710) (local.get $a))
    (i64.store (i32.const 0x730) (i64.const 2))
    (i32.store8 (i32.const 0x738) (i32.const 2))
    (i32.store (i32.const 0x740) (local.get $b))
    (call $poll_oneoff (i32.const 0x700) (i32.const 0x800) (i32.const 2) (i32.const 0x100)))
  (func (export "_start")
    (drop (call $fd_write (i32.const 2) (i32.const 8) (i32.const 0) (i32.const 0x100)))
    (i32.store (i32.const 8) (i32.const 0x200))
    (i32.store (i32.const 12) (i32.const 6))
    (drop (call $fd_write (i32.const 2) (i32.const 8) (i32.const 1) (i32.const 0x100)))
    (call $proc_exit (i32.const 3))
    unreachable)
)
"#;

const ESUCCESS: i32 = 0;
const EBADF: i32 = 8;
const EINVAL: i32 = 28;
const EIO: i32 = 29;
const ENOTDIR: i32 = 54;
const ENOTSUP: i32 = 58;

fn i32v(v: i32) -> Value {
    Value::I32(v)
}

fn probe(svc: WasiServices, args: &[&str]) -> Run {
    let ctx = BareWasiHost::new(svc)
        .context(args.iter().copied())
        .expect("no preopens");
    Run::new(&wat::parse_str(PROBE).unwrap(), ctx)
}

#[test]
fn stdout_and_stderr_reach_the_write_callback() {
    let f = Fake::default();
    let mut run = probe(all(&f), &["app"]);
    assert_eq!(run.errno("hello", &[]), ESUCCESS);
    assert_eq!(run.u32_at(0x100), 16);
    assert_eq!(
        run.errno("write", &[i32v(2), i32v(0x200), i32v(5)]),
        ESUCCESS
    );
    assert_eq!(run.u32_at(0x100), 5);
    // An empty buffer is not passed on.
    assert_eq!(
        run.errno("write", &[i32v(1), i32v(0x200), i32v(0)]),
        ESUCCESS
    );
    assert_eq!(run.u32_at(0x100), 0);
    assert_eq!(&*f.stdout.borrow(), b"hello, firmware\n");
    assert_eq!(&*f.stderr.borrow(), b"hello");
    // stdin is not writable and there is no descriptor 3.
    assert_eq!(run.errno("write", &[i32v(0), i32v(0x200), i32v(5)]), EBADF);
    assert_eq!(run.errno("write", &[i32v(3), i32v(0x200), i32v(5)]), EBADF);
    // A failing console is EIO, not a trap.
    f.fail.set(-1);
    assert_eq!(run.errno("write", &[i32v(1), i32v(0x200), i32v(5)]), EIO);
    assert_eq!(f.stdout.borrow().len(), 16);
}

#[test]
fn without_a_write_callback_stdout_is_closed() {
    let f = Fake::default();
    let svc = WasiServices {
        write: None,
        ..all(&f)
    };
    let mut run = probe(svc, &["app"]);
    assert_eq!(run.errno("write", &[i32v(1), i32v(0x200), i32v(5)]), EBADF);
    assert_eq!(run.errno("write", &[i32v(2), i32v(0x200), i32v(5)]), EBADF);
    // stdin still reads end of file.
    assert_eq!(run.errno("read", &[i32v(0)]), ESUCCESS);
    assert_eq!(run.u32_at(0x100), 0);
}

#[test]
fn stdin_is_at_end_of_file() {
    let f = Fake::default();
    let mut run = probe(all(&f), &["app"]);
    run.memory(0x100, 4);
    assert_eq!(run.errno("read", &[i32v(0)]), ESUCCESS);
    assert_eq!(run.u32_at(0x100), 0);
    assert_eq!(run.errno("read", &[i32v(1)]), EBADF);
}

#[test]
fn clocks_come_from_the_clock_callback() {
    let f = Fake::default();
    let mut run = probe(all(&f), &["app"]);
    assert_eq!(run.errno("now", &[i32v(1)]), ESUCCESS);
    let m1 = run.u64_at(0x100);
    assert_eq!(run.errno("now", &[i32v(1)]), ESUCCESS);
    assert_eq!(run.u64_at(0x100), m1 + TICK);
    assert_eq!(run.errno("now", &[i32v(0)]), ESUCCESS);
    assert_eq!(run.u64_at(0x100), EPOCH_2026 + m1 + 2 * TICK);
    assert_eq!(f.clock_reads.get(), 3);
    assert_eq!(run.errno("res", &[i32v(0)]), ESUCCESS);
    assert_eq!(run.u64_at(0x100), 1_000);
    assert_eq!(run.errno("res", &[i32v(1)]), ESUCCESS);
    // No embedder clock measures the guest's CPU time.
    for cpu in [2, 3] {
        assert_eq!(run.errno("now", &[i32v(cpu)]), ENOTSUP);
        assert_eq!(run.errno("res", &[i32v(cpu)]), ENOTSUP);
    }
    assert_eq!(run.errno("now", &[i32v(4)]), EINVAL);
    f.fail.set(-5);
    assert_eq!(run.errno("now", &[i32v(1)]), EIO);
}

#[test]
fn missing_services_are_enotsup() {
    let f = Fake::default();
    let svc = WasiServices::from_callbacks(
        None,
        None,
        Some(write),
        None,
        0,
        (&f as *const Fake).cast_mut().cast(),
    );
    let mut run = probe(svc, &["app"]);
    assert_eq!(run.errno("now", &[i32v(0)]), ENOTSUP);
    assert_eq!(run.errno("res", &[i32v(1)]), ENOTSUP);
    assert_eq!(run.errno("random", &[i32v(0x400), i32v(8)]), ENOTSUP);
    // Nothing to wait with: a sleep would wake at once, so it is refused...
    assert_eq!(run.errno("sleep", &[Value::I64(1_000_000)]), ENOTSUP);
    // ...but a zero timeout needs no waiting.
    assert_eq!(run.errno("sleep", &[Value::I64(0)]), ESUCCESS);
    assert_eq!(run.u32_at(0x100), 1);
    // A clock without a stated resolution.
    let svc = WasiServices {
        clock_res_ns: 0,
        ..all(&f)
    };
    let mut run = probe(svc, &["app"]);
    assert_eq!(run.errno("res", &[i32v(1)]), ENOTSUP);
    assert_eq!(run.errno("now", &[i32v(1)]), ESUCCESS);
}

#[test]
fn random_bytes_come_from_the_random_callback() {
    let f = Fake::default();
    let mut run = probe(all(&f), &["app"]);
    assert_eq!(run.errno("random", &[i32v(0x400), i32v(8)]), ESUCCESS);
    assert_eq!(run.memory(0x400, 9), [1, 2, 3, 4, 5, 6, 7, 8, 0]);
    assert_eq!(run.errno("random", &[i32v(0x400), i32v(0)]), ESUCCESS);
    assert_eq!(f.random_next.get(), 8);
    // A buffer outside memory never reaches the callback.
    assert_eq!(run.errno("random", &[i32v(0xfffc), i32v(8)]), 21);
    assert_eq!(f.random_next.get(), 8);
    f.fail.set(-1);
    assert_eq!(run.errno("random", &[i32v(0x400), i32v(8)]), EIO);
}

#[test]
fn arguments_are_passed() {
    let f = Fake::default();
    let mut run = probe(all(&f), &["sensor.wasm", "--rate", "10"]);
    assert_eq!(run.errno("args", &[]), ESUCCESS);
    assert_eq!(run.u32_at(0x100), 3);
    assert_eq!(run.u32_at(0x104), 12 + 7 + 3);
    assert_eq!(run.u32_at(0x500), 0x600);
    assert_eq!(run.u32_at(0x504), 0x600 + 12);
    assert_eq!(run.memory(0x600, 22), b"sensor.wasm\0--rate\x0010\0");
}

#[test]
fn there_are_no_files() {
    let f = Fake::default();
    let mut run = probe(all(&f), &["app"]);
    // No preopens: wasi-libc's scan from descriptor 3 ends at once, so its `open` finds
    // no directory for any path and fails without asking the host.
    assert_eq!(run.errno("prestat", &[i32v(3)]), EBADF);
    // Asked anyway: descriptor 3 does not exist, and a stream is not a directory.
    assert_eq!(run.errno("open", &[i32v(3), i32v(0)]), EBADF);
    assert_eq!(run.errno("open", &[i32v(3), i32v(1)]), EBADF);
    assert_eq!(run.errno("open", &[i32v(1), i32v(0)]), ENOTDIR);
    assert_eq!(run.errno("open", &[i32v(0), i32v(1)]), ENOTDIR);
    // The standard streams are not directories either.
    assert_eq!(run.errno("prestat", &[i32v(1)]), EBADF);
    // The host refuses to open a directory at all.
    let host = BareWasiHost::new(all(&f));
    let refused = mote_core::wasi::WasiCtxBuilder::new()
        .preopen_dir("/", "/")
        .build(Box::new(host));
    assert_eq!(refused.err().map(|e| e.errno.name()), Some("ENOTSUP"));
}

#[test]
fn sleeping_uses_the_sleep_callback() {
    let f = Fake::default();
    let mut run = probe(all(&f), &["app"]);
    assert_eq!(run.errno("sleep", &[Value::I64(5_000_000)]), ESUCCESS);
    assert_eq!(*f.sleeps.borrow(), [5_000_000]);
    assert_eq!(run.u32_at(0x100), 1);
    // The event: userdata 42, no error, type clock.
    assert_eq!(run.u64_at(0x800), 42);
    assert_eq!(run.memory(0x808, 3), [0, 0, 0]);
}

#[test]
fn without_a_sleep_callback_sleeping_spins_on_the_clock() {
    let f = Fake::default();
    let svc = WasiServices {
        sleep: None,
        ..all(&f)
    };
    let mut run = probe(svc, &["app"]);
    assert_eq!(
        run.errno("sleep", &[Value::I64(50 * TICK as i64)]),
        ESUCCESS
    );
    assert!(f.sleeps.borrow().is_empty());
    // The fake clock moves one tick per reading: the start, then 50 ticks.
    assert_eq!(f.clock_reads.get(), 51);
    assert_eq!(run.u32_at(0x100), 1);
}

#[test]
fn stdio_readiness() {
    let f = Fake::default();
    let mut run = probe(all(&f), &["app"]);
    // stdin readable (at end of file: hang-up), stdout writable.
    assert_eq!(run.errno("ready", &[i32v(0), i32v(1)]), ESUCCESS);
    assert_eq!(run.u32_at(0x100), 2);
    assert_eq!(run.u64_at(0x800), 1);
    assert_eq!(run.memory(0x80a, 1), [1]);
    assert_eq!(run.memory(0x818, 2), [1, 0]);
    assert_eq!(run.u64_at(0x820), 2);
    assert_eq!(run.memory(0x82a, 1), [2]);
    assert_eq!(run.memory(0x838, 2), [0, 0]);
    // Reading the console and writing stdin would never be ready, and nothing bounds the
    // wait.
    assert_eq!(run.errno("ready", &[i32v(1), i32v(0)]), ENOTSUP);
    assert_eq!(run.errno("ready", &[i32v(0), i32v(9)]), EBADF);
}

#[test]
fn proc_exit_is_the_exit_code() {
    let f = Fake::default();
    let mut run = probe(all(&f), &["app"]);
    assert_eq!(run.start(), 3);
    assert_eq!(&*f.stderr.borrow(), b"hello,");
}

// ---- C programs built with wasi-libc (tests/wasi/src), printing through printf ----

fn fixture(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/../tests/wasi/wasm/{name}.wasm",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn run_c(f: &Fake, svc: WasiServices, name: &str, args: &[&str]) -> (i32, String) {
    let argv = std::iter::once(name).chain(args.iter().copied());
    let ctx = BareWasiHost::new(svc).context(argv).expect("no preopens");
    let mut run = Run::new(&fixture(name), ctx);
    let code = run.start();
    (code, String::from_utf8(f.stdout.take()).unwrap())
}

#[test]
fn c_clocks() {
    let f = Fake::default();
    let (code, out) = run_c(&f, all(&f), "clocks", &[]);
    assert_eq!(code, 0);
    assert_eq!(
        out,
        "\
realtime OK after 2020: yes
monotonic OK advances: yes
res 0 OK in (0, 1ms]: yes
res 1 OK in (0, 1ms]: yes
cputime 0 ENOTSUP advances: no
cputime 1 ENOTSUP advances: no
clock_gettime: 0
time() after 2020: yes
"
    );
}

#[test]
fn c_random() {
    let f = Fake::default();
    let (code, out) = run_c(&f, all(&f), "random", &[]);
    assert_eq!(code, 0);
    assert_eq!(
        out,
        "\
random_get OK OK
nonzero: yes
different: yes
empty buffer: OK
large buffer: OK
getentropy: 0
"
    );
}

#[test]
fn c_exit_code_flushes_output() {
    let f = Fake::default();
    let (code, out) = run_c(&f, all(&f), "exit_code", &["7"]);
    assert_eq!(code, 7);
    assert_eq!(out, "exiting with 7\nno newline before exit");
}

#[test]
fn c_stdin_echo_sees_end_of_file() {
    let f = Fake::default();
    let (code, out) = run_c(&f, all(&f), "stdin_echo", &[]);
    assert_eq!(code, 0);
    assert_eq!(out, "-- 0 lines, 0 bytes\n");
}

#[test]
fn c_poll_and_sleep() {
    let f = Fake::default();
    let (code, out) = run_c(&f, all(&f), "poll_sleep", &[]);
    assert_eq!(code, 0);
    // As under iwasm, except that stdin is at end of file rather than holding a line.
    assert_eq!(
        out,
        "\
nanosleep 50ms: ok
two clocks: OK n=1 userdata=2 type=0 in time: yes
absolute clock: OK n=1 userdata=3 waited: yes
past deadline: OK n=1
stdin readable: OK n=1 userdata=10 type=1 error=0 quick: yes
stdout writable: OK n=1 userdata=20 type=2
unknown fd: EBADF
no subscriptions: EINVAL
poll(): 1 revents has POLLIN: yes
stdin said: "
    );
    // nanosleep, the earlier of two clocks, then the absolute deadline less the two
    // clock readings (the program's `t0`, then poll_oneoff's own) since it was set.
    assert_eq!(
        f.sleeps.borrow()[..3],
        [50_000_000, 20_000_000, 30_000_000 - 2 * TICK]
    );
}

#[test]
fn c_edges_stdio_streams_are_not_files() {
    // The standard streams answer as under iwasm (and wasmtime): no position, nothing
    // of the embedder's streams for a guest to resize, sync or flag.
    let f = Fake::default();
    let (code, out) = run_c(&f, all(&f), "edges", &["stdio"]);
    assert_eq!(code, 0);
    let expected = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/wasi/expected/edges-stdio.txt"
    );
    assert_eq!(out, std::fs::read_to_string(expected).unwrap());
}
