//! The merge transaction of a distributed worker: a batch of extracted articles merged and
//! committed in one PostgreSQL transaction, with its updates in the `log` table (the outbox the
//! relay publishes from).
//!
//! Merge and commit are serialised across workers by one transaction-scoped advisory lock
//! (README, "Distributed mode", says why). Under it, a worker first brings its in-memory merge
//! engine up to the last commit (what other workers committed since its own last transaction:
//! their absorptions, reports and part-of links, which its cached tallies take in rather than
//! being dropped and read back from PostgreSQL), then decides duplicates, plans each article
//! with the same planner as the embedded writer (`crate::store::plan`), and writes.

use std::time::Instant;

use deadpool_postgres::GenericClient;
use prometheus_client::metrics::{counter::Counter, histogram::Histogram};
use rustc_hash::FxHashMap;
use tokio::runtime::Handle;

use super::{PgStore, head, message, pg, writes};
use crate::{
    merge::{self, EventIds, MergeConfig, Merger, Report, Tally},
    proto::{Event, IngestResult},
    store::{
        Result, TextHash,
        plan::{self, CommittedReports, Tables},
        tally_cache::TallyCache,
        writer::Submission,
    },
};

/// The advisory lock held by the merge transaction ("rasad-me").
const MERGE_LOCK: i64 = 0x7261_7361_642d_6d65;
/// Reports counted by the tallies a worker keeps in memory (as the embedded writer).
const CACHED_REPORTS: usize = 65_536;
/// The channel notified when updates are committed (the relay listens).
pub const LOG_CHANNEL: &str = "rasad_log";

/// One article of a batch: its extraction, and the sequence of its message in the articles
/// stream (to tell a redelivery from a second sending).
#[derive(Clone)]
pub struct Incoming {
    pub submission: Submission,
    pub stream_seq: u64,
}

/// What one transaction stored.
pub struct Committed {
    /// One per article, in the order given.
    pub results: Vec<IngestResult>,
    /// Updates written to the log.
    pub updates: usize,
}

/// What the merge transaction times and counts.
#[derive(Clone)]
pub struct CommitMetrics {
    /// Time waiting for the merge lock (another worker's transaction holds it).
    pub lock_wait_seconds: Histogram,
    /// Time catching up, under the lock, with what the other workers committed.
    pub catch_up_seconds: Histogram,
    /// Time deciding duplicates and planning the batch's articles, under the lock.
    pub plan_seconds: Histogram,
    /// Time writing the batch's rows and committing, under the lock.
    pub write_seconds: Histogram,
    /// Tallies folded again from the reports of their event read back from PostgreSQL.
    pub tallies_read: Counter,
}

/// A worker's merge engine over the PostgreSQL store.
pub struct PgWriter {
    store: PgStore,
    merger: Merger,
    tallies: TallyCache,
    /// The commit number the memory reflects; none: rebuild it from the store.
    known: Option<i64>,
    /// The number of the next event as of that commit: events numbered from it on are new to
    /// this worker.
    numbered: u64,
    metrics: CommitMetrics,
}

/// How an article of the batch is answered.
enum Decision {
    /// Answered without merging: the result, and whether to record the answer.
    Answered(IngestResult, bool),
    New(Submission),
}

impl PgWriter {
    pub fn new(store: PgStore, merge: MergeConfig, metrics: CommitMetrics) -> PgWriter {
        PgWriter { store, merger: Merger::new(merge), tallies: TallyCache::new(CACHED_REPORTS), known: None, numbered: 0, metrics }
    }

    /// Merges and commits `batch` in one transaction. After a failure the memory is rebuilt
    /// from the store by the next call.
    pub async fn commit(&mut self, batch: Vec<Incoming>) -> Result<Committed> {
        let committed = self.try_commit(batch).await;
        if committed.is_err() {
            self.known = None;
            self.tallies.clear();
        }
        committed
    }

    async fn try_commit(&mut self, batch: Vec<Incoming>) -> Result<Committed> {
        let mut client = self.store.client().await?;
        let txn = client.transaction().await.map_err(pg)?;
        let waited = Instant::now();
        txn.execute("SELECT pg_advisory_xact_lock($1)", &[&MERGE_LOCK]).await.map_err(pg)?;
        self.metrics.lock_wait_seconds.observe(waited.elapsed().as_secs_f64());
        let commit_no = meta(&txn, "commit_no").await? + 1;
        let next_event = meta(&txn, "next_event").await? as u64;
        let caught_up = Instant::now();
        self.catch_up(&txn, commit_no - 1, next_event).await?;
        self.metrics.catch_up_seconds.observe(caught_up.elapsed().as_secs_f64());
        let planned = Instant::now();
        let stream_seqs: FxHashMap<String, u64> = batch.iter().map(|i| (i.submission.article.id.clone(), i.stream_seq)).collect();
        let decisions = decide(&txn, batch).await?;
        let mut ids = EventIds::new(next_event);
        let mut sequence = head(&txn).await? + 1;
        let (mut writes, mut updates, mut results, mut answered) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let handle = Handle::current();
        tokio::task::block_in_place(|| {
            let committed = Reports { txn: &txn, handle, read: &self.metrics.tallies_read };
            let mut tables = Tables { committed, cache: &mut self.tallies, writes: &mut writes };
            for decision in decisions {
                let result = match decision {
                    Decision::Answered(result, record) => {
                        if record {
                            answered.push(result.clone());
                        }
                        result
                    }
                    Decision::New(Submission { article, text_hash, extraction }) => plan::plan_article(
                        &mut self.merger,
                        &mut tables,
                        &mut ids,
                        &mut sequence,
                        (article, text_hash, extraction),
                        &mut updates,
                    )?,
                };
                results.push(result);
            }
            Ok::<_, crate::store::StoreError>(())
        })?;
        self.metrics.plan_seconds.observe(planned.elapsed().as_secs_f64());
        let written = Instant::now();
        writes::apply(&txn, &writes, commit_no, &stream_seqs).await?;
        writes::record_answers(&txn, &answered, &stream_seqs).await?;
        set_meta(&txn, "next_event", ids.next() as i64).await?;
        set_meta(&txn, "commit_no", commit_no).await?;
        if !updates.is_empty() {
            txn.execute("SELECT pg_notify($1, '')", &[&LOG_CHANNEL]).await.map_err(pg)?;
        }
        txn.commit().await.map_err(pg)?;
        self.metrics.write_seconds.observe(written.elapsed().as_secs_f64());
        self.known = Some(commit_no);
        self.numbered = ids.next();
        self.tallies.evict();
        Ok(Committed { results, updates: updates.len() })
    }

    /// Brings the merge engine's memory up to commit `commit_no`, whose next event number is
    /// `next_event`: what the other workers committed since this worker's last transaction.
    /// The tallies in memory stay, each taking in the reports the others added to its event,
    /// and the events the others created get tallies of their reports (they all come this way);
    /// only the tallies of events the others merged (the absorbed one, and the absorbing one,
    /// which gained reports committed earlier) are dropped, to be read again when needed.
    async fn catch_up(&mut self, txn: &impl GenericClient, commit_no: i64, next_event: u64) -> Result<()> {
        let since = match self.known {
            Some(known) if known == commit_no => return Ok(()),
            Some(known) => known,
            None => {
                self.merger.clear();
                self.tallies.clear();
                0
            }
        };
        let mut merged = Vec::new();
        if since > 0 {
            let absorbed = txn.query("SELECT into_n, n FROM merged_into WHERE commit_no > $1 ORDER BY ord", &[&since]).await.map_err(pg)?;
            for row in &absorbed {
                let (into, from) = (row.get::<_, i64>(0) as u64, row.get::<_, i64>(1) as u64);
                self.merger.absorbed(into, from);
                merged.extend([into, from]);
            }
        }
        for row in txn.query("SELECT event, key, report FROM reports WHERE commit_no > $1", &[&since]).await.map_err(pg)? {
            let (n, key): (i64, &str) = (row.get(0), row.get(1));
            let report: Report = message("reports", format!("{n}/{key}"), row.get(2))?;
            let n = n as u64;
            self.merger.file(n, &report);
            if !self.tallies.add_committed(n, &report) && since > 0 && n >= self.numbered {
                self.tallies.put(n, Tally::of_reports([&report]));
            }
        }
        for n in merged {
            self.tallies.remove(n);
        }
        for links in saved_events(txn, since).await? {
            if let Some(n) = merge::parse_event_id(&links.id) {
                self.tallies.restated(n);
            }
            if links.linked() {
                self.merger.file_links(&links.into_event());
            }
        }
        self.known = Some(commit_no);
        self.numbered = next_event;
        Ok(())
    }
}

