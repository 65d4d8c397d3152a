//! Just enough of the binary format to edit generated modules at the section level:
//! export the fuel global, and blank function bodies while reducing. Inputs are modules
//! wasm-smith produced (valid), so a malformed one is a bug here and is reported as
//! `None` rather than patched.

const EXPORT_SECTION: u8 = 7;
const CODE_SECTION: u8 = 10;
const HEADER_LEN: usize = 8;
const EXTERNAL_GLOBAL: u8 = 3;
/// Sections that precede the export section in a module, in the binary format's order
/// (type, import, function, table, memory, tag, global).
const BEFORE_EXPORT: &[u8] = &[1, 2, 3, 4, 5, 13, 6];

/// One section: its id and the byte range of its payload.
struct Section {
    id: u8,
    start: usize,
    end: usize,
    /// Where the section header (id byte) begins.
    header: usize,
}

fn read_leb(bytes: &[u8], pos: &mut usize) -> Option<u32> {
    let mut result = 0u64;
    for shift in (0..35).step_by(7) {
        let byte = *bytes.get(*pos)?;
        *pos += 1;
        result |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return u32::try_from(result).ok();
        }
    }
    None
}

fn write_leb(out: &mut Vec<u8>, value: u32) {
    mote_core::leb::write_unsigned(out, value.into());
}

fn sections(wasm: &[u8]) -> Option<Vec<Section>> {
    let mut pos = HEADER_LEN;
    let mut out = Vec::new();
    while pos < wasm.len() {
        let header = pos;
        let id = wasm[pos];
        pos += 1;
        let len = read_leb(wasm, &mut pos)? as usize;
        let end = pos.checked_add(len).filter(|&e| e <= wasm.len())?;
        out.push(Section {
            id,
            start: pos,
            end,
            header,
        });
        pos = end;
    }
    Some(out)
}

fn push_section(out: &mut Vec<u8>, id: u8, payload: &[u8]) {
    out.push(id);
    write_leb(out, payload.len() as u32);
    out.extend_from_slice(payload);
}

fn push_name(out: &mut Vec<u8>, name: &str) {
    write_leb(out, name.len() as u32);
    out.extend_from_slice(name.as_bytes());
}

/// `wasm` with one more export: global `index` as `name`.
pub fn export_global(wasm: &[u8], name: &str, index: u32) -> Option<Vec<u8>> {
    let sections = sections(wasm)?;
    let mut entry = Vec::new();
    push_name(&mut entry, name);
    entry.push(EXTERNAL_GLOBAL);
    write_leb(&mut entry, index);

    let mut out = wasm[..HEADER_LEN].to_vec();
    let mut done = false;
    for s in &sections {
        if s.id == EXPORT_SECTION {
            let mut pos = s.start;
            let count = read_leb(wasm, &mut pos)?;
            let mut payload = Vec::new();
            write_leb(&mut payload, count + 1);
            payload.extend_from_slice(&wasm[pos..s.end]);
            payload.extend_from_slice(&entry);
            push_section(&mut out, EXPORT_SECTION, &payload);
            done = true;
            continue;
        }
        // No export section: insert one before the first section that must follow it
        // (custom sections (id 0) may stand anywhere and are passed over).
        if !done && s.id != 0 && !BEFORE_EXPORT.contains(&s.id) {
            let mut payload = Vec::new();
            write_leb(&mut payload, 1);
            payload.extend_from_slice(&entry);
            push_section(&mut out, EXPORT_SECTION, &payload);
            done = true;
        }
        out.extend_from_slice(&wasm[s.header..s.end]);
    }
    if !done {
        let mut payload = Vec::new();
        write_leb(&mut payload, 1);
        payload.extend_from_slice(&entry);
        push_section(&mut out, EXPORT_SECTION, &payload);
    }
    Some(out)
}

/// The number of function bodies in the code section.
pub fn body_count(wasm: &[u8]) -> usize {
    let Some(sections) = sections(wasm) else {
        return 0;
    };
    sections
        .iter()
        .find(|s| s.id == CODE_SECTION)
        .and_then(|s| read_leb(wasm, &mut s.start.clone()))
        .unwrap_or(0) as usize
}

/// A body that traps at once: no locals, `unreachable`, `end`. It is valid for any
/// function type (`unreachable` is stack-polymorphic).
const TRAP_BODY: [u8; 3] = [0x00, 0x00, 0x0b];

/// `wasm` with the bodies `blank(i)` picks (by index among defined functions) replaced
/// by [`TRAP_BODY`]. `None` if the module cannot be read.
pub fn blank_bodies(wasm: &[u8], blank: impl Fn(usize) -> bool) -> Option<Vec<u8>> {
    let sections = sections(wasm)?;
    let mut out = wasm[..HEADER_LEN].to_vec();
    for s in &sections {
        if s.id != CODE_SECTION {
            out.extend_from_slice(&wasm[s.header..s.end]);
            continue;
        }
        let mut pos = s.start;
        let count = read_leb(wasm, &mut pos)?;
        let mut payload = Vec::new();
        write_leb(&mut payload, count);
        for i in 0..count as usize {
            let size = read_leb(wasm, &mut pos)? as usize;
            let body = wasm.get(pos..pos.checked_add(size)?)?;
            pos += size;
            let body = if blank(i) { &TRAP_BODY[..] } else { body };
            write_leb(&mut payload, body.len() as u32);
            payload.extend_from_slice(body);
        }
        push_section(&mut out, CODE_SECTION, &payload);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn valid(wasm: &[u8]) -> bool {
        wasmparser::Validator::new().validate_all(wasm).is_ok()
    }

    const EMPTY: &[u8] = b"\0asm\x01\0\0\0";

    #[test]
    fn export_into_a_module_without_exports() {
        // (module (global i32 (i32.const 5)) (func))
        let mut wasm = EMPTY.to_vec();
        push_section(&mut wasm, 1, &[1, 0x60, 0, 0]);
        push_section(&mut wasm, 3, &[1, 0]);
        push_section(&mut wasm, 6, &[1, 0x7f, 0, 0x41, 5, 0x0b]);
        push_section(&mut wasm, CODE_SECTION, &[1, 2, 0, 0x0b]);
        let out = export_global(&wasm, "fuel", 0).unwrap();
        assert!(valid(&out));
        let exports: Vec<_> = wasmparser::Parser::new(0)
            .parse_all(&out)
            .filter_map(|p| match p.unwrap() {
                wasmparser::Payload::ExportSection(r) => Some(r),
                _ => None,
            })
            .flat_map(|r| r.into_iter().map(|e| e.unwrap().name.to_string()))
            .collect();
        assert_eq!(exports, ["fuel"]);
        // Appended to an existing export section.
        let twice = export_global(&out, "again", 0).unwrap();
        assert!(valid(&twice));
        assert_eq!(sections(&twice).unwrap().len(), 5);
    }

    #[test]
    fn blanked_bodies_stay_valid() {
        let mut wasm = EMPTY.to_vec();
        // (func (result i32) (i32.const 7)) twice
        push_section(&mut wasm, 1, &[1, 0x60, 0, 1, 0x7f]);
        push_section(&mut wasm, 3, &[2, 0, 0]);
        push_section(
            &mut wasm,
            CODE_SECTION,
            &[2, 4, 0, 0x41, 7, 0x0b, 4, 0, 0x41, 7, 0x0b],
        );
        assert_eq!(body_count(&wasm), 2);
        let out = blank_bodies(&wasm, |i| i == 1).unwrap();
        assert!(valid(&out));
        assert_eq!(out.len(), wasm.len() - 1);
    }
}
