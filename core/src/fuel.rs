//! The fuel cost model, defined once for every engine.
//!
//! Fuel is a budget of units; executing Wasm consumes them, one unit per instruction
//! (every operator, `block`, `else`, `end` and `nop` included). Engines do not count
//! instruction by instruction: a function body is cut into *segments*, and a segment's
//! whole cost is charged when execution enters it. A segment starts at the function's
//! entry and right after each instruction that [`ends_segment`] (the control transfers
//! and the labels branches land on), so every branch target starts a segment and
//! straight-line code between two of them is charged with one comparison.
//!
//! Consequences, the same on every engine (interpreter, `mote::aot`, `mote::bare`):
//! - A branch does not pay for the instructions it skips, and a `br` to a block's label
//!   does not pay for the `end` it jumps past (the fall-through path does).
//! - When the remaining fuel is below a segment's cost the engine traps with
//!   [`Trap::OutOfFuel`](crate::Trap::OutOfFuel) ("all fuel consumed") *before*
//!   consuming anything: the remaining fuel is unchanged, so the embedder can add fuel
//!   and call again.
//! - A segment is paid in full on entry, so when a callee traps, the rest of the caller's
//!   segment after the call was already charged.
//! - Calls cost one unit (the `call` instruction) in the caller; the callee pays its own
//!   segments. Host functions cost nothing beyond their `call`.

use crate::operators::Operator;

/// Whether `op` is the last instruction of a segment: the next instruction (if any) is
/// a branch target or follows a control transfer, so it starts a new segment.
///
/// `block` and calls do not end segments: nothing branches to the instruction after a
/// `block`, and a call returns to the instruction after it.
pub fn ends_segment(op: &Operator<'_>) -> bool {
    use Operator as O;
    matches!(
        op,
        O::Loop { .. }
            | O::If { .. }
            | O::Else
            | O::End
            | O::Br { .. }
            | O::BrIf { .. }
            | O::BrTable { .. }
            | O::Return
            | O::Unreachable
    )
}

/// Counts the instructions of the current segment as a translator reads them.
#[derive(Debug, Default, Clone, Copy)]
pub struct SegmentCounter {
    units: u32,
}

impl SegmentCounter {
    /// Counts `op`; when it ends the segment, returns the segment's cost and starts the
    /// next segment at zero.
    pub fn count(&mut self, op: &Operator<'_>) -> Option<u32> {
        self.units = self.units.saturating_add(1);
        if ends_segment(op) {
            Some(core::mem::take(&mut self.units))
        } else {
            None
        }
    }
}

/// The segments of defined function `defined_index`, for translators that must know a
/// segment's cost where it starts: the index (in body order, from 0) of each segment's
/// last instruction. Segment `k` starts after instruction `ends[k - 1]` (at 0 for the
/// first) and costs `ends[k] - ends[k - 1]` units (`ends[0] + 1` for the first).
pub fn segment_ends(
    module: &crate::Module,
    defined_index: u32,
) -> Result<alloc::vec::Vec<u32>, alloc::boxed::Box<crate::ModuleError>> {
    let mut ends = alloc::vec::Vec::new();
    let mut reader = module.instructions(defined_index);
    let mut index = 0u32;
    while !reader.eof() {
        if ends_segment(&reader.read()?) {
            ends.push(index);
        }
        index += 1;
    }
    Ok(ends)
}

/// The cost of segment `k` of a function whose segments end at `ends`
/// (see [`segment_ends`]).
pub fn segment_cost(ends: &[u32], k: usize) -> u32 {
    match k {
        0 => ends[0] + 1,
        _ => ends[k] - ends[k - 1],
    }
}
