//! examples/embed-c end to end: builds the no_std staticlib (nested cargo, own target
//! directory), compiles the C program against include/mote.h, runs it and checks what it
//! did, including that nothing allocates after initialisation. Also checks that the
//! committed fixtures are what their sources and today's aotc produce.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

fn example() -> PathBuf {
    root().join("examples/embed-c")
}

/// Not the outer cargo's target directory: that one is locked while the tests run.
fn target_dir() -> PathBuf {
    let base = match std::env::var_os("CARGO_TARGET_DIR") {
        Some(d) => root().join(d),
        None => root().join("target"),
    };
    base.join("embed-c")
}

/// Builds the library and the program with `run.sh` and runs it.
fn run_example(program: &str, extra_cflags: &str) -> Output {
    let out = Command::new("sh")
        .arg(example().join("run.sh"))
        .env("TARGET_DIR", target_dir())
        .env("PROGRAM", program)
        .env("CFLAGS_EXTRA", extra_cflags)
        .output()
        .expect("run examples/embed-c/run.sh");
    eprintln!(
        "--- {program} stdout\n{}--- stderr\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

#[cfg(all(target_arch = "x86_64", target_os = "linux"))]
#[test]
fn firmware_example_runs_both_engines_without_allocating() {
    let out = run_example("embed-c", "");
    assert!(out.status.success(), "exit status {:?}", out.status);
    let text = String::from_utf8(out.stdout).unwrap();
    for line in [
        "  [log] aot guest: averaging sensor readings",
        "aot: average(4) = 24",
        "aot: average(0) failed (-6): wasm trap: integer divide by zero",
        "aot: average(9) failed (-6): wasm trap: host function failed (env.sensor_read returned 1)",
        "aot: average(8) = 28 after the traps",
        "aot: linear memory is 2048 bytes in a 2048-byte static array",
        "aot: peek(2047) = 0",
        "aot: peek(2048) failed (-6): wasm trap: out of bounds memory access",
        "  [log] interp guest: 3 readings above threshold",
        "interp: peak(8, 30) = 35",
        "interp: guest memory holds \"interp guest: 3 readings above threshold\" (65536 bytes)",
        "interp: calibrated(3) = 27",
        "interp: calibrated(4) failed (-6): wasm trap: out of bounds memory access",
        "  [log] interp guest: 2 readings above threshold",
        "interp: peak(4, 24) = 27 after the trap",
        "lookup of a missing export: no exported function `nope`",
    ] {
        assert!(
            text.lines().any(|l| l == line),
            "missing line {line:?} in:\n{text}"
        );
    }
    // 21 readings and 4 logs from the AOT module, 14 and 2 from the interpreted one.
    let calls = text
        .lines()
        .find(|l| l.starts_with("host calls: "))
        .unwrap();
    assert!(
        calls.starts_with("host calls: sensor_read=35 log=6, "),
        "{calls}"
    );
    let changes: u32 = calls.rsplit('=').next().unwrap().trim().parse().unwrap();
    assert!(
        changes >= 2,
        "the code region went writable then executable: {calls}"
    );
    // The interpreter worked in the arena and gave everything back.
    let arena = text.lines().find(|l| l.starts_with("arena: ")).unwrap();
    let nums: Vec<usize> = arena
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(|w| w.parse().ok())
        .collect();
    let [size, peak, used, after] = nums[..] else {
        panic!("{arena}")
    };
    assert_eq!(size, 256 * 1024, "{arena}");
    assert!(peak >= used && used > 64 * 1024, "{arena}");
    assert_eq!(after, 0, "{arena}");
    assert!(
        text.lines()
            .any(|l| l.starts_with("no allocation after init")),
        "{text}"
    );
}

/// The check itself: a malloc after the mark must fail the program.
#[cfg(all(target_arch = "x86_64", target_os = "linux"))]
#[test]
fn the_allocation_check_catches_a_malloc() {
    let out = run_example("embed-c-selftest", "-DMALLOC_AFTER_INIT");
    assert_eq!(out.status.code(), Some(3), "{:?}", out.status);
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("FAIL: malloc() called after initialisation"),
        "{err}"
    );
}

/// The bytes of a generated header (`0x..` tokens).
fn header_bytes(name: &str) -> Vec<u8> {
    let text = std::fs::read_to_string(example().join(name)).unwrap();
    let start = text.find('{').unwrap();
    text[start..]
        .split(|c: char| c == ',' || c.is_whitespace() || c == '{' || c == '}' || c == ';')
        .filter_map(|t| t.strip_prefix("0x"))
        .map(|h| u8::from_str_radix(h, 16).unwrap())
        .collect()
}

fn read(name: &str) -> Vec<u8> {
    std::fs::read(example().join(name)).unwrap()
}

#[test]
fn committed_fixtures_match_their_sources_and_todays_aotc() {
    let stale = "stale fixture: run examples/embed-c/build.sh";
    for guest in ["sensor", "filter"] {
        let wasm = wat::parse_file(example().join(format!("{guest}.wat"))).unwrap();
        assert_eq!(
            read(&format!("{guest}.wasm")),
            wasm,
            "{guest}.wasm: {stale}"
        );
    }
    assert_eq!(
        header_bytes("filter_wasm.h"),
        read("filter.wasm"),
        "{stale}"
    );

    let wasm = read("sensor.wasm");
    let module = mote_core::Module::new(&wasm).unwrap();
    let mut opts = mote_aotc::Options::new(mote_core::aot::reloc::Arch::X86_64);
    opts.bounds_checks = mote_core::aot::object::BoundsChecks::Explicit;
    let aot = mote_core::aot::format::write(&mote_aotc::compile(&module, &wasm, &opts).unwrap());
    assert!(read("sensor.aot") == aot, "sensor.aot: {stale}");
    assert!(header_bytes("sensor_aot.h") == aot, "sensor_aot.h: {stale}");
}

/// Builds `libmote.a` with `features` (and `--target`), in its own directory so parallel
/// tests never overwrite each other's library; returns the archive.
fn build_staticlib(dir: &str, features: &str, target: Option<&str>) -> PathBuf {
    let out = target_dir().with_file_name(dir);
    let mut cmd = Command::new(env!("CARGO"));
    cmd.args(["rustc", "--quiet", "--manifest-path"])
        .arg(root().join("Cargo.toml"))
        .args([
            "--profile",
            "release-small",
            "-p",
            "mote",
            "--no-default-features",
        ])
        .args([
            "--features",
            features,
            "--crate-type",
            "staticlib",
            "--target-dir",
        ])
        .arg(&out);
    if let Some(t) = target {
        cmd.args(["--target", t]);
    }
    let status = cmd.status().expect("run cargo");
    assert!(
        status.success(),
        "cargo rustc --features {features} {target:?}"
    );
    match target {
        Some(t) => out.join(t).join("release-small/libmote.a"),
        None => out.join("release-small/libmote.a"),
    }
}

/// Symbols of an archive, by `nm`.
fn symbols(lib: &Path) -> String {
    let out = Command::new("nm").arg(lib).output().expect("run nm");
    assert!(out.status.success());
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// AOT only: the runtime has no allocator at all (no Rust allocation entry points, no
/// malloc), so firmware needs no heap.
#[cfg(target_os = "linux")]
#[test]
fn aot_only_staticlib_has_no_allocator() {
    let lib = build_staticlib("embed-c-aot-only", "capi,aot,panic-handler", None);
    let syms = symbols(&lib);
    assert!(
        syms.contains(" T mote_aot_instantiate"),
        "the C API is exported"
    );
    for word in [
        "__rust_alloc",
        "__rdl_alloc",
        "__rg_alloc",
        " U malloc",
        " U free",
    ] {
        assert!(!syms.contains(word), "{word} in the AOT-only library");
    }
}

/// The whole C API, both engines, for a Cortex-M4F/M7 (when that target is installed).
#[test]
fn staticlib_builds_for_thumbv7em() {
    let installed = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).contains("thumbv7em-none-eabihf"))
        .unwrap_or(false);
    if !installed {
        eprintln!("thumbv7em-none-eabihf is not installed; nothing to check");
        return;
    }
    let lib = build_staticlib(
        "embed-c-thumbv7em",
        "capi,aot,interp,float,arena,panic-handler",
        Some("thumbv7em-none-eabihf"),
    );
    let syms = symbols(&lib);
    for f in [
        "mote_init",
        "mote_aot_instantiate",
        "mote_wasm_load",
        "mote_call",
    ] {
        assert!(syms.contains(&format!(" T {f}\n")), "{f} missing");
    }
}

/// An arena too small for the module's linear memory: instantiation fails with an error
/// code and a message, the program goes on (and exits 1 by its own choice).
#[cfg(all(target_arch = "x86_64", target_os = "linux"))]
#[test]
fn a_too_small_arena_is_an_error_not_a_crash() {
    let out = run_example("embed-c-small-arena", "-DARENA_BYTES=40960");
    assert_eq!(out.status.code(), Some(1), "{:?}", out.status);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("aot: average(8) = 28 after the traps"),
        "{text}"
    );
    assert!(
        text.lines().any(|l| l
            == "error -10 from mote_wasm_instantiate(module, &interp): \
                cannot allocate the initial linear memory: the arena is too small"),
        "{text}"
    );
}
