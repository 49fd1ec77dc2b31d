//! `rasad worker` assembled, for the distributed mode (README, "Distributed mode"): pulls the
//! articles the front ends published, extracts them (on a bounded pool of threads), merges and
//! commits each batch in one PostgreSQL transaction ([`PgWriter`]), sends each article's result
//! to the front end waiting for it, and only then acknowledges its message. Each worker also
//! runs a candidate outbox relay ([`relay`]); one of them relays at a time.
//!
//! A worker that dies before acknowledging loses nothing: JetStream redelivers the articles
//! after the ack wait, and one already committed is answered with its stored result.

use std::{sync::Arc, time::Duration};

use async_nats::jetstream::{self, AckKind};
use futures_util::FutureExt;
use prost::Message;
use tokio::sync::Semaphore;
use tokio_stream::StreamExt;
use tokio_util::sync::CancellationToken;

use crate::{
    bus::{Bus, BusError, REPLY_HEADER, relay},
    merge::MergeConfig,
    proto::{Article, IngestOutcome, IngestResult},
    service::EventExtractor,
    store::{
        postgres::{
            PgStore,
            commit::{Incoming, PgWriter},
        },
        text_hash,
        writer::Submission,
    },
};

/// How a worker runs.
#[derive(Debug, Clone)]
pub struct WorkerConfig {
    /// Extraction threads.
    pub threads: usize,
    /// Most articles merged and committed in one transaction.
    pub batch: usize,
    pub merge: MergeConfig,
}

/// How long to wait before pulling again after the bus failed.
const RETRY: Duration = Duration::from_millis(500);

/// Runs a worker until `shutdown`.
pub async fn run(
    store: PgStore,
    bus: Bus,
    extractor: Arc<dyn EventExtractor>,
    config: WorkerConfig,
    shutdown: CancellationToken,
) -> anyhow::Result<()> {
    let relay = tokio::spawn(relay::run(store.clone(), bus.clone(), shutdown.clone()));
    let mut worker = Worker {
        writer: PgWriter::new(store, config.merge.clone()),
        bus,
        extractor,
        pool: Arc::new(Semaphore::new(config.threads.max(1))),
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
}

/// What a worker needs of an article's message: the article, where to answer, and its
/// sequence in the articles stream.
struct Pulled {
    message: jetstream::Message,
    article: Article,
    reply: Option<String>,
    stream_seq: u64,
}

impl Pulled {
    /// The message back when it holds no article.
    fn of(message: jetstream::Message) -> Result<Pulled, Box<jetstream::Message>> {
        let stream_seq = match message.info() {
            Ok(info) => info.stream_sequence,
            Err(_) => return Err(Box::new(message)),
        };
        let Ok(article) = Article::decode(message.payload.clone()) else { return Err(Box::new(message)) };
        let reply = message.headers.as_ref().and_then(|h| h.get(REPLY_HEADER)).map(|v| v.to_string());
        Ok(Pulled { message, article, reply, stream_seq })
    }
}

impl Worker {
    /// Processes batches of the articles waiting (as many as are there, up to `batch`) until
    /// `shutdown` or a failure of the bus.
    async fn pull(&mut self, batch: usize, shutdown: &CancellationToken) -> Result<(), BusError> {
        let consumer = self.bus.workers_consumer().await?;
        let mut messages = consumer.messages().await.map_err(BusError::jetstream)?;
        loop {
            let first = tokio::select! {
                () = shutdown.cancelled() => return Ok(()),
                first = messages.next() => first,
            };
            let first = first.ok_or_else(|| BusError::JetStream("the articles consumer ended".into()))?;
            let mut taken = vec![first.map_err(BusError::jetstream)?];
            while taken.len() < batch {
                match messages.next().now_or_never() {
                    Some(Some(Ok(message))) => taken.push(message),
                    _ => break,
                }
            }
            self.process(taken).await;
        }
    }

    /// Extracts, commits and answers one batch.
    async fn process(&mut self, messages: Vec<jetstream::Message>) {
        let mut extracting = Vec::with_capacity(messages.len());
        for message in messages {
            match Pulled::of(message) {
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
        let (mut answers, mut incoming) = (Vec::new(), Vec::new());
        for (pulled, task) in extracting {
            let Pulled { message, article, reply, stream_seq } = pulled;
            match task.await {
                Ok(extraction) => {
                    let submission = Submission { text_hash: text_hash(&article.text), article, extraction };
                    incoming.push(Incoming { submission, stream_seq });
                    answers.push((message, reply));
                }
                Err(_) => {
                    let error = "the extractor failed on this article (a bug: please report it with the article)".to_string();
                    let rejected =
                        IngestResult { article_id: article.id, outcome: IngestOutcome::Rejected.into(), error, ..Default::default() };
                    self.answer(reply, &rejected).await;
                    let _ = message.ack_with(AckKind::Term).await;
                }
            }
        }
        self.commit(answers, incoming).await;
    }

    /// Extracts on the bounded pool (waiting for a place).
    async fn extract(&self, article: Article) -> tokio::task::JoinHandle<crate::proto::ExtractResponse> {
        let place = self.pool.clone().acquire_owned().await.expect("the pool semaphore is never closed");
        let extractor = self.extractor.clone();
        tokio::task::spawn_blocking(move || {
            let extraction = extractor.extract(&article);
            drop(place);
            extraction
        })
    }

    /// Commits the batch, then answers and acknowledges each article; after a failure, asks
    /// for the batch again.
    async fn commit(&mut self, answers: Vec<(jetstream::Message, Option<String>)>, incoming: Vec<Incoming>) {
        if incoming.is_empty() {
            return;
        }
        match self.writer.commit(incoming).await {
            Ok(committed) => {
                for ((message, reply), result) in answers.into_iter().zip(committed.results) {
                    self.answer(reply, &result).await;
                    if let Err(e) = message.ack().await {
                        tracing::warn!(error = %e, "cannot acknowledge an article; it will be redelivered and answered again");
                    }
                }
            }
            Err(e) => {
                tracing::error!(error = %e, articles = answers.len(), "the merge transaction failed; the articles will be redelivered");
                for (message, _) in answers {
                    let _ = message.ack_with(AckKind::Nak(Some(RETRY))).await;
                }
            }
        }
    }

    /// Sends `result` to the front end waiting for it.
    async fn answer(&self, reply: Option<String>, result: &IngestResult) {
        let Some(reply) = reply else { return };
        if let Err(e) = self.bus.client.publish(reply, result.encode_to_vec().into()).await {
            tracing::warn!(error = %e, article = result.article_id, "cannot send a result; the front end will time out");
        }
    }
}
