//! WASI programs written in C (`tests/wasi/src`, committed builds in `tests/wasi/wasm`)
//! run through the `iwasm` binary on every engine, each in a fresh directory: what they
//! print, how they exit and what they leave on disk. The expected outputs are what
//! wasmtime prints for the same programs, except where a test says otherwise.
//!
//! Adding an engine is one entry in `ENGINES`.
#![cfg(feature = "wasi")]

use std::fs;
use std::io::Write;
use std::os::unix::fs::{symlink, MetadataExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// How one engine runs a module: the options it needs, and how a `.wasm` fixture is
/// turned into the file handed to `iwasm` (copied as is, or compiled ahead of time).
struct Engine {
    name: &'static str,
    flags: &'static [&'static str],
    /// Puts the runnable form of `wasm` into `dir`; returns its name relative to `dir`,
    /// which is also the guest's `argv[0]`.
    prepare: fn(wasm: &Path, dir: &Path) -> String,
}

const ENGINES: &[Engine] = &[
    Engine {
        name: "interp",
        flags: &["--interp"],
        prepare: copy_wasm,
    },
    Engine {
        name: "aot",
        flags: &[],
        prepare: compile_aot,
    },
    // `aotc --xip`: the same programs as execute-in-place files (PIC, helpers through
    // the context, no relocation records), which iwasm runs like any other .aot.
    Engine {
        name: "aot-xip",
        flags: &[],
        prepare: compile_aot_xip,
    },
];

fn copy_wasm(wasm: &Path, dir: &Path) -> String {
    fs::copy(wasm, dir.join("app.wasm")).expect("copy the fixture");
    "app.wasm".into()
}

/// `aotc -o app.aot app.wasm`, done in-process through the compiler library.
fn compile_aot(wasm: &Path, dir: &Path) -> String {
    compile_aot_with(wasm, dir, false)
}

/// `aotc --xip -o app.aot app.wasm`.
fn compile_aot_xip(wasm: &Path, dir: &Path) -> String {
    compile_aot_with(wasm, dir, true)
}

