//! AOT: the parts the compiler and the loader share — the `.aot` file format (one
//! definition for writer and reader), relocation kinds, the instance-context layout and
//! the numbered runtime helpers.
pub mod context;
pub mod format;
pub mod helpers;
pub mod meta;
#[cfg(feature = "alloc")]
pub mod object;
pub mod reloc;
