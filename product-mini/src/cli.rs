//! The command line, modelled on WAMR's `iwasm [OPTIONS] FILE [ARG...]`.

use std::path::Path;

use clap::error::ErrorKind;
use clap::{CommandFactory, Parser};

#[derive(Parser, Debug)]
#[command(
    name = "iwasm",
    version = concat!("(mote) ", env!("CARGO_PKG_VERSION")),
    about = "Run a WebAssembly module with mote",
    override_usage = "iwasm [OPTIONS] FILE [ARG]...",
    after_help = "Options go before FILE; everything after FILE is an ARG, even if it starts \
                  with '-'.\n\n\
                  Without -f, iwasm instantiates FILE (running its start function) and then \
                  calls its `_start` export if there is one.\n\n\
                  Exit status: 0 on success, 1 if the module cannot be loaded, linked or run \
                  (including traps), 2 for a command-line usage error; a WASI program that \
                  exits with a code exits iwasm with that code."
)]
pub struct Cli {
    /// Run with the interpreter (the engine for `.wasm` files)
    #[arg(long)]
    pub interp: bool,

    /// Call the exported function NAME with the ARGs and print its results
    #[arg(short = 'f', long = "function", value_name = "NAME")]
    pub function: Option<String>,

    /// Stack budget in bytes (at most 4 GiB) for either engine: the interpreter's value
    /// stack, or the native stack AOT code may use; deeper recursion traps with
    /// "call stack exhausted"
    // 32 bits as in WAMR: the interpreter allocates the whole stack up front, and an
    // absurd size would end in an allocation abort rather than an error.
    #[arg(long, value_name = "BYTES")]
    pub stack_size: Option<u32>,

    /// Run with a budget of N fuel units, one per Wasm instruction (docs/limits.md);
    /// running out traps with "all fuel consumed". `.aot` files need `aotc --fuel`
    #[cfg(feature = "limits")]
    #[arg(long, value_name = "N")]
    pub fuel: Option<u64>,

    /// Stop the guest after MS milliseconds: it traps with "execution interrupted" at its
    /// next function entry or loop header. `.aot` files need `aotc --interruptible`
    #[cfg(feature = "limits")]
    #[arg(long, value_name = "MS")]
    pub timeout: Option<u64>,

    /// Deterministic mode: every NaN result is the canonical NaN, so results and fuel
    /// counts are bit-identical on every engine (docs/limits.md). `.aot` files need
    /// `aotc --deterministic`
    #[arg(long)]
    pub deterministic: bool,

    /// Grant the guest the host directory DIR, under the same name (repeatable)
    #[cfg(feature = "wasi")]
    #[arg(long = "dir", value_name = "DIR")]
    pub dirs: Vec<String>,

    /// Grant the guest the host directory HOST as GUEST (repeatable)
    #[cfg(feature = "wasi")]
    #[arg(long = "map-dir", value_name = "GUEST::HOST", value_parser = parse_map_dir)]
    pub map_dirs: Vec<(String, String)>,

    /// Set an environment variable for the guest (repeatable); the guest sees no other
    #[cfg(feature = "wasi")]
    #[arg(long = "env", value_name = "NAME=VALUE", value_parser = parse_env)]
    pub envs: Vec<(String, String)>,

    /// The module to run (a `.wasm` file), then the arguments for -f's function
    /// (i32/i64: decimal or 0x hex; f32/f64: decimal, inf, -inf, nan)
    // One positional that swallows everything from FILE on: as in WAMR, options after FILE
    // belong to the guest (`-5` is an argument, `-f` after FILE is not iwasm's), which clap
    // only guarantees once a trailing argument has started.
    #[arg(
        value_names = ["FILE", "ARG"],
        required = true,
        num_args = 1..,
        trailing_var_arg = true,
        allow_hyphen_values = true
    )]
    file_and_args: Vec<String>,
}

impl Cli {
    /// Parses the process's arguments; on a usage error prints clap's message and exits 2.
    pub fn parse_args() -> Cli {
        let cli = Cli::parse();
        // The swallowing positional also takes an unknown option before FILE as the file
        // name; that is a usage error. (A file named `-x` is reachable as `./-x`.)
        let first = &cli.file_and_args[0];
        if first.starts_with('-') && first != "-" {
            Cli::command()
                .error(
                    ErrorKind::UnknownArgument,
                    format!("unexpected argument '{first}' found"),
                )
                .exit();
        }
        cli
    }

    pub fn file(&self) -> &Path {
        Path::new(&self.file_and_args[0])
    }

    /// The arguments after FILE.
    pub fn args(&self) -> &[String] {
        &self.file_and_args[1..]
    }
}

/// `GUEST::HOST` of `--map-dir`.
#[cfg(feature = "wasi")]
fn parse_map_dir(text: &str) -> Result<(String, String), String> {
    match text.split_once("::") {
        Some((guest, host)) if !guest.is_empty() && !host.is_empty() => {
            Ok((guest.to_string(), host.to_string()))
        }
        _ => Err("expected GUEST::HOST".into()),
    }
}

/// `NAME=VALUE` of `--env` (the value may be empty or contain `=`).
#[cfg(feature = "wasi")]
fn parse_env(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((name, value)) if !name.is_empty() => Ok((name.to_string(), value.to_string())),
        _ => Err("expected NAME=VALUE".into()),
    }
}
