//! Placing a parsed `.aot` file into caller-provided memory and relocating it.
//!
//! Layout of the region (offsets from its start, see `Requirements`):
//!
//! ```text
//! text | pad | rodata | pad | GOT (pointer slots) | pad | veneers
//! ```
//!
//! Everything lives in one region because the GOT and veneers must be within branch /
//! PC-relative reach of the text, and rodata within ADRP / `PC32` reach. No allocation,
//! no panics: the file was checked by `AotFile::parse`, and every offset is checked again
//! by `reloc::apply` before a byte is written.

use core::fmt;

use mote_core::aot::format::{rodata_offset, AotFile, CodeModel, FormatError, VENEER_ALIGN};
use mote_core::aot::helpers::Helper;
use mote_core::aot::reloc::{Arch, RelocSection, SymbolKind};

use crate::reloc::{self, veneer_size, write_veneer, RelocError};

/// What loading a file needs from the embedder; all byte counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Requirements {
    /// Bytes of the code region (text, rodata, GOT and veneers).
    pub region_bytes: usize,
    /// Alignment of the region's start address.
    pub region_align: usize,
    pub text_offset: usize,
    pub text_bytes: usize,
    pub rodata_offset: usize,
    pub rodata_bytes: usize,
    pub got_offset: usize,
    pub got_bytes: usize,
    pub veneer_offset: usize,
    pub veneer_bytes: usize,
    /// Bytes of one `VmContext`.
    pub vmctx_bytes: usize,
    /// Defined functions.
    pub funcs: usize,
    /// Entries of the global-pointer array (`VmContext::globals`).
    pub globals: usize,
    pub tables: usize,
    pub memories: usize,
}

fn align_up(v: usize, a: usize) -> usize {
    // a is a power of two no larger than 4096 (checked by the parser).
    (v + a - 1) & !(a - 1)
}

/// The memory a file needs, from its header alone, so an embedder can size static
/// buffers before loading.
pub fn requirements(file: &AotFile<'_>) -> Requirements {
    let h = file.header();
    let ptr = h.arch.pointer_size();
    let text_bytes = h.text_size as usize;
    let rodata_offset = rodata_offset(text_bytes, h.rodata_align as usize);
    let rodata_bytes = h.rodata_size as usize;
    let got_offset = align_up(rodata_offset + rodata_bytes, ptr.max(VENEER_ALIGN));
    let got_bytes = h.got_size as usize;
    let veneer_offset = align_up(got_offset + got_bytes, VENEER_ALIGN);
    let veneer_bytes = h.veneer_size as usize;
    Requirements {
        region_bytes: veneer_offset + veneer_bytes,
        region_align: (h.text_align as usize)
            .max(h.rodata_align as usize)
            .max(VENEER_ALIGN),
        text_offset: 0,
        text_bytes,
        rodata_offset,
        rodata_bytes,
        got_offset,
        got_bytes,
        veneer_offset,
        veneer_bytes,
        vmctx_bytes: h.vmctx_size as usize,
        funcs: h.func_count as usize,
        globals: h.globals as usize,
        tables: h.tables as usize,
        memories: h.memories as usize,
    }
}

/// Addresses of the runtime helpers, indexed by `Helper` number (index 0 unused). A
/// zero entry means the runtime does not provide that helper; a file that needs it is
/// refused.
#[derive(Debug, Clone, Copy)]
pub struct HelperTable<'a> {
    pub addrs: &'a [usize],
}

impl<'a> HelperTable<'a> {
    pub const fn new(addrs: &'a [usize]) -> HelperTable<'a> {
        HelperTable { addrs }
    }

    fn get(&self, id: u32) -> Option<u64> {
        let a = *self.addrs.get(id as usize)?;
        (a != 0).then_some(a as u64)
    }
}

/// Why a file could not be loaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoadError {
    Format(FormatError),
    /// The region is smaller than `Requirements::region_bytes`.
    RegionTooSmall {
        need: usize,
        have: usize,
    },
    /// The region's address is not aligned to `Requirements::region_align`.
    RegionMisaligned,
    /// The file was compiled for another architecture than this loader runs on.
    WrongArch {
        file: Arch,
        host: Option<Arch>,
    },
    /// The file needs a helper the runtime does not provide.
    MissingHelper(u32),
    /// Relocation record `index` could not be applied.
    Reloc {
        index: u32,
        error: RelocError,
    },
    /// More veneers were needed than the header reserved.
    VeneerAreaFull,
    /// The platform refused to change the region's protection.
    Protect,
    /// The file's bounds-check mode is not supported by this runtime.
    BoundsMode,
    /// [`load_in_place`] was given a file that needs relocating (not `aotc --xip`).
    NotXip,
    /// An execute-in-place file's text does not lie at an address aligned as its header
    /// requires (`align` bytes): place the file's bytes accordingly.
    XipMisaligned {
        align: usize,
    },
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::Format(e) => write!(f, "{e}"),
            LoadError::RegionTooSmall { need, have } => {
                write!(f, "code region too small: need {need} bytes, have {have}")
            }
            LoadError::RegionMisaligned => f.write_str("code region is misaligned"),
            LoadError::WrongArch { file, host } => match host {
                Some(h) => write!(f, ".aot file is for {file:?}, this runtime runs on {h:?}"),
                None => write!(
                    f,
                    ".aot file is for {file:?}, this host cannot run AOT code"
                ),
            },
            LoadError::MissingHelper(n) => write!(f, "runtime helper {n} is not available"),
            LoadError::Reloc { index, error } => write!(f, "relocation {index}: {error}"),
            LoadError::VeneerAreaFull => f.write_str("more call veneers needed than reserved"),
            LoadError::Protect => f.write_str("cannot change the protection of the code region"),
            LoadError::BoundsMode => {
                f.write_str("the .aot file's bounds-check mode is not supported here")
            }
            LoadError::NotXip => f.write_str(
                "the .aot file is not execute-in-place: compile it with `aotc --xip` \
                 or load it into a code region",
            ),
            LoadError::XipMisaligned { align } => write!(
                f,
                "an execute-in-place file's text must lie at a {align}-byte aligned address"
            ),
        }
    }
}

impl core::error::Error for LoadError {}

impl From<FormatError> for LoadError {
    fn from(e: FormatError) -> LoadError {
        LoadError::Format(e)
    }
}

/// The architecture this loader is compiled for, if mote supports it.
pub const fn host_arch() -> Option<Arch> {
    if cfg!(target_arch = "x86_64") {
        Some(Arch::X86_64)
    } else if cfg!(target_arch = "aarch64") {
        Some(Arch::Aarch64)
    } else if cfg!(target_arch = "arm") {
        // Not `target_feature = "thumb-mode"`: stable rustc never sets that cfg, which made
        // every file "for another architecture" on thumbv7em. Any Arm core that runs this
        // loader can run Thumb-2 code (M-profile only has Thumb; A/R-profile interworks).
        Some(Arch::Thumbv7em)
    } else if cfg!(target_arch = "riscv32") {
        Some(Arch::Riscv32)
    } else {
        None
    }
}

// The MCU builds in CI (thumbv7em, riscv32) fail here if the loader stops recognising its
// own architecture; LTO would otherwise silently drop the whole loading path.
const _: () = assert!(
    host_arch().is_some()
        || !cfg!(any(
            target_arch = "x86_64",
            target_arch = "aarch64",
            target_arch = "arm",
            target_arch = "riscv32"
        ))
);

/// Code placed and relocated at `base`.
#[derive(Debug, Clone, Copy)]
pub struct LoadedCode<'f> {
    file: AotFile<'f>,
    base: u64,
    reqs: Requirements,
}

impl<'f> LoadedCode<'f> {
    /// Run-time address of the region.
    pub fn base(&self) -> u64 {
        self.base
    }

    pub fn requirements(&self) -> &Requirements {
        &self.reqs
    }

    pub fn file(&self) -> &AotFile<'f> {
        &self.file
    }

    fn code_addr(&self, offset: u32) -> u64 {
        let a = self.base + self.reqs.text_offset as u64 + u64::from(offset);
        if self.file.arch() == Arch::Thumbv7em {
            a | 1
        } else {
            a
        }
    }

    /// Address of defined function `i`'s array-call trampoline
    /// (`extern "C" fn(*mut VmContext, *mut u64)`).
    pub fn trampoline(&self, i: usize) -> Option<u64> {
        Some(self.code_addr(self.file.func(i)?.trampoline))
    }

    /// Address of defined function `i`'s native entry.
    pub fn native(&self, i: usize) -> Option<u64> {
        Some(self.code_addr(self.file.func(i)?.native))
    }
}

/// Memory the platform can switch between writable and executable, never both (W^X).
pub trait ExecMemory {
    /// The region's bytes; only written between `make_writable` and `make_executable`.
    fn bytes(&mut self) -> &mut [u8];
    fn make_writable(&mut self) -> Result<(), LoadError>;
    fn make_executable(&mut self) -> Result<(), LoadError>;
}

/// `load` into platform memory: writable while relocating, executable after. On error
/// the region stays non-executable.
pub fn load_into<'f, M: ExecMemory + ?Sized>(
    file: &AotFile<'f>,
    mem: &mut M,
    helpers: &HelperTable<'_>,
) -> Result<LoadedCode<'f>, LoadError> {
    mem.make_writable()?;
    let code = load(file, mem.bytes(), helpers)?;
    mem.make_executable()?;
    Ok(code)
}

/// Runs an execute-in-place file (`aotc --xip`) where its bytes lie, e.g. in flash: no
/// copy, no write. The parser already refused XIP files with relocation records, a GOT
/// or veneers, and checked that rodata follows text at the distance the code was
/// resolved for, so the file's own bytes are the code as it runs. The bytes must be
/// executable (flash on an MCU; an executable read-only mapping on a host) and stay in
/// place while the code is used.
pub fn load_in_place<'f>(file: &AotFile<'f>) -> Result<LoadedCode<'f>, LoadError> {
    if file.header().code_model != CodeModel::Xip {
        return Err(LoadError::NotXip);
    }
    let reqs = requirements(file);
    let base = file.text().as_ptr() as u64;
    if !base.is_multiple_of(reqs.region_align as u64) {
        return Err(LoadError::XipMisaligned {
            align: reqs.region_align,
        });
    }
    Ok(LoadedCode {
        file: *file,
        base,
        reqs,
    })
}

