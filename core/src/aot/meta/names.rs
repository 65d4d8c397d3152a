//! Function names from the `.aot` Names section, which holds the payload of a Wasm `name`
//! custom section: subsections of `id:u8 size:u32 contents`, the function names being
//! subsection 1, a vector of `(index:u32, name)` (LEB128 integers, length-prefixed
//! UTF-8 names). Names are diagnostics: a malformed section is not an error (the Wasm
//! spec says to ignore it), the reader just stops at the first malformed byte.

/// Subsection id of the function names.
pub const FUNC_NAMES: u8 = 1;

/// The `(function index, name)` pairs of a `name` section payload, in order.
pub fn func_names(payload: &[u8]) -> FuncNames<'_> {
    let mut r = Leb {
        bytes: payload,
        pos: 0,
    };
    // Find the function-names subsection; stop (empty) on anything malformed.
    while let (Some(id), Some(size)) = (r.byte(), r.u32()) {
        let Some(contents) = r.take(size as usize) else {
            break;
        };
        if id == FUNC_NAMES {
            let mut inner = Leb {
                bytes: contents,
                pos: 0,
            };
            if let Some(left) = inner.u32() {
                return FuncNames { r: inner, left };
            }
            break;
        }
    }
    FuncNames {
        r: Leb { bytes: &[], pos: 0 },
        left: 0,
    }
}

/// Iterator over function names (see [`func_names`]).
#[derive(Debug, Clone)]
pub struct FuncNames<'a> {
    r: Leb<'a>,
    left: u32,
}

impl<'a> Iterator for FuncNames<'a> {
    type Item = (u32, &'a str);
    fn next(&mut self) -> Option<(u32, &'a str)> {
        if self.left == 0 {
            return None;
        }
        self.left -= 1;
        let item = (|| {
            let index = self.r.u32()?;
            let len = self.r.u32()?;
            let name = core::str::from_utf8(self.r.take(len as usize)?).ok()?;
            Some((index, name))
        })();
        if item.is_none() {
            self.left = 0;
        }
        item
    }
}

#[derive(Debug, Clone)]
struct Leb<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Leb<'a> {
    fn byte(&mut self) -> Option<u8> {
        let b = *self.bytes.get(self.pos)?;
        self.pos += 1;
        Some(b)
    }

    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let s = self.bytes.get(self.pos..)?.get(..n)?;
        self.pos += n;
        Some(s)
    }

    /// Unsigned LEB128 of at most 32 bits.
    fn u32(&mut self) -> Option<u32> {
        let mut result = 0u32;
        for i in 0..5 {
            let b = self.byte()?;
            if i == 4 && b & 0xf0 != 0 {
                return None;
            }
            result |= u32::from(b & 0x7f) << (7 * i);
            if b & 0x80 == 0 {
                return Some(result);
            }
        }
        None
    }
}

/// The function-names payload of a `name` section for `names` (index, name) pairs.
#[cfg(feature = "alloc")]
pub fn encode_func_names<'n>(
    names: impl ExactSizeIterator<Item = (u32, &'n str)>,
) -> alloc::vec::Vec<u8> {
    use alloc::vec::Vec;
    let leb = |out: &mut Vec<u8>, value: u32| crate::leb::write_unsigned(out, value.into());
    let mut contents = Vec::new();
    leb(&mut contents, names.len() as u32);
    for (index, name) in names {
        leb(&mut contents, index);
        leb(&mut contents, name.len() as u32);
        contents.extend_from_slice(name.as_bytes());
    }
    let mut out = alloc::vec![FUNC_NAMES];
    leb(&mut out, contents.len() as u32);
    out.extend_from_slice(&contents);
    out
}
