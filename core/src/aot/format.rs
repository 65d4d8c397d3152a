//! The `.aot` file format: one definition for the writer (`aotc`, behind `alloc`) and the
//! zero-copy reader (the `no_std`, no-`alloc` loader). `docs/aot-format.md` describes every
//! field; the constants here are the normative layout.
//!
//! ```text
//! header (HEADER_SIZE bytes)
//! section table (section_count × SECTION_ENTRY_SIZE bytes)
//! sections, each at a file offset aligned to its alignment, in increasing offset order
//! ```
//!
//! All integers are little-endian. The reader checks everything it later hands out:
//! magic, versions, arch, checksum, every section offset/length, every function entry and
//! every relocation record (kind of the file's arch, patched field inside its section,
//! symbol index in range), so the loader can index without re-checking.

use core::fmt;

use super::context::field;
use super::helpers::{Helper, HELPER_ABI_VERSION};
use super::reloc::{Arch, RelocRecord, RelocSection, SymbolKind, RELOC_RECORD_SIZE};

/// First bytes of every `.aot` file. The first four differ from Wasm's `\0asm`, so a
/// runtime can pick the engine by the first four bytes.
pub const MAGIC: [u8; 8] = *b"\0moteAOT";
/// The four bytes `iwasm` looks at.
pub const MAGIC4: [u8; 4] = [0, b'm', b'o', b't'];
/// Format version this crate reads and writes; a file with another version is refused.
pub const FORMAT_VERSION: u16 = 2;

/// Size of the fixed header.
pub const HEADER_SIZE: usize = 112;
/// Size of one section-table entry.
pub const SECTION_ENTRY_SIZE: usize = 16;
/// Size of one function-table entry.
pub const FUNC_ENTRY_SIZE: usize = 8;
/// Most sections a file may list (each id at most once).
pub const MAX_SECTIONS: usize = 16;

/// Header field offsets (`H_*`), see `docs/aot-format.md`.
pub mod hdr {
    /// `[u8; 8]` `MAGIC`.
    pub const MAGIC: usize = 0;
    /// `u16` format version.
    pub const VERSION: usize = 8;
    /// `u16` header size (must be `HEADER_SIZE`).
    pub const HEADER_SIZE: usize = 10;
    /// `u32` helper ABI version.
    pub const HELPER_ABI: usize = 12;
    /// `u8` `Arch`.
    pub const ARCH: usize = 16;
    /// `u8` endianness: 1 = little.
    pub const ENDIAN: usize = 17;
    /// `u8` pointer width in bytes (4 or 8, must match the arch).
    pub const POINTER_WIDTH: usize = 18;
    /// `u8` `FloatAbi`.
    pub const FLOAT_ABI: usize = 19;
    /// `u8` `BoundsMode`.
    pub const BOUNDS: usize = 20;
    /// `u8` `CodeModel` (relocatable or XIP).
    pub const CODE_MODEL: usize = 21;
    /// `u16` number of section-table entries.
    pub const SECTION_COUNT: usize = 22;
    /// `u32` feature bits (`feature::*`).
    pub const FEATURES: usize = 24;
    /// `u32` reserved, zero.
    pub const RESERVED0: usize = 28;
    /// `u64` FNV-1a 64 of the whole file with this field read as zero.
    pub const CHECKSUM: usize = 32;
    /// `u64` total file length in bytes.
    pub const FILE_LEN: usize = 40;
    /// `u32` text bytes.
    pub const TEXT_SIZE: usize = 48;
    /// `u32` alignment the text needs (power of two).
    pub const TEXT_ALIGN: usize = 52;
    /// `u32` rodata bytes.
    pub const RODATA_SIZE: usize = 56;
    /// `u32` alignment the rodata needs (power of two).
    pub const RODATA_ALIGN: usize = 60;
    /// `u32` GOT bytes (pointer-sized slots).
    pub const GOT_SIZE: usize = 64;
    /// `u32` veneer-area bytes (upper bound).
    pub const VENEER_SIZE: usize = 68;
    /// `u32` `VmContext` bytes for this arch.
    pub const VMCTX_SIZE: usize = 72;
    /// `u32` defined functions (entries of the function table).
    pub const FUNC_COUNT: usize = 76;
    /// `u32` relocation records.
    pub const RELOC_COUNT: usize = 80;
    /// `u32` functions in the module's function space imported.
    pub const IMPORTED_FUNCS: usize = 84;
    /// `u32` globals (imported + defined).
    pub const GLOBALS: usize = 88;
    /// `u32` tables (imported + defined).
    pub const TABLES: usize = 92;
    /// `u32` memories (imported + defined).
    pub const MEMORIES: usize = 96;
    /// `u32` function types.
    pub const TYPES: usize = 100;
    /// `u64` reserved, zero.
    pub const RESERVED1: usize = 104;
}

