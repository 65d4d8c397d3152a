#!/usr/bin/env python3
"""Run a WASI command module (its _start) on wasm3 through pywasm3.

usage: wasm3_run.py FILE.wasm
       wasm3_run.py --version

pywasm3 0.5.0 ships only the wasm3 core, not wasm3's WASI layer, so the few
wasi_snapshot_preview1 calls that a C program printing to stdout needs are
implemented here in Python. The benchmarks call them a handful of times per
run, so their cost is noise next to the workload; the startup table however
includes the Python interpreter's start and the import of this wrapper.
"""

import struct
import sys

import wasm3

WASI = "wasi_snapshot_preview1"
STACK_BYTES = 4 << 20

ERRNO_SUCCESS = 0
ERRNO_BADF = 8
ERRNO_INVAL = 28
ERRNO_NOSYS = 52
ERRNO_SPIPE = 70

FILETYPE_CHARACTER_DEVICE = 2
RIGHTS_FD_WRITE = 1 << 6


class ProcExit(Exception):
    """Raised from proc_exit to unwind out of the wasm call."""

    def __init__(self, code):
        super().__init__(code)
        self.code = code


class Wasi:
    """The subset of WASI preview 1 used by the benchmark programs."""

    def __init__(self, runtime):
        self.runtime = runtime
        self.exit_code = None
        self.out = {1: sys.stdout.buffer, 2: sys.stderr.buffer}

    def memory(self):
        # Fetched on every call: memory.grow may move wasm3's linear memory,
        # which would leave an older memoryview pointing at freed storage.
        return self.runtime.get_memory(0)

    def fd_write(self, fd, iovs, iovs_len, nwritten_ptr):
        stream = self.out.get(fd)
        if stream is None:
            return ERRNO_BADF
        mem = self.memory()
        total = 0
        for i in range(iovs_len):
            base, length = struct.unpack_from("<II", mem, iovs + 8 * i)
            stream.write(bytes(mem[base:base + length]))
            total += length
        struct.pack_into("<I", mem, nwritten_ptr, total)
        return ERRNO_SUCCESS

    def fd_fdstat_get(self, fd, stat_ptr):
        if fd not in (0, 1, 2):
            return ERRNO_BADF
        rights = RIGHTS_FD_WRITE if fd else 0
        # struct fdstat { u8 filetype; u16 flags; u64 rights_base, rights_inheriting }
        struct.pack_into("<BxHxxxxQQ", self.memory(), stat_ptr,
                         FILETYPE_CHARACTER_DEVICE, 0, rights, 0)
        return ERRNO_SUCCESS

    def fd_seek(self, fd, offset, whence, newoffset_ptr):
        return ERRNO_SPIPE if fd in (0, 1, 2) else ERRNO_BADF

    def fd_close(self, fd):
        return ERRNO_SUCCESS if fd in (0, 1, 2) else ERRNO_BADF

    def proc_exit(self, code):
        self.exit_code = code
        raise ProcExit(code)

    def sizes_get(self, count_ptr, size_ptr):
        # No arguments and no environment: programs must be deterministic.
        mem = self.memory()
        struct.pack_into("<I", mem, count_ptr, 0)
        struct.pack_into("<I", mem, size_ptr, 0)
        return ERRNO_SUCCESS

    def get_nothing(self, ptrs_ptr, buf_ptr):
        return ERRNO_SUCCESS

    def unsupported(self, *args):
        return ERRNO_NOSYS

    def link(self, module):
        # Signatures use wasm3's notation: i = i32, I = i64, v = void.
        table = [
            ("fd_write", "i(iiii)", self.fd_write),
            ("fd_fdstat_get", "i(ii)", self.fd_fdstat_get),
            ("fd_seek", "i(iIii)", self.fd_seek),
            ("fd_close", "i(i)", self.fd_close),
            ("proc_exit", "v(i)", self.proc_exit),
            ("args_sizes_get", "i(ii)", self.sizes_get),
            ("args_get", "i(ii)", self.get_nothing),
            ("environ_sizes_get", "i(ii)", self.sizes_get),
            ("environ_get", "i(ii)", self.get_nothing),
            ("clock_time_get", "i(iIi)", self.unsupported),
            ("random_get", "i(ii)", self.unsupported),
        ]
        # Linking a name the module does not import is a no-op in pywasm3.
        for name, sig, func in table:
            module.link_function(WASI, name, sig, func)


def run(path):
    with open(path, "rb") as f:
        wasm = f.read()
    env = wasm3.Environment()
    runtime = env.new_runtime(STACK_BYTES)
    module = env.parse_module(wasm)
    runtime.load(module)
    wasi = Wasi(runtime)
    wasi.link(module)
    start = runtime.find_function("_start")
    try:
        start()
    except Exception as exc:  # pywasm3 reports traps as RuntimeError
        if wasi.exit_code is None:
            sys.stdout.flush()
            print(f"wasm3: trap: {exc}", file=sys.stderr)
            return 134
    finally:
        sys.stdout.flush()
    return wasi.exit_code or 0


def main(argv):
    if len(argv) == 2 and argv[1] == "--version":
        print(f"wasm3 {wasm3.M3_VERSION} (pywasm3)")
        return 0
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    return run(argv[1])


if __name__ == "__main__":
    sys.exit(main(sys.argv))
