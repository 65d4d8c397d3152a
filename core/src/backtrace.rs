//! Wasm backtraces: the call stack of a trap that escaped, one frame per Wasm function,
//! innermost first, printed in wasmtime's style:
//!
//! ```text
//! wasm backtrace:
//!     0:   0x4a - inner
//!     1:   0x41 - middle
//!     2:   0x38 - func[2]
//! ```
//!
//! Engines build a trace only once a trap happens (docs/diagnostics.md has the costs).
//! [`Frame`] needs no heap, so the no-heap AOT runtime fills a caller's buffer with them;
//! [`Backtrace`] (with `alloc`) also keeps the function names, for hosted stores.

use core::fmt;

/// One Wasm frame of a trap's call stack.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Frame {
    /// The function's index in its module's function space (imports first).
    pub func_index: u32,
    /// Byte offset in the module file of the instruction that trapped (innermost frame)
    /// or of the call the frame is waiting on (callers); `None` when the engine has no
    /// offsets for this code (an `.aot` file compiled without them).
    pub wasm_offset: Option<u32>,
}

/// Frames a trace keeps: enough to read any real trace, few enough that a "call stack
/// exhausted" trap of a deep recursion prints a screenful, not thousands of lines (the
/// rest is counted in [`Backtrace::omitted`]).
pub const MAX_FRAMES: usize = 64;

/// Writes one frame's line: index, offset (blank without one) and name (`func[N]`
/// without a name).
pub fn write_frame(
    f: &mut dyn fmt::Write,
    index: usize,
    frame: &Frame,
    name: Option<&str>,
) -> fmt::Result {
    write!(f, "{index:>5}: ")?;
    match frame.wasm_offset {
        Some(offset) => write!(f, "{offset:#6x} - ")?,
        // Blank, so that the names stay in one column.
        None => f.write_str("         ")?,
    }
    match name {
        Some(name) => writeln!(f, "{name}"),
        None => writeln!(f, "func[{}]", frame.func_index),
    }
}

/// Writes the header and every frame, then the count of frames left out (if any).
pub fn write_backtrace<'n>(
    f: &mut dyn fmt::Write,
    frames: &[Frame],
    omitted: usize,
    name_of: impl Fn(usize) -> Option<&'n str>,
) -> fmt::Result {
    f.write_str("wasm backtrace:\n")?;
    for (index, frame) in frames.iter().enumerate() {
        write_frame(f, index, frame, name_of(index))?;
    }
    if omitted > 0 {
        writeln!(f, "    ... {omitted} more frames")?;
    }
    Ok(())
}

/// A fixed-size trace for runtimes without a heap (the no-heap AOT runtime): the first
/// `N` frames, and a count of the rest.
#[derive(Debug, Clone, Copy)]
pub struct FrameBuffer<const N: usize> {
    frames: [Frame; N],
    len: usize,
    omitted: usize,
}

impl<const N: usize> Default for FrameBuffer<N> {
    fn default() -> Self {
        FrameBuffer {
            frames: [Frame {
                func_index: 0,
                wasm_offset: None,
            }; N],
            len: 0,
            omitted: 0,
        }
    }
}

impl<const N: usize> FrameBuffer<N> {
    pub fn clear(&mut self) {
        self.len = 0;
        self.omitted = 0;
    }

    /// Adds the next outer frame, or counts it when the buffer is full.
    pub fn push(&mut self, frame: Frame) {
        match self.frames.get_mut(self.len) {
            Some(slot) => {
                *slot = frame;
                self.len += 1;
            }
            None => self.omitted = self.omitted.saturating_add(1),
        }
    }

    /// The kept frames, innermost first.
    pub fn frames(&self) -> &[Frame] {
        &self.frames[..self.len]
    }

    /// Frames beyond the kept ones (the trace is truncated when non-zero).
    pub fn omitted(&self) -> usize {
        self.omitted
    }

    /// Every frame seen, kept or only counted.
    pub fn depth(&self) -> usize {
        self.len + self.omitted
    }

    /// Forgets the frames past the first `depth` seen (those of a nested call whose
    /// trap a host function handled).
    pub fn truncate(&mut self, depth: usize) {
        if depth <= self.len {
            self.len = depth;
            self.omitted = 0;
        } else {
            self.omitted = self.omitted.min(depth - self.len);
        }
    }
}

#[cfg(feature = "alloc")]
mod owned {
    use alloc::{string::String, vec::Vec};
    use core::fmt;

    use super::{write_backtrace, Frame, MAX_FRAMES};

    /// A trap's call stack with the function names (from the modules' `name` sections),
    /// innermost frame first, at most [`MAX_FRAMES`] frames.
    #[derive(Debug, Clone, Default, PartialEq, Eq)]
    pub struct Backtrace {
        frames: Vec<Frame>,
        /// Parallel to `frames`.
        names: Vec<Option<String>>,
        omitted: usize,
    }

    impl Backtrace {
        pub fn new() -> Backtrace {
            Backtrace::default()
        }

        /// Adds the next outer frame; past [`MAX_FRAMES`] it is only counted.
        pub fn push(&mut self, frame: Frame, name: Option<&str>) {
            if self.frames.len() < MAX_FRAMES {
                self.frames.push(frame);
                self.names.push(name.map(String::from));
            } else {
                self.omitted += 1;
            }
        }

        /// Whether frames beyond [`MAX_FRAMES`] are still wanted (they are only counted).
        pub fn is_full(&self) -> bool {
            self.frames.len() >= MAX_FRAMES
        }

        /// Counts `n` frames beyond the kept ones without looking at them.
        pub fn omit(&mut self, n: usize) {
            self.omitted += n;
        }

        /// The kept frames, innermost first.
        pub fn frames(&self) -> &[Frame] {
            &self.frames
        }

        /// The name of kept frame `index`'s function, if its module names it.
        pub fn func_name(&self, index: usize) -> Option<&str> {
            self.names.get(index)?.as_deref()
        }

        /// Frames of the call stack beyond the kept ones.
        pub fn omitted(&self) -> usize {
            self.omitted
        }

        /// Every frame seen, kept or only counted.
        pub fn depth(&self) -> usize {
            self.frames.len() + self.omitted
        }

        /// Forgets the frames past the first `depth` seen (those of a nested call that
        /// trapped but whose trap a host function handled).
        pub fn truncate(&mut self, depth: usize) {
            if depth <= self.frames.len() {
                self.frames.truncate(depth);
                self.names.truncate(depth);
                self.omitted = 0;
            } else {
                self.omitted = self.omitted.min(depth - self.frames.len());
            }
        }
    }

    /// The `wasm backtrace:` block, one line per frame, each line ending in a newline.
    impl fmt::Display for Backtrace {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write_backtrace(f, &self.frames, self.omitted, |i| self.func_name(i))
        }
    }
}

#[cfg(feature = "alloc")]
pub use owned::Backtrace;

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::String;

    #[test]
    fn prints_wasmtime_style() {
        let mut trace = Backtrace::new();
        trace.push(
            Frame {
                func_index: 2,
                wasm_offset: Some(0x4a),
            },
            Some("inner"),
        );
        trace.push(
            Frame {
                func_index: 0,
                wasm_offset: None,
            },
            None,
        );
        assert_eq!(
            trace.to_string(),
            "wasm backtrace:\n    0:   0x4a - inner\n    1:          func[0]\n"
        );
    }

    #[test]
    fn counts_frames_past_the_limit() {
        let mut trace = Backtrace::new();
        for i in 0..MAX_FRAMES + 5 {
            trace.push(
                Frame {
                    func_index: i as u32,
                    wasm_offset: Some(1),
                },
                None,
            );
        }
        trace.omit(10);
        assert_eq!(trace.frames().len(), MAX_FRAMES);
        assert_eq!(trace.omitted(), 15);
        let text: String = trace.to_string();
        assert!(text.ends_with("    ... 15 more frames\n"), "{text}");
    }
}