/// Copies the sections of `file` into `region` and applies every relocation for the
/// region's own address. See [`load_at`].
pub fn load<'f>(
    file: &AotFile<'f>,
    region: &mut [u8],
    helpers: &HelperTable<'_>,
) -> Result<LoadedCode<'f>, LoadError> {
    let addr = region.as_ptr() as u64;
    load_at(file, region, addr, helpers)
}

/// Copies the sections of `file` into `region` (whose first byte will be at run-time
/// address `run_addr`) and applies every relocation. The region must hold
/// `requirements(file).region_bytes` bytes; bytes beyond are untouched.
pub fn load_at<'f>(
    file: &AotFile<'f>,
    region: &mut [u8],
    run_addr: u64,
    helpers: &HelperTable<'_>,
) -> Result<LoadedCode<'f>, LoadError> {
    let reqs = requirements(file);
    if region.len() < reqs.region_bytes {
        return Err(LoadError::RegionTooSmall {
            need: reqs.region_bytes,
            have: region.len(),
        });
    }
    if !run_addr.is_multiple_of(reqs.region_align as u64) {
        return Err(LoadError::RegionMisaligned);
    }
    let arch = file.arch();
    let region = &mut region[..reqs.region_bytes];
    region.fill(0);
    region[..reqs.text_bytes].copy_from_slice(file.text());
    region[reqs.rodata_offset..reqs.rodata_offset + reqs.rodata_bytes]
        .copy_from_slice(file.rodata());

    let code = LoadedCode {
        file: *file,
        base: run_addr,
        reqs,
    };
    let (body, veneers) = region.split_at_mut(reqs.veneer_offset);
    let mut veneers_used = 0usize;
    let vsize = veneer_size(arch);

    for index in 0..file.reloc_count() {
        let err = |error| LoadError::Reloc {
            index: index as u32,
            error,
        };
        let Some(r) = file.reloc(index) else {
            return Err(err(RelocError::OffsetOutOfBounds));
        };
        if r.kind.is_marker() {
            continue;
        }
        let s = match r.symbol_kind {
            SymbolKind::Function => code
                .native(r.symbol_index as usize)
                .ok_or(err(RelocError::OffsetOutOfBounds))?,
            SymbolKind::SectionBase => match RelocSection::from_u8(r.symbol_index as u8) {
                Some(sec) => run_addr + section_range(&reqs, sec).0 as u64,
                None => return Err(err(RelocError::OffsetOutOfBounds)),
            },
            SymbolKind::Helper => {
                if Helper::from_u32(r.symbol_index).is_none() {
                    return Err(err(RelocError::OffsetOutOfBounds));
                }
                helpers
                    .get(r.symbol_index)
                    .ok_or(LoadError::MissingHelper(r.symbol_index))?
            }
        };
        let (start, len) = section_range(&reqs, r.section);
        let section = &mut body[start..start + len];
        let offset = r.offset as usize;
        let place = run_addr + start as u64 + r.offset as u64;
        match reloc::apply(r.kind, section, offset, place, s, r.addend) {
            Ok(()) => {}
            Err(RelocError::OutOfRange) if r.kind.veneer_ok() => {
                let mut stub = [0u8; 16];
                write_veneer(arch, &mut stub, s).map_err(err)?;
                let stub = &stub[..vsize];
                // Reuse a veneer to the same target if there is one.
                let found =
                    (0..veneers_used).find(|i| &veneers[i * vsize..(i + 1) * vsize] == stub);
                let slot = match found {
                    Some(i) => i,
                    None => {
                        if (veneers_used + 1) * vsize > veneers.len() {
                            return Err(LoadError::VeneerAreaFull);
                        }
                        veneers[veneers_used * vsize..(veneers_used + 1) * vsize]
                            .copy_from_slice(stub);
                        veneers_used += 1;
                        veneers_used - 1
                    }
                };
                let veneer_addr = run_addr + (reqs.veneer_offset + slot * vsize) as u64;
                let veneer_addr = if arch == Arch::Thumbv7em {
                    veneer_addr | 1
                } else {
                    veneer_addr
                };
                reloc::apply(r.kind, section, offset, place, veneer_addr, r.addend).map_err(err)?;
            }
            Err(e) => return Err(err(e)),
        }
    }
    Ok(code)
}

/// (offset in the region, length) of a relocatable section.
fn section_range(reqs: &Requirements, s: RelocSection) -> (usize, usize) {
    match s {
        RelocSection::Text => (reqs.text_offset, reqs.text_bytes),
        RelocSection::RoData => (reqs.rodata_offset, reqs.rodata_bytes),
        RelocSection::Got => (reqs.got_offset, reqs.got_bytes),
    }
}

#[cfg(test)]
mod tests;
