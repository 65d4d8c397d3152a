//! Applying `.aot` relocations, and the veneers that extend out-of-range calls.
//!
//! Everything here works on caller-provided bytes: no allocation, no panics. Every input
//! may be hostile (it comes from the file), so offsets are bounds-checked before any byte
//! is touched, values are range-checked before they are encoded, and an instruction is
//! only patched if it is the instruction the relocation kind expects.
//!
//! Values are computed in `i128`: an address (`u64`) plus an addend (`i64`) minus another
//! address is exact there, so overflow cannot hide a wrong result; each field then checks
//! that the exact value fits before encoding it. The semantics of each kind are specified
//! in `docs/aot-relocations.md`.

use core::fmt;

use mote_core::aot::reloc::{Arch, RelocKind};

/// Why a relocation or veneer could not be written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RelocError {
    /// The patched field does not lie entirely inside the section.
    OffsetOutOfBounds,
    /// The value does not fit the field. For kinds with `RelocKind::veneer_ok`, the loader
    /// retries with a veneer as target; for all others the module cannot be loaded at
    /// these addresses.
    OutOfRange,
    /// The value or the place violates the alignment the encoding needs.
    Misaligned,
    /// The kind cannot be applied by this loader.
    UnsupportedKind,
    /// The bytes at the place are not the instruction the kind patches.
    BadInstruction,
}

impl fmt::Display for RelocError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RelocError::OffsetOutOfBounds => "relocation offset out of bounds of its section",
            RelocError::OutOfRange => "relocation target out of range of the instruction",
            RelocError::Misaligned => "relocation target or place is misaligned",
            RelocError::UnsupportedKind => "unsupported relocation kind",
            RelocError::BadInstruction => {
                "relocated instruction does not match its relocation kind"
            }
        })
    }
}

impl core::error::Error for RelocError {}

type Result<T> = core::result::Result<T, RelocError>;

use RelocError::{BadInstruction, Misaligned, OffsetOutOfBounds, OutOfRange};

/// Patches the field of `kind` at `text[offset..]`.
///
/// - `place_addr`: run-time address of `text[offset]` (P).
/// - `target_addr`: run-time address of the symbol (S); for GOT kinds the address of the
///   GOT slot; for Thumb code the address with bit 0 set; for RISC-V `PcrelLo12*` the
///   target of the paired `%pcrel_hi` (its record's addend already folds in the distance
///   between the two instructions, see the format doc).
/// - `addend`: the record's addend (A).
///
/// On error `text` is unchanged.
pub fn apply(
    kind: RelocKind,
    text: &mut [u8],
    offset: usize,
    place_addr: u64,
    target_addr: u64,
    addend: i64,
) -> Result<()> {
    use RelocKind::*;
    // A loader only runs code for the machine it is built for, so firmware keeps only its
    // own architecture's encoders (LTO drops the rest: the kinds of one architecture are
    // one range of `RelocKind` numbers). Tests that relocate every architecture's files
    // on the host enable `cross-arch`.
    if !cfg!(any(test, feature = "cross-arch")) && Some(kind.arch()) != crate::host_arch() {
        return Err(RelocError::UnsupportedKind);
    }
    let p = place_addr;
    let s = target_addr;
    let a = addend;
    match kind {
        // Data fields: the bounds check comes first so that a truncated field reports
        // OffsetOutOfBounds whatever its value.
        X86_64Abs64 | Aarch64Abs64 => {
            read::<8>(text, offset)?;
            write(text, offset, wrap64(abs(s, a))?.to_le_bytes())
        }
        X86_64Pc64 | Aarch64Prel64 => {
            read::<8>(text, offset)?;
            write(text, offset, wrap64(rel(s, a, p))?.to_le_bytes())
        }
        X86_64Abs32 => {
            read::<4>(text, offset)?;
            let v = u32::try_from(abs(s, a)).map_err(|_| OutOfRange)?;
            write(text, offset, v.to_le_bytes())
        }
        X86_64Abs32S => {
            read::<4>(text, offset)?;
            // "Sign-extends to the 64-bit address": judge the address as a register value,
            // so the top 2 GiB (0xffff_ffff_8000_0000..) qualify.
            let v = i32::try_from(wrap64(abs(s, a))? as i64).map_err(|_| OutOfRange)?;
            write(text, offset, v.to_le_bytes())
        }
        X86_64Pc32 | X86_64Plt32 | X86_64GotPcRel | X86_64GotPcRelX | X86_64RexGotPcRelX => {
            read::<4>(text, offset)?;
            let v = i32::try_from(rel(s, a, p)).map_err(|_| OutOfRange)?;
            write(text, offset, v.to_le_bytes())
        }

        // aarch64 data
        Aarch64Abs32 => {
            read::<4>(text, offset)?;
            write(text, offset, word32(abs(s, a))?.to_le_bytes())
        }
        Aarch64Prel32 => {
            read::<4>(text, offset)?;
            write(text, offset, word32(rel(s, a, p))?.to_le_bytes())
        }

        // aarch64 instructions
        Aarch64Call26 | Aarch64Jump26 => {
            let insn = a64_insn(text, offset, p)?;
            // B and BL differ only in bit 31; either may carry either kind.
            if insn & 0x7c00_0000 != 0x1400_0000 {
                return Err(BadInstruction);
            }
            let x = rel(s, a, p);
            if x & 3 != 0 {
                return Err(Misaligned);
            }
            let x = fit_signed(x, 28)?;
            put32(
                text,
                offset,
                (insn & 0xfc00_0000) | ((x >> 2) as u32 & 0x03ff_ffff),
            )
        }
        Aarch64AdrPrelPgHi21 | Aarch64AdrGotPage => {
            let insn = a64_insn(text, offset, p)?;
            if insn & 0x9f00_0000 != 0x9000_0000 {
                return Err(BadInstruction);
            }
            let page = |v: u64| v & !0xfff;
            let x = i128::from(page(wrap64(abs(s, a))?)) - i128::from(page(p));
            let x = fit_signed(x, 33)? >> 12;
            let imm = x as u32 & 0x1f_ffff;
            let insn = (insn & 0x9f00_001f) | ((imm & 3) << 29) | ((imm >> 2) << 5);
            put32(text, offset, insn)
        }
        Aarch64AddAbsLo12Nc => {
            let insn = a64_insn(text, offset, p)?;
            // ADD (immediate), 32 or 64 bit, no flags, unshifted.
            if insn & 0x7fc0_0000 != 0x1100_0000 {
                return Err(BadInstruction);
            }
            let lo = wrap64(abs(s, a))? as u32 & 0xfff;
            put32(text, offset, (insn & !(0xfff << 10)) | (lo << 10))
        }
        Aarch64Ldst8AbsLo12Nc
        | Aarch64Ldst16AbsLo12Nc
        | Aarch64Ldst32AbsLo12Nc
        | Aarch64Ldst64AbsLo12Nc
        | Aarch64Ldst128AbsLo12Nc
        | Aarch64Ld64GotLo12Nc => {
            let insn = a64_insn(text, offset, p)?;
            // Load/store register, unsigned immediate (any size, GPR or SIMD&FP).
            if insn & 0x3b00_0000 != 0x3900_0000 {
                return Err(BadInstruction);
            }
            let shift = match kind {
                Aarch64Ldst8AbsLo12Nc => 0,
                Aarch64Ldst16AbsLo12Nc => 1,
                Aarch64Ldst32AbsLo12Nc => 2,
                Aarch64Ldst128AbsLo12Nc => 4,
                _ => 3,
            };
            let lo = wrap64(abs(s, a))? as u32 & 0xfff;
            // The scaled immediate cannot express the low bits; lld rejects this too.
            if lo & ((1 << shift) - 1) != 0 {
                return Err(Misaligned);
            }
            put32(
                text,
                offset,
                (insn & !(0xfff << 10)) | ((lo >> shift) << 10),
            )
        }
        Aarch64MovwUabsG0 | Aarch64MovwUabsG0Nc | Aarch64MovwUabsG1 | Aarch64MovwUabsG1Nc
        | Aarch64MovwUabsG2 | Aarch64MovwUabsG2Nc | Aarch64MovwUabsG3 => {
            let insn = a64_insn(text, offset, p)?;
            let (group, checked) = match kind {
                Aarch64MovwUabsG0 => (0, true),
                Aarch64MovwUabsG0Nc => (0, false),
                Aarch64MovwUabsG1 => (1, true),
                Aarch64MovwUabsG1Nc => (1, false),
                Aarch64MovwUabsG2 => (2, true),
                Aarch64MovwUabsG2Nc => (2, false),
                _ => (3, true),
            };
            // MOVZ/MOVK/MOVN whose `hw` field already selects this 16-bit group.
            if insn & 0x1f80_0000 != 0x1280_0000 || (insn >> 21) & 3 != group {
                return Err(BadInstruction);
            }
            let x = abs(s, a);
            let x = if checked {
                // UABS_Gn: 0 <= X < 2^(16(n+1)); G3 covers the whole 64-bit range.
                if x < 0 || x >= 1i128 << (16 * (group + 1)) {
                    return Err(OutOfRange);
                }
                x as u64
            } else {
                wrap64(x)?
            };
            let imm = (x >> (16 * group)) as u32 & 0xffff;
            put32(text, offset, (insn & !(0xffff << 5)) | (imm << 5))
        }

        // thumbv7em data (32-bit address space: see addr32/word32/wrap32)
        ArmAbs32 => {
            read::<4>(text, offset)?;
            write(text, offset, abs32(s, a)?.to_le_bytes())
        }
        ArmRel32 | ArmGotPrel => {
            read::<4>(text, offset)?;
            write(text, offset, rel32(s, a, p)?.to_le_bytes())
        }

        // thumbv7em instructions
        ThmCall | ThmJump24 => {
            let (hw1, hw2) = thm_insn(text, offset, p)?;
            let want = if kind == ThmCall { 0xd000 } else { 0x9000 };
            if hw1 & 0xf800 != 0xf000 || hw2 & 0xd000 != want {
                return Err(BadInstruction);
            }
            addr32(p)?;
            addr32(s)?;
            // Bit 0 is the Thumb bit of the target, not part of the offset: BL/B.W stay in
            // Thumb state, which is the only state Cortex-M has.
            let x = fit_signed(rel(s, a, p) & !1, 25)? as u32;
            let sign = (x >> 24) & 1;
            let j1 = 1 ^ ((x >> 23) & 1) ^ sign;
            let j2 = 1 ^ ((x >> 22) & 1) ^ sign;
            let hw1 = (hw1 & 0xf800) | (sign << 10) | ((x >> 12) & 0x3ff);
            let hw2 = (hw2 & 0xd000) | (j1 << 13) | (j2 << 11) | ((x >> 1) & 0x7ff);
            put32(text, offset, hw1 | (hw2 << 16))
        }
        ThmMovwAbsNc | ThmMovtAbs | ThmMovwPrelNc | ThmMovtPrel => {
            let (hw1, hw2) = thm_insn(text, offset, p)?;
            let movt = matches!(kind, ThmMovtAbs | ThmMovtPrel);
            let op = if movt { 0xf2c0 } else { 0xf240 };
            if hw1 & 0xfbf0 != op || hw2 & 0x8000 != 0 {
                return Err(BadInstruction);
            }
            let x = match kind {
                ThmMovwAbsNc | ThmMovtAbs => abs32(s, a)?,
                _ => rel32(s, a, p)?,
            };
            let imm = if movt { x >> 16 } else { x & 0xffff };
            let hw1 = (hw1 & 0xfbf0) | (((imm >> 11) & 1) << 10) | (imm >> 12);
            let hw2 = (hw2 & 0x8f00) | (((imm >> 8) & 7) << 12) | (imm & 0xff);
            put32(text, offset, hw1 | (hw2 << 16))
        }

        // riscv32 data
        RiscvAbs32 => {
            read::<4>(text, offset)?;
            write(text, offset, abs32(s, a)?.to_le_bytes())
        }
        RiscvPcrel32 => {
            read::<4>(text, offset)?;
            write(text, offset, rel32(s, a, p)?.to_le_bytes())
        }
        RiscvAdd32 | RiscvSub32 => {
            let old = u32::from_le_bytes(read::<4>(text, offset)?);
            let v = abs32(s, a)?;
            // Pairs of ADD32/SUB32 on one word compute a label difference modulo 2^32;
            // the intermediate value may wrap by design.
            let new = if kind == RiscvAdd32 {
                old.wrapping_add(v)
            } else {
                old.wrapping_sub(v)
            };
            write(text, offset, new.to_le_bytes())
        }

        // riscv32 instructions
        RiscvCall | RiscvCallPlt => {
            let auipc = get32(text, offset)?;
            let jalr_at = offset.checked_add(4).ok_or(OffsetOutOfBounds)?;
            let jalr = get32(text, jalr_at)?;
            rv_place(p)?;
            if auipc & 0x7f != 0x17 || jalr & 0x7f != 0x67 {
                return Err(BadInstruction);
            }
            let x = rel32(s, a, p)?;
            put32(text, offset, u_type(auipc, x))?;
            put32(text, jalr_at, i_type(jalr, x))
        }
        RiscvPcrelHi20 | RiscvGotHi20 => {
            let insn = get32(text, offset)?;
            rv_place(p)?;
            if insn & 0x7f != 0x17 {
                return Err(BadInstruction);
            }
            put32(text, offset, u_type(insn, rel32(s, a, p)?))
        }
        RiscvHi20 => {
            let insn = get32(text, offset)?;
            rv_place(p)?;
            if insn & 0x7f != 0x37 {
                return Err(BadInstruction);
            }
            put32(text, offset, u_type(insn, abs32(s, a)?))
        }
        RiscvPcrelLo12I | RiscvLo12I => {
            let insn = get32(text, offset)?;
            rv_place(p)?;
            // LOAD, LOAD-FP, OP-IMM, JALR: the I-type formats LLVM pairs with %lo.
            if !matches!(insn & 0x7f, 0x03 | 0x07 | 0x13 | 0x67) {
                return Err(BadInstruction);
            }
            let x = if kind == RiscvLo12I {
                abs32(s, a)?
            } else {
                rel32(s, a, p)?
            };
            put32(text, offset, i_type(insn, x))
        }
        RiscvPcrelLo12S | RiscvLo12S => {
            let insn = get32(text, offset)?;
            rv_place(p)?;
            // STORE, STORE-FP.
            if !matches!(insn & 0x7f, 0x23 | 0x27) {
                return Err(BadInstruction);
            }
            let x = if kind == RiscvLo12S {
                abs32(s, a)?
            } else {
                rel32(s, a, p)?
            };
            let lo = lo12(x);
            put32(
                text,
                offset,
                (insn & 0x01ff_f07f) | ((lo >> 5) << 25) | ((lo & 0x1f) << 7),
            )
        }
        RiscvBranch => {
            let insn = get32(text, offset)?;
            rv_place(p)?;
            if insn & 0x7f != 0x63 {
                return Err(BadInstruction);
            }
            let x = rv_jump(s, a, p, 13)?;
            let insn = (insn & 0x01ff_f07f)
                | (((x >> 12) & 1) << 31)
                | (((x >> 5) & 0x3f) << 25)
                | (((x >> 1) & 0xf) << 8)
                | (((x >> 11) & 1) << 7);
            put32(text, offset, insn)
        }
        RiscvJal => {
            let insn = get32(text, offset)?;
            rv_place(p)?;
            if insn & 0x7f != 0x6f {
                return Err(BadInstruction);
            }
            let x = rv_jump(s, a, p, 21)?;
            let insn = (insn & 0xfff)
                | (((x >> 20) & 1) << 31)
                | (((x >> 1) & 0x3ff) << 21)
                | (((x >> 11) & 1) << 20)
                | (((x >> 12) & 0xff) << 12);
            put32(text, offset, insn)
        }
        RiscvRelax | RiscvAlign => Ok(()),
    }
}

