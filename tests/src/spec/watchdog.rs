//! Says where a run is stuck. An engine that loops forever cannot be stopped from
//! outside its thread, but the report can at least name the directive, instead of
//! `cargo test` hanging without a word.

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long one directive may run before the watchdog speaks up.
const PATIENCE: Duration = Duration::from_secs(60);
const POLL: Duration = Duration::from_millis(500);

struct Position {
    file: String,
    line: usize,
    since: Instant,
    reported: bool,
}

/// What each worker is running now.
pub struct Watchdog {
    slots: Vec<Mutex<Option<Position>>>,
    done: AtomicBool,
}

impl Watchdog {
    pub fn new(workers: usize) -> Watchdog {
        Watchdog {
            slots: (0..workers).map(|_| Mutex::new(None)).collect(),
            done: AtomicBool::new(false),
        }
    }

    /// Worker `worker` starts the directive at `file:line`.
    pub fn at(&self, worker: usize, file: &str, line: usize) {
        let mut slot = self.slots[worker].lock().unwrap_or_else(|e| e.into_inner());
        *slot = Some(Position {
            file: file.to_string(),
            line,
            since: Instant::now(),
            reported: false,
        });
    }

    /// Worker `worker` is between scripts.
    pub fn idle(&self, worker: usize) {
        *self.slots[worker].lock().unwrap_or_else(|e| e.into_inner()) = None;
    }

    pub fn finish(&self) {
        self.done.store(true, Ordering::Relaxed);
    }

    /// Polls until [`Watchdog::finish`]; reports each directive that overstays once.
    /// Writes to the process's stderr directly so the test harness cannot swallow it.
    pub fn watch(&self) {
        while !self.done.load(Ordering::Relaxed) {
            std::thread::sleep(POLL);
            for slot in &self.slots {
                let mut slot = slot.lock().unwrap_or_else(|e| e.into_inner());
                if let Some(pos) = slot.as_mut().filter(|p| !p.reported) {
                    if pos.since.elapsed() >= PATIENCE {
                        pos.reported = true;
                        let _ = writeln!(
                            std::io::stderr(),
                            "spec: {}:{} has been running for {} s; the engine may be stuck",
                            pos.file,
                            pos.line,
                            PATIENCE.as_secs()
                        );
                    }
                }
            }
        }
    }
}