/// Feature bits in the header.
pub mod feature {
    /// The module uses `f32`/`f64` (types, globals or instructions' signatures).
    pub const FLOAT: u32 = 1 << 0;
    /// The module uses `v128`.
    pub const SIMD: u32 = 1 << 1;
    /// The code charges fuel (`aotc --fuel`, `crate::fuel`) in `VmContext::fuel`.
    pub const FUEL: u32 = 1 << 8;
    /// The code checks `VmContext::interrupt` at function entries and loop headers
    /// (`aotc --interruptible`).
    pub const INTERRUPTIBLE: u32 = 1 << 9;
    /// Every NaN result is canonicalised (`aotc --deterministic`, `crate::nan`).
    pub const DETERMINISTIC: u32 = 1 << 10;
    /// Every bit this version knows; a reader refuses others.
    pub const KNOWN: u32 = FLOAT | SIMD | FUEL | INTERRUPTIBLE | DETERMINISTIC;
}

/// Section ids in the section table.
#[repr(u8)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SectionId {
    /// The module metadata: fixed-size records (`meta::layout`).
    Metadata = 1,
    /// Function table: `FUNC_ENTRY_SIZE` bytes per defined function.
    Functions = 2,
    /// Generated code.
    Text = 3,
    /// Read-only data.
    RoData = 4,
    /// Relocation records, `RELOC_RECORD_SIZE` bytes each.
    Relocations = 5,
    /// Optional: the payload of the Wasm `name` custom section.
    Names = 6,
}

impl SectionId {
    pub const fn from_u8(v: u8) -> Option<SectionId> {
        match v {
            1 => Some(SectionId::Metadata),
            2 => Some(SectionId::Functions),
            3 => Some(SectionId::Text),
            4 => Some(SectionId::RoData),
            5 => Some(SectionId::Relocations),
            6 => Some(SectionId::Names),
            _ => None,
        }
    }
}

/// How generated code checks linear-memory bounds.
#[repr(u8)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BoundsMode {
    /// No checks in code: the runtime must back memory with a guard reservation and turn
    /// faults into traps.
    Guard = 1,
    /// Every access is compared against `VmMemory::len`.
    Explicit = 2,
}

impl BoundsMode {
    pub const fn from_u8(v: u8) -> Option<BoundsMode> {
        match v {
            1 => Some(BoundsMode::Guard),
            2 => Some(BoundsMode::Explicit),
            _ => None,
        }
    }
}

/// How floats are passed between generated code and helpers.
#[repr(u8)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FloatAbi {
    /// Floats in integer registers (or no FPU).
    Soft = 0,
    /// Floats in FP registers.
    Hard = 1,
}

impl FloatAbi {
    pub const fn from_u8(v: u8) -> Option<FloatAbi> {
        match v {
            0 => Some(FloatAbi::Soft),
            1 => Some(FloatAbi::Hard),
            _ => None,
        }
    }

    /// The usual ABI of an arch's default target triple.
    pub const fn default_for(arch: Arch) -> FloatAbi {
        match arch {
            Arch::X86_64 | Arch::Aarch64 => FloatAbi::Hard,
            Arch::Thumbv7em | Arch::Riscv32 => FloatAbi::Soft,
        }
    }
}

/// Whether text must be written by the loader.
#[repr(u8)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeModel {
    /// Text is copied and relocated.
    Relocatable = 0,
    /// Execute in place: no relocation patches text (the file has no text relocations).
    Xip = 1,
}

impl CodeModel {
    pub const fn from_u8(v: u8) -> Option<CodeModel> {
        match v {
            0 => Some(CodeModel::Relocatable),
            1 => Some(CodeModel::Xip),
            _ => None,
        }
    }
}

/// Why a file was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormatError {
    /// Shorter than the header, or than `file_len` says.
    Truncated,
    /// Not an `.aot` file.
    BadMagic,
    /// Written by another format version.
    Version(u16),
    /// Built against other runtime helpers.
    HelperAbi(u32),
    /// Unknown arch, or endianness / pointer width that do not match the arch.
    Arch,
    /// The checksum does not match the contents (corrupted file).
    Checksum,
    /// A header field has an unknown value (named).
    BadHeader(&'static str),
    /// The section table is malformed (named problem).
    BadSection(&'static str),
    /// Function-table entry `n` points outside text.
    BadFunction(u32),
    /// Relocation record `n` is malformed or out of bounds.
    BadReloc(u32),
}

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FormatError::Truncated => f.write_str("truncated .aot file"),
            FormatError::BadMagic => f.write_str("not a mote .aot file (bad magic)"),
            FormatError::Version(v) => write!(
                f,
                ".aot format version {v} is not supported (this runtime reads version {FORMAT_VERSION}): recompile it with aotc"
            ),
            FormatError::HelperAbi(v) => write!(
                f,
                ".aot file was compiled for runtime helper ABI {v}, this runtime has {HELPER_ABI_VERSION}: recompile it"
            ),
            FormatError::Arch => f.write_str(".aot file has an unknown or inconsistent architecture"),
            FormatError::Checksum => f.write_str(".aot file checksum mismatch (corrupted file)"),
            FormatError::BadHeader(what) => write!(f, "malformed .aot header: {what}"),
            FormatError::BadSection(what) => write!(f, "malformed .aot section table: {what}"),
            FormatError::BadFunction(i) => {
                write!(f, "malformed .aot function table: entry {i} points outside text")
            }
            FormatError::BadReloc(i) => write!(f, "malformed .aot relocation record {i}"),
        }
    }
}

impl core::error::Error for FormatError {}

/// FNV-1a 64 offset basis.
const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

fn fnv1a(mut h: u64, bytes: &[u8]) -> u64 {
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(FNV_PRIME);
    }
    h
}

/// The file checksum: FNV-1a 64 over the whole file with the checksum field as zeros.
/// `bytes` must be at least `HEADER_SIZE` long.
pub fn checksum(bytes: &[u8]) -> u64 {
    let h = fnv1a(FNV_OFFSET, &bytes[..hdr::CHECKSUM]);
    let h = fnv1a(h, &[0; 8]);
    fnv1a(h, &bytes[hdr::CHECKSUM + 8..])
}

fn u16_at(b: &[u8], o: usize) -> u16 {
    u16::from_le_bytes([b[o], b[o + 1]])
}

fn u32_at(b: &[u8], o: usize) -> u32 {
    u32::from_le_bytes([b[o], b[o + 1], b[o + 2], b[o + 3]])
}

fn u64_at(b: &[u8], o: usize) -> u64 {
    let mut a = [0; 8];
    a.copy_from_slice(&b[o..o + 8]);
    u64::from_le_bytes(a)
}

/// The decoded fixed header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    pub version: u16,
    pub helper_abi: u32,
    pub arch: Arch,
    pub float_abi: FloatAbi,
    pub bounds: BoundsMode,
    pub code_model: CodeModel,
    pub section_count: u16,
    pub features: u32,
    pub checksum: u64,
    pub file_len: u64,
    pub text_size: u32,
    pub text_align: u32,
    pub rodata_size: u32,
    pub rodata_align: u32,
    pub got_size: u32,
    pub veneer_size: u32,
    pub vmctx_size: u32,
    pub func_count: u32,
    pub reloc_count: u32,
    pub imported_funcs: u32,
    pub globals: u32,
    pub tables: u32,
    pub memories: u32,
    pub types: u32,
}

/// One function-table entry: text offsets of the native entry and of the array-call
/// trampoline (`extern "C" fn(*mut VmContext, *mut u64)`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FuncEntry {
    pub native: u32,
    pub trampoline: u32,
}

/// A parsed, fully checked `.aot` file borrowing its bytes.
#[derive(Debug, Clone, Copy)]
pub struct AotFile<'a> {
    header: Header,
    metadata: &'a [u8],
    funcs: &'a [u8],
    text: &'a [u8],
    rodata: &'a [u8],
    relocs: &'a [u8],
    names: Option<&'a [u8]>,
}

/// Largest alignment a section may ask for.
const MAX_ALIGN: u32 = 4096;

fn good_align(a: u32) -> bool {
    a.is_power_of_two() && a <= MAX_ALIGN
}

impl<'a> AotFile<'a> {
    /// Parses and checks `bytes`. No allocation; every offset, length, index and record
    /// is validated, so the accessors cannot fail afterwards.
    pub fn parse(bytes: &'a [u8]) -> Result<AotFile<'a>, FormatError> {
        let header = Self::parse_header(bytes)?;
        let b = bytes;
        // The checksum covers everything; check it before trusting any table.
        if b.len() as u64 != header.file_len {
            return Err(if (b.len() as u64) < header.file_len {
                FormatError::Truncated
            } else {
                FormatError::BadHeader("file length")
            });
        }
        if checksum(b) != header.checksum {
            return Err(FormatError::Checksum);
        }

        // Section table.
        let count = header.section_count as usize;
        if count > MAX_SECTIONS {
            return Err(FormatError::BadSection("too many sections"));
        }
        let table_end = HEADER_SIZE + count * SECTION_ENTRY_SIZE;
        if table_end > b.len() {
            return Err(FormatError::Truncated);
        }
        let mut found: [Option<&'a [u8]>; 7] = [None; 7];
        let mut prev_end = table_end;
        for i in 0..count {
            let e = HEADER_SIZE + i * SECTION_ENTRY_SIZE;
            let id = SectionId::from_u8(b[e]).ok_or(FormatError::BadSection("unknown id"))?;
            if b[e + 1] != 0 || b[e + 2] != 0 || b[e + 3] != 0 {
                return Err(FormatError::BadSection("reserved bytes"));
            }
            let align = u32_at(b, e + 4);
            let offset = u32_at(b, e + 8) as usize;
            let size = u32_at(b, e + 12) as usize;
            if !good_align(align) {
                return Err(FormatError::BadSection("alignment"));
            }
            if !offset.is_multiple_of(align as usize) {
                return Err(FormatError::BadSection("misaligned offset"));
            }
            if offset < prev_end {
                return Err(FormatError::BadSection("overlapping or unordered sections"));
            }
            let end = offset
                .checked_add(size)
                .filter(|&e| e <= b.len())
                .ok_or(FormatError::BadSection("section outside the file"))?;
            prev_end = end;
            let slot = &mut found[id as usize];
            if slot.is_some() {
                return Err(FormatError::BadSection("duplicate section"));
            }
            *slot = Some(&b[offset..end]);
            match id {
                SectionId::Text if align < header.text_align => {
                    return Err(FormatError::BadSection("text alignment"))
                }
                SectionId::RoData if align < header.rodata_align => {
                    return Err(FormatError::BadSection("rodata alignment"))
                }
                _ => {}
            }
        }
        let need = |id: SectionId, what| found[id as usize].ok_or(FormatError::BadSection(what));
        let file = AotFile {
            header,
            metadata: need(SectionId::Metadata, "missing metadata")?,
            funcs: need(SectionId::Functions, "missing function table")?,
            text: need(SectionId::Text, "missing text")?,
            rodata: found[SectionId::RoData as usize].unwrap_or(&[]),
            relocs: found[SectionId::Relocations as usize].unwrap_or(&[]),
            names: found[SectionId::Names as usize],
        };
        if file.text.len() != header.text_size as usize {
            return Err(FormatError::BadSection("text size differs from the header"));
        }
        if file.rodata.len() != header.rodata_size as usize {
            return Err(FormatError::BadSection(
                "rodata size differs from the header",
            ));
        }
        if file.funcs.len() as u64 != u64::from(header.func_count) * FUNC_ENTRY_SIZE as u64 {
            return Err(FormatError::BadSection("function table size"));
        }
        if file.relocs.len() as u64 != u64::from(header.reloc_count) * RELOC_RECORD_SIZE as u64 {
            return Err(FormatError::BadSection("relocation section size"));
        }
        for i in 0..header.func_count {
            let f = file.raw_func(i as usize);
            if f.native >= header.text_size || f.trampoline >= header.text_size {
                return Err(FormatError::BadFunction(i));
            }
        }
        for i in 0..header.reloc_count {
            file.check_reloc(i)?;
        }
        if header.code_model == CodeModel::Xip {
            file.check_xip(b)?;
        }
        Ok(file)
    }

    /// An execute-in-place file runs where it lies, read-only: nothing may need patching
    /// (no relocation records, no GOT, no veneers), and its code reaches rodata at the
    /// distance it had when `aotc` resolved it, so rodata must follow text exactly as in
    /// a loaded region ([`rodata_offset`]).
    fn check_xip(&self, bytes: &[u8]) -> Result<(), FormatError> {
        let h = &self.header;
        if h.reloc_count != 0 {
            return Err(FormatError::BadHeader("XIP file with relocations"));
        }
        if h.got_size != 0 || h.veneer_size != 0 {
            return Err(FormatError::BadHeader("XIP file with a GOT or veneers"));
        }
        let file_offset = |s: &[u8]| s.as_ptr() as usize - bytes.as_ptr() as usize;
        if !self.rodata.is_empty()
            && file_offset(self.rodata) - file_offset(self.text)
                != rodata_offset(self.text.len(), h.rodata_align as usize)
        {
            return Err(FormatError::BadSection("XIP rodata does not follow text"));
        }
        Ok(())
    }

    fn parse_header(b: &[u8]) -> Result<Header, FormatError> {
        if b.len() < 4 || b[..4] != MAGIC4 {
            return Err(if b.len() < 4 && MAGIC4.starts_with(b) {
                FormatError::Truncated
            } else {
                FormatError::BadMagic
            });
        }
        if b.len() < HEADER_SIZE {
            return Err(FormatError::Truncated);
        }
        if b[..8] != MAGIC {
            return Err(FormatError::BadMagic);
        }
        let version = u16_at(b, hdr::VERSION);
        if version != FORMAT_VERSION {
            return Err(FormatError::Version(version));
        }
        if u16_at(b, hdr::HEADER_SIZE) as usize != HEADER_SIZE {
            return Err(FormatError::BadHeader("header size"));
        }
        let helper_abi = u32_at(b, hdr::HELPER_ABI);
        if helper_abi != HELPER_ABI_VERSION {
            return Err(FormatError::HelperAbi(helper_abi));
        }
        let arch = Arch::from_u8(b[hdr::ARCH]).ok_or(FormatError::Arch)?;
        // Every supported arch is little-endian.
        if b[hdr::ENDIAN] != 1 || b[hdr::POINTER_WIDTH] as usize != arch.pointer_size() {
            return Err(FormatError::Arch);
        }
        let h = Header {
            version,
            helper_abi,
            arch,
            float_abi: FloatAbi::from_u8(b[hdr::FLOAT_ABI])
                .ok_or(FormatError::BadHeader("float ABI"))?,
            bounds: BoundsMode::from_u8(b[hdr::BOUNDS])
                .ok_or(FormatError::BadHeader("bounds-check mode"))?,
            code_model: CodeModel::from_u8(b[hdr::CODE_MODEL])
                .ok_or(FormatError::BadHeader("code model"))?,
            section_count: u16_at(b, hdr::SECTION_COUNT),
            features: u32_at(b, hdr::FEATURES),
            checksum: u64_at(b, hdr::CHECKSUM),
            file_len: u64_at(b, hdr::FILE_LEN),
            text_size: u32_at(b, hdr::TEXT_SIZE),
            text_align: u32_at(b, hdr::TEXT_ALIGN),
            rodata_size: u32_at(b, hdr::RODATA_SIZE),
            rodata_align: u32_at(b, hdr::RODATA_ALIGN),
            got_size: u32_at(b, hdr::GOT_SIZE),
            veneer_size: u32_at(b, hdr::VENEER_SIZE),
            vmctx_size: u32_at(b, hdr::VMCTX_SIZE),
            func_count: u32_at(b, hdr::FUNC_COUNT),
            reloc_count: u32_at(b, hdr::RELOC_COUNT),
            imported_funcs: u32_at(b, hdr::IMPORTED_FUNCS),
            globals: u32_at(b, hdr::GLOBALS),
            tables: u32_at(b, hdr::TABLES),
            memories: u32_at(b, hdr::MEMORIES),
            types: u32_at(b, hdr::TYPES),
        };
        if h.features & !feature::KNOWN != 0 {
            return Err(FormatError::BadHeader("unknown feature bits"));
        }
        if u32_at(b, hdr::RESERVED0) != 0 || u64_at(b, hdr::RESERVED1) != 0 {
            return Err(FormatError::BadHeader("reserved fields"));
        }
        if !good_align(h.text_align) || !good_align(h.rodata_align) {
            return Err(FormatError::BadHeader("alignment"));
        }
        if h.vmctx_size as usize != field::COUNT * arch.pointer_size() {
            return Err(FormatError::BadHeader("instance context size"));
        }
        if !(h.got_size as usize).is_multiple_of(arch.pointer_size()) {
            return Err(FormatError::BadHeader("GOT size"));
        }
        if !(h.veneer_size as usize).is_multiple_of(VENEER_ALIGN) {
            return Err(FormatError::BadHeader("veneer area size"));
        }
        Ok(h)
    }

    fn raw_func(&self, i: usize) -> FuncEntry {
        let o = i * FUNC_ENTRY_SIZE;
        FuncEntry {
            native: u32_at(self.funcs, o),
            trampoline: u32_at(self.funcs, o + 4),
        }
    }

    fn section_len(&self, s: RelocSection) -> usize {
        match s {
            RelocSection::Text => self.text.len(),
            RelocSection::RoData => self.rodata.len(),
            RelocSection::Got => self.header.got_size as usize,
        }
    }

    fn check_reloc(&self, i: u32) -> Result<RelocRecord, FormatError> {
        let bad = FormatError::BadReloc(i);
        let o = i as usize * RELOC_RECORD_SIZE;
        let r = RelocRecord::parse(&self.relocs[o..]).ok_or(bad)?;
        if r.kind.arch() != self.header.arch {
            return Err(bad);
        }
        let end = (r.offset as usize).checked_add(r.kind.width()).ok_or(bad)?;
        if end > self.section_len(r.section) {
            return Err(bad);
        }
        match r.symbol_kind {
            SymbolKind::Function if r.symbol_index >= self.header.func_count => return Err(bad),
            SymbolKind::Helper if Helper::from_u32(r.symbol_index).is_none() => return Err(bad),
            _ => {}
        }
        Ok(r)
    }

    pub fn header(&self) -> &Header {
        &self.header
    }

    pub fn arch(&self) -> Arch {
        self.header.arch
    }

    pub fn bounds(&self) -> BoundsMode {
        self.header.bounds
    }

    /// The metadata section; read it with `meta::Meta::parse`.
    pub fn metadata(&self) -> &'a [u8] {
        self.metadata
    }

    pub fn text(&self) -> &'a [u8] {
        self.text
    }

