extern crate alloc;
extern crate std;

use alloc::vec;
use alloc::vec::Vec;

use super::*;
use mote_core::aot::format::{write, AotFile};
use mote_core::aot::object::{AotFunc, AotObject, BoundsChecks};
use mote_core::aot::reloc::{RelocKind, RelocRecord};

fn object() -> AotObject {
    // func 0 native @0: call <helper MemoryGrow>; call <func 1>; ret
    // func 1 native @16: lea rax, [rip + rodata]; ret
    // trampolines @32/@48: mov qword [rsi], 42; ret
    let mut text = vec![0xe8, 0, 0, 0, 0, 0xe8, 0, 0, 0, 0, 0xc3];
    text.resize(16, 0xcc);
    text.extend_from_slice(&[0x48, 0x8d, 0x05, 0, 0, 0, 0, 0xc3]);
    text.resize(32, 0xcc);
    text.extend_from_slice(&[0x48, 0xc7, 0x06, 0x2a, 0, 0, 0, 0xc3]);
    text.resize(48, 0xcc);
    text.extend_from_slice(&[0x48, 0xc7, 0x06, 0x2a, 0, 0, 0, 0xc3]);
    let rec = |section, kind, symbol_kind, symbol_index, offset, addend| RelocRecord {
        section,
        kind,
        symbol_kind,
        symbol_index,
        offset,
        addend,
    };
    AotObject {
        arch: Arch::X86_64,
        bounds_checks: BoundsChecks::Explicit,
        checks: 0,
        // The loader never reads the metadata.
        metadata: Vec::new(),
        names: None,
        funcs: vec![
            AotFunc {
                native: 0,
                trampoline: 32,
            },
            AotFunc {
                native: 16,
                trampoline: 48,
            },
        ],
        text,
        rodata: vec![7; 5],
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
                -4 + 2,
            ),
            rec(
                RelocSection::Got,
                RelocKind::X86_64Abs64,
                SymbolKind::Helper,
                Helper::MemoryGrow as u32,
                0,
                0,
            ),
        ],
    }
}

fn helpers(addr: usize) -> Vec<usize> {
    let mut h = vec![0; 32];
    h[Helper::MemoryGrow as usize] = addr;
    h
}

fn rel32(b: &[u8], at: usize) -> i64 {
    i32::from_le_bytes(b[at..at + 4].try_into().unwrap()) as i64
}

#[test]
fn requirements_lay_out_the_region() {
    let bytes = write(&object());
    let file = AotFile::parse(&bytes).unwrap();
    let r = requirements(&file);
    assert_eq!(r.text_offset, 0);
    assert_eq!(r.text_bytes, 56);
    assert_eq!(r.rodata_offset, 64);
    assert_eq!(r.rodata_bytes, 5);
    assert_eq!(r.got_offset, 72);
    assert_eq!(r.got_bytes, 8);
    assert_eq!(r.veneer_offset, 80);
    assert_eq!(r.veneer_bytes, 32); // helper + function 1 may need veneers
    assert_eq!(r.region_bytes, 112);
    assert_eq!(r.region_align, 16);
    assert_eq!(r.vmctx_bytes, mote_core::aot::context::field::COUNT * 8);
    assert_eq!(r.funcs, 2);
}

#[test]
fn relocates_near_targets_in_place() {
    let bytes = write(&object());
    let file = AotFile::parse(&bytes).unwrap();
    let base = 0x10_0000u64;
    let helper = 0x20_0000usize;
    let mut region = vec![0xeeu8; 200];
    let h = helpers(helper);
    let code = load_at(&file, &mut region, base, &HelperTable::new(&h)).unwrap();
    // call helper: target = P + 4 + rel
    assert_eq!(base as i64 + 5 + rel32(&region, 1), helper as i64);
    assert_eq!(base as i64 + 10 + rel32(&region, 6), base as i64 + 16);
    // lea rax, [rip + rodata + 2]
    assert_eq!(base as i64 + 23 + rel32(&region, 19), base as i64 + 64 + 2);
    assert_eq!(&region[64..69], &[7; 5]);
    assert_eq!(
        u64::from_le_bytes(region[72..80].try_into().unwrap()),
        helper as u64
    );
    // No veneers needed; the area is zero and bytes past the region untouched.
    assert!(region[80..112].iter().all(|&b| b == 0));
    assert!(region[112..].iter().all(|&b| b == 0xee));
    assert_eq!(code.trampoline(0), Some(base + 32));
    assert_eq!(code.native(1), Some(base + 16));
    assert_eq!(code.trampoline(2), None);
}

#[test]
fn far_calls_go_through_one_shared_veneer() {
    let mut obj = object();
    // A second call to the same far helper.
    obj.text[11] = 0xe8;
    obj.text[12..16].fill(0);
    obj.relocs.push(RelocRecord {
        section: RelocSection::Text,
        kind: RelocKind::X86_64Plt32,
        symbol_kind: SymbolKind::Helper,
        symbol_index: Helper::MemoryGrow as u32,
        offset: 12,
        addend: -4,
    });
    let bytes = write(&obj);
    let file = AotFile::parse(&bytes).unwrap();
    let base = 0x10_0000u64;
    let helper = 0x7000_0000_0000usize;
    let mut region = vec![0u8; 112];
    let h = helpers(helper);
    load_at(&file, &mut region, base, &HelperTable::new(&h)).unwrap();
    let veneer = base as i64 + 80;
    assert_eq!(base as i64 + 5 + rel32(&region, 1), veneer);
    assert_eq!(base as i64 + 16 + rel32(&region, 12), veneer);
    assert_eq!(&region[80..82], &[0xff, 0x25]);
    assert_eq!(
        u64::from_le_bytes(region[86..94].try_into().unwrap()),
        helper as u64
    );
    assert!(region[96..112].iter().all(|&b| b == 0), "only one veneer");
}

#[test]
fn load_errors() {
    let bytes = write(&object());
    let file = AotFile::parse(&bytes).unwrap();
    let h = helpers(0x20_0000);
    let ht = HelperTable::new(&h);
    let mut small = vec![0u8; 100];
    assert_eq!(
        load_at(&file, &mut small, 0x1000, &ht).unwrap_err(),
        LoadError::RegionTooSmall {
            need: 112,
            have: 100
        }
    );
    let mut region = vec![0u8; 112];
    assert_eq!(
        load_at(&file, &mut region, 0x1008, &ht).unwrap_err(),
        LoadError::RegionMisaligned
    );
    let none = [0usize; 4];
    assert_eq!(
        load_at(&file, &mut region, 0x1000, &HelperTable::new(&none)).unwrap_err(),
        LoadError::MissingHelper(Helper::MemoryGrow as u32)
    );
    // A data reference that cannot reach: rodata is placed next to text, so only a
    // hostile addend can do this.
    let mut obj = object();
    obj.relocs[2].addend = 1 << 40;
    let bytes = write(&obj);
    let file = AotFile::parse(&bytes).unwrap();
    assert_eq!(
        load_at(&file, &mut region, 0x1000, &ht).unwrap_err(),
        LoadError::Reloc {
            index: 2,
            error: RelocError::OutOfRange
        }
    );
}
