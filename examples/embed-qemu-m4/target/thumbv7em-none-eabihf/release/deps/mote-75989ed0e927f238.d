/work/main/examples/embed-qemu-m4/target/thumbv7em-none-eabihf/release/deps/mote-75989ed0e927f238.d: /work/main/product-mini/libmote/src/lib.rs /work/main/product-mini/libmote/src/arena.rs /work/main/product-mini/libmote/src/capi/mod.rs /work/main/product-mini/libmote/src/capi/aot.rs /work/main/product-mini/libmote/src/capi/error.rs /work/main/product-mini/libmote/src/capi/instance.rs /work/main/product-mini/libmote/src/capi/interp.rs /work/main/product-mini/libmote/src/capi/natives.rs /work/main/product-mini/libmote/src/capi/types.rs /work/main/product-mini/libmote/src/bare/mod.rs /work/main/product-mini/libmote/src/bare/runtime.rs

/work/main/examples/embed-qemu-m4/target/thumbv7em-none-eabihf/release/deps/libmote-75989ed0e927f238.rlib: /work/main/product-mini/libmote/src/lib.rs /work/main/product-mini/libmote/src/arena.rs /work/main/product-mini/libmote/src/capi/mod.rs /work/main/product-mini/libmote/src/capi/aot.rs /work/main/product-mini/libmote/src/capi/error.rs /work/main/product-mini/libmote/src/capi/instance.rs /work/main/product-mini/libmote/src/capi/interp.rs /work/main/product-mini/libmote/src/capi/natives.rs /work/main/product-mini/libmote/src/capi/types.rs /work/main/product-mini/libmote/src/bare/mod.rs /work/main/product-mini/libmote/src/bare/runtime.rs

/work/main/examples/embed-qemu-m4/target/thumbv7em-none-eabihf/release/deps/libmote-75989ed0e927f238.rmeta: /work/main/product-mini/libmote/src/lib.rs /work/main/product-mini/libmote/src/arena.rs /work/main/product-mini/libmote/src/capi/mod.rs /work/main/product-mini/libmote/src/capi/aot.rs /work/main/product-mini/libmote/src/capi/error.rs /work/main/product-mini/libmote/src/capi/instance.rs /work/main/product-mini/libmote/src/capi/interp.rs /work/main/product-mini/libmote/src/capi/natives.rs /work/main/product-mini/libmote/src/capi/types.rs /work/main/product-mini/libmote/src/bare/mod.rs /work/main/product-mini/libmote/src/bare/runtime.rs

/work/main/product-mini/libmote/src/lib.rs:
/work/main/product-mini/libmote/src/arena.rs:
/work/main/product-mini/libmote/src/capi/mod.rs:
/work/main/product-mini/libmote/src/capi/aot.rs:
/work/main/product-mini/libmote/src/capi/error.rs:
/work/main/product-mini/libmote/src/capi/instance.rs:
/work/main/product-mini/libmote/src/capi/interp.rs:
/work/main/product-mini/libmote/src/capi/natives.rs:
/work/main/product-mini/libmote/src/capi/types.rs:
/work/main/product-mini/libmote/src/bare/mod.rs:
/work/main/product-mini/libmote/src/bare/runtime.rs:
