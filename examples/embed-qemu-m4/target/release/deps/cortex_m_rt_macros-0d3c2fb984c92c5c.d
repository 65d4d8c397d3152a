/work/main/examples/embed-qemu-m4/target/release/deps/cortex_m_rt_macros-0d3c2fb984c92c5c.d: /root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/cortex-m-rt-macros-0.7.7/src/lib.rs

/work/main/examples/embed-qemu-m4/target/release/deps/libcortex_m_rt_macros-0d3c2fb984c92c5c.so: /root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/cortex-m-rt-macros-0.7.7/src/lib.rs

/root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/cortex-m-rt-macros-0.7.7/src/lib.rs:
