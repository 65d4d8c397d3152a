#!/bin/sh
# Rebuilds the committed .wasm files from their .wat sources. The wat crate does the work,
# so cargo is all this needs. The CLI tests check that the committed builds are current.
set -eu
cd "$(dirname "$0")/.."
cargo run --quiet -p iwasm --example wat2wasm -- examples/*.wat
