//! mote-platforms: the OS boundary. Filled in by the WASI and AOT work.
