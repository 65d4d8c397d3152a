use core::ffi::c_void;

use super::*;

#[derive(Default)]
struct Log {
    calls: [(usize, usize, u32); 4],
    n: usize,
    fail_with: i32,
}

unsafe extern "C" fn protect(addr: *mut u8, len: usize, prot: u32, user: *mut c_void) -> i32 {
    // SAFETY: the test passes its own `Log` as `user`, alive for the call.
    let log = unsafe { &mut *user.cast::<Log>() };
    log.calls[log.n] = (addr as usize, len, prot);
    log.n += 1;
    log.fail_with
}

#[test]
fn protection_changes_go_through_the_callback() {
    let mut buf = [0u8; 64];
    let addr = buf.as_ptr() as usize;
    let mut log = Log::default();
    {
        let mut region = CodeRegion::new(&mut buf, Some(protect), (&raw mut log).cast());
        region.make_writable().unwrap();
        region.bytes()[0] = 0xc3;
        region.make_executable().unwrap();
        assert_eq!(region.protection(), Protection::ReadExecute);
        assert_eq!(region.len(), 64);
    }
    assert_eq!(log.n, 2);
    assert_eq!(log.calls[0], (addr, 64, PROT_READ_WRITE));
    assert_eq!(log.calls[1], (addr, 64, PROT_READ_EXECUTE));
    assert_eq!(buf[0], 0xc3);
}

#[test]
fn a_refused_protection_change_is_an_error() {
    let mut buf = [0u8; 16];
    let mut log = Log {
        fail_with: -5,
        ..Log::default()
    };
    let mut region = CodeRegion::new(&mut buf, Some(protect), (&raw mut log).cast());
    assert_eq!(region.make_executable(), Err(BareError::Callback(-5)));
    assert_eq!(region.protection(), Protection::ReadWrite);
}

#[test]
fn without_a_callback_the_region_is_plain_memory() {
    let mut buf = [0u8; 16];
    let mut region = CodeRegion::new(&mut buf, None, core::ptr::null_mut());
    region.make_writable().unwrap();
    region.make_executable().unwrap();
    assert_eq!(region.protection(), Protection::ReadExecute);
}

unsafe extern "C" fn clock(id: u32, out: *mut u64, _: *mut c_void) -> i32 {
    if id == CLOCK_MONOTONIC {
        // SAFETY: the platform layer passes a valid out-pointer.
        unsafe { *out = 42 };
        0
    } else {
        7
    }
}

unsafe extern "C" fn random(buf: *mut u8, len: usize, user: *mut c_void) -> i32 {
    let seed = user as usize as u8;
    for i in 0..len {
        // SAFETY: `buf` holds `len` bytes (the callback's contract).
        unsafe { *buf.add(i) = seed.wrapping_add(i as u8) };
    }
    0
}

#[test]
fn clock_and_random_come_from_the_embedder() {
    let s = Services {
        clock: Some(clock),
        random: Some(random),
        user: 9usize as *mut c_void,
    };
    assert_eq!(s.now_ns(CLOCK_MONOTONIC), Ok(42));
    assert_eq!(s.now_ns(CLOCK_REALTIME), Err(BareError::Callback(7)));
    let mut b = [0u8; 3];
    s.fill_random(&mut b).unwrap();
    assert_eq!(b, [9, 10, 11]);
}

#[test]
fn missing_services_say_what_is_missing() {
    let s = Services::NONE;
    let e = s.now_ns(CLOCK_MONOTONIC).unwrap_err();
    assert_eq!(e, BareError::Unavailable("a clock"));
    assert_eq!(
        std::format!("{e}"),
        "a clock is not available on this platform"
    );
    assert!(s.fill_random(&mut [0u8; 4]).is_err());
}
