//! Malformed `.aot` input: a valid file truncated at every byte offset and with bits
//! flipped at every offset must be refused by `AotFile::parse` (the checksum catches the
//! flips), and with the checksum recomputed after the flip (so the structural checks
//! must hold on their own) `parse` + `load_at` must return, never panic. Nothing is
//! executed: the region is a plain buffer.

use mote_core::aot::format::{checksum, hdr, write, AotFile};
use mote_core::aot::helpers::Helper;
use mote_core::aot::meta::write::metadata as write_meta;
use mote_core::aot::object::{AotFunc, AotObject, BoundsChecks};
use mote_core::aot::reloc::{Arch, RelocKind, RelocRecord, RelocSection, SymbolKind};
use mote_loader::{load_at, requirements, HelperTable};

fn rec(
    section: RelocSection,
    kind: RelocKind,
    symbol_kind: SymbolKind,
    symbol_index: u32,
    offset: u32,
    addend: i64,
) -> RelocRecord {
    RelocRecord {
        section,
        kind,
        symbol_kind,
        symbol_index,
        offset,
        addend,
    }
}

/// An x86_64 file with every kind of symbol, a GOT and calls that need veneers.
fn sample() -> Vec<u8> {
    let wasm = wat::parse_str(
        r#"(module (memory 1) (global (mut i32) (i32.const 0))
             (func (export "a") (result i32) unreachable)
             (func (export "b") (param i32) (result i32) unreachable))"#,
    )
    .unwrap();
    let mut text = vec![0xe8, 0, 0, 0, 0, 0xe8, 0, 0, 0, 0, 0xc3];
    text.resize(16, 0xcc);
    text.extend_from_slice(&[
        0x48, 0x8d, 0x05, 0, 0, 0, 0, 0x48, 0x8b, 0x05, 0, 0, 0, 0, 0xc3,
    ]);
    text.resize(48, 0xcc);
    write(&AotObject {
        arch: Arch::X86_64,
        bounds_checks: BoundsChecks::Explicit,
        checks: 0,
        metadata: write_meta(&mote_core::Module::new(&wasm).unwrap()).unwrap(),
        names: None,
        funcs: vec![
            AotFunc {
                native: 0,
                trampoline: 16,
            },
            AotFunc {
                native: 16,
                trampoline: 0,
            },
        ],
        text,
        rodata: vec![1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 0, 0, 0, 0, 0],
        relocs: vec![
            rec(
                RelocSection::Text,
                RelocKind::X86_64Plt32,
                SymbolKind::Helper,
                Helper::MemoryGrow as u32,
                1,
                -4,
            ),
            rec(
                RelocSection::Text,
                RelocKind::X86_64Plt32,
                SymbolKind::Function,
                1,
                6,
                -4,
            ),
            rec(
                RelocSection::Text,
                RelocKind::X86_64Pc32,
                SymbolKind::SectionBase,
                RelocSection::RoData as u32,
                19,
                -4,
            ),
            rec(
                RelocSection::Text,
                RelocKind::X86_64GotPcRel,
                SymbolKind::SectionBase,
                RelocSection::Got as u32,
                26,
                -4,
            ),
            rec(
                RelocSection::Got,
                RelocKind::X86_64Abs64,
                SymbolKind::Helper,
                Helper::CallImport as u32,
                0,
                0,
            ),
            rec(
                RelocSection::RoData,
                RelocKind::X86_64Abs64,
                SymbolKind::Function,
                0,
                8,
                0,
            ),
        ],
    })
}

fn helpers() -> Vec<usize> {
    // Far away from the buffer so that calls need veneers.
    (0..32).map(|i| 0x7fff_0000_0000 + i * 16).collect()
}

/// Parses and, if that succeeds, loads into a buffer. Returns whether both succeeded.
fn parse_and_load(bytes: &[u8], region: &mut [u8]) -> bool {
    let Ok(file) = AotFile::parse(bytes) else {
        return false;
    };
    let reqs = requirements(&file);
    if reqs.region_bytes > region.len() {
        return false;
    }
    let h = helpers();
    load_at(&file, region, 0x10_0000, &HelperTable::new(&h)).is_ok()
}

fn fix_checksum(b: &mut [u8]) {
    if b.len() >= hdr::CHECKSUM + 8 {
        let sum = checksum(b);
        b[hdr::CHECKSUM..hdr::CHECKSUM + 8].copy_from_slice(&sum.to_le_bytes());
    }
}

#[test]
fn the_sample_loads() {
    let bytes = sample();
    let mut region = vec![0u8; 4096];
    assert!(parse_and_load(&bytes, &mut region));
}

#[test]
fn every_truncation_is_an_error() {
    let bytes = sample();
    let mut region = vec![0u8; 4096];
    for len in 0..bytes.len() {
        assert!(
            !parse_and_load(&bytes[..len], &mut region),
            "truncated at {len}"
        );
        // Even with a matching checksum and length field, a cut file is refused.
        let mut cut = bytes[..len].to_vec();
        if cut.len() >= hdr::FILE_LEN + 8 {
            cut[hdr::FILE_LEN..hdr::FILE_LEN + 8].copy_from_slice(&(len as u64).to_le_bytes());
        }
        fix_checksum(&mut cut);
        assert!(
            !parse_and_load(&cut, &mut region),
            "truncated at {len} (fixed up)"
        );
    }
}

#[test]
fn flipped_bytes_are_errors_or_harmless() {
    let bytes = sample();
    let mut region = vec![0u8; 1 << 16];
    let mut loaded_after_fixup = 0;
    for at in 0..bytes.len() {
        for mask in [0x01u8, 0x02, 0x10, 0x80, 0xff] {
            let mut b = bytes.clone();
            b[at] ^= mask;
            if !(hdr::CHECKSUM..hdr::CHECKSUM + 8).contains(&at) {
                assert!(
                    AotFile::parse(&b).is_err(),
                    "flip {mask:#x} at {at} not detected"
                );
            }
            fix_checksum(&mut b);
            // Must return (either way) without panicking.
            if parse_and_load(&b, &mut region) {
                loaded_after_fixup += 1;
            }
        }
    }
    // Flips in code bytes or addends are undetectable without the checksum; make sure
    // the structural checks refused a good share of the rest.
    assert!(loaded_after_fixup < bytes.len() * 5);
}
