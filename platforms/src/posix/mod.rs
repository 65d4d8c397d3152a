//! POSIX (Linux) implementations for the AOT runtime: W^X executable memory, guard-page
//! linear memory reservations, and faults turned into traps.
pub mod exec;
pub mod reservation;
pub mod trap;
#[cfg(feature = "wasi")]
pub mod wasi;

pub use exec::{page_size, ExecRegion, OsError, Protection};
pub use reservation::{Reservation, GUARD_RESERVATION};

#[cfg(test)]
mod tests;
