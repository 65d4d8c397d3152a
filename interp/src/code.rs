//! The register bytecode: each instruction names frame slots (and immediates) directly,
//! so ordinary arithmetic is one instruction with no operand-stack traffic.

use alloc::boxed::Box;
use core::fmt;

/// A frame-slot index: locals first, then the temporaries of the operand stack.
pub type Slot = u16;

/// Branch offsets are relative to the instruction after the branch.
pub type Offset = i32;

/// Generates `Op`, its operand metadata and its printer from the instruction table
/// (grammar in `ops/mod.rs`).
macro_rules! define_op {
    (
        $state:tt
        $(
            $(#[doc = $doc:literal])*
            $name:ident $({ $($field:ident: $type:ident),* })?
            $(writes $result:ident)?
            $(branches $offset:ident)?
            => $form:ident $semantics:tt;
        )*
    ) => {
        /// One instruction. Kept to 12 bytes: slots are `u16`, immediates `i32`.
        #[derive(Debug, Clone, Copy, PartialEq)]
        pub enum Op {
            $(
                $(#[doc = $doc])*
                $name $({ $($field: $type),* })?,
            )*
        }

        impl Op {
            /// The slot the instruction writes its single result to, if it has one.
            pub fn result(&self) -> Option<Slot> {
                match *self {
                    $(Op::$name { $($result,)? .. } => some_or_none!($($result)?),)*
                }
            }

            /// The result slot, for retargeting a producer when `local.set` follows it.
            pub fn result_mut(&mut self) -> Option<&mut Slot> {
                match self {
                    $(Op::$name { $($result,)? .. } => some_or_none!($($result)?),)*
                }
            }

            /// The offset of a branch instruction, relative to the next instruction.
            pub fn branch_offset(&self) -> Option<Offset> {
                match *self {
                    $(Op::$name { $($offset,)? .. } => some_or_none!($($offset)?),)*
                }
            }

            /// The branch offset, for patching forward branches.
            pub fn branch_offset_mut(&mut self) -> Option<&mut Offset> {
                match self {
                    $(Op::$name { $($offset,)? .. } => some_or_none!($($offset)?),)*
                }
            }
        }

        /// The name and the named operands: `I32AddI result=s2 lhs=s0 imm=7`. Slots print
        /// as `sN`, branch offsets with their sign.
        impl fmt::Display for Op {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match *self {
                    $(
                        Op::$name $({ $($field),* })? => {
                            f.write_str(stringify!($name))?;
                            $($(
                                f.write_str(concat!(" ", stringify!($field), "="))?;
                                operand!(f, $type, $field)?;
                            )*)?
                            Ok(())
                        }
                    )*
                }
            }
        }
    };
}

macro_rules! some_or_none {
    () => {
        None
    };
    ($value:expr) => {
        Some($value)
    };
}

/// Prints one operand by its declared type.
macro_rules! operand {
    ($f:ident, Slot, $value:expr) => {
        write!($f, "s{}", $value)
    };
    ($f:ident, Offset, $value:expr) => {
        write!($f, "{:+}", $value)
    };
    ($f:ident, $other:ident, $value:expr) => {
        write!($f, "{}", $value)
    };
}

// The `Op` enum, its operand metadata and its printer, generated from the instruction
// table (`ops/`).
crate::ops::for_each_op!(define_op);

/// A translated function.
#[derive(Debug)]
pub struct CompiledFunc {
    pub code: Box<[Op]>,
    pub num_params: u32,
    /// Parameters plus declared locals.
    pub num_locals: u32,
    /// Slots the frame needs: locals plus the deepest operand stack. Every slot `code`
    /// names is below it (the slot invariant, at `frame_size` in translate.rs).
    pub frame_size: u32,
    /// `code` as threaded code, for the threaded backend.
    #[cfg(threaded)]
    pub threaded: Box<[crate::dispatch::TInstr]>,
}

#[cfg(threaded)]
impl core::fmt::Debug for crate::dispatch::TInstr {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        self.op.fmt(f)
    }
}

const _: () = assert!(core::mem::size_of::<Op>() <= 12);
