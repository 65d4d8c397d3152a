#!/bin/sh
# Rebuilds the committed WASI test programs (wasm/*.wasm) from src/*.c with clang and
# wasi-libc (Debian: apt-get install clang-14 lld-14 wasi-libc). The tests run the
# committed builds, so this is only needed after changing a source.
set -eu
cd "$(dirname "$0")"
CLANG=${CLANG:-clang-14}
SYSROOT=${WASI_SYSROOT:-/usr}
mkdir -p wasm
for src in src/*.c; do
    name=$(basename "$src" .c)
    "$CLANG" --target=wasm32-wasi --sysroot="$SYSROOT" -O2 -Wall -Wno-unused-result \
        -Wl,--strip-all -o "wasm/$name.wasm" "$src"
    echo "built wasm/$name.wasm"
done
