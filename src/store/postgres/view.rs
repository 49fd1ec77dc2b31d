//! A snapshot of the PostgreSQL store, read a page at a time: one REPEATABLE READ READ ONLY
//! transaction, held from the first page to the last, read by event number after the last one
//! read (keyset pagination), so every page sees the events as they stood at one position of the
//! log while workers go on committing.
//!
//! Each snapshot holds a connection of its own, from a pool kept apart from the one of the other
//! reads (a slow snapshot reader must not take the connections that `GetEvent`, `ListEvents` and
//! catching up subscribers need) and named [`APPLICATION`] in `pg_stat_activity`. It is never
//! given back: dropping the view, after its last page or when its subscriber goes away, closes
//! the connection, and PostgreSQL ends the transaction with it. While it is held, VACUUM keeps
//! the rows it may still read.

use std::ops::Deref;

use deadpool_postgres::{Object, Pool};
use tokio_postgres::Statement;

use super::{head, message, pg};
use crate::{
    proto::Event,
    store::{EventsView, Keep, PageLimit, Result, StoreError, page::Filling, reads::BoxFuture},
};

/// At most this many snapshots are read at once by one process (each holds a connection).
pub(super) const CONNECTIONS: usize = 8;
/// The `application_name` of the snapshots' connections.
pub(super) const APPLICATION: &str = "rasad-snapshot";

/// The events of one transaction, from the first event number not yet read.
pub(super) struct PgView {
    client: Own,
    page: Statement,
    head: u64,
    keep: Keep,
    /// The number of the last event read (0 before the first: events are numbered from 1).
    after: i64,
    done: bool,
}

impl PgView {
    /// Begins the transaction on a connection of `snapshots`.
    pub(super) async fn open(snapshots: &Pool, keep: Keep) -> Result<PgView> {
        let client = snapshots
            .get()
            .await
            .map_err(|e| StoreError::Pool(format!("{e}: at most {CONNECTIONS} snapshots are read at once; subscribe again shortly")))?;
        let client = Own(Some(client));
        let page = client.prepare(PAGE).await.map_err(pg)?;
        client.batch_execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY").await.map_err(pg)?;
        // The transaction's first query fixes what it sees: the head is read in the view.
        let head = head(&*client).await?;
        Ok(PgView { client, page, head, keep, after: 0, done: false })
    }

    async fn read(&mut self, limit: PageLimit) -> Result<Option<Vec<Event>>> {
        if self.done {
            return Ok(None);
        }
        let rows = self.client.query(&self.page, &[&self.after, &(limit.items as i64)]).await.map_err(pg)?;
        let mut page = Filling::new(limit);
        for row in &rows {
            let n: i64 = row.get(0);
            let event: Event = message("events", n, row.get(1))?;
            if (self.keep)(&event) && !page.add(event) {
                return Ok(Some(page.items));
            }
            self.after = n;
        }
        self.done = rows.len() < limit.items;
        Ok(Some(page.items))
    }
}

/// The next events of the view.
const PAGE: &str = "SELECT n, event FROM events WHERE n > $1 ORDER BY n LIMIT $2";

impl EventsView for PgView {
    fn head(&self) -> u64 {
        self.head
    }

    fn next_page(&mut self, limit: PageLimit) -> BoxFuture<'_, Result<Option<Vec<Event>>>> {
        Box::pin(self.read(limit))
    }
}

/// A connection of the pool that is closed when dropped, never given back (it may be in the
/// middle of the transaction).
struct Own(Option<Object>);

impl Deref for Own {
    type Target = Object;

    fn deref(&self) -> &Object {
        self.0.as_ref().expect("held until dropped")
    }
}

impl Drop for Own {
    fn drop(&mut self) {
        if let Some(client) = self.0.take() {
            drop(Object::take(client));
        }
    }
}
