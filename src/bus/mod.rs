//! The NATS JetStream side of the distributed mode (README, "Distributed mode"): the streams and
//! subjects, named from one prefix so that deployments (and test runs) sharing a NATS server
//! never see each other; the front end's publishing of articles and waiting for their results
//! ([`front`]); the relay of the PostgreSQL outbox to the updates stream ([`relay`]); and a front
//! end's following of that stream ([`tail`]).

pub mod front;
pub mod relay;
pub mod tail;

use std::{sync::Arc, time::Duration};

use async_nats::jetstream::{self, consumer::pull, stream};
use tokio::sync::watch;

/// A failure to reach NATS or JetStream, or a refusal from it.
#[derive(Debug, Clone, thiserror::Error)]
pub enum BusError {
    #[error("cannot connect to NATS at {url}: {reason}")]
    Connect { url: String, reason: String },
    #[error("NATS JetStream: {0}")]
    JetStream(String),
    #[error("no worker answered article {id:?} within {seconds} s; it is kept in the stream and will be stored once: send it again later")]
    NoResult { id: String, seconds: u64 },
    #[error("{0} is unreachable")]
    Down(&'static str),
    #[error(
        "{what} became unreachable while article {id:?} waited for its result; it may be stored already: send it again later (it is stored once)"
    )]
    Interrupted { id: String, what: &'static str },
}

impl BusError {
    pub(crate) fn jetstream(e: impl std::fmt::Display) -> BusError {
        BusError::JetStream(e.to_string())
    }
}

/// The header naming the subject a worker sends an article's result to.
pub const REPLY_HEADER: &str = "Rasad-Reply";
/// The header of a dead letter saying why its article was set aside.
pub const REASON_HEADER: &str = "Rasad-Reason";
/// The durable consumer the workers share.
const WORKERS: &str = "workers";
/// How long JetStream remembers message ids to drop a second publish of the same article.
const DUPLICATE_WINDOW: Duration = Duration::from_secs(120);
/// The longest wait between two attempts to reconnect to NATS.
const MAX_RECONNECT_DELAY: Duration = Duration::from_secs(2);

/// How the bus is reached and named.
#[derive(Debug, Clone)]
pub struct BusConfig {
    /// `nats://host:port`.
    pub url: String,
    /// Prefix of every stream and subject name (letters, digits, `_` and `-`).
    pub prefix: String,
    /// How long a worker may hold an article before it is redelivered to another.
    pub ack_wait: Duration,
}

/// A connection to NATS with the Rasad streams in place. Cheap to clone.
#[derive(Clone)]
pub struct Bus {
    pub(crate) client: async_nats::Client,
    pub(crate) jetstream: jetstream::Context,
    config: BusConfig,
    /// Whether the client is connected to NATS now.
    connected: watch::Receiver<bool>,
}

impl Bus {
    /// Connects and creates the streams if they are missing.
    pub async fn connect(config: BusConfig) -> Result<Bus, BusError> {
        let (state, connected) = watch::channel(false);
        let state = Arc::new(state);
        let events = state.clone();
        let client = async_nats::ConnectOptions::new()
            .retry_on_initial_connect()
            .connection_timeout(Duration::from_secs(5))
            .reconnect_delay_callback(|attempts| (Duration::from_millis(100) * attempts as u32).min(MAX_RECONNECT_DELAY))
            .event_callback(move |event| {
                let state = events.clone();
                async move {
                    match event {
                        async_nats::Event::Connected => state.send_replace(true),
                        async_nats::Event::Disconnected | async_nats::Event::Closed => state.send_replace(false),
                        _ => return,
                    };
                    tracing::info!(%event, "NATS");
                }
            })
            .connect(&config.url)
            .await
            .map_err(|e| BusError::Connect { url: config.url.clone(), reason: e.to_string() })?;
        // The first Connected event may come after this.
        if client.connection_state() == async_nats::connection::State::Connected {
            state.send_replace(true);
        }
        let jetstream = jetstream::new(client.clone());
        let bus = Bus { client, jetstream, config, connected };
        bus.jetstream
            .get_or_create_stream(stream::Config {
                name: bus.articles_stream(),
                subjects: vec![bus.articles_subject()],
                retention: stream::RetentionPolicy::WorkQueue,
                duplicate_window: DUPLICATE_WINDOW,
                ..Default::default()
            })
            .await
            .map_err(BusError::jetstream)?;
        bus.jetstream
            .get_or_create_stream(stream::Config { name: bus.dead_stream(), subjects: vec![bus.dead_subject()], ..Default::default() })
            .await
            .map_err(BusError::jetstream)?;
        bus.jetstream
            .get_or_create_stream(stream::Config {
                name: bus.updates_stream(),
                subjects: vec![format!("{}.updates.>", bus.config.prefix)],
                duplicate_window: DUPLICATE_WINDOW,
                ..Default::default()
            })
            .await
            .map_err(BusError::jetstream)?;
        Ok(bus)
    }

    /// Whether the client is connected to NATS, as it changes.
    pub fn connected(&self) -> watch::Receiver<bool> {
        self.connected.clone()
    }

    /// How long a worker may hold an article before it is redelivered to another.
    pub fn ack_wait(&self) -> Duration {
        self.config.ack_wait
    }

    /// The JetStream context, for looking at the streams.
    pub fn jetstream(&self) -> &jetstream::Context {
        &self.jetstream
    }

    /// The stream of articles waiting for a worker.
    pub fn articles_stream(&self) -> String {
        format!("{}_ARTICLES", self.config.prefix.to_uppercase())
    }

    pub fn articles_subject(&self) -> String {
        format!("{}.articles", self.config.prefix)
    }

    /// The dead-letter stream: articles set aside after failing (README, "Distributed mode").
    pub fn dead_stream(&self) -> String {
        format!("{}_DEAD", self.config.prefix.to_uppercase())
    }

    pub fn dead_subject(&self) -> String {
        format!("{}.dead", self.config.prefix)
    }

    /// The stream of updates, numbered as the log.
    pub fn updates_stream(&self) -> String {
        format!("{}_UPDATES", self.config.prefix.to_uppercase())
    }

    /// The subject of an update of an event of type `event_type` (`consult`, …).
    pub fn updates_subject(&self, event_type: &str) -> String {
        format!("{}.updates.{event_type}", self.config.prefix)
    }

    /// The workers' shared consumer of the articles stream.
    pub async fn workers_consumer(&self) -> Result<jetstream::consumer::Consumer<pull::Config>, BusError> {
        let stream = self.jetstream.get_stream(self.articles_stream()).await.map_err(BusError::jetstream)?;
        let config = pull::Config { durable_name: Some(WORKERS.into()), ack_wait: self.config.ack_wait, ..Default::default() };
        stream.get_or_create_consumer(WORKERS, config).await.map_err(BusError::jetstream)
    }

    /// Removes the streams (for tests that made their own).
    pub async fn delete_streams(&self) -> Result<(), BusError> {
        for name in [self.articles_stream(), self.updates_stream(), self.dead_stream()] {
            self.jetstream.delete_stream(name).await.map_err(BusError::jetstream)?;
        }
        Ok(())
    }
}
