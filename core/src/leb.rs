//! The unsigned LEB128 writer: the one encoder of Wasm's variable-length integers for
//! everything that builds binaries (the `.aot` name table, test modules, the fuzzer's
//! module edits). Reading stays with the decoders (wasmparser's reader,
//! `operators`), which also check the encoding's limits.

use alloc::vec::Vec;

/// Appends `value` as unsigned LEB128 (at most 10 bytes; 5 for a `u32`).
pub fn write_unsigned(out: &mut Vec<u8>, mut value: u64) {
    loop {
        let low_bits = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            out.push(low_bits);
            return;
        }
        out.push(low_bits | 0x80);
    }
}

#[cfg(test)]
mod tests {
    use super::write_unsigned;
    use alloc::vec::Vec;

    #[test]
    fn encodes_the_spec_examples() {
        for (value, bytes) in [
            (0u64, &[0x00][..]),
            (127, &[0x7f]),
            (128, &[0x80, 0x01]),
            (624_485, &[0xe5, 0x8e, 0x26]),
            (u64::from(u32::MAX), &[0xff, 0xff, 0xff, 0xff, 0x0f]),
        ] {
            let mut out = Vec::new();
            write_unsigned(&mut out, value);
            assert_eq!(out, bytes, "{value}");
        }
        let mut out = Vec::new();
        write_unsigned(&mut out, u64::MAX);
        assert_eq!(out.len(), 10);
    }
}
