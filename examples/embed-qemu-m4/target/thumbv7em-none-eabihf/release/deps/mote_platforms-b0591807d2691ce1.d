/work/main/examples/embed-qemu-m4/target/thumbv7em-none-eabihf/release/deps/mote_platforms-b0591807d2691ce1.d: /work/main/platforms/src/lib.rs /work/main/platforms/src/bare/mod.rs

/work/main/examples/embed-qemu-m4/target/thumbv7em-none-eabihf/release/deps/libmote_platforms-b0591807d2691ce1.rlib: /work/main/platforms/src/lib.rs /work/main/platforms/src/bare/mod.rs

/work/main/examples/embed-qemu-m4/target/thumbv7em-none-eabihf/release/deps/libmote_platforms-b0591807d2691ce1.rmeta: /work/main/platforms/src/lib.rs /work/main/platforms/src/bare/mod.rs

/work/main/platforms/src/lib.rs:
/work/main/platforms/src/bare/mod.rs:
