//! A store that reopens itself after an I/O error. Once a write has failed (a full disk, a disk
//! that went away), redb refuses every later operation of that database ("Previous I/O error
//! occurred. Please close and re-open the database."), also when the cause has passed. So at the
//! first I/O error the store takes its database out: calls fail at once with
//! [`StoreError::Reopening`] (the service answers UNAVAILABLE) and [`Live::serving`] turns false
//! (the health service says NOT_SERVING). A thread then reopens it, and proves it takes writes
//! again by writing to it (a disk that is still full does not), waiting [`FIRST_WAIT`] and
//! twice as long after each failed attempt, up to [`LONGEST_WAIT`]. Nothing acknowledged is lost:
//! an article is acknowledged only once its commit is durable, reopening finds the last commit,
//! and the writer rebuilds its memory from the store after a failed commit.

use std::{
    sync::{Arc, RwLock, Weak},
    thread,
    time::Duration,
};

use redb::{Database, ReadTransaction, ReadableDatabase, TableDefinition, WriteTransaction};
use tokio::sync::watch;

use super::{Result, StoreError};

/// The wait before the first attempt to reopen.
const FIRST_WAIT: Duration = Duration::from_millis(100);
/// The longest wait between two attempts.
const LONGEST_WAIT: Duration = Duration::from_secs(5);

/// Opens the database again, as it was opened first.
pub(crate) type Opener<D> = Box<dyn Fn() -> Result<D> + Send + Sync>;

/// Where [`probe`] writes.
const PROBE: TableDefinition<&str, &[u8]> = TableDefinition::new("probe");
/// How much [`probe`] writes: room for a commit of a few large articles.
const PROBE_BYTES: usize = 1 << 20;

/// `opener`, and a [`probe`] proving that the database takes writes again (redb opens a database
/// on a disk that still fails or is still full, and an empty commit rewrites only its header).
pub(crate) fn writable(opener: Opener<Database>) -> Opener<Database> {
    Box::new(move || {
        let db = opener()?;
        probe(&db)?;
        Ok(db)
    })
}

/// Commits [`PROBE_BYTES`] to the disk, then removes them: on a disk still full, the first commit
/// fails.
fn probe(db: &Database) -> Result<()> {
    let txn = db.begin_write()?;
    txn.open_table(PROBE)?.insert("probe", vec![0xA5; PROBE_BYTES].as_slice())?;
    txn.commit()?;
    let txn = db.begin_write()?;
    txn.delete_table(PROBE)?;
    txn.commit()?;
    Ok(())
}

/// The database of a store, while it is open.
pub(crate) struct Live<D> {
    current: RwLock<Option<Arc<D>>>,
    /// None: the store is not reopened (a read-only one).
    opener: Option<Opener<D>>,
    serving: watch::Sender<bool>,
}

impl<D: Send + Sync + 'static> Live<D> {
    pub fn new(db: D, opener: Option<Opener<D>>) -> Live<D> {
        Live { current: RwLock::new(Some(Arc::new(db))), opener, serving: watch::Sender::new(true) }
    }

    /// The database, unless it is being reopened.
    fn db(&self) -> Result<Arc<D>> {
        let current = self.current.read().unwrap_or_else(|poisoned| poisoned.into_inner());
        current.clone().ok_or(StoreError::Reopening)
    }

    /// Whether the store can be used: false from an I/O error until it has reopened.
    pub fn serving(&self) -> watch::Receiver<bool> {
        self.serving.subscribe()
    }

    /// After `error`: if it is an I/O error, takes the database out and starts reopening it.
    pub fn failed(self: &Arc<Self>, error: &StoreError) {
        if !error.is_io() || self.opener.is_none() {
            return;
        }
        let old = {
            let mut current = self.current.write().unwrap_or_else(|poisoned| poisoned.into_inner());
            match current.take() {
                Some(old) => old,
                // Already reopening.
                None => return,
            }
        };
        self.serving.send_replace(false);
        tracing::error!(%error, "storage I/O error: the store is unavailable until it has reopened");
        let live = Arc::downgrade(self);
        let spawned = thread::Builder::new().name("rasad-reopen".into()).spawn(move || {
            // Closed once the calls that hold it have ended.
            drop(old);
            Live::reopen(&live);
        });
        if let Err(e) = spawned {
            tracing::error!(error = %e, "cannot start the thread that reopens the store");
        }
    }

    /// Opens the database again, retrying with a growing wait until it opens or the store is
    /// dropped.
    fn reopen(live: &Weak<Live<D>>) {
        let mut wait = FIRST_WAIT;
        loop {
            thread::sleep(wait);
            let Some(live) = live.upgrade() else { return };
            let Some(opener) = &live.opener else { return };
            match opener() {
                Ok(db) => {
                    *live.current.write().unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(Arc::new(db));
                    live.serving.send_replace(true);
                    tracing::info!("store reopened");
                    return;
                }
                Err(error) => {
                    wait = (wait * 2).min(LONGEST_WAIT);
                    tracing::warn!(%error, retry_in = ?wait, "the store does not reopen yet");
                }
            }
        }
    }
}

impl<D: ReadableDatabase + Send + Sync + 'static> Live<D> {
    pub fn begin_read(&self) -> Result<ReadTransaction> {
        Ok(self.db()?.begin_read()?)
    }
}

impl Live<Database> {
    pub fn begin_write(&self) -> Result<WriteTransaction> {
        Ok(self.db()?.begin_write()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{Store, flaky_disk::FlakyDisk};

    #[test]
    fn a_store_reopens_only_once_its_disk_takes_writes_again() {
        let disk = FlakyDisk::default();
        drop(Store::on_backend(disk.clone()).expect("a store"));
        let backend = disk.clone();
        let reopen = writable(Box::new(move || Ok(redb::Builder::new().create_with_backend(backend.clone())?)));
        disk.fail(true);
        assert!(reopen().is_err_and(|e| e.is_io()), "reopened while the disk fails");
        disk.fail(false);
        reopen().expect("reopens once the disk is back");
    }

    #[test]
    fn a_store_reopens_only_once_its_full_disk_has_room_again() {
        let disk = FlakyDisk::default();
        drop(Store::on_backend(disk.clone()).expect("a store"));
        let backend = disk.clone();
        let reopen = writable(Box::new(move || Ok(redb::Builder::new().create_with_backend(backend.clone())?)));
        disk.fill(true);
        assert!(reopen().is_err_and(|e| e.is_io()), "reopened while the disk is full");
        disk.fill(false);
        reopen().expect("reopens once the disk has room");
    }
}
