//! The `.aot` file format (one definition for writer and reader).
pub mod reloc;
