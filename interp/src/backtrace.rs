//! A trap's Wasm call stack, built from the machine's frame records once a trap escapes
//! (`Store::trap_backtrace`). Nothing is kept for it while code runs: the trapping
//! instruction is known from the dispatch loop's exit, each caller's from its frame
//! record's return pc, and the Wasm offsets of the few functions on the trace come from
//! translating them again with offsets recorded (`translate_with_offsets`).

use alloc::vec::Vec;

use mote_core::backtrace::{Backtrace, Frame};
use mote_core::module::Module;
use mote_core::Trap;

use crate::code::CompiledFunc;
use crate::exec::{Machine, ModuleCode};
use crate::translate::translate_with_offsets;

/// Offset tables of the functions seen so far: (module, defined index, offsets).
type OffsetCache = Vec<(*const Module, u32, Option<Vec<u32>>)>;

impl Machine<'_> {
    /// Stores the trace of the trap `result` carries, or clears the store's trace.
    pub(crate) fn record_backtrace(&mut self, result: &Result<(), Trap>) {
        self.store.trap_backtrace = match result {
            Err(trap) if !matches!(trap, Trap::Exit(_)) && !self.trap_pc.is_null() => {
                Some(self.backtrace())
            }
            _ => None,
        };
    }

    /// The frames from the trapping instruction out to the outermost call.
    #[cold]
    #[inline(never)]
    fn backtrace(&self) -> Backtrace {
        let mut trace = Backtrace::new();
        let mut cache = OffsetCache::new();
        // The trapping frame runs in `self.ctx` at `trap_pc`; each frame record holds
        // its caller's context and where the caller continues, just past its call.
        let callers = self
            .frames
            .iter()
            .rev()
            .map(|frame| (frame.ctx, frame.ret_pc, 1));
        let stack = core::iter::once((self.ctx, self.trap_pc, 0)).chain(callers);
        for (depth, (ctx, pc, back)) in stack.enumerate() {
            if trace.is_full() {
                trace.omit(self.frames.len() + 1 - depth);
                break;
            }
            // SAFETY: every context in the frame records and `self.ctx` is a box in
            // `self.ctxs`, alive as long as the machine; its module and code are kept
            // alive by the instance.
            let (module, code) = unsafe { (&*(*ctx).module, &*(*ctx).code) };
            if let Some(frame) = locate(module, code, pc, back, &mut cache) {
                let name = module.func_name(frame.func_index);
                trace.push(frame, name);
            }
        }
        trace
    }
}

/// The frame of the instruction `back` units before `pc` in one of `code`'s functions.
fn locate(
    module: &Module,
    code: &ModuleCode,
    pc: *const (),
    back: usize,
    cache: &mut OffsetCache,
) -> Option<Frame> {
    let (defined, unit) = code
        .translated()
        .find_map(|(defined, f)| Some((defined, f.unit_index(pc)?.checked_sub(back)?)))?;
    let key = (module as *const Module, defined);
    let slot = match cache.iter().position(|(m, d, _)| (*m, *d) == key) {
        Some(i) => i,
        None => {
            let offsets = translate_with_offsets(module, defined, code.metering())
                .ok()
                .map(|(_, offsets)| offsets);
            cache.push((key.0, key.1, offsets));
            cache.len() - 1
        }
    };
    Some(Frame {
        func_index: module.num_imported_funcs + defined,
        wasm_offset: cache[slot].2.as_ref().and_then(|o| o.get(unit).copied()),
    })
}

impl CompiledFunc {
    /// The index of the code unit (an `Op` or a threaded instruction, per backend) `pc`
    /// points at, if it is one of this function's.
    fn unit_index(&self, pc: *const ()) -> Option<usize> {
        #[cfg(not(threaded))]
        let units = &self.code[..];
        #[cfg(threaded)]
        let units = &self.threaded[..];
        let offset = (pc as usize).checked_sub(units.as_ptr() as usize)?;
        let index = offset / size_of_unit(units);
        (index < units.len()).then_some(index)
    }
}

fn size_of_unit<T>(_: &[T]) -> usize {
    core::mem::size_of::<T>()
}
