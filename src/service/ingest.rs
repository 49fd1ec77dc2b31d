//! The ingest pipeline behind one `Ingest` stream.
//!
//! A reader task takes articles off the stream, validates them and starts one task per article
//! (extraction on the bounded pool, then the writer); it queues the task handles, in arrival
//! order, on a bounded channel. A responder task awaits them in that order and sends one
//! `IngestResult` per article. The bounded queue is the stream's window: when it is full the
//! reader stops reading, and HTTP/2 flow control slows the client down.

use std::{sync::Arc, time::Instant};

use tokio::{sync::mpsc, task::JoinHandle};
use tokio_stream::{Stream, StreamExt};
use tonic::Status;

use super::{Shared, metrics::Outcome};
use crate::{
    article,
    proto::{Article, IngestOutcome, IngestResult},
    store::{self, writer::Submission},
};

/// Articles of one stream being processed at once.
const WINDOW: usize = 256;

type Reply = Result<IngestResult, Status>;

/// Starts the pipeline for one stream; returns the stream of results.
pub fn start<S>(shared: Arc<Shared>, mut articles: S) -> mpsc::Receiver<Reply>
where
    S: Stream<Item = Result<Article, Status>> + Send + Unpin + 'static,
{
    let (pending_tx, mut pending_rx) = mpsc::channel::<JoinHandle<Reply>>(WINDOW);
    let (reply_tx, reply_rx) = mpsc::channel::<Reply>(WINDOW);

    tokio::spawn(async move {
        loop {
            let next = tokio::select! {
                // Shutting down: take no new articles; the ones in flight still finish.
                () = shared.shutdown.cancelled() => break,
                next = articles.next() => next,
            };
            let task = match next {
                Some(Ok(article)) => tokio::spawn(process(shared.clone(), article)),
                Some(Err(status)) => tokio::spawn(async move { Err(status) }),
                None => break,
            };
            if pending_tx.send(task).await.is_err() {
                break;
            }
        }
    });

    tokio::spawn(async move {
        while let Some(task) = pending_rx.recv().await {
            let reply = task
                .await
                .unwrap_or_else(|e| Err(Status::internal(format!("ingest task failed: {e}"))));
            let failed = reply.is_err();
            if reply_tx.send(reply).await.is_err() || failed {
                break;
            }
        }
    });

    reply_rx
}

/// Validates, extracts and stores one article.
async fn process(shared: Arc<Shared>, mut article: Article) -> Reply {
    if let Err(e) = article::validate(&article, &shared.limits) {
        shared.metrics.count_article(Outcome::Rejected);
        return Ok(rejected(article.id, e.to_string()));
    }
    let text_hash = store::text_hash(&article.text);
    if article.id.is_empty() {
        article.id = derived_id(&text_hash);
    }
    let (article, extraction) = match shared.extract(article).await {
        Ok(done) => done,
        Err(id) => {
            shared.metrics.count_article(Outcome::Rejected);
            return Ok(rejected(
                id,
                "the extractor failed on this article (a bug: please report it with the article)"
                    .into(),
            ));
        }
    };
    let result = shared
        .writer
        .submit(Submission {
            article,
            text_hash,
            extraction,
        })
        .await
        .map_err(|e| match e {
            store::StoreError::Closed => Status::unavailable(
                "the server is shutting down; resend the unacknowledged articles later",
            ),
            e => Status::internal(format!(
                "{e}; this article and the rest of the stream were not stored"
            )),
        })?;
    let outcome = if result.outcome == i32::from(IngestOutcome::Duplicate) {
        Outcome::Duplicate
    } else {
        Outcome::Accepted
    };
    shared.metrics.count_article(outcome);
    shared
        .metrics
        .events_created
        .inc_by(result.created_event_ids.len() as u64);
    shared
        .metrics
        .events_updated
        .inc_by(result.updated_event_ids.len() as u64);
    Ok(result)
}

fn rejected(article_id: String, error: String) -> IngestResult {
    IngestResult {
        article_id,
        outcome: IngestOutcome::Rejected.into(),
        error,
        ..Default::default()
    }
}

/// The id of an article sent without one: a prefix of its text's hash.
fn derived_id(hash: &store::TextHash) -> String {
    hash[..8].iter().map(|b| format!("{b:02x}")).collect()
}

impl Shared {
    /// Extracts on the bounded pool; gives the article back with its events, or its id if the
    /// extractor panicked.
    pub(super) async fn extract(
        &self,
        article: Article,
    ) -> Result<(Article, crate::proto::ExtractResponse), String> {
        let _permit = self
            .pool
            .acquire()
            .await
            .expect("the pool semaphore is never closed");
        let extractor = self.extractor.clone();
        let id = article.id.clone();
        let started = Instant::now();
        let done = tokio::task::spawn_blocking(move || {
            let extraction = extractor.extract(&article);
            (article, extraction)
        })
        .await
        .map_err(|_| id)?;
        self.metrics
            .extraction_seconds
            .observe(started.elapsed().as_secs_f64());
        Ok(done)
    }
}
