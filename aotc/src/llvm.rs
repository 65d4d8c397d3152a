//! The LLVM half: parse the generated IR, optimise, emit an ELF object in memory, convert.

use inkwell::context::Context;
use inkwell::memory_buffer::MemoryBuffer;
use inkwell::passes::PassBuilderOptions;
use inkwell::targets::{
    CodeModel, FileType, InitializationConfig, RelocMode, Target, TargetMachine, TargetTriple,
};
use inkwell::OptimizationLevel;
use mote_core::aot::object::AotObject;
use mote_core::aot::reloc::Arch;
use mote_core::Module;

use crate::elf::{self, ConvError};
use crate::ir::{self, IrOptions};
use crate::{CompileError, Options, Output};

/// Target triple, default CPU and default features per architecture.
pub fn target_defaults(arch: Arch) -> (&'static str, &'static str, &'static str) {
    match arch {
        Arch::X86_64 => ("x86_64-unknown-linux-gnu", "x86-64", ""),
        Arch::Aarch64 => ("aarch64-unknown-linux-gnu", "generic", "+neon"),
        Arch::Thumbv7em => ("thumbv7em-none-eabihf", "cortex-m4", ""),
        // No linker relaxation: mote never relaxes (docs/aot-relocations.md §4.6).
        Arch::Riscv32 => (
            "riscv32-unknown-none-elf",
            "generic-rv32",
            "+m,+a,+c,-relax",
        ),
    }
}

const ROUNDING_LIBCALLS: &[&str] = &[
    "ceil",
    "ceilf",
    "floor",
    "floorf",
    "trunc",
    "truncf",
    "rint",
    "rintf",
    "nearbyint",
    "nearbyintf",
    "roundeven",
    "roundevenf",
    "round",
    "roundf",
];

/// Whether module code uses LLVM 14's `tailcc` convention with guaranteed tail calls:
/// x86_64, aarch64 and thumbv7em (there with padded stack arguments, see
/// `arm_tailcc`). Its RISC-V backend has no `tailcc`: the C convention, and `return_call`
/// is refused.
fn guaranteed_tail_calls(arch: Arch) -> bool {
    !matches!(arch, Arch::Riscv32)
}

fn init_targets() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let c = InitializationConfig::default();
        Target::initialize_x86(&c);
        Target::initialize_aarch64(&c);
        Target::initialize_arm(&c);
        Target::initialize_riscv(&c);
        // x86's cmov conversion turns a `cmov` that reads memory into a branch around the
        // read, ignoring that the load is volatile (LLVM 14); in guard mode that read is
        // the bounds check and must happen on both paths (see `ir.rs`, `load`). A `cmov`
        // with a memory operand always reads it.
        let args = [
            c"aotc".as_ptr(),
            c"-x86-cmov-converter-force-mem-operand=false".as_ptr(),
        ];
        // SAFETY: argv holds two NUL-terminated strings that outlive the call; this runs
        // once, before any compilation reads LLVM's options.
        unsafe {
            inkwell::llvm_sys::support::LLVMParseCommandLineOptions(
                args.len() as i32,
                args.as_ptr(),
                std::ptr::null(),
            )
        };
    });
}

struct Machine {
    tm: TargetMachine,
    native_rounding: bool,
}

