//! A front end's live tail in the distributed mode: one ordered consumer of the updates stream,
//! from the update after the front end's head, handing the updates in order to the hub. After
//! an error (NATS restarted) it starts again after the last update it handed on.
//!
//! Every hand-over wakes each waiting subscriber, so the tail hands on at once everything the
//! consumer has ready (up to [`READY`] updates): the relay publishes a commit's updates
//! together, and handed on one by one they woke a hundred subscribers per update. It never
//! waits for more: an update that arrives alone is handed on alone, as soon as it arrives.

use std::{sync::Arc, time::Duration};

use async_nats::jetstream::consumer::{DeliverPolicy, pull};
use futures_util::StreamExt;
use tokio_util::sync::CancellationToken;

use super::{Bus, BusError};
use crate::store::LoggedUpdate;

/// How long to wait before following again after an error.
const RETRY: Duration = Duration::from_millis(500);
/// Most updates handed to the hub at once (a relayed chunk of the log is at most 256).
pub const READY: usize = 256;

/// Hands the updates after `head` to `deliver` (the updates, the new head) until `shutdown`.
pub async fn follow(bus: Bus, mut head: u64, mut deliver: impl FnMut(Vec<Arc<LoggedUpdate>>, u64) + Send, shutdown: CancellationToken) {
    while !shutdown.is_cancelled() {
        if let Err(e) = follow_from(&bus, &mut head, &mut deliver, &shutdown).await {
            tracing::warn!(error = %e, head, "following the updates stream failed; following again");
            tokio::select! {
                () = shutdown.cancelled() => {}
                () = tokio::time::sleep(RETRY) => {}
            }
        }
    }
}

async fn follow_from(
    bus: &Bus,
    head: &mut u64,
    deliver: &mut (impl FnMut(Vec<Arc<LoggedUpdate>>, u64) + Send),
    shutdown: &CancellationToken,
) -> Result<(), BusError> {
    let stream = bus.jetstream.get_stream(bus.updates_stream()).await.map_err(BusError::jetstream)?;
    let config = pull::OrderedConfig { deliver_policy: DeliverPolicy::ByStartSequence { start_sequence: *head + 1 }, ..Default::default() };
    let mut messages = stream
        .create_consumer(config)
        .await
        .map_err(BusError::jetstream)?
        .messages()
        .await
        .map_err(BusError::jetstream)?
        .ready_chunks(READY);
    loop {
        let ready = tokio::select! {
            () = shutdown.cancelled() => return Ok(()),
            ready = messages.next() => ready.ok_or_else(|| BusError::JetStream("the updates consumer ended".into()))?,
        };
        let mut updates = Vec::with_capacity(ready.len());
        let mut failed = None;
        for message in ready {
            match message
                .map_err(BusError::jetstream)
                .and_then(|m| LoggedUpdate::from_encoded(m.payload.clone()).map_err(BusError::jetstream))
            {
                // Anything else was handed on already (a message published twice).
                Ok(update) if update.head.sequence == *head + 1 + updates.len() as u64 => updates.push(Arc::new(update)),
                Ok(_) => {}
                Err(e) => {
                    failed = Some(e);
                    break;
                }
            }
        }
        if !updates.is_empty() {
            *head += updates.len() as u64;
            deliver(updates, *head);
        }
        if let Some(e) = failed {
            return Err(e);
        }
    }
}
