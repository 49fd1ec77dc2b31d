//! A front end's side of ingest in the distributed mode: it publishes each validated article to
//! the articles stream (`Nats-Msg-Id` = the article id) and answers with the `IngestResult` a
//! worker sends back once the article is committed.
//!
//! Results come to one subject per front end (a NATS inbox) named in each article's
//! `Rasad-Reply` header; a task dispatches them to the articles waiting, by id. An article that
//! JetStream drops as a duplicate of one published earlier is answered DUPLICATE once
//! PostgreSQL holds the earlier one.
//!
//! A front end serves while both NATS and PostgreSQL answer ([`Front::serving`]). While either
//! does not, it takes no article (UNAVAILABLE at once), and the articles waiting for a result
//! are answered UNAVAILABLE when it goes: their results may never come (a result sent while this
//! front end is cut off from NATS is lost), and an article sent again is stored once.

use std::{
    future::Future,
    sync::{
        Arc, Mutex,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use async_nats::{HeaderMap, jetstream::message::PublishMessage};
use prometheus_client::metrics::histogram::Histogram;
use prost::Message;
use rustc_hash::FxHashMap;
use tokio::sync::{oneshot, watch};
use tokio_stream::StreamExt;

use super::{Bus, BusError, REPLY_HEADER};
use crate::{
    proto::{Article, IngestResult},
    store::{StoreError, plan, postgres::PgStore},
};

/// How often a front end looks for the stored first copy of a duplicate.
const DUPLICATE_POLL: Duration = Duration::from_millis(50);

/// The articles waiting for their result: id → (token, where to send it).
type Waiting = Arc<Mutex<FxHashMap<String, Vec<(u64, oneshot::Sender<IngestResult>)>>>>;

/// Why an article has no result.
#[derive(Debug, thiserror::Error)]
pub enum Unanswered {
    #[error(transparent)]
    Bus(#[from] BusError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Publishes articles and waits for their results. Cheap to clone.
#[derive(Clone)]
pub struct Front {
    bus: Bus,
    store: PgStore,
    reply: String,
    waiting: Waiting,
    tokens: Arc<AtomicU64>,
    /// How long an article may wait for its result.
    timeout: Duration,
    /// Whether NATS and PostgreSQL both answer.
    serving: watch::Receiver<bool>,
    /// Whether PostgreSQL answers.
    store_up: watch::Receiver<bool>,
    /// Times each publication until JetStream acknowledged it.
    publish_seconds: Histogram,
}

/// Which of the two servers a front end needs does not answer, if one does not.
fn down(bus: bool, store: bool) -> Option<&'static str> {
    match (bus, store) {
        (false, _) => Some("NATS"),
        (true, false) => Some("PostgreSQL"),
        (true, true) => None,
    }
}

impl Front {
    /// Subscribes to this front end's result subject; `publish_seconds` times each publication.
    pub async fn start(bus: Bus, store: PgStore, timeout: Duration, publish_seconds: Histogram) -> Result<Front, BusError> {
        let reply = bus.client.new_inbox();
        let mut results = bus.client.subscribe(reply.clone()).await.map_err(BusError::jetstream)?;
        let waiting: Waiting = Arc::default();
        let dispatch = waiting.clone();
        tokio::spawn(async move {
            while let Some(message) = results.next().await {
                let Ok(result) = IngestResult::decode(message.payload) else {
                    tracing::warn!("an undecodable result on the result subject");
                    continue;
                };
                let senders = dispatch.lock().unwrap_or_else(|p| p.into_inner()).remove(&result.article_id).unwrap_or_default();
                for (_, sender) in senders {
                    let _ = sender.send(result.clone());
                }
            }
        });
        let (serving_tx, serving) = watch::channel(true);
        let store_up = crate::store::EventReads::serving(&store);
        tokio::spawn(watch_servers(bus.connected(), store_up.clone(), serving_tx, waiting.clone()));
        Ok(Front { bus, store, reply, waiting, tokens: Arc::default(), timeout, serving, store_up, publish_seconds })
    }

    /// The server that does not answer now, if one does not.
    fn down(&self) -> Option<&'static str> {
        down(*self.bus.connected.borrow(), *self.store_up.borrow())
    }

    /// Whether this front end takes articles: NATS and PostgreSQL both answer.
    pub fn serving(&self) -> watch::Receiver<bool> {
        self.serving.clone()
    }

    pub fn bus(&self) -> &Bus {
        &self.bus
    }

    /// Publishes `article` (validated, with its id); the returned future resolves with its
    /// result once a worker committed it.
    pub async fn submit(&self, article: Article) -> Result<impl Future<Output = Result<IngestResult, Unanswered>> + use<>, BusError> {
        if let Some(what) = self.down() {
            return Err(BusError::Down(what));
        }
        let started = Instant::now();
        let id = article.id.clone();
        let token = self.tokens.fetch_add(1, Ordering::Relaxed);
        let (sender, result) = oneshot::channel();
        self.waiting.lock().unwrap_or_else(|p| p.into_inner()).entry(id.clone()).or_default().push((token, sender));
        let mut headers = HeaderMap::new();
        headers.insert(REPLY_HEADER, self.reply.as_str());
        let message = PublishMessage::build().payload(article.encode_to_vec().into()).headers(headers).message_id(&id);
        let published = self.bus.jetstream.send_publish(self.bus.articles_subject(), message).await;
        let front = self.clone();
        let acked = match published {
            Ok(acked) => acked,
            Err(e) => {
                front.forget(&id, token);
                return Err(BusError::jetstream(e));
            }
        };
        // Awaited at once, not when the caller gets to this article: the timing is the
        // publication's alone.
        let seconds = self.publish_seconds.clone();
        let acked = tokio::spawn(async move {
            let ack = acked.await;
            seconds.observe(started.elapsed().as_secs_f64());
            ack
        });
        Ok(async move {
            let ack = match acked.await.map_err(BusError::jetstream).and_then(|a| a.map_err(BusError::jetstream)) {
                Ok(ack) => ack,
                Err(e) => {
                    front.forget(&id, token);
                    return Err(e.into());
                }
            };
            if ack.duplicate {
                front.forget(&id, token);
                return front.stored_first(id).await;
            }
            match tokio::time::timeout(front.timeout, result).await {
                Ok(Ok(result)) => Ok(result),
                Ok(Err(_)) => Err(BusError::Interrupted { id, what: front.down().unwrap_or("NATS or PostgreSQL") }.into()),
                Err(_) => {
                    front.forget(&id, token);
                    Err(BusError::NoResult { id, seconds: front.timeout.as_secs() }.into())
                }
            }
        })
    }

    /// Stops waiting for a result.
    fn forget(&self, id: &str, token: u64) {
        let mut waiting = self.waiting.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(senders) = waiting.get_mut(id) {
            senders.retain(|(t, _)| *t != token);
            if senders.is_empty() {
                waiting.remove(id);
            }
        }
    }

    /// The answer to an article published a second time: DUPLICATE of the stored article,
    /// once a worker answered the first.
    async fn stored_first(&self, id: String) -> Result<IngestResult, Unanswered> {
        let deadline = tokio::time::Instant::now() + self.timeout;
        loop {
            if let Some((first, stored)) = self.store.article_result(&id).await? {
                let of = if stored { id.clone() } else { first.duplicate_of };
                return Ok(plan::duplicate(id, of));
            }
            if tokio::time::Instant::now() >= deadline {
                return Err(BusError::NoResult { id, seconds: self.timeout.as_secs() }.into());
            }
            tokio::time::sleep(DUPLICATE_POLL).await;
        }
    }
}

/// Keeps `serving` saying whether `bus` and `store` both answer; when one stops, answers every
/// article waiting for a result (UNAVAILABLE: the senders are dropped).
async fn watch_servers(mut bus: watch::Receiver<bool>, mut store: watch::Receiver<bool>, serving: watch::Sender<bool>, waiting: Waiting) {
    loop {
        let now = down(*bus.borrow_and_update(), *store.borrow_and_update());
        if now.is_some() {
            waiting.lock().unwrap_or_else(|p| p.into_inner()).clear();
        }
        serving.send_if_modified(|s| std::mem::replace(s, now.is_none()) != now.is_none());
        tokio::select! {
            changed = bus.changed() => if changed.is_err() { return },
            changed = store.changed() => if changed.is_err() { return },
            () = serving.closed() => return,
        }
    }
}
