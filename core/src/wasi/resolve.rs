//! Path resolution inside a directory descriptor, one component at a time.
//!
//! This is where the capability model is enforced. The host only ever sees single
//! components, opened without following symbolic links; `..` is never passed to it but
//! handled here by returning to the directory handle entered before, and symbolic links
//! are read and expanded here. So a path can reach nothing outside the directory it
//! started from: `..` at the top, an absolute path and a link whose target is absolute
//! or climbs out are all `EPERM` (what wasmtime reports for the same attempts).
//!
//! A trailing slash reads as POSIX pathname resolution reads it: `name/` is `name/.`, so
//! `name` is entered as a directory (following a link) and the call acts on `.` in it.
//! The host then answers as for `.`: `EEXIST` to create it, `EISDIR` to unlink it, and
//! so on, which is what wasmtime answers too. The calls that read `name/` as `name`
//! instead (`mkdir`, `rmdir`, `rename` and creating `open`) split the slash off first
//! with [`split_trailing_slash`].

use alloc::rc::Rc;
use alloc::string::String;
use alloc::vec::Vec;

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
}

/// `path` without its trailing slashes, and whether it had any. A path of slashes only
/// is left as it is (absolute, so refused by `resolve`).
pub fn split_trailing_slash(path: &str) -> (&str, bool) {
    match path.trim_end_matches('/') {
        "" => (path, false),
        trimmed => (trimmed, trimmed.len() < path.len()),
    }
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
        if last && !follow_last {
            return Ok(Resolved { dir, name });
        }
        if last {
            // Only a link is expanded; anything else (even a missing entry, which
            // `O_CREAT` may create) is the answer.
            match dir.readlink_at(&name) {
                Ok(target) => {
                    expand_link(&target, &mut pending, &mut links)?;
                    continue;
                }
                Err(Errno::Inval | Errno::NoEnt) => return Ok(Resolved { dir, name }),
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
                Ok(target) => expand_link(&target, &mut pending, &mut links)?,
                Err(_) => return Err(e),
            },
            Err(e) => return Err(e),
        }
    }
    Ok(Resolved {
        dir,
        name: ".".into(),
    })
}

/// How intermediate directories are opened on the way.
const DIR_LOOKUP: OpenOptions = OpenOptions {
    read: true,
    write: false,
    oflags: OFlags::DIRECTORY,
    fdflags: crate::wasi::types::FdFlags::empty(),
};

/// The components of `path`, last first; a trailing slash adds a last `.`.
fn components_reversed(path: &str) -> WasiResult<Vec<String>> {
    if path.starts_with('/') {
        return Err(Errno::Perm);
    }
    let dot = path.ends_with('/').then_some(".");
    Ok(path
        .split('/')
        .filter(|c| !c.is_empty())
        .chain(dot)
        .rev()
        .map(String::from)
        .collect())
}

/// Puts a link's target in front of the components still to walk.
fn expand_link(target: &[u8], pending: &mut Vec<String>, links: &mut usize) -> WasiResult<()> {
    *links += 1;
    if *links > MAX_SYMLINKS {
        return Err(Errno::Loop);
    }
    let target = core::str::from_utf8(target).map_err(|_| Errno::Ilseq)?;
    if target.is_empty() {
        return Err(Errno::NoEnt);
    }
    pending.extend(components_reversed(target)?);
    Ok(())
}

#[cfg(test)]
mod tests {
    //! The confinement rules against an in-memory tree, without any OS.

    use alloc::boxed::Box;
    use alloc::collections::BTreeMap;
    use alloc::format;
    use core::any::Any;

    use super::*;
    use crate::wasi::types::Filestat;

    enum Node {
        Dir(BTreeMap<&'static str, Node>),
        File,
        Link(&'static str),
    }

    /// A directory handle: its path from the root of the test tree.
    struct MockDir {
        path: String,
        root: Rc<Node>,
    }

    impl MockDir {
        fn node(&self) -> &Node {
            let mut node = &*self.root;
            for part in self.path.split('/').filter(|p| !p.is_empty()) {
                let Node::Dir(children) = node else {
                    unreachable!()
                };
                node = &children[part];
            }
            node
        }

        fn child(&self, name: &str) -> WasiResult<&Node> {
            let Node::Dir(children) = self.node() else {
                return Err(Errno::NotDir);
            };
            children.get(name).ok_or(Errno::NoEnt)
        }
    }

    impl WasiFile for MockDir {
        fn as_any(&self) -> &dyn Any {
            self
        }
        fn read(&self, _: &mut [u8]) -> WasiResult<usize> {
            Err(Errno::IsDir)
        }
        fn write(&self, _: &[u8]) -> WasiResult<usize> {
            Err(Errno::IsDir)
        }
        fn filestat(&self) -> WasiResult<Filestat> {
            Err(Errno::NotSup)
        }
        fn open_at(&self, name: &str, _: &OpenOptions) -> WasiResult<Box<dyn WasiFile>> {
            assert!(!name.contains('/') && name != "..", "host got {name:?}");
            match self.child(name)? {
                Node::Dir(_) => Ok(Box::new(MockDir {
                    path: format!("{}/{name}", self.path),
                    root: self.root.clone(),
                })),
                Node::File => Err(Errno::NotDir),
                // O_NOFOLLOW on a link.
                Node::Link(_) => Err(Errno::Loop),
            }
        }
        fn readlink_at(&self, name: &str) -> WasiResult<Vec<u8>> {
            match self.child(name)? {
                Node::Link(target) => Ok(target.as_bytes().to_vec()),
                _ => Err(Errno::Inval),
            }
        }
    }

    fn tree() -> Rc<dyn WasiFile> {
        use Node::*;
        let sub = Dir(BTreeMap::from([
            ("f", File),
            ("up", Link("../top")),
            ("out", Link("../..")),
        ]));
        let root = Dir(BTreeMap::from([
            ("top", File),
            ("sub", sub),
            ("abs", Link("/etc")),
            ("to_sub", Link("sub/")),
            ("loop", Link("loop")),
            ("dangling", Link("new")),
        ]));
        Rc::new(MockDir {
            path: String::new(),
            root: Rc::new(root),
        })
    }

    /// (directory path, name) a path resolves to, or the errno.
    fn at(path: &str, follow: bool) -> Result<(String, String), Errno> {
        let r = resolve(&tree(), path, follow)?;
        let dir = r.dir.as_any().downcast_ref::<MockDir>().unwrap();
        Ok((dir.path.clone(), r.name))
    }

    fn ok(dir: &str, name: &str) -> Result<(String, String), Errno> {
        Ok((dir.into(), name.into()))
    }

    #[test]
    fn paths_inside_resolve_to_a_directory_and_a_name() {
        assert_eq!(at("top", true), ok("", "top"));
        assert_eq!(at("sub/f", false), ok("/sub", "f"));
        assert_eq!(at("./sub/../sub//f", false), ok("/sub", "f"));
        assert_eq!(at("sub/..", false), ok("", "."));
        assert_eq!(at(".", false), ok("", "."));
        assert_eq!(at("sub/up", true), ok("", "top"));
        assert_eq!(at("to_sub/f", false), ok("/sub", "f"));
        // A dangling link followed names what O_CREAT would create.
        assert_eq!(at("dangling", true), ok("", "new"));
        // Not following the last component leaves the link itself.
        assert_eq!(at("sub/up", false), ok("/sub", "up"));
    }

    #[test]
    fn nothing_outside_is_reachable() {
        for path in [
            "..",
            "sub/../..",
            "/etc/passwd",
            "abs",
            "abs/x",
            "sub/out",
            "sub/out/x",
        ] {
            assert_eq!(at(path, true), Err(Errno::Perm), "{path}");
        }
        assert_eq!(at("loop", true), Err(Errno::Loop));
        assert_eq!(at("", false), Err(Errno::NoEnt));
        assert_eq!(at("top/x", false), Err(Errno::NotDir));
        assert_eq!(at("missing/x", false), Err(Errno::NoEnt));
    }

    #[test]
    fn a_trailing_slash_enters_a_directory_following_links() {
        for follow in [false, true] {
            assert_eq!(at("sub/", follow), ok("/sub", "."));
            assert_eq!(at("sub//", follow), ok("/sub", "."));
            assert_eq!(at("to_sub/", follow), ok("/sub", "."));
            assert_eq!(at("top/", follow), Err(Errno::NotDir));
            assert_eq!(at("sub/f/", follow), Err(Errno::NotDir));
            assert_eq!(at("dangling/", follow), Err(Errno::NoEnt));
            assert_eq!(at("sub/out/", follow), Err(Errno::Perm));
        }
        // A link whose text ends in `/` names a directory too.
        assert_eq!(at("to_sub", true), ok("/sub", "."));
        assert_eq!(at("to_sub", false), ok("", "to_sub"));
    }

    #[test]
    fn split_trailing_slash_keeps_a_path_of_slashes() {
        assert_eq!(split_trailing_slash("a/b//"), ("a/b", true));
        assert_eq!(split_trailing_slash("a/b"), ("a/b", false));
        assert_eq!(split_trailing_slash("/"), ("/", false));
        assert_eq!(split_trailing_slash(""), ("", false));
    }
}
