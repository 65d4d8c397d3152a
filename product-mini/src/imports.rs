//! The host functions a module may import: WASI preview1, with exactly the capabilities
//! granted on the command line (when iwasm is built with the `wasi` feature).

use mote_core::runtime::{Linker, Store};

use crate::cli::Cli;
use crate::error::Error;

pub struct Imports {
    #[cfg(feature = "wasi")]
    wasi: mote_core::wasi::WasiCtx,
}

impl Imports {
    /// The guest sees the module name as `argv[0]`, the arguments after it, the `--env`
    /// entries only, the standard streams, and the directories of `--dir`/`--map-dir`.
    #[cfg(feature = "wasi")]
    pub fn from_cli(cli: &Cli) -> Result<Imports, Error> {
        use mote_core::wasi::WasiCtxBuilder;
        use mote_platforms::posix::wasi::PosixHost;

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
        let wasi = builder
            .build(Box::new(PosixHost::new()))
            .map_err(Error::Preopen)?;
        Ok(Imports { wasi })
    }

    #[cfg(not(feature = "wasi"))]
    pub fn from_cli(_: &Cli) -> Result<Imports, Error> {
        Ok(Imports {})
    }

    /// Defines the imports in `linker`; anything else a module imports fails to link with
    /// a message naming it.
    pub fn define(self, linker: &mut Linker, store: &mut Store) {
        #[cfg(feature = "wasi")]
        mote_core::wasi::add_to_linker(linker, store, self.wasi);
        #[cfg(not(feature = "wasi"))]
        let _ = (linker, store);
    }
}
