#!/bin/sh
# Regenerates the committed fixtures from their source with the repository's own tools:
#   fixtures/app.wat -> fixtures/app.wasm (wat2wasm)
#   fixtures/app.wasm -> fixtures/app.aot (aotc: Thumb-2 for a Cortex-M4F, bounds checks
#   compiled into the code because an MCU has no guard pages)
#   fixtures/app.wasm -> fixtures/app-pic.aot (the same, position-independent)
#   fixtures/app.wasm -> fixtures/app-oz.aot (the same, optimised for size)
#   fixtures/app.wasm -> fixtures/app-xip.aot (the same, execute in place from flash)
#   fixtures/wide.wat -> fixtures/wide.wasm -> fixtures/wide.aot (64-bit division and
#   conversions; not at -Oz, see wide.wat)
# aotc's defaults for --target thumbv7em are the cortex-m4 CPU with its single-precision
# FPU (hard-float), so f32 needs no extra flag; f64 would need libcalls mote does not
# provide (aotc refuses and suggests --cpu cortex-m7).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/../.."
cargo run --quiet -p iwasm --example wat2wasm -- examples/embed-qemu-m4/fixtures/app.wat \
    examples/embed-qemu-m4/fixtures/wide.wat
cargo run --quiet --release -p mote-aotc --bin aotc -- --target thumbv7em --bounds-checks explicit \
    -o examples/embed-qemu-m4/fixtures/app.aot examples/embed-qemu-m4/fixtures/app.wasm
cargo run --quiet --release -p mote-aotc --bin aotc -- --target thumbv7em --bounds-checks explicit \
    --pic -o examples/embed-qemu-m4/fixtures/app-pic.aot examples/embed-qemu-m4/fixtures/app.wasm
cargo run --quiet --release -p mote-aotc --bin aotc -- --target thumbv7em --bounds-checks explicit \
    --size-level 2 -o examples/embed-qemu-m4/fixtures/app-oz.aot examples/embed-qemu-m4/fixtures/app.wasm
cargo run --quiet --release -p mote-aotc --bin aotc -- --target thumbv7em --bounds-checks explicit \
    -o examples/embed-qemu-m4/fixtures/wide.aot examples/embed-qemu-m4/fixtures/wide.wasm
cargo run --quiet --release -p mote-aotc --bin aotc -- --target thumbv7em --bounds-checks explicit \
    --xip -o examples/embed-qemu-m4/fixtures/app-xip.aot examples/embed-qemu-m4/fixtures/app.wasm
echo "fixtures regenerated in examples/embed-qemu-m4/fixtures"
