//! Hostile files: byte-mutated `.wasm` and `.aot` files (the latter with the checksum left
//! stale, and recomputed so the mutation reaches the parser behind it), and modules that
//! declare huge limits and counts, through `iwasm` (a subprocess: exit code 0 or 1, at
//! most one line on stderr, never a panic, a signal or a hang) and through the C API
//! (`mote_wasm_load`, `mote_aot_requirements`, `mote_aot_instantiate`: a `MOTE_ERR_*` and
//! a one-line `mote_last_error`). The mutants are seeded, so a failure names a file that
//! can be made again; `MOTE_HOSTILE_SCALE=N` runs N times as many.
#![cfg(all(target_arch = "x86_64", target_os = "linux"))]

use std::ffi::CStr;
use std::io::Read;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use mote::capi::*;
use mote_core::aot::format::{self, hdr, AotFile};
use mote_core::aot::object::BoundsChecks;
use mote_fuzz::rng::Rng;

/// How long `iwasm` may take on one file; the slowest accepted file takes milliseconds.
const IWASM_TIMEOUT: Duration = Duration::from_secs(20);
/// Buffers the C API test gives an instance at most; a file asking for more is refused
/// by the embedder (the requirements exist so it can).
const CAPI_BUFFER_CAP: usize = 64 << 20;

/// The C API's state is global: one test at a time uses it.
static CAPI: Mutex<()> = Mutex::new(());

fn scale() -> usize {
    std::env::var("MOTE_HOSTILE_SCALE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1)
}

/// Modules whose sections between them hold every kind of item, none with a start
/// function or `_start`: iwasm only loads and instantiates them (and a mutant of an
/// `.aot` file must not run code a mutation could have pointed anywhere).
fn base_modules() -> Vec<Vec<u8>> {
    [
        r#"(module
            (type $binop (func (param i32 i32) (result i32)))
            (memory (export "memory") 1 4)
            (table 4 8 funcref)
            (global $g (mut i32) (i32.const 7))
            (global (export "limit") i64 (i64.const 1000))
            (data (i32.const 16) "hello, hostile world")
            (data $passive "passive bytes")
            (elem (i32.const 1) $add $mul)
            (func $add (type $binop) (i32.add (local.get 0) (local.get 1)))
            (func $mul (type $binop) (i32.mul (local.get 0) (local.get 1)))
            (func (export "dispatch") (param i32 i32 i32) (result i32)
              (local i64 f64)
              (call_indirect (type $binop) (local.get 0) (local.get 1) (local.get 2)))
            (func (export "sum") (param $n i32) (result i64) (local $acc i64)
              (block $done
                (loop $next
                  (br_if $done (i32.eqz (local.get $n)))
                  (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_u (local.get $n))))
                  (local.set $n (i32.sub (local.get $n) (i32.const 1)))
                  (br $next)))
              (local.get $acc))
            (func (export "copy") (param i32 i32 i32)
              (memory.copy (local.get 0) (local.get 1) (local.get 2))
              (global.set $g (i32.load8_u (local.get 0)))))"#,
        r#"(module
            (import "env" "missing" (func $host (param i32) (result i32)))
            (memory 1)
            (func (export "call_host") (param i32) (result i32)
              (call $host (local.get 0)))
            (func (export "switch") (param i32) (result i32)
              (block $a (block $b (block $c
                (br_table $a $b $c (local.get 0)))
                (return (i32.const 3)))
                (return (i32.const 2)))
              (i32.const 1)))"#,
        r#"(module
            (table $refs 2 externref)
            (memory 0 1)
            (func (export "floats") (param f32 f64) (result f64)
              (f64.add (f64.promote_f32 (local.get 0)) (f64.sqrt (local.get 1))))
            (func (export "grow") (param i32) (result i32)
              (memory.grow (local.get 0)))
            (func (export "put") (param externref)
              (table.set $refs (i32.const 0) (local.get 0)))
            (func (export "pair") (result i32 i64)
              (i32.const 1) (i64.const 2)))"#,
    ]
    .iter()
    .map(|text| wat::parse_str(text).expect("base module text"))
    .collect()
}

fn compile(wasm: &[u8], bounds: BoundsChecks) -> Vec<u8> {
    let module = mote_core::Module::new(wasm).expect("base modules are valid");
    let mut opts = mote_aotc::Options::host();
    opts.bounds_checks = bounds;
    format::write(&mote_aotc::compile(&module, wasm, &opts).expect("base modules compile"))
}

