/work/main/examples/embed-qemu-m4/target/thumbv7em-none-eabihf/release/deps/bitfield-d77aa70a28963178.d: /root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/bitfield-0.13.2/src/lib.rs

/work/main/examples/embed-qemu-m4/target/thumbv7em-none-eabihf/release/deps/libbitfield-d77aa70a28963178.rlib: /root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/bitfield-0.13.2/src/lib.rs

/work/main/examples/embed-qemu-m4/target/thumbv7em-none-eabihf/release/deps/libbitfield-d77aa70a28963178.rmeta: /root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/bitfield-0.13.2/src/lib.rs

/root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/bitfield-0.13.2/src/lib.rs:
