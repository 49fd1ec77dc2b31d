//! The durable store: one redb file in `--data-dir` holding the ingested articles (id and text
//! hash, for idempotency), the current events, and the update log keyed by a gapless sequence
//! number (the log offset; the first update is 1).
//!
//! Why redb: an embedded, pure-Rust, crash-safe B-tree with ACID write transactions and
//! `fsync`-on-commit durability, no server to run, and MVCC reads that never block the single
//! writer. All writes go through [`writer`], which batches many articles per transaction.
//!
//! Reads are synchronous (they hit the page cache, usually without I/O); async callers wrap them
//! with [`Store::read`], which runs them on tokio's blocking pool. A [`ReadOnlyStore`] offers the
//! same reads on a data directory no server holds (`rasad export --data-dir`).

mod tally_cache;
pub mod writer;

use std::{path::Path, sync::Arc};

use compact_str::CompactString;
use prost::{Message, bytes::Bytes};
use redb::{Database, ReadOnlyDatabase, ReadableDatabase, ReadableTable, TableDefinition};
use sha2::{Digest, Sha256};

use crate::{
    merge::Report,
    proto::{Event, EventUpdate, UpdateKind},
};

/// Article id → the `IngestResult` it was acknowledged with (protobuf).
pub(crate) const ARTICLES: TableDefinition<&str, &[u8]> = TableDefinition::new("articles");
/// SHA-256 of an article's text → the id of the article stored with it.
pub(crate) const TEXTS: TableDefinition<&[u8], &str> = TableDefinition::new("texts");
/// Event number (see [`crate::merge::event_id`]) → the sequence number of its last update, whose record in
/// [`LOG`] holds the event as it stands (the event is written once, in the log).
pub(crate) const EVENTS: TableDefinition<u64, u64> = TableDefinition::new("events");
/// Sequence number → `EventUpdate` (protobuf). Gapless, starting at 1.
pub(crate) const LOG: TableDefinition<u64, &[u8]> = TableDefinition::new("log");
/// (Event number, report key "articleId#index") → the `merge::Report` it holds (protobuf).
pub(crate) const REPORTS: TableDefinition<(u64, &str), &[u8]> = TableDefinition::new("reports");
/// Number of an event absorbed by a merge → the number of the event that absorbed it.
pub(crate) const MERGED_INTO: TableDefinition<u64, u64> = TableDefinition::new("merged_into");
/// Counters that must survive restarts (`next_event`).
pub(crate) const META: TableDefinition<&str, u64> = TableDefinition::new("meta");

/// Memory redb may use to cache pages (its default is 1 GiB). The writer keeps what merging
/// needs in memory itself, so the page cache mostly serves reads of recent events and the log.
const CACHE_BYTES: usize = 64 << 20;

/// A storage failure. Cloned into the acknowledgement of every article of a failed batch.
#[derive(Debug, Clone, thiserror::Error)]
pub enum StoreError {
    #[error("storage error: {0}")]
    Storage(Arc<redb::Error>),
    #[error("corrupt record in table {table}: {source}")]
    Corrupt { table: &'static str, source: prost::DecodeError },
    #[error("corrupt store: table {table} has no record {key}, which the events table points to")]
    Missing { table: &'static str, key: u64 },
    #[error("cannot create the data directory {path}: {source}")]
    DataDir { path: String, source: Arc<std::io::Error> },
    #[error(
        "the data directory was written by another version of rasad (its table {table} has another layout): \
         start with an empty --data-dir and ingest the articles again"
    )]
    OldLayout { table: String },
    #[error("{path} holds no Rasad store (no rasad.redb): pass the --data-dir a server wrote")]
    NoStore { path: String },
    #[error(
        "{path} is empty (0 bytes): a store file never is, so it was truncated; restore it from a copy, \
         or remove it to start with an empty store"
    )]
    EmptyFile { path: String },
    #[error("the data directory {path} is in use by a running server: read it through that server (--server URL) or stop it")]
    InUse { path: String },
    #[error("the store is shutting down")]
    Closed,
    #[error("not stored: the commit of an earlier batch failed, and this article was merged on top of it; send it again")]
    Aborted,
}

impl<E: Into<redb::Error>> From<E> for StoreError {
    fn from(e: E) -> Self {
        StoreError::Storage(Arc::new(e.into()))
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// SHA-256 of an article text: two articles with the same text are the same article.
pub type TextHash = [u8; 32];

pub fn text_hash(text: &str) -> TextHash {
    Sha256::digest(text.as_bytes()).into()
}

fn decode<M: Message + Default>(table: &'static str, bytes: &[u8]) -> Result<M> {
    M::decode(bytes).map_err(|source| StoreError::Corrupt { table, source })
}

/// An update of the log: its protobuf encoding, which is both the stored record and the gRPC
/// message (subscribers share the bytes instead of encoding the update once each), and its head.
#[derive(Debug, Clone)]
pub struct LoggedUpdate {
    pub head: UpdateHead,
    pub encoded: Bytes,
}

/// What subscriptions read of an update to choose theirs, without the rest of the event. The
/// live buffer keeps one for each of its updates, so it is small and mostly free of allocations
/// (names of up to 24 bytes are stored inline).
#[derive(Debug, Clone, PartialEq)]
pub struct UpdateHead {
    pub sequence: u64,
    pub kind: UpdateKind,
    pub event_type: i32,
    pub status: i32,
    /// The country and actor id of each participant.
    pub participants: Vec<(CompactString, CompactString)>,
    /// The changed fields (see [`crate::merge::field_bits`]).
    pub changed: u16,
}

impl UpdateHead {
    fn new(update: &EventUpdate, event: &Event) -> UpdateHead {
        UpdateHead {
            sequence: update.sequence,
            kind: update.kind(),
            event_type: event.event_type,
            status: event.status,
            participants: event.participants.iter().map(|p| (p.country.as_str().into(), p.actor_id.as_str().into())).collect(),
            changed: crate::merge::field_bits(&update.changed_fields),
        }
    }
}

/// The number of `EventUpdate.event`.
const EVENT_FIELD: u32 = 3;

impl LoggedUpdate {
    /// `update` (without its event) with `event`, whose encoding is `event_encoded`: the event
    /// is not encoded a second time.
    pub fn with_event(update: &EventUpdate, event: &Event, event_encoded: &[u8]) -> LoggedUpdate {
        let encoded = crate::wire::splice_message(&update.encode_to_vec(), EVENT_FIELD, event_encoded).into();
        LoggedUpdate { head: UpdateHead::new(update, event), encoded }
    }

    /// The logged update stored as `encoded`.
    fn decode(encoded: Bytes) -> Result<LoggedUpdate> {
        let update: EventUpdate = decode("log", &encoded)?;
        let head = UpdateHead::new(&update, update.event.as_ref().unwrap_or(&Event::default()));
        Ok(LoggedUpdate { head, encoded })
    }
}

/// A handle on the database; cheap to clone. Only [`writer`] writes, through a
/// `Store<Database>`; every read works on either kind of handle.
pub struct Store<D = Database> {
    db: Arc<D>,
}

/// A store opened for reading only, beside no server.
pub type ReadOnlyStore = Store<ReadOnlyDatabase>;

impl<D> Clone for Store<D> {
    fn clone(&self) -> Self {
        Store { db: self.db.clone() }
    }
}

/// One page of [`Store::list_reports`].
pub struct ReportPage {
    pub reports: Vec<Report>,
    /// The key of the last report, to continue after, if more remain.
    pub next: Option<String>,
}

/// The number of the stored event that holds event `n`: `n` itself, or the event a merge folded
/// it into; `None` when neither exists.
fn current(txn: &redb::ReadTransaction, mut n: u64) -> Result<Option<u64>> {
    let events = txn.open_table(EVENTS)?;
    let merged = txn.open_table(MERGED_INTO)?;
    loop {
        if events.get(n)?.is_some() {
            return Ok(Some(n));
        }
        match merged.get(n)? {
            Some(into) => n = into.value(),
            None => return Ok(None),
        }
    }
}

/// The event as the log record `sequence` left it.
fn event_at(log: &redb::ReadOnlyTable<u64, &[u8]>, sequence: u64) -> Result<Event> {
    let record = log.get(sequence)?.ok_or(StoreError::Missing { table: "log", key: sequence })?;
    let update: EventUpdate = decode("log", record.value())?;
    update.event.ok_or(StoreError::Missing { table: "log (event of an update)", key: sequence })
}

/// One page of [`Store::list_events`].
pub struct EventPage {
    pub events: Vec<Event>,
    /// The event number to continue from (inclusive), if more may match.
    pub next: Option<u64>,
}

/// An existing store file of 0 bytes (a missing one is fine: it is created).
fn refuse_empty(file: &Path) -> Result<()> {
    match std::fs::metadata(file) {
        Ok(meta) if meta.len() == 0 => Err(StoreError::EmptyFile { path: file.display().to_string() }),
        _ => Ok(()),
    }
}

/// A table that cannot be opened: one of another layout means the data directory was written
/// by another version.
fn table_error(e: redb::TableError) -> StoreError {
    match e {
        redb::TableError::TableTypeMismatch { table, .. } => StoreError::OldLayout { table },
        e => e.into(),
    }
}

impl Store {
    /// Opens (or creates) `rasad.redb` in `dir`, creating the directory and tables as needed.
    /// A store file of 0 bytes is refused: redb would make a new, empty store of it.
    pub fn open(dir: &Path) -> Result<Store> {
        std::fs::create_dir_all(dir).map_err(|e| StoreError::DataDir { path: dir.display().to_string(), source: Arc::new(e) })?;
        let file = dir.join("rasad.redb");
        refuse_empty(&file)?;
        Store::with_tables(redb::Builder::new().set_cache_size(CACHE_BYTES).create(file)?)
    }

    /// A store on `backend` (for tests of what storage failures do).
    #[cfg(test)]
    fn on_backend(backend: impl redb::StorageBackend) -> Result<Store> {
        Store::with_tables(redb::Builder::new().create_with_backend(backend)?)
    }

    /// `db` with every table created.
    fn with_tables(db: Database) -> Result<Store> {
        let txn = db.begin_write()?;
        txn.open_table(ARTICLES).map_err(table_error)?;
        txn.open_table(TEXTS).map_err(table_error)?;
        txn.open_table(EVENTS).map_err(table_error)?;
        txn.open_table(LOG).map_err(table_error)?;
        txn.open_table(META).map_err(table_error)?;
        txn.open_table(REPORTS).map_err(table_error)?;
        txn.open_table(MERGED_INTO).map_err(table_error)?;
        txn.commit()?;
        Ok(Store { db: Arc::new(db) })
    }
}

impl ReadOnlyStore {
    /// Opens the store in `dir` without writing to it; refused while a server holds it.
    pub fn open_read_only(dir: &Path) -> Result<ReadOnlyStore> {
        let path = || dir.display().to_string();
        let file = dir.join("rasad.redb");
        if !file.is_file() {
            return Err(StoreError::NoStore { path: path() });
        }
        refuse_empty(&file)?;
        let db = redb::Builder::new().set_cache_size(CACHE_BYTES).open_read_only(file).map_err(|e| match e {
            redb::DatabaseError::DatabaseAlreadyOpen => StoreError::InUse { path: path() },
            e => e.into(),
        })?;
        let txn = db.begin_read()?;
        txn.open_table(EVENTS).map_err(table_error)?;
        txn.open_table(LOG).map_err(table_error)?;
        Ok(Store { db: Arc::new(db) })
    }
}

impl<D: ReadableDatabase + Send + Sync + 'static> Store<D> {
    /// Runs a read on tokio's blocking pool.
    pub async fn read<R, F>(&self, f: F) -> Result<R>
    where
        F: FnOnce(&Self) -> Result<R> + Send + 'static,
        R: Send + 'static,
    {
        let store = self.clone();
        tokio::task::spawn_blocking(move || f(&store)).await.unwrap_or(Err(StoreError::Closed))
    }

    /// The sequence number of the last committed update (0 when the log is empty).
    pub fn head(&self) -> Result<u64> {
        let txn = self.db.begin_read()?;
        let log = txn.open_table(LOG)?;
        Ok(log.last()?.map_or(0, |(k, _)| k.value()))
    }

    /// Event `n`, or the event that absorbed it when a merge folded it into another.
    pub fn get_event(&self, n: u64) -> Result<Option<Event>> {
        let txn = self.db.begin_read()?;
        let events = txn.open_table(EVENTS)?;
        let log = txn.open_table(LOG)?;
        match current(&txn, n)? {
            Some(n) => events.get(n)?.map(|last| event_at(&log, last.value())).transpose(),
            None => Ok(None),
        }
    }

    /// Up to `limit` reports of event `n` (or of the event that absorbed it) whose keys come
    /// after `after` ("" = from the first); `None` when there is no such event.
    pub fn list_reports(&self, n: u64, after: &str, limit: usize) -> Result<Option<ReportPage>> {
        let txn = self.db.begin_read()?;
        let Some(n) = current(&txn, n)? else { return Ok(None) };
        let table = txn.open_table(REPORTS)?;
        let mut reports = Vec::new();
        for entry in table.range((n, after)..(n + 1, ""))? {
            let (k, v) = entry?;
            let key = k.value().1;
            if key == after {
                continue;
            }
            if reports.len() == limit {
                let next = reports.last().map(Report::key);
                return Ok(Some(ReportPage { reports, next }));
            }
            reports.push(decode("reports", v.value())?);
        }
        Ok(Some(ReportPage { reports, next: None }))
    }

    /// Every stored report with its event number, for rebuilding the merge index.
    pub fn for_each_report(&self, mut f: impl FnMut(u64, Report)) -> Result<()> {
        let txn = self.db.begin_read()?;
        let reports = txn.open_table(REPORTS)?;
        for entry in reports.iter()? {
            let (k, v) = entry?;
            f(k.value().0, decode("reports", v.value())?);
        }
        Ok(())
    }

    /// Up to `limit` events matching `keep`, newest (highest number) first, starting at event
    /// number `from` (inclusive; `None` = the newest).
    pub fn list_events(&self, from: Option<u64>, limit: usize, keep: impl Fn(&Event) -> bool) -> Result<EventPage> {
        let txn = self.db.begin_read()?;
        let table = txn.open_table(EVENTS)?;
        let log = txn.open_table(LOG)?;
        let mut events = Vec::new();
        for entry in table.range(..=from.unwrap_or(u64::MAX))?.rev() {
            let (k, last) = entry?;
            let event = event_at(&log, last.value())?;
            if !keep(&event) {
                continue;
            }
            if events.len() == limit {
                return Ok(EventPage { events, next: Some(k.value()) });
            }
            events.push(event);
        }
        Ok(EventPage { events, next: None })
    }

    /// Up to `limit` updates with sequence numbers after `after`, in order.
    pub fn read_log(&self, after: u64, limit: usize) -> Result<Vec<LoggedUpdate>> {
        let txn = self.db.begin_read()?;
        let log = txn.open_table(LOG)?;
        let mut updates = Vec::new();
        for entry in log.range(after.saturating_add(1)..)?.take(limit) {
            updates.push(LoggedUpdate::decode(Bytes::copy_from_slice(entry?.1.value()))?);
        }
        Ok(updates)
    }

    /// Every event matching `keep` in creation order, and the log position they reflect,
    /// read from one consistent snapshot.
    pub fn snapshot(&self, keep: impl Fn(&Event) -> bool) -> Result<(Vec<Event>, u64)> {
        let txn = self.db.begin_read()?;
        let log = txn.open_table(LOG)?;
        let head = log.last()?.map_or(0, |(k, _)| k.value());
        let table = txn.open_table(EVENTS)?;
        let mut events = Vec::new();
        for entry in table.iter()? {
            let event = event_at(&log, entry?.1.value())?;
            if keep(&event) {
                events.push(event);
            }
        }
        Ok((events, head))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_store_of_another_layout_is_refused_with_a_clear_error() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let db = Database::create(dir.path().join("rasad.redb")).expect("database");
        let txn = db.begin_write().expect("transaction");
        // The events table of stores written before it pointed into the log.
        txn.open_table(TableDefinition::<u64, &[u8]>::new("events")).expect("table");
        txn.commit().expect("commit");
        drop(db);
        let error = Store::open(dir.path()).err().expect("refused");
        assert!(matches!(&error, StoreError::OldLayout { table } if table == "events"), "{error}");
        assert!(error.to_string().contains("empty --data-dir"), "{error}");
        let read_only = ReadOnlyStore::open_read_only(dir.path()).err().expect("refused read-only too");
        assert!(matches!(&read_only, StoreError::OldLayout { table } if table == "events"), "{read_only}");
    }

    #[test]
    fn an_update_with_an_encoded_event_is_encoded_as_prost_would() {
        let event =
            Event { id: crate::merge::event_id(3), num_articles: 2, article_ids: vec!["a".into(), "b".into()], ..Default::default() };
        let head = EventUpdate { sequence: 9, kind: UpdateKind::Updated.into(), article_id: "b".into(), ..Default::default() };
        let logged = LoggedUpdate::with_event(&head, &event, &event.encode_to_vec());
        let whole = EventUpdate { event: Some(event), ..head };
        assert_eq!(logged.encoded, whole.encode_to_vec());
        assert_eq!(LoggedUpdate::decode(logged.encoded.clone()).expect("decodes").head, logged.head);
    }
}
