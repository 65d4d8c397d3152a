//! A C interface for firmware that links the loader as a static library (feature `capi`):
//! size the region, then load into it. No allocation; the caller owns every buffer.

use core::slice;

use mote_core::aot::format::AotFile;

use crate::load::{load, requirements, HelperTable, LoadError};

/// Success.
pub const MOTE_OK: i32 = 0;
/// The file is malformed, or for another runtime (`FormatError`).
pub const MOTE_EFORMAT: i32 = -1;
/// The region is too small or misaligned, or an output array too short.
pub const MOTE_ESPACE: i32 = -2;
/// A relocation, helper or veneer problem while loading.
pub const MOTE_ELOAD: i32 = -3;

/// Writes the region size and alignment `file` needs.
///
/// # Safety
/// `file` points to `len` readable bytes; the outputs are writable.
#[no_mangle]
pub unsafe extern "C" fn mote_aot_requirements(
    file: *const u8,
    len: usize,
    region_bytes: *mut usize,
    region_align: *mut usize,
) -> i32 {
    let Ok(f) = AotFile::parse(slice::from_raw_parts(file, len)) else {
        return MOTE_EFORMAT;
    };
    let r = requirements(&f);
    *region_bytes = r.region_bytes;
    *region_align = r.region_align;
    MOTE_OK
}

/// Loads `file` into `region` (writable; the caller makes it executable afterwards) with
/// helper addresses `helpers[0..helpers_len]` (indexed by helper number), and writes each
/// defined function's trampoline address to `trampolines[0..funcs_len]`.
///
/// # Safety
/// Every pointer is valid for its length.
#[no_mangle]
pub unsafe extern "C" fn mote_aot_load(
    file: *const u8,
    len: usize,
    region: *mut u8,
    region_len: usize,
    helpers: *const usize,
    helpers_len: usize,
    trampolines: *mut usize,
    funcs_len: usize,
) -> i32 {
    let Ok(f) = AotFile::parse(slice::from_raw_parts(file, len)) else {
        return MOTE_EFORMAT;
    };
    if funcs_len < f.func_count() {
        return MOTE_ESPACE;
    }
    let region = slice::from_raw_parts_mut(region, region_len);
    let table = HelperTable::new(slice::from_raw_parts(helpers, helpers_len));
    match load(&f, region, &table) {
        Ok(code) => {
            let out = slice::from_raw_parts_mut(trampolines, funcs_len);
            for (i, slot) in out.iter_mut().enumerate().take(f.func_count()) {
                *slot = code.trampoline(i).unwrap_or(0) as usize;
            }
            MOTE_OK
        }
        Err(LoadError::RegionTooSmall { .. } | LoadError::RegionMisaligned) => MOTE_ESPACE,
        Err(LoadError::Format(_)) => MOTE_EFORMAT,
        Err(_) => MOTE_ELOAD,
    }
}
