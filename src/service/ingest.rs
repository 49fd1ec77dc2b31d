//! The ingest pipeline behind one `Ingest` stream, in three stages joined by bounded queues
//! that keep arrival order:
//!
//! 1. the reader takes articles off the stream and starts one task per article (validation,
//!    then extraction on the bounded pool), queuing the task handles;
//! 2. the submitter awaits them in order and queues each extracted article with the writer
//!    (so a stream's articles are committed, and get their events, in the order sent);
//! 3. the responder awaits the writer's acknowledgements in order and sends one
//!    `IngestResult` per article.
//!
//! In a front end of the distributed mode, stage 1 only validates, stage 2 publishes the article
//! to the articles stream and stage 3 awaits the result a worker sends once it committed it.
//!
//! The queues are the stream's window: when they are full the reader stops reading and HTTP/2
//! flow control slows the client down. Many articles of a stream wait for the same commit.

use std::{future::Future, pin::Pin, sync::Arc, time::Instant};

use tokio::{sync::mpsc, task::JoinHandle};
use tokio_stream::{Stream, StreamExt};
use tonic::Status;

use super::{
    Cancelled, Pipeline, Shared,
    metrics::{Metrics, Outcome},
    requests::{Received, caller_status},
};
use crate::{
    article,
    bus::{BusError, front::Unanswered},
    proto::{Article, IngestOutcome, IngestResult},
    store::{self, writer::Submission},
};

/// Articles of one stream being processed at once.
const WINDOW: usize = 256;

type Reply = Result<IngestResult, Status>;

/// An article after stage 1.
enum Prepared {
    /// Refused before storage: the result to send.
    Done(Reply),
    Extracted(Submission),
    /// Valid, for a worker to extract (distributed mode).
    Valid(Article),
}

/// An article after stage 2.
enum Acked {
    Done(Reply),
    Queued(Pin<Box<dyn Future<Output = Reply> + Send>>),
}

/// Starts the pipeline for one stream; returns the stream of results.
pub fn start<S>(shared: Arc<Shared>, mut articles: S) -> mpsc::Receiver<Reply>
where
    S: Stream<Item = Result<Received, Status>> + Send + Unpin + 'static,
{
    let (prepared_tx, mut prepared_rx) = mpsc::channel::<JoinHandle<Prepared>>(WINDOW);
    let (acked_tx, mut acked_rx) = mpsc::channel::<Acked>(WINDOW);
    let (reply_tx, reply_rx) = mpsc::channel::<Reply>(WINDOW);

    let reader = shared.clone();
    tokio::spawn(async move {
        loop {
            let next = tokio::select! {
                // Shutting down: take no new articles; the ones in flight still finish, and then
                // the stream ends with UNAVAILABLE, so the client knows to send the rest again.
                () = reader.shutdown.cancelled() => {
                    let _ = prepared_tx.send(done(Err(shutting_down()))).await;
                    break;
                }
                next = articles.next() => next,
            };
            let task = match next {
                Some(Ok(Ok(article))) => tokio::spawn(prepare(reader.clone(), article)),
                Some(Ok(Err(unreadable))) => done(Ok(rejected(unreadable.article_id, unreadable.error))),
                // The stream cannot go on (a message over the size limit, a broken connection).
                Some(Err(status)) => done(Err(caller_status(&status).unwrap_or(status))),
                None => break,
            };
            if prepared_tx.send(task).await.is_err() {
                break;
            }
        }
    });

    let metrics = shared.metrics.clone();
    tokio::spawn(async move {
        while let Some(task) = prepared_rx.recv().await {
            let acked = match task.await {
                Ok(Prepared::Done(reply)) => Acked::Done(reply),
                Ok(prepared) => queue(&shared.pipeline, prepared).await,
                Err(e) => Acked::Done(Err(Status::internal(format!("ingest task failed: {e}")))),
            };
            if acked_tx.send(acked).await.is_err() {
                break;
            }
        }
    });

    tokio::spawn(async move {
        while let Some(acked) = acked_rx.recv().await {
            let reply = match acked {
                Acked::Done(reply) => reply,
                Acked::Queued(pending) => pending.await,
            };
            if let Ok(result) = &reply {
                count(&metrics, result);
            }
            let failed = reply.is_err();
            // A failed reply ends the stream with its status.
            if reply_tx.send(reply).await.is_err() || failed {
                break;
            }
        }
    });

    reply_rx
}

/// Stage 2 for an article to store: queued with the writer, or published to the bus.
async fn queue(pipeline: &Pipeline, prepared: Prepared) -> Acked {
    match (pipeline, prepared) {
        (_, Prepared::Done(reply)) => Acked::Done(reply),
        (Pipeline::Embedded(writer), Prepared::Extracted(submission)) => match writer.enqueue(submission).await {
            Ok(pending) => Acked::Queued(Box::pin(async move { pending.durable().await.map_err(store_failure) })),
            Err(e) => Acked::Done(Err(store_failure(e))),
        },
        (Pipeline::Bus(front), Prepared::Valid(article)) => match front.submit(article).await {
            Ok(result) => Acked::Queued(Box::pin(async move { result.await.map_err(unanswered) })),
            Err(e) => Acked::Done(Err(unanswered(e.into()))),
        },
        (_, Prepared::Extracted(_) | Prepared::Valid(_)) => {
            Acked::Done(Err(Status::internal("an article prepared for the other pipeline")))
        }
    }
}

/// Stage 1 for a message decided at once.
fn done(reply: Reply) -> JoinHandle<Prepared> {
    tokio::spawn(async move { Prepared::Done(reply) })
}

/// Stage 1 for one article: validation and extraction.
async fn prepare(shared: Arc<Shared>, mut article: Article) -> Prepared {
    if let Err(e) = article::validate(&article, &shared.limits) {
        return Prepared::Done(Ok(rejected(article.id, e.to_string())));
    }
    let text_hash = store::text_hash(&article.text);
    if article.id.is_empty() {
        article.id = derived_id(&text_hash);
    }
    if let Pipeline::Bus(_) = shared.pipeline {
        return Prepared::Valid(article);
    }
    let id = article.id.clone();
    match shared.extract(article).await {
        Ok((article, extraction)) => Prepared::Extracted(Submission { article, text_hash, extraction }),
        Err(Unextracted::Panicked(_)) => {
            Prepared::Done(Ok(rejected(id, "the extractor failed on this article (a bug: please report it with the article)".into())))
        }
        Err(Unextracted::Cancelled) => Prepared::Done(Ok(rejected(id, "extraction was cancelled".into()))),
    }
}

fn count(metrics: &Metrics, result: &IngestResult) {
    metrics.count_article(match result.outcome() {
        IngestOutcome::Accepted => Outcome::Accepted,
        IngestOutcome::Duplicate => Outcome::Duplicate,
        IngestOutcome::Rejected | IngestOutcome::Unspecified => Outcome::Rejected,
    });
    metrics.events_created.inc_by(result.created_event_ids.len() as u64);
    metrics.events_updated.inc_by(result.updated_event_ids.len() as u64);
}

fn shutting_down() -> Status {
    Status::unavailable("the server is shutting down; resend the unacknowledged articles later")
}

fn store_failure(e: store::StoreError) -> Status {
    match e {
        store::StoreError::Closed => shutting_down(),
        e if e.is_transient() => {
            Status::unavailable(format!("{e}; this article and the rest of the stream were not stored: send them again"))
        }
        e @ store::StoreError::Aborted => Status::aborted(e.to_string()),
        e => Status::internal(format!("{e}; this article and the rest of the stream were not stored")),
    }
}

/// An article the distributed mode could not store or answer: UNAVAILABLE (send it again).
fn unanswered(e: Unanswered) -> Status {
    match e {
        Unanswered::Store(e) => store_failure(e),
        Unanswered::Bus(e @ (BusError::NoResult { .. } | BusError::Interrupted { .. })) => Status::unavailable(e.to_string()),
        Unanswered::Bus(e) => Status::unavailable(format!("{e}; this article and the rest of the stream were not stored: send them again")),
    }
}

fn rejected(article_id: String, error: String) -> IngestResult {
    IngestResult { article_id, outcome: IngestOutcome::Rejected.into(), error, ..Default::default() }
}

/// The id of an article sent without one: a prefix of its text's hash.
fn derived_id(hash: &store::TextHash) -> String {
    hash[..8].iter().map(|b| format!("{b:02x}")).collect()
}

/// Why an article has no extraction.
#[derive(Debug)]
pub enum Unextracted {
    /// The extractor panicked on the article with this id.
    Panicked(String),
    /// The request went away and the extractor stopped.
    Cancelled,
}

/// Sets its flag when dropped: when the request future holding it is dropped (deadline,
/// cancellation), the extraction running for it is told to stop.
struct CancelOnDrop(Cancelled);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.set();
    }
}

impl Shared {
    /// Extracts on the bounded pool; gives the article back with its events. The place in the
    /// pool is held by the blocking work itself, until it ends: a request that goes away does not
    /// free it early (the extraction is told to stop, and does between stages).
    pub(super) async fn extract(&self, article: Article) -> Result<(Article, crate::proto::ExtractResponse), Unextracted> {
        let place = self.pool.clone().acquire_owned().await.expect("the pool semaphore is never closed");
        let extractor = self.extractor.current();
        let id = article.id.clone();
        let started = Instant::now();
        let cancelled = CancelOnDrop(Cancelled::default());
        let (flag, metrics) = (cancelled.0.clone(), self.metrics.clone());
        let done = tokio::task::spawn_blocking(move || {
            let extraction = extractor.extract_unless(&article, &flag);
            if extraction.is_none() {
                // Counted here: the request it served is usually gone. Counted before the place
                // is freed, so that once every place is free again, every stop is counted.
                metrics.extractions_cancelled.inc();
            }
            drop(place);
            extraction.map(|e| (article, e))
        })
        .await
        .map_err(|_| Unextracted::Panicked(id))?;
        drop(cancelled);
        let done = done.ok_or(Unextracted::Cancelled)?;
        self.metrics.extraction_seconds.observe(started.elapsed().as_secs_f64());
        Ok(done)
    }
}
