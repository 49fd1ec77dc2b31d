//! A front end's live tail in the distributed mode: one ordered consumer of the updates stream,
//! from the update after the front end's head, handing each update in order to the hub. After
//! an error (NATS restarted) it starts again after the last update it handed on.

use std::{sync::Arc, time::Duration};

use async_nats::jetstream::consumer::{DeliverPolicy, pull};
use tokio_stream::StreamExt;
use tokio_util::sync::CancellationToken;

use super::{Bus, BusError};
use crate::store::LoggedUpdate;

/// How long to wait before following again after an error.
const RETRY: Duration = Duration::from_millis(500);

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
    let mut messages = stream.create_consumer(config).await.map_err(BusError::jetstream)?.messages().await.map_err(BusError::jetstream)?;
    loop {
        let next = tokio::select! {
            () = shutdown.cancelled() => return Ok(()),
            next = messages.next() => next,
        };
        let message = match next {
            Some(message) => message.map_err(BusError::jetstream)?,
            None => return Err(BusError::JetStream("the updates consumer ended".into())),
        };
        let update = LoggedUpdate::from_encoded(message.payload.clone()).map_err(BusError::jetstream)?;
        let sequence = update.head.sequence;
        if sequence == *head + 1 {
            deliver(vec![Arc::new(update)], sequence);
            *head = sequence;
        }
    }
}
