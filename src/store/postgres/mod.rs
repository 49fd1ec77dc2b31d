//! The PostgreSQL store of the distributed mode (README, "Distributed mode"): the same articles,
//! events, reports and update log as the embedded store, as tables (`migrations/`), shared by
//! every front end and worker. Front ends read it ([`EventReads`]); workers write it, one
//! merge transaction at a time ([`commit`]), a few statements per transaction (`writes`).
//!
//! Records are the protobuf encodings the embedded store keeps, without its checksums
//! (PostgreSQL checks its own pages). Connections come from a pool; snapshots hold theirs from
//! a pool of their own (`view`).

pub mod commit;
mod listen;
mod migrate;
mod view;
mod writes;

use std::{
    sync::{Arc, Weak},
    time::Duration,
};

use deadpool_postgres::GenericClient;
use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod, Runtime, Timeouts};
use prost::{Message, bytes::Bytes};
use tokio::sync::watch;
use tokio_postgres::NoTls;

use self::view::PgView;
use super::{
    EventPage, EventReads, EventsView, Keep, LoggedUpdate, PageLimit, ReportPage, Result, StoreError, page::Filling, reads::BoxFuture,
};
use crate::{
    merge::{self, Report},
    proto::{Event, IngestResult},
};

/// Connections one process keeps open at most.
const POOL_SIZE: usize = 16;
/// Events read per query while a listing fills a page.
const LISTING_CHUNK: i64 = 256;
/// The longest wait for a connection (to make one, or for one of the pool to be free): a
/// server that does not answer makes calls fail (UNAVAILABLE), not hang.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// How often a process checks that PostgreSQL answers (a front end's health follows it).
const PROBE_EVERY: Duration = Duration::from_millis(500);

/// A PostgreSQL error as a store error.
pub(crate) fn pg(e: tokio_postgres::Error) -> StoreError {
    StoreError::Postgres(Arc::new(e))
}

/// A protobuf record of `table` under `key`.
fn message<M: Message + Default>(table: &'static str, key: impl ToString, bytes: &[u8]) -> Result<M> {
    M::decode(bytes).map_err(|e| StoreError::Corrupt { table, key: key.to_string(), reason: e.to_string() })
}

/// A handle on the PostgreSQL store; cheap to clone.
#[derive(Clone)]
pub struct PgStore {
    pool: Pool,
    /// The connections of snapshots (`view`).
    snapshots: Pool,
    /// For connections of their own (`listen`).
    config: tokio_postgres::Config,
    serving: Arc<watch::Sender<bool>>,
}

