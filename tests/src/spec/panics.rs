//! Turns engine panics into per-directive failures.
//!
//! A panic inside the engine must not stop the run, and thousands of them must not flood
//! stderr with the default hook's report. While [`catch`] runs, the hook stays silent and
//! records the message with its location instead, so the failure line can say where the
//! engine panicked.

use std::any::Any;
use std::cell::{Cell, RefCell};
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

thread_local! {
    /// Set while this thread runs inside [`catch`]; panics elsewhere report as usual.
    static CATCHING: Cell<bool> = const { Cell::new(false) };
    /// The last panic caught on this thread, as "message (at file:line)".
    static LAST: RefCell<Option<String>> = const { RefCell::new(None) };
}

static INSTALL: Once = Once::new();

fn install_hook() {
    INSTALL.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if CATCHING.with(Cell::get) {
                let mut msg = payload_message(info.payload());
                if let Some(loc) = info.location() {
                    msg = format!("{msg} (at {}:{})", loc.file(), loc.line());
                }
                LAST.with(|last| *last.borrow_mut() = Some(msg));
            } else {
                previous(info);
            }
        }));
    });
}

fn payload_message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "panic with a non-string payload".to_string()
    }
}

/// Runs `f`; a panic becomes `Err` with the panic message and location.
pub fn catch<R>(f: impl FnOnce() -> R) -> Result<R, String> {
    install_hook();
    let was_catching = CATCHING.with(|c| c.replace(true));
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    CATCHING.with(|c| c.set(was_catching));
    result.map_err(|payload| {
        LAST.with(|last| last.borrow_mut().take())
            .unwrap_or_else(|| payload_message(payload.as_ref()))
    })
}
