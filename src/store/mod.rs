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
//!
//! Every record carries a checksum (`checksum`) and the file a layout marker (`layout`); listings
//! are cut by count and size (`page`); a snapshot is read a page at a time from one read
//! transaction (`view`); after a storage I/O error the store reopens itself (`reopen`).

mod checksum;
pub mod flaky_disk;
mod layout;
mod page;
pub(crate) mod plan;
pub mod postgres;
mod reads;
mod reopen;
mod tally_cache;
mod view;
pub mod writer;

use std::{fmt::Display, path::Path, sync::Arc};

use compact_str::CompactString;
use prometheus_client::metrics::counter::Counter;
use prost::{Message, bytes::Bytes};
use redb::{Database, ReadOnlyDatabase, ReadableDatabase, ReadableTable, TableDefinition};
use sha2::{Digest, Sha256};

use self::{
    checksum::skip_corrupt,
    layout::LAYOUT,
    page::Filling,
    reopen::{Live, Opener},
};
pub use self::{
    page::PageLimit,
    reads::{BoxFuture, EventReads, EventsView, Keep},
    view::StoreView,
};
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
    #[error(
        "record {key} of table {table} is corrupt ({reason}): it is not what was written (the store file was changed \
         or damaged); restore the store from a copy"
    )]
    Corrupt { table: &'static str, key: String, reason: String },
    #[error("corrupt store: table {table} has no record {key}, which the events table points to")]
    Missing { table: &'static str, key: u64 },
    #[error("cannot create the data directory {path}: {source}")]
    DataDir { path: String, source: Arc<std::io::Error> },
    #[error(
        "the data directory was written by another version of rasad (its table {table} has another layout): \
         start with an empty --data-dir and ingest the articles again"
    )]
    OldLayout { table: String },
    #[error(
        "the store has layout marker {found}, and this rasad reads layout {LAYOUT} (see README, \"The store file\"): \
         it was written by another program or another version of rasad; start with an empty --data-dir and ingest \
         the articles again"
    )]
    Layout { found: String },
    #[error("{path} is not a Rasad store (it is no redb database): move it away, or pass another --data-dir")]
    Foreign { path: String },
    #[error("{path} holds no Rasad store (no rasad.redb): pass the --data-dir a server wrote")]
    NoStore { path: String },
    #[error(
        "{path} is empty (0 bytes): a store file never is, so it was truncated; restore it from a copy, \
         or remove it to start with an empty store"
    )]
    EmptyFile { path: String },
    #[error("the data directory {path} is in use by a running server: read it through that server (--server URL) or stop it")]
    InUse { path: String },
    #[error("the store is reopening after a storage I/O error (a full disk?); retry shortly")]
    Reopening,
    #[error("the store is shutting down")]
    Closed,
    #[error("not stored: the commit of an earlier batch failed, and this article was merged on top of it; send it again")]
    Aborted,
    #[error("PostgreSQL: {0}")]
    Postgres(Arc<tokio_postgres::Error>),
    #[error("no PostgreSQL connection: {0}")]
    Pool(String),
}

impl<E: Into<redb::Error>> From<E> for StoreError {
    fn from(e: E) -> Self {
        StoreError::Storage(Arc::new(e.into()))
    }
}

impl StoreError {
    /// Whether it is an I/O error of the storage, after which the store must be reopened.
    pub fn is_io(&self) -> bool {
        matches!(self, StoreError::Storage(e) if matches!(**e, redb::Error::Io(_) | redb::Error::PreviousIo))
    }

