//! Runs every export of a `.wat`/`.wasm` file with zero arguments on wasmi and on each of
//! mote's engines, printing each outcome, then the differences the driver finds:
//! `cargo run --release -p mote-fuzz --example run_wat -- FILE`.

use mote_core::aot::object::BoundsChecks;
use mote_fuzz::driver::{self, Call};
use mote_fuzz::engine::{Engine, Val};
use mote_fuzz::module_info;
use mote_fuzz::mote_engine::{MoteEngine, Variant};
use mote_fuzz::wasmi_engine::Wasmi;

fn main() -> Result<(), String> {
    let path = std::env::args().nth(1).ok_or("usage: run_wat FILE")?;
    let wasm = wat::parse_file(&path).map_err(|e| e.to_string())?;
    let info = module_info::read(&wasm)?;
    let engines: Vec<Box<dyn Engine>> = vec![
        Box::new(Wasmi::default()),
        Box::new(MoteEngine::new(Variant::Interp)),
        Box::new(MoteEngine::new(Variant::Aot(BoundsChecks::Explicit, 3))),
        Box::new(MoteEngine::new(Variant::Aot(BoundsChecks::Guard, 3))),
    ];
    let calls: Vec<Call> = info
        .funcs
        .iter()
        .map(|f| Call {
            func: f.name.clone(),
            args: f.params.iter().map(|t| Val::default_for(*t)).collect(),
            results: f.results.clone(),
        })
        .collect();
    for engine in &engines {
        match engine.instantiate(&wasm, &info.imports) {
            Err(err) => println!("{}: {err}", engine.name()),
            Ok(mut instance) => {
                for call in &calls {
                    let outcome = instance.call(&call.func, &call.args, &call.results);
                    println!("{}: {call} -> {outcome}", engine.name());
                }
            }
        }
    }
    let refs: Vec<&dyn Engine> = engines.iter().map(|e| e.as_ref()).collect();
    let report = driver::run(&wasm, &info, &info.imports, &refs, &calls);
    for (index, difference) in &report.differences {
        println!(
            "difference on {}: {} at {:?}: wasmi {} / {}",
            refs[*index].name(),
            difference.what,
            difference.point,
            difference.reference,
            difference.other
        );
    }
    Ok(())
}