/// Byte range of `part` inside `whole`.
fn range_in(whole: &[u8], part: &[u8]) -> Range<usize> {
    let start = part.as_ptr() as usize - whole.as_ptr() as usize;
    start..start + part.len()
}

/// One to four mutations of `bytes`. With `fixed_layout` the length stays and no byte in
/// `keep` changes (the code of an `.aot` file whose checksum is recomputed: a file is
/// trusted code once its checksum matches, so mutating that would test nothing but the
/// CPU).
fn mutate(rng: &mut Rng, bytes: &[u8], fixed_layout: bool, keep: &[Range<usize>]) -> Vec<u8> {
    let mut out = bytes.to_vec();
    for _ in 0..1 + rng.index(4) {
        let pos = loop {
            let pos = rng.index(out.len());
            if !keep.iter().any(|r| r.contains(&pos)) {
                break pos;
            }
        };
        let kinds = if fixed_layout { 4 } else { 7 };
        match rng.index(kinds) {
            0 => out[pos] ^= 1 << rng.index(8),
            1 => out[pos] = [0x00, 0x01, 0x7f, 0x80, 0xff, rng.byte()][rng.index(6)],
            // A 32-bit field (the .aot format's counts and offsets) or the bytes of a
            // LEB128 set to a huge or boundary value.
            2 | 3 => {
                let value: u32 =
                    [u32::MAX, 0x8000_0000, 0x7fff_ffff, 0x1_0000, 65537][rng.index(5)];
                let pos = pos & !3;
                for (i, b) in value.to_le_bytes().iter().enumerate() {
                    if pos + i < out.len() && !keep.iter().any(|r| r.contains(&(pos + i))) {
                        out[pos + i] = *b;
                    }
                }
            }
            4 => out.insert(pos, rng.byte()),
            5 => {
                out.remove(pos);
                if out.is_empty() {
                    out.push(0);
                }
            }
            _ => {
                // A LEB128 u32 at its maximum, inserted (a count or size of 4 Gi).
                out.splice(pos..pos, [0xff, 0xff, 0xff, 0xff, 0x0f]);
            }
        }
    }
    if !fixed_layout && rng.index(16) == 0 {
        out.truncate(rng.index(out.len()).max(1));
    }
    out
}

/// The hostile files of one kind, each with a name that says how to make it again.
struct Corpus {
    kind: &'static str,
    files: Vec<(String, Vec<u8>)>,
}

fn wasm_mutants(count: usize) -> Corpus {
    let bases = base_modules();
    let files = (0..count)
        .map(|i| {
            let mut rng = Rng::new(0x5eed_0000 + i as u64);
            let base = &bases[i % bases.len()];
            (
                format!("wasm-mutant-{i}"),
                mutate(&mut rng, base, false, &[]),
            )
        })
        .collect();
    Corpus {
        kind: "mutated .wasm",
        files,
    }
}

/// Mutants of the base modules' `.aot` files (both bounds modes). `fix_checksum`:
/// the checksum is recomputed after mutating, so the file gets past it to the header,
/// section, function-table, relocation and metadata checks.
fn aot_mutants(count: usize, fix_checksum: bool) -> Corpus {
    let aots: Vec<Vec<u8>> = base_modules()
        .iter()
        .flat_map(|wasm| {
            [BoundsChecks::Explicit, BoundsChecks::Guard].map(|bounds| compile(wasm, bounds))
        })
        .collect();
    let files = (0..count)
        .map(|i| {
            let mut rng = Rng::new(0xa07_0000 + i as u64 + (u64::from(fix_checksum) << 32));
            let base = &aots[i % aots.len()];
            let mut file = if fix_checksum {
                let parsed = AotFile::parse(base).expect("aotc's output parses");
                let mut keep = vec![
                    range_in(base, parsed.text()),
                    hdr::CHECKSUM..hdr::CHECKSUM + 8,
                ];
                if !parsed.rodata().is_empty() {
                    keep.push(range_in(base, parsed.rodata()));
                }
                mutate(&mut rng, base, true, &keep)
            } else {
                mutate(&mut rng, base, false, &[])
            };
            if fix_checksum && file.len() >= format::HEADER_SIZE {
                let sum = format::checksum(&file);
                file[hdr::CHECKSUM..hdr::CHECKSUM + 8].copy_from_slice(&sum.to_le_bytes());
            }
            let name = format!(
                "aot-{}-{i}",
                if fix_checksum { "resummed" } else { "stale" }
            );
            (name, file)
        })
        .collect();
    Corpus {
        kind: if fix_checksum {
            "mutated .aot, checksum recomputed"
        } else {
            "mutated .aot, checksum stale"
        },
        files,
    }
}

