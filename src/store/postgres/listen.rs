//! A connection of its own for the outbox relay: it holds the relay's session advisory lock
//! (one relay at a time; the lock goes with the connection when its process dies) and hears
//! the notifications the merge transaction sends when it commits updates.

use std::time::Duration;

use futures_util::{StreamExt, stream};
use tokio::sync::mpsc;
use tokio_postgres::{AsyncMessage, NoTls};

use super::{PgStore, commit::LOG_CHANNEL, pg};
use crate::store::Result;

/// The session advisory lock of the relay ("rasad-re").
const RELAY_LOCK: i64 = 0x7261_7361_642d_7265;

/// The relay's connection.
pub struct LogListener {
    client: tokio_postgres::Client,
    notified: mpsc::Receiver<()>,
}

impl PgStore {
    /// Opens the relay's connection, listening for committed updates.
    pub async fn listen_log(&self) -> Result<LogListener> {
        let (client, mut connection) = self.config.connect(NoTls).await.map_err(pg)?;
        let (notify, notified) = mpsc::channel(1);
        tokio::spawn(async move {
            let mut messages = stream::poll_fn(move |cx| connection.poll_message(cx));
            while let Some(message) = messages.next().await {
                match message {
                    Ok(AsyncMessage::Notification(_)) => {
                        let _ = notify.try_send(());
                    }
                    Ok(_) => {}
                    Err(e) => {
                        tracing::warn!(error = %e, "the relay's PostgreSQL connection failed");
                        break;
                    }
                }
            }
        });
        client.batch_execute(&format!("LISTEN {LOG_CHANNEL}")).await.map_err(pg)?;
        Ok(LogListener { client, notified })
    }
}

impl LogListener {
    /// Takes the relay's lock if no other process holds it.
    pub async fn try_lead(&self) -> Result<bool> {
        Ok(self.client.query_one("SELECT pg_try_advisory_lock($1)", &[&RELAY_LOCK]).await.map_err(pg)?.get(0))
    }

    /// Waits until updates are committed or `timeout` passes; false once the connection is gone.
    pub async fn committed(&mut self, timeout: Duration) -> bool {
        match tokio::time::timeout(timeout, self.notified.recv()).await {
            Ok(None) => false,
            Ok(Some(())) | Err(_) => !self.client.is_closed(),
        }
    }
}