/// Bytes one veneer occupies; veneers are laid out back to back, each at an address
/// aligned to its size (8 bytes suffice for all four).
pub const fn veneer_size(arch: Arch) -> usize {
    match arch {
        // 14 bytes of code and literal, padded so consecutive veneers stay aligned.
        Arch::X86_64 => 16,
        Arch::Aarch64 => 16,
        Arch::Thumbv7em => 8,
        Arch::Riscv32 => 8,
    }
}

/// Writes into `buf[..veneer_size(arch)]` a position-independent stub that jumps to
/// `target_addr`, preserving every argument register and the return address, so a call
/// site that cannot reach its target can call the stub instead:
///
/// - x86_64: `jmp *0(%rip); .quad target; int3; int3`
/// - aarch64: `ldr x16, #8; br x16; .quad target` (x16 = IP0, free at calls; BTI-safe)
/// - thumbv7em: `ldr.w pc, [pc, #0]; .word target | 1` (needs a 4-aligned stub address)
/// - riscv32: `lui t1, %hi(target); jalr x0, %lo(target)(t1)` (t1 is the psABI's PLT
///   scratch register)
pub fn write_veneer(arch: Arch, buf: &mut [u8], target_addr: u64) -> Result<()> {
    let out = buf.get_mut(..veneer_size(arch)).ok_or(OffsetOutOfBounds)?;
    match arch {
        Arch::X86_64 => {
            let t = target_addr.to_le_bytes();
            let code = [
                0xff, 0x25, 0, 0, 0, 0, t[0], t[1], t[2], t[3], t[4], t[5], t[6], t[7], 0xcc, 0xcc,
            ];
            copy(out, &code);
        }
        Arch::Aarch64 => {
            if target_addr & 3 != 0 {
                return Err(Misaligned);
            }
            let t = target_addr.to_le_bytes();
            let code = [
                0x50, 0x00, 0x00, 0x58, 0x00, 0x02, 0x1f, 0xd6, t[0], t[1], t[2], t[3], t[4], t[5],
                t[6], t[7],
            ];
            copy(out, &code);
        }
        Arch::Thumbv7em => {
            // The Thumb bit must be set: loading an even address into PC faults (INVSTATE)
            // on M-profile.
            let t = (addr32(target_addr)? as u32 | 1).to_le_bytes();
            copy(out, &[0xdf, 0xf8, 0x00, 0xf0, t[0], t[1], t[2], t[3]]);
        }
        Arch::Riscv32 => {
            let t = addr32(target_addr)? as u32;
            if t & 1 != 0 {
                return Err(Misaligned);
            }
            const T1: u32 = 6;
            let lui = u_type((T1 << 7) | 0x37, t);
            let jalr = i_type((T1 << 15) | 0x67, t);
            let (l, j) = (lui.to_le_bytes(), jalr.to_le_bytes());
            copy(out, &[l[0], l[1], l[2], l[3], j[0], j[1], j[2], j[3]]);
        }
    }
    Ok(())
}

fn copy(dst: &mut [u8], src: &[u8]) {
    for (d, s) in dst.iter_mut().zip(src) {
        *d = *s;
    }
}

fn read<const N: usize>(text: &[u8], offset: usize) -> Result<[u8; N]> {
    let end = offset.checked_add(N).ok_or(OffsetOutOfBounds)?;
    let field = text.get(offset..end).ok_or(OffsetOutOfBounds)?;
    <[u8; N]>::try_from(field).map_err(|_| OffsetOutOfBounds)
}

fn write<const N: usize>(text: &mut [u8], offset: usize, bytes: [u8; N]) -> Result<()> {
    let end = offset.checked_add(N).ok_or(OffsetOutOfBounds)?;
    copy(text.get_mut(offset..end).ok_or(OffsetOutOfBounds)?, &bytes);
    Ok(())
}

fn get32(text: &[u8], offset: usize) -> Result<u32> {
    read::<4>(text, offset).map(u32::from_le_bytes)
}

fn put32(text: &mut [u8], offset: usize, v: u32) -> Result<()> {
    write(text, offset, v.to_le_bytes())
}

/// S + A, exactly.
fn abs(s: u64, a: i64) -> i128 {
    i128::from(s) + i128::from(a)
}

/// S + A - P, exactly.
fn rel(s: u64, a: i64, p: u64) -> i128 {
    abs(s, a) - i128::from(p)
}

