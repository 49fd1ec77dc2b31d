//! The schema of the PostgreSQL store: the files of `migrations/` (built into the binary),
//! applied in order by every process at start. One transaction holds an advisory lock while it
//! applies the ones `rasad_migrations` does not list yet, so processes starting together apply
//! each once.

use deadpool_postgres::Object;

use super::pg;
use crate::store::Result;

/// The migrations, in order: (version, SQL).
const MIGRATIONS: [(i32, &str); 1] = [(1, include_str!("../../../migrations/0001_store.sql"))];

/// The advisory lock that serialises migrations ("rasad-mi").
const MIGRATION_LOCK: i64 = 0x7261_7361_642d_6d69;

/// Applies the migrations not yet applied; returns how many it applied.
pub async fn migrate(client: &mut Object) -> Result<usize> {
    let txn = client.transaction().await.map_err(pg)?;
    txn.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK]).await.map_err(pg)?;
    txn.batch_execute(
        "CREATE TABLE IF NOT EXISTS rasad_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())",
    )
    .await
    .map_err(pg)?;
    let applied: Vec<i32> = txn.query("SELECT version FROM rasad_migrations", &[]).await.map_err(pg)?.iter().map(|r| r.get(0)).collect();
    let mut count = 0;
    for (version, sql) in MIGRATIONS.iter().filter(|(v, _)| !applied.contains(v)) {
        txn.batch_execute(sql).await.map_err(pg)?;
        txn.execute("INSERT INTO rasad_migrations (version) VALUES ($1)", &[version]).await.map_err(pg)?;
        count += 1;
    }
    txn.commit().await.map_err(pg)?;
    Ok(count)
}
