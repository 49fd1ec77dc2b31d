//! The writer: a pipeline of two threads that together make every write to the store.
//!
//! - The *planner* (`rasad-planner`) takes as many queued articles as are waiting (group
//!   commit), decides duplicates, asks the [`Merger`] what each article changes (in memory: the
//!   merge index and the event tallies), numbers the updates with consecutive sequence numbers,
//!   and turns the batch into the writes it makes.
//! - The *committer* (`rasad-writer`) makes a planned batch's writes in one transaction, commits
//!   (`fsync`), and only then acknowledges each article and publishes the updates.
//!
//! While one batch waits for its `fsync`, the next one is planned, so merging and the disk's
//! latency overlap. The planner reads from the store only what is committed (earlier articles,
//! the reports of events it has no tally of in memory) and keeps in memory what is not: the
//! articles of the batches in flight, and the tallies of their events (the tally cache evicts
//! only when no batch is in flight). A single planner gives a total order of updates without
//! locks; the CPU-heavy extraction stays parallel in front of it.
//!
//! When a commit fails, its articles and those of every batch planned on top of it are refused;
//! the planner then waits for the committer, rebuilds its memory from the store and goes on.

use std::{
    collections::VecDeque,
    sync::{
        Arc, Condvar, Mutex,
        mpsc::{Receiver, SyncSender, sync_channel},
    },
    thread,
    time::Instant,
};

use redb::ReadableTable;
use rustc_hash::{FxHashMap, FxHashSet};
use tokio::sync::{mpsc, oneshot};

use super::{
    ARTICLES, EVENTS, LOG, LoggedUpdate, MERGED_INTO, META, PageLimit, REPORTS, Result, Store, StoreError, TEXTS, TextHash,
    checksum::{seal, skip_corrupt},
    decode,
    plan::{self, CommittedReports, Tables, Write},
    report_name,
    tally_cache::TallyCache,
};
use crate::{
    merge::{self, MergeConfig, Merger, Report},
    proto::{Article, Event, ExtractResponse, IngestResult},
};

/// Most articles committed in one transaction.
const MAX_BATCH: usize = 1024;
/// Articles waiting for the writer before submitters are slowed down.
const QUEUE: usize = 1024;
/// Planned batches waiting for the committer (one more is being committed).
const PLANNED: usize = 1;
/// Reports counted by the event tallies kept in memory for merging (a tally grows by about a
/// hundred bytes per report, plus what each distinct value takes).
const CACHED_REPORTS: usize = 65_536;
/// Events read at a time when the part-of links are rebuilt.
const LINKS_PAGE: PageLimit = PageLimit { items: 4096, bytes: usize::MAX };

/// One extracted article to store.
#[derive(Clone)]
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

/// Hands articles to the writer. Cheap to clone; its threads end when every clone is dropped and
/// the queue is drained.
#[derive(Clone)]
pub struct Writer {
    tx: mpsc::Sender<(Submission, Ack)>,
}

