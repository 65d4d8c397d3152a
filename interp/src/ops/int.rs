//! i32 and i64 arithmetic, comparisons and conversions (grammar in `ops/mod.rs`).
//! Comparisons write 1 or 0. In the forms ending in `I` the right-hand operand is the
//! immediate `imm`, sign-extended to the operation's width.

macro_rules! int_ops {
    ($tables:tt $callback:ident $state:tt $($entries:tt)*) => {
        $crate::ops::next_table! {
            $tables $callback $state $($entries)*

            // ---- i32 ----
            /// `result = lhs + rhs`, wrapping (i32).
            I32Add { result: Slot, lhs: Slot, rhs: Slot } writes result
                => binary(i32, i32::wrapping_add);
            /// `result = lhs - rhs`, wrapping (i32).
            I32Sub { result: Slot, lhs: Slot, rhs: Slot } writes result
                => binary(i32, i32::wrapping_sub);
            /// `result = lhs * rhs`, wrapping (i32).
            I32Mul { result: Slot, lhs: Slot, rhs: Slot } writes result
                => binary(i32, i32::wrapping_mul);
            /// `result = lhs / rhs`, signed; traps on zero and overflow (i32).
            I32DivS { result: Slot, lhs: Slot, rhs: Slot } writes result
                => binary_trap(i32, i32_div_s);
            /// `result = lhs / rhs`, unsigned; traps on zero (i32).
            I32DivU { result: Slot, lhs: Slot, rhs: Slot } writes result
                => binary_trap(i32, i32_div_u);
            /// `result = lhs % rhs`, signed; traps on zero (i32).
            I32RemS { result: Slot, lhs: Slot, rhs: Slot } writes result
                => binary_trap(i32, i32_rem_s);
            /// `result = lhs % rhs`, unsigned; traps on zero (i32).
            I32RemU { result: Slot, lhs: Slot, rhs: Slot } writes result
                => binary_trap(i32, i32_rem_u);
            /// `result = lhs & rhs` (i32).
            I32And { result: Slot, lhs: Slot, rhs: Slot } writes result
                => binary(i32, |x, y| x & y);
            /// `result = lhs | rhs` (i32).
            I32Or { result: Slot, lhs: Slot, rhs: Slot } writes result
                => binary(i32, |x, y| x | y);
            /// `result = lhs ^ rhs` (i32).
            I32Xor { result: Slot, lhs: Slot, rhs: Slot } writes result
                => binary(i32, |x, y| x ^ y);
            /// `result = lhs << (rhs % 32)` (i32).
            I32Shl { result: Slot, lhs: Slot, rhs: Slot } writes result
                => binary(i32, i32_shl);
            /// `result = lhs >> (rhs % 32)`, arithmetic (i32).
            I32ShrS { result: Slot, lhs: Slot, rhs: Slot } writes result
                => binary(i32, i32_shr_s);
            /// `result = lhs >> (rhs % 32)`, logical (i32).
            I32ShrU { result: Slot, lhs: Slot, rhs: Slot } writes result
                => binary(i32, i32_shr_u);
            /// `result = lhs` rotated left by `rhs % 32` (i32).
            I32Rotl { result: Slot, lhs: Slot, rhs: Slot } writes result
                => binary(i32, i32_rotl);
            /// `result = lhs` rotated right by `rhs % 32` (i32).
            I32Rotr { result: Slot, lhs: Slot, rhs: Slot } writes result
                => binary(i32, i32_rotr);
            /// `result = lhs == rhs` (i32).
            I32Eq { result: Slot, lhs: Slot, rhs: Slot } writes result
                => binary(i32, |x, y| x == y);
            /// `result = lhs != rhs` (i32).
            I32Ne { result: Slot, lhs: Slot, rhs: Slot } writes result
                => binary(i32, |x, y| x != y);
            /// `result = lhs < rhs`, signed (i32).
            I32LtS { result: Slot, lhs: Slot, rhs: Slot } writes result
                => binary(i32, |x, y| x < y);
            /// `result = lhs < rhs`, unsigned (i32).
            I32LtU { result: Slot, lhs: Slot, rhs: Slot } writes result
                => binary(u32, |x, y| x < y);
            /// `result = lhs > rhs`, signed (i32).
            I32GtS { result: Slot, lhs: Slot, rhs: Slot } writes result
                => binary(i32, |x, y| x > y);
            /// `result = lhs > rhs`, unsigned (i32).
            I32GtU { result: Slot, lhs: Slot, rhs: Slot } writes result
                => binary(u32, |x, y| x > y);
            /// `result = lhs <= rhs`, signed (i32).
            I32LeS { result: Slot, lhs: Slot, rhs: Slot } writes result
                => binary(i32, |x, y| x <= y);
            /// `result = lhs <= rhs`, unsigned (i32).
            I32LeU { result: Slot, lhs: Slot, rhs: Slot } writes result
                => binary(u32, |x, y| x <= y);
            /// `result = lhs >= rhs`, signed (i32).
            I32GeS { result: Slot, lhs: Slot, rhs: Slot } writes result
                => binary(i32, |x, y| x >= y);
            /// `result = lhs >= rhs`, unsigned (i32).
            I32GeU { result: Slot, lhs: Slot, rhs: Slot } writes result
                => binary(u32, |x, y| x >= y);
            /// `result = lhs + imm`, wrapping (i32).
            I32AddI { result: Slot, lhs: Slot, imm: i32 } writes result
                => binary_imm(i32, i32::wrapping_add);
            /// `result = lhs - imm`, wrapping (i32).
            I32SubI { result: Slot, lhs: Slot, imm: i32 } writes result
                => binary_imm(i32, i32::wrapping_sub);
            /// `result = lhs * imm`, wrapping (i32).
            I32MulI { result: Slot, lhs: Slot, imm: i32 } writes result
                => binary_imm(i32, i32::wrapping_mul);
            /// `result = lhs / imm`, signed; traps on zero and overflow (i32).
            I32DivSI { result: Slot, lhs: Slot, imm: i32 } writes result
                => binary_trap_imm(i32, i32_div_s);
            /// `result = lhs / imm`, unsigned; traps on zero (i32).
            I32DivUI { result: Slot, lhs: Slot, imm: i32 } writes result
                => binary_trap_imm(i32, i32_div_u);
            /// `result = lhs % imm`, signed; traps on zero (i32).
            I32RemSI { result: Slot, lhs: Slot, imm: i32 } writes result
                => binary_trap_imm(i32, i32_rem_s);
            /// `result = lhs % imm`, unsigned; traps on zero (i32).
            I32RemUI { result: Slot, lhs: Slot, imm: i32 } writes result
                => binary_trap_imm(i32, i32_rem_u);
            /// `result = lhs & imm` (i32).
            I32AndI { result: Slot, lhs: Slot, imm: i32 } writes result
                => binary_imm(i32, |x, y| x & y);
            /// `result = lhs | imm` (i32).
            I32OrI { result: Slot, lhs: Slot, imm: i32 } writes result
                => binary_imm(i32, |x, y| x | y);
            /// `result = lhs ^ imm` (i32).
            I32XorI { result: Slot, lhs: Slot, imm: i32 } writes result
                => binary_imm(i32, |x, y| x ^ y);
            /// `result = lhs << (imm % 32)` (i32).
            I32ShlI { result: Slot, lhs: Slot, imm: i32 } writes result
                => binary_imm(i32, i32_shl);
            /// `result = lhs >> (imm % 32)`, arithmetic (i32).
            I32ShrSI { result: Slot, lhs: Slot, imm: i32 } writes result
                => binary_imm(i32, i32_shr_s);
            /// `result = lhs >> (imm % 32)`, logical (i32).
            I32ShrUI { result: Slot, lhs: Slot, imm: i32 } writes result
                => binary_imm(i32, i32_shr_u);
            /// `result = lhs` rotated left by `imm % 32` (i32).
            I32RotlI { result: Slot, lhs: Slot, imm: i32 } writes result
                => binary_imm(i32, i32_rotl);
            /// `result = lhs` rotated right by `imm % 32` (i32).
            I32RotrI { result: Slot, lhs: Slot, imm: i32 } writes result
                => binary_imm(i32, i32_rotr);
            /// `result = lhs == imm` (i32).
            I32EqI { result: Slot, lhs: Slot, imm: i32 } writes result
                => binary_imm(i32, |x, y| x == y);
            /// `result = lhs != imm` (i32).
            I32NeI { result: Slot, lhs: Slot, imm: i32 } writes result
                => binary_imm(i32, |x, y| x != y);
            /// `result = lhs < imm`, signed (i32).
            I32LtSI { result: Slot, lhs: Slot, imm: i32 } writes result
                => binary_imm(i32, |x, y| x < y);
            /// `result = lhs < imm`, unsigned (i32).
            I32LtUI { result: Slot, lhs: Slot, imm: i32 } writes result
                => binary_imm(u32, |x, y| x < y);
            /// `result = lhs > imm`, signed (i32).
            I32GtSI { result: Slot, lhs: Slot, imm: i32 } writes result
                => binary_imm(i32, |x, y| x > y);
            /// `result = lhs > imm`, unsigned (i32).
            I32GtUI { result: Slot, lhs: Slot, imm: i32 } writes result
                => binary_imm(u32, |x, y| x > y);
            /// `result = lhs <= imm`, signed (i32).
            I32LeSI { result: Slot, lhs: Slot, imm: i32 } writes result
                => binary_imm(i32, |x, y| x <= y);
            /// `result = lhs <= imm`, unsigned (i32).
            I32LeUI { result: Slot, lhs: Slot, imm: i32 } writes result
                => binary_imm(u32, |x, y| x <= y);
            /// `result = lhs >= imm`, signed (i32).
            I32GeSI { result: Slot, lhs: Slot, imm: i32 } writes result
                => binary_imm(i32, |x, y| x >= y);
            /// `result = lhs >= imm`, unsigned (i32).
            I32GeUI { result: Slot, lhs: Slot, imm: i32 } writes result
                => binary_imm(u32, |x, y| x >= y);
            /// `result = value == 0` (i32).
            I32Eqz { result: Slot, value: Slot } writes result
                => unary(u32, |x| x == 0);
            /// `result = ` the number of leading zero bits of `value` (i32).
            I32Clz { result: Slot, value: Slot } writes result
                => unary(u32, u32::leading_zeros);
            /// `result = ` the number of trailing zero bits of `value` (i32).
            I32Ctz { result: Slot, value: Slot } writes result
                => unary(u32, u32::trailing_zeros);
            /// `result = ` the number of one bits of `value` (i32).
            I32Popcnt { result: Slot, value: Slot } writes result
                => unary(u32, u32::count_ones);
            /// `result = ` the low byte of `value`, sign-extended (i32).
            I32Extend8S { result: Slot, value: Slot } writes result
                => unary(i32, |x: i32| x as i8 as i32);
            /// `result = ` the low 2 bytes of `value`, sign-extended (i32).
            I32Extend16S { result: Slot, value: Slot } writes result
                => unary(i32, |x: i32| x as i16 as i32);
            /// `result = ` the low 4 bytes of i64 `value` (i32).
            I32WrapI64 { result: Slot, value: Slot } writes result
                => unary(u64, |x: u64| x as u32);

            // ---- i64 ----
            /// `result = lhs + rhs`, wrapping (i64).
            I64Add { result: Slot, lhs: Slot, rhs: Slot } writes result
                => binary(i64, i64::wrapping_add);
            /// `result = lhs - rhs`, wrapping (i64).
            I64Sub { result: Slot, lhs: Slot, rhs: Slot } writes result
                => binary(i64, i64::wrapping_sub);
            /// `result = lhs * rhs`, wrapping (i64).
            I64Mul { result: Slot, lhs: Slot, rhs: Slot } writes result
                => binary(i64, i64::wrapping_mul);
            /// `result = lhs / rhs`, signed; traps on zero and overflow (i64).
            I64DivS { result: Slot, lhs: Slot, rhs: Slot } writes result
                => binary_trap(i64, i64_div_s);
            /// `result = lhs / rhs`, unsigned; traps on zero (i64).
            I64DivU { result: Slot, lhs: Slot, rhs: Slot } writes result
                => binary_trap(i64, i64_div_u);
            /// `result = lhs % rhs`, signed; traps on zero (i64).
            I64RemS { result: Slot, lhs: Slot, rhs: Slot } writes result
                => binary_trap(i64, i64_rem_s);
            /// `result = lhs % rhs`, unsigned; traps on zero (i64).
            I64RemU { result: Slot, lhs: Slot, rhs: Slot } writes result
                => binary_trap(i64, i64_rem_u);
            /// `result = lhs & rhs` (i64).
            I64And { result: Slot, lhs: Slot, rhs: Slot } writes result
                => binary(i64, |x, y| x & y);
            /// `result = lhs | rhs` (i64).
            I64Or { result: Slot, lhs: Slot, rhs: Slot } writes result
                => binary(i64, |x, y| x | y);
            /// `result = lhs ^ rhs` (i64).
            I64Xor { result: Slot, lhs: Slot, rhs: Slot } writes result
                => binary(i64, |x, y| x ^ y);
            /// `result = lhs << (rhs % 64)` (i64).
            I64Shl { result: Slot, lhs: Slot, rhs: Slot } writes result
                => binary(i64, i64_shl);
            /// `result = lhs >> (rhs % 64)`, arithmetic (i64).
            I64ShrS { result: Slot, lhs: Slot, rhs: Slot } writes result
                => binary(i64, i64_shr_s);
            /// `result = lhs >> (rhs % 64)`, logical (i64).
            I64ShrU { result: Slot, lhs: Slot, rhs: Slot } writes result
                => binary(i64, i64_shr_u);
            /// `result = lhs` rotated left by `rhs % 64` (i64).
            I64Rotl { result: Slot, lhs: Slot, rhs: Slot } writes result
                => binary(i64, i64_rotl);
            /// `result = lhs` rotated right by `rhs % 64` (i64).
            I64Rotr { result: Slot, lhs: Slot, rhs: Slot } writes result
                => binary(i64, i64_rotr);
            /// `result = lhs == rhs` (i64).
            I64Eq { result: Slot, lhs: Slot, rhs: Slot } writes result
                => binary(i64, |x, y| x == y);
            /// `result = lhs != rhs` (i64).
            I64Ne { result: Slot, lhs: Slot, rhs: Slot } writes result
                => binary(i64, |x, y| x != y);
            /// `result = lhs < rhs`, signed (i64).
            I64LtS { result: Slot, lhs: Slot, rhs: Slot } writes result
                => binary(i64, |x, y| x < y);
            /// `result = lhs < rhs`, unsigned (i64).
            I64LtU { result: Slot, lhs: Slot, rhs: Slot } writes result
                => binary(u64, |x, y| x < y);
            /// `result = lhs > rhs`, signed (i64).
            I64GtS { result: Slot, lhs: Slot, rhs: Slot } writes result
                => binary(i64, |x, y| x > y);
            /// `result = lhs > rhs`, unsigned (i64).
            I64GtU { result: Slot, lhs: Slot, rhs: Slot } writes result
                => binary(u64, |x, y| x > y);
            /// `result = lhs <= rhs`, signed (i64).
            I64LeS { result: Slot, lhs: Slot, rhs: Slot } writes result
                => binary(i64, |x, y| x <= y);
            /// `result = lhs <= rhs`, unsigned (i64).
            I64LeU { result: Slot, lhs: Slot, rhs: Slot } writes result
                => binary(u64, |x, y| x <= y);
            /// `result = lhs >= rhs`, signed (i64).
            I64GeS { result: Slot, lhs: Slot, rhs: Slot } writes result
                => binary(i64, |x, y| x >= y);
            /// `result = lhs >= rhs`, unsigned (i64).
            I64GeU { result: Slot, lhs: Slot, rhs: Slot } writes result
                => binary(u64, |x, y| x >= y);
            /// `result = lhs + imm`, wrapping (i64).
            I64AddI { result: Slot, lhs: Slot, imm: i32 } writes result
                => binary_imm(i64, i64::wrapping_add);
            /// `result = lhs - imm`, wrapping (i64).
            I64SubI { result: Slot, lhs: Slot, imm: i32 } writes result
                => binary_imm(i64, i64::wrapping_sub);
            /// `result = lhs * imm`, wrapping (i64).
            I64MulI { result: Slot, lhs: Slot, imm: i32 } writes result
                => binary_imm(i64, i64::wrapping_mul);
            /// `result = lhs / imm`, signed; traps on zero and overflow (i64).
            I64DivSI { result: Slot, lhs: Slot, imm: i32 } writes result
                => binary_trap_imm(i64, i64_div_s);
            /// `result = lhs / imm`, unsigned; traps on zero (i64).
            I64DivUI { result: Slot, lhs: Slot, imm: i32 } writes result
                => binary_trap_imm(i64, i64_div_u);
            /// `result = lhs % imm`, signed; traps on zero (i64).
            I64RemSI { result: Slot, lhs: Slot, imm: i32 } writes result
                => binary_trap_imm(i64, i64_rem_s);
            /// `result = lhs % imm`, unsigned; traps on zero (i64).
            I64RemUI { result: Slot, lhs: Slot, imm: i32 } writes result
                => binary_trap_imm(i64, i64_rem_u);
            /// `result = lhs & imm` (i64).
            I64AndI { result: Slot, lhs: Slot, imm: i32 } writes result
                => binary_imm(i64, |x, y| x & y);
            /// `result = lhs | imm` (i64).
            I64OrI { result: Slot, lhs: Slot, imm: i32 } writes result
                => binary_imm(i64, |x, y| x | y);
            /// `result = lhs ^ imm` (i64).
            I64XorI { result: Slot, lhs: Slot, imm: i32 } writes result
                => binary_imm(i64, |x, y| x ^ y);
            /// `result = lhs << (imm % 64)` (i64).
            I64ShlI { result: Slot, lhs: Slot, imm: i32 } writes result
                => binary_imm(i64, i64_shl);
            /// `result = lhs >> (imm % 64)`, arithmetic (i64).
            I64ShrSI { result: Slot, lhs: Slot, imm: i32 } writes result
                => binary_imm(i64, i64_shr_s);
            /// `result = lhs >> (imm % 64)`, logical (i64).
            I64ShrUI { result: Slot, lhs: Slot, imm: i32 } writes result
                => binary_imm(i64, i64_shr_u);
            /// `result = lhs` rotated left by `imm % 64` (i64).
            I64RotlI { result: Slot, lhs: Slot, imm: i32 } writes result
                => binary_imm(i64, i64_rotl);
            /// `result = lhs` rotated right by `imm % 64` (i64).
            I64RotrI { result: Slot, lhs: Slot, imm: i32 } writes result
                => binary_imm(i64, i64_rotr);
            /// `result = lhs == imm` (i64).
            I64EqI { result: Slot, lhs: Slot, imm: i32 } writes result
                => binary_imm(i64, |x, y| x == y);
            /// `result = lhs != imm` (i64).
            I64NeI { result: Slot, lhs: Slot, imm: i32 } writes result
                => binary_imm(i64, |x, y| x != y);
            /// `result = lhs < imm`, signed (i64).
            I64LtSI { result: Slot, lhs: Slot, imm: i32 } writes result
                => binary_imm(i64, |x, y| x < y);
            /// `result = lhs < imm`, unsigned (i64).
            I64LtUI { result: Slot, lhs: Slot, imm: i32 } writes result
                => binary_imm(u64, |x, y| x < y);
            /// `result = lhs > imm`, signed (i64).
            I64GtSI { result: Slot, lhs: Slot, imm: i32 } writes result
                => binary_imm(i64, |x, y| x > y);
            /// `result = lhs > imm`, unsigned (i64).
            I64GtUI { result: Slot, lhs: Slot, imm: i32 } writes result
                => binary_imm(u64, |x, y| x > y);
            /// `result = lhs <= imm`, signed (i64).
            I64LeSI { result: Slot, lhs: Slot, imm: i32 } writes result
                => binary_imm(i64, |x, y| x <= y);
            /// `result = lhs <= imm`, unsigned (i64).
            I64LeUI { result: Slot, lhs: Slot, imm: i32 } writes result
                => binary_imm(u64, |x, y| x <= y);
            /// `result = lhs >= imm`, signed (i64).
            I64GeSI { result: Slot, lhs: Slot, imm: i32 } writes result
                => binary_imm(i64, |x, y| x >= y);
            /// `result = lhs >= imm`, unsigned (i64).
            I64GeUI { result: Slot, lhs: Slot, imm: i32 } writes result
                => binary_imm(u64, |x, y| x >= y);
            /// `result = value == 0` (i64).
            I64Eqz { result: Slot, value: Slot } writes result
                => unary(u64, |x| x == 0);
            /// `result = ` the number of leading zero bits of `value` (i64).
            I64Clz { result: Slot, value: Slot } writes result
                => unary(u64, |x: u64| x.leading_zeros() as u64);
            /// `result = ` the number of trailing zero bits of `value` (i64).
            I64Ctz { result: Slot, value: Slot } writes result
                => unary(u64, |x: u64| x.trailing_zeros() as u64);
            /// `result = ` the number of one bits of `value` (i64).
            I64Popcnt { result: Slot, value: Slot } writes result
                => unary(u64, |x: u64| x.count_ones() as u64);
            /// `result = ` the low byte of `value`, sign-extended (i64).
            I64Extend8S { result: Slot, value: Slot } writes result
                => unary(i64, |x: i64| x as i8 as i64);
            /// `result = ` the low 2 bytes of `value`, sign-extended (i64).
            I64Extend16S { result: Slot, value: Slot } writes result
                => unary(i64, |x: i64| x as i16 as i64);
            /// `result = ` the low 4 bytes of `value`, sign-extended (i64).
            I64Extend32S { result: Slot, value: Slot } writes result
                => unary(i64, |x: i64| x as i32 as i64);
            /// `result = ` i32 `value`, sign-extended (i64).
            I64ExtendI32S { result: Slot, value: Slot } writes result
                => unary(i32, |x: i32| x as i64);
            /// `result = ` i32 `value`, zero-extended (i64).
            I64ExtendI32U { result: Slot, value: Slot } writes result
                => unary(u32, |x: u32| x as u64);
        }
    };
}
pub(crate) use int_ops;
