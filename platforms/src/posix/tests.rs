use core::ffi::c_void;

use super::trap::{call_guarded, install_handler, stack_limit, stack_low};
use super::*;

#[test]
fn exec_region_is_writable_then_executable_never_both() {
    let mut r = ExecRegion::new(100).unwrap();
    assert_eq!(r.protection(), Protection::ReadWrite);
    // mov qword [rsi], 42; ret  (x86_64) / mov x8, #42; str x8, [x1]; ret (aarch64)
    #[cfg(target_arch = "x86_64")]
    let code: &[u8] = &[0x48, 0xc7, 0x06, 0x2a, 0, 0, 0, 0xc3];
    #[cfg(target_arch = "aarch64")]
    let code: &[u8] = &[
        0x48, 0x05, 0x80, 0xd2, 0x28, 0x00, 0x00, 0xf9, 0xc0, 0x03, 0x5f, 0xd6,
    ];
    r.bytes_mut().unwrap()[..code.len()].copy_from_slice(code);
    r.make_executable().unwrap();
    assert!(r.bytes_mut().is_none());
    // SAFETY: the region now holds this function's machine code, executable.
    let f: extern "C" fn(*mut c_void, *mut u64) = unsafe { core::mem::transmute(r.as_ptr()) };
    let mut cell = 0u64;
    f(core::ptr::null_mut(), &mut cell);
    assert_eq!(cell, 42);
    r.make_writable().unwrap();
    assert!(r.bytes_mut().is_some());
}

unsafe extern "C" fn read_at(_ctx: *mut c_void, addr: *mut c_void) {
    // SAFETY: none needed beyond a mapping: a fault here is what the test provokes, and
    // `call_guarded` recovers from it.
    unsafe { core::ptr::read_volatile(addr as *const u8) };
}

unsafe extern "C" fn write_at(_ctx: *mut c_void, addr: *mut c_void) {
    // SAFETY: as in `read_at`.
    unsafe { core::ptr::write_volatile(addr as *mut u8, 7) };
}

#[test]
fn faults_in_a_reservation_become_errors() {
    assert!(install_handler());
    let mut res = Reservation::new(1 << 30).unwrap();
    res.commit(65536).unwrap();
    assert_eq!(res.committed(), 65536);
    let base = res.base();
    // SAFETY: the callees are plain loads/stores with no Rust frames to unwind, and every
    // address is inside the reservation (committed or guarded).
    unsafe {
        assert_eq!(
            call_guarded(write_at, core::ptr::null_mut(), base.add(100).cast()),
            Ok(())
        );
        assert_eq!(*base.add(100), 7);
        let past = base.add(65536 + 5);
        assert_eq!(
            call_guarded(read_at, core::ptr::null_mut(), past.cast()),
            Err(past as usize)
        );
        // Still usable afterwards, and nested calls keep their own recovery point.
        res.commit(2 * 65536).unwrap();
        assert_eq!(
            call_guarded(write_at, core::ptr::null_mut(), past.cast()),
            Ok(())
        );
        let far = base.add(1 << 29);
        assert!(call_guarded(write_at, core::ptr::null_mut(), far.cast()).is_err());
    }
    assert!(res.commit(2 << 30).is_err());
}

#[test]
fn stack_limit_is_below_the_current_frame() {
    let here = 0u8;
    let sp = &here as *const u8 as usize;
    let low = stack_low().unwrap();
    assert!(low < sp);
    let limit = stack_limit(64 << 10, 1 << 20);
    assert!(limit < sp && limit > low);
}
