//! Control flow, calls, moves, constants and globals (grammar in `ops/mod.rs`).

macro_rules! control_ops {
    (
        $tables:tt $callback:ident
        [$pc:ident, $fp:ident, $ctx:ident, $m:ident, $mem_base:ident, $mem_len:ident]
        $($entries:tt)*
    ) => {
        $crate::ops::next_table! {
            $tables $callback [$pc, $fp, $ctx, $m, $mem_base, $mem_len] $($entries)*

            // ---- control ----
            /// Traps: Wasm `unreachable`.
            Unreachable => handler { return Err(Trap::Unreachable.into()) };
            /// Jumps by `offset`.
            Br { offset: Offset } branches offset => handler {
                $pc = $pc.offset(offset as isize)
            };
            /// Jumps by `offset` when `condition` is not zero.
            BrIfNez { condition: Slot, offset: Offset } branches offset => handler {
                if rd::<u32>($fp, condition) != 0 {
                    $pc = $pc.offset(offset as isize);
                }
            };
            /// Jumps by `offset` when `condition` is zero.
            BrIfEqz { condition: Slot, offset: Offset } branches offset => handler {
                if rd::<u32>($fp, condition) == 0 {
                    $pc = $pc.offset(offset as isize);
                }
            };
            /// Followed by `targets + 1` `Br` instructions; runs the `index`-th, or the last
            /// (the default target) when `index >= targets`.
            BrTable { index: Slot, targets: u32 } => handler {
                let i = rd::<u32>($fp, index).min(targets);
                $pc = $pc.add(i as usize);
            };
            /// Returns; the results are already in slots `0..n`.
            Return => handler { ret!($pc, $fp, $ctx, $m, $mem_base, $mem_len) };
            /// Copies `value` to slot 0, then returns.
            Return1 { value: Slot } => handler {
                *$fp = *$fp.add(value as usize);
                ret!($pc, $fp, $ctx, $m, $mem_base, $mem_len)
            };
            /// Calls function `func`. Arguments start at slot `args`; results land there too.
            Call { func: u32, args: Slot } => handler {
                let num_imported = (*$ctx).num_imported;
                if func >= num_imported {
                    call_local!($pc, $fp, $ctx, $m; func - num_imported, args);
                } else {
                    call_addr!(
                        $pc, $fp, $ctx, $m, $mem_base, $mem_len;
                        (*$ctx).funcs[func as usize], args
                    );
                }
            };
            /// Calls the function in table `table` at the element index held in slot `index`;
            /// it must have type `type_index`. Arguments start at slot `args`, as for `Call`.
            /// With `tail` set (`return_call_indirect`), a callee of this instance replaces
            /// this frame; one elsewhere is called, and the translator puts the return after.
            CallIndirect { type_index: u16, table: u16, args: Slot, index: Slot, tail: u8 }
                => handler {
                // An i64 index of a 64-bit table (memory64) saturates: out of bounds either
                // way, as tables hold fewer than `u32::MAX` entries.
                let i = if cfg!(feature = "memory64") {
                    saturate_u32((*(*$ctx).tables[table as usize]).address(rd($fp, index)))
                } else {
                    rd::<u32>($fp, index)
                };
                match $m.indirect_target($ctx, table, type_index, i)? {
                    Callee::Local(defined) if tail != 0 => {
                        tail_call_local!($pc, $fp, $ctx, $m; defined, args)
                    }
                    Callee::Local(defined) => call_local!($pc, $fp, $ctx, $m; defined, args),
                    Callee::Elsewhere(addr) => {
                        call_addr!($pc, $fp, $ctx, $m, $mem_base, $mem_len; addr, args)
                    }
                }
            };

            /// Tail-calls function `func`, defined in this instance: its frame replaces
            /// this one (no frame record is pushed). Arguments start at slot `args`.
            ReturnCall { func: u32, args: Slot } => handler {
                tail_call_local!($pc, $fp, $ctx, $m; func - (*$ctx).num_imported, args);
            };
            /// Metering (`docs/limits.md`): with `interrupt` set, traps with "execution
            /// interrupted" when the store's interrupt flag is set, clearing it (function
            /// entries and loop headers, when interrupts are on); then charges the `units`
            /// of the segment starting here (`mote_core::fuel`; 0 when fuel is not
            /// metered), trapping without consuming when less fuel is left. One
            /// instruction for both keeps the instruction set within a one-byte tag.
            Meter { units: u32, interrupt: u8 } => handler {
                if interrupt != 0 {
                    let flag = &*$m.interrupt;
                    if flag.load(core::sync::atomic::Ordering::Relaxed) != 0 {
                        flag.store(0, core::sync::atomic::Ordering::Relaxed);
                        return Err(Trap::Interrupted.into());
                    }
                }
                if $m.fuel < units as u64 {
                    return Err(Trap::OutOfFuel.into());
                }
                $m.fuel -= units as u64;
            };

            // ---- compare and branch (fused) ----
            /// Jumps by `offset` when `lhs == rhs` (i32).
            BrI32Eq { lhs: Slot, rhs: Slot, offset: Offset } branches offset
                => branch_cmp(i32, ==);
            /// Jumps by `offset` when `lhs != rhs` (i32).
            BrI32Ne { lhs: Slot, rhs: Slot, offset: Offset } branches offset
                => branch_cmp(i32, !=);
            /// Jumps by `offset` when `lhs < rhs` (i32, signed).
            BrI32LtS { lhs: Slot, rhs: Slot, offset: Offset } branches offset
                => branch_cmp(i32, <);
            /// Jumps by `offset` when `lhs < rhs` (i32, unsigned).
            BrI32LtU { lhs: Slot, rhs: Slot, offset: Offset } branches offset
                => branch_cmp(u32, <);
            /// Jumps by `offset` when `lhs > rhs` (i32, signed).
            BrI32GtS { lhs: Slot, rhs: Slot, offset: Offset } branches offset
                => branch_cmp(i32, >);
            /// Jumps by `offset` when `lhs > rhs` (i32, unsigned).
            BrI32GtU { lhs: Slot, rhs: Slot, offset: Offset } branches offset
                => branch_cmp(u32, >);
            /// Jumps by `offset` when `lhs <= rhs` (i32, signed).
            BrI32LeS { lhs: Slot, rhs: Slot, offset: Offset } branches offset
                => branch_cmp(i32, <=);
            /// Jumps by `offset` when `lhs <= rhs` (i32, unsigned).
            BrI32LeU { lhs: Slot, rhs: Slot, offset: Offset } branches offset
                => branch_cmp(u32, <=);
            /// Jumps by `offset` when `lhs >= rhs` (i32, signed).
            BrI32GeS { lhs: Slot, rhs: Slot, offset: Offset } branches offset
                => branch_cmp(i32, >=);
            /// Jumps by `offset` when `lhs >= rhs` (i32, unsigned).
            BrI32GeU { lhs: Slot, rhs: Slot, offset: Offset } branches offset
                => branch_cmp(u32, >=);
            /// Jumps by `offset` when `lhs == imm` (i32).
            BrI32EqI { lhs: Slot, imm: i32, offset: Offset } branches offset
                => branch_cmp_imm(i32, ==);
            /// Jumps by `offset` when `lhs != imm` (i32).
            BrI32NeI { lhs: Slot, imm: i32, offset: Offset } branches offset
                => branch_cmp_imm(i32, !=);
            /// Jumps by `offset` when `lhs < imm` (i32, signed).
            BrI32LtSI { lhs: Slot, imm: i32, offset: Offset } branches offset
                => branch_cmp_imm(i32, <);
            /// Jumps by `offset` when `lhs < imm` (i32, unsigned).
            BrI32LtUI { lhs: Slot, imm: i32, offset: Offset } branches offset
                => branch_cmp_imm(u32, <);
            /// Jumps by `offset` when `lhs > imm` (i32, signed).
            BrI32GtSI { lhs: Slot, imm: i32, offset: Offset } branches offset
                => branch_cmp_imm(i32, >);
            /// Jumps by `offset` when `lhs > imm` (i32, unsigned).
            BrI32GtUI { lhs: Slot, imm: i32, offset: Offset } branches offset
                => branch_cmp_imm(u32, >);
            /// Jumps by `offset` when `lhs <= imm` (i32, signed).
            BrI32LeSI { lhs: Slot, imm: i32, offset: Offset } branches offset
                => branch_cmp_imm(i32, <=);
            /// Jumps by `offset` when `lhs <= imm` (i32, unsigned).
            BrI32LeUI { lhs: Slot, imm: i32, offset: Offset } branches offset
                => branch_cmp_imm(u32, <=);
            /// Jumps by `offset` when `lhs >= imm` (i32, signed).
            BrI32GeSI { lhs: Slot, imm: i32, offset: Offset } branches offset
                => branch_cmp_imm(i32, >=);
            /// Jumps by `offset` when `lhs >= imm` (i32, unsigned).
            BrI32GeUI { lhs: Slot, imm: i32, offset: Offset } branches offset
                => branch_cmp_imm(u32, >=);

            // ---- moves, constants and globals ----
            /// `result = value` (any type).
            Copy { result: Slot, value: Slot } writes result => handler {
                *$fp.add(result as usize) = *$fp.add(value as usize)
            };
            /// `result = value`, zero-extended: i32 and f32 constants.
            Const32 { result: Slot, value: u32 } writes result => handler {
                wr($fp, result, value)
            };
            /// `result = value`, sign-extended: i64 constants that fit 32 bits.
            ConstI64S { result: Slot, value: i32 } writes result => handler {
                wr($fp, result, value as i64)
            };
            /// `result = high << 32 | low`: the other i64 and f64 constants.
            Const64 { result: Slot, low: u32, high: u32 } writes result => handler {
                wr($fp, result, (high as u64) << 32 | low as u64)
            };
            /// `result = if condition != 0 { if_true } else { if_false }`.
            Select { result: Slot, if_true: Slot, if_false: Slot, condition: Slot }
                writes result => handler {
                let v = if rd::<u32>($fp, condition) != 0 {
                    *$fp.add(if_true as usize)
                } else {
                    *$fp.add(if_false as usize)
                };
                *$fp.add(result as usize) = v;
            };
            /// `result = ` the instance's global `global`.
            GlobalGet { result: Slot, global: u32 } writes result => handler {
                *$fp.add(result as usize) = *(*$ctx).globals[global as usize]
            };
            /// The instance's global `global` ` = value`.
            GlobalSet { value: Slot, global: u32 } => handler {
                *(*$ctx).globals[global as usize] = *$fp.add(value as usize)
            };
            /// `result = ` a reference to the instance's function `func`.
            RefFunc { result: Slot, func: u32 } writes result => handler {
                wr($fp, result, (*$ctx).funcs[func as usize] as u64 + 1);
            };
        }
    };
}
pub(crate) use control_ops;
