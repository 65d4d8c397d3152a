//! Bounds-checked access to the calling instance's linear memory. A pointer or length
//! the guest got wrong is `EFAULT` for the call, never a host crash.

use alloc::vec::Vec;

use super::errno::{Errno, WasiResult};

/// A WASI call's view of guest memory (empty when the instance has no memory).
pub struct GuestMemory<'a> {
    bytes: &'a mut [u8],
}

/// One `iovec`/`ciovec`: a guest buffer, already checked to lie inside memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GuestBuf {
    pub ptr: u32,
    pub len: u32,
}

impl<'a> GuestMemory<'a> {
    pub fn new(bytes: &'a mut [u8]) -> GuestMemory<'a> {
        GuestMemory { bytes }
    }

    fn range(&self, ptr: u32, len: u32) -> WasiResult<core::ops::Range<usize>> {
        let start = ptr as usize;
        let end = start.checked_add(len as usize).ok_or(Errno::Fault)?;
        if end > self.bytes.len() {
            return Err(Errno::Fault);
        }
        Ok(start..end)
    }

    pub fn slice(&self, ptr: u32, len: u32) -> WasiResult<&[u8]> {
        let range = self.range(ptr, len)?;
        Ok(&self.bytes[range])
    }

    pub fn slice_mut(&mut self, ptr: u32, len: u32) -> WasiResult<&mut [u8]> {
        let range = self.range(ptr, len)?;
        Ok(&mut self.bytes[range])
    }

    pub fn write_bytes(&mut self, ptr: u32, data: &[u8]) -> WasiResult<()> {
        let len = u32::try_from(data.len()).map_err(|_| Errno::Fault)?;
        self.slice_mut(ptr, len)?.copy_from_slice(data);
        Ok(())
    }

    pub fn write_u8(&mut self, ptr: u32, value: u8) -> WasiResult<()> {
        self.write_bytes(ptr, &[value])
    }

    pub fn write_u16(&mut self, ptr: u32, value: u16) -> WasiResult<()> {
        self.write_bytes(ptr, &value.to_le_bytes())
    }

    pub fn write_u32(&mut self, ptr: u32, value: u32) -> WasiResult<()> {
        self.write_bytes(ptr, &value.to_le_bytes())
    }

    pub fn write_u64(&mut self, ptr: u32, value: u64) -> WasiResult<()> {
        self.write_bytes(ptr, &value.to_le_bytes())
    }

    /// A guest string (a path): `Ilseq` if it is not UTF-8, as WASI strings must be.
    pub fn read_str(&self, ptr: u32, len: u32) -> WasiResult<&str> {
        core::str::from_utf8(self.slice(ptr, len)?).map_err(|_| Errno::Ilseq)
    }

    /// Reads an array of `count` iovecs at `ptr`, checking that each buffer is in bounds.
    pub fn iovecs(&self, ptr: u32, count: u32) -> WasiResult<Vec<GuestBuf>> {
        let table = self.slice(ptr, count.checked_mul(8).ok_or(Errno::Fault)?)?;
        table
            .chunks_exact(8)
            .map(|entry| {
                let buf = GuestBuf {
                    ptr: u32::from_le_bytes([entry[0], entry[1], entry[2], entry[3]]),
                    len: u32::from_le_bytes([entry[4], entry[5], entry[6], entry[7]]),
                };
                self.range(buf.ptr, buf.len)?;
                Ok(buf)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn out_of_bounds_is_efault() {
        let mut bytes = [0u8; 16];
        let mut mem = GuestMemory::new(&mut bytes);
        assert_eq!(mem.write_u32(12, 1), Ok(()));
        assert_eq!(mem.write_u32(13, 1), Err(Errno::Fault));
        assert_eq!(mem.write_u64(u32::MAX - 2, 1), Err(Errno::Fault));
        assert_eq!(mem.slice(16, 0).map(|s| s.len()), Ok(0));
        assert_eq!(mem.read_str(0, 17), Err(Errno::Fault));
    }

    #[test]
    fn iovecs_are_checked() {
        let mut bytes = [0u8; 64];
        // Two iovecs at 0: {32, 3} and {40, 100} (the second runs past the end).
        bytes[0..4].copy_from_slice(&32u32.to_le_bytes());
        bytes[4..8].copy_from_slice(&3u32.to_le_bytes());
        bytes[8..12].copy_from_slice(&40u32.to_le_bytes());
        bytes[12..16].copy_from_slice(&100u32.to_le_bytes());
        let mut mem = GuestMemory::new(&mut bytes);
        assert_eq!(mem.iovecs(0, 2), Err(Errno::Fault));
        mem.write_u32(12, 4).unwrap();
        let bufs = mem.iovecs(0, 2).unwrap();
        assert_eq!(bufs[1], GuestBuf { ptr: 40, len: 4 });
        assert_eq!(mem.iovecs(60, 1), Err(Errno::Fault));
    }
}
