//! Dispatch: every handler is declared once, in the instruction table (`ops/`), and
//! generated into one of two backends:
//!
//! - `loop`/`match` (`portable.rs`): a loop over `Op`s with a jump table;
//! - threaded (`threaded.rs`): each instruction carries its handler's address and every
//!   handler ends by calling the next one. The handlers share one signature with few
//!   arguments (instruction pointer, frame pointer, machine, memory base), so in
//!   optimised builds LLVM turns that call into a jump: no central dispatch, one indirect
//!   branch per handler for the predictor to learn. Unoptimised builds would grow the
//!   native stack with every instruction, so they use the loop (see `THREADED` in lib.rs).
//!
//! Each backend binds the machine state (`pc`, `fp`, `ctx`, `m`, `mem_base`, `mem_len`)
//! under the names the table hands it, and expands every entry's semantics with
//! `semantics!`. This module holds what both backends share: the semantic forms and the
//! control-flow steps that handler bodies use (calls, returns, memory refresh).

// What handler bodies name; the backends import it all from here.
use core::ptr;

use mote_core::runtime::instance::{self, Instance};
use mote_core::types::saturate_u32;
use mote_core::{Cell, Trap};

#[cfg(any(feature = "multi-memory", feature = "memory64"))]
use crate::access;
use crate::code::{CompiledFunc, Op};
use crate::exec::{from_imm, rd, wr, Callee, Machine, Stop};
#[allow(unused_imports)]
use crate::numeric::*;

/// Expands an entry's semantics into its handler body:
/// `semantics!(FORM [STATE] [FIELDS] (ARGS))`. `FIELDS` are the instruction's operands
/// in declaration order; each form documents which it expects.
macro_rules! semantics {
    // The handler written out in the table.
    (handler $state:tt $fields:tt $body:tt) => {
        $body
    };
    // [result, lhs, rhs]: `result = f(lhs, rhs)`, operands read as `$t`.
    (binary [$pc:ident, $fp:ident, $ctx:ident, $m:ident, $mem_base:ident, $mem_len:ident]
        [$result:ident, $lhs:ident, $rhs:ident] ($t:ty, $f:expr)) => {{
        let x: $t = rd($fp, $lhs);
        let y: $t = rd($fp, $rhs);
        wr($fp, $result, $f(x, y));
    }};
    // [result, lhs, imm]: `result = f(lhs, imm)`, the immediate sign-extended to `$t`.
    (binary_imm [$pc:ident, $fp:ident, $ctx:ident, $m:ident, $mem_base:ident, $mem_len:ident]
        [$result:ident, $lhs:ident, $imm:ident] ($t:ty, $f:expr)) => {{
        let x: $t = rd($fp, $lhs);
        let y: $t = from_imm($imm);
        wr($fp, $result, $f(x, y));
    }};
    // [result, lhs, rhs]: `result = f(lhs, rhs)?`, for operations that can trap.
    (binary_trap [$pc:ident, $fp:ident, $ctx:ident, $m:ident, $mem_base:ident, $mem_len:ident]
        [$result:ident, $lhs:ident, $rhs:ident] ($t:ty, $f:expr)) => {{
        let x: $t = rd($fp, $lhs);
        let y: $t = rd($fp, $rhs);
        wr($fp, $result, $f(x, y)?);
    }};
    // [result, lhs, imm]: `result = f(lhs, imm)?`.
    (binary_trap_imm
        [$pc:ident, $fp:ident, $ctx:ident, $m:ident, $mem_base:ident, $mem_len:ident]
        [$result:ident, $lhs:ident, $imm:ident] ($t:ty, $f:expr)) => {{
        let x: $t = rd($fp, $lhs);
        let y: $t = from_imm($imm);
        wr($fp, $result, $f(x, y)?);
    }};
    // [result, value]: `result = f(value)`.
    (unary [$pc:ident, $fp:ident, $ctx:ident, $m:ident, $mem_base:ident, $mem_len:ident]
        [$result:ident, $value:ident] ($t:ty, $f:expr)) => {{
        let x: $t = rd($fp, $value);
        wr($fp, $result, $f(x));
    }};
    // [result, value]: `result = f(value)?`.
    (unary_trap [$pc:ident, $fp:ident, $ctx:ident, $m:ident, $mem_base:ident, $mem_len:ident]
        [$result:ident, $value:ident] ($t:ty, $f:expr)) => {{
        let x: $t = rd($fp, $value);
        wr($fp, $result, $f(x)?);
    }};
    // [lhs, rhs, offset]: jumps by `offset` when `lhs OP rhs`.
    (branch_cmp [$pc:ident, $fp:ident, $ctx:ident, $m:ident, $mem_base:ident, $mem_len:ident]
        [$lhs:ident, $rhs:ident, $offset:ident] ($t:ty, $op:tt)) => {{
        let x: $t = rd($fp, $lhs);
        let y: $t = rd($fp, $rhs);
        if x $op y {
            $pc = $pc.offset($offset as isize);
        }
    }};
    // [lhs, imm, offset]: jumps by `offset` when `lhs OP imm`.
    (branch_cmp_imm
        [$pc:ident, $fp:ident, $ctx:ident, $m:ident, $mem_base:ident, $mem_len:ident]
        [$lhs:ident, $imm:ident, $offset:ident] ($t:ty, $op:tt)) => {{
        let x: $t = rd($fp, $lhs);
        let y: $t = from_imm($imm);
        if x $op y {
            $pc = $pc.offset($offset as isize);
        }
    }};
    // [result, address, static_offset]: reads a `$raw` and widens it to `$t`.
    (load [$pc:ident, $fp:ident, $ctx:ident, $m:ident, $mem_base:ident, $mem_len:ident]
        [$result:ident, $address:ident, $static_offset:ident] ($raw:ty, $t:ty)) => {{
        let p = effective_address!(
            $fp, $mem_base, $mem_len; $address, $static_offset, core::mem::size_of::<$raw>() as u64
        );
        let v = ptr::read_unaligned(p as *const $raw);
        wr::<$t>($fp, $result, v as $t);
    }};
    // [address, value, static_offset]: writes the low bytes of `value` as a `$raw`.
    (store [$pc:ident, $fp:ident, $ctx:ident, $m:ident, $mem_base:ident, $mem_len:ident]
        [$address:ident, $value:ident, $static_offset:ident] ($raw:ty)) => {{
        let p = effective_address!(
            $fp, $mem_base, $mem_len; $address, $static_offset, core::mem::size_of::<$raw>() as u64
        );
        let v: u64 = rd($fp, $value);
        ptr::write_unaligned(p as *mut $raw, v as $raw);
    }};
}