/// What catching up needs of a saved event: its id and part-of links. Decoded from a stored
/// `Event` or a logged `EventUpdate` (field 3) without the rest of the event, which prost skips
/// without allocating: the log's records are most of what catching up reads.
#[derive(Clone, PartialEq, prost::Message)]
struct EventLinks {
    #[prost(string, tag = "1")]
    id: String,
    #[prost(string, tag = "18")]
    parent_id: String,
    #[prost(string, repeated, tag = "19")]
    part_ids: Vec<String>,
}

/// A logged update, read for its event's [`EventLinks`] only.
#[derive(Clone, PartialEq, prost::Message)]
struct UpdateLinks {
    #[prost(message, optional, tag = "3")]
    event: Option<EventLinks>,
}

impl EventLinks {
    /// Whether the event is a part or a whole of another.
    fn linked(&self) -> bool {
        !self.parent_id.is_empty() || !self.part_ids.is_empty()
    }

    /// An event with these links and nothing else.
    fn into_event(self) -> Event {
        Event { id: self.id, parent_id: self.parent_id, part_ids: self.part_ids, ..Default::default() }
    }
}

/// The events saved by the commits after `since`, as their updates left them, in order; since
/// commit 0, the stored events that have part-of links (all that the merge engine needs of
/// them).
async fn saved_events(txn: &impl GenericClient, since: i64) -> Result<Vec<EventLinks>> {
    if since == 0 {
        let mut events = Vec::new();
        for row in txn.query("SELECT n, event FROM events", &[]).await.map_err(pg)? {
            let links: EventLinks = message("events", row.get::<_, i64>(0), row.get(1))?;
            events.extend(links.linked().then_some(links));
        }
        return Ok(events);
    }
    let rows = txn.query("SELECT seq, record FROM log WHERE commit_no > $1 ORDER BY seq", &[&since]).await.map_err(pg)?;
    rows.iter().map(|row| Ok(message::<UpdateLinks>("log", row.get::<_, i64>(0), row.get(1))?.event.unwrap_or_default())).collect()
}

/// The committed reports, read in the merge transaction; `read` counts the events read.
struct Reports<'t> {
    txn: &'t deadpool_postgres::Transaction<'t>,
    handle: Handle,
    read: &'t Counter,
}

impl CommittedReports for Reports<'_> {
    fn reports_of(&mut self, number: u64) -> Result<Vec<Report>> {
        self.read.inc();
        let rows = self
            .handle
            .block_on(self.txn.query("SELECT key, report FROM reports WHERE event = $1 ORDER BY key", &[&(number as i64)]))
            .map_err(pg)?;
        rows.iter().map(|row| message("reports", format!("{number}/{}", row.get::<_, &str>(0)), row.get(1))).collect()
    }
}

