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
            Trap::Exit(_) => "exit",
            Trap::Host(msg) => msg,
        }
    }
}

impl core::fmt::Display for Trap {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Trap::Exit(code) => write!(f, "exit with code {code}"),
            other => f.write_str(other.message()),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for Trap {}
