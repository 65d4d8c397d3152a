//! The threaded backend: one function per instruction, each ending in a call of the next
//! instruction's handler that optimised builds compile to a jump.

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

macro_rules! define_threaded {
    (
        [$pc:ident, $fp:ident, $ctx:ident, $m:ident, $mem_base:ident, $mem_len:ident]
        $(
            $(#[doc = $doc:literal])*
            $name:ident $({ $($field:ident: $type:ident),* })?
            $(writes $result:ident)?
            $(branches $offset:ident)?
            => $form:ident $semantics:tt;
        )*
    ) => {
        $(
            $(#[doc = $doc])*
            // The closure gives handler bodies a `Result` context for `?` and early `return`.
            #[allow(non_snake_case, unused_assignments, unused_mut, unused_variables)]
            #[allow(unreachable_code, clippy::redundant_closure_call)]
            unsafe fn $name(
                ip: *const TInstr,
                fp_in: *mut Cell,
                mp: *mut Machine<'static>,
                mem_in: *mut u8,
            ) -> usize {
                // SAFETY: the threaded-code invariants this backend relies on, established
                // by the translator and `Machine::enter`: `ip` points into the running
                // function's threaded code, which ends in a return, so `ip.add(1)` and
                // every branch target stay inside it; `fp` is the frame of that function
                // with `frame_size` slots reserved, and every slot an instruction names
                // is below its `frame_size` (so `rd`/`wr` stay in the frame); `mp` is the
                // machine running this code, alone in using it; `mem_in` and
                // `mem_len` describe the running instance's memory as `memory_view` last
                // read it (every handler that can move it refreshes them).
                unsafe {
                let Op::$name $({ $($field),* })? = (*ip).op else {
                    // SAFETY: the handler was chosen for this instruction.
                    core::hint::unreachable_unchecked()
                };
                let $m = &mut *mp;
                let mut $pc: *const TInstr = ip.add(1);
                let mut $fp = fp_in;
                let mut $ctx = $m.ctx;
                let mut $mem_base = mem_in;
                let mut $mem_len = $m.mem_len;
                let flow: Result<(), Stop> = (|| {
                    semantics!(
                        $form
                        [$pc, $fp, $ctx, $m, $mem_base, $mem_len]
                        [$($($field),*)?]
                        $semantics
                    );
                    Ok(())
                })();
                match flow {
                    // In optimised builds this call is a jump (a sibling call).
                    Ok(()) => ((*$pc).handler)($pc, $fp, mp, $mem_base),
                    // No handler traps after moving `pc`: it is one past the trapping
                    // instruction (what a backtrace starts from).
                    Err(stop) => (*mp).stop(stop, $pc.sub(1).cast()),
                }
                }
            }
        )*

        /// The handler that executes `op`.
        pub(crate) fn handler_of(op: &Op) -> Handler {
            match op {
                $(Op::$name { .. } => $name,)*
            }
        }
    };
}

crate::ops::for_each_op!(define_threaded);
