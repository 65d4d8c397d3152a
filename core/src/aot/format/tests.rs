use alloc::vec;
use alloc::vec::Vec;

use super::*;
use crate::aot::object::{AotFunc, AotObject, BoundsChecks};
use crate::aot::reloc::RelocKind;

/// A module with a float-typed function import, a memory and a global.
fn metadata() -> Vec<u8> {
    let wasm = wat::parse_str(
        r#"(module (type (func (param f64) (result i32))) (import "m" "f" (func (type 0)))
            (memory 1) (global i32 (i32.const 0)) (func (type 0) unreachable))"#,
    )
    .unwrap();
    crate::aot::meta::write::metadata(&crate::Module::new(&wasm).unwrap()).unwrap()
}

pub(crate) fn sample() -> AotObject {
    AotObject {
        arch: Arch::X86_64,
        bounds_checks: BoundsChecks::Explicit,
        checks: 0,
        metadata: metadata(),
        names: None,
        funcs: vec![AotFunc {
            native: 0,
            trampoline: 16,
        }],
        // native: e8 <helper> c3 ; trampoline: mov qword [rsi], 42; ret
        text: {
            let mut t = vec![0xe8, 0, 0, 0, 0, 0xc3];
            t.resize(16, 0xcc);
            t.extend_from_slice(&[0x48, 0xc7, 0x06, 0x2a, 0, 0, 0, 0xc3]);
            t
        },
        rodata: vec![1, 2, 3, 4],
        relocs: vec![
            RelocRecord {
                section: RelocSection::Text,
                kind: RelocKind::X86_64Plt32,
                symbol_kind: SymbolKind::Helper,
                symbol_index: Helper::MemoryGrow as u32,
                offset: 1,
                addend: -4,
            },
            RelocRecord {
                section: RelocSection::Got,
                kind: RelocKind::X86_64Abs64,
                symbol_kind: SymbolKind::Function,
                symbol_index: 0,
                offset: 8,
                addend: 0,
            },
        ],
    }
}

#[test]
fn round_trip() {
    let obj = sample();
    let bytes = write(&obj);
    assert_eq!(&bytes[..4], &MAGIC4);
    assert_ne!(&bytes[..4], b"\0asm");
    let f = AotFile::parse(&bytes).unwrap();
    let h = f.header();
    assert_eq!(h.arch, Arch::X86_64);
    assert_eq!(h.bounds, BoundsMode::Explicit);
    assert_eq!(h.float_abi, FloatAbi::Hard);
    assert_eq!(h.code_model, CodeModel::Relocatable);
    assert_eq!(h.helper_abi, HELPER_ABI_VERSION);
    assert_eq!(h.vmctx_size as usize, field::COUNT * 8);
    assert_eq!(h.got_size, 16);
    assert_eq!(h.veneer_size, 16);
    assert_eq!(h.imported_funcs, 1);
    assert_eq!((h.globals, h.tables, h.memories, h.types), (1, 0, 1, 1));
    assert_eq!(h.features, feature::FLOAT);
    assert_eq!(f.metadata(), &obj.metadata[..]);
    assert_eq!(f.text(), &obj.text[..]);
    assert_eq!(f.rodata(), &obj.rodata[..]);
    assert_eq!(f.names(), None);
    assert_eq!(f.func_count(), 1);
    assert_eq!(
        f.func(0),
        Some(FuncEntry {
            native: 0,
            trampoline: 16
        })
    );
    assert_eq!(f.func(1), None);
    assert_eq!(f.relocs().collect::<Vec<_>>(), obj.relocs);
    assert_eq!(f.reloc(1), Some(obj.relocs[1]));
    assert_eq!(f.reloc(2), None);
    // Text is aligned in the file, so it can be executed in place.
    let off = f.text().as_ptr() as usize - bytes.as_ptr() as usize;
    assert_eq!(off % 16, 0);
}

