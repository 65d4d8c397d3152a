//! In-process start-up figures for `bench/run` (see bench/README.md, "Start-up").
//!
//! usage: mote-bench-startup [--rounds N] [--markdown] [WASM_DIR]
//!
//! Measures, as the median of N rounds (default 200) of the same work `iwasm` does:
//! - interp: `Module::new` (parse + validate) + link + instantiate, for `bare.wasm` and
//!   for the module in WASM_DIR with the largest code section;
//! - interp + translate all: the same, then every defined function translated to
//!   register bytecode (what a run that calls every function eventually pays);
//! - aot: load an `.aot` file (parse + verify + map + relocate, `load_module`) + link +
//!   instantiate; the file is compiled once beforehand with `mote_aotc`;
//! - translation speed: MB of Wasm code (the code section) per second, translating every
//!   defined function of the largest module on a fresh `Module` each round.
//!
//! `mote-bench-startup --requirements [WASM_DIR]` instead prints, for every module, what
//! the loader reports an AOT instance needs (`mote_loader::requirements`) on x86_64 and on
//! thumbv7em (cortex-m7, explicit bounds checks): the RAM beyond linear memory and stacks, and the
//! code region (RAM when relocated; flash with XIP). Used by bench/footprint.
//!
//! `mote-bench-startup --bytecode [WASM_DIR]` prints, for every module, the interpreter's
//! register bytecode (all functions translated) against the Wasm code section: the RAM
//! an interpreted module needs for its code, beside the module bytes themselves.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use mote::aot::{load_module, AotExecutor};
use mote_core::runtime::{Executor, Linker, Store};
use mote_core::wasi::WasiCtxBuilder;
use mote_core::Module;
use mote_interp::Interpreter;
use mote_platforms::posix::wasi::PosixHost;

/// Size of the code section (id 10) of a Wasm binary, or 0.
fn code_section_bytes(wasm: &[u8]) -> usize {
    fn leb(bytes: &[u8], pos: &mut usize) -> Option<usize> {
        let (mut result, mut shift) = (0usize, 0);
        loop {
            let b = *bytes.get(*pos)?;
            *pos += 1;
            result |= ((b & 0x7f) as usize) << shift;
            if b & 0x80 == 0 {
                return Some(result);
            }
            shift += 7;
        }
    }
    let mut pos = 8;
    while pos < wasm.len() {
        let id = wasm[pos];
        pos += 1;
        let Some(size) = leb(wasm, &mut pos) else {
            return 0;
        };
        if id == 10 {
            return size;
        }
        pos += size;
    }
    0
}

/// Links WASI (no capabilities) and instantiates `module`; returns the store so that
/// dropping it is not part of the next measurement's setup.
fn instantiate(module: Arc<Module>, exec: &mut dyn Executor) -> Store {
    let mut store = Store::new();
    let mut linker = Linker::new();
    let wasi = WasiCtxBuilder::new()
        .arg("bench")
        .build(Box::new(PosixHost::new()))
        .expect("WASI context");
    mote_core::wasi::add_to_linker(&mut linker, &mut store, wasi);
    linker
        .instantiate(&mut store, module, exec)
        .unwrap_or_else(|e| panic!("instantiate: {e}"));
    store
}

fn translate_all(module: &Module) {
    let defined = (module.funcs.len() - module.num_imported_funcs as usize) as u32;
    for i in 0..defined {
        mote_interp::compiled(module, i).expect("translate");
    }
}

/// The `--bytecode` table: per module, Wasm code-section bytes against the bytes of the
/// interpreter's bytecode for every defined function (`Op`s only; each function's small
/// fixed header is not counted).
fn bytecode(dir: &Path) {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("wasm dir")
        .map(|entry| entry.expect("wasm dir").path())
        .filter(|path| path.extension().is_some_and(|e| e == "wasm"))
        .collect();
    paths.sort();
    println!("| module | wasm code bytes | bytecode bytes | bytecode / wasm |");
    println!("|---|---|---|---|");
    for path in paths {
        let wasm = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let code = code_section_bytes(&wasm);
        let module = Module::new(&wasm).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let defined = (module.funcs.len() - module.num_imported_funcs as usize) as u32;
        let ops: usize = (0..defined)
            .map(|i| Interpreter::bytecode(&module, i).expect("translate").len())
            .sum();
        let bytes = ops * std::mem::size_of::<mote_interp::code::Op>();
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        let ratio = bytes as f64 / code.max(1) as f64;
        println!("| {name} | {code} | {bytes} | {ratio:.2} |");
    }
}

/// Median of `rounds` timings of `f`, after a few untimed warm-up rounds. Whatever `f`
/// returns is dropped outside the timed region.
fn median<T>(rounds: usize, mut f: impl FnMut() -> T) -> Duration {
    for _ in 0..rounds.min(5) {
        drop(f());
    }
    let mut times: Vec<Duration> = (0..rounds)
        .map(|_| {
            let start = Instant::now();
            let keep = f();
            let t = start.elapsed();
            drop(keep);
            t
        })
        .collect();
    times.sort();
    times[times.len() / 2]
}

fn us(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64() * 1e6)
}

fn main() {
    let mut rounds = 200usize;
    let mut dir = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../wasm"));
    let mut requirements_mode = false;
    let mut bytecode_mode = false;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--rounds" => {
                rounds = args
                    .next()
                    .and_then(|n| n.parse().ok())
                    .filter(|&n| n > 0)
                    .expect("--rounds N")
            }
            "--requirements" => requirements_mode = true,
            "--bytecode" => bytecode_mode = true,
            "-h" | "--help" => {
                println!(
                    "usage: mote-bench-startup [--rounds N | --requirements | --bytecode] [WASM_DIR]"
                );
                return;
            }
            _ => dir = PathBuf::from(arg),
        }
    }
    if requirements_mode {
        return requirements(&dir);
    }
    if bytecode_mode {
        return bytecode(&dir);
    }
    let read = |p: &Path| std::fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    // The module with the most code.
    let mut largest: Option<(usize, PathBuf)> = None;
    for entry in std::fs::read_dir(&dir).expect("wasm dir") {
        let path = entry.expect("wasm dir").path();
        if path.extension().is_some_and(|e| e == "wasm") {
            let code = code_section_bytes(&read(&path));
            if largest.as_ref().is_none_or(|(c, _)| code > *c) {
                largest = Some((code, path));
            }
        }
    }
    let (largest_code, largest) = largest.expect("no .wasm files");
    let modules = [dir.join("bare.wasm"), largest];

    println!("| module | wasm bytes | code bytes | interp: load + instantiate (µs) | interp: + translate all (µs) | aot: load + instantiate (µs) | .aot bytes |");
    println!("|---|---|---|---|---|---|---|");
    for path in &modules {
        let wasm = read(path);
        let name = path.file_name().unwrap().to_string_lossy();
        let interp = median(rounds, || {
            let module = Arc::new(Module::new(&wasm).expect("module"));
            let mut exec = Interpreter::new();
            (instantiate(module, &mut exec), exec)
        });
        let interp_all = median(rounds, || {
            let module = Arc::new(Module::new(&wasm).expect("module"));
            let mut exec = Interpreter::new();
            let store = instantiate(module.clone(), &mut exec);
            translate_all(&module);
            (store, exec)
        });
        let module = Module::new(&wasm).expect("module");
        let obj = mote_aotc::compile(&module, &wasm, &mote_aotc::Options::host())
            .unwrap_or_else(|e| panic!("aotc: {e}"));
        let aot = mote_core::aot::format::write(&obj);
        let aot_time = median(rounds, || {
            let module = load_module(&aot).unwrap_or_else(|e| panic!("load: {e}"));
            let mut exec = AotExecutor::new();
            (instantiate(module, &mut exec), exec)
        });
        println!(
            "| {name} | {} | {} | {} | {} | {} | {} |",
            wasm.len(),
            code_section_bytes(&wasm),
            us(interp),
            us(interp_all),
            us(aot_time),
            aot.len()
        );
    }

    // Translation speed: every defined function, fresh Module (so nothing is cached)
    // each round; the parse + validate is outside the timed region.
    let wasm = read(&modules[1]);
    let name = modules[1]
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    let mut times: Vec<Duration> = (0..rounds)
        .map(|_| {
            let module = Module::new(&wasm).expect("module");
            let start = Instant::now();
            translate_all(&module);
            start.elapsed()
        })
        .collect();
    times.sort();
    let t = times[times.len() / 2];
    let mbps = largest_code as f64 / t.as_secs_f64() / 1e6;
    println!();
    println!(
        "Interpreter translation speed ({name}, {largest_code} bytes of code, all functions): \
         {} µs, {mbps:.1} MB/s (median of {rounds} rounds)",
        us(t)
    );
}

/// The per-instance RAM of an AOT module beyond linear memory and stacks, from the
/// loader's `Requirements`: the `VmContext`, the array of global pointers and the global
/// cells (8 bytes each), and one trampoline address per defined function; plus the code
/// region (text, rodata, GOT, veneers) the loader relocates into.
fn requirements(dir: &Path) {
    use mote_core::aot::format::AotFile;
    use mote_core::aot::reloc::Arch;

    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("wasm dir")
        .map(|e| e.expect("wasm dir").path())
        .filter(|p| p.extension().is_some_and(|e| e == "wasm"))
        .collect();
    paths.sort();
    println!("| module | target | instance RAM (B) | of which VmContext | globals | defined funcs | code region (B) |");
    println!("|---|---|---|---|---|---|---|");
    for path in &paths {
        let wasm = std::fs::read(path).expect("read");
        let module = Module::new(&wasm).expect("module");
        let name = path.file_name().unwrap().to_string_lossy();
        for arch in [Arch::X86_64, Arch::Thumbv7em] {
            let mut opts = mote_aotc::Options::new(arch);
            if arch == Arch::Thumbv7em {
                // An FPU with f64 (the programs use doubles; mote has no soft-float helpers).
                opts.cpu = Some("cortex-m7".into());
            }
            let obj = match mote_aotc::compile(&module, &wasm, &opts) {
                Ok(obj) => obj,
                Err(e) => {
                    let e = e.to_string();
                    let short: String = e.chars().take(80).collect();
                    println!("| {name} | {arch:?} | aotc failed: {short} | | | | |");
                    continue;
                }
            };
            let aot = mote_core::aot::format::write(&obj);
            let file = AotFile::parse(&aot).expect("parse");
            let r = mote_loader::requirements(&file);
            let ptr = arch.pointer_size();
            let ram = r.vmctx_bytes + r.globals * (ptr + 8) + r.funcs * ptr;
            println!(
                "| {name} | {arch:?} | {ram} | {} | {} | {} | {} |",
                r.vmctx_bytes, r.globals, r.funcs, r.region_bytes
            );
        }
    }
}