/// Decides which articles of the batch are answered without merging: those already answered
/// (a redelivered message gets its stored result again) and duplicates, by id or by text, of a
/// stored article or of an earlier one of the batch. The stored articles of the batch's ids and
/// texts are read with one query each.
async fn decide(txn: &deadpool_postgres::Transaction<'_>, batch: Vec<Incoming>) -> Result<Vec<Decision>> {
    let ids: Vec<&str> = batch.iter().map(|i| i.submission.article.id.as_str()).collect();
    let hashes: Vec<&[u8]> = batch.iter().map(|i| i.submission.text_hash.as_slice()).collect();
    let by_id = txn.prepare_cached("SELECT id, stored, stream_seq, result FROM articles WHERE id = ANY($1)").await.map_err(pg)?;
    let mut answered: FxHashMap<String, (bool, u64, IngestResult)> = FxHashMap::default();
    for row in txn.query(&by_id, &[&ids]).await.map_err(pg)? {
        let id: String = row.get(0);
        let result: IngestResult = message("articles", &id, row.get(3))?;
        answered.insert(id, (row.get(1), row.get::<_, i64>(2) as u64, result));
    }
    let by_text = txn.prepare_cached("SELECT text_hash, id FROM articles WHERE text_hash = ANY($1) AND stored").await.map_err(pg)?;
    let mut stored_texts: FxHashMap<Vec<u8>, String> = FxHashMap::default();
    for row in txn.query(&by_text, &[&hashes]).await.map_err(pg)? {
        stored_texts.insert(row.get(0), row.get(1));
    }
    let mut in_batch: FxHashMap<String, String> = FxHashMap::default();
    let mut texts: FxHashMap<TextHash, String> = FxHashMap::default();
    let mut decisions = Vec::with_capacity(batch.len());
    for Incoming { submission, stream_seq } in batch {
        let id = submission.article.id.clone();
        let text_hash = submission.text_hash;
        if let Some(earlier) = in_batch.get(&id).or_else(|| texts.get(&text_hash)) {
            decisions.push(Decision::Answered(plan::duplicate(id, earlier.clone()), false));
            continue;
        }
        if let Some((stored, seq, result)) = answered.get(&id) {
            let decision = match (*seq == stream_seq, stored) {
                (true, _) => result.clone(),
                (false, true) => plan::duplicate(id, result.article_id.clone()),
                (false, false) => plan::duplicate(id, result.duplicate_of.clone()),
            };
            decisions.push(Decision::Answered(decision, false));
            continue;
        }
        if let Some(stored) = stored_texts.get(text_hash.as_slice()) {
            decisions.push(Decision::Answered(plan::duplicate(id, stored.clone()), true));
            continue;
        }
        in_batch.insert(id.clone(), id.clone());
        texts.insert(text_hash, id);
        decisions.push(Decision::New(submission));
    }
    Ok(decisions)
}

async fn meta(txn: &impl GenericClient, key: &str) -> Result<i64> {
    Ok(txn.query_one("SELECT value FROM meta WHERE key = $1", &[&key]).await.map_err(pg)?.get(0))
}

async fn set_meta(txn: &impl GenericClient, key: &str, value: i64) -> Result<()> {
    txn.execute("UPDATE meta SET value = $2 WHERE key = $1", &[&key, &value]).await.map_err(pg)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use prost::Message;

    use super::*;
    use crate::proto::{EventUpdate, Participant};

    #[test]
    fn the_links_of_an_event_are_read_from_a_stored_event_and_a_logged_update() {
        let event = Event {
            id: "ev-7".into(),
            parent_id: "ev-3".into(),
            part_ids: vec!["ev-9".into(), "ev-11".into()],
            participants: vec![Participant { actor_id: "state/RUS".into(), ..Default::default() }],
            ..Default::default()
        };
        let links = EventLinks { id: "ev-7".into(), parent_id: "ev-3".into(), part_ids: vec!["ev-9".into(), "ev-11".into()] };
        assert_eq!(EventLinks::decode(event.encode_to_vec().as_slice()).unwrap(), links);
        let update = EventUpdate { sequence: 4, event: Some(event.clone()), article_id: "a".into(), ..Default::default() };
        assert_eq!(UpdateLinks::decode(update.encode_to_vec().as_slice()).unwrap().event, Some(links.clone()));
        assert_eq!(links.into_event(), Event { participants: vec![], ..event });
    }
}