// ---- modules declaring huge limits and counts ------------------------------------

fn leb(value: u64, out: &mut Vec<u8>) {
    mote_core::leb::write_unsigned(out, value);
}

fn section(id: u8, payload: &[u8]) -> Vec<u8> {
    let mut out = vec![id];
    leb(payload.len() as u64, &mut out);
    out.extend_from_slice(payload);
    out
}

fn module(sections: &[Vec<u8>]) -> Vec<u8> {
    let mut out = b"\0asm\x01\0\0\0".to_vec();
    for s in sections {
        out.extend_from_slice(s);
    }
    out
}

/// `count` (a LEB128) followed by `rest`: a vector that claims `count` items.
fn claims(count: u64, rest: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    leb(count, &mut out);
    out.extend_from_slice(rest);
    out
}

const MAX_U32: u64 = u32::MAX as u64;
/// `(type (func))` and `(func (type 0))`, for modules that need a function.
fn one_func_type() -> Vec<u8> {
    section(1, &[1, 0x60, 0, 0])
}

fn huge_modules() -> Corpus {
    let body = |locals: &[(u64, u8)]| -> Vec<u8> {
        let mut b = Vec::new();
        leb(locals.len() as u64, &mut b);
        for (n, ty) in locals {
            leb(*n, &mut b);
            b.push(*ty);
        }
        b.push(0x0b);
        let mut code = vec![1];
        leb(b.len() as u64, &mut code);
        code.extend_from_slice(&b);
        section(10, &code)
    };
    let func = section(3, &[1, 0]);
    let memory = |flags: u8, min: u64, max: Option<u64>| {
        let mut m = vec![1, flags];
        leb(min, &mut m);
        if let Some(max) = max {
            leb(max, &mut m);
        }
        section(5, &m)
    };
    let table = |min: u64, max: Option<u64>| {
        let mut t = vec![1, 0x70, u8::from(max.is_some())];
        leb(min, &mut t);
        if let Some(max) = max {
            leb(max, &mut t);
        }
        section(4, &t)
    };
    let many_types = {
        let mut t = Vec::new();
        leb(100_000, &mut t);
        for _ in 0..100_000 {
            t.extend_from_slice(&[0x60, 0, 0]);
        }
        section(1, &t)
    };
    let many_funcs = {
        let n = 200_000u64;
        let mut f = Vec::new();
        leb(n, &mut f);
        f.resize(f.len() + n as usize, 0);
        let mut c = Vec::new();
        leb(n, &mut c);
        for _ in 0..n {
            c.extend_from_slice(&[2, 0, 0x0b]);
        }
        vec![section(3, &f), section(10, &c)]
    };
    let mut br_table = vec![0x02, 0x40, 0x41, 0x00, 0x0e];
    leb(MAX_U32, &mut br_table);
    br_table.extend_from_slice(&[0, 0, 0x0b, 0x0b]);
    let mut br_table_body = vec![0];
    br_table_body.extend_from_slice(&br_table);
    let mut br_table_code = vec![1];
    leb(br_table_body.len() as u64, &mut br_table_code);
    br_table_code.extend_from_slice(&br_table_body);

    let files: Vec<(&str, Vec<u8>)> = vec![
        (
            "types-4Gi",
            module(&[section(1, &claims(MAX_U32, &[0x60, 0, 0]))]),
        ),
        ("types-100k", module(&[many_types])),
        (
            "imports-4Gi",
            module(&[
                one_func_type(),
                section(2, &claims(MAX_U32, b"\x01m\x01f\x00\x00")),
            ]),
        ),
        (
            "functions-4Gi",
            module(&[one_func_type(), section(3, &claims(MAX_U32, &[0, 0, 0]))]),
        ),
        (
            "functions-200k",
            module(&[&[one_func_type()][..], &many_funcs].concat()),
        ),
        (
            "tables-4Gi",
            module(&[section(4, &claims(MAX_U32, &[0x70, 0, 1]))]),
        ),
        ("table-min-4Gi", module(&[table(MAX_U32, None)])),
        ("table-min-16Mi", module(&[table(1 << 24, Some(1 << 24))])),
        (
            "memories-4Gi",
            module(&[section(5, &claims(MAX_U32, &[0, 1]))]),
        ),
        ("memory-min-65536", module(&[memory(0, 65536, None)])),
        ("memory-min-65537", module(&[memory(0, 65537, None)])),
        (
            "memory-min-4Gi",
            module(&[memory(1, MAX_U32, Some(MAX_U32))]),
        ),
        (
            "memory64-min-huge",
            module(&[memory(4, u64::MAX >> 1, None)]),
        ),
        (
            "globals-4Gi",
            module(&[section(6, &claims(MAX_U32, &[0x7f, 0, 0x41, 0, 0x0b]))]),
        ),
        (
            "exports-4Gi",
            module(&[section(7, &claims(MAX_U32, b"\x01e\x00\x00"))]),
        ),
        (
            "elements-4Gi",
            module(&[
                one_func_type(),
                func.clone(),
                table(1, None),
                section(9, &claims(MAX_U32, &[0, 0x41, 0, 0x0b, 1, 0])),
                body(&[]),
            ]),
        ),
        (
            "element-items-4Gi",
            module(&[
                one_func_type(),
                func.clone(),
                table(1, None),
                section(9, &[1, 0, 0x41, 0, 0x0b, 0xff, 0xff, 0xff, 0xff, 0x0f, 0]),
            ]),
        ),
        (
            "data-count-4Gi",
            module(&[section(12, &claims(MAX_U32, &[]))]),
        ),
        (
            "data-segments-4Gi",
            module(&[
                memory(0, 1, None),
                section(11, &claims(MAX_U32, &[0, 0x41, 0, 0x0b, 0])),
            ]),
        ),
        (
            "data-bytes-4Gi",
            module(&[
                memory(0, 1, None),
                section(
                    11,
                    &[1, 0, 0x41, 0, 0x0b, 0xff, 0xff, 0xff, 0xff, 0x0f, 1, 2, 3],
                ),
            ]),
        ),
        (
            "data-at-4Gi",
            module(&[
                memory(0, 1, None),
                section(11, &[1, 0, 0x41, 0x7f, 0x0b, 1, 9]),
            ]),
        ),
        (
            "bodies-4Gi",
            module(&[
                one_func_type(),
                func.clone(),
                section(10, &claims(MAX_U32, &[2, 0, 0x0b])),
            ]),
        ),
        (
            "locals-4Gi",
            module(&[one_func_type(), func.clone(), body(&[(MAX_U32, 0x7f)])]),
        ),
        (
            "locals-2x2Gi",
            module(&[
                one_func_type(),
                func.clone(),
                body(&[(0x8000_0000, 0x7f), (0x8000_0000, 0x7e)]),
            ]),
        ),
        (
            "locals-100k",
            module(&[one_func_type(), func.clone(), body(&[(100_000, 0x7e)])]),
        ),
        (
            "br-table-4Gi",
            module(&[one_func_type(), func.clone(), section(10, &br_table_code)]),
        ),
        ("custom-section-len-4Gi", {
            let mut m = module(&[]);
            m.push(0);
            leb(MAX_U32, &mut m);
            m.extend_from_slice(b"\x04name");
            m
        }),
        (
            "names-4Gi",
            module(&[
                one_func_type(),
                func.clone(),
                body(&[]),
                section(
                    0,
                    &[&b"\x04name\x01\x06"[..], &claims(MAX_U32, &[0, 1, b'f'])].concat(),
                ),
            ]),
        ),
    ];
    Corpus {
        kind: "huge limits and counts",
        files: files.into_iter().map(|(n, b)| (n.to_string(), b)).collect(),
    }
}

