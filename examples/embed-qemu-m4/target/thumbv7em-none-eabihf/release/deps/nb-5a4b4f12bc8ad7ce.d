/work/main/examples/embed-qemu-m4/target/thumbv7em-none-eabihf/release/deps/nb-5a4b4f12bc8ad7ce.d: /root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/nb-0.1.3/src/lib.rs

/work/main/examples/embed-qemu-m4/target/thumbv7em-none-eabihf/release/deps/libnb-5a4b4f12bc8ad7ce.rlib: /root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/nb-0.1.3/src/lib.rs

/work/main/examples/embed-qemu-m4/target/thumbv7em-none-eabihf/release/deps/libnb-5a4b4f12bc8ad7ce.rmeta: /root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/nb-0.1.3/src/lib.rs

/root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/nb-0.1.3/src/lib.rs:
