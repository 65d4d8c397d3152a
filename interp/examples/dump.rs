//! Prints the register bytecode of every defined function of a module:
//! `cargo run -p mote-interp --example dump -- app.wasm [FUNC_INDEX]`.

use mote_core::Module;
use mote_interp::Interpreter;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let Some(path) = args.get(1) else {
        eprintln!("usage: dump FILE.wasm [FUNC_INDEX]");
        std::process::exit(2);
    };
    let bytes = std::fs::read(path).unwrap_or_else(|e| {
        eprintln!("{path}: {e}");
        std::process::exit(1)
    });
    let module = Module::new(&bytes).unwrap_or_else(|e| {
        eprintln!("{path}: {e}");
        std::process::exit(1)
    });
    let only: Option<u32> = args.get(2).and_then(|s| s.parse().ok());
    for defined in 0..module.bodies.len() as u32 {
        let index = module.num_imported_funcs + defined;
        if only.is_some_and(|o| o != index) {
            continue;
        }
        let name = module.func_name(index).unwrap_or("");
        match Interpreter::bytecode(&module, defined) {
            Ok(code) => {
                println!("func {index} {name} ({} instructions)", code.len());
                for (i, op) in code.iter().enumerate() {
                    match op.branch_offset() {
                        // Offsets count from the next instruction.
                        Some(offset) => {
                            println!("  {i:4}: {op}  (to {})", i as i64 + 1 + offset as i64)
                        }
                        None => println!("  {i:4}: {op}"),
                    }
                }
            }
            Err(e) => println!("func {index} {name}: {e}"),
        }
    }
}