impl PgStore {
    /// Connects to `url` (`postgres://user@host:port/database`) and applies the migrations.
    pub async fn connect(url: &str) -> Result<PgStore> {
        let mut config: tokio_postgres::Config = url.parse().map_err(pg)?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(CONNECT_TIMEOUT);
        }
        let pool = pool_of(config.clone(), POOL_SIZE)?;
        let snapshots = pool_of(config.clone().application_name(view::APPLICATION).clone(), view::CONNECTIONS)?;
        let store = PgStore { pool, snapshots, config, serving: Arc::new(watch::Sender::new(true)) };
        let applied = migrate::migrate(&mut store.client().await?).await?;
        tokio::spawn(probe(store.pool.clone(), Arc::downgrade(&store.serving)));
        tracing::info!(applied, "PostgreSQL store ready");
        Ok(store)
    }

    /// A connection of the pool.
    pub(crate) async fn client(&self) -> Result<deadpool_postgres::Object> {
        self.pool.get().await.map_err(|e| StoreError::Pool(e.to_string()))
    }

    /// How a worker answered article `id`, if one did: its result, and whether it was stored.
    pub async fn article_result(&self, id: &str) -> Result<Option<(IngestResult, bool)>> {
        let client = self.client().await?;
        let row = client.query_opt("SELECT result, stored FROM articles WHERE id = $1", &[&id]).await.map_err(pg)?;
        row.map(|r| Ok((message("articles", id, r.get(0))?, r.get(1)))).transpose()
    }

    async fn head(&self) -> Result<u64> {
        head(&self.client().await?).await
    }

    async fn get_event(&self, n: u64) -> Result<Option<Event>> {
        stored_event(&self.client().await?, n).await
    }

    async fn list_reports(&self, n: u64, after: String, limit: PageLimit) -> Result<Option<ReportPage>> {
        let client = self.client().await?;
        let Some(n) = current(&client, n).await? else { return Ok(None) };
        let rows = client
            .query(
                "SELECT key, report FROM reports WHERE event = $1 AND key > $2 ORDER BY key LIMIT $3",
                &[&(n as i64), &after, &(limit.items as i64 + 1)],
            )
            .await
            .map_err(pg)?;
        let mut page = Filling::new(limit);
        for row in &rows {
            let key: &str = row.get(0);
            let report: Report = message("reports", format!("{}/{key}", merge::event_id(n)), row.get(1))?;
            if !page.add(report) {
                let next = page.items.last().map(Report::key);
                return Ok(Some(ReportPage { reports: page.items, next }));
            }
        }
        Ok(Some(ReportPage { reports: page.items, next: None }))
    }

    async fn list_events(&self, from: Option<u64>, limit: PageLimit, keep: Keep) -> Result<EventPage> {
        let client = self.client().await?;
        let mut page = Filling::new(limit);
        let mut from = from.map_or(i64::MAX, |n| n.min(i64::MAX as u64) as i64);
        loop {
            let rows = client
                .query("SELECT n, event FROM events WHERE n <= $1 ORDER BY n DESC LIMIT $2", &[&from, &LISTING_CHUNK])
                .await
                .map_err(pg)?;
            for row in &rows {
                let n: i64 = row.get(0);
                let event: Event = message("events", n, row.get(1))?;
                if (keep(&event) || whole_kept(&client, &event, &keep).await?) && !page.add(event) {
                    return Ok(EventPage { events: page.items, next: Some(n as u64) });
                }
                from = n - 1;
            }
            if (rows.len() as i64) < LISTING_CHUNK {
                return Ok(EventPage { events: page.items, next: None });
            }
        }
    }

    /// Up to `limit` updates after sequence `after`, in order.
    pub async fn read_log(&self, after: u64, limit: usize) -> Result<Vec<LoggedUpdate>> {
        let client = self.client().await?;
        read_log(&client, after, limit).await
    }
}

/// A pool of at most `size` connections to `config`.
fn pool_of(config: tokio_postgres::Config, size: usize) -> Result<Pool> {
    let manager = Manager::from_config(config, NoTls, ManagerConfig { recycling_method: RecyclingMethod::Fast });
    let timeouts = Timeouts { wait: Some(CONNECT_TIMEOUT), create: Some(CONNECT_TIMEOUT), recycle: Some(CONNECT_TIMEOUT) };
    Pool::builder(manager).max_size(size).timeouts(timeouts).runtime(Runtime::Tokio1).build().map_err(|e| StoreError::Pool(e.to_string()))
}

/// Whether a PostgreSQL error means the server is out of reach (down, restarting, refusing
/// connections) rather than a refusal of this query: the same query may pass once it is back.
pub fn unreachable(e: &StoreError) -> bool {
    match e {
        StoreError::Pool(_) => true,
        StoreError::Postgres(e) => e.code().is_none_or(|code| {
            let code = code.code();
            // Connection exceptions, operator intervention (shutdown, crash, starting up),
            // insufficient resources.
            code.starts_with("08") || code.starts_with("57P") || code.starts_with("53")
        }),
        _ => false,
    }
}

/// Keeps `serving` saying whether PostgreSQL answers, until the store is dropped.
async fn probe(pool: Pool, serving: Weak<watch::Sender<bool>>) {
    loop {
        tokio::time::sleep(PROBE_EVERY).await;
        let Some(serving) = serving.upgrade() else { return };
        let answered = async { pool.get().await.ok()?.simple_query("SELECT 1").await.ok() };
        let up = tokio::time::timeout(CONNECT_TIMEOUT, answered).await.is_ok_and(|r| r.is_some());
        if serving.send_replace(up) != up {
            match up {
                true => tracing::info!("PostgreSQL answers again"),
                false => tracing::warn!("PostgreSQL does not answer"),
            }
        }
    }
}

/// The sequence number of the last committed update (0 when the log is empty).
async fn head(client: &impl GenericClient) -> Result<u64> {
    let row = client.query_one("SELECT coalesce(max(seq), 0) FROM log", &[]).await.map_err(pg)?;
    Ok(row.get::<_, i64>(0) as u64)
}

async fn read_log(client: &impl GenericClient, after: u64, limit: usize) -> Result<Vec<LoggedUpdate>> {
    let rows = client
        .query("SELECT seq, record FROM log WHERE seq > $1 ORDER BY seq LIMIT $2", &[&(after as i64), &(limit as i64)])
        .await
        .map_err(pg)?;
    rows.iter()
        .map(|row| {
            let seq: i64 = row.get(0);
            LoggedUpdate::from_encoded(Bytes::copy_from_slice(row.get(1))).map_err(|e| StoreError::Corrupt {
                table: "log",
                key: seq.to_string(),
                reason: e.to_string(),
            })
        })
        .collect()
}

/// The number of the stored event that holds event `n`: `n` itself, or the event a merge folded
/// it into; `None` when neither exists.
async fn current(client: &impl GenericClient, mut n: u64) -> Result<Option<u64>> {
    loop {
        if client.query_opt("SELECT 1 FROM events WHERE n = $1", &[&(n as i64)]).await.map_err(pg)?.is_some() {
            return Ok(Some(n));
        }
        match client.query_opt("SELECT into_n FROM merged_into WHERE n = $1", &[&(n as i64)]).await.map_err(pg)? {
            Some(row) => n = row.get::<_, i64>(0) as u64,
            None => return Ok(None),
        }
    }
}

/// Stored event `n`, or the event that absorbed it.
async fn stored_event(client: &impl GenericClient, n: u64) -> Result<Option<Event>> {
    let Some(n) = current(client, n).await? else { return Ok(None) };
    let row = client.query_opt("SELECT event FROM events WHERE n = $1", &[&(n as i64)]).await.map_err(pg)?;
    row.map(|r| message("events", n, r.get(0))).transpose()
}

/// Whether `event` is part of a stored event that `keep` keeps.
async fn whole_kept(client: &impl GenericClient, event: &Event, keep: &Keep) -> Result<bool> {
    let Some(whole) = merge::parse_event_id(&event.parent_id) else { return Ok(false) };
    Ok(stored_event(client, whole).await?.is_some_and(|e| keep(&e)))
}

impl EventReads for PgStore {
    fn head(&self) -> BoxFuture<'static, Result<u64>> {
        let store = self.clone();
        Box::pin(async move { store.head().await })
    }

    fn get_event(&self, n: u64) -> BoxFuture<'static, Result<Option<Event>>> {
        let store = self.clone();
        Box::pin(async move { store.get_event(n).await })
    }

    fn list_events(&self, from: Option<u64>, limit: PageLimit, keep: Keep) -> BoxFuture<'static, Result<EventPage>> {
        let store = self.clone();
        Box::pin(async move { store.list_events(from, limit, keep).await })
    }

    fn list_reports(&self, n: u64, after: String, limit: PageLimit) -> BoxFuture<'static, Result<Option<ReportPage>>> {
        let store = self.clone();
        Box::pin(async move { store.list_reports(n, after, limit).await })
    }

    fn read_log(&self, after: u64, limit: usize) -> BoxFuture<'static, Result<Vec<LoggedUpdate>>> {
        let store = self.clone();
        Box::pin(async move { store.read_log(after, limit).await })
    }

    fn snapshot(&self, keep: Keep) -> BoxFuture<'static, Result<Box<dyn EventsView>>> {
        let snapshots = self.snapshots.clone();
        Box::pin(async move { Ok(Box::new(PgView::open(&snapshots, keep).await?) as Box<dyn EventsView>) })
    }

    fn serving(&self) -> watch::Receiver<bool> {
        self.serving.subscribe()
    }
}
