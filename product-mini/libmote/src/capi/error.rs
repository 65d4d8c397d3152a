//! `mote_last_error()`: the last failure's message in a static buffer (no heap).

use core::ffi::c_char;
use core::fmt::{self, Write};

use super::Global;

const CAP: usize = 256;

struct Message {
    buf: [u8; CAP],
    len: usize,
}

impl Write for Message {
    /// Keeps what fits (minus the NUL), cut at a character boundary.
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let room = CAP - 1 - self.len;
        let mut n = s.len().min(room);
        while !s.is_char_boundary(n) {
            n -= 1;
        }
        self.buf[self.len..self.len + n].copy_from_slice(&s.as_bytes()[..n]);
        self.len += n;
        Ok(())
    }
}

static LAST: Global<Message> = Global::new(Message {
    buf: [0; CAP],
    len: 0,
});

/// Replaces the message.
pub(crate) fn set(args: fmt::Arguments<'_>) {
    // SAFETY: single-threaded API (see `Global`).
    let m = unsafe { &mut *LAST.get() };
    m.len = 0;
    let _ = m.write_fmt(args);
    m.buf[m.len] = 0;
}

/// Records the message and returns `code`, for `return fail(...)`.
pub(crate) fn fail(code: i32, args: fmt::Arguments<'_>) -> i32 {
    set(args);
    code
}

pub(crate) fn clear() {
    set(format_args!(""));
}

/// The last failure's message, NUL-terminated; valid until the next mote_* call.
#[cfg_attr(feature = "capi", no_mangle)]
pub extern "C" fn mote_last_error() -> *const c_char {
    // SAFETY: only the field's address is taken.
    unsafe { core::ptr::addr_of!((*LAST.get()).buf) }.cast()
}