impl Writer {
    /// Starts the writer's threads on `store`; the handle is the committer's, the last to end.
    pub fn spawn(store: Store, merge: MergeConfig, publish: Publish) -> Result<(Writer, thread::JoinHandle<()>)> {
        let progress = Arc::new(Progress::default());
        let planner = Planner::load(store.clone(), merge, progress.clone())?;
        let committer = Committer { store, progress };
        let (tx, rx) = mpsc::channel(QUEUE);
        let (planned_tx, planned_rx) = sync_channel(PLANNED);
        let failed_to_start = |e| StoreError::DataDir { path: "writer thread".into(), source: Arc::new(e) };
        let handle = thread::Builder::new()
            .name("rasad-writer".into())
            .spawn(move || committer.run(planned_rx, publish))
            .map_err(failed_to_start)?;
        thread::Builder::new().name("rasad-planner".into()).spawn(move || planner.run(rx, planned_tx)).map_err(failed_to_start)?;
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

/// How far the committer has come, for the planner to wait on.
#[derive(Default)]
struct Progress {
    state: Mutex<Finished>,
    changed: Condvar,
}

#[derive(Default, Clone, Copy)]
struct Finished {
    /// Planned batches the committer has finished with (committed or refused).
    batches: u64,
    /// Whether a commit failed since the planner last rebuilt its memory.
    failed: bool,
}

impl Progress {
    fn now(&self) -> Finished {
        *self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Waits until the committer has finished with `batches` batches.
    fn wait_for(&self, batches: u64) -> Finished {
        let state = self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        *self.changed.wait_while(state, |s| s.batches < batches).unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn finish(&self, failed: bool) {
        let mut state = self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        state.batches += 1;
        state.failed |= failed;
        self.changed.notify_all();
    }

    fn recovered(&self) {
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).failed = false;
    }
}

/// A batch ready to commit.
struct Planned {
    writes: Vec<Write>,
    /// One per article, in the order queued, with its acknowledgement.
    results: Vec<(IngestResult, Ack)>,
    updates: Vec<Arc<LoggedUpdate>>,
    /// The last sequence number of the batch (the log's head once committed).
    head: u64,
    next_event: u64,
}

/// The articles of the batches sent to the committer and not yet known to be committed, so
/// that a duplicate of one is found before it is in the store.
#[derive(Default)]
struct Uncommitted {
    /// (batch number, its articles' ids and text hashes), oldest first.
    batches: VecDeque<(u64, Vec<(String, TextHash)>)>,
    ids: FxHashSet<String>,
    texts: FxHashMap<TextHash, String>,
}

impl Uncommitted {
    fn add(&mut self, batch: u64, id: &str, text_hash: TextHash) {
        if self.batches.back().is_none_or(|(b, _)| *b != batch) {
            self.batches.push_back((batch, Vec::new()));
        }
        if let Some((_, articles)) = self.batches.back_mut() {
            articles.push((id.to_string(), text_hash));
        }
        self.ids.insert(id.to_string());
        self.texts.insert(text_hash, id.to_string());
    }

    /// The id of an uncommitted article with this id or text.
    fn duplicate(&self, id: &str, text_hash: &TextHash) -> Option<String> {
        if self.ids.contains(id) { Some(id.to_string()) } else { self.texts.get(text_hash).cloned() }
    }

    /// Forgets the batches up to number `committed`.
    fn forget_through(&mut self, committed: u64) {
        while self.batches.front().is_some_and(|(b, _)| *b <= committed) {
            if let Some((_, articles)) = self.batches.pop_front() {
                for (id, text_hash) in articles {
                    self.ids.remove(&id);
                    self.texts.remove(&text_hash);
                }
            }
        }
    }
}

struct Planner {
    store: Store,
    merger: Merger,
    tallies: TallyCache,
    /// Sequence number of the next update.
    next_seq: u64,
    next_event: u64,
    /// Batches sent to the committer (the number of the last one).
    sent: u64,
    uncommitted: Uncommitted,
    progress: Arc<Progress>,
}

impl Planner {
    fn load(store: Store, merge: MergeConfig, progress: Arc<Progress>) -> Result<Planner> {
        let mut planner = Planner {
            store,
            merger: Merger::new(merge),
            tallies: TallyCache::new(CACHED_REPORTS),
            next_seq: 1,
            next_event: 1,
            sent: 0,
            uncommitted: Uncommitted::default(),
            progress,
        };
        planner.reload()?;
        Ok(planner)
    }

    /// Rebuilds everything the planner remembers from the store, with nothing in flight: the
    /// counters, the merge index (from the stored reports), the part-of links (from the stored
    /// events), and an empty tally cache (it may hold the writes of a transaction that did not
    /// commit).
    fn reload(&mut self) -> Result<()> {
        self.uncommitted = Uncommitted::default();
        self.tallies.clear();
        self.merger.clear();
        self.next_seq = self.store.head()? + 1;
        let txn = self.store.db.begin_read()?;
        self.next_event = txn.open_table(META)?.get("next_event")?.map_or(1, |v| v.value());
        let merger = &mut self.merger;
        self.store.for_each_report(|number, report| merger.file(number, &report))?;
        let mut linked = self.store.view(Arc::new(|e: &Event| !e.parent_id.is_empty() || !e.part_ids.is_empty()))?;
        while let Some(page) = linked.page(LINKS_PAGE)? {
            page.iter().for_each(|event| self.merger.file_links(event));
        }
        Ok(())
    }

    fn run(mut self, mut rx: mpsc::Receiver<(Submission, Ack)>, committer: SyncSender<Planned>) {
        while let Some(first) = rx.blocking_recv() {
            let mut batch = vec![first];
            while batch.len() < MAX_BATCH {
                match rx.try_recv() {
                    Ok(next) => batch.push(next),
                    Err(_) => break,
                }
            }
            let (submissions, acks): (Vec<_>, Vec<_>) = batch.into_iter().unzip();
            let planned = match self.prepare() {
                Ok(()) => self.plan(submissions, acks),
                Err(e) => Err((e, acks)),
            };
            match planned {
                Ok(planned) => {
                    self.sent += 1;
                    if committer.send(planned).is_err() {
                        break;
                    }
                }
                Err((e, acks)) => {
                    tracing::error!(error = %e, articles = acks.len(), "planning failed; articles not stored");
                    self.store.failed(&e);
                    for ack in acks {
                        let _ = ack.send(Err(e.clone()));
                    }
                    // Planning may have changed the memory halfway: rebuild it.
                    self.progress.wait_for(self.sent);
                    if let Err(e) = self.reload() {
                        tracing::error!(error = %e, "cannot rebuild the writer's memory from the store");
                    }
                }
            }
        }
        // Close the store before the committer may end: whoever joins it may reopen the store.
        drop(self);
        drop(committer);
    }

    /// Before planning a batch: after a failed commit, rebuilds the memory from the store; when
    /// the tally cache is full, waits until nothing is in flight and evicts.
    fn prepare(&mut self) -> Result<()> {
        let mut finished = self.progress.now();
        if finished.failed || self.tallies.full() {
            finished = self.progress.wait_for(self.sent);
        }
        if finished.failed {
            self.reload()?;
            self.progress.recovered();
        }
        self.uncommitted.forget_through(finished.batches);
        if finished.batches == self.sent {
            self.tallies.evict();
        }
        Ok(())
    }

    /// Plans one batch; on failure gives the acknowledgements back with the error.
    fn plan(&mut self, batch: Vec<Submission>, acks: Vec<Ack>) -> Result<Planned, (StoreError, Vec<Ack>)> {
        let mut results = Vec::with_capacity(batch.len());
        let mut updates = Vec::new();
        let mut writes = Vec::new();
        match self.plan_into(batch, &mut results, &mut updates, &mut writes) {
            Ok(next_event) => {
                Ok(Planned { writes, results: results.into_iter().zip(acks).collect(), updates, head: self.next_seq - 1, next_event })
            }
            Err(e) => Err((e, acks)),
        }
    }

    /// Decides duplicates and merges, filling `results` (one per article), `updates` and
    /// `writes`; returns the next event number. The counters advance only if it succeeds.
    fn plan_into(
        &mut self,
        batch: Vec<Submission>,
        results: &mut Vec<IngestResult>,
        updates: &mut Vec<Arc<LoggedUpdate>>,
        writes: &mut Vec<Write>,
    ) -> Result<u64> {
        let number = self.sent + 1;
        let mut seq = self.next_seq;
        let mut ids = merge::EventIds::new(self.next_event);
        let txn = self.store.db.begin_read()?;
        let articles = txn.open_table(ARTICLES)?;
        let texts = txn.open_table(TEXTS)?;
        let committed = Committed { reports: txn.open_table(REPORTS)?, corrupt: self.store.corrupt.clone() };
        let mut tables = Tables { committed, cache: &mut self.tallies, writes };
        for Submission { article, text_hash, extraction } in batch {
            let earlier = match self.uncommitted.duplicate(&article.id, &text_hash) {
                Some(id) => Some(id),
                None if articles.get(article.id.as_str())?.is_some() => Some(article.id.clone()),
                None => texts.get(text_hash.as_slice())?.map(|v| v.value().to_string()),
            };
            if let Some(duplicate_of) = earlier {
                results.push(plan::duplicate(article.id, duplicate_of));
                continue;
            }
            self.uncommitted.add(number, &article.id, text_hash);
            results.push(plan::plan_article(&mut self.merger, &mut tables, &mut ids, &mut seq, (article, text_hash, extraction), updates)?);
        }
        self.next_seq = seq;
        self.next_event = ids.next();
        Ok(self.next_event)
    }
}

/// The reports the planner's read transaction sees committed.
struct Committed {
    reports: redb::ReadOnlyTable<(u64, &'static str), &'static [u8]>,
    /// Counts the corrupt reports skipped.
    corrupt: prometheus_client::metrics::counter::Counter,
}

impl CommittedReports for Committed {
    fn reports_of(&mut self, number: u64) -> Result<Vec<Report>> {
        let mut reports = Vec::new();
        for entry in self.reports.range((number, "")..(number + 1, ""))? {
            let (k, v) = entry?;
            let report = decode::<Report>("reports", report_name(number, k.value().1), v.value());
            reports.extend(skip_corrupt(report, &self.corrupt)?);
        }
        Ok(reports)
    }
}

struct Committer {
    store: Store,
    progress: Arc<Progress>,
}

impl Committer {
    fn run(self, planned: Receiver<Planned>, mut publish: Publish) {
        for Planned { writes, results, updates, head, next_event } in planned {
            // A batch planned on top of one that failed to commit cannot be stored either.
            if self.progress.now().failed {
                for (_, ack) in results {
                    let _ = ack.send(Err(StoreError::Aborted));
                }
                self.progress.finish(true);
                continue;
            }
            let started = Instant::now();
            match self.commit(&writes, next_event) {
                Ok(()) => {
                    let seconds = started.elapsed().as_secs_f64();
                    publish(Commit { updates, head, articles: results.len(), seconds });
                    for (result, ack) in results {
                        let _ = ack.send(Ok(result));
                    }
                    self.progress.finish(false);
                }
                Err(e) => {
                    tracing::error!(error = %e, articles = results.len(), "commit failed; articles not stored");
                    self.store.failed(&e);
                    for (_, ack) in results {
                        let _ = ack.send(Err(e.clone()));
                    }
                    self.progress.finish(true);
                }
            }
        }
    }

    /// Makes `writes` in one transaction and commits it.
    fn commit(&self, writes: &[Write], next_event: u64) -> Result<()> {
        let txn = self.store.db.begin_write()?;
        {
            let mut articles = txn.open_table(ARTICLES)?;
            let mut texts = txn.open_table(TEXTS)?;
            let mut events = txn.open_table(EVENTS)?;
            let mut reports = txn.open_table(REPORTS)?;
            let mut merged = txn.open_table(MERGED_INTO)?;
            let mut log = txn.open_table(LOG)?;
            for write in writes {
                match write {
                    Write::Article { id, text_hash, result } => {
                        articles.insert(id.as_str(), seal(result).as_slice())?;
                        texts.insert(text_hash.as_slice(), id.as_str())?;
                    }
                    Write::Report { number, key, report } => {
                        reports.insert((*number, key.as_str()), seal(report).as_slice())?;
                    }
                    Write::Absorb { into, from } => {
                        let mut moved = Vec::new();
                        for entry in reports.range((*from, "")..(*from + 1, ""))? {
                            let (k, v) = entry?;
                            moved.push((k.value().1.to_string(), v.value().to_vec()));
                        }
                        for (key, report) in moved {
                            reports.remove((*from, key.as_str()))?;
                            reports.insert((*into, key.as_str()), report.as_slice())?;
                        }
                        events.remove(*from)?;
                        merged.insert(*from, *into)?;
                    }
                    Write::Update { number, sequence, record, .. } => {
                        log.insert(*sequence, seal(record).as_slice())?;
                        events.insert(*number, *sequence)?;
                    }
                }
            }
            txn.open_table(META)?.insert("next_event", next_event)?;
        }
        txn.commit()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        proto::{ActorKind, DatePrecision, Event, EventDate, EventType, IngestOutcome, Participant, UpdateKind},
        store::flaky_disk::FlakyDisk,
    };

    /// Article `i`: one meeting of its own (a year apart from every other one).
    fn submission(i: usize) -> Submission {
        let state = |code: &str| Participant {
            actor_id: format!("state/{code}"),
            kind: ActorKind::State.into(),
            country: code.into(),
            ..Default::default()
        };
        let event = Event {
            event_type: EventType::Consult.into(),
            participants: vec![state("RUS"), state("USA")],
            date: Some(EventDate { start: format!("{}-05-01", 1900 + i), precision: DatePrecision::Day.into(), ..Default::default() }),
            ..Default::default()
        };
        let article = Article { id: format!("a{i}"), text: format!("text {i}"), published_at: "2020-01-01".into(), ..Default::default() };
        let extraction = ExtractResponse { article_id: article.id.clone(), events: vec![event], warnings: vec![] };
        Submission { text_hash: super::super::text_hash(&article.text), article, extraction }
    }

    /// Queues articles `ids` at once; their acknowledgements, in order.
    fn store_all(writer: &Writer, ids: std::ops::Range<usize>) -> Vec<Result<IngestResult>> {
        let runtime = tokio::runtime::Builder::new_current_thread().build().expect("runtime");
        runtime.block_on(async {
            let mut pending = Vec::new();
            for i in ids {
                pending.push(writer.enqueue(submission(i)).await.expect("queued"));
            }
            let mut acks = Vec::new();
            for p in pending {
                acks.push(p.durable().await);
            }
            acks
        })
    }

    #[test]
    fn a_failed_commit_acknowledges_nothing_it_did_not_store_and_loses_nothing_it_did() {
        let disk = FlakyDisk::default();
        let (writer, thread) =
            Writer::spawn(Store::on_backend(disk.clone()).expect("store"), MergeConfig::default(), Box::new(|_| {})).expect("writer");
        let stored = store_all(&writer, 0..5);
        assert!(stored.iter().all(|a| a.as_ref().is_ok_and(|r| r.outcome() == IngestOutcome::Accepted)), "{stored:?}");
        disk.fail(true);
        let refused = store_all(&writer, 5..40);
        assert!(refused.iter().all(Result::is_err), "nothing is acknowledged while the disk fails: {refused:?}");
        drop(writer);
        thread.join().expect("writer thread");

        // Restarted on the disk as it was left: what was acknowledged is there, and the rest can
        // be sent again, with the log numbered on without a gap.
        disk.fail(false);
        let store = Store::on_backend(disk.clone()).expect("the store reopens");
        assert_eq!(store.head().expect("head"), 5);
        let (writer, thread) = Writer::spawn(store.clone(), MergeConfig::default(), Box::new(|_| {})).expect("writer");
        let again = store_all(&writer, 0..40);
        let outcomes: Vec<IngestOutcome> = again.iter().map(|a| a.as_ref().expect("stored").outcome()).collect();
        assert_eq!(outcomes[..5], [IngestOutcome::Duplicate; 5]);
        assert!(outcomes[5..].iter().all(|&o| o == IngestOutcome::Accepted), "{outcomes:?}");
        drop(writer);
        thread.join().expect("writer thread");
        let log = store.read_log(0, 100).expect("log");
        assert_eq!(log.iter().map(|u| u.head.sequence).collect::<Vec<_>>(), (1..=40).collect::<Vec<_>>());
        assert!(log.iter().all(|u| u.head.kind == UpdateKind::Created), "one new event per article");
    }
}
