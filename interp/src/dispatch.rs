//! Dispatch: every handler body is written once, in `handler_table!`, and expanded into
//! one of two backends:
//!
//! - `loop`/`match` (portable): a loop over `Op`s with a jump table;
//! - threaded: each instruction carries its handler's address and every handler ends by
//!   calling the next one. The handlers share one signature with few arguments
//!   (instruction pointer, frame pointer, machine, memory base), so in optimised builds
//!   LLVM turns that call into a jump: no central dispatch, one indirect branch per
//!   handler for the predictor to learn. Unoptimised builds would grow the native stack
//!   with every instruction, so they use the loop (see `THREADED` in lib.rs).
//!
//! Handler bodies name the machine state (`pc`, `fp`, `ctx`, `m`, `mem_base`, `mem_len`);
//! each backend binds those names. Bodies leave through `Err(Stop)`: a trap, or `Done`
//! when the outermost frame returns.

use core::ptr;

use mote_core::runtime::instance::{self, indirect_callee, Instance};
use mote_core::runtime::FuncKind;
use mote_core::types::PAGE_SIZE;
use mote_core::{Cell, FuncAddr, Trap};

use crate::code::{CompiledFunc, Op};
#[cfg(not(threaded))]
use crate::exec::InstCtx;
use crate::exec::{from_imm, rd, wr, Machine, Stop};
#[allow(unused_imports)]
use crate::numeric::*;

macro_rules! bin {
    ($fp:ident; $d:ident, $a:ident, $b:ident, $t:ty, $f:expr) => {{
        let x: $t = rd($fp, $a);
        let y: $t = rd($fp, $b);
        wr($fp, $d, $f(x, y));
    }};
}
macro_rules! bin_i {
    ($fp:ident; $d:ident, $a:ident, $imm:ident, $t:ty, $f:expr) => {{
        let x: $t = rd($fp, $a);
        let y: $t = from_imm($imm);
        wr($fp, $d, $f(x, y));
    }};
}
macro_rules! bin_trap {
    ($fp:ident; $d:ident, $a:ident, $b:ident, $t:ty, $f:expr) => {{
        let x: $t = rd($fp, $a);
        let y: $t = rd($fp, $b);
        wr($fp, $d, $f(x, y)?);
    }};
}
macro_rules! bin_trap_i {
    ($fp:ident; $d:ident, $a:ident, $imm:ident, $t:ty, $f:expr) => {{
        let x: $t = rd($fp, $a);
        let y: $t = from_imm($imm);
        wr($fp, $d, $f(x, y)?);
    }};
}
macro_rules! un {
    ($fp:ident; $d:ident, $s:ident, $t:ty, $f:expr) => {{
        let x: $t = rd($fp, $s);
        wr($fp, $d, $f(x));
    }};
}
#[cfg(feature = "float")]
macro_rules! un_trap {
    ($fp:ident; $d:ident, $s:ident, $t:ty, $f:expr) => {{
        let x: $t = rd($fp, $s);
        wr($fp, $d, $f(x)?);
    }};
}
macro_rules! br_cmp {
    ($pc:ident, $fp:ident; $a:ident, $b:ident, $off:ident, $t:ty, $op:tt) => {{
        let x: $t = rd($fp, $a);
        let y: $t = rd($fp, $b);
        if x $op y {
            $pc = $pc.offset($off as isize);
        }
    }};
}
macro_rules! br_cmp_i {
    ($pc:ident, $fp:ident; $a:ident, $imm:ident, $off:ident, $t:ty, $op:tt) => {{
        let x: $t = rd($fp, $a);
        let y: $t = from_imm($imm);
        if x $op y {
            $pc = $pc.offset($off as isize);
        }
    }};
}
/// Effective address of an access of `$n` bytes, or an out-of-bounds trap.
macro_rules! ea {
    ($fp:ident, $mb:ident, $ml:ident; $a:ident, $off:ident, $n:expr) => {{
        let ea = rd::<u32>($fp, $a) as u64 + $off as u64;
        if ea + $n > $ml {
            return Err(Trap::MemoryOutOfBounds.into());
        }
        $mb.add(ea as usize)
    }};
}
macro_rules! load {
    ($fp:ident, $mb:ident, $ml:ident; $d:ident, $a:ident, $off:ident, $raw:ty, $t:ty) => {{
        let p = ea!($fp, $mb, $ml; $a, $off, core::mem::size_of::<$raw>() as u64);
        let v = ptr::read_unaligned(p as *const $raw);
        wr::<$t>($fp, $d, v as $t);
    }};
}
macro_rules! store {
    ($fp:ident, $mb:ident, $ml:ident; $a:ident, $v:ident, $off:ident, $raw:ty) => {{
        let p = ea!($fp, $mb, $ml; $a, $off, core::mem::size_of::<$raw>() as u64);
        let v: u64 = rd($fp, $v);
        ptr::write_unaligned(p as *mut $raw, v as $raw);
    }};
}
macro_rules! refresh_memory {
    ($ctx:ident, $m:ident, $mb:ident, $ml:ident) => {
        ($mb, $ml) = $m.memory_view($ctx);
    };
}
/// Enters a function of this instance (module-local defined index).
macro_rules! call_local {
    ($pc:ident, $fp:ident, $ctx:ident, $m:ident; $defined:expr, $base:ident) => {{
        let f = (*(*$ctx).code).get(&*(*$ctx).module, $defined)? as *const CompiledFunc;
        let new_fp = $fp.add($base as usize);
        $m.enter(&*f, new_fp, $pc.cast(), $fp, $ctx)?;
        $fp = new_fp;
        $pc = code_start(&*f);
    }};
}
/// Calls a function of another instance or of the host.
macro_rules! call_addr {
    ($pc:ident, $fp:ident, $ctx:ident, $m:ident, $mb:ident, $ml:ident; $addr:expr, $base:ident) => {{
        let args = $fp.add($base as usize);
        match $m.call_external($addr, (*$ctx).addr, args)? {
            None => {
                refresh_memory!($ctx, $m, $mb, $ml);
            }
            Some((callee_ctx, f)) => {
                $m.enter(&*f, args, $pc.cast(), $fp, $ctx)?;
                $ctx = callee_ctx;
                $m.ctx = $ctx;
                $fp = args;
                $pc = code_start(&*f);
                refresh_memory!($ctx, $m, $mb, $ml);
            }
        }
    }};
}
/// Returns to the caller's frame (results are in slots 0..n already).
macro_rules! ret {
    ($pc:ident, $fp:ident, $ctx:ident, $m:ident, $mb:ident, $ml:ident) => {{
        let Some(frame) = $m.frames.pop() else {
            return Err(Stop::Done);
        };
        $pc = frame.ret_pc.cast();
        $fp = frame.fp;
        $ctx = frame.ctx;
        $m.ctx = $ctx;
        // The callee may have grown a memory this instance uses.
        refresh_memory!($ctx, $m, $mb, $ml);
    }};
}

