#!/bin/sh
# Rebuilds wc.wasm from wc.c with clang and wasi-libc
# (Debian: apt-get install clang-14 lld-14 wasi-libc).
set -eu
cd "$(dirname "$0")"
"${CLANG:-clang-14}" --target=wasm32-wasi --sysroot="${WASI_SYSROOT:-/usr}" -O2 -Wall \
    -Wl,--strip-all -o wc.wasm wc.c