#[test]
fn names_and_options() {
    let names = vec![1u8, 3, 1, 0, 1, b'x'];
    let obj = AotObject {
        names: Some(names.clone()),
        ..sample()
    };
    let bytes = write_with(
        &obj,
        &WriteOptions {
            float_abi: Some(FloatAbi::Soft),
            xip: false,
        },
    );
    let f = AotFile::parse(&bytes).unwrap();
    assert_eq!(f.names(), Some(&names[..]));
    assert_eq!(f.header().float_abi, FloatAbi::Soft);
    // XIP with relocations is refused; without, it parses and rodata follows text.
    let xip = |obj: &AotObject| {
        write_with(
            obj,
            &WriteOptions {
                xip: true,
                ..Default::default()
            },
        )
    };
    assert_eq!(
        AotFile::parse(&xip(&obj)).unwrap_err(),
        FormatError::BadHeader("XIP file with relocations")
    );
    let resolved = AotObject {
        relocs: Vec::new(),
        ..obj
    };
    let bytes = xip(&resolved);
    let f = AotFile::parse(&bytes).unwrap();
    assert_eq!(f.header().code_model, CodeModel::Xip);
    let distance = f.rodata().as_ptr() as usize - f.text().as_ptr() as usize;
    assert_eq!(distance, rodata_offset(f.text().len(), 16));
}

#[test]
fn xip_rodata_must_follow_text() {
    // Move rodata one alignment unit further (its own section offset; the gap stays zero).
    let obj = AotObject {
        relocs: Vec::new(),
        ..sample()
    };
    let bytes = write_with(
        &obj,
        &WriteOptions {
            xip: true,
            ..Default::default()
        },
    );
    let f = AotFile::parse(&bytes).unwrap();
    assert!(!f.rodata().is_empty(), "the sample has rodata");
    let old = f.rodata().as_ptr() as usize - bytes.as_ptr() as usize;
    let mut moved = bytes[..old].to_vec();
    moved.extend_from_slice(&[0; 16]);
    moved.extend_from_slice(&bytes[old..]);
    for e in (0..f.header().section_count as usize).map(|i| HEADER_SIZE + i * SECTION_ENTRY_SIZE) {
        let at = u32::from_le_bytes(moved[e + 8..e + 12].try_into().unwrap()) as usize;
        if at >= old {
            moved[e + 8..e + 12].copy_from_slice(&((at + 16) as u32).to_le_bytes());
        }
    }
    let len = moved.len() as u64;
    moved[hdr::FILE_LEN..hdr::FILE_LEN + 8].copy_from_slice(&len.to_le_bytes());
    moved[hdr::CHECKSUM..hdr::CHECKSUM + 8].fill(0);
    let sum = checksum(&moved);
    moved[hdr::CHECKSUM..hdr::CHECKSUM + 8].copy_from_slice(&sum.to_le_bytes());
    assert_eq!(
        AotFile::parse(&moved).unwrap_err(),
        FormatError::BadSection("XIP rodata does not follow text")
    );
}

/// Rewrites a header field and fixes the checksum, so the field's own check is reached.
fn patched(bytes: &[u8], at: usize, v: &[u8]) -> Vec<u8> {
    let mut b = bytes.to_vec();
    b[at..at + v.len()].copy_from_slice(v);
    let sum = checksum(&b);
    b[hdr::CHECKSUM..hdr::CHECKSUM + 8].copy_from_slice(&sum.to_le_bytes());
    b
}

