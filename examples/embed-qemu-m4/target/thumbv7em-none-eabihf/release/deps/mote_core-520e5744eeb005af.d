/work/main/examples/embed-qemu-m4/target/thumbv7em-none-eabihf/release/deps/mote_core-520e5744eeb005af.d: /work/main/core/src/lib.rs /work/main/core/src/aot/mod.rs /work/main/core/src/aot/context.rs /work/main/core/src/aot/format.rs /work/main/core/src/aot/helpers.rs /work/main/core/src/aot/meta.rs /work/main/core/src/aot/object.rs /work/main/core/src/aot/reloc.rs /work/main/core/src/trap.rs /work/main/core/src/types.rs /work/main/core/src/value.rs /work/main/core/src/module.rs /work/main/core/src/runtime/mod.rs /work/main/core/src/runtime/helpers.rs /work/main/core/src/runtime/instance.rs /work/main/core/src/runtime/memory.rs /work/main/core/src/runtime/table.rs /work/main/core/src/runtime/linker.rs /work/main/core/src/runtime/store.rs

/work/main/examples/embed-qemu-m4/target/thumbv7em-none-eabihf/release/deps/libmote_core-520e5744eeb005af.rlib: /work/main/core/src/lib.rs /work/main/core/src/aot/mod.rs /work/main/core/src/aot/context.rs /work/main/core/src/aot/format.rs /work/main/core/src/aot/helpers.rs /work/main/core/src/aot/meta.rs /work/main/core/src/aot/object.rs /work/main/core/src/aot/reloc.rs /work/main/core/src/trap.rs /work/main/core/src/types.rs /work/main/core/src/value.rs /work/main/core/src/module.rs /work/main/core/src/runtime/mod.rs /work/main/core/src/runtime/helpers.rs /work/main/core/src/runtime/instance.rs /work/main/core/src/runtime/memory.rs /work/main/core/src/runtime/table.rs /work/main/core/src/runtime/linker.rs /work/main/core/src/runtime/store.rs

/work/main/examples/embed-qemu-m4/target/thumbv7em-none-eabihf/release/deps/libmote_core-520e5744eeb005af.rmeta: /work/main/core/src/lib.rs /work/main/core/src/aot/mod.rs /work/main/core/src/aot/context.rs /work/main/core/src/aot/format.rs /work/main/core/src/aot/helpers.rs /work/main/core/src/aot/meta.rs /work/main/core/src/aot/object.rs /work/main/core/src/aot/reloc.rs /work/main/core/src/trap.rs /work/main/core/src/types.rs /work/main/core/src/value.rs /work/main/core/src/module.rs /work/main/core/src/runtime/mod.rs /work/main/core/src/runtime/helpers.rs /work/main/core/src/runtime/instance.rs /work/main/core/src/runtime/memory.rs /work/main/core/src/runtime/table.rs /work/main/core/src/runtime/linker.rs /work/main/core/src/runtime/store.rs

/work/main/core/src/lib.rs:
/work/main/core/src/aot/mod.rs:
/work/main/core/src/aot/context.rs:
/work/main/core/src/aot/format.rs:
/work/main/core/src/aot/helpers.rs:
/work/main/core/src/aot/meta.rs:
/work/main/core/src/aot/object.rs:
/work/main/core/src/aot/reloc.rs:
/work/main/core/src/trap.rs:
/work/main/core/src/types.rs:
/work/main/core/src/value.rs:
/work/main/core/src/module.rs:
/work/main/core/src/runtime/mod.rs:
/work/main/core/src/runtime/helpers.rs:
/work/main/core/src/runtime/instance.rs:
/work/main/core/src/runtime/memory.rs:
/work/main/core/src/runtime/table.rs:
/work/main/core/src/runtime/linker.rs:
/work/main/core/src/runtime/store.rs:
