//! ELF object (from LLVM) → `AotObject`: one text blob, one merged read-only data blob,
//! function entry offsets and `.aot` relocation records (`docs/aot-relocations.md`).

use std::collections::HashMap;

use mote_core::aot::helpers::Helper;
use mote_core::aot::object::{AotFunc, AotObject, BoundsChecks};
use mote_core::aot::reloc::{Arch, RelocKind, RelocRecord, RelocSection, SymbolKind};
use object::{
    Object, ObjectSection, ObjectSymbol, RelocationFlags, RelocationTarget, SectionIndex,
    SymbolSection,
};

pub enum ConvError {
    /// The code calls external functions mote does not provide (libcalls).
    Libcalls(Vec<String>),
    Other(String),
}

fn other(m: impl Into<String>) -> ConvError {
    ConvError::Other(m.into())
}

fn classify(name: &str) -> Option<RelocSection> {
    if name == ".text" || name.starts_with(".text.") {
        Some(RelocSection::Text)
    } else if [".rodata", ".srodata", ".data.rel.ro"]
        .iter()
        .any(|p| name == *p || name.starts_with(&format!("{p}.")))
    {
        Some(RelocSection::RoData)
    } else {
        None
    }
}

fn is_writable_data(name: &str) -> bool {
    [".data", ".bss", ".sdata", ".sbss", ".tdata", ".tbss"]
        .iter()
        .any(|p| name == *p || name.starts_with(&format!("{p}.")))
}

/// `f12` → (false, 12), `t3` → (true, 3).
fn func_symbol(name: &str) -> Option<(bool, u32)> {
    let (tramp, rest) = if let Some(r) = name.strip_prefix('f') {
        (false, r)
    } else {
        (true, name.strip_prefix('t')?)
    };
    if rest.is_empty() || !rest.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((tramp, rest.parse().ok()?))
}

fn is_pcrel_lo(k: RelocKind) -> bool {
    matches!(k, RelocKind::RiscvPcrelLo12I | RelocKind::RiscvPcrelLo12S)
}

pub fn convert(
    arch: Arch,
    bounds_checks: BoundsChecks,
    metadata: Vec<u8>,
    num_funcs: usize,
    bytes: &[u8],
) -> Result<AotObject, ConvError> {
    let file =
        object::File::parse(bytes).map_err(|e| other(format!("cannot read LLVM's object: {e}")))?;
    let thumb = arch == Arch::Thumbv7em;

    // Lay out the kept sections.
    let mut text = Vec::new();
    let mut rodata = Vec::new();
    let mut placed: HashMap<SectionIndex, (RelocSection, u64)> = HashMap::new();
    for s in file.sections() {
        let name = s.name().unwrap_or("");
        match classify(name) {
            Some(kind) => {
                let data = s
                    .data()
                    .map_err(|e| other(format!("section {name}: {e}")))?;
                let blob = if kind == RelocSection::Text {
                    &mut text
                } else {
                    &mut rodata
                };
                let align = s.align().max(1) as usize;
                while blob.len() % align != 0 {
                    blob.push(0);
                }
                placed.insert(s.index(), (kind, blob.len() as u64));
                blob.extend_from_slice(data);
            }
            None => {
                if is_writable_data(name) && s.size() > 0 {
                    return Err(other(format!(
                        "LLVM emitted writable data (section {name}, {} bytes); the .aot format has none",
                        s.size()
                    )));
                }
            }
        }
    }

    // Function entry points.
    let mut native = vec![None; num_funcs];
    let mut tramp = vec![None; num_funcs];
    for sym in file.symbols() {
        let Ok(name) = sym.name() else { continue };
        let Some((is_t, idx)) = func_symbol(name) else {
            continue;
        };
        let Some(si) = sym.section_index() else {
            continue;
        };
        let Some((RelocSection::Text, base)) = placed.get(&si).copied() else {
            continue;
        };
        let mut v = sym.address();
        if thumb {
            v &= !1;
        }
        let off = u32::try_from(base + v).map_err(|_| other("text larger than 4 GiB"))?;
        let slot = if is_t { &mut tramp } else { &mut native };
        if let Some(e) = slot.get_mut(idx as usize) {
            *e = Some(off);
        }
    }
    let mut funcs = Vec::with_capacity(num_funcs);
    for i in 0..num_funcs {
        match (native[i], tramp[i]) {
            (Some(n), Some(t)) => funcs.push(AotFunc {
                native: n,
                trampoline: t,
            }),
            _ => {
                return Err(other(format!(
                    "function f{i} or its trampoline t{i} is missing from the object"
                )))
            }
        }
    }

    // Relocations.
    let mut relocs: Vec<RelocRecord> = Vec::new();
    let mut deferred_lo: Vec<(RelocSection, RelocKind, u64, u64)> = Vec::new();
    let mut missing: Vec<String> = Vec::new();
    for s in file.sections() {
        let Some((sec, base)) = placed.get(&s.index()).copied() else {
            continue;
        };
        let data = s.data().unwrap_or(&[]);
        for (off, r) in s.relocations() {
            let RelocationFlags::Elf { r_type } = r.flags() else {
                return Err(other("not an ELF relocation"));
            };
            if r_type == 0 {
                continue;
            }
            let kind = RelocKind::from_elf(arch, r_type).ok_or_else(|| {
                other(format!(
                    "unsupported ELF relocation type {r_type} for {arch:?} in {} at 0x{off:x}",
                    s.name().unwrap_or("?")
                ))
            })?;
            if kind.is_got() {
                return Err(other(format!(
                    "GOT relocation {kind:?} in {} at 0x{off:x} (a symbol was not dso_local)",
                    s.name().unwrap_or("?")
                )));
            }
            let width = kind.width() as u64;
            if off + width > data.len() as u64 {
                return Err(other(format!(
                    "relocation at 0x{off:x} runs past its section"
                )));
            }
            let mut addend = if r.has_implicit_addend() {
                kind.implicit_addend(&data[off as usize..]).ok_or_else(|| {
                    other(format!(
                        "cannot decode the implicit addend of {kind:?} at 0x{off:x}"
                    ))
                })?
            } else {
                r.addend()
            };
            // Resolve the target.
            let (sk, index) = match r.target() {
                RelocationTarget::Section(si) => {
                    let (ts, tb) = placed
                        .get(&si)
                        .copied()
                        .ok_or_else(|| other("relocation against a section that is not kept"))?;
                    addend += tb as i64;
                    (SymbolKind::SectionBase, ts as u32)
                }
                RelocationTarget::Symbol(idx) => {
                    let sym = file
                        .symbol_by_index(idx)
                        .map_err(|e| other(format!("bad relocation symbol: {e}")))?;
                    let name = sym.name().unwrap_or("");
                    if sym.is_undefined() || sym.section() == SymbolSection::Undefined {
                        match Helper::from_symbol(name) {
                            Some(h) => (SymbolKind::Helper, h as u32),
                            None => {
                                if !missing.iter().any(|m| m == name) {
                                    missing.push(name.to_string());
                                }
                                continue;
                            }
                        }
                    } else {
                        let si = sym.section_index().ok_or_else(|| {
                            other(format!("relocation against absolute symbol `{name}`"))
                        })?;
                        let (ts, tb) = placed.get(&si).copied().ok_or_else(|| {
                            other(format!(
                                "relocation against `{name}` in a section that is not kept"
                            ))
                        })?;
                        match func_symbol(name) {
                            Some((false, i))
                                if ts == RelocSection::Text && (i as usize) < num_funcs =>
                            {
                                (SymbolKind::Function, i)
                            }
                            _ => {
                                // Local labels, section symbols, constant pools; on Thumb a
                                // function symbol's odd value carries the Thumb bit (§4.2).
                                addend += (tb + sym.address()) as i64;
                                (SymbolKind::SectionBase, ts as u32)
                            }
                        }
                    }
                }
                RelocationTarget::Absolute => {
                    return Err(other("absolute relocation target"));
                }
                _ => return Err(other("unknown relocation target")),
            };
            let offset = base + off;
            if is_pcrel_lo(kind) {
                // The symbol names the AUIPC carrying the HI20 (docs §4.1).
                if sk != SymbolKind::SectionBase || index != sec as u32 {
                    return Err(other(
                        "%pcrel_lo does not point at an AUIPC in its own section",
                    ));
                }
                deferred_lo.push((sec, kind, offset, addend as u64));
                continue;
            }
            relocs.push(RelocRecord {
                section: sec,
                kind,
                symbol_kind: sk,
                symbol_index: index,
                offset: u32::try_from(offset).map_err(|_| other("section larger than 4 GiB"))?,
                addend,
            });
        }
    }
    if !missing.is_empty() {
        return Err(ConvError::Libcalls(missing));
    }
    for (sec, kind, o_lo, o_hi) in deferred_lo {
        let hi = relocs
            .iter()
            .find(|r| {
                r.section == sec
                    && u64::from(r.offset) == o_hi
                    && matches!(r.kind, RelocKind::RiscvPcrelHi20 | RelocKind::RiscvGotHi20)
            })
            .copied()
            .ok_or_else(|| {
                other(format!(
                    "%pcrel_lo at 0x{o_lo:x} has no matching %pcrel_hi at 0x{o_hi:x}"
                ))
            })?;
        let delta = i64::try_from(o_lo).unwrap() - i64::try_from(o_hi).unwrap();
        relocs.push(RelocRecord {
            section: sec,
            kind,
            symbol_kind: hi.symbol_kind,
            symbol_index: hi.symbol_index,
            offset: o_lo as u32,
            addend: hi
                .addend
                .checked_add(delta)
                .ok_or_else(|| other("addend overflow"))?,
        });
    }
    relocs.sort_by_key(|r| (r.section as u8, r.offset));

    Ok(AotObject {
        arch,
        bounds_checks,
        checks: 0,
        metadata,
        names: None,
        funcs,
        text,
        rodata,
        relocs,
    })
}
