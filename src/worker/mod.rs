//! `rasad worker` assembled, for the distributed mode (README, "Distributed mode"): pulls the
//! articles the front ends published, extracts them (on a bounded pool of threads, each within
//! a time limit), merges and commits each batch in one PostgreSQL transaction ([`PgWriter`]),
//! sends each article's result to the front end waiting for it, and only then acknowledges its
//! message. Each worker also runs a candidate outbox relay ([`relay`]); one relays at a time.
//!
//! A worker that dies before acknowledging loses nothing: JetStream redelivers the articles
//! after the ack wait, and one already committed is answered with its stored result. A poison
//! article (the extractor fails on it or overruns its time, or it was delivered
//! [`MAX_DELIVERIES`] times without being committed) is set aside: copied to the dead-letter
//! stream, answered REJECTED, and never delivered again. When a batch fails to commit, its
//! articles are committed one by one, so one article that cannot be stored holds up no other.
//!
//! While PostgreSQL is out of reach, a worker keeps its batch and tries the commit again until it
//! is back, telling JetStream that it is still working on the batch's articles, so that an
//! outage neither hands them to another worker nor counts as a failed delivery. It pulls only
//! the articles it is about to process (no messages wait in its buffers, their ack wait
//! running, while it is stuck).

pub mod metrics;

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use async_nats::{
    HeaderMap,
    jetstream::{self, AckKind},
};
use prost::Message;
use tokio::sync::Semaphore;
use tokio_stream::StreamExt;
use tokio_util::sync::CancellationToken;

use crate::{
    bus::{Bus, BusError, REASON_HEADER, REPLY_HEADER, relay},
    merge::MergeConfig,
    proto::{Article, ExtractResponse, IngestOutcome, IngestResult},
    service::{Cancelled, EventExtractor},
    store::{
        postgres::{
            PgStore,
            commit::{Incoming, PgWriter},
            unreachable,
        },
        text_hash,
        writer::Submission,
    },
    worker::metrics::WorkerMetrics,
};

/// Deliveries of an article after which it is set aside.
pub const MAX_DELIVERIES: u64 = 5;
/// How long to wait before pulling again after the bus failed.
const RETRY: Duration = Duration::from_millis(500);
/// How long one pull waits for a first article.
const PULL_WAIT: Duration = Duration::from_secs(5);
/// The longest wait between two commits of a batch while PostgreSQL is out of reach (and at most
/// half the ack wait, so that JetStream hears often enough that the batch is being worked on).
const MAX_COMMIT_RETRY: Duration = Duration::from_secs(2);

/// Why a worker stopped other than by being asked to.
#[derive(Debug, thiserror::Error)]
pub enum WorkerError {
    #[error("the outbox relay task failed")]
    Relay(#[from] tokio::task::JoinError),
}

/// How a worker runs.
#[derive(Debug, Clone)]
pub struct WorkerConfig {
    /// Extraction threads.
    pub threads: usize,
    /// Most articles merged and committed in one transaction.
    pub batch: usize,
    /// Longest an extraction may take before its article is set aside.
    pub extract_timeout: Duration,
    pub merge: MergeConfig,
}

/// Runs a worker until `shutdown`, counting and timing in `metrics`.
pub async fn run(
    store: PgStore,
    bus: Bus,
    extractor: Arc<dyn EventExtractor>,
    config: WorkerConfig,
    metrics: WorkerMetrics,
    shutdown: CancellationToken,
) -> Result<(), WorkerError> {
    let relay = tokio::spawn(relay::run(store.clone(), bus.clone(), metrics.relay.clone(), shutdown.clone()));
    let mut worker = Worker {
        writer: PgWriter::new(store, config.merge.clone(), metrics.commit.clone()),
        bus,
        extractor,
        pool: Arc::new(Semaphore::new(config.threads.max(1))),
        extract_timeout: config.extract_timeout,
        metrics,
        shutdown: shutdown.clone(),
    };
    tracing::info!(threads = config.threads, batch = config.batch, "worker ready");
    while !shutdown.is_cancelled() {
        if let Err(e) = worker.pull(config.batch.max(1), &shutdown).await {
            tracing::warn!(error = %e, "pulling articles failed; pulling again");
            tokio::time::sleep(RETRY).await;
        }
    }
    relay.await?;
    Ok(())
}

struct Worker {
    writer: PgWriter,
    bus: Bus,
    extractor: Arc<dyn EventExtractor>,
    pool: Arc<Semaphore>,
    extract_timeout: Duration,
    metrics: WorkerMetrics,
    shutdown: CancellationToken,
}

/// What a worker needs of an article's message: the article, where to answer, its sequence in
/// the articles stream, and how often it was delivered.
struct Pulled {
    message: jetstream::Message,
    article: Article,
    reply: Option<String>,
    stream_seq: u64,
    delivered: u64,
}

impl Pulled {
    /// The message back when it holds no article.
    fn of(message: jetstream::Message) -> Result<Pulled, Box<jetstream::Message>> {
        let (stream_seq, delivered) = match message.info() {
            Ok(info) => (info.stream_sequence, info.delivered.max(1) as u64),
            Err(_) => return Err(Box::new(message)),
        };
        let Ok(article) = Article::decode(message.payload.clone()) else { return Err(Box::new(message)) };
        let reply = message.headers.as_ref().and_then(|h| h.get(REPLY_HEADER)).map(|v| v.to_string());
        Ok(Pulled { message, article, reply, stream_seq, delivered })
    }
}

/// An article extracted, waiting for its commit.
struct Extracted {
    message: jetstream::Message,
    reply: Option<String>,
    incoming: Incoming,
}

impl Worker {
    /// Processes batches of the articles waiting (as many as are there, up to `batch`) until
    /// `shutdown` or a failure of the bus. Each pull asks for what is processed next: one
    /// article (waiting for it), then those already waiting.
    async fn pull(&mut self, batch: usize, shutdown: &CancellationToken) -> Result<(), BusError> {
        let consumer = self.bus.workers_consumer().await?;
        loop {
            let mut first = consumer.batch().max_messages(1).expires(PULL_WAIT).messages().await.map_err(BusError::jetstream)?;
            let first = tokio::select! {
                () = shutdown.cancelled() => return Ok(()),
                first = first.next() => first,
            };
            let Some(first) = first else { continue };
            let mut taken = vec![first.map_err(BusError::jetstream)?];
            if batch > 1 {
                let mut rest = consumer.fetch().max_messages(batch - 1).messages().await.map_err(BusError::jetstream)?;
                while let Some(message) = rest.next().await {
                    taken.push(message.map_err(BusError::jetstream)?);
                }
            }
            let extracted = self.extract_all(taken).await;
            self.commit(extracted).await;
        }
    }

    /// Extracts the articles of a batch at once; sets aside those that cannot be.
    async fn extract_all(&self, messages: Vec<jetstream::Message>) -> Vec<Extracted> {
        let mut extracting = Vec::with_capacity(messages.len());
        for message in messages {
            match Pulled::of(message) {
                Ok(pulled) if pulled.delivered > MAX_DELIVERIES => {
                    let reason = format!("delivered {} times without being stored", pulled.delivered - 1);
                    self.set_aside(pulled.message, pulled.article, pulled.reply, &reason).await;
                }
                Ok(pulled) => {
                    let task = self.extract(pulled.article.clone()).await;
                    extracting.push((pulled, task));
                }
                Err(message) => {
                    tracing::error!("a message of the articles stream holds no article; it is set aside");
                    let _ = message.ack_with(AckKind::Term).await;
                }
            }
        }
        let mut extracted = Vec::with_capacity(extracting.len());
        for (Pulled { message, article, reply, stream_seq, .. }, task) in extracting {
            match task.await {
                Ok(extraction) => {
                    let submission = Submission { text_hash: text_hash(&article.text), article, extraction };
                    extracted.push(Extracted { message, reply, incoming: Incoming { submission, stream_seq } });
                }
                Err(reason) => self.set_aside(message, article, reply, &reason).await,
            }
        }
        extracted
    }

    /// Extracts on the bounded pool (waiting for a place) within the time limit; the error
    /// says why there is no extraction.
    async fn extract(&self, article: Article) -> impl Future<Output = Result<ExtractResponse, String>> + use<> {
        let place = self.pool.clone().acquire_owned().await.expect("the pool semaphore is never closed");
        let (extractor, cancelled, timeout) = (self.extractor.clone(), Cancelled::default(), self.extract_timeout);
        let (flag, seconds) = (cancelled.clone(), self.metrics.extraction_seconds.clone());
        let task = tokio::task::spawn_blocking(move || {
            let started = Instant::now();
            let extraction = extractor.extract_unless(&article, &flag);
            seconds.observe(started.elapsed().as_secs_f64());
            drop(place);
            extraction
        });
        async move {
            match tokio::time::timeout(timeout, task).await {
                Ok(Ok(Some(extraction))) => Ok(extraction),
                Ok(Err(_)) => Err("the extractor failed on this article (a bug: please report it with the article)".into()),
                Ok(Ok(None)) | Err(_) => {
                    cancelled.set();
                    Err(format!("its extraction took longer than {} s", timeout.as_secs_f64()))
                }
            }
        }
    }

    /// Commits a batch, then answers and acknowledges each article. When the batch fails, its
    /// articles are committed one by one; one that fails alone is delivered again later.
    async fn commit(&mut self, batch: Vec<Extracted>) {
        if batch.is_empty() {
            return;
        }
        let incoming: Vec<Incoming> = batch.iter().map(|e| e.incoming.clone()).collect();
        let mut wait = RETRY;
        let committed = loop {
            let started = Instant::now();
            match self.writer.commit(incoming.clone()).await {
                Ok(committed) => {
                    self.metrics.commit_seconds.observe(started.elapsed().as_secs_f64());
                    self.metrics.commit_articles.observe(batch.len() as f64);
                    break Ok(committed);
                }
                Err(e) if unreachable(&e) && !self.shutdown.is_cancelled() => {
                    tracing::warn!(error = %e, articles = batch.len(), "PostgreSQL is out of reach; committing again when it is back");
                    for extracted in &batch {
                        let _ = extracted.message.ack_with(AckKind::Progress).await;
                    }
                    tokio::select! {
                        () = self.shutdown.cancelled() => {}
                        () = tokio::time::sleep(wait) => {}
                    }
                    wait = (wait * 2).min(MAX_COMMIT_RETRY).min(self.bus.ack_wait() / 2);
                }
                committed => break committed,
            }
        };
        match committed {
            Ok(committed) => {
                for (extracted, result) in batch.into_iter().zip(committed.results) {
                    self.answer(extracted.reply, &result).await;
                    if let Err(e) = extracted.message.ack().await {
                        tracing::warn!(error = %e, "cannot acknowledge an article; it will be redelivered and answered again");
                    }
                }
            }
            Err(e) if batch.len() > 1 => {
                tracing::warn!(error = %e, articles = batch.len(), "the merge transaction failed; committing its articles one by one");
                for extracted in batch {
                    Box::pin(self.commit(vec![extracted])).await;
                }
            }
            Err(e) => {
                tracing::error!(error = %e, "the merge transaction failed; the article will be delivered again");
                for extracted in batch {
                    let _ = extracted.message.ack_with(AckKind::Nak(Some(RETRY))).await;
                }
            }
        }
    }

    /// Sets a poison article aside: copies it to the dead-letter stream with the `reason`,
    /// answers it REJECTED, and tells JetStream never to deliver it again.
    async fn set_aside(&self, message: jetstream::Message, article: Article, reply: Option<String>, reason: &str) {
        tracing::error!(article = article.id, reason, "article set aside in the dead-letter stream");
        self.metrics.set_aside.inc();
        let mut headers = HeaderMap::new();
        headers.insert(REASON_HEADER, reason);
        let copied = match self.bus.jetstream.publish_with_headers(self.bus.dead_subject(), headers, message.payload.clone()).await {
            Ok(ack) => ack.await.map(drop).map_err(BusError::jetstream),
            Err(e) => Err(BusError::jetstream(e)),
        };
        if let Err(e) = copied {
            tracing::error!(error = %e, article = article.id, "cannot copy the article to the dead-letter stream");
        }
        let error = format!("set aside (dead-letter stream {}): {reason}", self.bus.dead_stream());
        let rejected = IngestResult { article_id: article.id, outcome: IngestOutcome::Rejected.into(), error, ..Default::default() };
        self.answer(reply, &rejected).await;
        let _ = message.ack_with(AckKind::Term).await;
    }

    /// Sends `result` to the front end waiting for it.
    async fn answer(&self, reply: Option<String>, result: &IngestResult) {
        let Some(reply) = reply else { return };
        if let Err(e) = self.bus.client.publish(reply, result.encode_to_vec().into()).await {
            tracing::warn!(error = %e, article = result.article_id, "cannot send a result; the front end will time out");
        }
    }
}