    pub fn rodata(&self) -> &'a [u8] {
        self.rodata
    }

    /// The Wasm `name` section payload, if the file carries one.
    pub fn names(&self) -> Option<&'a [u8]> {
        self.names
    }

    pub fn func_count(&self) -> usize {
        self.header.func_count as usize
    }

    /// Entry `i` of the function table (defined functions, imports excluded); both
    /// offsets are inside text.
    pub fn func(&self, i: usize) -> Option<FuncEntry> {
        (i < self.func_count()).then(|| self.raw_func(i))
    }

    pub fn reloc_count(&self) -> usize {
        self.header.reloc_count as usize
    }

    /// Relocation `i`, already checked: its kind is of the file's arch, the patched field
    /// lies inside its section, and a function or helper symbol exists.
    pub fn reloc(&self, i: usize) -> Option<RelocRecord> {
        if i >= self.reloc_count() {
            return None;
        }
        RelocRecord::parse(&self.relocs[i * RELOC_RECORD_SIZE..])
    }

    pub fn relocs(&self) -> impl Iterator<Item = RelocRecord> + 'a {
        let relocs = self.relocs;
        relocs
            .chunks_exact(RELOC_RECORD_SIZE)
            .filter_map(RelocRecord::parse)
    }
}

/// Where rodata starts, counted from the start of text, for `text_size` bytes of text:
/// the next multiple of `rodata_align` (a power of two). The same distance in a loaded
/// region (`mote_loader::requirements`) and in an execute-in-place file, whose code
/// `aotc` resolved against it.
pub const fn rodata_offset(text_size: usize, rodata_align: usize) -> usize {
    (text_size + rodata_align - 1) & !(rodata_align - 1)
}

