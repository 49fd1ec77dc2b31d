//! The writes of a merge transaction ([`super::commit`]) made in a few statements: the rows a
//! batch of articles adds to each table go to PostgreSQL as arrays (`unnest`), one statement
//! per table, rather than one statement, and one round trip, per row. Made row by row, a batch
//! of 64 articles took about a thousand round trips, all inside the merge lock.
//!
//! The statements keep the planner's order where it matters: an absorption (an event merged
//! into another: its reports move, its row goes) is made in its place, after the rows planned
//! before it and before those planned after it. Between two absorptions the tables do not
//! depend on each other, and an event saved twice is written once, as it was saved last.

use deadpool_postgres::{GenericClient, Transaction};
use prost::Message;
use rustc_hash::FxHashMap;

use super::pg;
use crate::{
    proto::IngestResult,
    store::{Result, plan::Write},
};

/// The rows planned since the last absorption, a column at a time.
#[derive(Default)]
struct Rows<'w> {
    article_ids: Vec<&'w str>,
    article_hashes: Vec<&'w [u8]>,
    article_seqs: Vec<i64>,
    article_results: Vec<&'w [u8]>,
    report_events: Vec<i64>,
    report_keys: Vec<&'w str>,
    reports: Vec<&'w [u8]>,
    log_seqs: Vec<i64>,
    log_records: Vec<&'w [u8]>,
    /// Each event's state as saved last, by number.
    events: FxHashMap<i64, &'w [u8]>,
}

impl Rows<'_> {
    /// Inserts the rows, one statement per table that has some.
    async fn insert(self, txn: &Transaction<'_>, commit_no: i64) -> Result<()> {
        if !self.article_ids.is_empty() {
            let statement = txn
                .prepare_cached(
                    "INSERT INTO articles (id, text_hash, stored, stream_seq, result)
                     SELECT id, text_hash, true, stream_seq, result
                     FROM unnest($1::text[], $2::bytea[], $3::int8[], $4::bytea[]) AS a(id, text_hash, stream_seq, result)",
                )
                .await
                .map_err(pg)?;
            txn.execute(&statement, &[&self.article_ids, &self.article_hashes, &self.article_seqs, &self.article_results])
                .await
                .map_err(pg)?;
        }
        if !self.report_events.is_empty() {
            let statement = txn
                .prepare_cached(
                    "INSERT INTO reports (event, key, commit_no, report)
                     SELECT event, key, $4, report FROM unnest($1::int8[], $2::text[], $3::bytea[]) AS r(event, key, report)",
                )
                .await
                .map_err(pg)?;
            txn.execute(&statement, &[&self.report_events, &self.report_keys, &self.reports, &commit_no]).await.map_err(pg)?;
        }
        if !self.log_seqs.is_empty() {
            let statement = txn
                .prepare_cached(
                    "INSERT INTO log (seq, commit_no, record) SELECT seq, $3, record FROM unnest($1::int8[], $2::bytea[]) AS l(seq, record)",
                )
                .await
                .map_err(pg)?;
            txn.execute(&statement, &[&self.log_seqs, &self.log_records, &commit_no]).await.map_err(pg)?;
        }
        if !self.events.is_empty() {
            let (numbers, events): (Vec<i64>, Vec<&[u8]>) = self.events.into_iter().unzip();
            let statement = txn
                .prepare_cached(
                    "INSERT INTO events (n, event) SELECT n, event FROM unnest($1::int8[], $2::bytea[]) AS e(n, event)
                     ON CONFLICT (n) DO UPDATE SET event = excluded.event",
                )
                .await
                .map_err(pg)?;
            txn.execute(&statement, &[&numbers, &events]).await.map_err(pg)?;
        }
        Ok(())
    }
}

/// Makes the planned writes of commit `commit_no`; `stream_seqs` gives each article's sequence
/// in the articles stream.
pub(super) async fn apply(txn: &Transaction<'_>, writes: &[Write], commit_no: i64, stream_seqs: &FxHashMap<String, u64>) -> Result<()> {
    let mut rows = Rows::default();
    for write in writes {
        match write {
            Write::Article { id, text_hash, result } => {
                rows.article_ids.push(id);
                rows.article_hashes.push(text_hash.as_slice());
                rows.article_seqs.push(stream_seqs.get(id).copied().unwrap_or_default() as i64);
                rows.article_results.push(result);
            }
            Write::Report { number, key, report } => {
                rows.report_events.push(*number as i64);
                rows.report_keys.push(key);
                rows.reports.push(report);
            }
            Write::Update { number, sequence, record, event } => {
                rows.log_seqs.push(*sequence as i64);
                rows.log_records.push(record);
                rows.events.insert(*number as i64, event);
            }
            Write::Absorb { into, from } => {
                std::mem::take(&mut rows).insert(txn, commit_no).await?;
                let (into, from) = (*into as i64, *from as i64);
                txn.execute("UPDATE reports SET event = $1 WHERE event = $2", &[&into, &from]).await.map_err(pg)?;
                txn.execute("DELETE FROM events WHERE n = $1", &[&from]).await.map_err(pg)?;
                txn.execute("INSERT INTO merged_into (n, into_n, commit_no) VALUES ($1, $2, $3)", &[&from, &into, &commit_no])
                    .await
                    .map_err(pg)?;
            }
        }
    }
    rows.insert(txn, commit_no).await
}

/// Records the duplicates found by text, so that a front end asked for them again finds them.
pub(super) async fn record_answers(
    txn: &impl GenericClient,
    answered: &[IngestResult],
    stream_seqs: &FxHashMap<String, u64>,
) -> Result<()> {
    if answered.is_empty() {
        return Ok(());
    }
    let ids: Vec<&str> = answered.iter().map(|r| r.article_id.as_str()).collect();
    let seqs: Vec<i64> = answered.iter().map(|r| stream_seqs.get(&r.article_id).copied().unwrap_or_default() as i64).collect();
    let results: Vec<Vec<u8>> = answered.iter().map(Message::encode_to_vec).collect();
    // Not stored texts: no hash is recorded.
    txn.execute(
        "INSERT INTO articles (id, text_hash, stored, stream_seq, result)
         SELECT id, '', false, stream_seq, result FROM unnest($1::text[], $2::int8[], $3::bytea[]) AS a(id, stream_seq, result)
         ON CONFLICT (id) DO NOTHING",
        &[&ids, &seqs, &results],
    )
    .await
    .map_err(pg)?;
    Ok(())
}
