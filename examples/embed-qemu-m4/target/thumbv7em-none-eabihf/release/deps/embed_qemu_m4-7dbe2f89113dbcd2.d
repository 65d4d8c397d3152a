/work/main/examples/embed-qemu-m4/target/thumbv7em-none-eabihf/release/deps/embed_qemu_m4-7dbe2f89113dbcd2.d: src/main.rs src/../fixtures/app.aot src/../fixtures/app-pic.aot src/../fixtures/app-oz.aot src/../fixtures/wide.aot src/../fixtures/app.wasm src/../fixtures/wide.wasm

/work/main/examples/embed-qemu-m4/target/thumbv7em-none-eabihf/release/deps/embed_qemu_m4-7dbe2f89113dbcd2: src/main.rs src/../fixtures/app.aot src/../fixtures/app-pic.aot src/../fixtures/app-oz.aot src/../fixtures/wide.aot src/../fixtures/app.wasm src/../fixtures/wide.wasm

src/main.rs:
src/../fixtures/app.aot:
src/../fixtures/app-pic.aot:
src/../fixtures/app-oz.aot:
src/../fixtures/wide.aot:
src/../fixtures/app.wasm:
src/../fixtures/wide.wasm:
