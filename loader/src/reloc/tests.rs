//! Encodings: every "before" instruction is llvm-mc-14 object output for the relocated
//! form (e.g. `bl f` with its `R_AARCH64_CALL26`), every "after" instruction is
//! `llvm-mc-14 -show-encoding` of the same instruction with the expected immediate
//! written out (e.g. `bl #4096`); the assembler line is quoted next to each. Data fields
//! are plain little-endian integers, derived by hand in the comment.

extern crate std;

use std::string::ToString;

use super::*;
use mote_core::aot::reloc::RelocKind::{self, *};

const FILL: u8 = 0x5a;
const AT: usize = 8;

/// Applies `kind` to `insn` placed at `text[AT..]` with `insn[0]` at run-time address
/// `insn_addr` and the field `field_at` bytes into it; checks the result and that no byte
/// outside the instruction changed.
fn check_in(
    kind: RelocKind,
    insn_addr: u64,
    insn: &[u8],
    field_at: usize,
    target: u64,
    addend: i64,
    expect: &[u8],
) {
    assert_eq!(insn.len(), expect.len());
    let mut text = [FILL; 40];
    text[AT..AT + insn.len()].copy_from_slice(insn);
    let place = insn_addr + field_at as u64;
    assert_eq!(
        apply(kind, &mut text, AT + field_at, place, target, addend),
        Ok(()),
        "{kind:?}"
    );
    assert_eq!(&text[AT..AT + insn.len()], expect, "{kind:?}");
    assert!(
        text[..AT].iter().all(|b| *b == FILL),
        "{kind:?} wrote before"
    );
    assert!(
        text[AT + insn.len()..].iter().all(|b| *b == FILL),
        "{kind:?} wrote after"
    );
}

/// `check_in` for relocations whose field starts the instruction (everything but x86).
fn check(kind: RelocKind, place: u64, insn: &[u8], target: u64, addend: i64, expect: &[u8]) {
    check_in(kind, place, insn, 0, target, addend, expect);
}

/// Expects `err`, and the buffer untouched.
fn fails(kind: RelocKind, place: u64, insn: &[u8], target: u64, addend: i64, err: RelocError) {
    let mut text = [FILL; 40];
    text[AT..AT + insn.len()].copy_from_slice(insn);
    let orig = text;
    assert_eq!(
        apply(kind, &mut text, AT, place, target, addend),
        Err(err),
        "{kind:?}"
    );
    assert_eq!(text, orig, "{kind:?} modified text on error");
}

// ---------------------------------------------------------------------------------------
// x86_64

#[test]
fn x86_64_pc32_lea() {
    // `leaq g(%rip), %rax` at 0x10000, g at 0x20000 (A = -4, P = 0x10003):
    // disp = 0x20000 - 4 - 0x10003 = 0xfff9; llvm-mc of `lea tgt(%rip),%rax; .skip 0xfff9;
    // tgt:` gives 48 8d 05 f9 ff 00 00.
    check_in(
        X86_64Pc32,
        0x10000,
        &[0x48, 0x8d, 0x05, 0, 0, 0, 0],
        3,
        0x20000,
        -4,
        &[0x48, 0x8d, 0x05, 0xf9, 0xff, 0x00, 0x00],
    );
}

#[test]
fn x86_64_plt32_call_backwards() {
    // `callq g@PLT` at 0x401000, g at 0x400000: 0x400000 - 4 - 0x401001 = -0x1005.
    check_in(
        X86_64Plt32,
        0x40_1000,
        &[0xe8, 0, 0, 0, 0],
        1,
        0x40_0000,
        -4,
        &[0xe8, 0xfb, 0xef, 0xff, 0xff],
    );
}

#[test]
fn x86_64_pc32_range_edges() {
    let p = 0x7000_0000_0000u64;
    // X = 2^31 - 1 and -2^31 fit, one beyond either does not.
    let s_max = p + 4 + 0x7fff_ffff;
    check(X86_64Pc32, p, &[0; 4], s_max, -4, &[0xff, 0xff, 0xff, 0x7f]);
    check(
        X86_64Plt32,
        p,
        &[0; 4],
        p - 0x8000_0000,
        0,
        &[0, 0, 0, 0x80],
    );
    fails(X86_64Plt32, p, &[0; 4], s_max + 1, -4, OutOfRange);
    fails(X86_64Pc32, p, &[0; 4], p - 0x8000_0001, 0, OutOfRange);
    fails(X86_64Pc32, 0, &[0; 4], u64::MAX, 0, OutOfRange);
}

#[test]
fn x86_64_gotpcrel_forms_point_at_the_slot() {
    // The target is the GOT slot; arithmetic is PC32's. Slot 0x1000 past the field + 4.
    // `movq g@GOTPCREL(%rip), %rax` (R_X86_64_GOTPCREL / REX_GOTPCRELX with -relax-relocations)
    check_in(
        X86_64GotPcRel,
        0x5000,
        &[0x48, 0x8b, 0x05, 0, 0, 0, 0],
        3,
        0x6007,
        -4,
        &[0x48, 0x8b, 0x05, 0x00, 0x10, 0x00, 0x00],
    );
    check_in(
        X86_64RexGotPcRelX,
        0x5000,
        &[0x48, 0x8b, 0x05, 0, 0, 0, 0],
        3,
        0x6007,
        -4,
        &[0x48, 0x8b, 0x05, 0x00, 0x10, 0x00, 0x00],
    );
    // `movl g@GOTPCREL(%rip), %eax` (R_X86_64_GOTPCRELX)
    check_in(
        X86_64GotPcRelX,
        0x5000,
        &[0x8b, 0x05, 0, 0, 0, 0],
        2,
        0x4000,
        -4,
        // 0x4000 - 4 - 0x5002 = -0x1006
        &[0x8b, 0x05, 0xfa, 0xef, 0xff, 0xff],
    );
    fails(X86_64GotPcRelX, 0, &[0; 4], 1 << 40, 0, OutOfRange);
}