#[test]
fn header_errors() {
    let bytes = write(&sample());
    let err = |b: &[u8]| AotFile::parse(b).unwrap_err();
    assert_eq!(err(b"\0asm\x01\0\0\0"), FormatError::BadMagic);
    assert_eq!(err(b"\0mo"), FormatError::Truncated);
    assert_eq!(err(&bytes[..50]), FormatError::Truncated);
    assert_eq!(err(&bytes[..bytes.len() - 1]), FormatError::Truncated);
    assert_eq!(
        err(&patched(&bytes, hdr::VERSION, &[1, 0])),
        FormatError::Version(1)
    );
    // A file of the previous format is refused with what to do about it.
    assert!(FormatError::Version(1)
        .to_string()
        .ends_with("recompile it with aotc"));
    assert_eq!(
        err(&patched(&bytes, hdr::HELPER_ABI, &[99, 0, 0, 0])),
        FormatError::HelperAbi(99)
    );
    assert_eq!(err(&patched(&bytes, hdr::ARCH, &[9])), FormatError::Arch);
    assert_eq!(err(&patched(&bytes, hdr::ENDIAN, &[2])), FormatError::Arch);
    assert_eq!(
        err(&patched(&bytes, hdr::POINTER_WIDTH, &[4])),
        FormatError::Arch
    );
    assert!(matches!(
        err(&patched(&bytes, hdr::FEATURES, &[0x80])),
        FormatError::BadHeader(_)
    ));
    let mut flipped = bytes.clone();
    let last = flipped.len() - 1;
    flipped[last] ^= 1;
    assert_eq!(err(&flipped), FormatError::Checksum);
}

#[test]
fn table_errors() {
    let obj = sample();
    // A function outside text.
    let mut bad = obj.clone();
    bad.funcs[0].trampoline = 1000;
    assert_eq!(
        AotFile::parse(&write(&bad)).unwrap_err(),
        FormatError::BadFunction(0)
    );
    // A relocation past the end of text.
    let mut bad = obj.clone();
    bad.relocs[0].offset = 22;
    assert_eq!(
        AotFile::parse(&write(&bad)).unwrap_err(),
        FormatError::BadReloc(0)
    );
    // A relocation of another arch.
    let mut bad = obj.clone();
    bad.relocs[0].kind = RelocKind::Aarch64Call26;
    assert_eq!(
        AotFile::parse(&write(&bad)).unwrap_err(),
        FormatError::BadReloc(0)
    );
    // A call to a function that does not exist, and an unknown helper.
    let mut bad = obj.clone();
    bad.relocs[1].symbol_index = 1;
    assert_eq!(
        AotFile::parse(&write(&bad)).unwrap_err(),
        FormatError::BadReloc(1)
    );
    let mut bad = obj.clone();
    bad.relocs[0].symbol_index = 0;
    assert_eq!(
        AotFile::parse(&write(&bad)).unwrap_err(),
        FormatError::BadReloc(0)
    );
    // Section table: unknown id, section beyond the end.
    let bytes = write(&obj);
    let e = HEADER_SIZE; // first entry
    assert!(matches!(
        AotFile::parse(&patched(&bytes, e, &[9])).unwrap_err(),
        FormatError::BadSection(_)
    ));
    assert!(matches!(
        AotFile::parse(&patched(&bytes, e + 12, &[0xff, 0xff, 0xff, 0x7f])).unwrap_err(),
        FormatError::BadSection(_)
    ));
    // Duplicate section (metadata twice).
    assert!(matches!(
        AotFile::parse(&patched(&bytes, e + SECTION_ENTRY_SIZE, &[1])).unwrap_err(),
        FormatError::BadSection(_)
    ));
}

#[test]
fn every_truncation_and_many_flips_are_errors() {
    let bytes = write(&sample());
    for len in 0..bytes.len() {
        assert!(AotFile::parse(&bytes[..len]).is_err(), "len {len}");
    }
    for at in 0..bytes.len() {
        for bit in [0x01u8, 0x80] {
            let mut b = bytes.clone();
            b[at] ^= bit;
            // With the checksum fixed up the structural checks must hold on their own.
            let fixed = if (hdr::CHECKSUM..hdr::CHECKSUM + 8).contains(&at) {
                b.clone()
            } else {
                let first = [b[0]];
                patched(&b, 0, &first)
            };
            assert!(AotFile::parse(&b).is_err(), "flip at {at}");
            let _ = AotFile::parse(&fixed); // must not panic
        }
    }
}