/// Alignment (and granularity) of veneers in the veneer area.
pub const VENEER_ALIGN: usize = 8;

#[cfg(feature = "alloc")]
pub use writer::*;

#[cfg(feature = "alloc")]
mod writer {
    use alloc::vec::Vec;

    use super::*;
    use crate::aot::object::{AotObject, BoundsChecks};
    use crate::aot::reloc::RelocKind;

    /// Writer settings beyond what the object carries.
    #[derive(Debug, Clone, Copy, Default)]
    pub struct WriteOptions {
        /// `None`: the arch's usual ABI (`FloatAbi::default_for`).
        pub float_abi: Option<FloatAbi>,
        /// Mark the file execute-in-place (valid only without text relocations).
        pub xip: bool,
    }

    /// Alignment of text in the files this writer produces.
    pub const TEXT_ALIGN: usize = 16;
    /// Alignment of rodata in the files this writer produces (what execute-in-place code
    /// is resolved for: rodata at [`rodata_offset`]`(text size, RODATA_ALIGN)`).
    pub const RODATA_ALIGN: usize = 16;

    /// Bytes of one veneer for `arch` (mirrors `mote_loader::reloc::veneer_size`).
    pub const fn veneer_bytes(arch: Arch) -> usize {
        match arch {
            Arch::X86_64 | Arch::Aarch64 => 16,
            Arch::Thumbv7em | Arch::Riscv32 => 8,
        }
    }

