//! `aotc`: compile a `.wasm` module into a `.aot` file.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, ValueEnum};
use mote_aotc::{default_bounds_checks, host_arch, parse_arch, Options};
use mote_core::aot::object::BoundsChecks;
use mote_core::Module;

#[derive(Clone, Copy, Debug, ValueEnum)]
enum Bounds {
    Guard,
    Explicit,
}

/// Ahead-of-time compiler: WebAssembly → LLVM → `.aot` for mote's loader.
#[derive(Parser, Debug)]
#[command(name = "aotc", version)]
struct Args {
    /// Input WebAssembly binary.
    input: PathBuf,
    /// Output `.aot` file.
    #[arg(short, long)]
    output: PathBuf,
    /// Target architecture: x86_64, aarch64, thumbv7em, riscv32 (default: the host).
    #[arg(long)]
    target: Option<String>,
    /// Optimisation level 0..3.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u8).range(0..=3))]
    opt_level: u8,
    /// Size optimisation level 0..3 (1 = -Os, 2 and 3 = -Oz).
    #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u8).range(0..=3))]
    size_level: u8,
    /// Memory bounds checks (default: guard on 64-bit targets, explicit elsewhere).
    #[arg(long, value_enum)]
    bounds_checks: Option<Bounds>,
    /// Target CPU for LLVM (e.g. skylake, cortex-m7, native).
    #[arg(long)]
    cpu: Option<String>,
    /// LLVM target features, e.g. +sse4.1 or +f,+d.
    #[arg(long)]
    cpu_features: Option<String>,
    /// Position-independent code on thumbv7em/riscv32 too (always on for 64-bit targets).
    #[arg(long)]
    pic: bool,
    /// Execute in place: code the loader never writes to, run where the file lies (e.g.
    /// from flash; thumbv7em, riscv32, x86_64). Position-independent, every relocation
    /// resolved here, helpers reached through the instance context.
    #[arg(long)]
    xip: bool,
    /// Also write the optimised LLVM IR to OUTPUT.ll.
    #[arg(long)]
    emit_llvm: bool,
    /// Meter fuel: charge each straight-line segment's instruction count (needed to run
    /// with a fuel budget, e.g. `iwasm --fuel=N`).
    #[arg(long)]
    fuel: bool,
    /// Check for interrupts at function entries and loop headers (needed to stop the
    /// code from another thread, e.g. `iwasm --timeout=MS`).
    #[arg(long)]
    interruptible: bool,
    /// No trap backtraces: the smallest and fastest code (see docs/diagnostics.md).
    #[arg(long)]
    no_backtrace: bool,
    /// Leave the Wasm offsets out of trap backtraces (smaller code; frames then name
    /// their functions only).
    #[arg(long)]
    no_backtrace_offsets: bool,
    /// Deterministic mode: canonicalise NaN results, so that results and fuel counts are
    /// bit-identical on every engine (needed to run with `iwasm --deterministic`).
    #[arg(long)]
    deterministic: bool,
}

fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(msg) => {
            eprintln!("aotc: {msg}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &Args) -> Result<(), String> {
    if !mote_aotc::HAS_LLVM {
        return Err("aotc was built without LLVM (enable the `llvm` feature)".into());
    }
    let arch = match &args.target {
        Some(t) => parse_arch(t).ok_or_else(|| {
            format!("unknown target `{t}` (expected x86_64, aarch64, thumbv7em or riscv32)")
        })?,
        None => host_arch(),
    };
    let bounds_checks = match args.bounds_checks {
        Some(Bounds::Guard) => BoundsChecks::Guard,
        Some(Bounds::Explicit) => BoundsChecks::Explicit,
        None => default_bounds_checks(arch),
    };
    let wasm = std::fs::read(&args.input)
        .map_err(|e| format!("cannot read {}: {e}", args.input.display()))?;
    let module = Module::new(&wasm).map_err(|e| format!("{}: {e}", args.input.display()))?;
    let opts = Options {
        arch,
        cpu: args.cpu.clone(),
        cpu_features: args.cpu_features.clone(),
        opt_level: args.opt_level,
        size_level: args.size_level,
        bounds_checks,
        emit_llvm: args.emit_llvm,
        soft_div64: None,
        pic: args.pic.then_some(true),
        xip: args.xip,
        fuel: args.fuel,
        interruptible: args.interruptible,
        backtrace: !args.no_backtrace,
        backtrace_offsets: !args.no_backtrace_offsets,
        deterministic: args.deterministic,
    };
    let out = mote_aotc::compile_full(&module, &wasm, &opts)
        .map_err(|e| format!("{}: {e}", args.input.display()))?;
    if let Some(ir) = &out.llvm_ir {
        let mut p = args.output.clone().into_os_string();
        p.push(".ll");
        std::fs::write(&p, ir)
            .map_err(|e| format!("cannot write {}: {e}", PathBuf::from(&p).display()))?;
    }
    let bytes = mote_aotc::write_file(&out.object, &opts);
    std::fs::write(&args.output, &bytes)
        .map_err(|e| format!("cannot write {}: {e}", args.output.display()))?;
    Ok(())
}
