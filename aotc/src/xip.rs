//! Execute in place (`aotc --xip`): resolve every relocation when the file is written, so
//! the loader runs the code where it lies (flash on an MCU) without writing to it.
//!
//! XIP code is position-independent (`Options::xip` makes LLVM emit PIC and helper calls
//! through `VmContext::helpers`), so each relocation left in the object is PC-relative
//! between two places of the file itself: a call from one function to another, or a load
//! of rodata. Such a value depends only on the distance between target and place, which
//! the file fixes: text at 0 and rodata at `rodata_offset(text size, RODATA_ALIGN)`, the
//! same distance a loaded region and an XIP file have (`format::rodata_offset`). The
//! loader's own encoders (`mote_loader::reloc::apply`) write the values, so XIP and
//! relocated code are patched by one definition of each kind.

use mote_core::aot::format::{rodata_offset, RODATA_ALIGN};
use mote_core::aot::object::AotObject;
use mote_core::aot::reloc::{Arch, RelocKind, RelocRecord, RelocSection, SymbolKind};
use mote_loader::reloc::apply;

use crate::CompileError;

fn refuse(why: String) -> CompileError {
    CompileError::Object(format!("--xip: {why}"))
}

/// Applies every relocation of `obj` in place and leaves it with none.
pub fn resolve(obj: &mut AotObject) -> Result<(), CompileError> {
    check_label_pairs(&obj.relocs)?;
    let rodata_at = rodata_offset(obj.text.len(), RODATA_ALIGN) as u64;
    let relocs = std::mem::take(&mut obj.relocs);
    for r in &relocs {
        if r.kind.is_marker() {
            continue;
        }
        let place_name = || format!("{:?} at {:?}+0x{:x}", r.kind, r.section, r.offset);
        if !r.kind.is_pc_relative() {
            return Err(refuse(format!(
                "the code needs an absolute address ({}), which only a loader can write",
                place_name()
            )));
        }
        let target = match r.symbol_kind {
            SymbolKind::Function => {
                let f = obj
                    .funcs
                    .get(r.symbol_index as usize)
                    .ok_or_else(|| refuse(format!("{} names an unknown function", place_name())))?;
                let thumb_bit = u64::from(obj.arch == Arch::Thumbv7em);
                u64::from(f.native) | thumb_bit
            }
            SymbolKind::SectionBase => match RelocSection::from_u8(r.symbol_index as u8) {
                Some(RelocSection::Text) => 0,
                Some(RelocSection::RoData) => rodata_at,
                _ => return Err(refuse(format!("{} needs a GOT", place_name()))),
            },
            SymbolKind::Helper => {
                return Err(refuse(format!(
                    "{} calls a runtime helper directly",
                    place_name()
                )))
            }
        };
        let (bytes, base) = match r.section {
            RelocSection::Text => (&mut obj.text, 0),
            RelocSection::RoData => (&mut obj.rodata, rodata_at),
            RelocSection::Got => return Err(refuse(format!("{} patches a GOT", place_name()))),
        };
        let place = base + u64::from(r.offset);
        apply(r.kind, bytes, r.offset as usize, place, target, r.addend)
            .map_err(|e| refuse(format!("{}: {e}", place_name())))?;
    }
    Ok(())
}

/// A RISC-V label difference is an `ADD32` and a `SUB32` on one word; either alone would
/// leave an absolute address in the file.
fn check_label_pairs(relocs: &[RelocRecord]) -> Result<(), CompileError> {
    let word = |r: &RelocRecord| (r.section as u8, r.offset);
    let count = |kind: RelocKind, at| {
        relocs
            .iter()
            .filter(|r| r.kind == kind && word(r) == at)
            .count()
    };
    for r in relocs {
        if matches!(r.kind, RelocKind::RiscvAdd32 | RelocKind::RiscvSub32)
            && count(RelocKind::RiscvAdd32, word(r)) != count(RelocKind::RiscvSub32, word(r))
        {
            return Err(refuse(format!(
                "{:?} at {:?}+0x{:x} is not half of a label difference",
                r.kind, r.section, r.offset
            )));
        }
    }
    Ok(())
}
