/work/main/examples/embed-qemu-m4/target/release/deps/cortex_m_macros-93b8c3cc6b81bd7c.d: /root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/cortex-m-macros-0.7.8/src/lib.rs

/work/main/examples/embed-qemu-m4/target/release/deps/libcortex_m_macros-93b8c3cc6b81bd7c.so: /root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/cortex-m-macros-0.7.8/src/lib.rs

/root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/cortex-m-macros-0.7.8/src/lib.rs:
