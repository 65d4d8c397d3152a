#!/bin/sh
# Builds the firmware for thumbv7em-none-eabihf and boots it on QEMU's mps2-an386
# (Cortex-M4F), twice: the full build (AOT + interpreter) and the AOT-only build (no
# allocator at all). Exits non-zero if a build fails, QEMU fails or times out, or the
# output is not what it should be; 77 (skipped) without qemu-system-arm or the target.
# Environment: CARGO_TARGET_DIR (default <repo>/target/embed-qemu-m4), QEMU
# (default qemu-system-arm), QEMU_TIMEOUT seconds (default 120).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
qemu=${QEMU:-qemu-system-arm}
if ! command -v "$qemu" >/dev/null 2>&1; then
    echo "embed-qemu-m4: $qemu is not installed (apt-get install qemu-system-arm): skipped" >&2
    exit 77
fi
if ! rustup target list --installed 2>/dev/null | grep -qx thumbv7em-none-eabihf; then
    echo "embed-qemu-m4: the rust target thumbv7em-none-eabihf is not installed: skipped" >&2
    exit 77
fi
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$root/target/embed-qemu-m4}
elf=$CARGO_TARGET_DIR/thumbv7em-none-eabihf/release/embed-qemu-m4
log=$(mktemp)
trap 'rm -f "$log"' EXIT
# .cargo/config.toml (target, linker script) applies only from this directory.
cd "$here"

# Checks per run (see run_all and run_wide in src/main.rs): each LABEL:COUNT is one
# instance, which must print COUNT `ok` lines; the `app` instances print the guest's text.
app=30
wide=9
aot="aot-near:$app aot-far:$app aot-pic:$app aot-oz:$app aot-wide:$wide aot-xip:$app"
interp="interp:$app int-wide:$wide"

# run NAME "LABEL:COUNT..." CARGO_FLAGS...: builds, boots, checks the output.
run() {
    name=$1
    runs=$2
    shift 2
    cargo build --quiet --release "$@"
    echo "== $name: $(size "$elf" | awk 'NR == 2 { print "text " $1 " B, data " $2 " B, bss " $3 " B" }')"
    status=0
    timeout "${QEMU_TIMEOUT:-120}" "$qemu" -M mps2-an386 -cpu cortex-m4 -nographic \
        -semihosting-config enable=on,target=native -kernel "$elf" >"$log" 2>&1 || status=$?
    cat "$log"
    fail=0
    if [ "$status" -ne 0 ]; then
        echo "embed-qemu-m4: $name: qemu exited with status $status" >&2
        fail=1
    fi
    # The firmware compares results itself; this makes sure it really ran every check
    # and said so.
    total=0
    texts=0
    for r in $runs; do
        label=${r%:*}
        want=${r#*:}
        total=$((total + want))
        if [ "$want" -eq "$app" ]; then
            texts=$((texts + 1))
        fi
        n=$(grep -c "^  ok  $label " "$log" || true)
        if [ "$n" -ne "$want" ]; then
            echo "embed-qemu-m4: $name: $n of $want checks passed on $label" >&2
            fail=1
        fi
        if ! grep -q "^$label: " "$log"; then
            echo "embed-qemu-m4: $name: no $label summary" >&2
            fail=1
        fi
    done
    if grep -q "BAD\|panic\|hard fault\|error\|leaked" "$log"; then
        echo "embed-qemu-m4: $name: a check failed" >&2
        fail=1
    fi
    if ! grep -qx "embed-qemu-m4: all $total checks passed" "$log"; then
        echo "embed-qemu-m4: $name: no 'all $total checks passed' line" >&2
        fail=1
    fi
    if [ "$(grep -c '^    guest says: hello from wasm on a Cortex-M4$' "$log")" -ne "$texts" ]; then
        echo "embed-qemu-m4: $name: the host function did not print the guest's text" >&2
        fail=1
    fi
    return $fail
}

run "AOT + interpreter" "$aot $interp"
# Flash is the 4 MiB at address 0 (memory.x): below 0x400000, RAM is at 0x20000000.
if ! grep -Eq "^aot-xip: xip: code ran from flash at 0x[0-9a-f]{1,6}, file unchanged" "$log"; then
    echo "embed-qemu-m4: the XIP module did not run from flash" >&2
    exit 1
fi
run "AOT only, no allocator" "$aot" --no-default-features
echo "embed-qemu-m4: ok"