fn compile_aot_with(wasm: &Path, dir: &Path, xip: bool) -> String {
    let bytes = fs::read(wasm).expect("read the fixture");
    let module = mote_core::Module::new(&bytes).expect("fixture validates");
    let mut opts = mote_aotc::Options::host();
    opts.xip = xip;
    let object = mote_aotc::compile(&module, &bytes, &opts)
        .unwrap_or_else(|e| panic!("aotc {}: {e}", wasm.display()));
    fs::write(dir.join("app.aot"), mote_aotc::write_file(&object, &opts)).unwrap();
    "app.aot".into()
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn fixture(name: &str) -> PathBuf {
    repo().join("tests/wasi/wasm").join(format!("{name}.wasm"))
}

/// A fresh directory for one run, removed afterwards.
struct Sandbox {
    dir: PathBuf,
}

impl Sandbox {
    fn new(test: &str, engine: &Engine) -> Sandbox {
        let dir = std::env::temp_dir().join(format!(
            "mote-wasi-{test}-{}-{}",
            engine.name,
            std::process::id()
        ));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        Sandbox { dir }
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.join(rel)
    }

    fn write(&self, rel: &str, contents: &str) {
        let path = self.path(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, contents).unwrap();
    }

    fn read(&self, rel: &str) -> String {
        fs::read_to_string(self.path(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }

    fn symlink(&self, target: &str, rel: &str) {
        symlink(target, self.path(rel)).unwrap();
    }

    /// Every path below the sandbox, relative and sorted.
    fn tree(&self) -> Vec<String> {
        fn walk(base: &Path, dir: &Path, out: &mut Vec<String>) {
            for entry in fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                out.push(path.strip_prefix(base).unwrap().display().to_string());
                if path.is_dir() && !path.is_symlink() {
                    walk(base, &path, out);
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.dir, &self.dir, &mut out);
        out.sort();
        out
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.dir);
    }
}

struct Outcome {
    code: Option<i32>,
    stdout: String,
    stderr: String,
    /// The module as named on the command line: the guest's `argv[0]`.
    module: String,
}

impl Outcome {
    fn exits(&self, code: i32) -> &Outcome {
        assert_eq!(
            self.code,
            Some(code),
            "exit status; stderr: {}",
            self.stderr
        );
        assert!(!self.stderr.contains("panicked"), "{}", self.stderr);
        self
    }

    /// Succeeded, printing exactly `stdout` and nothing on stderr.
    fn prints(&self, stdout: &str) -> &Outcome {
        self.exits(0);
        assert_eq!(self.stdout, stdout);
        assert_eq!(self.stderr, "");
        self
    }
}

/// Runs fixture `name` in `sandbox` (its working directory) as
/// `iwasm ENGINE-FLAGS OPTS MODULE ARGS`, feeding `stdin`.
fn run(
    engine: &Engine,
    sandbox: &Sandbox,
    name: &str,
    opts: &[&str],
    args: &[&str],
    stdin: &str,
) -> Outcome {
    let module = (engine.prepare)(&fixture(name), &sandbox.dir);
    let mut child = Command::new(env!("CARGO_BIN_EXE_iwasm"))
        .args(engine.flags)
        .args(opts)
        .arg(&module)
        .args(args)
        .current_dir(&sandbox.dir)
        // Must not reach the guest: nothing of the host's environment is passed on.
        .env("MOTE_HOST_SECRET", "leaked")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run iwasm");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    Outcome {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        module,
    }
}

#[test]
fn arguments_and_environment_are_exactly_what_was_granted() {
    for engine in ENGINES {
        let sb = Sandbox::new("args", engine);
        let opts = ["--env=GREETING=hello", "--env=EQ=a=b", "--env=EMPTY="];
        let out = run(
            engine,
            &sb,
            "args_env",
            &opts,
            &["one", "two words", "-3"],
            "",
        );
        let want = format!(
            "argc=4\nargv[0]={}\nargv[1]=one\nargv[2]=two words\nargv[3]=-3\n\
             env: GREETING=hello\nenv: EQ=a=b\nenv: EMPTY=\nenvc=3\nHOME absent\n",
            out.module
        );
        out.prints(&want);
        let bare = run(engine, &sb, "args_env", &[], &[], "");
        bare.prints(&format!(
            "argc=1\nargv[0]={}\nenvc=0\nHOME absent\n",
            bare.module
        ));
    }
}

#[test]
fn clocks() {
    // wasmtime answers EBADF for the CPU-time clocks; mote reads the host's.
    let want = "realtime OK after 2020: yes\nmonotonic OK advances: yes\n\
                res 0 OK in (0, 1ms]: yes\nres 1 OK in (0, 1ms]: yes\n\
                cputime 0 OK advances: yes\ncputime 1 OK advances: yes\n\
                clock_gettime: 0\ntime() after 2020: yes\n";
    for engine in ENGINES {
        let sb = Sandbox::new("clocks", engine);
        run(engine, &sb, "clocks", &[], &[], "").prints(want);
    }
}

#[test]
fn random() {
    let want = "random_get OK OK\nnonzero: yes\ndifferent: yes\nempty buffer: OK\n\
                large buffer: OK\ngetentropy: 0\n";
    for engine in ENGINES {
        let sb = Sandbox::new("random", engine);
        run(engine, &sb, "random", &[], &[], "").prints(want);
    }
}

#[test]
fn files_are_created_changed_and_removed() {
    let want = "\
size after write: 36
read at 6: world
seek end: 36
seek cur -6: 30
seek before start: -1 EINVAL
pread after pwrite: HELLO world
position after pread: 30
ftruncate 12                 ok
size after truncate: 12
ftruncate 16                 ok
fsync                        ok
fdatasync                    ok
posix_fadvise: OK
posix_fallocate: ENOTSUP
data.txt: \"HELLO world|0000\"
append flag: set
size after append: 21
exclusive create: -1 EEXIST
open missing: -1 ENOENT
rename                       ok
old name: -1 ENOENT
renamed.txt: \"HELLO world|0000tail|\"
mkdir dir                    ok
mkdir again: -1 EEXIST
rmdir non-empty: -1 ENOTEMPTY
unlink a directory: -1 EISDIR
rename into dir              ok
dir/moved.txt: \"inner|\"
unlink dir/moved.txt         ok
rmdir dir                    ok
symlink                      ok
readlink: 11 renamed.txt
link.txt: \"HELLO world|0000tail|\"
lstat is link: yes
stat is regular: yes
link                         ok
nlink: 2
utimensat                    ok
mtime: 1234567890.000000500
atime: 1000000000
futimens                     ok
mtime after futimens: 1500000000, atime kept: 1000000000
unlink gone.txt              ok
unlink again: -1 ENOENT
";
    for engine in ENGINES {
        let sb = Sandbox::new("files", engine);
        let out = run(engine, &sb, "files", &["--dir=."], &[], "");
        out.prints(want);
        let module = out.module.clone();
        let mut expected_tree = vec!["hard.txt", "keep.txt", "link.txt", "renamed.txt"];
        expected_tree.push(&module);
        expected_tree.sort();
        assert_eq!(sb.tree(), expected_tree);
        assert_eq!(sb.read("renamed.txt"), "HELLO world\n\0\0\0\0tail\n");
        assert_eq!(sb.read("keep.txt"), "kept\n");
        let renamed = fs::metadata(sb.path("renamed.txt")).unwrap();
        let hard = fs::metadata(sb.path("hard.txt")).unwrap();
        assert_eq!(renamed.ino(), hard.ino(), "hard.txt is a hard link");
        assert_eq!(renamed.mtime(), 1_500_000_000);
        let link = fs::read_link(sb.path("link.txt")).unwrap();
        assert_eq!(link, Path::new("renamed.txt"));
    }
}

#[test]
fn directory_listing_continues_from_cookies() {
    let want = "\
entries in many: 123
after rewinddir: 123
seekdir returns to the same entry: yes
directories 3 (., .., subdir), regular files 120
tiny buffer: OK used=16 (full buffer means: try a bigger one)
raw fd_readdir entries: 123 (OK)
fd_readdir on a file: EBADF
small:
  .
  ..
  a.txt
  b.txt
  c
opendir missing: ENOENT
";
    for engine in ENGINES {
        let sb = Sandbox::new("readdir", engine);
        run(engine, &sb, "readdir", &["--dir=."], &[], "").prints(want);
        assert_eq!(fs::read_dir(sb.path("many")).unwrap().count(), 121);
    }
}

#[test]
fn poll_oneoff_sleeps_and_reports_ready_descriptors() {
    let want = "\
nanosleep 50ms: ok
two clocks: OK n=1 userdata=2 type=0 in time: yes
absolute clock: OK n=1 userdata=3 waited: yes
past deadline: OK n=1
stdin readable: OK n=1 userdata=10 type=1 error=0 quick: yes
stdout writable: OK n=1 userdata=20 type=2
unknown fd: EBADF
no subscriptions: EINVAL
poll(): 1 revents has POLLIN: yes
stdin said: hello poll
";
    for engine in ENGINES {
        let sb = Sandbox::new("poll", engine);
        run(engine, &sb, "poll_sleep", &[], &[], "hello poll\n").prints(want);
    }
}

#[test]
fn proc_exit_code_becomes_the_exit_status_after_flushing_output() {
    for engine in ENGINES {
        let sb = Sandbox::new("exit", engine);
        for code in [0, 3, 42, 125] {
            let out = run(engine, &sb, "exit_code", &[], &[&code.to_string()], "");
            out.exits(code);
            assert_eq!(
                out.stdout,
                format!("exiting with {code}\nno newline before exit")
            );
            assert_eq!(out.stderr, "");
        }
    }
}

#[test]
fn a_trap_fails_after_the_output_written_so_far() {
    for engine in ENGINES {
        let sb = Sandbox::new("trap", engine);
        let out = run(engine, &sb, "trap_after_output", &[], &[], "");
        out.exits(1);
        assert_eq!(out.stdout, "before the trap\n");
        assert!(
            out.stderr.contains("Exception: unreachable"),
            "{}",
            out.stderr
        );
    }
}

#[test]
fn stdin_is_inherited() {
    let input = "line one\nline two\nno newline";
    for engine in ENGINES {
        let sb = Sandbox::new("stdin", engine);
        let out = run(engine, &sb, "stdin_echo", &[], &[], input);
        out.prints(&format!("{input}-- 2 lines, 28 bytes\n"));
    }
}

#[test]
fn failing_calls_report_the_errno_wasmtime_reports() {
    let want = "\
create write-only                  OK
open read-only                     OK
open read-write                    OK
open directory                     OK
write read-only                    EBADF
read write-only                    EBADF
write write-only                   OK
read directory                     EBADF
write directory                    EBADF
seek directory                     EBADF
seek before start                  EINVAL
seek past end                      OK
truncate read-only                 EINVAL
set rights                         ENOTSUP
set flags append                   OK
set flags sync                     EINVAL
set flags nonblock                 OK
allocate                           ENOTSUP
advise                             OK
sync                               OK
datasync read-only                 OK
fdstat file                        OK
  type=4 rights: read yes write no
fdstat directory                   OK
  type=3
fdstat preopen                     OK
  type=3 base=7b7fe00 inheriting=ff7ffff
fdstat unknown fd                  EBADF
prestat of a file                  EBADF
prestat of opened dir              EBADF
prestat unknown fd                 EBADF
prestat name too small             ENAMETOOLONG
open file as directory             ENOTDIR
exclusive create existing          EEXIST
create in missing directory        ENOENT
file with trailing slash           ENOTDIR
empty path                         ENOENT
path relative to a file            ENOTDIR
open directory for writing         EISDIR
mkdir existing                     EEXIST
rmdir a file                       ENOTDIR
unlink a directory                 EISDIR
unlink file with slash             ENOTDIR
rmdir .                            EINVAL
rmdir missing                      ENOENT
rename missing                     ENOENT
readlink a file                    EINVAL
renumber to unknown fd             EBADF
renumber unknown fd                EBADF
renumber                           OK
use renumbered-away fd             EBADF
close                              OK
close again                        EBADF
poll nothing                       EINVAL
proc_raise                         ENOTSUP
sched_yield                        OK
sock_accept on a directory         ENOTSOCK
sock_shutdown on a file            ENOTSOCK
sock_recv on a file                ENOTSOCK
sock_send on a file                ENOTSOCK
close preopen                      OK
use closed preopen                 EBADF
";
    for engine in ENGINES {
        let sb = Sandbox::new("errors", engine);
        fs::create_dir(sb.path("sub")).unwrap();
        run(engine, &sb, "errors", &["--dir=."], &[], "").prints(want);
    }
}

/// The expected output of one group of the `edges` fixture, kept in
/// `tests/wasi/expected` because the bare platform's tests check the `stdio` group too.
fn edges_expected(group: &str) -> String {
    let path = repo().join(format!("tests/wasi/expected/edges-{group}.txt"));
    fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn edge_cases_answer_as_wasmtime_does() {
    // Trailing slashes on path calls, calls that need a file on directories and on the
    // standard streams. wasmtime 49 prints the same except where it departs from POSIX:
    // - `rmdir new/` removes the directory and `rmdir ldir/` (a link) is ENOTDIR, as
    //   POSIX `rmdir` does; wasmtime reads `name/` as `name/.` there: EINVAL for both.
    // - Not following links, `stat f.txt/` is ENOTDIR and `stat ldir/` the directory, as
    //   POSIX `lstat`; wasmtime drops the slash (OK for the file; the link itself).
    // - `fd_filestat_set_times` on the preopen works; wasmtime's EBADF comes from its
    //   host handle for preopens (`O_PATH`), as it sets the times of an opened directory.
    let want = ["paths", "dirs", "stdio"].map(edges_expected).concat();
    for engine in ENGINES {
        let sb = Sandbox::new("edges", engine);
        sb.write("f.txt", "hi\n");
        sb.write("g.txt", "there\n");
        fs::create_dir(sb.path("sub")).unwrap();
        let out = run(engine, &sb, "edges", &["--dir=."], &[], "unread input\n");
        out.prints(&want);
        let mut expected_tree = vec!["f.txt", "g.txt", "sub", &out.module];
        expected_tree.sort();
        assert_eq!(sb.tree(), expected_tree);
        assert_eq!(sb.read("f.txt"), "hi\n");
        // Written through each descriptor, then cut to 3 bytes.
        assert_eq!(sb.read("g.txt"), "abc");
    }
}

#[test]
fn bad_pointers_are_efault_not_a_crash() {
    // wasmtime traps here; mote reports EFAULT and lets the guest go on.
    let want = "\
iovec array                EFAULT
iovec buffer               EFAULT
result pointer             EFAULT
args sizes                 EFAULT
environ                    EFAULT
clock result               EFAULT
random buffer              EFAULT
path                       EFAULT
fdstat                     EFAULT
poll subscriptions         EFAULT
still running
";
    for engine in ENGINES {
        let sb = Sandbox::new("efault", engine);
        // An environment entry, so that environ_get has something to write.
        run(engine, &sb, "efault", &["--dir=.", "--env=A=1"], &[], "").prints(want);
    }
}

#[test]
fn nothing_outside_a_preopen_is_reachable() {
    let want = "\
open inside.txt                  OK \"hello\"
open ../outside.txt              EPERM
open sub/../../outside.txt       EPERM
open sub/../inside.txt           OK \"hello\"
open /etc/passwd                 EPERM
open link_out                    EPERM
open link_out (nofollow)         ELOOP
open link_abs                    EPERM
open link_in                     OK \"hello\"
open sub/link_up                 OK \"hello\"
open loop1                       ELOOP
open link_dir_out/outside.txt    EPERM
open ..                          EPERM
open sub/../..                   EPERM
open ./sub/./../inside.txt       OK \"hello\"
open .                           OK \"\"
link inside.txt -> ../l.txt      EPERM
link ../outside.txt -> s.txt     EPERM
link follow link_out -> s2       EINVAL
symlink /etc/passwd mylink       EPERM
symlink ../outside.txt mylink2   OK
open mylink2                     EPERM
rename inside.txt ../moved       EPERM
stat ../outside.txt              EPERM
stat follow link_out             EPERM
stat nofollow link_out           OK
mkdir ../newdir                  EPERM
unlink ../outside.txt            EPERM
rmdir ..                         EPERM
readlink link_out                OK
fopen /etc/passwd                ENOTCAPABLE
fopen ../outside.txt             ENOTCAPABLE
fopen box/../outside.txt         EPERM
";
    for engine in ENGINES {
        let sb = Sandbox::new("escape", engine);
        sb.write("outside.txt", "secret\n");
        sb.write("box/inside.txt", "hello\n");
        fs::create_dir(sb.path("box/sub")).unwrap();
        sb.symlink("../outside.txt", "box/link_out");
        sb.symlink("/etc/passwd", "box/link_abs");
        sb.symlink("inside.txt", "box/link_in");
        sb.symlink("../inside.txt", "box/sub/link_up");
        sb.symlink("loop2", "box/loop1");
        sb.symlink("loop1", "box/loop2");
        sb.symlink("..", "box/link_dir_out");
        let before = sb.tree();
        let out = run(engine, &sb, "escape", &["--dir=box"], &[], "");
        out.prints(want);
        // The only change: the (harmless) link the guest made inside.
        let mut after = sb.tree();
        after.retain(|p| p != "box/mylink2" && *p != out.module);
        assert_eq!(after, before);
        assert_eq!(sb.read("outside.txt"), "secret\n");
        assert_eq!(sb.read("box/inside.txt"), "hello\n");
    }
}

#[test]
fn map_dir_grants_a_host_directory_under_another_name() {
    for engine in ENGINES {
        let sb = Sandbox::new("mapdir", engine);
        sb.write("host/in.txt", "from the host\n");
        let out = run(engine, &sb, "preopens", &["--map-dir=/data::host"], &[], "");
        out.prints("preopen 3: /data\nin.txt: from the host\noutside /data: ENOTCAPABLE\n");
        assert_eq!(sb.read("host/out.txt"), "copied: from the host\n");
    }
}

#[test]
fn without_grants_no_file_is_reachable() {
    for engine in ENGINES {
        let sb = Sandbox::new("nogrants", engine);
        sb.write("data/in.txt", "x\n");
        let out = run(engine, &sb, "preopens", &[], &[], "");
        out.exits(1);
        assert_eq!(out.stdout, "open /data/in.txt: ENOTCAPABLE\n");
    }
}

#[test]
fn a_missing_preopen_directory_is_a_clear_error() {
    for engine in ENGINES {
        let sb = Sandbox::new("baddir", engine);
        let out = run(engine, &sb, "args_env", &["--dir=nowhere"], &[], "");
        out.exits(1);
        assert!(
            out.stderr
                .contains("cannot open directory `nowhere`: no such directory"),
            "{}",
            out.stderr
        );
    }
}

#[test]
fn bundled_wc_example() {
    let example = repo().join("examples/wasi");
    for engine in ENGINES {
        let sb = Sandbox::new("wc", engine);
        fs::copy(example.join("input.txt"), sb.path("input.txt")).unwrap();
        let module = (engine.prepare)(&example.join("wc.wasm"), &sb.dir);
        let out = Command::new(env!("CARGO_BIN_EXE_iwasm"))
            .args(engine.flags)
            .args(["--dir=.", &module, "input.txt", "out.txt"])
            .current_dir(&sb.dir)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0));
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            "4 lines, 38 words, 238 bytes in input.txt; numbered copy in out.txt\n"
        );
        let numbered = sb.read("out.txt");
        assert!(
            numbered.starts_with("     1  mote runs WebAssembly"),
            "{numbered}"
        );
        assert_eq!(numbered.lines().count(), 4);
    }
}
