//! The portable backend: one loop over `Op`s, one `match` arm per instruction.

use super::*;
use crate::exec::InstCtx;

macro_rules! define_loop {
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
        impl Machine<'_> {
            /// Runs code from `pc0` in the frame at `fp0` until the outermost frame returns.
            ///
            /// # Safety
            /// As for `Machine::run`: `ctx0` is a live context of this machine, `pc0` the
            /// start of one of its instance's compiled functions, and that function's
            /// `frame_size` slots from `fp0` lie inside the stack.
            #[inline(never)]
            #[allow(unused_assignments, unused_mut, clippy::redundant_closure_call)]
            pub(crate) unsafe fn run_loop(
                &mut self,
                ctx0: *const InstCtx,
                pc0: *const Op,
                fp0: *mut Cell,
            ) -> Result<(), Stop> {
                // SAFETY: the invariants `run_loop`'s callers establish (see its
                // `# Safety`) and the translator guarantees: `pc` stays inside the
                // running function's code (it ends in a return; branch offsets target
                // its instructions), every slot an instruction names is below the
                // function's `frame_size` (so `rd`/`wr` stay in the frame that `enter`
                // reserved), and `mem_base`/`mem_len` describe the running instance's
                // memory as `memory_view` last read it.
                unsafe {
                let $m = self;
                let mut $ctx = ctx0;
                let mut $pc = pc0;
                let mut $fp = fp0;
                $m.ctx = $ctx;
                let (mut $mem_base, mut $mem_len) = $m.memory_view($ctx);
                // The loop, once; expanded bare or in a closure (below).
                macro_rules! dispatch {
                    () => {
                        loop {
                            let op = $pc;
                            $pc = $pc.add(1);
                            match *op {
                                $(
                                    Op::$name $({ $($field),* })? => semantics!(
                                        $form
                                        [$pc, $fp, $ctx, $m, $mem_base, $mem_len]
                                        [$($($field),*)?]
                                        $semantics
                                    ),
                                )*
                            }
                        }
                    };
                }
                // With backtraces, in a closure so that a trap (a `return` or `?` in a
                // handler, which leaves the closure) still finds `pc` one past the
                // trapping instruction: no handler traps after moving `pc`. Called once
                // and inlined, so the loop's state stays in registers.
                #[cfg(feature = "backtrace")]
                {
                    let flow = (|| dispatch!())();
                    if let Err(Stop::Trap(_)) = flow {
                        $m.trap_pc = $pc.sub(1).cast();
                    }
                    flow
                }
                #[cfg(not(feature = "backtrace"))]
                dispatch!()
                }
            }
        }
    };
}

crate::ops::for_each_op!(define_loop);
