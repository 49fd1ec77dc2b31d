//! A disk that fails on command, for tests of what storage failures do: a redb storage backend in
//! memory whose writes, resizes and syncs fail while [`FlakyDisk::fail`] is on (a full disk, a
//! disk that went away) and succeed again once it is off. Clones share the disk.

use std::{
    io,
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
};

use redb::{StorageBackend, backends::InMemoryBackend};

#[derive(Debug, Clone, Default)]
pub struct FlakyDisk {
    data: Arc<InMemoryBackend>,
    failing: Arc<AtomicBool>,
}

impl FlakyDisk {
    /// From now on every write fails (`true`), or none does (`false`).
    pub fn fail(&self, failing: bool) {
        self.failing.store(failing, Ordering::SeqCst);
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
        self.data.write(offset, data)
    }
}
