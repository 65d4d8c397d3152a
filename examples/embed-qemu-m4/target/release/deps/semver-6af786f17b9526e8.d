/work/main/examples/embed-qemu-m4/target/release/deps/semver-6af786f17b9526e8.d: /root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/semver-0.9.0/src/lib.rs /root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/semver-0.9.0/src/version.rs /root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/semver-0.9.0/src/version_req.rs

/work/main/examples/embed-qemu-m4/target/release/deps/libsemver-6af786f17b9526e8.rlib: /root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/semver-0.9.0/src/lib.rs /root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/semver-0.9.0/src/version.rs /root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/semver-0.9.0/src/version_req.rs

/work/main/examples/embed-qemu-m4/target/release/deps/libsemver-6af786f17b9526e8.rmeta: /root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/semver-0.9.0/src/lib.rs /root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/semver-0.9.0/src/version.rs /root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/semver-0.9.0/src/version_req.rs

/root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/semver-0.9.0/src/lib.rs:
/root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/semver-0.9.0/src/version.rs:
/root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/semver-0.9.0/src/version_req.rs:
