//! The one instance runtime of every engine: memories and tables (wherever their bytes
//! live), the instance rules generic over where an instance lives, the AOT helpers built
//! on them, and — with `alloc` — the hosted store, its linker and the host-call ABI.

pub mod helpers;
pub mod instance;
mod memory;
mod table;

#[cfg(feature = "alloc")]
mod linker;
#[cfg(feature = "alloc")]
mod store;

pub use instance::{Instance, MemoryPair, Pair, SigId, TablePair};
pub use memory::Memory;
#[cfg(feature = "alloc")]
pub use memory::MemoryBacking;
pub use table::{Table, MAX_TABLE_ELEMENTS};

#[cfg(feature = "alloc")]
pub use linker::Linker;
#[cfg(feature = "alloc")]
pub use store::{
    Caller, Executor, Extern, FuncEntity, FuncKind, Global, HostFunc, InstanceAddr, InstanceData,
    InstantiationError, InvokeError, Store, StoreInstance,
};