    /// Whether the store may take the same call once it has reopened.
    pub fn is_transient(&self) -> bool {
        matches!(self, StoreError::Reopening | StoreError::Postgres(_) | StoreError::Pool(_)) || self.is_io()
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// SHA-256 of an article text: two articles with the same text are the same article.
pub type TextHash = [u8; 32];

pub fn text_hash(text: &str) -> TextHash {
    Sha256::digest(text.as_bytes()).into()
}

/// How a report is named in errors: its event and its key.
fn report_name(n: u64, key: &str) -> String {
    format!("{}/{key}", crate::merge::event_id(n))
}

/// The message stored as `record` under `key` in `table`, its checksum checked.
fn decode<M: Message + Default>(table: &'static str, key: impl Display, record: &[u8]) -> Result<M> {
    let corrupt = |reason: String| StoreError::Corrupt { table, key: key.to_string(), reason };
    let payload = checksum::unseal(record).ok_or_else(|| corrupt("it fails its checksum".into()))?;
    M::decode(payload).map_err(|e| corrupt(e.to_string()))
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
    pub changed: u32,
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

    /// The logged update stored as `record` under `sequence`.
    fn decode(sequence: u64, record: &[u8]) -> Result<LoggedUpdate> {
        let update: EventUpdate = decode("log", sequence, record)?;
        let encoded = Bytes::copy_from_slice(&record[..record.len() - checksum::CHECKSUM_BYTES]);
        Ok(LoggedUpdate::with_head(&update, encoded))
    }

    /// The update encoded as `encoded` (no checksum: a record of PostgreSQL's log, or a message
    /// of the updates stream).
    pub fn from_encoded(encoded: Bytes) -> Result<LoggedUpdate, prost::DecodeError> {
        let update = EventUpdate::decode(encoded.clone())?;
        Ok(LoggedUpdate::with_head(&update, encoded))
    }

    fn with_head(update: &EventUpdate, encoded: Bytes) -> LoggedUpdate {
        LoggedUpdate { head: UpdateHead::new(update, update.event.as_ref().unwrap_or(&Event::default())), encoded }
    }
}

/// A handle on the database; cheap to clone. Only [`writer`] writes, through a
/// `Store<Database>`; every read works on either kind of handle.
pub struct Store<D = Database> {
    db: Arc<Live<D>>,
    /// Corrupt records met and skipped.
    corrupt: Counter,
}

/// A store opened for reading only, beside no server.
pub type ReadOnlyStore = Store<ReadOnlyDatabase>;

impl<D> Clone for Store<D> {
    fn clone(&self) -> Self {
        Store { db: self.db.clone(), corrupt: self.corrupt.clone() }
    }
}

/// One page of [`Store::list_reports`].
pub struct ReportPage {
    pub reports: Vec<Report>,
    /// The key of the last report, to continue after, if more remain.
    pub next: Option<String>,
}

/// The number of the stored event that holds event `n`: `n` itself, or the event a merge folded
/// it into; `None` when neither exists. A chain of merges that comes back to an event it passed
/// (numbers changed in the file) is corrupt, not followed for ever.
fn current(txn: &redb::ReadTransaction, mut n: u64) -> Result<Option<u64>> {
    let events = txn.open_table(EVENTS)?;
    let merged = txn.open_table(MERGED_INTO)?;
    let mut passed = Vec::new();
    loop {
        if events.get(n)?.is_some() {
            return Ok(Some(n));
        }
        passed.push(n);
        match merged.get(n)? {
            Some(into) if passed.contains(&into.value()) => {
                let reason = format!("its merges go round in a circle ({passed:?})");
                return Err(StoreError::Corrupt { table: "merged_into", key: passed[0].to_string(), reason });
            }
            Some(into) => n = into.value(),
            None => return Ok(None),
        }
    }
}

/// Stored event `n`, or the event that absorbed it.
fn stored_event(txn: &redb::ReadTransaction, log: &redb::ReadOnlyTable<u64, &[u8]>, n: u64) -> Result<Option<Event>> {
    let events = txn.open_table(EVENTS)?;
    match current(txn, n)? {
        Some(n) => events.get(n)?.map(|last| event_at(log, n, last.value())).transpose(),
        None => Ok(None),
    }
}

/// Stored event `n` as the log record `sequence` left it. The events table holds only numbers,
/// which checksums do not cover: one changed in the file so that it points to another event's
/// record makes event `n` corrupt, never that other event.
fn event_at(log: &redb::ReadOnlyTable<u64, &[u8]>, n: u64, sequence: u64) -> Result<Event> {
    let record = log.get(sequence)?.ok_or(StoreError::Missing { table: "log", key: sequence })?;
    let update: EventUpdate = decode("log", sequence, record.value())?;
    let event = update.event.ok_or(StoreError::Missing { table: "log (event of an update)", key: sequence })?;
    if event.id != crate::merge::event_id(n) {
        let reason = format!("it points to log record {sequence}, which holds {}", event.id);
        return Err(StoreError::Corrupt { table: "events", key: n.to_string(), reason });
    }
    Ok(event)
}

/// One page of [`Store::list_events`].
pub struct EventPage {
    pub events: Vec<Event>,
    /// The event number to continue from (inclusive), if more may match.
    pub next: Option<u64>,
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
    /// A file there that is no Rasad store is refused (`layout`): redb would make a new, empty
    /// store of a file of 0 bytes.
    pub fn open(dir: &Path) -> Result<Store> {
        std::fs::create_dir_all(dir).map_err(|e| StoreError::DataDir { path: dir.display().to_string(), source: Arc::new(e) })?;
        let file = dir.join("rasad.redb");
        layout::check_file(&file)?;
        let db = redb::Builder::new().set_cache_size(CACHE_BYTES).create(&file)?;
        // Reopened only as it is: a file gone meanwhile is not made again, empty.
        Store::with_tables(db, Box::new(move || Ok(redb::Builder::new().set_cache_size(CACHE_BYTES).open(&file)?)))
    }

    /// A store on `backend`, reopened on a clone of it after an I/O error (for tests of what
    /// storage failures do: see [`flaky_disk`]).
    pub fn on_backend(backend: impl redb::StorageBackend + Clone) -> Result<Store> {
        let db = redb::Builder::new().create_with_backend(backend.clone())?;
        Store::with_tables(db, Box::new(move || Ok(redb::Builder::new().create_with_backend(backend.clone())?)))
    }

    /// `db` with every table created, reopened by `reopen` after an I/O error.
    fn with_tables(db: Database, reopen: Opener<Database>) -> Result<Store> {
        let txn = db.begin_write()?;
        layout::check_or_mark(&txn)?;
        txn.open_table(ARTICLES).map_err(table_error)?;
        txn.open_table(TEXTS).map_err(table_error)?;
        txn.open_table(EVENTS).map_err(table_error)?;
        txn.open_table(LOG).map_err(table_error)?;
        txn.open_table(META).map_err(table_error)?;
        txn.open_table(REPORTS).map_err(table_error)?;
        txn.open_table(MERGED_INTO).map_err(table_error)?;
        txn.commit()?;
        Ok(Store { db: Arc::new(Live::new(db, Some(reopen::writable(reopen)))), corrupt: Counter::default() })
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
        layout::check_file(&file)?;
        let db = redb::Builder::new().set_cache_size(CACHE_BYTES).open_read_only(file).map_err(|e| match e {
            redb::DatabaseError::DatabaseAlreadyOpen => StoreError::InUse { path: path() },
            e => e.into(),
        })?;
        let txn = db.begin_read()?;
        layout::check(&txn)?;
        txn.open_table(EVENTS).map_err(table_error)?;
        txn.open_table(LOG).map_err(table_error)?;
        Ok(Store { db: Arc::new(Live::new(db, None)), corrupt: Counter::default() })
    }
}

impl<D: Send + Sync + 'static> Store<D> {
    /// Counts the corrupt records this store meets (and skips) in `corrupt`.
    pub fn counting_corrupt_in(self, corrupt: Counter) -> Store<D> {
        Store { corrupt, ..self }
    }

    /// Whether the store can be used: false from a storage I/O error until it has reopened.
    pub fn serving(&self) -> tokio::sync::watch::Receiver<bool> {
        self.db.serving()
    }

    /// Called with the error of a failed operation: after an I/O error the store reopens itself.
    pub fn failed(&self, error: &StoreError) {
        self.db.failed(error);
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
        let read = tokio::task::spawn_blocking(move || f(&store)).await.unwrap_or(Err(StoreError::Closed));
        if let Err(e) = &read {
            self.failed(e);
        }
        read
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
        let log = txn.open_table(LOG)?;
        stored_event(&txn, &log, n)
    }

    /// A page of the reports of event `n` (or of the event that absorbed it) whose keys come
    /// after `after` ("" = from the first); `None` when there is no such event.
    pub fn list_reports(&self, n: u64, after: &str, limit: PageLimit) -> Result<Option<ReportPage>> {
        let txn = self.db.begin_read()?;
        let Some(n) = current(&txn, n)? else { return Ok(None) };
        let table = txn.open_table(REPORTS)?;
        let mut page = Filling::new(limit);
        for entry in table.range((n, after)..(n + 1, ""))? {
            let (k, v) = entry?;
            let key = k.value().1;
            if key == after {
                continue;
            }
            let Some(report) = skip_corrupt(decode("reports", report_name(n, key), v.value()), &self.corrupt)? else {
                continue;
            };
            if !page.add(report) {
                let next = page.items.last().map(Report::key);
                return Ok(Some(ReportPage { reports: page.items, next }));
            }
        }
        Ok(Some(ReportPage { reports: page.items, next: None }))
    }

    /// Every stored report with its event number, for rebuilding the merge index.
    pub fn for_each_report(&self, mut f: impl FnMut(u64, Report)) -> Result<()> {
        let txn = self.db.begin_read()?;
        let reports = txn.open_table(REPORTS)?;
        for entry in reports.iter()? {
            let (k, v) = entry?;
            let (n, key) = k.value();
            if let Some(report) = skip_corrupt(decode("reports", report_name(n, key), v.value()), &self.corrupt)? {
                f(n, report);
            }
        }
        Ok(())
    }

    /// A page of the events matching `keep`, and of the parts of events matching it (see
    /// `Event.part_ids`), newest (highest number) first, starting at event number `from`
    /// (inclusive; `None` = the newest).
    pub fn list_events(&self, from: Option<u64>, limit: PageLimit, keep: impl Fn(&Event) -> bool) -> Result<EventPage> {
        let txn = self.db.begin_read()?;
        let table = txn.open_table(EVENTS)?;
        let log = txn.open_table(LOG)?;
        let mut page = Filling::new(limit);
        for entry in table.range(..=from.unwrap_or(u64::MAX))?.rev() {
            let (k, last) = entry?;
            let Some(event) = skip_corrupt(event_at(&log, k.value(), last.value()), &self.corrupt)? else { continue };
            if (keep(&event) || self.whole_kept(&txn, &log, &event, &keep)?) && !page.add(event) {
                return Ok(EventPage { events: page.items, next: Some(k.value()) });
            }
        }
        Ok(EventPage { events: page.items, next: None })
    }

    /// Whether `event` is part of a stored event that `keep` keeps (a corrupt one is not kept).
    fn whole_kept(
        &self,
        txn: &redb::ReadTransaction,
        log: &redb::ReadOnlyTable<u64, &[u8]>,
        event: &Event,
        keep: impl Fn(&Event) -> bool,
    ) -> Result<bool> {
        let Some(whole) = crate::merge::parse_event_id(&event.parent_id) else { return Ok(false) };
        Ok(skip_corrupt(stored_event(txn, log, whole), &self.corrupt)?.flatten().is_some_and(|e| keep(&e)))
    }

    /// Up to `limit` updates with sequence numbers after `after`, in order.
    pub fn read_log(&self, after: u64, limit: usize) -> Result<Vec<LoggedUpdate>> {
        let txn = self.db.begin_read()?;
        let log = txn.open_table(LOG)?;
        let mut updates = Vec::new();
        for entry in log.range(after.saturating_add(1)..)?.take(limit) {
            let (sequence, record) = entry?;
            updates.extend(skip_corrupt(LoggedUpdate::decode(sequence.value(), record.value()), &self.corrupt)?);
        }
        Ok(updates)
    }
}

#[cfg(test)]
mod tests {
    use super::{checksum::seal, *};

    #[test]
    fn a_redb_file_without_the_layout_marker_is_refused_with_a_clear_error() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let db = Database::create(dir.path().join("rasad.redb")).expect("database");
        let txn = db.begin_write().expect("transaction");
        // The events table of stores written before it pointed into the log.
        txn.open_table(TableDefinition::<u64, &[u8]>::new("events")).expect("table");
        txn.commit().expect("commit");
        drop(db);
        let error = Store::open(dir.path()).err().expect("refused");
        assert!(matches!(&error, StoreError::Layout { found } if found == "none"), "{error}");
        assert!(error.to_string().contains("empty --data-dir"), "{error}");
        let read_only = ReadOnlyStore::open_read_only(dir.path()).err().expect("refused read-only too");
        assert!(matches!(&read_only, StoreError::Layout { .. }), "{read_only}");
    }

    #[test]
    fn a_new_store_carries_the_layout_marker_and_opens_again() {
        let dir = tempfile::tempdir().expect("temporary directory");
        drop(Store::open(dir.path()).expect("a new store"));
        drop(Store::open(dir.path()).expect("opened again"));
        ReadOnlyStore::open_read_only(dir.path()).expect("opened read-only");
        let db = Database::open(dir.path().join("rasad.redb")).expect("database");
        let txn = db.begin_write().expect("transaction");
        txn.open_table(META).expect("meta").insert("layout", 1).expect("an older marker");
        txn.commit().expect("commit");
        drop(db);
        let error = Store::open(dir.path()).err().expect("refused");
        assert!(matches!(&error, StoreError::Layout { found } if found == "1"), "{error}");
    }

    #[test]
    fn a_file_that_is_no_redb_database_is_refused_and_left_as_it_was() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let file = dir.path().join("rasad.redb");
        std::fs::write(&file, b"redb").expect("a short file");
        let error = Store::open(dir.path()).err().expect("refused");
        assert!(matches!(&error, StoreError::Foreign { .. }), "{error}");
        assert_eq!(std::fs::read(&file).expect("still there"), b"redb");
    }

    #[test]
    fn an_update_with_an_encoded_event_is_encoded_as_prost_would() {
        let event =
            Event { id: crate::merge::event_id(3), num_articles: 2, article_ids: vec!["a".into(), "b".into()], ..Default::default() };
        let head = EventUpdate { sequence: 9, kind: UpdateKind::Updated.into(), article_id: "b".into(), ..Default::default() };
        let logged = LoggedUpdate::with_event(&head, &event, &event.encode_to_vec());
        let whole = EventUpdate { event: Some(event), ..head };
        assert_eq!(logged.encoded, whole.encode_to_vec());
        let stored = LoggedUpdate::decode(9, &seal(&logged.encoded)).expect("decodes");
        assert_eq!((stored.head, stored.encoded), (logged.head, logged.encoded));
    }
}
