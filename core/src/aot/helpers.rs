//! Runtime helpers that AOT-compiled code calls, by number. The number is part of the
//! file format (relocations name helpers by it, and XIP code indexes
//! `VmContext::helpers` with it): never renumber, only add, and bump `HELPER_ABI_VERSION`
//! when a signature changes.
//!
//! Every helper takes the `VmContext` pointer first. Helpers that can trap record the trap
//! in `VmContext::trap` and return normally; the generated code checks the slot after the
//! call (see `Helper::can_trap`).

/// Types in helper signatures, as the compiler declares them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AbiType {
    /// `*mut VmContext` or another pointer.
    Ptr,
    I32,
    I64,
    F32,
    F64,
}

/// Changes whenever a helper is added, removed or changes signature; written into the
/// `.aot` header so a file built against other helpers is refused.
pub const HELPER_ABI_VERSION: u32 = 3;

macro_rules! helpers {
    ($( $(#[$doc:meta])* $name:ident = $num:expr, trap: $trap:expr, ($($p:ident),*) -> $ret:tt ; )*) => {
        #[repr(u32)]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Helper {
            $( $(#[$doc])* $name = $num, )*
        }

        impl Helper {
            pub const ALL: &'static [Helper] = &[$(Helper::$name),*];

            pub fn from_u32(n: u32) -> Option<Helper> {
                match n {
                    $( $num => Some(Helper::$name), )*
                    _ => None,
                }
            }

            /// Parameters after the leading `VmContext` pointer.
            pub fn params(self) -> &'static [AbiType] {
                match self {
                    $( Helper::$name => &[$(AbiType::$p),*], )*
                }
            }

            pub fn result(self) -> Option<AbiType> {
                match self {
                    $( Helper::$name => helpers!(@ret $ret), )*
                }
            }

            /// Whether the generated code must check `VmContext::trap` after the call.
            pub fn can_trap(self) -> bool {
                match self {
                    $( Helper::$name => $trap, )*
                }
            }

            /// Symbol name used in the compiler's LLVM module (mapped back to the number
            /// when relocations are converted).
            pub fn symbol(self) -> &'static str {
                match self {
                    $( Helper::$name => concat!("mote_helper_", stringify!($name)), )*
                }
            }

            pub fn from_symbol(name: &str) -> Option<Helper> {
                Self::ALL.iter().copied().find(|h| h.symbol() == name)
            }
        }
    };
    (@ret void) => { None };
    (@ret $t:ident) => { Some(AbiType::$t) };
}

helpers! {
    /// `memory.grow`: (memory, delta pages) -> old size in pages or -1.
    MemoryGrow = 1, trap: false, (I32, I32) -> I32;
    /// `memory.fill`: (memory, dst, value, len).
    MemoryFill = 2, trap: true, (I32, I32, I32, I32) -> void;
    /// `memory.copy`: (dst memory, src memory, dst, src, len).
    MemoryCopy = 3, trap: true, (I32, I32, I32, I32, I32) -> void;
    /// `memory.init`: (memory, data segment, dst, src, len).
    MemoryInit = 4, trap: true, (I32, I32, I32, I32, I32) -> void;
    /// `data.drop`: (data segment).
    DataDrop = 5, trap: false, (I32) -> void;
    /// `table.get`: (table, index) -> reference cell.
    TableGet = 6, trap: true, (I32, I32) -> I64;
    /// `table.set`: (table, index, reference cell).
    TableSet = 7, trap: true, (I32, I32, I64) -> void;
    /// `table.size`: (table) -> size.
    TableSize = 8, trap: false, (I32) -> I32;
    /// `table.grow`: (table, init reference cell, delta) -> old size or -1.
    TableGrow = 9, trap: false, (I32, I64, I32) -> I32;
    /// `table.fill`: (table, index, reference cell, len).
    TableFill = 10, trap: true, (I32, I32, I64, I32) -> void;
    /// `table.copy`: (dst table, src table, dst, src, len).
    TableCopy = 11, trap: true, (I32, I32, I32, I32, I32) -> void;
    /// `table.init`: (table, element segment, dst, src, len).
    TableInit = 12, trap: true, (I32, I32, I32, I32, I32) -> void;
    /// `elem.drop`: (element segment).
    ElemDrop = 13, trap: false, (I32) -> void;
    /// `ref.func`: (function index) -> reference cell.
    RefFunc = 14, trap: false, (I32) -> I64;
    /// Call an imported function: (function index, cells) where cells holds the
    /// arguments on entry and the results on return (max(params, results) cells).
    CallImport = 15, trap: true, (I32, Ptr) -> void;
    /// `call_indirect`: (table, type index, element index, cells) as for CallImport.
    CallIndirect = 16, trap: true, (I32, I32, I32, Ptr) -> void;
    /// Raise a trap: (trap code). Always sets `VmContext::trap`.
    RaiseTrap = 17, trap: true, (I32) -> void;
    /// `return_call_indirect` (added without a version change: earlier files never call
    /// it, and an older runtime refuses a file that does as naming an unknown helper):
    /// (table, type index, element index) -> the callee's index
    /// among the module's defined functions when it is one of this instance's, which
    /// the code then tail-calls directly; else `u32::MAX` (an import or a function of
    /// another instance: the code calls it through `CallIndirect` and returns).
    TailCallIndirect = 18, trap: true, (I32, I32, I32) -> I32;
    /// A frame of a trap's backtrace (added without a version change, like
    /// `TailCallIndirect`): (function index, Wasm offset or `u32::MAX` for none). The
    /// trap's path out of each function calls it once the trap is set: the trapping
    /// function first, with the offset of the instruction that trapped, then each caller
    /// as the trap returns through it, with the offset of its call; so the runtime sees
    /// the call stack innermost first and nothing runs for it until a trap.
    TrapFrame = 19, trap: false, (I32, I32) -> void;
}
