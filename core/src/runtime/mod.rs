//! Runtime objects shared by both engines: the store, instances, the linker and the
//! host-call ABI.

mod linker;
mod memory;
mod store;
mod table;

pub use linker::Linker;
pub use memory::{Memory, MemoryBacking};
pub use store::{
    Caller, Executor, Extern, FuncEntity, FuncKind, Global, HostFunc, InstanceAddr, InstanceData,
    InstantiationError, InvokeError, SigId, Store,
};
pub use table::{Table, MAX_TABLE_ELEMENTS};
