//! The instruction set, declared once. Each instruction is one entry of a table, and
//! everything else about instructions is generated from it: the `Op` enum, its operand
//! metadata and printer (`code.rs`) and both dispatch backends (`dispatch/`).
//!
//! `for_each_op!(callback)` expands to `callback! { [STATE] ENTRY* }`, in the style of
//! wasmi's `for_each_op!`. The entries come from five sub-tables, appended in order:
//! `control` (branches, calls, moves, globals), `memory` (linear memory and tables),
//! `multi_memory` (loads and stores on other memories), `int` (i32 and i64) and `float`
//! (f32, f64 and the conversions that involve floats). The float and multi-memory
//! sub-tables are where those features are gated: built without the feature they add
//! no entries, so no such instruction exists anywhere.
//!
//! An entry:
//!
//! ```text
//! /// Doc line (becomes the variant's doc).
//! Name { field: Type, ... } writes field branches field => FORM;
//! ```
//!
//! - Fields name the operands. Types are single identifiers: `Slot` (a frame slot),
//!   `Offset` (a branch offset), or an immediate (`i32`, `u32`, `u16`). The printer shows
//!   slots as `sN` and offsets signed. Instructions without operands omit the braces.
//! - `writes field` (optional) names the slot the instruction writes its single result to:
//!   the translator retargets it when a `local.set` follows.
//! - `branches field` (optional) names the branch offset, relative to the next
//!   instruction: the translator patches it when the target is placed.
//! - `FORM` is the semantics: either `handler { BODY }`, the handler written out, or a
//!   semantic form such as `binary(i32, i32::wrapping_add)`, which `dispatch::semantics!`
//!   turns into a handler body from the operand fields in declaration order.
//!
//! Handler bodies name the machine state through the table's metavariables `$pc`, `$fp`,
//! `$ctx`, `$m`, `$mem_base` and `$mem_len`; each backend binds them. A body leaves
//! through `Err(Stop)` (`?` or `return`): a trap, or `Done` when the outermost frame
//! returns. Every slot an instruction names is below its function's `frame_size`
//! (see `rd`/`wr` in `exec.rs`).
//!
//! Adding an instruction: one entry here (and its semantic form in `dispatch/mod.rs` if
//! none fits), and the translator arm that emits it.

mod control;
mod float;
mod int;
mod memory;

pub(crate) use control::control_ops;
pub(crate) use float::float_ops;
pub(crate) use int::int_ops;
pub(crate) use memory::{memory_ops, multi_memory_ops};

/// Calls `$callback! { [STATE] ENTRY* }` with every instruction's entry (module docs).
macro_rules! for_each_op {
    ($callback:ident) => {
        $crate::ops::next_table! {
            [control_ops memory_ops multi_memory_ops int_ops float_ops]
            $callback [pc, fp, ctx, m, mem_base, mem_len]
        }
    };
}
pub(crate) use for_each_op;

/// Hands the entries gathered so far to the next sub-table, or to the callback when none
/// is left. The machine-state names travel along so that every sub-table's handler bodies
/// use the very names the backend binds.
macro_rules! next_table {
    ([$next:ident $($rest:ident)*] $callback:ident $state:tt $($entries:tt)*) => {
        $crate::ops::$next! { [$($rest)*] $callback $state $($entries)* }
    };
    ([] $callback:ident $state:tt $($entries:tt)*) => {
        $callback! { $state $($entries)* }
    };
}
pub(crate) use next_table;
