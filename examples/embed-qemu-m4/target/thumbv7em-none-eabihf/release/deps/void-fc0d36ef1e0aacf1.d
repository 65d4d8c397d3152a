/work/main/examples/embed-qemu-m4/target/thumbv7em-none-eabihf/release/deps/void-fc0d36ef1e0aacf1.d: /root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/void-1.0.2/src/lib.rs

/work/main/examples/embed-qemu-m4/target/thumbv7em-none-eabihf/release/deps/libvoid-fc0d36ef1e0aacf1.rlib: /root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/void-1.0.2/src/lib.rs

/work/main/examples/embed-qemu-m4/target/thumbv7em-none-eabihf/release/deps/libvoid-fc0d36ef1e0aacf1.rmeta: /root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/void-1.0.2/src/lib.rs

/root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/void-1.0.2/src/lib.rs:
