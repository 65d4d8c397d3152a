//! The `.aot` module metadata: the input Wasm binary with every function body replaced by
//! `unreachable` (so the loader re-validates it with the one module model and gets types,
//! imports, exports, tables, memories, globals, segments and start from it) and without
//! custom sections other than `name`.

use crate::CompileError;

/// One minimal body: size 3, no local groups, `unreachable`, `end`.
const STUB_BODY: [u8; 4] = [0x03, 0x00, 0x00, 0x0b];

fn read_leb_u32(bytes: &[u8], pos: &mut usize) -> Option<u32> {
    let mut result: u64 = 0;
    let mut shift = 0;
    loop {
        let b = *bytes.get(*pos)?;
        *pos += 1;
        result |= u64::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            break;
        }
        shift += 7;
        if shift > 28 {
            return None;
        }
    }
    u32::try_from(result).ok()
}

fn write_leb_u32(out: &mut Vec<u8>, mut v: u32) {
    loop {
        let b = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(b);
            break;
        }
        out.push(b | 0x80);
    }
}

/// Rewrites `wasm` (already validated) into the metadata blob.
pub fn strip_bodies(wasm: &[u8]) -> Result<Vec<u8>, CompileError> {
    let bad = || CompileError::Unsupported("malformed module binary".into());
    if wasm.len() < 8 {
        return Err(bad());
    }
    let mut out = Vec::with_capacity(wasm.len() / 4);
    out.extend_from_slice(&wasm[..8]);
    let mut pos = 8;
    while pos < wasm.len() {
        let id = wasm[pos];
        pos += 1;
        let size = read_leb_u32(wasm, &mut pos).ok_or_else(bad)? as usize;
        let end = pos
            .checked_add(size)
            .filter(|e| *e <= wasm.len())
            .ok_or_else(bad)?;
        let payload = &wasm[pos..end];
        pos = end;
        match id {
            0 => {
                let mut p = 0;
                let nlen = read_leb_u32(payload, &mut p).ok_or_else(bad)? as usize;
                let name = payload.get(p..p + nlen).ok_or_else(bad)?;
                if name == b"name" {
                    out.push(0);
                    write_leb_u32(&mut out, payload.len() as u32);
                    out.extend_from_slice(payload);
                }
            }
            10 => {
                let mut p = 0;
                let count = read_leb_u32(payload, &mut p).ok_or_else(bad)?;
                let mut body = Vec::with_capacity(5 + count as usize * STUB_BODY.len());
                write_leb_u32(&mut body, count);
                for _ in 0..count {
                    body.extend_from_slice(&STUB_BODY);
                }
                out.push(10);
                write_leb_u32(&mut out, body.len() as u32);
                out.extend_from_slice(&body);
            }
            _ => {
                out.push(id);
                write_leb_u32(&mut out, payload.len() as u32);
                out.extend_from_slice(payload);
            }
        }
    }
    Ok(out)
}
