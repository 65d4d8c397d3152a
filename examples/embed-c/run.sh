#!/bin/sh
# Builds libmote.a (no_std: AOT + interpreter + arena) and the example program, then runs
# it. Environment: TARGET_DIR (default <repo>/target/embed-c), CC, MOTE_FEATURES,
# PROGRAM (the executable's name, default embed-c), CFLAGS_EXTRA.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=${TARGET_DIR:-$root/target/embed-c}
features=${MOTE_FEATURES:-capi,aot,interp,float,arena,panic-handler}
cargo rustc --quiet --manifest-path "$root/Cargo.toml" --profile release-small -p mote \
    --no-default-features --features "$features" --crate-type staticlib --target-dir "$out"
# --wrap: every malloc/calloc/realloc/free/mmap(64) goes through main.c's counters, which
# end the program if one happens after initialisation.
program=$out/${PROGRAM:-embed-c}
${CC:-cc} -std=c11 -O2 -Wall -Wextra -Werror ${CFLAGS_EXTRA:-} -I"$root/include" -I"$here" \
    -o "$program" "$here/main.c" "$out/release-small/libmote.a" -Wl,--gc-sections \
    -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=free,--wrap=mmap,--wrap=mmap64
exec "$program"
