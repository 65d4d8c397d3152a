/work/main/examples/embed-qemu-m4/target/thumbv7em-none-eabihf/release/deps/mote_interp-29155cf919d47689.d: /work/main/interp/src/lib.rs /work/main/interp/src/code.rs /work/main/interp/src/dispatch.rs /work/main/interp/src/exec.rs /work/main/interp/src/numeric.rs /work/main/interp/src/translate.rs

/work/main/examples/embed-qemu-m4/target/thumbv7em-none-eabihf/release/deps/libmote_interp-29155cf919d47689.rlib: /work/main/interp/src/lib.rs /work/main/interp/src/code.rs /work/main/interp/src/dispatch.rs /work/main/interp/src/exec.rs /work/main/interp/src/numeric.rs /work/main/interp/src/translate.rs

/work/main/examples/embed-qemu-m4/target/thumbv7em-none-eabihf/release/deps/libmote_interp-29155cf919d47689.rmeta: /work/main/interp/src/lib.rs /work/main/interp/src/code.rs /work/main/interp/src/dispatch.rs /work/main/interp/src/exec.rs /work/main/interp/src/numeric.rs /work/main/interp/src/translate.rs

/work/main/interp/src/lib.rs:
/work/main/interp/src/code.rs:
/work/main/interp/src/dispatch.rs:
/work/main/interp/src/exec.rs:
/work/main/interp/src/numeric.rs:
/work/main/interp/src/translate.rs:
