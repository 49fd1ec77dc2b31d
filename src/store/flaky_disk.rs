//! A disk that fails on command, for tests of what storage failures do: a redb storage backend in
//! memory whose writes, resizes and syncs fail while [`FlakyDisk::fail`] is on (a disk that went
//! away), and which takes no new bytes while [`FlakyDisk::fill`] is on (a full disk: what the file
//! has written can be written again, nothing beyond). Both end when turned off. Clones share the
//! disk.

use std::{
    io,
    sync::{
        Arc,
        atomic::{AtomicBool, AtomicU64, Ordering},
    },
};

use redb::{StorageBackend, backends::InMemoryBackend};

#[derive(Debug, Clone, Default)]
pub struct FlakyDisk {
    data: Arc<InMemoryBackend>,
    failing: Arc<AtomicBool>,
    full: Arc<AtomicBool>,
    /// The end of the furthest write: the bytes the disk holds for the file.
    written: Arc<AtomicU64>,
}

impl FlakyDisk {
    /// From now on every write fails (`true`), or none does (`false`).
    pub fn fail(&self, failing: bool) {
        self.failing.store(failing, Ordering::SeqCst);
    }

    /// From now on the disk is full (`true`): writes beyond what the file has written fail; or
    /// it has room again (`false`).
    pub fn fill(&self, full: bool) {
        self.full.store(full, Ordering::SeqCst);
    }

    fn check(&self) -> io::Result<()> {
        if self.failing.load(Ordering::SeqCst) { Err(io::Error::other("the disk went away")) } else { Ok(()) }
    }
}

impl StorageBackend for FlakyDisk {
    fn len(&self) -> io::Result<u64> {
        self.data.len()
    }

    fn read(&self, offset: u64, out: &mut [u8]) -> io::Result<()> {
        self.data.read(offset, out)
    }

    fn set_len(&self, len: u64) -> io::Result<()> {
        self.check()?;
        self.data.set_len(len)
    }

    fn sync_data(&self) -> io::Result<()> {
        self.check()?;
        self.data.sync_data()
    }

    fn write(&self, offset: u64, data: &[u8]) -> io::Result<()> {
        self.check()?;
        let end = offset + data.len() as u64;
        if self.full.load(Ordering::SeqCst) && end > self.written.load(Ordering::SeqCst) {
            return Err(io::Error::new(io::ErrorKind::StorageFull, "no space left on the disk"));
        }
        self.data.write(offset, data)?;
        self.written.fetch_max(end, Ordering::SeqCst);
        Ok(())
    }
}
