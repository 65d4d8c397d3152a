//! Stack-argument padding for LLVM 14's `tailcc` on 32-bit ARM.
//!
//! With `tailcc` the callee pops its stack-passed arguments. LLVM 14's ARM backend
//! disagrees with itself about how many bytes that is: a call site re-reserves
//! `alignTo(n, 16)` bytes after the call, the callee pops `alignTo(n, 8)` (`n` = bytes of
//! stack-passed arguments). Whenever the two differ (a function with 4, 8, 20, ... bytes
//! of stack arguments), the caller's stack pointer ends up 8 bytes off and it returns
//! through a wrong slot: on the Cortex-M4 a call of a function with two `i64`
//! parameters (`ctx` in r0, the first in r2:r3, the second on the stack) jumped to 0.
//! Giving every module function enough trailing `i32` padding parameters that its stack
//! arguments fill a multiple of 16 bytes makes both figures equal; callers pass `undef`.
//!
//! [`stack_arg_bytes`] follows the AAPCS-VFP argument rules as LLVM 14 applies them to
//! `tailcc` (checked against `llc-14 -mtriple=thumbv7em-none-eabihf` on 1200 random
//! signatures): `ctx` in r0 (r1 when the results come back through a hidden `sret`
//! pointer), `i32` in the next core register, `i64` in an even core register pair
//! (never back-filled), `float`/`double` in s0–s15/d0–d7 with back-filling until the
//! first one goes to the stack, the rest on the stack at their natural alignment.

use crate::ir::Ty;

/// Bytes of stack-passed arguments (8-aligned, as the callee pops them) of a
/// `tailcc` module function `(i8* ctx, params...) -> results`.
pub(crate) fn stack_arg_bytes(params: &[Ty], results: &[Ty]) -> u32 {
    let mut core_regs = 1 + u32::from(returns_through_memory(results));
    let mut vfp = VfpRegs::default();
    let mut vfp_on_stack = false;
    let mut stack = 0u32;
    for &ty in params {
        match ty {
            Ty::I32 if core_regs < 4 => core_regs += 1,
            Ty::I64 if core_regs.next_multiple_of(2) <= 2 => {
                core_regs = core_regs.next_multiple_of(2) + 2
            }
            Ty::I32 | Ty::I64 => {
                core_regs = 4;
                stack = push(stack, ty);
            }
            Ty::F32 | Ty::F64 if !vfp_on_stack && vfp.take(ty) => {}
            Ty::F32 | Ty::F64 => {
                vfp_on_stack = true;
                stack = push(stack, ty);
            }
        }
    }
    stack.next_multiple_of(8)
}

/// How many `i32` padding parameters make the stack arguments a multiple of 16 bytes.
pub(crate) fn padding(params: &[Ty], results: &[Ty]) -> usize {
    let mut padded = params.to_vec();
    // Each `i32` adds 4 bytes once the core registers are full, so three suffice.
    while !stack_arg_bytes(&padded, results).is_multiple_of(16) {
        padded.push(Ty::I32);
    }
    padded.len() - params.len()
}

/// Stack offset after placing `ty` at its natural alignment.
fn push(stack: u32, ty: Ty) -> u32 {
    let size = ty.bits() / 8;
    stack.next_multiple_of(size) + size
}

/// Several results that do not fit r0–r3 / s0–s15 come back through a hidden pointer
/// argument, which takes r0 (one result always fits).
fn returns_through_memory(results: &[Ty]) -> bool {
    if results.len() <= 1 {
        return false;
    }
    let mut vfp = VfpRegs::default();
    let mut core_words = 0;
    for &ty in results {
        match ty {
            Ty::I32 | Ty::I64 => core_words += ty.bits() / 32,
            Ty::F32 | Ty::F64 => {
                if !vfp.take(ty) {
                    return true;
                }
            }
        }
    }
    core_words > 4
}

/// s0–s15 (d0–d7 are pairs of them), allocated with back-filling.
#[derive(Default)]
struct VfpRegs {
    used: u16,
}

impl VfpRegs {
    /// Takes the first free s-register (`float`) or aligned pair (`double`).
    fn take(&mut self, ty: Ty) -> bool {
        let (mask, step) = if ty == Ty::F64 { (0b11, 2) } else { (0b1, 1) };
        for first in (0..16).step_by(step) {
            if self.used & (mask << first) == 0 {
                self.used |= mask << first;
                return true;
            }
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Ty::*;

    /// Figures from `llc-14` (the callee's `add sp, #n` before `bx lr`).
    #[test]
    fn stack_bytes_match_llc() {
        let cases: &[(&[Ty], &[Ty], u32)] = &[
            (&[F32; 20], &[I32], 16),
            (&[F64; 9], &[I32], 8),
            (&[I32, I64, F32, F64, I32, I64], &[I32], 16),
            (&[I32; 5], &[I32], 8),
            (&[I64, I32, I64], &[I32], 16),
            (&[I64, I64], &[I64], 8),
            (&[I32, I32, I32], &[I64, I64, I64], 8),
            (&[I32, I32, I32], &[I32; 4], 0),
            (&[I32, I32], &[F64; 9], 0),
            (&[I32, I32, I32], &[I32, I64, F32], 0),
        ];
        let mut floats = vec![F32; 15];
        floats.extend([F64, F32]);
        for (params, results, bytes) in cases.iter().copied().chain([(&floats[..], &[][..], 16)]) {
            assert_eq!(
                stack_arg_bytes(params, results),
                bytes,
                "{params:?} -> {results:?}"
            );
        }
    }

    #[test]
    fn padding_reaches_a_multiple_of_16() {
        assert_eq!(padding(&[I64, I64], &[I64]), 1);
        assert_eq!(padding(&[I32; 5], &[]), 1);
        assert_eq!(padding(&[I32, I32], &[]), 0);
        assert_eq!(padding(&[I64, I64, I64], &[]), 0);
        for n in 0..24 {
            let params = vec![I32; n];
            let padded = [params.clone(), vec![I32; padding(&params, &[])]].concat();
            assert!(
                stack_arg_bytes(&padded, &[]).is_multiple_of(16),
                "{n} i32 parameters"
            );
        }
    }
}
