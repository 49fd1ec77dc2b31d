//! The hub: fans committed updates out to subscribers.
//!
//! The writer publishes each transaction's updates, in batches, to a bounded broadcast buffer
//! (the live tail) after setting the log head: a subscriber wakes once per batch, not once per
//! update (with a hundred subscribers, waking each for every update was a fifth of the server's
//! work). A subscription reads what it needs from the store (a replay from
//! `after_sequence`, or a catch-up after it fell behind the buffer) and then follows the tail,
//! skipping what it already sent. Every update is delivered exactly once and in order: the
//! subscription always knows the last sequence it delivered, and anything that does not follow
//! it directly is read from the store instead. A slow subscriber therefore never slows ingest
//! (broadcast sends never wait) and never loses an update. Subscriptions that fell behind
//! together share the chunks of the log they read (`RecentChunks`): decoding the log once per
//! subscriber was most of the server's work with a hundred of them behind. The shared chunks are
//! kept only while a subscription is reading the log, so a replay of the whole log leaves no
//! memory behind once it has caught up.
//!
//! A subscription is the gRPC response stream itself, with no task or queue of its own: it
//! reads the tail or the store only when the client's connection takes more, so a client that
//! stops reading costs nothing while it waits, and one that goes away drops its subscription
//! with its stream.
//!
//! A snapshot is read the same way, a page at a time ([`SNAPSHOT_PAGE`]) from one view of the
//! store ([`EventsView`]: one read transaction) held from its first page to its last: the next
//! page is read only once the client has taken the last one, so a snapshot of any size holds one
//! page in memory, and ingest goes on meanwhile without an event being sent twice or missed. The
//! log is then read from the position the view reflects. A subscriber that goes away mid-snapshot
//! drops the view with its stream, which ends the transaction.
//!
//! Updates travel as [`LoggedUpdate`]s: the filter reads the update's head, and every
//! subscriber sends the same encoded bytes (the log record), so fan-out costs a reference
//! count per subscriber rather than a copy and an encoding.

use std::{
    collections::VecDeque,
    sync::{Arc, Mutex},
};

use futures_util::stream::{self, Stream};
use prometheus_client::metrics::gauge::Gauge;
use prost::{Message, bytes::Bytes};
use tokio::sync::{broadcast, watch};
use tokio_util::sync::CancellationToken;
use tonic::Status;

use super::{filter::UpdateFilter, metrics::Metrics};
use crate::{
    proto::{EventUpdate, UpdateKind},
    store::{EventReads, EventsView, LoggedUpdate, PageLimit},
};

/// Batches kept for subscribers in the live buffer (at most `TAIL * BATCH` updates).
const TAIL: usize = 1024;
/// Most updates in one batch of the live buffer: a commit's updates travel in batches of this size.
const BATCH: usize = 16;
/// Updates read from the store per read transaction when catching up; chunks start after a
/// multiple of it, so that subscriptions behind by the same updates read the same chunks.
const CHUNK: u64 = 512;
/// Full chunks kept for other subscriptions catching up over the same part of the log.
const SHARED_CHUNKS: usize = 16;
/// The events of a snapshot read at a time: a page holds at most this many, of at most this
/// many bytes encoded.
const SNAPSHOT_PAGE: PageLimit = PageLimit { items: 256, bytes: 1 << 20 };

/// The live tail and the log head. Cheap to clone.
#[derive(Clone)]
pub struct Hub {
    tail: broadcast::Sender<Batch>,
    head: watch::Sender<u64>,
    store: Arc<dyn EventReads>,
    metrics: Metrics,
    chunks: Arc<RecentChunks>,
}

/// Consecutive updates of one commit, in sequence order.
type Batch = Arc<[Arc<LoggedUpdate>]>;

/// A chunk of the log: the updates after `n * CHUNK`, up to `CHUNK` of them.
type Chunk = Arc<Vec<LoggedUpdate>>;

/// The full chunks of the log read last, while any subscription reads the log. The log never
/// changes, so a hundred subscriptions that fell behind together read and decode each chunk once
/// between them; when the last of them has caught up, the chunks are dropped.
#[derive(Default)]
struct RecentChunks(Mutex<Recent>);

#[derive(Default)]
struct Recent {
    chunks: VecDeque<(u64, Chunk)>,
    /// Subscriptions reading the log ([`Reading`]).
    readers: usize,
}

impl RecentChunks {
    fn get(&self, n: u64) -> Option<Chunk> {
        self.0.lock().ok()?.chunks.iter().find(|(k, _)| *k == n).map(|(_, c)| c.clone())
    }

    fn put(&self, n: u64, chunk: Chunk) {
        if let Ok(mut recent) = self.0.lock() {
            if recent.chunks.len() == SHARED_CHUNKS {
                recent.chunks.pop_front();
            }
            recent.chunks.push_back((n, chunk));
        }
    }
}

/// A subscription reading the log from the store: while one lives, full chunks are kept for
/// the others; the last one to stop drops them.
struct Reading(Arc<RecentChunks>);

impl Reading {
    fn new(chunks: &Arc<RecentChunks>) -> Reading {
        if let Ok(mut recent) = chunks.0.lock() {
            recent.readers += 1;
        }
        Reading(chunks.clone())
    }
}

impl Drop for Reading {
    fn drop(&mut self) {
        if let Ok(mut recent) = self.0.0.lock() {
            recent.readers -= 1;
            if recent.readers == 0 {
                recent.chunks.clear();
            }
        }
    }
}

/// Where a subscription starts.
#[derive(Debug, Clone, Copy)]
pub enum Start {
    /// Only updates committed from now on.
    Live,
    /// Every update after this sequence number.
    After(u64),
    /// The current matching events as SNAPSHOT updates, then live.
    Snapshot,
}

impl Hub {
    pub fn new(store: Arc<dyn EventReads>, head: u64, metrics: Metrics) -> Hub {
        Hub { tail: broadcast::channel(TAIL).0, head: watch::Sender::new(head), store, metrics, chunks: Arc::default() }
    }

    /// The sequence number of the last committed update.
    pub fn head(&self) -> u64 {
        *self.head.borrow()
    }

    /// Called by the writer after a commit: the new head first, then the updates.
    pub fn publish(&self, updates: Vec<Arc<LoggedUpdate>>, head: u64) {
        self.head.send_replace(head);
        self.metrics.live_batches.inc();
        for batch in updates.chunks(BATCH) {
            // No receivers is fine: nobody is subscribed.
            let _ = self.tail.send(batch.into());
        }
    }

    /// One subscription: the encoded updates for the client, until `shutdown` (then UNAVAILABLE
    /// with the sequence to resume after) or a storage error (the stream's last item).
    pub fn subscribe(self, filter: UpdateFilter, start: Start, shutdown: CancellationToken) -> impl Stream<Item = Result<Bytes, Status>> {
        // Join the tail before looking at the store, so nothing committed in between is missed.
        let tail = self.tail.subscribe();
        let (last, source) = match start {
            // Everything after the head comes through the tail, joined before reading the head.
            Start::Live => (*self.head.borrow(), Source::Tail),
            Start::After(n) => (n, Source::Store),
            Start::Snapshot => (0, Source::Snapshot),
        };
        let counted = Counted::new(&self.metrics.subscribers);
        let mut subscription = Subscription {
            hub: self,
            filter,
            shutdown,
            tail,
            last,
            source: Source::Done,
            reading: None,
            view: None,
            ready: VecDeque::new(),
            _counted: counted,
        };
        subscription.turn_to(source);
        stream::unfold(subscription, |mut subscription| async move {
            let update = subscription.next().await?;
            Some((update, subscription))
        })
    }
}

/// Counts what it goes with (a subscription, a snapshot view) in a gauge while it lives.
struct Counted(Gauge);

impl Counted {
    fn new(gauge: &Gauge) -> Counted {
        gauge.inc();
        Counted(gauge.clone())
    }
}

impl Drop for Counted {
    fn drop(&mut self) {
        self.0.dec();
    }
}

/// The view of a snapshot being read, counted in `snapshots_open`.
struct OpenView {
    view: Box<dyn EventsView>,
    _counted: Counted,
}

/// Why delivery stopped early.
enum Stop {
    /// The server is shutting down: the client is told where to resume.
    ShuttingDown,
    Failed(Status),
}

impl From<crate::store::StoreError> for Stop {
    fn from(e: crate::store::StoreError) -> Self {
        Stop::Failed(Status::unavailable(format!("reading the update log failed: {e}; resubscribe with after_sequence")))
    }
}

/// Where a subscription takes its next updates from.
enum Source {
    /// The current matching events, once, at the start, a page at a time.
    Snapshot,
    /// The log in the store, a chunk at a time, until its end.
    Store,
    /// The live tail.
    Tail,
    /// Nowhere: the subscription has ended.
    Done,
}