    /// Serialises `obj` as an `.aot` file.
    pub fn write(obj: &AotObject) -> Vec<u8> {
        write_with(obj, &WriteOptions::default())
    }

    pub fn write_with(obj: &AotObject, opts: &WriteOptions) -> Vec<u8> {
        let arch = obj.arch;
        let ptr = arch.pointer_size();
        let counts = MetaCounts::of(&obj.metadata);

        // GOT: every slot a record writes or a GOT-kind record targets.
        let mut got = 0usize;
        for r in &obj.relocs {
            if r.section == RelocSection::Got {
                got = got.max(r.offset as usize + r.kind.width());
            }
            if r.symbol_kind == SymbolKind::SectionBase
                && r.symbol_index == RelocSection::Got as u32
                && r.addend >= 0
            {
                got = got.max(r.addend as usize + ptr);
            }
        }
        let got = got.div_ceil(ptr) * ptr;
        // Veneers: one per distinct call target that might be out of range.
        let mut targets: Vec<(u8, u32)> = obj
            .relocs
            .iter()
            .filter(|r| r.kind.veneer_ok())
            .map(|r| (r.symbol_kind as u8, r.symbol_index))
            .collect();
        targets.sort_unstable();
        targets.dedup();
        let veneers = (targets.len() * veneer_bytes(arch)).div_ceil(VENEER_ALIGN) * VENEER_ALIGN;

        let mut funcs = Vec::with_capacity(obj.funcs.len() * FUNC_ENTRY_SIZE);
        for f in &obj.funcs {
            funcs.extend_from_slice(&f.native.to_le_bytes());
            funcs.extend_from_slice(&f.trampoline.to_le_bytes());
        }
        let mut relocs = Vec::with_capacity(obj.relocs.len() * RELOC_RECORD_SIZE);
        for r in &obj.relocs {
            let mut rec = [0; RELOC_RECORD_SIZE];
            r.write(&mut rec);
            relocs.extend_from_slice(&rec);
        }
        let mut sections: Vec<(SectionId, usize, &[u8])> = alloc::vec![
            (SectionId::Metadata, 8, &obj.metadata[..]),
            (SectionId::Functions, 8, &funcs[..]),
            (SectionId::Text, TEXT_ALIGN, &obj.text[..]),
            (SectionId::RoData, RODATA_ALIGN, &obj.rodata[..]),
            (SectionId::Relocations, 8, &relocs[..]),
        ];
        if let Some(names) = &obj.names {
            sections.push((SectionId::Names, 1, &names[..]));
        }

        let mut out = alloc::vec![0u8; HEADER_SIZE + sections.len() * SECTION_ENTRY_SIZE];
        for (i, (id, align, data)) in sections.iter().enumerate() {
            while !out.len().is_multiple_of(*align) {
                out.push(0);
            }
            let offset = out.len();
            out.extend_from_slice(data);
            let e = HEADER_SIZE + i * SECTION_ENTRY_SIZE;
            out[e] = *id as u8;
            out[e + 4..e + 8].copy_from_slice(&(*align as u32).to_le_bytes());
            out[e + 8..e + 12].copy_from_slice(&(offset as u32).to_le_bytes());
            out[e + 12..e + 16].copy_from_slice(&(data.len() as u32).to_le_bytes());
        }

        let h = &mut out[..HEADER_SIZE];
        let mut put = |o: usize, v: &[u8]| h[o..o + v.len()].copy_from_slice(v);
        put(hdr::MAGIC, &MAGIC);
        put(hdr::VERSION, &FORMAT_VERSION.to_le_bytes());
        put(hdr::HEADER_SIZE, &(HEADER_SIZE as u16).to_le_bytes());
        put(hdr::HELPER_ABI, &HELPER_ABI_VERSION.to_le_bytes());
        put(hdr::ARCH, &[arch as u8]);
        put(hdr::ENDIAN, &[1]);
        put(hdr::POINTER_WIDTH, &[ptr as u8]);
        let float_abi = opts.float_abi.unwrap_or(FloatAbi::default_for(arch));
        put(hdr::FLOAT_ABI, &[float_abi as u8]);
        let bounds = match obj.bounds_checks {
            BoundsChecks::Guard => BoundsMode::Guard,
            BoundsChecks::Explicit => BoundsMode::Explicit,
        };
        put(hdr::BOUNDS, &[bounds as u8]);
        let model = if opts.xip {
            CodeModel::Xip
        } else {
            CodeModel::Relocatable
        };
        put(hdr::CODE_MODEL, &[model as u8]);
        put(hdr::SECTION_COUNT, &(sections.len() as u16).to_le_bytes());
        put(hdr::FEATURES, &(counts.features | obj.checks).to_le_bytes());
        put(hdr::TEXT_SIZE, &(obj.text.len() as u32).to_le_bytes());
        put(hdr::TEXT_ALIGN, &(TEXT_ALIGN as u32).to_le_bytes());
        put(hdr::RODATA_SIZE, &(obj.rodata.len() as u32).to_le_bytes());
        put(hdr::RODATA_ALIGN, &(RODATA_ALIGN as u32).to_le_bytes());
        put(hdr::GOT_SIZE, &(got as u32).to_le_bytes());
        put(hdr::VENEER_SIZE, &(veneers as u32).to_le_bytes());
        put(
            hdr::VMCTX_SIZE,
            &((field::COUNT * ptr) as u32).to_le_bytes(),
        );
        put(hdr::FUNC_COUNT, &(obj.funcs.len() as u32).to_le_bytes());
        put(hdr::RELOC_COUNT, &(obj.relocs.len() as u32).to_le_bytes());
        put(hdr::IMPORTED_FUNCS, &counts.imported_funcs.to_le_bytes());
        put(hdr::GLOBALS, &counts.globals.to_le_bytes());
        put(hdr::TABLES, &counts.tables.to_le_bytes());
        put(hdr::MEMORIES, &counts.memories.to_le_bytes());
        put(hdr::TYPES, &counts.types.to_le_bytes());
        let len = out.len() as u64;
        out[hdr::FILE_LEN..hdr::FILE_LEN + 8].copy_from_slice(&len.to_le_bytes());
        let sum = checksum(&out);
        out[hdr::CHECKSUM..hdr::CHECKSUM + 8].copy_from_slice(&sum.to_le_bytes());
        let _ = RelocKind::ALL; // the kinds' widths above come from the one definition
        out
    }

    /// Counts the header carries, read from the metadata (zeros for metadata the reader
    /// refuses; a runtime parses it again anyway).
    #[derive(Default)]
    struct MetaCounts {
        imported_funcs: u32,
        globals: u32,
        tables: u32,
        memories: u32,
        types: u32,
        features: u32,
    }

    impl MetaCounts {
        fn of(metadata: &[u8]) -> MetaCounts {
            let Ok(m) = crate::aot::meta::Meta::parse(metadata) else {
                return MetaCounts::default();
            };
            MetaCounts {
                imported_funcs: m.num_imported_funcs(),
                globals: m.num_globals(),
                tables: m.num_tables(),
                memories: m.num_memories(),
                types: m.num_types(),
                features: if m.uses_float() { feature::FLOAT } else { 0 },
            }
        }
    }
}

#[cfg(all(test, feature = "alloc"))]
mod tests;
