//! Planning one article's writes, shared by both stores: the embedded writer (`writer`) and the
//! PostgreSQL commit of the distributed mode (`postgres`). Given the merge engine, the committed
//! reports of the store and a cache of tallies, it turns an extracted article into the
//! [`Write`]s its transaction makes, its numbered updates and its `IngestResult`; each store then
//! makes the writes its own way. Merging itself stays in `crate::merge`.

use std::sync::Arc;

use prost::{Message, bytes::Bytes};

use super::{LoggedUpdate, Result, StoreError, TextHash, tally_cache::TallyCache};
use crate::{
    merge::{self, EventIds, EventStore, Merger, Report, Tally},
    proto::{Article, Event, EventUpdate, ExtractResponse, IngestOutcome, IngestResult, UpdateKind},
};

/// One write of a planned transaction, in the order the planner made them.
pub(crate) enum Write {
    Article {
        id: String,
        text_hash: TextHash,
        result: Vec<u8>,
    },
    Report {
        number: u64,
        key: String,
        report: Vec<u8>,
    },
    /// Event `from` merged into `into`: its reports move to `into`.
    Absorb {
        into: u64,
        from: u64,
    },
    /// A logged update of event `number`, which now stands as the update left it (`event`, the
    /// encoding of the event within `record`).
    Update {
        number: u64,
        sequence: u64,
        record: Bytes,
        event: Bytes,
    },
}

/// Where the planner reads the reports a store has committed.
pub(crate) trait CommittedReports {
    /// The committed reports of stored event `number`.
    fn reports_of(&mut self, number: u64) -> Result<Vec<Report>>;
}

/// What merging reads and writes while a transaction is planned: the committed reports (for
/// tallies not in memory), the tally cache, and the transaction's writes.
pub(crate) struct Tables<'c, R> {
    pub committed: R,
    pub cache: &'c mut TallyCache,
    pub writes: &'c mut Vec<Write>,
}

impl<R: CommittedReports> EventStore for Tables<'_, R> {
    type Error = StoreError;

    /// A tally not in the cache counts only committed reports: the cache evicts only when no
    /// transaction is in flight, and every report planned since is counted by a cached tally.
    fn take_tally(&mut self, number: u64) -> Result<Tally> {
        if let Some(tally) = self.cache.take(number) {
            return Ok(tally);
        }
        Ok(Tally::of_reports(&self.committed.reports_of(number)?))
    }

    fn save(&mut self, number: u64, _: &Event, added: &Report, tally: Tally) -> Result<()> {
        self.writes.push(Write::Report { number, key: added.key(), report: added.encode_to_vec() });
        self.cache.put(number, tally);
        Ok(())
    }

    fn absorb(&mut self, into: u64, from: u64) -> Result<()> {
        self.writes.push(Write::Absorb { into, from });
        self.cache.remove(from);
        Ok(())
    }

    /// The new state is written with its update; the tally stays in the cache, with the state
    /// saved from it.
    fn restate(&mut self, number: u64, _: &Event, tally: Tally) -> Result<()> {
        self.cache.put(number, tally);
        Ok(())
    }
}

/// The result of an article found to be a duplicate of the stored article `duplicate_of`.
pub(crate) fn duplicate(article_id: String, duplicate_of: String) -> IngestResult {
    IngestResult { article_id, outcome: IngestOutcome::Duplicate.into(), duplicate_of, ..Default::default() }
}

/// Merges a new article into `tables`: pushes its writes (its reports, its updates numbered
/// from `*sequence` on, and the article itself), appends its updates to `updates` and returns
/// its result.
pub(crate) fn plan_article<R: CommittedReports>(
    merger: &mut Merger,
    tables: &mut Tables<'_, R>,
    ids: &mut EventIds,
    sequence: &mut u64,
    (article, text_hash, extraction): (Article, TextHash, ExtractResponse),
    updates: &mut Vec<Arc<LoggedUpdate>>,
) -> Result<IngestResult> {
    let mut result = IngestResult { article_id: article.id.clone(), outcome: IngestOutcome::Accepted.into(), ..Default::default() };
    for change in merger.plan(tables, &article, extraction, ids)? {
        let head = EventUpdate {
            sequence: *sequence,
            kind: change.kind.into(),
            changed_fields: change.changed_fields,
            article_id: article.id.clone(),
            merged_event_id: change.merged.map(merge::event_id).unwrap_or_default(),
            event: None,
        };
        let update = LoggedUpdate::with_event(&head, &change.event, &change.encoded);
        let record = update.encoded.clone();
        tables.writes.push(Write::Update { number: change.number, sequence: *sequence, record, event: change.encoded });
        *sequence += 1;
        let event_id = merge::event_id(change.number);
        let ids = match change.kind {
            UpdateKind::Created => &mut result.created_event_ids,
            _ => &mut result.updated_event_ids,
        };
        if !ids.contains(&event_id) {
            ids.push(event_id);
        }
        updates.push(Arc::new(update));
    }
    tables.writes.push(Write::Article { id: article.id, text_hash, result: result.encode_to_vec() });
    Ok(result)
}