fn machine(opts: &Options) -> Result<Machine, CompileError> {
    init_targets();
    let (triple, def_cpu, def_features) = target_defaults(opts.arch);
    let triple = TargetTriple::create(triple);
    let target = Target::from_triple(&triple).map_err(|e| CompileError::Llvm(e.to_string()))?;
    let mut cpu = opts.cpu.clone().unwrap_or_else(|| def_cpu.to_string());
    let mut features = def_features.to_string();
    if cpu == "native" {
        if opts.arch != crate::host_arch() {
            return Err(CompileError::Unsupported(
                "--cpu native is only meaningful for the host architecture".into(),
            ));
        }
        cpu = TargetMachine::get_host_cpu_name().to_string();
        features = TargetMachine::get_host_cpu_features().to_string();
    }
    if let Some(f) = &opts.cpu_features {
        if !f.is_empty() {
            if !features.is_empty() {
                features.push(',');
            }
            features.push_str(f);
        }
    }
    let level = match opts.opt_level {
        0 => OptimizationLevel::None,
        1 => OptimizationLevel::Less,
        2 => OptimizationLevel::Default,
        _ => OptimizationLevel::Aggressive,
    };
    // Execute-in-place code reaches rodata and other functions PC-relatively only.
    let pic = opts.xip
        || opts
            .pic
            .unwrap_or(matches!(opts.arch, Arch::X86_64 | Arch::Aarch64));
    let reloc = if pic {
        RelocMode::PIC
    } else {
        RelocMode::Static
    };
    let tm = target
        .create_target_machine(&triple, &cpu, &features, level, reloc, CodeModel::Small)
        .ok_or_else(|| {
            CompileError::Llvm(format!(
                "cannot create a target machine for {} (cpu {cpu}, features {features:?})",
                triple
            ))
        })?;
    // First guess whether ceil/floor/trunc/nearest have instructions; a wrong guess shows
    // up as a libcall and is retried with the software lowering.
    let f = features.as_str();
    let native_rounding = match opts.arch {
        Arch::Aarch64 => true,
        Arch::X86_64 => {
            f.contains("+sse4.1")
                || f.contains("+avx")
                || !matches!(cpu.as_str(), "x86-64" | "generic" | "x86-64-v2" | "core2")
        }
        Arch::Thumbv7em => f.contains("+fp-armv8") || cpu == "cortex-m7" || cpu == "cortex-m33",
        Arch::Riscv32 => false,
    };
    Ok(Machine {
        tm,
        native_rounding,
    })
}

pub fn compile(module: &Module, opts: &Options) -> Result<Output, CompileError> {
    let m = machine(opts)?;
    let meta = mote_core::aot::meta::write::metadata(module)
        .map_err(|e| CompileError::Unsupported(e.to_string()))?;
    let mut soft = !m.native_rounding;
    loop {
        let (obj, ir_text) = emit(module, opts, &m, soft)?;
        match elf::convert(
            opts.arch,
            opts.bounds_checks,
            meta.clone(),
            module.bodies.len(),
            &obj,
        ) {
            Ok(mut object) => {
                if opts.xip {
                    crate::xip::resolve(&mut object)?;
                }
                return Ok(Output {
                    object: AotObject {
                        names: mote_core::aot::meta::write::names(module),
                        checks: opts.checks(),
                        ..object
                    },
                    llvm_ir: ir_text,
                });
            }
            Err(ConvError::Libcalls(names)) => {
                if !soft
                    && names
                        .iter()
                        .any(|n| ROUNDING_LIBCALLS.contains(&n.as_str()))
                {
                    soft = true;
                    continue;
                }
                return Err(CompileError::Object(format!(
                    "the generated code calls {} which mote does not provide: the target has no \
                     instruction for an operation the module uses (floating point without an \
                     FPU, or f64 on a single-precision FPU; try --cpu-features=+f,+d on \
                     riscv32 or --cpu cortex-m7 on thumbv7em)",
                    names
                        .iter()
                        .map(|n| format!("`{n}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )));
            }
            Err(ConvError::Other(m)) => return Err(CompileError::Object(m)),
        }
    }
}

fn emit(
    module: &Module,
    opts: &Options,
    m: &Machine,
    soft_rounding: bool,
) -> Result<(Vec<u8>, Option<String>), CompileError> {
    let ir_opts = IrOptions {
        pointer_size: opts.arch.pointer_size(),
        soft_div64: opts.soft_div64.unwrap_or(opts.arch.pointer_size() == 4),
        soft_int_float: opts.soft_div64.unwrap_or(opts.arch.pointer_size() == 4),
        bounds_checks: opts.bounds_checks,
        soft_rounding,
        size_level: opts.size_level,
        xip: opts.xip,
        tail_calls: guaranteed_tail_calls(opts.arch),
        pad_stack_args: opts.arch == Arch::Thumbv7em,
        fuel: opts.fuel,
        interruptible: opts.interruptible,
        backtrace: opts.backtrace,
        backtrace_offsets: opts.backtrace_offsets,
        deterministic: opts.deterministic,
    };
    let timing = std::env::var_os("MOTE_AOTC_TIMING").is_some();
    let t0 = std::time::Instant::now();
    let text = ir::module_ir(module, &ir_opts)?;
    let t_ir = t0.elapsed();
    let ctx = Context::create();
    let buf = MemoryBuffer::create_from_memory_range_copy(text.as_bytes(), "wasm");
    let llmod = ctx.create_module_from_ir(buf).map_err(|e| {
        CompileError::Llvm(format!("generated IR does not parse: {}", e.to_string()))
    })?;
    llmod.set_triple(&m.tm.get_triple());
    llmod.set_data_layout(&m.tm.get_target_data().get_data_layout());
    llmod.verify().map_err(|e| {
        CompileError::Llvm(format!("generated IR does not verify: {}", e.to_string()))
    })?;
    let pipeline = match (opts.opt_level, opts.size_level) {
        (0, _) => "default<O0>".to_string(),
        (_, 1) => "default<Os>".to_string(),
        (_, s) if s >= 2 => "default<Oz>".to_string(),
        (o, _) => format!("default<O{}>", o.min(3)),
    };
    let t_parse = t0.elapsed();
    llmod
        .run_passes(&pipeline, &m.tm, PassBuilderOptions::create())
        .map_err(|e| CompileError::Llvm(format!("optimisation failed: {}", e.to_string())))?;
    let t_opt = t0.elapsed();
    let ir_text = if opts.emit_llvm {
        Some(llmod.print_to_string().to_string())
    } else {
        None
    };
    let obj = m
        .tm
        .write_to_memory_buffer(&llmod, FileType::Object)
        .map_err(|e| CompileError::Llvm(format!("code generation failed: {}", e.to_string())))?;
    if timing {
        eprintln!(
            "aotc timing: IR {:?} ({} KiB), parse+verify {:?}, optimise {:?}, codegen {:?}",
            t_ir,
            text.len() / 1024,
            t_parse - t_ir,
            t_opt - t_parse,
            t0.elapsed() - t_opt
        );
    }
    Ok((obj.as_slice().to_vec(), ir_text))
}

/// Assembly text of the compiled module (for inspection and tests).
pub fn assembly(module: &Module, opts: &Options) -> Result<String, CompileError> {
    let m = machine(opts)?;
    let ir_opts = IrOptions {
        pointer_size: opts.arch.pointer_size(),
        soft_div64: opts.soft_div64.unwrap_or(opts.arch.pointer_size() == 4),
        soft_int_float: opts.soft_div64.unwrap_or(opts.arch.pointer_size() == 4),
        bounds_checks: opts.bounds_checks,
        soft_rounding: !m.native_rounding,
        size_level: opts.size_level,
        xip: opts.xip,
        tail_calls: guaranteed_tail_calls(opts.arch),
        pad_stack_args: opts.arch == Arch::Thumbv7em,
        fuel: opts.fuel,
        interruptible: opts.interruptible,
        backtrace: opts.backtrace,
        backtrace_offsets: opts.backtrace_offsets,
        deterministic: opts.deterministic,
    };
    let text = ir::module_ir(module, &ir_opts)?;
    let ctx = Context::create();
    let buf = MemoryBuffer::create_from_memory_range_copy(text.as_bytes(), "wasm");
    let llmod = ctx
        .create_module_from_ir(buf)
        .map_err(|e| CompileError::Llvm(e.to_string()))?;
    llmod.set_triple(&m.tm.get_triple());
    llmod.set_data_layout(&m.tm.get_target_data().get_data_layout());
    let pipeline = format!("default<O{}>", opts.opt_level.min(3));
    llmod
        .run_passes(&pipeline, &m.tm, PassBuilderOptions::create())
        .map_err(|e| CompileError::Llvm(e.to_string()))?;
    let asm =
        m.tm.write_to_memory_buffer(&llmod, FileType::Assembly)
            .map_err(|e| CompileError::Llvm(e.to_string()))?;
    Ok(String::from_utf8_lossy(asm.as_slice()).into_owned())
}
