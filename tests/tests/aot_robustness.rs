//! Malformed `.aot` files from the real compiler: `examples/fac.wasm` compiled for this
//! host, then truncated at every byte offset and with bytes flipped across the whole
//! file. `AotFile::parse` + `load_at` (into a plain buffer: nothing is executed) must
//! return errors — with the checksum recomputed after a flip, they must at least return
//! without panicking.

use std::path::Path;

use mote_core::aot::format::{checksum, hdr, write, AotFile};
use mote_core::aot::object::BoundsChecks;
use mote_core::Module;
use mote_loader::{load_at, requirements, HelperTable};

fn compiled(bounds: BoundsChecks) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/fac.wasm");
    let wasm = std::fs::read(path).unwrap();
    let module = Module::new(&wasm).unwrap();
    let mut opts = mote_aotc::Options::host();
    opts.bounds_checks = bounds;
    write(&mote_aotc::compile(&module, &wasm, &opts).unwrap())
}

fn helpers() -> Vec<usize> {
    (0..64).map(|i| 0x7fff_0000_0000 + i * 16).collect()
}

fn parse_and_load(bytes: &[u8], region: &mut [u8]) -> bool {
    let Ok(file) = AotFile::parse(bytes) else {
        return false;
    };
    if requirements(&file).region_bytes > region.len() {
        return false;
    }
    let h = helpers();
    load_at(&file, region, 0x10_0000, &HelperTable::new(&h)).is_ok()
}

#[test]
fn compiled_files_survive_truncation_and_corruption() {
    for bounds in [BoundsChecks::Explicit, BoundsChecks::Guard] {
        let bytes = compiled(bounds);
        let mut region = vec![0u8; 1 << 20];
        assert!(parse_and_load(&bytes, &mut region), "the original loads");
        for len in 0..bytes.len() {
            assert!(!parse_and_load(&bytes[..len], &mut region), "cut at {len}");
        }
        // Every offset of the header and section table, then a stride through the rest.
        let step = (bytes.len() / 2000).max(1);
        let offsets = (0..256.min(bytes.len())).chain((256..bytes.len()).step_by(step));
        for at in offsets {
            for mask in [0x01u8, 0x80, 0xff] {
                let mut b = bytes.clone();
                b[at] ^= mask;
                if !(hdr::CHECKSUM..hdr::CHECKSUM + 8).contains(&at) {
                    assert!(AotFile::parse(&b).is_err(), "flip at {at}");
                }
                let sum = checksum(&b);
                b[hdr::CHECKSUM..hdr::CHECKSUM + 8].copy_from_slice(&sum.to_le_bytes());
                let _ = parse_and_load(&b, &mut region);
            }
        }
    }
}

/// The compiler's output for every target relocates (into a plain buffer, at an address
/// that target can hold), exercising the loader on real relocations of all four arches.
#[test]
fn compiled_files_for_every_target_relocate() {
    use mote_core::aot::reloc::Arch;
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/fac.wasm");
    let wasm = std::fs::read(path).unwrap();
    let module = Module::new(&wasm).unwrap();
    for arch in [Arch::X86_64, Arch::Aarch64, Arch::Thumbv7em, Arch::Riscv32] {
        let opts = mote_aotc::Options::new(arch);
        let bytes = write(&mote_aotc::compile(&module, &wasm, &opts).unwrap());
        let file = AotFile::parse(&bytes).unwrap();
        assert_eq!(file.arch(), arch);
        let reqs = requirements(&file);
        let mut region = vec![0u8; reqs.region_bytes];
        // Helpers far from the code on 64-bit targets (so calls need veneers), Thumb
        // function pointers with bit 0 set.
        let (base, helpers): (u64, Vec<usize>) = match arch.pointer_size() {
            8 => (0x10_0000, helpers()),
            _ => (
                0x2000_0000,
                (0..64)
                    .map(|i| 0x0800_0000 + i * 16 + usize::from(arch == Arch::Thumbv7em))
                    .collect(),
            ),
        };
        let code = load_at(&file, &mut region, base, &HelperTable::new(&helpers))
            .unwrap_or_else(|e| panic!("{arch:?}: {e}"));
        for i in 0..file.func_count() {
            let t = code.trampoline(i).unwrap();
            assert!(t >= base && t < base + reqs.text_bytes as u64, "{arch:?}");
        }
    }
}
