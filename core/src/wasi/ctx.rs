//! What a WASI guest is given: arguments, environment, descriptors and the host that
//! serves them, and the builder that grants them.

use alloc::boxed::Box;
use alloc::format;
use alloc::rc::Rc;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use super::errno::Errno;
use super::fd_table::{FdEntry, FdKind, FdTable};
use super::host::WasiHost;

/// The state behind one guest's WASI calls.
pub struct WasiCtx {
    pub(crate) args: Vec<String>,
    /// `NAME=VALUE` entries.
    pub(crate) env: Vec<String>,
    pub(crate) fds: FdTable,
    pub(crate) host: Box<dyn WasiHost>,
}

/// Grants capabilities one by one; nothing is inherited from the host unless asked for.
#[derive(Default, Clone, Debug)]
pub struct WasiCtxBuilder {
    args: Vec<String>,
    env: Vec<String>,
    /// (host path, guest name)
    preopens: Vec<(String, String)>,
    inherit_stdio: bool,
}

/// A preopened directory could not be opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreopenError {
    pub host_path: String,
    pub errno: Errno,
}

impl fmt::Display for PreopenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let why = match self.errno {
            Errno::NoEnt => "no such directory",
            Errno::NotDir => "not a directory",
            Errno::Acces | Errno::Perm => "permission denied",
            other => other.name(),
        };
        write!(f, "cannot open directory `{}`: {why}", self.host_path)
    }
}

impl core::error::Error for PreopenError {}

impl WasiCtxBuilder {
    pub fn new() -> WasiCtxBuilder {
        WasiCtxBuilder::default()
    }

    /// Appends one argument; the first is the program name (`argv[0]`).
    pub fn arg(mut self, arg: impl Into<String>) -> Self {
        self.args.push(arg.into());
        self
    }

    pub fn args<S: Into<String>>(mut self, args: impl IntoIterator<Item = S>) -> Self {
        self.args.extend(args.into_iter().map(Into::into));
        self
    }

    pub fn env(mut self, name: &str, value: &str) -> Self {
        self.env.push(format!("{name}={value}"));
        self
    }

    /// Grants the host directory `host_path` to the guest under the name `guest_path`.
    pub fn preopen_dir(
        mut self,
        host_path: impl Into<String>,
        guest_path: impl Into<String>,
    ) -> Self {
        self.preopens.push((host_path.into(), guest_path.into()));
        self
    }

    /// Gives the guest the host's stdin, stdout and stderr as descriptors 0, 1 and 2.
    pub fn inherit_stdio(mut self) -> Self {
        self.inherit_stdio = true;
        self
    }

    /// Opens the preopened directories through `host` (descriptors 3, 4, ... in the order
    /// they were granted) and returns the finished context.
    pub fn build(self, host: Box<dyn WasiHost>) -> Result<WasiCtx, PreopenError> {
        let mut fds = FdTable::default();
        if self.inherit_stdio {
            for fd in 0..3 {
                // A closed standard stream (`iwasm <&-`) simply stays closed for the guest.
                if let Ok(file) = host.stdio(fd) {
                    let kind = FdKind::File {
                        read: fd == 0,
                        write: fd != 0,
                    };
                    let mut entry = FdEntry::new(Rc::from(file), kind);
                    entry.stdio = true;
                    fds.insert_at(fd, entry);
                }
            }
        }
        // Preopens start at 3 even when stdio is not inherited, as wasi-libc expects.
        for (fd, (host_path, guest_path)) in (3..).zip(self.preopens) {
            let dir = host.open_dir(&host_path).map_err(|errno| PreopenError {
                host_path: host_path.clone(),
                errno,
            })?;
            let kind = FdKind::Dir {
                preopen: Some(guest_path),
            };
            fds.insert_at(fd, FdEntry::new(Rc::from(dir), kind));
        }
        Ok(WasiCtx {
            args: self.args,
            env: self.env,
            fds,
            host,
        })
    }
}