struct Subscription {
    hub: Hub,
    filter: UpdateFilter,
    shutdown: CancellationToken,
    tail: broadcast::Receiver<Batch>,
    /// The sequence of the last update queued or skipped by the filter.
    last: u64,
    source: Source,
    /// Held while the source is the store.
    reading: Option<Reading>,
    /// The snapshot's view, from its first page until the source is another.
    view: Option<OpenView>,
    /// Encoded updates to send, in order.
    ready: VecDeque<Bytes>,
    _counted: Counted,
}

impl Subscription {
    /// The next encoded update for the client; `None` once the subscription has ended.
    async fn next(&mut self) -> Option<Result<Bytes, Status>> {
        loop {
            if let Some(update) = self.ready.pop_front() {
                return Some(Ok(update));
            }
            let step = match self.source {
                Source::Snapshot => self.snapshot().await,
                Source::Store => self.catch_up().await,
                Source::Tail => self.follow().await,
                Source::Done => return None,
            };
            match step {
                Ok(()) => {}
                Err(Stop::ShuttingDown) => {
                    let resume = match self.source {
                        Source::Snapshot => "the snapshot was not sent whole: subscribe again with snapshot".to_string(),
                        _ => format!("resubscribe with after_sequence = {} to miss nothing", self.last),
                    };
                    self.turn_to(Source::Done);
                    return Some(Err(Status::unavailable(format!("the server is shutting down; {resume}"))));
                }
                Err(Stop::Failed(status)) => {
                    self.turn_to(Source::Done);
                    return Some(Err(status));
                }
            }
        }
    }

    /// Takes the next updates from `source`, counting as a reader of the log while it is the store;
    /// a snapshot's view is dropped (its transaction ends) once the source is another.
    fn turn_to(&mut self, source: Source) {
        self.reading = matches!(source, Source::Store).then(|| Reading::new(&self.hub.chunks));
        if !matches!(source, Source::Snapshot) {
            self.view = None;
        }
        self.source = source;
    }

    /// Queues the next page of the matching current events, opening the view at the first; after
    /// the last, the log is read from the position the view reflects.
    async fn snapshot(&mut self) -> Result<(), Stop> {
        let view = match &mut self.view {
            Some(open) => &mut open.view,
            None => {
                let open = self.open_view().await?;
                self.last = open.view.head();
                &mut self.view.insert(open).view
            }
        };
        let page = tokio::select! {
            biased;
            () = self.shutdown.cancelled() => return Err(Stop::ShuttingDown),
            page = view.next_page(SNAPSHOT_PAGE) => page?,
        };
        let Some(events) = page else {
            self.turn_to(Source::Store);
            return Ok(());
        };
        self.hub.metrics.snapshot_events.inc_by(events.len() as u64);
        for event in events {
            let update = EventUpdate { sequence: self.last, kind: UpdateKind::Snapshot.into(), event: Some(event), ..Default::default() };
            self.ready.push_back(update.encode_to_vec().into());
        }
        Ok(())
    }

    /// A view of the events the filter keeps, as they stand now.
    async fn open_view(&mut self) -> Result<OpenView, Stop> {
        let filter = self.filter.events.clone();
        let view = tokio::select! {
            biased;
            () = self.shutdown.cancelled() => return Err(Stop::ShuttingDown),
            view = self.hub.store.snapshot(Arc::new(move |e| filter.matches(e))) => view?,
        };
        Ok(OpenView { view, _counted: Counted::new(&self.hub.metrics.snapshots_open) })
    }

    /// Queues the matching updates of the chunk of the log after `last`; at the end of the log,
    /// turns to the tail.
    async fn catch_up(&mut self) -> Result<(), Stop> {
        let n = self.last / CHUNK;
        let chunk = match self.hub.chunks.get(n) {
            Some(chunk) => chunk,
            None => {
                let chunk: Chunk = Arc::new(self.hub.store.read_log(n * CHUNK, CHUNK as usize).await?);
                if chunk.len() as u64 == CHUNK {
                    self.hub.chunks.put(n, chunk.clone());
                }
                chunk
            }
        };
        let after = self.last;
        for update in chunk.iter().filter(|u| u.head.sequence > after) {
            self.queue(update);
        }
        if (chunk.len() as u64) < CHUNK {
            self.turn_to(Source::Tail);
        }
        Ok(())
    }

