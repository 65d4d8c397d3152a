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
                let (mut $mem_base, mut $mem_len) = $m.memory_view($ctx);
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
            }
        }
    };
}

crate::ops::for_each_op!(define_loop);