/// Where a function's code starts, in the form the running backend executes.
trait CodeUnit: Sized {
    fn start(f: &CompiledFunc) -> *const Self;
}

impl CodeUnit for Op {
    #[inline(always)]
    fn start(f: &CompiledFunc) -> *const Op {
        f.code.as_ptr()
    }
}

#[inline(always)]
fn code_start<P: CodeUnit>(f: &CompiledFunc) -> *const P {
    P::start(f)
}

macro_rules! handler_table {
    ($gen:ident) => {
        $gen! {
            [pc, fp, ctx, m, mem_base, mem_len]
                Unreachable => { return Err(Trap::Unreachable.into()) }
                Br { off } => { pc = pc.offset(off as isize) }
                BrIfNez { c, off } => {
                    if rd::<u32>(fp, c) != 0 {
                        pc = pc.offset(off as isize);
                    }
                }
                BrIfEqz { c, off } => {
                    if rd::<u32>(fp, c) == 0 {
                        pc = pc.offset(off as isize);
                    }
                }
                BrTable { idx, len } => {
                    let i = rd::<u32>(fp, idx).min(len);
                    pc = pc.add(i as usize);
                }
                Return => {
                    ret!(pc, fp, ctx, m, mem_base, mem_len)
                }
                Return1 { s } => {
                    *fp = *fp.add(s as usize);
                    ret!(pc, fp, ctx, m, mem_base, mem_len)
                }
                Call { func, base } => {
                    let num_imported = (*ctx).num_imported;
                    if func >= num_imported {
                        call_local!(pc, fp, ctx, m; func - num_imported, base);
                    } else {
                        call_addr!(pc, fp, ctx, m, mem_base, mem_len; (*ctx).funcs[func as usize], base);
                    }
                }
                CallIndirect {
                    ty,
                    table,
                    base,
                    idx,
                } => {
                    let table = &*(*ctx).tables[table as usize];
                    let i = rd::<u32>(fp, idx);
                    let cell = indirect_callee(
                        table.cells().get(i as usize).copied(),
                        (&(*ctx).sigs).get(ty as usize).copied(),
                        |cell| m.store.funcs.get((cell - 1) as usize).map(|f| f.sig),
                    )?;
                    let addr = (cell - 1) as FuncAddr;
                    let entity = &m.store.funcs[addr as usize];
                    match entity.kind {
                        FuncKind::Wasm { instance, index } if instance == (*ctx).addr => {
                            call_local!(pc, fp, ctx, m; index - (*ctx).num_imported, base);
                        }
                        _ => call_addr!(pc, fp, ctx, m, mem_base, mem_len; addr, base),
                    }
                }
                BrI32Eq { a, b, off } => { br_cmp!(pc, fp; a, b, off, i32, ==) }
                BrI32Ne { a, b, off } => { br_cmp!(pc, fp; a, b, off, i32, !=) }
                BrI32LtS { a, b, off } => { br_cmp!(pc, fp; a, b, off, i32, <) }
                BrI32LtU { a, b, off } => { br_cmp!(pc, fp; a, b, off, u32, <) }
                BrI32GtS { a, b, off } => { br_cmp!(pc, fp; a, b, off, i32, >) }
                BrI32GtU { a, b, off } => { br_cmp!(pc, fp; a, b, off, u32, >) }
                BrI32LeS { a, b, off } => { br_cmp!(pc, fp; a, b, off, i32, <=) }
                BrI32LeU { a, b, off } => { br_cmp!(pc, fp; a, b, off, u32, <=) }
                BrI32GeS { a, b, off } => { br_cmp!(pc, fp; a, b, off, i32, >=) }
                BrI32GeU { a, b, off } => { br_cmp!(pc, fp; a, b, off, u32, >=) }
                BrI32EqI { a, imm, off } => { br_cmp_i!(pc, fp; a, imm, off, i32, ==) }
                BrI32NeI { a, imm, off } => { br_cmp_i!(pc, fp; a, imm, off, i32, !=) }
                BrI32LtSI { a, imm, off } => { br_cmp_i!(pc, fp; a, imm, off, i32, <) }
                BrI32LtUI { a, imm, off } => { br_cmp_i!(pc, fp; a, imm, off, u32, <) }
                BrI32GtSI { a, imm, off } => { br_cmp_i!(pc, fp; a, imm, off, i32, >) }
                BrI32GtUI { a, imm, off } => { br_cmp_i!(pc, fp; a, imm, off, u32, >) }
                BrI32LeSI { a, imm, off } => { br_cmp_i!(pc, fp; a, imm, off, i32, <=) }
                BrI32LeUI { a, imm, off } => { br_cmp_i!(pc, fp; a, imm, off, u32, <=) }
                BrI32GeSI { a, imm, off } => { br_cmp_i!(pc, fp; a, imm, off, i32, >=) }
                BrI32GeUI { a, imm, off } => { br_cmp_i!(pc, fp; a, imm, off, u32, >=) }
                Copy { d, s } => { *fp.add(d as usize) = *fp.add(s as usize) }
                Const32 { d, v } => { wr(fp, d, v) }
                ConstI64S { d, v } => { wr(fp, d, v as i64) }
                Const64 { d, lo, hi } => { wr(fp, d, (hi as u64) << 32 | lo as u64) }
                Select { d, a, b, c } => {
                    let v = if rd::<u32>(fp, c) != 0 {
                        *fp.add(a as usize)
                    } else {
                        *fp.add(b as usize)
                    };
                    *fp.add(d as usize) = v;
                }
                GlobalGet { d, g } => { *fp.add(d as usize) = *(*ctx).globals[g as usize] }
                GlobalSet { s, g } => { *(*ctx).globals[g as usize] = *fp.add(s as usize) }
                RefFunc { d, func } => {
                    wr(fp, d, (*ctx).funcs[func as usize] as u64 + 1);
                }
                I32Load { d, a, off } => { load!(fp, mem_base, mem_len; d, a, off, u32, u32) }
                I64Load { d, a, off } => { load!(fp, mem_base, mem_len; d, a, off, u64, u64) }
                I32Load8S { d, a, off } => { load!(fp, mem_base, mem_len; d, a, off, i8, i32) }
                I32Load8U { d, a, off } => { load!(fp, mem_base, mem_len; d, a, off, u8, u32) }
                I32Load16S { d, a, off } => { load!(fp, mem_base, mem_len; d, a, off, i16, i32) }
                I32Load16U { d, a, off } => { load!(fp, mem_base, mem_len; d, a, off, u16, u32) }
                I64Load8S { d, a, off } => { load!(fp, mem_base, mem_len; d, a, off, i8, i64) }
                I64Load8U { d, a, off } => { load!(fp, mem_base, mem_len; d, a, off, u8, u64) }
                I64Load16S { d, a, off } => { load!(fp, mem_base, mem_len; d, a, off, i16, i64) }
                I64Load16U { d, a, off } => { load!(fp, mem_base, mem_len; d, a, off, u16, u64) }
                I64Load32S { d, a, off } => { load!(fp, mem_base, mem_len; d, a, off, i32, i64) }
                I64Load32U { d, a, off } => { load!(fp, mem_base, mem_len; d, a, off, u32, u64) }
                I32Store { a, v, off } => { store!(fp, mem_base, mem_len; a, v, off, u32) }
                I64Store { a, v, off } => { store!(fp, mem_base, mem_len; a, v, off, u64) }
                I32Store8 { a, v, off } => { store!(fp, mem_base, mem_len; a, v, off, u8) }
                I32Store16 { a, v, off } => { store!(fp, mem_base, mem_len; a, v, off, u16) }
                I64Store8 { a, v, off } => { store!(fp, mem_base, mem_len; a, v, off, u8) }
                I64Store16 { a, v, off } => { store!(fp, mem_base, mem_len; a, v, off, u16) }
                I64Store32 { a, v, off } => { store!(fp, mem_base, mem_len; a, v, off, u32) }
                MemorySize { d } => { wr(fp, d, (mem_len / PAGE_SIZE) as u32) }
                MemoryGrow { d, n } => {
                    let r = (*(*ctx).memory).grow(rd::<u32>(fp, n) as u64);
                    wr(fp, d, r as i32);
                    refresh_memory!(ctx, m, mem_base, mem_len);
                }
                MemoryFill { d, v, n } => {
                    let m = &mut *(*ctx).memory;
                    m.fill(
                        rd::<u32>(fp, d) as u64,
                        rd::<u32>(fp, v) as u8,
                        rd::<u32>(fp, n) as u64,
                    )?;
                }
                MemoryCopy { d, s, n } => {
                    let m = &mut *(*ctx).memory;
                    m.copy_within(
                        rd::<u32>(fp, d) as u64,
                        rd::<u32>(fp, s) as u64,
                        rd::<u32>(fp, n) as u64,
                    )?;
                }
                MemoryInit { seg, d, s, n } => {
                    instance::memory_init(
                        &mut m.store.instance((*ctx).addr),
                        0,
                        seg,
                        rd::<u32>(fp, d) as u64,
                        rd::<u32>(fp, s) as u64,
                        rd::<u32>(fp, n) as u64,
                    )?
                }
                DataDrop { seg } => { m.store.instance((*ctx).addr).drop_data(seg) }
                TableGet { d, t, i } => {
                    let v = (*(*ctx).tables[t as usize]).get(rd(fp, i))?;
                    wr(fp, d, v);
                }
                TableSet { t, i, v } => {
                    (*(*ctx).tables[t as usize]).set(rd(fp, i), rd(fp, v))?;
                }
                TableSize { d, t } => { wr(fp, d, (*(*ctx).tables[t as usize]).size()) }
                TableGrow { d, t, v, n } => {
                    let r = (*(*ctx).tables[t as usize]).grow(rd(fp, n), rd(fp, v));
                    wr(fp, d, r);
                }
                TableFill { t, i, v, n } => {
                    (*(*ctx).tables[t as usize]).fill(rd(fp, i), rd(fp, v), rd(fp, n))?;
                }
                TableCopy { dt, st, d, s, n } => {
                    instance::table_copy(
                        &mut m.store.instance((*ctx).addr),
                        dt as u32,
                        st as u32,
                        rd(fp, d),
                        rd(fp, s),
                        rd(fp, n),
                    )?
                }
                TableInit { t, seg, d, s, n } => {
                    instance::table_init(
                        &mut m.store.instance((*ctx).addr),
                        t as u32,
                        seg as u32,
                        rd(fp, d),
                        rd(fp, s),
                        rd(fp, n),
                    )?
                }
                ElemDrop { seg } => { m.store.instance((*ctx).addr).drop_elements(seg) }
                I32Add { d, a, b } => { bin!(fp; d, a, b, i32, i32::wrapping_add) }
                I32Sub { d, a, b } => { bin!(fp; d, a, b, i32, i32::wrapping_sub) }
                I32Mul { d, a, b } => { bin!(fp; d, a, b, i32, i32::wrapping_mul) }
                I32DivS { d, a, b } => { bin_trap!(fp; d, a, b, i32, i32_div_s) }
                I32DivU { d, a, b } => { bin_trap!(fp; d, a, b, i32, i32_div_u) }
                I32RemS { d, a, b } => { bin_trap!(fp; d, a, b, i32, i32_rem_s) }
                I32RemU { d, a, b } => { bin_trap!(fp; d, a, b, i32, i32_rem_u) }
                I32And { d, a, b } => { bin!(fp; d, a, b, i32, |x, y| x & y) }
                I32Or { d, a, b } => { bin!(fp; d, a, b, i32, |x, y| x | y) }
                I32Xor { d, a, b } => { bin!(fp; d, a, b, i32, |x, y| x ^ y) }
                I32Shl { d, a, b } => { bin!(fp; d, a, b, i32, i32_shl) }
                I32ShrS { d, a, b } => { bin!(fp; d, a, b, i32, i32_shr_s) }
                I32ShrU { d, a, b } => { bin!(fp; d, a, b, i32, i32_shr_u) }
                I32Rotl { d, a, b } => { bin!(fp; d, a, b, i32, i32_rotl) }
                I32Rotr { d, a, b } => { bin!(fp; d, a, b, i32, i32_rotr) }
                I32Eq { d, a, b } => { bin!(fp; d, a, b, i32, |x, y| x == y) }
                I32Ne { d, a, b } => { bin!(fp; d, a, b, i32, |x, y| x != y) }
                I32LtS { d, a, b } => { bin!(fp; d, a, b, i32, |x, y| x < y) }
                I32LtU { d, a, b } => { bin!(fp; d, a, b, u32, |x, y| x < y) }
                I32GtS { d, a, b } => { bin!(fp; d, a, b, i32, |x, y| x > y) }
                I32GtU { d, a, b } => { bin!(fp; d, a, b, u32, |x, y| x > y) }
                I32LeS { d, a, b } => { bin!(fp; d, a, b, i32, |x, y| x <= y) }
                I32LeU { d, a, b } => { bin!(fp; d, a, b, u32, |x, y| x <= y) }
                I32GeS { d, a, b } => { bin!(fp; d, a, b, i32, |x, y| x >= y) }
                I32GeU { d, a, b } => { bin!(fp; d, a, b, u32, |x, y| x >= y) }
                I32AddI { d, a, imm } => { bin_i!(fp; d, a, imm, i32, i32::wrapping_add) }
                I32SubI { d, a, imm } => { bin_i!(fp; d, a, imm, i32, i32::wrapping_sub) }
                I32MulI { d, a, imm } => { bin_i!(fp; d, a, imm, i32, i32::wrapping_mul) }
                I32DivSI { d, a, imm } => { bin_trap_i!(fp; d, a, imm, i32, i32_div_s) }
                I32DivUI { d, a, imm } => { bin_trap_i!(fp; d, a, imm, i32, i32_div_u) }
                I32RemSI { d, a, imm } => { bin_trap_i!(fp; d, a, imm, i32, i32_rem_s) }
                I32RemUI { d, a, imm } => { bin_trap_i!(fp; d, a, imm, i32, i32_rem_u) }
                I32AndI { d, a, imm } => { bin_i!(fp; d, a, imm, i32, |x, y| x & y) }
                I32OrI { d, a, imm } => { bin_i!(fp; d, a, imm, i32, |x, y| x | y) }
                I32XorI { d, a, imm } => { bin_i!(fp; d, a, imm, i32, |x, y| x ^ y) }
                I32ShlI { d, a, imm } => { bin_i!(fp; d, a, imm, i32, i32_shl) }
                I32ShrSI { d, a, imm } => { bin_i!(fp; d, a, imm, i32, i32_shr_s) }
                I32ShrUI { d, a, imm } => { bin_i!(fp; d, a, imm, i32, i32_shr_u) }
                I32RotlI { d, a, imm } => { bin_i!(fp; d, a, imm, i32, i32_rotl) }
                I32RotrI { d, a, imm } => { bin_i!(fp; d, a, imm, i32, i32_rotr) }
                I32EqI { d, a, imm } => { bin_i!(fp; d, a, imm, i32, |x, y| x == y) }
                I32NeI { d, a, imm } => { bin_i!(fp; d, a, imm, i32, |x, y| x != y) }
                I32LtSI { d, a, imm } => { bin_i!(fp; d, a, imm, i32, |x, y| x < y) }
                I32LtUI { d, a, imm } => { bin_i!(fp; d, a, imm, u32, |x, y| x < y) }
                I32GtSI { d, a, imm } => { bin_i!(fp; d, a, imm, i32, |x, y| x > y) }
                I32GtUI { d, a, imm } => { bin_i!(fp; d, a, imm, u32, |x, y| x > y) }
                I32LeSI { d, a, imm } => { bin_i!(fp; d, a, imm, i32, |x, y| x <= y) }
                I32LeUI { d, a, imm } => { bin_i!(fp; d, a, imm, u32, |x, y| x <= y) }
                I32GeSI { d, a, imm } => { bin_i!(fp; d, a, imm, i32, |x, y| x >= y) }
                I32GeUI { d, a, imm } => { bin_i!(fp; d, a, imm, u32, |x, y| x >= y) }
                I32Eqz { d, s } => { un!(fp; d, s, u32, |x| x == 0) }
                I32Clz { d, s } => { un!(fp; d, s, u32, u32::leading_zeros) }
                I32Ctz { d, s } => { un!(fp; d, s, u32, u32::trailing_zeros) }
                I32Popcnt { d, s } => { un!(fp; d, s, u32, u32::count_ones) }
                I32Extend8S { d, s } => { un!(fp; d, s, i32, |x: i32| x as i8 as i32) }
                I32Extend16S { d, s } => { un!(fp; d, s, i32, |x: i32| x as i16 as i32) }
                I32WrapI64 { d, s } => { un!(fp; d, s, u64, |x: u64| x as u32) }
                I64Add { d, a, b } => { bin!(fp; d, a, b, i64, i64::wrapping_add) }
                I64Sub { d, a, b } => { bin!(fp; d, a, b, i64, i64::wrapping_sub) }
                I64Mul { d, a, b } => { bin!(fp; d, a, b, i64, i64::wrapping_mul) }
                I64DivS { d, a, b } => { bin_trap!(fp; d, a, b, i64, i64_div_s) }
                I64DivU { d, a, b } => { bin_trap!(fp; d, a, b, i64, i64_div_u) }
                I64RemS { d, a, b } => { bin_trap!(fp; d, a, b, i64, i64_rem_s) }
                I64RemU { d, a, b } => { bin_trap!(fp; d, a, b, i64, i64_rem_u) }
                I64And { d, a, b } => { bin!(fp; d, a, b, i64, |x, y| x & y) }
                I64Or { d, a, b } => { bin!(fp; d, a, b, i64, |x, y| x | y) }
                I64Xor { d, a, b } => { bin!(fp; d, a, b, i64, |x, y| x ^ y) }
                I64Shl { d, a, b } => { bin!(fp; d, a, b, i64, i64_shl) }
                I64ShrS { d, a, b } => { bin!(fp; d, a, b, i64, i64_shr_s) }
                I64ShrU { d, a, b } => { bin!(fp; d, a, b, i64, i64_shr_u) }
                I64Rotl { d, a, b } => { bin!(fp; d, a, b, i64, i64_rotl) }
                I64Rotr { d, a, b } => { bin!(fp; d, a, b, i64, i64_rotr) }
                I64Eq { d, a, b } => { bin!(fp; d, a, b, i64, |x, y| x == y) }
                I64Ne { d, a, b } => { bin!(fp; d, a, b, i64, |x, y| x != y) }
                I64LtS { d, a, b } => { bin!(fp; d, a, b, i64, |x, y| x < y) }
                I64LtU { d, a, b } => { bin!(fp; d, a, b, u64, |x, y| x < y) }
                I64GtS { d, a, b } => { bin!(fp; d, a, b, i64, |x, y| x > y) }
                I64GtU { d, a, b } => { bin!(fp; d, a, b, u64, |x, y| x > y) }
                I64LeS { d, a, b } => { bin!(fp; d, a, b, i64, |x, y| x <= y) }
                I64LeU { d, a, b } => { bin!(fp; d, a, b, u64, |x, y| x <= y) }
                I64GeS { d, a, b } => { bin!(fp; d, a, b, i64, |x, y| x >= y) }
                I64GeU { d, a, b } => { bin!(fp; d, a, b, u64, |x, y| x >= y) }
                I64AddI { d, a, imm } => { bin_i!(fp; d, a, imm, i64, i64::wrapping_add) }
                I64SubI { d, a, imm } => { bin_i!(fp; d, a, imm, i64, i64::wrapping_sub) }
                I64MulI { d, a, imm } => { bin_i!(fp; d, a, imm, i64, i64::wrapping_mul) }
                I64DivSI { d, a, imm } => { bin_trap_i!(fp; d, a, imm, i64, i64_div_s) }
                I64DivUI { d, a, imm } => { bin_trap_i!(fp; d, a, imm, i64, i64_div_u) }
                I64RemSI { d, a, imm } => { bin_trap_i!(fp; d, a, imm, i64, i64_rem_s) }
                I64RemUI { d, a, imm } => { bin_trap_i!(fp; d, a, imm, i64, i64_rem_u) }
                I64AndI { d, a, imm } => { bin_i!(fp; d, a, imm, i64, |x, y| x & y) }
                I64OrI { d, a, imm } => { bin_i!(fp; d, a, imm, i64, |x, y| x | y) }
                I64XorI { d, a, imm } => { bin_i!(fp; d, a, imm, i64, |x, y| x ^ y) }
                I64ShlI { d, a, imm } => { bin_i!(fp; d, a, imm, i64, i64_shl) }
                I64ShrSI { d, a, imm } => { bin_i!(fp; d, a, imm, i64, i64_shr_s) }
                I64ShrUI { d, a, imm } => { bin_i!(fp; d, a, imm, i64, i64_shr_u) }
                I64RotlI { d, a, imm } => { bin_i!(fp; d, a, imm, i64, i64_rotl) }
                I64RotrI { d, a, imm } => { bin_i!(fp; d, a, imm, i64, i64_rotr) }
                I64EqI { d, a, imm } => { bin_i!(fp; d, a, imm, i64, |x, y| x == y) }
                I64NeI { d, a, imm } => { bin_i!(fp; d, a, imm, i64, |x, y| x != y) }
                I64LtSI { d, a, imm } => { bin_i!(fp; d, a, imm, i64, |x, y| x < y) }
                I64LtUI { d, a, imm } => { bin_i!(fp; d, a, imm, u64, |x, y| x < y) }
                I64GtSI { d, a, imm } => { bin_i!(fp; d, a, imm, i64, |x, y| x > y) }
                I64GtUI { d, a, imm } => { bin_i!(fp; d, a, imm, u64, |x, y| x > y) }
                I64LeSI { d, a, imm } => { bin_i!(fp; d, a, imm, i64, |x, y| x <= y) }
                I64LeUI { d, a, imm } => { bin_i!(fp; d, a, imm, u64, |x, y| x <= y) }
                I64GeSI { d, a, imm } => { bin_i!(fp; d, a, imm, i64, |x, y| x >= y) }
                I64GeUI { d, a, imm } => { bin_i!(fp; d, a, imm, u64, |x, y| x >= y) }
                I64Eqz { d, s } => { un!(fp; d, s, u64, |x| x == 0) }
                I64Clz { d, s } => { un!(fp; d, s, u64, |x: u64| x.leading_zeros() as u64) }
                I64Ctz { d, s } => { un!(fp; d, s, u64, |x: u64| x.trailing_zeros() as u64) }
                I64Popcnt { d, s } => { un!(fp; d, s, u64, |x: u64| x.count_ones() as u64) }
                I64Extend8S { d, s } => { un!(fp; d, s, i64, |x: i64| x as i8 as i64) }
                I64Extend16S { d, s } => { un!(fp; d, s, i64, |x: i64| x as i16 as i64) }
                I64Extend32S { d, s } => { un!(fp; d, s, i64, |x: i64| x as i32 as i64) }
                I64ExtendI32S { d, s } => { un!(fp; d, s, i32, |x: i32| x as i64) }
                I64ExtendI32U { d, s } => { un!(fp; d, s, u32, |x: u32| x as u64) }
                #[cfg(feature = "float")]
                F32Add { d, a, b } => { bin!(fp; d, a, b, f32, |x, y| x + y) }
                #[cfg(feature = "float")]
                F32Sub { d, a, b } => { bin!(fp; d, a, b, f32, |x, y| x - y) }
                #[cfg(feature = "float")]
                F32Mul { d, a, b } => { bin!(fp; d, a, b, f32, |x, y| x * y) }
                #[cfg(feature = "float")]
                F32Div { d, a, b } => { bin!(fp; d, a, b, f32, |x, y| x / y) }
                #[cfg(feature = "float")]
                F32Min { d, a, b } => { bin!(fp; d, a, b, f32, f32_min) }
                #[cfg(feature = "float")]
                F32Max { d, a, b } => { bin!(fp; d, a, b, f32, f32_max) }
                #[cfg(feature = "float")]
                F32Copysign { d, a, b } => { bin!(fp; d, a, b, f32, f32::copysign) }
                #[cfg(feature = "float")]
                F32Eq { d, a, b } => { bin!(fp; d, a, b, f32, |x, y| x == y) }
                #[cfg(feature = "float")]
                F32Ne { d, a, b } => { bin!(fp; d, a, b, f32, |x, y| x != y) }
                #[cfg(feature = "float")]
                F32Lt { d, a, b } => { bin!(fp; d, a, b, f32, |x, y| x < y) }
                #[cfg(feature = "float")]
                F32Gt { d, a, b } => { bin!(fp; d, a, b, f32, |x, y| x > y) }
                #[cfg(feature = "float")]
                F32Le { d, a, b } => { bin!(fp; d, a, b, f32, |x, y| x <= y) }
                #[cfg(feature = "float")]
                F32Ge { d, a, b } => { bin!(fp; d, a, b, f32, |x, y| x >= y) }
                #[cfg(feature = "float")]
                F32Abs { d, s } => { un!(fp; d, s, u32, |x: u32| x & 0x7fff_ffff) }
                #[cfg(feature = "float")]
                F32Neg { d, s } => { un!(fp; d, s, u32, |x: u32| x ^ 0x8000_0000) }
                #[cfg(feature = "float")]
                F32Ceil { d, s } => { un!(fp; d, s, f32, f32_ceil) }
                #[cfg(feature = "float")]
                F32Floor { d, s } => { un!(fp; d, s, f32, f32_floor) }
                #[cfg(feature = "float")]
                F32Trunc { d, s } => { un!(fp; d, s, f32, f32_trunc) }
                #[cfg(feature = "float")]
                F32Nearest { d, s } => { un!(fp; d, s, f32, f32_nearest) }
                #[cfg(feature = "float")]
                F32Sqrt { d, s } => { un!(fp; d, s, f32, f32_sqrt) }
                #[cfg(feature = "float")]
                F64Add { d, a, b } => { bin!(fp; d, a, b, f64, |x, y| x + y) }
                #[cfg(feature = "float")]
                F64Sub { d, a, b } => { bin!(fp; d, a, b, f64, |x, y| x - y) }
                #[cfg(feature = "float")]
                F64Mul { d, a, b } => { bin!(fp; d, a, b, f64, |x, y| x * y) }
                #[cfg(feature = "float")]
                F64Div { d, a, b } => { bin!(fp; d, a, b, f64, |x, y| x / y) }
                #[cfg(feature = "float")]
                F64Min { d, a, b } => { bin!(fp; d, a, b, f64, f64_min) }
                #[cfg(feature = "float")]
                F64Max { d, a, b } => { bin!(fp; d, a, b, f64, f64_max) }
                #[cfg(feature = "float")]
                F64Copysign { d, a, b } => { bin!(fp; d, a, b, f64, f64::copysign) }
                #[cfg(feature = "float")]
                F64Eq { d, a, b } => { bin!(fp; d, a, b, f64, |x, y| x == y) }
                #[cfg(feature = "float")]
                F64Ne { d, a, b } => { bin!(fp; d, a, b, f64, |x, y| x != y) }
                #[cfg(feature = "float")]
                F64Lt { d, a, b } => { bin!(fp; d, a, b, f64, |x, y| x < y) }
                #[cfg(feature = "float")]
                F64Gt { d, a, b } => { bin!(fp; d, a, b, f64, |x, y| x > y) }
                #[cfg(feature = "float")]
                F64Le { d, a, b } => { bin!(fp; d, a, b, f64, |x, y| x <= y) }
                #[cfg(feature = "float")]
                F64Ge { d, a, b } => { bin!(fp; d, a, b, f64, |x, y| x >= y) }
                #[cfg(feature = "float")]
                F64Abs { d, s } => { un!(fp; d, s, u64, |x: u64| x & 0x7fff_ffff_ffff_ffff) }
                #[cfg(feature = "float")]
                F64Neg { d, s } => { un!(fp; d, s, u64, |x: u64| x ^ 0x8000_0000_0000_0000) }
                #[cfg(feature = "float")]
                F64Ceil { d, s } => { un!(fp; d, s, f64, f64_ceil) }
                #[cfg(feature = "float")]
                F64Floor { d, s } => { un!(fp; d, s, f64, f64_floor) }
                #[cfg(feature = "float")]
                F64Trunc { d, s } => { un!(fp; d, s, f64, f64_trunc) }
                #[cfg(feature = "float")]
                F64Nearest { d, s } => { un!(fp; d, s, f64, f64_nearest) }
                #[cfg(feature = "float")]
                F64Sqrt { d, s } => { un!(fp; d, s, f64, f64_sqrt) }
                #[cfg(feature = "float")]
                I32TruncF32S { d, s } => { un_trap!(fp; d, s, f32, |x: f32| i32_trunc_s(x as f64)) }
                #[cfg(feature = "float")]
                I32TruncF32U { d, s } => { un_trap!(fp; d, s, f32, |x: f32| i32_trunc_u(x as f64)) }
                #[cfg(feature = "float")]
                I32TruncF64S { d, s } => { un_trap!(fp; d, s, f64, i32_trunc_s) }
                #[cfg(feature = "float")]
                I32TruncF64U { d, s } => { un_trap!(fp; d, s, f64, i32_trunc_u) }
                #[cfg(feature = "float")]
                I64TruncF32S { d, s } => { un_trap!(fp; d, s, f32, |x: f32| i64_trunc_s(x as f64)) }
                #[cfg(feature = "float")]
                I64TruncF32U { d, s } => { un_trap!(fp; d, s, f32, |x: f32| i64_trunc_u(x as f64)) }
                #[cfg(feature = "float")]
                I64TruncF64S { d, s } => { un_trap!(fp; d, s, f64, i64_trunc_s) }
                #[cfg(feature = "float")]
                I64TruncF64U { d, s } => { un_trap!(fp; d, s, f64, i64_trunc_u) }
                #[cfg(feature = "float")]
                I32TruncSatF32S { d, s } => { un!(fp; d, s, f32, |x: f32| i32_trunc_sat_s(x as f64)) }
                #[cfg(feature = "float")]
                I32TruncSatF32U { d, s } => { un!(fp; d, s, f32, |x: f32| i32_trunc_sat_u(x as f64)) }
                #[cfg(feature = "float")]
                I32TruncSatF64S { d, s } => { un!(fp; d, s, f64, i32_trunc_sat_s) }
                #[cfg(feature = "float")]
                I32TruncSatF64U { d, s } => { un!(fp; d, s, f64, i32_trunc_sat_u) }
                #[cfg(feature = "float")]
                I64TruncSatF32S { d, s } => { un!(fp; d, s, f32, |x: f32| i64_trunc_sat_s(x as f64)) }
                #[cfg(feature = "float")]
                I64TruncSatF32U { d, s } => { un!(fp; d, s, f32, |x: f32| i64_trunc_sat_u(x as f64)) }
                #[cfg(feature = "float")]
                I64TruncSatF64S { d, s } => { un!(fp; d, s, f64, i64_trunc_sat_s) }
                #[cfg(feature = "float")]
                I64TruncSatF64U { d, s } => { un!(fp; d, s, f64, i64_trunc_sat_u) }
                #[cfg(feature = "float")]
                F32ConvertI32S { d, s } => { un!(fp; d, s, i32, |x: i32| x as f32) }
                #[cfg(feature = "float")]
                F32ConvertI32U { d, s } => { un!(fp; d, s, u32, |x: u32| x as f32) }
                #[cfg(feature = "float")]
                F32ConvertI64S { d, s } => { un!(fp; d, s, i64, |x: i64| x as f32) }
                #[cfg(feature = "float")]
                F32ConvertI64U { d, s } => { un!(fp; d, s, u64, |x: u64| x as f32) }
                #[cfg(feature = "float")]
                F64ConvertI32S { d, s } => { un!(fp; d, s, i32, |x: i32| x as f64) }
                #[cfg(feature = "float")]
                F64ConvertI32U { d, s } => { un!(fp; d, s, u32, |x: u32| x as f64) }
                #[cfg(feature = "float")]
                F64ConvertI64S { d, s } => { un!(fp; d, s, i64, |x: i64| x as f64) }
                #[cfg(feature = "float")]
                F64ConvertI64U { d, s } => { un!(fp; d, s, u64, |x: u64| x as f64) }
                #[cfg(feature = "float")]
                F32DemoteF64 { d, s } => { un!(fp; d, s, f64, |x: f64| x as f32) }
                #[cfg(feature = "float")]
                F64PromoteF32 { d, s } => { un!(fp; d, s, f32, |x: f32| x as f64) }
        }
    };
}