/// The host address of an access of `$n` bytes at `address + static_offset`, or an
/// out-of-bounds trap.
macro_rules! effective_address {
    ($fp:ident, $mem_base:ident, $mem_len:ident;
     $address:ident, $static_offset:ident, $n:expr) => {{
        let ea = rd::<u32>($fp, $address) as u64 + $static_offset as u64;
        if ea + $n > $mem_len {
            return Err(Trap::MemoryOutOfBounds.into());
        }
        $mem_base.add(ea as usize)
    }};
}

/// Reloads the base and length of the running instance's memory.
macro_rules! refresh_memory {
    ($ctx:ident, $m:ident, $mem_base:ident, $mem_len:ident) => {
        ($mem_base, $mem_len) = $m.memory_view($ctx);
    };
}

/// Enters a function of this instance (module-local defined index).
macro_rules! call_local {
    ($pc:ident, $fp:ident, $ctx:ident, $m:ident; $defined:expr, $args:ident) => {{
        let f = (*(*$ctx).code).get(&*(*$ctx).module, $defined)? as *const CompiledFunc;
        let new_fp = $fp.add($args as usize);
        $m.enter(&*f, new_fp, $pc.cast(), $fp, $ctx)?;
        $fp = new_fp;
        $pc = code_start(&*f);
    }};
}

/// Calls a function of another instance or of the host.
macro_rules! call_addr {
    ($pc:ident, $fp:ident, $ctx:ident, $m:ident, $mem_base:ident, $mem_len:ident;
     $addr:expr, $args:ident) => {{
        let args = $fp.add($args as usize);
        match $m.call_external($addr, (*$ctx).addr, args)? {
            None => {
                refresh_memory!($ctx, $m, $mem_base, $mem_len);
            }
            Some((callee_ctx, f)) => {
                $m.enter(&*f, args, $pc.cast(), $fp, $ctx)?;
                $ctx = callee_ctx;
                $m.ctx = $ctx;
                $fp = args;
                $pc = code_start(&*f);
                refresh_memory!($ctx, $m, $mem_base, $mem_len);
            }
        }
    }};
}

/// Tail-calls a function of this instance (module-local defined index): its frame
/// replaces the running one, so the frame records and the value stack stay as they are.
macro_rules! tail_call_local {
    ($pc:ident, $fp:ident, $ctx:ident, $m:ident; $defined:expr, $args:ident) => {{
        let f = $m.tail_enter($ctx, $defined, $fp, $fp.add($args as usize))?;
        $pc = code_start(&*f);
    }};
}

/// Returns to the caller's frame (results are in slots 0..n already).
macro_rules! ret {
    ($pc:ident, $fp:ident, $ctx:ident, $m:ident, $mem_base:ident, $mem_len:ident) => {{
        let Some(frame) = $m.frames.pop() else {
            return Err(Stop::Done);
        };
        $pc = frame.ret_pc.cast();
        $fp = frame.fp;
        $ctx = frame.ctx;
        $m.ctx = $ctx;
        // The callee may have grown a memory this instance uses.
        refresh_memory!($ctx, $m, $mem_base, $mem_len);
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

// After the macros, which the backends use.
#[cfg(not(threaded))]
mod portable;
#[cfg(threaded)]
mod threaded;

#[cfg(threaded)]
pub(crate) use threaded::{handler_of, TInstr};
