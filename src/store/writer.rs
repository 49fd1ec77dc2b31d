//! The single writer: one thread owns every write transaction. It takes as many queued articles
//! as are waiting (group commit), decides duplicates, asks the [`Merger`] what each article
//! changes (it reads and writes the events and their reports inside the transaction), appends the updates to the log with consecutive sequence numbers, commits
//! once (`fsync`), and only then acknowledges each article and publishes the updates.
//!
//! A single writer gives a total order of updates without locks; the CPU-heavy extraction
//! stays parallel in front of it.

use std::{sync::Arc, thread, time::Instant};

use prost::Message;
use redb::{ReadableDatabase, ReadableTable};
use tokio::sync::{mpsc, oneshot};

use super::{
    ARTICLES, EVENTS, LOG, LoggedUpdate, MERGED_INTO, META, REPORTS, Result, Store, StoreError, TEXTS, TextHash, decode,
    tally_cache::TallyCache,
};
use crate::{
    merge::{self, EventStore, MergeConfig, Merger, Report, Tally},
    proto::{Article, Event, EventUpdate, ExtractResponse, IngestOutcome, IngestResult, UpdateKind},
};

/// Most articles committed in one transaction.
const MAX_BATCH: usize = 1024;
/// Articles waiting for the writer before submitters are slowed down.
const QUEUE: usize = 1024;
/// Reports counted by the event tallies kept in memory for merging (a tally grows by about a
/// hundred bytes per report, plus what each distinct value takes).
const CACHED_REPORTS: usize = 65_536;

/// One extracted article to store.
pub struct Submission {
    pub article: Article,
    pub text_hash: TextHash,
    pub extraction: ExtractResponse,
}

type Ack = oneshot::Sender<Result<IngestResult>>;

/// One committed transaction, as the writer reports it.
pub struct Commit {
    /// Its updates, in sequence order.
    pub updates: Vec<Arc<LoggedUpdate>>,
    /// The new head of the log.
    pub head: u64,
    /// Articles in the transaction (duplicates included).
    pub articles: usize,
    /// From the first write to the end of `fsync`.
    pub seconds: f64,
}

/// Where each commit goes (the hub, and the metrics).
pub type Publish = Box<dyn FnMut(Commit) + Send>;

/// Hands articles to the writer thread. Cheap to clone; the thread ends when every clone is
/// dropped and the queue is drained.
#[derive(Clone)]
pub struct Writer {
    tx: mpsc::Sender<(Submission, Ack)>,
}

impl Writer {
    /// Starts the writer thread on `store`.
    pub fn spawn(store: Store, merge: MergeConfig, publish: Publish) -> Result<(Writer, thread::JoinHandle<()>)> {
        let state = State::load(store, merge)?;
        let (tx, rx) = mpsc::channel(QUEUE);
        let handle = thread::Builder::new()
            .name("rasad-writer".into())
            .spawn(move || state.run(rx, publish))
            .map_err(|e| StoreError::DataDir { path: "writer thread".into(), source: Arc::new(e) })?;
        Ok((Writer { tx }, handle))
    }

    /// Queues one article for storage (waiting only for room in the queue); the returned
    /// [`Pending`] resolves once it is durable or found to be a duplicate. Articles are
    /// committed in the order they are queued.
    pub async fn enqueue(&self, submission: Submission) -> Result<Pending> {
        let (ack, done) = oneshot::channel();
        self.tx.send((submission, ack)).await.map_err(|_| StoreError::Closed)?;
        Ok(Pending(done))
    }
}

/// The acknowledgement of a queued article.
pub struct Pending(oneshot::Receiver<Result<IngestResult>>);

impl Pending {
    pub async fn durable(self) -> Result<IngestResult> {
        self.0.await.unwrap_or(Err(StoreError::Closed))
    }
}

struct State {
    store: Store,
    /// Sequence number of the next update.
    next_seq: u64,
    next_event: u64,
    merger: Merger,
    tallies: TallyCache,
}

impl State {
    fn load(store: Store, merge: MergeConfig) -> Result<State> {
        let next_seq = store.head()? + 1;
        let txn = store.db.begin_read()?;
        let next_event = txn.open_table(META)?.get("next_event")?.map_or(1, |v| v.value());
        drop(txn);
        let mut state = State { store, next_seq, next_event, merger: Merger::new(merge), tallies: TallyCache::new(CACHED_REPORTS) };
        state.reindex()?;
        Ok(state)
    }

    /// Rebuilds the merge index from the stored reports, and empties the tally cache (it may
    /// hold the writes of a transaction that did not commit).
    fn reindex(&mut self) -> Result<()> {
        self.tallies.clear();
        self.merger.clear();
        let merger = &mut self.merger;
        self.store.for_each_report(|number, report| merger.file(number, &report))
    }

    fn run(mut self, mut rx: mpsc::Receiver<(Submission, Ack)>, mut publish: Publish) {
        while let Some(first) = rx.blocking_recv() {
            let mut batch = vec![first];
            while batch.len() < MAX_BATCH {
                match rx.try_recv() {
                    Ok(next) => batch.push(next),
                    Err(_) => break,
                }
            }
            let (submissions, acks): (Vec<_>, Vec<_>) = batch.into_iter().unzip();
            let started = Instant::now();
            match self.commit(submissions) {
                Ok((results, updates)) => {
                    let seconds = started.elapsed().as_secs_f64();
                    publish(Commit { updates, head: self.next_seq - 1, articles: acks.len(), seconds });
                    for (ack, result) in acks.into_iter().zip(results) {
                        let _ = ack.send(Ok(result));
                    }
                }
                Err(e) => {
                    tracing::error!(error = %e, articles = acks.len(), "commit failed; articles not stored");
                    if let Err(e) = self.reindex() {
                        tracing::error!(error = %e, "cannot rebuild the merge index");
                    }
                    for ack in acks {
                        let _ = ack.send(Err(e.clone()));
                    }
                }
            }
        }
    }

    /// Writes one batch in one transaction. The counters advance only if it commits.
    fn commit(&mut self, batch: Vec<Submission>) -> Result<(Vec<IngestResult>, Vec<Arc<LoggedUpdate>>)> {
        let mut seq = self.next_seq;
        let mut ids = merge::EventIds::new(self.next_event);
        let mut results = Vec::with_capacity(batch.len());
        let mut updates = Vec::new();
        let txn = self.store.db.begin_write()?;
        {
            let mut articles = txn.open_table(ARTICLES)?;
            let mut texts = txn.open_table(TEXTS)?;
            let mut tables = Tables {
                events: txn.open_table(EVENTS)?,
                reports: txn.open_table(REPORTS)?,
                merged: txn.open_table(MERGED_INTO)?,
                cache: &mut self.tallies,
            };
            let mut log = txn.open_table(LOG)?;
            for Submission { article, text_hash, extraction } in batch {
                let earlier = match articles.get(article.id.as_str())? {
                    Some(_) => Some(article.id.clone()),
                    None => texts.get(text_hash.as_slice())?.map(|v| v.value().to_string()),
                };
                if let Some(duplicate_of) = earlier {
                    results.push(IngestResult {
                        article_id: article.id,
                        outcome: IngestOutcome::Duplicate.into(),
                        duplicate_of,
                        ..Default::default()
                    });
                    continue;
                }
                let mut result =
                    IngestResult { article_id: article.id.clone(), outcome: IngestOutcome::Accepted.into(), ..Default::default() };
                for change in self.merger.plan(&mut tables, &article, extraction, &mut ids)? {
                    let head = EventUpdate {
                        sequence: seq,
                        kind: change.kind.into(),
                        changed_fields: change.changed_fields,
                        article_id: article.id.clone(),
                        merged_event_id: change.merged.map(super::event_id).unwrap_or_default(),
                        event: None,
                    };
                    let update = LoggedUpdate::with_event(head, change.event, &change.encoded);
                    log.insert(seq, update.encoded.as_ref())?;
                    tables.events.insert(change.number, seq)?;
                    seq += 1;
                    let event_id = super::event_id(change.number);
                    let ids = match change.kind {
                        UpdateKind::Created => &mut result.created_event_ids,
                        _ => &mut result.updated_event_ids,
                    };
                    if !ids.contains(&event_id) {
                        ids.push(event_id);
                    }
                    updates.push(Arc::new(update));
                }
                articles.insert(article.id.as_str(), result.encode_to_vec().as_slice())?;
                texts.insert(text_hash.as_slice(), article.id.as_str())?;
                results.push(result);
            }
            txn.open_table(META)?.insert("next_event", ids.next())?;
        }
        txn.commit()?;
        self.next_seq = seq;
        self.next_event = ids.next();
        Ok((results, updates))
    }
}

/// The event tables of a write transaction, as merging sees them, and the writer's tally cache.
struct Tables<'t, 'c> {
    events: redb::Table<'t, u64, u64>,
    reports: redb::Table<'t, (u64, &'static str), &'static [u8]>,
    merged: redb::Table<'t, u64, u64>,
    cache: &'c mut TallyCache,
}

impl Tables<'_, '_> {
    fn keyed_reports(&self, number: u64) -> Result<Vec<(String, Report)>> {
        let mut out = Vec::new();
        for entry in self.reports.range((number, "")..(number + 1, ""))? {
            let (k, v) = entry?;
            out.push((k.value().1.to_string(), decode("reports", v.value())?));
        }
        Ok(out)
    }
}

impl EventStore for Tables<'_, '_> {
    type Error = StoreError;

    fn take_tally(&mut self, number: u64) -> Result<Tally> {
        if let Some(tally) = self.cache.take(number) {
            return Ok(tally);
        }
        let reports: Vec<Report> = self.keyed_reports(number)?.into_iter().map(|(_, r)| r).collect();
        Ok(Tally::of_reports(&reports))
    }

    /// The event itself goes to the log with its update; the writer points the events table there.
    fn save(&mut self, number: u64, _: &Event, _: &[u8], added: &Report, tally: Tally) -> Result<()> {
        self.reports.insert((number, added.key().as_str()), added.encode_to_vec().as_slice())?;
        self.cache.put(number, tally);
        Ok(())
    }

    fn absorb(&mut self, into: u64, from: u64) -> Result<()> {
        for (key, report) in self.keyed_reports(from)? {
            self.reports.remove((from, key.as_str()))?;
            self.reports.insert((into, key.as_str()), report.encode_to_vec().as_slice())?;
        }
        self.events.remove(from)?;
        self.merged.insert(from, into)?;
        self.cache.remove(from);
        Ok(())
    }
}