/// The portable backend.
#[cfg(not(threaded))]
macro_rules! gen_loop {
    ([$pc:ident, $fp:ident, $ctx:ident, $m:ident, $mb:ident, $ml:ident]
     $( $(#[$attr:meta])* $name:ident $({ $($f:ident),* $(,)? })? => $body:block )*) => {
        impl Machine<'_> {
            #[inline(never)]
            #[allow(unused_assignments, unused_mut)]
            pub(crate) unsafe fn run_loop(
                &mut self,
                ctx0: *const InstCtx,
                pc0: *const Op,
                fp0: *mut Cell,
            ) -> Result<(), Stop> {
                let $m = self;
                let mut $ctx = ctx0;
                let mut $pc = pc0;
                let mut $fp = fp0;
                $m.ctx = $ctx;
                let (mut $mb, mut $ml) = $m.memory_view($ctx);
                loop {
                    let op = $pc;
                    $pc = $pc.add(1);
                    match *op {
                        $( $(#[$attr])* Op::$name $({ $($f),* })? => $body )*
                    }
                }
            }
        }
    };
}

#[cfg(not(threaded))]
handler_table!(gen_loop);

#[cfg(threaded)]
pub(crate) use threaded::{handler_of, TInstr};

/// The threaded backend.
#[cfg(threaded)]
mod threaded {
    use super::*;

    pub(crate) type Handler =
        unsafe fn(*const TInstr, *mut Cell, *mut Machine<'static>, *mut u8) -> usize;

    /// One instruction of threaded code: its handler and its operands.
    #[derive(Clone, Copy)]
    #[repr(C)]
    pub struct TInstr {
        pub handler: Handler,
        pub op: Op,
    }

    impl CodeUnit for TInstr {
        #[inline(always)]
        fn start(f: &CompiledFunc) -> *const TInstr {
            f.threaded.as_ptr()
        }
    }

    macro_rules! gen_threaded {
        ([$pc:ident, $fp:ident, $ctx:ident, $m:ident, $mb:ident, $ml:ident]
         $( $(#[$attr:meta])* $name:ident $({ $($f:ident),* $(,)? })? => $body:block )*) => {
            $(
                $(#[$attr])*
                // The closure gives handler bodies a `Result` context for `?` and early `return`.
                #[allow(non_snake_case, unused_assignments, unused_mut, unused_variables, unreachable_code)]
                #[allow(clippy::redundant_closure_call)]
                unsafe fn $name(
                    ip: *const TInstr,
                    fp_in: *mut Cell,
                    mp: *mut Machine<'static>,
                    mem_in: *mut u8,
                ) -> usize {
                    let Op::$name $({ $($f),* })? = (*ip).op else {
                        // SAFETY: the handler was chosen for this instruction.
                        core::hint::unreachable_unchecked()
                    };
                    let $m = &mut *mp;
                    let mut $pc: *const TInstr = ip.add(1);
                    let mut $fp = fp_in;
                    let mut $ctx = $m.ctx;
                    let mut $mb = mem_in;
                    let mut $ml = $m.mem_len;
                    let flow: Result<(), Stop> = (|| {
                        $body
                        Ok(())
                    })();
                    match flow {
                        // In optimised builds this call is a jump (a sibling call).
                        Ok(()) => ((*$pc).handler)($pc, $fp, mp, $mb),
                        Err(stop) => (*mp).stop(stop),
                    }
                }
            )*

            /// The handler that executes `op`.
            pub(crate) fn handler_of(op: &Op) -> Handler {
                match op {
                    $( $(#[$attr])* Op::$name { .. } => $name, )*
                }
            }
        };
    }

    handler_table!(gen_threaded);
}