// ---- the checks --------------------------------------------------------------------

fn dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("hostile");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// What iwasm did with a file: `Ok(true)` refused with one line, `Ok(false)` accepted
/// (loaded and instantiated), `Err` how it misbehaved.
fn iwasm(path: &Path) -> Result<bool, String> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_iwasm"))
        .arg(path)
        .env("RUST_BACKTRACE", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run iwasm: {e}"))?;
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
            break status;
        }
        if start.elapsed() > IWASM_TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("no answer within {IWASM_TIMEOUT:?}"));
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .expect("piped")
        .read_to_string(&mut stderr)
        .map_err(|e| e.to_string())?;
    let lines: Vec<&str> = stderr.lines().collect();
    let panicked = [
        "panicked",
        "internal error",
        "RUST_BACKTRACE",
        "stack backtrace",
    ]
    .iter()
    .any(|s| stderr.contains(s));
    match status.code() {
        _ if panicked => Err(format!("panicked: {stderr}")),
        Some(0) if lines.is_empty() => Ok(false),
        Some(1) if lines.len() == 1 && !lines[0].trim().is_empty() => Ok(true),
        code => Err(format!("exit {code:?} ({status}), stderr {stderr:?}")),
    }
}

fn last_error() -> String {
    // SAFETY: mote_last_error returns a NUL-terminated string in a static buffer.
    unsafe { CStr::from_ptr(mote_last_error()) }
        .to_string_lossy()
        .into_owned()
}

