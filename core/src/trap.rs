//! Traps: one enum for both engines, with the spec's messages.

/// Why execution stopped abnormally. Both engines report the same trap for the same module.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trap {
    Unreachable,
    MemoryOutOfBounds,
    TableOutOfBounds,
    /// `call_indirect` index past the end of the table.
    UndefinedElement,
    /// `call_indirect` through a null table entry.
    UninitializedElement,
    IndirectCallTypeMismatch,
    IntegerDivideByZero,
    IntegerOverflow,
    InvalidConversionToInteger,
    StackExhausted,
    /// The fuel budget (`core::fuel`) is smaller than the next segment's cost.
    OutOfFuel,
    /// The embedder set the instance's interrupt flag.
    Interrupted,
    /// WASI `proc_exit` or an embedder's request to stop with an exit code.
    Exit(i32),
    /// A host function failed; the text says why.
    Host(&'static str),
}

impl Trap {
    pub fn message(&self) -> &'static str {
        match self {
            Trap::Unreachable => "unreachable",
            Trap::MemoryOutOfBounds => "out of bounds memory access",
            Trap::TableOutOfBounds => "out of bounds table access",
            Trap::UndefinedElement => "undefined element",
            Trap::UninitializedElement => "uninitialized element",
            Trap::IndirectCallTypeMismatch => "indirect call type mismatch",
            Trap::IntegerDivideByZero => "integer divide by zero",
            Trap::IntegerOverflow => "integer overflow",
            Trap::InvalidConversionToInteger => "invalid conversion to integer",
            Trap::StackExhausted => "call stack exhausted",
            Trap::OutOfFuel => "all fuel consumed",
            Trap::Interrupted => "execution interrupted",
            Trap::Exit(_) => "exit",
            Trap::Host(msg) => msg,
        }
    }
}

impl Trap {
    /// A non-zero code for the traps generated code can raise itself, as stored in
    /// `VmContext::trap`. `HOST_TRAP_CODE` means the runtime holds the full `Trap`.
    pub fn code(&self) -> usize {
        match self {
            Trap::Unreachable => 1,
            Trap::MemoryOutOfBounds => 2,
            Trap::TableOutOfBounds => 3,
            Trap::UndefinedElement => 4,
            Trap::UninitializedElement => 5,
            Trap::IndirectCallTypeMismatch => 6,
            Trap::IntegerDivideByZero => 7,
            Trap::IntegerOverflow => 8,
            Trap::InvalidConversionToInteger => 9,
            Trap::StackExhausted => 10,
            Trap::OutOfFuel => 11,
            Trap::Interrupted => 12,
            Trap::Exit(_) | Trap::Host(_) => HOST_TRAP_CODE,
        }
    }

    /// The trap for a code generated code stored; `None` for 0 and `HOST_TRAP_CODE`.
    pub fn from_code(code: usize) -> Option<Trap> {
        Some(match code {
            1 => Trap::Unreachable,
            2 => Trap::MemoryOutOfBounds,
            3 => Trap::TableOutOfBounds,
            4 => Trap::UndefinedElement,
            5 => Trap::UninitializedElement,
            6 => Trap::IndirectCallTypeMismatch,
            7 => Trap::IntegerDivideByZero,
            8 => Trap::IntegerOverflow,
            9 => Trap::InvalidConversionToInteger,
            10 => Trap::StackExhausted,
            11 => Trap::OutOfFuel,
            12 => Trap::Interrupted,
            _ => return None,
        })
    }
}

/// `VmContext::trap` value for a trap whose details the runtime keeps (host errors, exit).
pub const HOST_TRAP_CODE: usize = 255;

impl core::fmt::Display for Trap {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Trap::Exit(code) => write!(f, "exit with code {code}"),
            other => f.write_str(other.message()),
        }
    }
}

impl core::error::Error for Trap {}
