//! The outbox relay: publishes the updates committed to PostgreSQL's `log` to the updates
//! stream, in order, so that an update's stream sequence is its log sequence.
//!
//! One relay runs at a time (it holds a session advisory lock; a worker whose relay dies is
//! replaced by another's). It starts from the stream's last sequence, publishes each update
//! with `Nats-Msg-Id` = its sequence and `Nats-Expected-Last-Sequence` = the one before, and
//! waits for the commit notifications in between. A relay that dies after a publish loses
//! nothing and publishes nothing twice: the next one starts after what the stream holds.

use std::time::{Duration, Instant};

use async_nats::jetstream::message::PublishMessage;
use prometheus_client::metrics::{counter::Counter, histogram::Histogram};
use tokio_util::sync::CancellationToken;

use super::{Bus, BusError};
use crate::{
    proto::EventType,
    store::{LoggedUpdate, StoreError, postgres::PgStore},
};

/// Updates read and published at a time.
const CHUNK: usize = 256;
/// How long the relay waits for a notification before looking at the log anyway.
const POLL: Duration = Duration::from_secs(1);

#[derive(Debug, thiserror::Error)]
enum RelayError {
    #[error(transparent)]
    Bus(#[from] BusError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("the relay's PostgreSQL connection closed")]
    Disconnected,
}

/// What a relay times and counts.
#[derive(Clone)]
pub struct RelayMetrics {
    /// Time of each chunk of the log relayed: reading it, publishing it, the acknowledgements.
    pub seconds: Histogram,
    /// Updates relayed.
    pub updates: Counter,
}

/// Relays until `shutdown`, taking over whenever no other relay runs.
pub async fn run(store: PgStore, bus: Bus, metrics: RelayMetrics, shutdown: CancellationToken) {
    while !shutdown.is_cancelled() {
        if let Err(e) = lead_and_relay(&store, &bus, &metrics, &shutdown).await {
            tracing::warn!(error = %e, "the relay stopped; starting again");
            tokio::select! {
                () = shutdown.cancelled() => {}
                () = tokio::time::sleep(POLL) => {}
            }
        }
    }
}

async fn lead_and_relay(store: &PgStore, bus: &Bus, metrics: &RelayMetrics, shutdown: &CancellationToken) -> Result<(), RelayError> {
    let mut listener = store.listen_log().await?;
    while !listener.try_lead().await? {
        tokio::select! {
            () = shutdown.cancelled() => return Ok(()),
            () = tokio::time::sleep(POLL) => {}
        }
    }
    let mut last = relayed(bus).await?;
    tracing::info!(last, "relaying the update log");
    loop {
        let started = Instant::now();
        let updates = store.read_log(last, CHUNK).await?;
        if updates.is_empty() {
            tokio::select! {
                () = shutdown.cancelled() => return Ok(()),
                open = listener.committed(POLL) => if !open { return Err(RelayError::Disconnected) },
            }
            continue;
        }
        last = publish(bus, &updates).await?;
        metrics.seconds.observe(started.elapsed().as_secs_f64());
        metrics.updates.inc_by(updates.len() as u64);
    }
}

/// The last sequence of the updates stream.
async fn relayed(bus: &Bus) -> Result<u64, BusError> {
    let mut stream = bus.jetstream.get_stream(bus.updates_stream()).await.map_err(BusError::jetstream)?;
    Ok(stream.info().await.map_err(BusError::jetstream)?.state.last_sequence)
}

/// Publishes `updates` (consecutive) and waits for every acknowledgement; returns the last
/// sequence published.
async fn publish(bus: &Bus, updates: &[LoggedUpdate]) -> Result<u64, BusError> {
    let mut acks = Vec::with_capacity(updates.len());
    for update in updates {
        let sequence = update.head.sequence;
        let message =
            PublishMessage::build().payload(update.encoded.clone()).message_id(sequence.to_string()).expected_last_sequence(sequence - 1);
        acks.push(
            bus.jetstream
                .send_publish(bus.updates_subject(&type_token(update.head.event_type)), message)
                .await
                .map_err(BusError::jetstream)?,
        );
    }
    for ack in acks {
        ack.await.map_err(BusError::jetstream)?;
    }
    Ok(updates.last().map_or(0, |u| u.head.sequence))
}

/// The subject token of an event type: `consult` for `EVENT_TYPE_CONSULT`.
pub fn type_token(event_type: i32) -> String {
    let name = EventType::try_from(event_type).unwrap_or(EventType::Unspecified).as_str_name();
    name.trim_start_matches("EVENT_TYPE_").to_lowercase()
}
