//! Prints module INDEX of run SEED as text, with its profile and what the driver calls:
//! `cargo run --release -p mote-fuzz --example dump -- SEED INDEX`.

fn main() -> Result<(), String> {
    let number = |arg: Option<String>| -> Result<u64, String> {
        arg.ok_or("usage: dump SEED INDEX")?
            .parse()
            .map_err(|e| format!("{e}"))
    };
    let mut args = std::env::args().skip(1);
    let (seed, index) = (number(args.next())?, number(args.next())?);
    let generated = mote_fuzz::generate::module(seed, index).ok_or("no module from this seed")?;
    let info = mote_fuzz::module_info::read(&generated.wasm)?;
    eprintln!(
        "{}: {} exported functions, {} exported items, {} imports",
        generated.profile,
        info.funcs.len(),
        info.state.len(),
        info.imports.len()
    );
    println!(
        "{}",
        wasmprinter::print_bytes(&generated.wasm).map_err(|e| e.to_string())?
    );
    Ok(())
}
