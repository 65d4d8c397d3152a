//! `poll_oneoff`: waiting for clocks and for descriptors to become readable or writable.

use alloc::rc::Rc;
use alloc::vec::Vec;

use super::Args;
use crate::wasi::ctx::WasiCtx;
use crate::wasi::errno::{Errno, WasiResult};
use crate::wasi::guest::GuestMemory;
use crate::wasi::host::{PollFd, Readiness, WasiFile};
use crate::wasi::types::ClockId;

const SUBSCRIPTION_SIZE: u32 = 48;
const EVENT_SIZE: usize = 32;
const EVENTTYPE_CLOCK: u8 = 0;
const EVENTTYPE_FD_READ: u8 = 1;
const EVENTTYPE_FD_WRITE: u8 = 2;
const SUBCLOCKFLAGS_ABSTIME: u16 = 1;
const EVENTRWFLAGS_HANGUP: u16 = 1;

struct ClockSub {
    userdata: u64,
    /// Nanoseconds from now until it fires.
    remaining: u64,
}

struct FdSub {
    userdata: u64,
    file: Rc<dyn WasiFile>,
    write: bool,
}

/// `poll_oneoff(in, out, nsubscriptions, nevents)`.
pub fn poll_oneoff(ctx: &mut WasiCtx, mem: &mut GuestMemory<'_>, a: &Args) -> WasiResult<()> {
    let (subs_ptr, events_ptr, nsubs, nevents_ptr) = (a.u32(0), a.u32(1), a.u32(2), a.u32(3));
    if nsubs == 0 {
        return Err(Errno::Inval);
    }
    let subs = mem.slice(
        subs_ptr,
        nsubs.checked_mul(SUBSCRIPTION_SIZE).ok_or(Errno::Fault)?,
    )?;
    let mut clocks = Vec::new();
    let mut fds = Vec::new();
    for sub in subs.chunks_exact(SUBSCRIPTION_SIZE as usize) {
        let userdata = u64_at(sub, 0);
        match sub[8] {
            EVENTTYPE_CLOCK => {
                let clock = ClockId::decode(u32_at(sub, 16))?;
                let timeout = u64_at(sub, 24);
                let flags = u16::from_le_bytes([sub[40], sub[41]]);
                let remaining = if flags & SUBCLOCKFLAGS_ABSTIME != 0 {
                    timeout.saturating_sub(ctx.host.clock_time(clock)?)
                } else {
                    timeout
                };
                clocks.push(ClockSub {
                    userdata,
                    remaining,
                });
            }
            kind @ (EVENTTYPE_FD_READ | EVENTTYPE_FD_WRITE) => {
                let file = ctx.fds.get(u32_at(sub, 16))?.file.clone();
                fds.push(FdSub {
                    userdata,
                    file,
                    write: kind == EVENTTYPE_FD_WRITE,
                });
            }
            _ => return Err(Errno::Inval),
        }
    }
    let timeout = clocks.iter().map(|c| c.remaining).min();
    let mut events = Vec::new();
    if fds.is_empty() {
        let nanos = timeout.unwrap_or(0);
        if nanos > 0 && !ctx.host.can_sleep() {
            return Err(Errno::NotSup);
        }
        ctx.host.sleep(nanos);
    } else {
        let mut polls: Vec<PollFd<'_>> = fds
            .iter()
            .map(|s| PollFd {
                file: &*s.file,
                write: s.write,
                ready: None,
            })
            .collect();
        ctx.host.poll(&mut polls, timeout)?;
        for (sub, poll) in fds.iter().zip(&polls) {
            if let Some(ready) = poll.ready {
                events.push(fd_event(sub, ready));
            }
        }
    }
    // Nothing became ready, so the earliest clock (and any due with it) fired.
    if events.is_empty() {
        for clock in clocks.iter().filter(|c| Some(c.remaining) == timeout) {
            events.push(event(clock.userdata, None, EVENTTYPE_CLOCK, 0, 0));
        }
    }
    for (i, ev) in events.iter().enumerate() {
        mem.write_bytes(events_ptr.wrapping_add((i * EVENT_SIZE) as u32), ev)?;
    }
    mem.write_u32(nevents_ptr, events.len() as u32)
}

fn fd_event(sub: &FdSub, ready: Readiness) -> [u8; EVENT_SIZE] {
    let kind = if sub.write {
        EVENTTYPE_FD_WRITE
    } else {
        EVENTTYPE_FD_READ
    };
    let flags = if ready.hangup { EVENTRWFLAGS_HANGUP } else { 0 };
    event(sub.userdata, ready.error, kind, ready.nbytes, flags)
}

fn event(
    userdata: u64,
    error: Option<Errno>,
    kind: u8,
    nbytes: u64,
    flags: u16,
) -> [u8; EVENT_SIZE] {
    let mut ev = [0u8; EVENT_SIZE];
    ev[0..8].copy_from_slice(&userdata.to_le_bytes());
    ev[8..10].copy_from_slice(&(error.unwrap_or(Errno::Success) as u16).to_le_bytes());
    ev[10] = kind;
    ev[16..24].copy_from_slice(&nbytes.to_le_bytes());
    ev[24..26].copy_from_slice(&flags.to_le_bytes());
    ev
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

fn u64_at(b: &[u8], at: usize) -> u64 {
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(&b[at..at + 8]);
    u64::from_le_bytes(bytes)
}