fn capi_init() {
    let args = mote_init_args {
        protect: None,
        clock: None,
        random: None,
        user: std::ptr::null_mut(),
        arena: std::ptr::null_mut(),
        arena_len: 0,
        interp_stack_bytes: 0,
        native_stack_bytes: 0,
        fatal: None,
        write: None,
        sleep: None,
        clock_res_ns: 0,
        reserved: 0,
    };
    // SAFETY: `args` is a valid, initialised struct for the call's duration.
    assert_eq!(unsafe { mote_init(&args) }, MOTE_OK, "{}", last_error());
}

/// A refusal must be one of the documented errors with a one-line message.
fn refusal(rc: i32, what: &str) -> Result<bool, String> {
    let message = last_error();
    let known = (MOTE_ERR_EXIT..=MOTE_ERR_ARGUMENT).contains(&rc);
    if known && !message.trim().is_empty() && !message.contains('\n') {
        Ok(true)
    } else {
        Err(format!("{what}: code {rc}, message {message:?}"))
    }
}

/// A buffer of `len` bytes aligned to `align`, as a firmware's static would be.
struct Buffer {
    ptr: *mut u8,
    layout: std::alloc::Layout,
}

impl Buffer {
    fn new(len: usize, align: usize) -> Option<Buffer> {
        let layout = std::alloc::Layout::from_size_align(len.max(1), align.max(1)).ok()?;
        // SAFETY: the layout has a non-zero size.
        let ptr = unsafe { std::alloc::alloc_zeroed(layout) };
        (!ptr.is_null()).then_some(Buffer { ptr, layout })
    }
}

impl Drop for Buffer {
    fn drop(&mut self) {
        // SAFETY: `ptr` came from `alloc_zeroed` with this layout.
        unsafe { std::alloc::dealloc(self.ptr, self.layout) }
    }
}

/// The C API on one file: `.wasm` through the interpreter's load and instantiate,
/// `.aot` through requirements and instantiation into buffers of the asked sizes.
/// `Ok(true)`: refused cleanly.
fn capi(bytes: &[u8]) -> Result<bool, String> {
    if bytes.starts_with(&format::MAGIC4) {
        let mut reqs = mote_aot_reqs::default();
        // SAFETY: `bytes` and `reqs` are valid for the call.
        let rc = unsafe { mote_aot_requirements(bytes.as_ptr(), bytes.len(), &mut reqs) };
        if rc != MOTE_OK {
            return refusal(rc, "mote_aot_requirements");
        }
        if [reqs.code_bytes, reqs.state_bytes, reqs.memory_min_bytes]
            .iter()
            .any(|&n| n > CAPI_BUFFER_CAP)
        {
            // Bounded: the embedder sees the size before giving any memory.
            return Ok(true);
        }
        let code = Buffer::new(reqs.code_bytes, reqs.code_align).ok_or("code buffer")?;
        let state = Buffer::new(reqs.state_bytes, reqs.state_align).ok_or("state buffer")?;
        let memory = Buffer::new(reqs.memory_min_bytes, 16).ok_or("memory buffer")?;
        let mut instance = std::ptr::null_mut();
        // SAFETY: each buffer is valid for its length and outlives the instance, which
        // is ended below before they are freed.
        let rc = unsafe {
            mote_aot_instantiate(
                bytes.as_ptr(),
                bytes.len(),
                code.ptr.cast(),
                reqs.code_bytes,
                state.ptr.cast(),
                reqs.state_bytes,
                memory.ptr.cast(),
                reqs.memory_min_bytes,
                &mut instance,
            )
        };
        if rc != MOTE_OK {
            return refusal(rc, "mote_aot_instantiate");
        }
        // SAFETY: `instance` came from mote_aot_instantiate.
        let rc = unsafe { mote_instance_deinit(instance) };
        return if rc == MOTE_OK {
            Ok(false)
        } else {
            refusal(rc, "deinit")
        };
    }
    let mut module = std::ptr::null_mut();
    // SAFETY: `bytes` is valid for the call; the module is freed below.
    let rc = unsafe { mote_wasm_load(bytes.as_ptr(), bytes.len(), &mut module) };
    if rc != MOTE_OK {
        return refusal(rc, "mote_wasm_load");
    }
    let mut instance = std::ptr::null_mut();
    // SAFETY: `module` came from mote_wasm_load and is freed after the instance.
    let rc = unsafe { mote_wasm_instantiate(module, &mut instance) };
    let outcome = if rc == MOTE_OK {
        // SAFETY: `instance` came from mote_wasm_instantiate.
        unsafe { mote_instance_deinit(instance) };
        Ok(false)
    } else {
        refusal(rc, "mote_wasm_instantiate")
    };
    // SAFETY: `module` came from mote_wasm_load and was not freed.
    unsafe { mote_module_free(module) };
    outcome
}

/// The embedding API in this process, which must answer with an error, never panic.
fn embedding(bytes: &[u8]) -> Result<bool, String> {
    let run = std::panic::catch_unwind(|| match mote::Module::new(bytes) {
        Err(e) => Ok(e.to_string()),
        // An accepted .aot mutant is left to iwasm's process: it maps code.
        Ok(_) if bytes.starts_with(&format::MAGIC4) => Err(()),
        Ok(module) => {
            let mut store = mote::Store::new();
            match mote::Linker::new().instantiate(&mut store, &module) {
                Err(e) => Ok(e.to_string()),
                Ok(_) => Err(()),
            }
        }
    });
    match run {
        Ok(Ok(message)) if !message.trim().is_empty() && !message.contains('\n') => Ok(true),
        Ok(Ok(message)) => Err(format!("error message {message:?}")),
        Ok(Err(())) => Ok(false),
        Err(_) => Err("panicked".to_string()),
    }
}

/// Runs every file of `corpus` through iwasm, the C API and the embedding API; every
/// misbehaviour is listed in the failure. Returns how many files each refused.
fn check(corpus: &Corpus) {
    let dir = dir();
    let mut failures = Vec::new();
    let mut refused = [0usize; 3];
    let _capi = CAPI.lock().unwrap_or_else(|e| e.into_inner());
    capi_init();
    for (name, bytes) in &corpus.files {
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        let results = [iwasm(&path), capi(bytes), embedding(bytes)];
        for (i, (result, via)) in results
            .into_iter()
            .zip(["iwasm", "C API", "Module::new"])
            .enumerate()
        {
            match result {
                Ok(was_refused) => refused[i] += usize::from(was_refused),
                Err(e) => failures.push(format!("{via} on {}: {e}", path.display())),
            }
        }
    }
    // SAFETY: every instance and module made above was freed.
    assert_eq!(unsafe { mote_deinit() }, MOTE_OK, "{}", last_error());
    println!(
        "{}: {} files; refused by iwasm {}, by the C API {}, by Module::new {}; misbehaved {}",
        corpus.kind,
        corpus.files.len(),
        refused[0],
        refused[1],
        refused[2],
        failures.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn mutated_wasm_files_are_refused_cleanly() {
    check(&wasm_mutants(300 * scale()));
}

#[test]
fn mutated_aot_files_with_a_stale_checksum_are_refused_cleanly() {
    check(&aot_mutants(60 * scale(), false));
}

#[test]
fn mutated_aot_files_with_a_recomputed_checksum_are_refused_cleanly() {
    check(&aot_mutants(240 * scale(), true));
}

#[test]
fn huge_limits_and_counts_are_refused_or_bounded() {
    check(&huge_modules());
}