#[test]
fn x86_64_abs() {
    check(
        X86_64Abs32,
        0,
        &[0; 4],
        0xdead_beef,
        0,
        &[0xef, 0xbe, 0xad, 0xde],
    );
    fails(X86_64Abs32, 0, &[0; 4], 0xffff_ffff, 1, OutOfRange);
    fails(X86_64Abs32, 0, &[0; 4], 0, -1, OutOfRange);
    // `movq g(,%rax,8), %rax` (jump table, R_X86_64_32S at +4): g = 0xffffffff80000000+0x10.
    check_in(
        X86_64Abs32S,
        0,
        &[0x48, 0x8b, 0x04, 0xc5, 0, 0, 0, 0],
        4,
        0xffff_ffff_8000_0000,
        0x10,
        &[0x48, 0x8b, 0x04, 0xc5, 0x10, 0x00, 0x00, 0x80],
    );
    fails(X86_64Abs32S, 0, &[0; 4], 0x8000_0000, 0, OutOfRange);
    check(
        X86_64Abs64,
        0,
        &[0; 8],
        0x1122_3344_5566_7788,
        0x10,
        &[0x98, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11],
    );
    check(X86_64Abs64, 0, &[0; 8], 0, -1, &[0xff; 8]);
    fails(X86_64Abs64, 0, &[0; 8], u64::MAX, 1, OutOfRange);
    // `.quad g - .` at 0x1000, g at 0: -0x1000.
    check(
        X86_64Pc64,
        0x1000,
        &[0; 8],
        0,
        0,
        &[0x00, 0xf0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
    );
}

// ---------------------------------------------------------------------------------------
// aarch64

const BL_0: [u8; 4] = [0x00, 0x00, 0x00, 0x94]; // `bl f`
const B_0: [u8; 4] = [0x00, 0x00, 0x00, 0x14]; // `b f`
const ADRP_0: [u8; 4] = [0x00, 0x00, 0x00, 0x90]; // `adrp x0, g`

#[test]
fn aarch64_call26_jump26() {
    // `bl #4096` -> [00 04 00 94]
    check(
        Aarch64Call26,
        0x40_0000,
        &BL_0,
        0x40_1000,
        0,
        &[0x00, 0x04, 0x00, 0x94],
    );
    // `bl #-134217728` -> [00 00 00 96] (the most negative reach)
    check(
        Aarch64Call26,
        0x1000_0000,
        &BL_0,
        0x0800_0000,
        0,
        &[0x00, 0x00, 0x00, 0x96],
    );
    // `b #134217724` -> [ff ff ff 15] (the most positive reach), via the addend
    check(
        Aarch64Jump26,
        0x1000,
        &B_0,
        0x1000,
        0x7ff_fffc,
        &[0xff, 0xff, 0xff, 0x15],
    );
    fails(
        Aarch64Call26,
        0x1000,
        &BL_0,
        0x1000 + (1 << 27),
        0,
        OutOfRange,
    );
    fails(
        Aarch64Jump26,
        0x1000_0000,
        &B_0,
        0x1000_0000 - (1 << 27) - 4,
        0,
        OutOfRange,
    );
    fails(Aarch64Call26, 0x1000, &BL_0, 0x1002, 0, Misaligned);
    fails(Aarch64Call26, 0x1002, &BL_0, 0x2002, 0, Misaligned);
    // `add x1, x2, #0` is not a branch.
    fails(
        Aarch64Call26,
        0x1000,
        &[0x41, 0x00, 0x00, 0x91],
        0x2000,
        0,
        BadInstruction,
    );
}

#[test]
fn aarch64_adrp() {
    // Page(0x22345abc) - Page(0x10000ffc) = 0x12345000: `adrp x0, #305418240` ->
    // [20 1a 09 b0]
    check(
        Aarch64AdrPrelPgHi21,
        0x1000_0ffc,
        &ADRP_0,
        0x2234_5a00,
        0xbc,
        &[0x20, 0x1a, 0x09, 0xb0],
    );
    // -2^32 is the lower edge: `adrp x0, #-4294967296` -> [00 00 80 90]
    check(
        Aarch64AdrPrelPgHi21,
        0x1_0000_0000,
        &ADRP_0,
        0xfff,
        0,
        &[0x00, 0x00, 0x80, 0x90],
    );
    fails(Aarch64AdrPrelPgHi21, 0, &ADRP_0, 1 << 32, 0, OutOfRange);
    fails(
        Aarch64AdrPrelPgHi21,
        0x1_0000_1000,
        &ADRP_0,
        0xfff,
        0,
        OutOfRange,
    );
    // `adr x0, 0` has bit 31 clear: not ADRP.
    fails(
        Aarch64AdrPrelPgHi21,
        0,
        &[0, 0, 0, 0x10],
        0x1000,
        0,
        BadInstruction,
    );
    // The GOT form: same arithmetic on the slot address.
    check(
        Aarch64AdrGotPage,
        0x1000_0ffc,
        &ADRP_0,
        0x2234_5ab8,
        0,
        &[0x20, 0x1a, 0x09, 0xb0],
    );
}

#[test]
fn aarch64_lo12() {
    let g = 0x1234_5abc;
    // `add x0, x0, :lo12:g` -> `add x0, x0, #2748` = [00 f0 2a 91]
    check(
        Aarch64AddAbsLo12Nc,
        0,
        &[0x00, 0x00, 0x00, 0x91],
        g,
        0,
        &[0x00, 0xf0, 0x2a, 0x91],
    );
    // `ldrb w1, [x0, #2748]` -> [01 f0 6a 39]
    check(
        Aarch64Ldst8AbsLo12Nc,
        0,
        &[0x01, 0x00, 0x40, 0x39],
        g,
        0,
        &[0x01, 0xf0, 0x6a, 0x39],
    );
    // `ldrh w1, [x0, #2748]` -> [01 78 55 79]
    check(
        Aarch64Ldst16AbsLo12Nc,
        0,
        &[0x01, 0x00, 0x40, 0x79],
        g,
        0,
        &[0x01, 0x78, 0x55, 0x79],
    );
    // `ldr w1, [x0, #2748]` -> [01 bc 4a b9]
    check(
        Aarch64Ldst32AbsLo12Nc,
        0,
        &[0x01, 0x00, 0x40, 0xb9],
        g,
        0,
        &[0x01, 0xbc, 0x4a, 0xb9],
    );
    // `ldr x1, [x0, #2744]` -> [01 5c 45 f9]
    check(
        Aarch64Ldst64AbsLo12Nc,
        0,
        &[0x01, 0x00, 0x40, 0xf9],
        g,
        -4,
        &[0x01, 0x5c, 0x45, 0xf9],
    );
    // `ldr q1, [x0, #2736]` -> [01 ac c2 3d]
    check(
        Aarch64Ldst128AbsLo12Nc,
        0,
        &[0x01, 0x00, 0xc0, 0x3d],
        g,
        -12,
        &[0x01, 0xac, 0xc2, 0x3d],
    );
    // `ldr x0, [x0, :got_lo12:g]` with the slot at ...ab8: `ldr x0, [x0, #2744]` ->
    // [00 5c 45 f9]
    check(
        Aarch64Ld64GotLo12Nc,
        0,
        &[0x00, 0x00, 0x40, 0xf9],
        0x7000_0ab8,
        0,
        &[0x00, 0x5c, 0x45, 0xf9],
    );
    fails(
        Aarch64Ldst16AbsLo12Nc,
        0,
        &[0x01, 0x00, 0x40, 0x79],
        0x1001,
        0,
        Misaligned,
    );
    fails(
        Aarch64Ldst64AbsLo12Nc,
        0,
        &[0x01, 0x00, 0x40, 0xf9],
        g,
        0,
        Misaligned,
    );
    fails(
        Aarch64Ldst128AbsLo12Nc,
        0,
        &[0x01, 0x00, 0xc0, 0x3d],
        0xab8,
        0,
        Misaligned,
    );
    fails(
        Aarch64Ld64GotLo12Nc,
        0,
        &[0x00, 0x00, 0x40, 0xf9],
        0xabc,
        0,
        Misaligned,
    );
    // An ADRP is neither an ADD nor a load.
    fails(Aarch64AddAbsLo12Nc, 0, &ADRP_0, g, 0, BadInstruction);
    fails(Aarch64Ldst8AbsLo12Nc, 0, &ADRP_0, g, 0, BadInstruction);
    // Misaligned place.
    fails(
        Aarch64AddAbsLo12Nc,
        2,
        &[0x00, 0x00, 0x00, 0x91],
        g,
        0,
        Misaligned,
    );
}

#[test]
fn aarch64_movw_uabs() {
    let g = 0x1234_5678_9abc_def0;
    // `movz x0, #:abs_g3:g` .. `movk x0, #:abs_g0_nc:g` (large code model) against
    // `movz x0, #0x1234, lsl #48` [80 46 e2 d2], `movk x0, #0x5678, lsl #32`
    // [00 cf ca f2], `movk x0, #0x9abc, lsl #16` [80 57 b3 f2], `movk x0, #0xdef0`
    // [00 de 9b f2].
    check(
        Aarch64MovwUabsG3,
        0,
        &[0x00, 0x00, 0xe0, 0xd2],
        g,
        0,
        &[0x80, 0x46, 0xe2, 0xd2],
    );
    check(
        Aarch64MovwUabsG2Nc,
        0,
        &[0x00, 0x00, 0xc0, 0xf2],
        g,
        0,
        &[0x00, 0xcf, 0xca, 0xf2],
    );
    check(
        Aarch64MovwUabsG1Nc,
        0,
        &[0x00, 0x00, 0xa0, 0xf2],
        g,
        0,
        &[0x80, 0x57, 0xb3, 0xf2],
    );
    check(
        Aarch64MovwUabsG0Nc,
        0,
        &[0x00, 0x00, 0x80, 0xf2],
        g,
        0,
        &[0x00, 0xde, 0x9b, 0xf2],
    );
    // Checked groups: `movz x0, #0xdef0` [00 de 9b d2], `movz x0, #0x9abc, lsl #16`
    // [80 57 b3 d2], `movz x0, #0x5678, lsl #32` [00 cf ca d2].
    let g0 = [0x00, 0x00, 0x80, 0xd2];
    let g1 = [0x00, 0x00, 0xa0, 0xd2];
    let g2 = [0x00, 0x00, 0xc0, 0xd2];
    check(
        Aarch64MovwUabsG0,
        0,
        &g0,
        0xdef0,
        0,
        &[0x00, 0xde, 0x9b, 0xd2],
    );
    check(
        Aarch64MovwUabsG1,
        0,
        &g1,
        0x9abc_def0,
        0,
        &[0x80, 0x57, 0xb3, 0xd2],
    );
    check(
        Aarch64MovwUabsG2,
        0,
        &g2,
        0x5678_9abc_def0,
        0,
        &[0x00, 0xcf, 0xca, 0xd2],
    );
    fails(Aarch64MovwUabsG0, 0, &g0, 0x1_0000, 0, OutOfRange);
    fails(Aarch64MovwUabsG1, 0, &g1, 1 << 32, 0, OutOfRange);
    fails(Aarch64MovwUabsG2, 0, &g2, 1 << 48, 0, OutOfRange);
    fails(Aarch64MovwUabsG0, 0, &g0, 0, -1, OutOfRange);
    fails(
        Aarch64MovwUabsG3,
        0,
        &[0x00, 0x00, 0xe0, 0xd2],
        u64::MAX,
        1,
        OutOfRange,
    );
    // The hw field must select the group the relocation writes.
    fails(Aarch64MovwUabsG1Nc, 0, &g0, g, 0, BadInstruction);
    fails(Aarch64MovwUabsG0, 0, &BL_0, 1, 0, BadInstruction);
}

#[test]
fn aarch64_data() {
    check(Aarch64Abs32, 0, &[0; 4], 0xffff_fff0, 0xf, &[0xff; 4]);
    check(Aarch64Abs32, 0, &[0; 4], 0, -0x8000_0000, &[0, 0, 0, 0x80]);
    fails(Aarch64Abs32, 0, &[0; 4], 1 << 32, 0, OutOfRange);
    fails(Aarch64Abs32, 0, &[0; 4], 0, -0x8000_0001, OutOfRange);
    // `.word g - .` at 0x1000, g at 0x800: -0x800
    check(
        Aarch64Prel32,
        0x1000,
        &[0; 4],
        0x800,
        0,
        &[0x00, 0xf8, 0xff, 0xff],
    );
    fails(Aarch64Prel32, 0, &[0; 4], 1 << 32, 0, OutOfRange);
    check(
        Aarch64Prel64,
        0x10,
        &[0; 8],
        0x1_0000_0000,
        0,
        &[0xf0, 0xff, 0xff, 0xff, 0, 0, 0, 0],
    );
    check(
        Aarch64Abs64,
        0,
        &[0; 8],
        0x8000_0000_0000_0000,
        1,
        &[1, 0, 0, 0, 0, 0, 0, 0x80],
    );
}

// ---------------------------------------------------------------------------------------
// thumbv7em: REL format, the "before" bytes carry LLVM's implicit addend; `apply` must
// ignore them and use the record's addend.

const THM_BL: [u8; 4] = [0xff, 0xf7, 0xfe, 0xff]; // `bl f` (implicit addend -4)
const THM_BW: [u8; 4] = [0xff, 0xf7, 0xfe, 0xbf]; // `b.w f` (implicit addend -4)
const THM_MOVW_R0: [u8; 4] = [0x40, 0xf2, 0x00, 0x00]; // `movw r0, :lower16:g`
const THM_MOVT_R0: [u8; 4] = [0xc0, 0xf2, 0x00, 0x00]; // `movt r0, :upper16:g`
const THM_MOVW_R1: [u8; 4] = [0x40, 0xf2, 0x00, 0x01]; // `movw r1, :lower16:(g - .)`
const THM_MOVT_R1: [u8; 4] = [0xc0, 0xf2, 0x00, 0x01]; // `movt r1, :upper16:(g - .)`

#[test]
fn thumb_bl_and_b_w() {
    // BL at 0x08001000 to the Thumb function at 0x08002004 (address | 1): offset 0x1000,
    // `bl #4096` -> [01 f0 00 f8]. The Thumb bit does not leak into the offset.
    check(
        ThmCall,
        0x0800_1000,
        &THM_BL,
        0x0800_2005,
        -4,
        &[0x01, 0xf0, 0x00, 0xf8],
    );
    check(
        ThmCall,
        0x0800_1000,
        &THM_BL,
        0x0800_2004,
        -4,
        &[0x01, 0xf0, 0x00, 0xf8],
    );
    // Range edges: `bl #-16777216` -> [00 f4 00 d0], `bl #16777214` -> [ff f3 ff d7].
    let p = 0x0200_0000;
    check(
        ThmCall,
        p,
        &THM_BL,
        p + 4 - 0x100_0000 + 1,
        -4,
        &[0x00, 0xf4, 0x00, 0xd0],
    );
    check(
        ThmCall,
        p,
        &THM_BL,
        p + 4 + 0xff_fffe + 1,
        -4,
        &[0xff, 0xf3, 0xff, 0xd7],
    );
    fails(ThmCall, p, &THM_BL, p + 4 + 0x100_0000 + 1, -4, OutOfRange);
    fails(ThmCall, p, &THM_BL, p + 4 - 0x100_0002 + 1, -4, OutOfRange);
    // `b.w #4096` -> [01 f0 00 b8], `b.w #-16777216` -> [00 f4 00 90]
    check(
        ThmJump24,
        0x1000,
        &THM_BW,
        0x2005,
        -4,
        &[0x01, 0xf0, 0x00, 0xb8],
    );
    check(
        ThmJump24,
        p,
        &THM_BW,
        p + 4 - 0x100_0000,
        -4,
        &[0x00, 0xf4, 0x00, 0x90],
    );
    // Kinds and instructions must agree; a BLX (ARM-state target) is never valid here.
    fails(ThmCall, 0x1000, &THM_BW, 0x2005, -4, BadInstruction);
    fails(ThmJump24, 0x1000, &THM_BL, 0x2005, -4, BadInstruction);
    fails(
        ThmCall,
        0x1000,
        &[0xff, 0xf7, 0xfe, 0xef],
        0x2005,
        -4,
        BadInstruction,
    );
    fails(ThmCall, 0x1001, &THM_BL, 0x2005, -4, Misaligned);
    // 32-bit target: addresses above 4 GiB are corrupt input.
    fails(
        ThmCall,
        0x1_0000_1000,
        &THM_BL,
        0x1_0000_2005,
        -4,
        OutOfRange,
    );
}

#[test]
fn thumb_movw_movt_abs() {
    // `movw r0, #0x5678` -> [45 f2 78 60], `movt r0, #0x1234` -> [c1 f2 34 20]
    check(
        ThmMovwAbsNc,
        0,
        &THM_MOVW_R0,
        0x1234_5678,
        0,
        &[0x45, 0xf2, 0x78, 0x60],
    );
    check(
        ThmMovtAbs,
        4,
        &THM_MOVT_R0,
        0x1234_5678,
        0,
        &[0xc1, 0xf2, 0x34, 0x20],
    );
    // Function address with the Thumb bit: `movw r0, #0x1235` -> [41 f2 35 20],
    // `movt r0, #0x0800` -> [c0 f6 00 00]
    check(
        ThmMovwAbsNc,
        0,
        &THM_MOVW_R0,
        0x0800_1235,
        0,
        &[0x41, 0xf2, 0x35, 0x20],
    );
    check(
        ThmMovtAbs,
        0,
        &THM_MOVT_R0,
        0x0800_1235,
        0,
        &[0xc0, 0xf6, 0x00, 0x00],
    );
    fails(ThmMovtAbs, 0, &THM_MOVT_R0, 0x1_0000_0000, 0, OutOfRange);
    fails(ThmMovwAbsNc, 0, &THM_MOVT_R0, 0x1234, 0, BadInstruction);
    fails(ThmMovtAbs, 0, &THM_MOVW_R0, 0x1234, 0, BadInstruction);
}

#[test]
fn thumb_movw_movt_prel() {
    // 0xda98feec - 0x20000010 = 0xba98fedc (beyond i32: wraps like the CPU's add).
    // `movw r1, #0xfedc` -> [4f f6 dc 61], `movt r1, #0xba98` -> [cb f6 98 21]; the MOVT
    // sits 4 bytes later, so its addend is 4 more (as in `:upper16:(g - (.LPC + 4))`).
    check(
        ThmMovwPrelNc,
        0x2000_0010,
        &THM_MOVW_R1,
        0xda98_feec,
        0,
        &[0x4f, 0xf6, 0xdc, 0x61],
    );
    check(
        ThmMovtPrel,
        0x2000_0014,
        &THM_MOVT_R1,
        0xda98_feec,
        4,
        &[0xcb, 0xf6, 0x98, 0x21],
    );
    // Backwards: 0x08000000 - 0x20000000 = -0x18000000 = 0xe8000000:
    // `movw r1, #0` -> [40 f2 00 01], `movt r1, #0xe800` -> [ce f6 00 01]
    check(
        ThmMovwPrelNc,
        0x2000_0000,
        &THM_MOVW_R1,
        0x0800_0000,
        0,
        &[0x40, 0xf2, 0x00, 0x01],
    );
    check(
        ThmMovtPrel,
        0x2000_0000,
        &THM_MOVT_R1,
        0x0800_0000,
        0,
        &[0xce, 0xf6, 0x00, 0x01],
    );
    fails(
        ThmMovtPrel,
        0,
        &THM_MOVT_R1,
        0,
        i64::from(u32::MAX) + 1,
        OutOfRange,
    );
}

#[test]
fn thumb_data() {
    // `.word g + 0x12`, g = 0x08001235 (Thumb function)
    check(
        ArmAbs32,
        0,
        &[0x12, 0, 0, 0],
        0x0800_1235,
        0x12,
        &[0x47, 0x12, 0x00, 0x08],
    );
    fails(ArmAbs32, 0, &[0; 4], 0x1_0000_0000, 0, OutOfRange);
    fails(ArmAbs32, 0, &[0; 4], 0, i64::from(u32::MAX) + 1, OutOfRange);
    // `.word g - .`: 0x08000000 - 0x20000000 = 0xe8000000 (mod 2^32)
    check(
        ArmRel32,
        0x2000_0000,
        &[0; 4],
        0x0800_0000,
        0,
        &[0, 0, 0, 0xe8],
    );
    check(
        ArmGotPrel,
        0x100,
        &[0; 4],
        0x2000_0008,
        -8,
        &[0x00, 0xff, 0xff, 0x1f],
    );
    fails(ArmRel32, 0x1_0000_0000, &[0; 4], 0, 0, OutOfRange);
}

#[test]
fn thumb_record_addend_round_trips_through_implicit_addend() {
    // What the writer does for REL: decode the addend from the object's bytes, then the
    // loader applies it. With target == place the result re-encodes that addend.
    for (kind, insn) in [
        (ThmCall, THM_BL),
        (ThmJump24, THM_BW),
        (ThmMovwPrelNc, THM_MOVW_R1),
    ] {
        let a = kind.implicit_addend(&insn).unwrap_or(i64::MIN);
        let mut text = insn;
        assert_eq!(apply(kind, &mut text, 0, 0x1000, 0x1000, a), Ok(()));
        assert_eq!(text, insn, "{kind:?}");
    }
}

// ---------------------------------------------------------------------------------------
// riscv32

const CALL_RA: [u8; 8] = [0x97, 0x00, 0x00, 0x00, 0xe7, 0x80, 0x00, 0x00]; // `call f`
const TAIL_T1: [u8; 8] = [0x17, 0x03, 0x00, 0x00, 0x67, 0x00, 0x03, 0x00]; // `tail f`
const AUIPC_A0: [u8; 4] = [0x17, 0x05, 0x00, 0x00]; // `auipc a0, %pcrel_hi(g)`
const ADDI_A0: [u8; 4] = [0x13, 0x05, 0x05, 0x00]; // `addi a0, a0, %pcrel_lo(.L1)`
const SW_A1: [u8; 4] = [0x23, 0x20, 0xb5, 0x00]; // `sw a1, %pcrel_lo(.L1)(a0)`
const LW_A1: [u8; 4] = [0x83, 0x25, 0x05, 0x00]; // `lw a1, %pcrel_lo(.L1)(a0)`
const LUI_A0: [u8; 4] = [0x37, 0x05, 0x00, 0x00]; // `lui a0, %hi(g)`

#[test]
fn riscv_call() {
    // 0x92344edd - 0x80000000 = 0x12344edd = (0x12345 << 12) - 0x123:
    // `auipc ra, 0x12345; jalr ra, -0x123(ra)` -> [97 50 34 12 e7 80 d0 ed]
    let after = [0x97, 0x50, 0x34, 0x12, 0xe7, 0x80, 0xd0, 0xed];
    check(RiscvCall, 0x8000_0000, &CALL_RA, 0x9234_4edd, 0, &after);
    check(RiscvCallPlt, 0x8000_0000, &CALL_RA, 0x9234_4edd, 0, &after);
    // `auipc t1, 0x12345; jr -0x123(t1)` -> [17 53 34 12 67 00 d3 ed]
    check(
        RiscvCallPlt,
        0x8000_0000,
        &TAIL_T1,
        0x9234_4edd,
        0,
        &[0x17, 0x53, 0x34, 0x12, 0x67, 0x00, 0xd3, 0xed],
    );
    // 0xfffef000 - 0x1000 = 0xfffee000, beyond +2 GiB, but RV32 wraps it to -0x12000:
    // `auipc ra, 0xfffee; jalr ra` -> [97 e0 fe ff e7 80 00 00]
    check(
        RiscvCall,
        0x1000,
        &CALL_RA,
        0xfffe_f000,
        0,
        &[0x97, 0xe0, 0xfe, 0xff, 0xe7, 0x80, 0x00, 0x00],
    );
    fails(RiscvCall, 0x1000, &CALL_RA, 0x1_0000_0000, 0, OutOfRange);
    fails(RiscvCall, 0x1001, &CALL_RA, 0x2000, 0, Misaligned);
    // Second instruction must be the JALR.
    let mut bad = CALL_RA;
    bad[4..].copy_from_slice(&ADDI_A0);
    fails(RiscvCall, 0x1000, &bad, 0x2000, 0, BadInstruction);
}

#[test]
fn riscv_pcrel_hi_lo_pair() {
    // .L1: auipc a0, %pcrel_hi(g) at 0x20001000; g = 0x1fffffff; value = -0x1001.
    // `auipc a0, 0xfffff` [17 f5 ff ff], `addi a0, a0, -1` [13 05 f5 ff],
    // `sw a1, -1(a0)` [a3 2f b5 fe].
    let (hi, g) = (0x2000_1000, 0x1fff_ffff);
    check(
        RiscvPcrelHi20,
        hi,
        &AUIPC_A0,
        g,
        0,
        &[0x17, 0xf5, 0xff, 0xff],
    );
    check(RiscvGotHi20, hi, &AUIPC_A0, g, 0, &[0x17, 0xf5, 0xff, 0xff]);
    // The LO12 records name g too, with the writer-folded addend hi_addend + (lo - hi),
    // and P = the LO12 instruction's own address.
    check(
        RiscvPcrelLo12I,
        hi + 4,
        &ADDI_A0,
        g,
        4,
        &[0x13, 0x05, 0xf5, 0xff],
    );
    check(
        RiscvPcrelLo12S,
        hi + 8,
        &SW_A1,
        g,
        8,
        &[0xa3, 0x2f, 0xb5, 0xfe],
    );
    // 0x7ff as the low part: `lw a1, 2047(a0)` -> [83 25 f5 7f]
    check(
        RiscvPcrelLo12I,
        0x1004,
        &LW_A1,
        0x17ff,
        4,
        &[0x83, 0x25, 0xf5, 0x7f],
    );
    // A store is not an I-type and an AUIPC is not a LUI.
    fails(RiscvPcrelLo12I, 0, &SW_A1, 0, 0, BadInstruction);
    fails(RiscvPcrelLo12S, 0, &LW_A1, 0, 0, BadInstruction);
    fails(RiscvPcrelHi20, 0, &LUI_A0, 0, 0, BadInstruction);
    fails(RiscvPcrelHi20, 0, &AUIPC_A0, 0x1_0000_0000, 0, OutOfRange);
}

#[test]
fn riscv_hi_lo_abs() {
    // g = 0x7ffff800: `lui a0, 0x80000` [37 05 00 80], `addi a0, a0, -2048`
    // [13 05 05 80], `sw a1, -2048(a0)` [23 20 b5 80].
    let g = 0x7fff_f800;
    check(RiscvHi20, 0, &LUI_A0, g, 0, &[0x37, 0x05, 0x00, 0x80]);
    check(RiscvLo12I, 4, &ADDI_A0, g, 0, &[0x13, 0x05, 0x05, 0x80]);
    check(RiscvLo12S, 8, &SW_A1, g, 0, &[0x23, 0x20, 0xb5, 0x80]);
    // `auipc a0, 0x12345; lw a0, 0x678(a0)` has the same low part layout as
    // `lui t1, 0x12345; jr 0x678(t1)`: check the I-type on a load: [03 25 85 67].
    check(
        RiscvLo12I,
        0,
        &[0x03, 0x25, 0x05, 0x00],
        0x1234_5678,
        0,
        &[0x03, 0x25, 0x85, 0x67],
    );
    // FP store: `fsd fa0, -4(a1)` -> [27 be a5 fe] (from `fsd fa0, 0(a1)` = [27 b0 a5 00]).
    check(
        RiscvLo12S,
        0,
        &[0x27, 0xb0, 0xa5, 0x00],
        0xffff_fffc,
        0,
        &[0x27, 0xbe, 0xa5, 0xfe],
    );
    fails(RiscvHi20, 0, &AUIPC_A0, g, 0, BadInstruction);
    fails(RiscvHi20, 0, &LUI_A0, 0x1_0000_0000, 0, OutOfRange);
    fails(RiscvLo12I, 0, &ADDI_A0, 0, -0x8000_0001, OutOfRange);
}

#[test]
fn riscv_branch_and_jal() {
    let beq = [0x63, 0x00, 0xb5, 0x00]; // `beq a0, a1, f`
                                        // `beq a0, a1, -4096` -> [63 00 b5 80], `beq a0, a1, 4094` -> [e3 0f b5 7e]
    check(RiscvBranch, 0x1000, &beq, 0, 0, &[0x63, 0x00, 0xb5, 0x80]);
    check(
        RiscvBranch,
        0x1000,
        &beq,
        0x1000 + 4094,
        0,
        &[0xe3, 0x0f, 0xb5, 0x7e],
    );
    fails(RiscvBranch, 0x1000, &beq, 0x2000, 0, OutOfRange);
    fails(RiscvBranch, 0x2000, &beq, 0xffe, 0, OutOfRange);
    fails(RiscvBranch, 0x1000, &beq, 0x1003, 0, Misaligned);
    fails(
        RiscvBranch,
        0x1000,
        &[0xef, 0, 0, 0],
        0x1000,
        0,
        BadInstruction,
    );

    let jal = [0xef, 0x00, 0x00, 0x00]; // `jal f`
    let j = [0x6f, 0x00, 0x00, 0x00]; // `j f`
                                      // `jal -1048576` -> [ef 00 00 80], `j 1048574` -> [6f f0 ff 7f], `jal 256` -> [ef 00 00 10]
    check(RiscvJal, 0x10_0000, &jal, 0, 0, &[0xef, 0x00, 0x00, 0x80]);
    check(RiscvJal, 0, &j, 0xf_fffe, 0, &[0x6f, 0xf0, 0xff, 0x7f]);
    check(
        RiscvJal,
        0x4000_0000,
        &jal,
        0x4000_0100,
        0,
        &[0xef, 0x00, 0x00, 0x10],
    );
    fails(RiscvJal, 0, &jal, 0x10_0000, 0, OutOfRange);
    fails(RiscvJal, 0x10_0002, &jal, 0, 0, OutOfRange);
    fails(RiscvJal, 0, &jal, 0x101, 0, Misaligned);
    fails(RiscvJal, 0, &beq, 0x100, 0, BadInstruction);
}

#[test]
fn riscv_data() {
    check(
        RiscvAbs32,
        0,
        &[0; 4],
        0x2000_0100,
        4,
        &[0x04, 0x01, 0x00, 0x20],
    );
    fails(RiscvAbs32, 0, &[0; 4], 0x1_0000_0000, 0, OutOfRange);
    check(
        RiscvPcrel32,
        0x2000_0100,
        &[0; 4],
        0x2000_0000,
        0,
        &[0x00, 0xff, 0xff, 0xff],
    );
    // A PIC jump-table entry `.word .LBB - .LJTI`: ADD32 then SUB32 on the same word.
    let mut w = [0u8; 4];
    assert_eq!(
        apply(RiscvAdd32, &mut w, 0, 0x2000_0008, 0x2000_0100, 0),
        Ok(())
    );
    assert_eq!(
        apply(RiscvSub32, &mut w, 0, 0x2000_0008, 0x2000_0040, 0),
        Ok(())
    );
    assert_eq!(u32::from_le_bytes(w), 0xc0);
    // Backwards difference: the intermediate wraps, the result is -0x10.
    let mut w = [0u8; 4];
    assert_eq!(apply(RiscvAdd32, &mut w, 0, 0, 0x10, 0), Ok(()));
    assert_eq!(apply(RiscvSub32, &mut w, 0, 0, 0x20, 0), Ok(()));
    assert_eq!(i32::from_le_bytes(w), -0x10);
}

#[test]
fn riscv_markers_touch_nothing() {
    for kind in [RiscvRelax, RiscvAlign] {
        let mut empty: [u8; 0] = [];
        assert_eq!(apply(kind, &mut empty, 0, 0, 0, 0), Ok(()));
        let mut t = [1u8, 2, 3];
        assert_eq!(apply(kind, &mut t, 1, 0x1001, 7, 9), Ok(()));
        assert_eq!(t, [1, 2, 3]);
    }
}

// ---------------------------------------------------------------------------------------
// Bounds

#[test]
fn truncated_and_out_of_bounds_fields() {
    for kind in RelocKind::ALL {
        let w = kind.width();
        if w == 0 {
            continue;
        }
        // A field that ends one byte past the section, at every start that touches it.
        for len in 0..w {
            let mut text = [0u8; 16];
            let text = &mut text[..len];
            for off in 0..=len {
                assert_eq!(
                    apply(kind, text, off, 0x1000, 0x1000, 0),
                    Err(OffsetOutOfBounds),
                    "{kind:?} len {len} off {off}"
                );
            }
        }
        let mut text = [0u8; 16];
        for off in [16, usize::MAX - 2, usize::MAX] {
            assert_eq!(
                apply(kind, &mut text, off, 0x1000, 0x1000, 0),
                Err(OffsetOutOfBounds),
                "{kind:?} off {off}"
            );
        }
    }
}

#[test]
fn riscv_call_is_all_or_nothing() {
    // Only the AUIPC fits: nothing may be written.
    let mut text = [0u8; 6];
    text.copy_from_slice(&CALL_RA[..6]);
    assert_eq!(
        apply(RiscvCall, &mut text, 0, 0x1000, 0x2000, 0),
        Err(OffsetOutOfBounds)
    );
    assert_eq!(text, CALL_RA[..6]);
}

/// Every kind on arbitrary bytes, addresses and addends: errors are fine, panics are not,
/// and an error leaves the bytes alone.
#[test]
fn no_panics_on_garbage() {
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let interesting = [
        0,
        1,
        2,
        0xfff,
        0x1000,
        0x7fff_ffff,
        0x8000_0000,
        0xffff_ffff,
        0x1_0000_0000,
        i64::MAX as u64,
        1 << 63,
        u64::MAX,
    ];
    for _ in 0..20_000 {
        let pick = |r: u64| {
            if r & 4 == 0 {
                interesting[(r >> 8) as usize % interesting.len()]
            } else {
                r >> (r & 63)
            }
        };
        let kind = RelocKind::ALL[next() as usize % RelocKind::ALL.len()];
        let mut text = [0u8; 12];
        for b in &mut text {
            *b = next() as u8;
        }
        let len = next() as usize % 13;
        let off = next() as usize % 14;
        let (p, s, a) = (pick(next()), pick(next()), pick(next()) as i64);
        let before = text;
        if apply(kind, &mut text[..len], off, p, s, a).is_err() {
            assert_eq!(text, before, "{kind:?}");
        }
    }
}

// ---------------------------------------------------------------------------------------
// Veneers

#[test]
fn veneer_x86_64() {
    // `jmpq *(%rip)` -> [ff 25 00 00 00 00], then the target, then `int3` padding.
    let mut buf = [0u8; 16];
    assert_eq!(
        write_veneer(Arch::X86_64, &mut buf, 0x1122_3344_5566_7788),
        Ok(())
    );
    assert_eq!(
        buf,
        [
            0xff, 0x25, 0x00, 0x00, 0x00, 0x00, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11,
            0xcc, 0xcc
        ]
    );
}

#[test]
fn veneer_aarch64() {
    // `ldr x16, #8` -> [50 00 00 58], `br x16` -> [00 02 1f d6]
    let mut buf = [0u8; 16];
    assert_eq!(
        write_veneer(Arch::Aarch64, &mut buf, 0x0000_7fff_1234_5678),
        Ok(())
    );
    assert_eq!(
        buf,
        [
            0x50, 0x00, 0x00, 0x58, 0x00, 0x02, 0x1f, 0xd6, 0x78, 0x56, 0x34, 0x12, 0xff, 0x7f,
            0x00, 0x00
        ]
    );
    assert_eq!(
        write_veneer(Arch::Aarch64, &mut buf, 0x1002),
        Err(Misaligned)
    );
}

#[test]
fn veneer_thumb() {
    // `ldr.w pc, [pc, #0]` -> [df f8 00 f0]; the literal always carries the Thumb bit.
    let mut buf = [0u8; 8];
    assert_eq!(write_veneer(Arch::Thumbv7em, &mut buf, 0x0800_1234), Ok(()));
    assert_eq!(buf, [0xdf, 0xf8, 0x00, 0xf0, 0x35, 0x12, 0x00, 0x08]);
    assert_eq!(write_veneer(Arch::Thumbv7em, &mut buf, 0x0800_1235), Ok(()));
    assert_eq!(buf, [0xdf, 0xf8, 0x00, 0xf0, 0x35, 0x12, 0x00, 0x08]);
    assert_eq!(
        write_veneer(Arch::Thumbv7em, &mut buf, 0x1_0000_0000),
        Err(OutOfRange)
    );
}

#[test]
fn veneer_riscv32() {
    // `lui t1, 0x12345; jr 0x678(t1)` -> [37 53 34 12 67 00 83 67]
    let mut buf = [0u8; 8];
    assert_eq!(write_veneer(Arch::Riscv32, &mut buf, 0x1234_5678), Ok(()));
    assert_eq!(buf, [0x37, 0x53, 0x34, 0x12, 0x67, 0x00, 0x83, 0x67]);
    // The low part is negative, so LUI rounds up: 0x80000000 - 0x800 + 0x800.
    // `lui t1, 0x80000; jr -0x800(t1)` is [37 03 00 80 67 00 03 80].
    assert_eq!(write_veneer(Arch::Riscv32, &mut buf, 0x7fff_f800), Ok(()));
    assert_eq!(buf, [0x37, 0x03, 0x00, 0x80, 0x67, 0x00, 0x03, 0x80]);
    assert_eq!(
        write_veneer(Arch::Riscv32, &mut buf, 0x1001),
        Err(Misaligned)
    );
    assert_eq!(
        write_veneer(Arch::Riscv32, &mut buf, 0x1_0000_0000),
        Err(OutOfRange)
    );
}

#[test]
fn veneer_buffer_too_small() {
    for arch in [Arch::X86_64, Arch::Aarch64, Arch::Thumbv7em, Arch::Riscv32] {
        let mut buf = [0xaau8; 32];
        let n = veneer_size(arch);
        assert_eq!(
            write_veneer(arch, &mut buf[..n - 1], 0x1000),
            Err(OffsetOutOfBounds)
        );
        assert!(buf.iter().all(|b| *b == 0xaa));
        assert_eq!(write_veneer(arch, &mut buf[..n], 0x1000), Ok(()));
        assert!(buf[n..].iter().all(|b| *b == 0xaa));
    }
}

/// The loader's answer to `OutOfRange` on a call: retarget to a veneer placed near the
/// call, then the veneer reaches the far target.
#[test]
fn out_of_range_call_through_veneer() {
    let far = 0x7f00_0000_0000u64;
    let call_at = 0x1000u64;
    let veneer_at = 0x2000u64;
    let mut text = BL_0;
    assert_eq!(
        apply(Aarch64Call26, &mut text, 0, call_at, far, 0),
        Err(OutOfRange)
    );
    assert!(Aarch64Call26.veneer_ok());
    assert_eq!(
        apply(Aarch64Call26, &mut text, 0, call_at, veneer_at, 0),
        Ok(())
    );
    // `bl #4096`
    assert_eq!(text, [0x00, 0x04, 0x00, 0x94]);
    let mut v = [0u8; 16];
    assert_eq!(write_veneer(Arch::Aarch64, &mut v, far), Ok(()));
    assert_eq!(&v[8..], &far.to_le_bytes());
}

#[test]
fn errors_display() {
    assert_eq!(
        OutOfRange.to_string(),
        "relocation target out of range of the instruction"
    );
    for e in [
        OffsetOutOfBounds,
        OutOfRange,
        Misaligned,
        RelocError::UnsupportedKind,
        BadInstruction,
    ] {
        assert!(!e.to_string().is_empty());
    }
}