/// A value for a full 64-bit field: anything a 64-bit register can hold, signed or not.
fn wrap64(x: i128) -> Result<u64> {
    if x < i128::from(i64::MIN) || x > i128::from(u64::MAX) {
        return Err(OutOfRange);
    }
    Ok(x as u64)
}

/// A 32-bit data word that may be read as signed or unsigned: -2^31 <= x < 2^32.
fn word32(x: i128) -> Result<u32> {
    if x < i128::from(i32::MIN) || x > i128::from(u32::MAX) {
        return Err(OutOfRange);
    }
    Ok(x as u32)
}

/// `x` must fit a `bits`-wide two's-complement field.
fn fit_signed(x: i128, bits: u32) -> Result<i128> {
    let half = 1i128 << (bits - 1);
    if x < -half || x >= half {
        return Err(OutOfRange);
    }
    Ok(x)
}

/// On the 32-bit targets an address above 4 GiB can only be a loader bug or a corrupt
/// input; refusing it keeps the modulo-2^32 arithmetic below honest.
fn addr32(v: u64) -> Result<u64> {
    if v > u64::from(u32::MAX) {
        return Err(OutOfRange);
    }
    Ok(v)
}

/// Absolute value for a 32-bit target's full-width field.
fn abs32(s: u64, a: i64) -> Result<u32> {
    word32(abs(addr32(s)?, a))
}

/// PC-relative value for a 32-bit target's full-width field. A 32-bit core computes
/// `pc + offset` modulo 2^32, so every 32-bit target address is reachable and the value
/// is taken modulo 2^32 (as lld does for RV32). Only an addend that pushes the exact
/// difference beyond ±4 GiB is rejected.
fn rel32(s: u64, a: i64, p: u64) -> Result<u32> {
    let x = rel(addr32(s)?, a, addr32(p)?);
    let m = 1i128 << 32;
    if x <= -m || x >= m {
        return Err(OutOfRange);
    }
    Ok(x as u32)
}

fn a64_insn(text: &[u8], offset: usize, p: u64) -> Result<u32> {
    let insn = get32(text, offset)?;
    if p & 3 != 0 {
        return Err(Misaligned);
    }
    Ok(insn)
}

/// A 32-bit Thumb instruction as its two halfwords, first (lower address) one first.
fn thm_insn(text: &[u8], offset: usize, p: u64) -> Result<(u32, u32)> {
    let w = get32(text, offset)?;
    if p & 1 != 0 {
        return Err(Misaligned);
    }
    Ok((w & 0xffff, w >> 16))
}

/// RISC-V instructions are 2-aligned (C extension) or 4-aligned.
fn rv_place(p: u64) -> Result<()> {
    if p & 1 != 0 {
        return Err(Misaligned);
    }
    addr32(p).map(|_| ())
}

/// Branch/jump offset for a `bits`-wide, 2-scaled RISC-V immediate.
fn rv_jump(s: u64, a: i64, p: u64, bits: u32) -> Result<u32> {
    let x = rel(addr32(s)?, a, addr32(p)?);
    if x & 1 != 0 {
        return Err(Misaligned);
    }
    Ok(fit_signed(x, bits)? as u32)
}

/// The low 12 bits, which the instruction sign-extends.
fn lo12(x: u32) -> u32 {
    x & 0xfff
}

/// AUIPC/LUI: the upper 20 bits, rounded so that adding the sign-extended `lo12` gives `x`.
fn u_type(insn: u32, x: u32) -> u32 {
    (insn & 0xfff) | (x.wrapping_add(0x800) & 0xffff_f000)
}

/// I-type immediate (ADDI, loads, JALR).
fn i_type(insn: u32, x: u32) -> u32 {
    (insn & 0x000f_ffff) | (lo12(x) << 20)
}

#[cfg(test)]
mod tests;
