/work/main/examples/embed-qemu-m4/target/thumbv7em-none-eabihf/release/deps/mote_loader-ac6f36f9b02aae6a.d: /work/main/loader/src/lib.rs /work/main/loader/src/load.rs /work/main/loader/src/reloc.rs

/work/main/examples/embed-qemu-m4/target/thumbv7em-none-eabihf/release/deps/libmote_loader-ac6f36f9b02aae6a.rlib: /work/main/loader/src/lib.rs /work/main/loader/src/load.rs /work/main/loader/src/reloc.rs

/work/main/examples/embed-qemu-m4/target/thumbv7em-none-eabihf/release/deps/libmote_loader-ac6f36f9b02aae6a.rmeta: /work/main/loader/src/lib.rs /work/main/loader/src/load.rs /work/main/loader/src/reloc.rs

/work/main/loader/src/lib.rs:
/work/main/loader/src/load.rs:
/work/main/loader/src/reloc.rs:
