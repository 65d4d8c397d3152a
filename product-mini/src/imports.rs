//! The host functions a module may import: WASI preview1, with exactly the capabilities
//! granted on the command line (when iwasm is built with the `wasi` feature).

use mote::{Linker, Store};

use crate::cli::Cli;
use crate::error::Error;

/// Defines the imports in `linker` for modules instantiated in `store`; anything else a
/// module imports fails to link with a message naming it.
///
/// The guest sees the module name as `argv[0]`, the arguments after it, the `--env`
/// entries only, the standard streams, and the directories of `--dir`/`--map-dir`.
#[cfg(feature = "wasi")]
pub fn define(cli: &Cli, linker: &mut Linker, store: &mut Store) -> Result<(), Error> {
    use mote::wasi::{PosixHost, WasiCtxBuilder};

    let mut builder = WasiCtxBuilder::new()
        .arg(cli.file().to_string_lossy())
        .args(cli.args().iter().map(String::as_str))
        .inherit_stdio();
    for (name, value) in &cli.envs {
        builder = builder.env(name, value);
    }
    for dir in &cli.dirs {
        builder = builder.preopen_dir(dir.as_str(), dir.as_str());
    }
    for (guest, host) in &cli.map_dirs {
        builder = builder.preopen_dir(host.as_str(), guest.as_str());
    }
    let ctx = builder
        .build(Box::new(PosixHost::new()))
        .map_err(Error::Preopen)?;
    linker.add_wasi(store, ctx);
    Ok(())
}

#[cfg(not(feature = "wasi"))]
pub fn define(_: &Cli, _: &mut Linker, _: &mut Store) -> Result<(), Error> {
    Ok(())
}