    /// Queues the matching updates of the next batch of the tail; when updates are missing in
    /// between (this subscription fell behind), turns to the store.
    async fn follow(&mut self) -> Result<(), Stop> {
        let received = tokio::select! {
            () = self.shutdown.cancelled() => return Err(Stop::ShuttingDown),
            received = self.tail.recv() => received,
        };
        let follows = match received {
            Ok(batch) => self.follow_batch(&batch),
            Err(broadcast::error::RecvError::Lagged(_)) => false,
            Err(broadcast::error::RecvError::Closed) => return Err(Stop::ShuttingDown),
        };
        if !follows {
            self.hub.metrics.subscriber_catchups.inc();
            self.turn_to(Source::Store);
        }
        Ok(())
    }

    /// Queues the updates of `batch` that follow the last one seen; false when they do not
    /// follow it directly (updates are missing in between).
    fn follow_batch(&mut self, batch: &[Arc<LoggedUpdate>]) -> bool {
        for logged in batch {
            let sequence = logged.head.sequence;
            if sequence > self.last + 1 {
                return false;
            }
            if sequence == self.last + 1 {
                self.queue(logged);
            }
        }
        true
    }

    /// Queues `logged` if it matches the filter; either way it is now the last one seen.
    fn queue(&mut self, logged: &LoggedUpdate) {
        let head = &logged.head;
        self.last = head.sequence;
        if self.filter.passes(head) {
            let lag = self.hub.head.borrow().saturating_sub(head.sequence);
            self.hub.metrics.subscriber_lag.observe(lag as f64);
            self.ready.push_back(logged.encoded.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use futures_util::StreamExt;

    use super::*;
    use crate::{
        proto::Event,
        store::{BoxFuture, EventPage, Keep, PageLimit, ReportPage, Result, UpdateHead},
    };

    /// A log of `len` updates of 1 KB each that counts its reads.
    struct Log {
        len: u64,
        reads: AtomicUsize,
    }

    impl EventReads for Log {
        fn head(&self) -> BoxFuture<'static, Result<u64>> {
            unreachable!("not read by subscriptions")
        }
        fn get_event(&self, _: u64) -> BoxFuture<'static, Result<Option<Event>>> {
            unreachable!("not read by subscriptions")
        }
        fn list_events(&self, _: Option<u64>, _: PageLimit, _: Keep) -> BoxFuture<'static, Result<EventPage>> {
            unreachable!("not read by subscriptions")
        }
        fn list_reports(&self, _: u64, _: String, _: PageLimit) -> BoxFuture<'static, Result<Option<ReportPage>>> {
            unreachable!("not read by subscriptions")
        }
        fn read_log(&self, after: u64, limit: usize) -> BoxFuture<'static, Result<Vec<LoggedUpdate>>> {
            self.reads.fetch_add(1, Ordering::Relaxed);
            let updates = (after + 1..=self.len.min(after + limit as u64))
                .map(|sequence| LoggedUpdate {
                    head: UpdateHead {
                        sequence,
                        kind: UpdateKind::Created,
                        event_type: 0,
                        status: 0,
                        participants: Vec::new(),
                        changed: 0,
                    },
                    encoded: Bytes::from(vec![0; 1024]),
                })
                .collect();
            Box::pin(async move { Ok(updates) })
        }
        fn snapshot(&self, _: Keep) -> BoxFuture<'static, Result<Box<dyn EventsView>>> {
            unreachable!("not read by these subscriptions")
        }
        fn serving(&self) -> watch::Receiver<bool> {
            watch::channel(true).1
        }
    }

    /// Two subscriptions replaying a log of three full chunks and a partial one together read
    /// each full chunk once between them, and once both have caught up no chunk is kept.
    #[tokio::test]
    async fn replays_share_the_chunks_they_read_and_keep_none_once_caught_up() {
        let len = 3 * CHUNK + 10;
        let log = Arc::new(Log { len, reads: AtomicUsize::new(0) });
        let hub = Hub::new(log.clone(), len, Metrics::default());
        let replay = || Box::pin(hub.clone().subscribe(UpdateFilter::default(), Start::After(0), CancellationToken::new()));
        let (mut first, mut second) = (replay(), replay());
        for _ in 0..len {
            assert!(first.next().await.is_some_and(|u| u.is_ok()));
            assert!(second.next().await.is_some_and(|u| u.is_ok()));
        }
        assert_eq!(log.reads.load(Ordering::Relaxed), 3 + 2, "each full chunk once, the partial one each");
        assert_eq!(hub.chunks.0.lock().expect("lock").chunks.len(), 0, "chunks kept after the replays caught up");
    }
}
