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
//! subscriber was most of the server's work with a hundred of them behind.
//!
//! Updates travel as [`LoggedUpdate`]s: the filter reads the decoded update, and every
//! subscriber sends the same encoded bytes (the log record), so fan-out costs a reference
//! count per subscriber rather than a copy and an encoding.

use std::{
    collections::VecDeque,
    sync::{Arc, Mutex},
};

use prost::{Message, bytes::Bytes};
use tokio::sync::{broadcast, mpsc, watch};
use tokio_util::sync::CancellationToken;
use tonic::Status;

use super::{filter::UpdateFilter, metrics::Metrics};
use crate::{
    proto::{EventUpdate, UpdateKind},
    store::{LoggedUpdate, Store},
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

/// Encoded `EventUpdate`s on their way to one client.
pub type Sink = mpsc::Sender<Result<Bytes, Status>>;

/// The live tail and the log head. Cheap to clone.
#[derive(Clone)]
pub struct Hub {
    tail: broadcast::Sender<Batch>,
    head: watch::Sender<u64>,
    store: Store,
    metrics: Metrics,
    chunks: Arc<RecentChunks>,
}

/// Consecutive updates of one commit, in sequence order.
type Batch = Arc<[Arc<LoggedUpdate>]>;

/// A chunk of the log: the updates after `n * CHUNK`, up to `CHUNK` of them.
type Chunk = Arc<Vec<LoggedUpdate>>;

/// The full chunks of the log read last. The log never changes, so a hundred subscriptions
/// that fell behind together read and decode each chunk once between them.
#[derive(Default)]
struct RecentChunks(Mutex<VecDeque<(u64, Chunk)>>);

impl RecentChunks {
    fn get(&self, n: u64) -> Option<Chunk> {
        self.0.lock().ok()?.iter().find(|(k, _)| *k == n).map(|(_, c)| c.clone())
    }

    fn put(&self, n: u64, chunk: Chunk) {
        if let Ok(mut chunks) = self.0.lock() {
            if chunks.len() == SHARED_CHUNKS {
                chunks.pop_front();
            }
            chunks.push_back((n, chunk));
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
    pub fn new(store: Store, head: u64, metrics: Metrics) -> Hub {
        Hub { tail: broadcast::channel(TAIL).0, head: watch::Sender::new(head), store, metrics, chunks: Arc::default() }
    }

    /// Called by the writer after a commit: the new head first, then the updates.
    pub fn publish(&self, updates: Vec<Arc<LoggedUpdate>>, head: u64) {
        self.head.send_replace(head);
        for batch in updates.chunks(BATCH) {
            // No receivers is fine: nobody is subscribed.
            let _ = self.tail.send(batch.into());
        }
    }

    /// Runs one subscription until the client goes away, `shutdown`, or a storage error (sent
    /// to the client as its final status).
    pub async fn subscribe(self, filter: UpdateFilter, start: Start, sink: Sink, shutdown: CancellationToken) {
        let _counted = Counted::new(&self.metrics);
        let mut sub = Subscription { hub: self, filter, sink, shutdown, last: 0 };
        if let Err(status) = sub.run(start).await {
            let _ = sub.sink.send(Err(status)).await;
        }
    }
}

/// Counts an open subscription in the `subscribers` gauge while it lives.
struct Counted(Metrics);

impl Counted {
    fn new(metrics: &Metrics) -> Counted {
        metrics.subscribers.inc();
        Counted(metrics.clone())
    }
}

impl Drop for Counted {
    fn drop(&mut self) {
        self.0.subscribers.dec();
    }
}

/// Why delivery stopped early.
enum Stop {
    /// The client disconnected or the server is shutting down: end quietly.
    Quiet,
    Failed(Status),
}

impl From<crate::store::StoreError> for Stop {
    fn from(e: crate::store::StoreError) -> Self {
        Stop::Failed(Status::unavailable(format!("reading the update log failed: {e}; resubscribe with after_sequence")))
    }
}

struct Subscription {
    hub: Hub,
    filter: UpdateFilter,
    sink: Sink,
    shutdown: CancellationToken,
    /// The sequence of the last update delivered or skipped by the filter.
    last: u64,
}

impl Subscription {
    async fn run(&mut self, start: Start) -> Result<(), Status> {
        match self.follow(start).await {
            Ok(()) | Err(Stop::Quiet) => Ok(()),
            Err(Stop::Failed(status)) => Err(status),
        }
    }

    async fn follow(&mut self, start: Start) -> Result<(), Stop> {
        // Join the tail before looking at the store, so nothing committed in between is missed.
        let mut tail = self.hub.tail.subscribe();
        self.last = match start {
            Start::Live => *self.hub.head.borrow(),
            Start::After(n) => n,
            Start::Snapshot => self.snapshot().await?,
        };
        loop {
            self.catch_up().await?;
            loop {
                let received = tokio::select! {
                    () = self.shutdown.cancelled() => return Err(Stop::Quiet),
                    () = self.sink.closed() => return Err(Stop::Quiet),
                    received = tail.recv() => received,
                };
                let batch = match received {
                    Ok(batch) => batch,
                    Err(broadcast::error::RecvError::Lagged(_)) => {
                        self.hub.metrics.subscriber_catchups.inc();
                        break;
                    }
                    Err(broadcast::error::RecvError::Closed) => return Err(Stop::Quiet),
                };
                if !self.follow_batch(&batch).await? {
                    // A gap (we fell behind): read the rest from the store.
                    self.hub.metrics.subscriber_catchups.inc();
                    break;
                }
            }
        }
    }

    /// Delivers the updates of `batch` that follow the last one seen; false when they do not
    /// follow it directly (updates are missing in between).
    async fn follow_batch(&mut self, batch: &[Arc<LoggedUpdate>]) -> Result<bool, Stop> {
        for logged in batch {
            let sequence = logged.update.sequence;
            if sequence > self.last + 1 {
                return Ok(false);
            }
            if sequence == self.last + 1 {
                self.deliver(logged).await?;
            }
        }
        Ok(true)
    }

    /// Sends the matching current events; returns the log position they reflect.
    async fn snapshot(&mut self) -> Result<u64, Stop> {
        let filter = self.filter.events.clone();
        let (events, head) = self.hub.store.read(move |s| s.snapshot(|e| filter.matches(e))).await?;
        for event in events {
            let update = EventUpdate { sequence: head, kind: UpdateKind::Snapshot.into(), event: Some(event), ..Default::default() };
            self.send(update.encode_to_vec().into()).await?;
        }
        Ok(head)
    }

    /// Delivers everything committed after `last` from the store.
    async fn catch_up(&mut self) -> Result<(), Stop> {
        loop {
            let n = self.last / CHUNK;
            let chunk = match self.hub.chunks.get(n) {
                Some(chunk) => chunk,
                None => {
                    let chunk: Chunk = Arc::new(self.hub.store.read(move |s| s.read_log(n * CHUNK, CHUNK as usize)).await?);
                    if chunk.len() as u64 == CHUNK {
                        self.hub.chunks.put(n, chunk.clone());
                    }
                    chunk
                }
            };
            let after = self.last;
            for update in chunk.iter().filter(|u| u.update.sequence > after) {
                self.deliver(update).await?;
            }
            if (chunk.len() as u64) < CHUNK {
                return Ok(());
            }
        }
    }

    /// Sends `logged` if it matches the filter; either way it is now the last one seen.
    async fn deliver(&mut self, logged: &LoggedUpdate) -> Result<(), Stop> {
        let update = &logged.update;
        self.last = update.sequence;
        if !self.filter.passes(update) {
            return Ok(());
        }
        let lag = self.hub.head.borrow().saturating_sub(update.sequence);
        self.hub.metrics.subscriber_lag.observe(lag as f64);
        self.send(logged.encoded.clone()).await
    }

    /// Queues `update` for the client, waiting only when its buffer is full.
    async fn send(&self, update: Bytes) -> Result<(), Stop> {
        let update = match self.sink.try_send(Ok(update)) {
            Ok(()) => return Ok(()),
            Err(mpsc::error::TrySendError::Closed(_)) => return Err(Stop::Quiet),
            Err(mpsc::error::TrySendError::Full(update)) => update,
        };
        tokio::select! {
            () = self.shutdown.cancelled() => Err(Stop::Quiet),
            sent = self.sink.send(update) => sent.map_err(|_| Stop::Quiet),
        }
    }
}
