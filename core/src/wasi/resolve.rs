//! Path resolution inside a directory descriptor, one component at a time.
//!
//! This is where the capability model is enforced. The host only ever sees single
//! components, opened without following symbolic links; `..` is never passed to it but
//! handled here by returning to the directory handle entered before, and symbolic links
//! are read and expanded here. So a path can reach nothing outside the directory it
//! started from: `..` at the top, an absolute path and a link whose target is absolute
//! or climbs out are all `EPERM` (what wasmtime reports for the same attempts).

use std::rc::Rc;

use super::errno::{Errno, WasiResult};
use super::host::WasiFile;
use super::types::{OFlags, OpenOptions};

/// Links followed in one resolution before giving up with `ELOOP` (Linux's limit).
pub const MAX_SYMLINKS: usize = 40;

/// Where a path leads: a directory and one component in it.
pub struct Resolved {
    pub dir: Rc<dyn WasiFile>,
    /// A single component, or `.` for `dir` itself.
    pub name: String,
    /// The path ended in `/`, so what it names must be a directory.
    pub must_be_dir: bool,
}

/// Resolves `path` relative to `base`. Symbolic links in intermediate components are
/// always followed (within `base`); one in the last component only if `follow_last`.
pub fn resolve(base: &Rc<dyn WasiFile>, path: &str, follow_last: bool) -> WasiResult<Resolved> {
    if path.is_empty() {
        return Err(Errno::NoEnt);
    }
    if path.contains('\0') {
        return Err(Errno::Inval);
    }
    let mut must_be_dir = path.ends_with('/');
    // Components still to walk, last one first.
    let mut pending = components_reversed(path)?;
    // The directories entered so far, so that `..` can go back without asking the host.
    let mut ancestors: Vec<Rc<dyn WasiFile>> = Vec::new();
    let mut dir = base.clone();
    let mut links = 0;
    while let Some(name) = pending.pop() {
        let last = pending.is_empty();
        match name.as_str() {
            "." => continue,
            ".." => {
                dir = ancestors.pop().ok_or(Errno::Perm)?;
                continue;
            }
            _ => {}
        }
        let follow = !last || follow_last || must_be_dir;
        if last && !follow {
            return Ok(Resolved {
                dir,
                name,
                must_be_dir,
            });
        }
        if last {
            // Only a link is expanded; anything else (even a missing entry, which
            // `O_CREAT` may create) is the answer.
            match dir.readlink_at(&name) {
                Ok(target) => {
                    expand_link(&target, &mut pending, &mut links, &mut must_be_dir)?;
                    continue;
                }
                Err(Errno::Inval | Errno::NoEnt) => {
                    return Ok(Resolved {
                        dir,
                        name,
                        must_be_dir,
                    })
                }
                Err(e) => return Err(e),
            }
        }
        match dir.open_at(&name, &DIR_LOOKUP) {
            Ok(next) => {
                ancestors.push(dir);
                dir = Rc::from(next);
            }
            // Opening a link without following it fails; find out whether that was it.
            Err(e @ (Errno::Loop | Errno::NotDir)) => match dir.readlink_at(&name) {
                Ok(target) => expand_link(&target, &mut pending, &mut links, &mut must_be_dir)?,
                Err(_) => return Err(e),
            },
            Err(e) => return Err(e),
        }
    }
    Ok(Resolved {
        dir,
        name: ".".into(),
        must_be_dir,
    })
}

/// How intermediate directories are opened on the way.
const DIR_LOOKUP: OpenOptions = OpenOptions {
    read: true,
    write: false,
    oflags: OFlags::DIRECTORY,
    fdflags: crate::wasi::types::FdFlags::empty(),
};

fn components_reversed(path: &str) -> WasiResult<Vec<String>> {
    if path.starts_with('/') {
        return Err(Errno::Perm);
    }
    Ok(path
        .split('/')
        .filter(|c| !c.is_empty())
        .rev()
        .map(String::from)
        .collect())
}

/// Puts a link's target in front of the components still to walk.
fn expand_link(
    target: &[u8],
    pending: &mut Vec<String>,
    links: &mut usize,
    must_be_dir: &mut bool,
) -> WasiResult<()> {
    *links += 1;
    if *links > MAX_SYMLINKS {
        return Err(Errno::Loop);
    }
    let target = core::str::from_utf8(target).map_err(|_| Errno::Ilseq)?;
    if target.is_empty() {
        return Err(Errno::NoEnt);
    }
    if pending.is_empty() && target.ends_with('/') {
        *must_be_dir = true;
    }
    pending.extend(components_reversed(target)?);
    Ok(())
}
