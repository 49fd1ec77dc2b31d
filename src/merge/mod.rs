//! Merging: decides what one article's extracted events change in the stored events.
//!
//! Today's rule is the minimal honest one: every extracted event becomes a new stored event with
//! a global id, announced by a CREATED update. Cross-article identity (the same meeting reported
//! by several outlets → one event, UPDATED / STATUS_CHANGED / MERGED updates) replaces the body
//! of [`plan`] without touching its callers.

use crate::{
    proto::{Article, Event, ExtractResponse, UpdateKind},
    store,
};

/// Allocates stored event numbers; the writer persists [`EventIds::next`] with each commit.
pub struct EventIds {
    next: u64,
}

impl EventIds {
    pub fn new(next: u64) -> Self {
        EventIds { next }
    }

    pub fn next(&self) -> u64 {
        self.next
    }

    fn allocate(&mut self) -> u64 {
        self.next += 1;
        self.next - 1
    }
}

/// One change to the stored events.
#[derive(Debug)]
pub struct Change {
    /// The stored event's number (its id is [`store::event_id`] of it).
    pub number: u64,
    pub kind: UpdateKind,
    /// The event after the change.
    pub event: Event,
    /// Names of the fields that changed (proto field names).
    pub changed_fields: Vec<String>,
}

/// What storing `article` with its `extraction` changes, in order.
pub fn plan(article: &Article, extraction: ExtractResponse, ids: &mut EventIds) -> Vec<Change> {
    extraction
        .events
        .into_iter()
        .map(|mut event| {
            let number = ids.allocate();
            event.id = store::event_id(number);
            event.article_ids = vec![article.id.clone()];
            event.num_articles = 1;
            event.num_sources = u32::from(!article.source.is_empty());
            Change {
                number,
                kind: UpdateKind::Created,
                changed_fields: set_fields(&event),
                event,
            }
        })
        .collect()
}

/// The fields of `event` that carry a value: for a new event, everything that "changed".
fn set_fields(e: &Event) -> Vec<String> {
    [
        ("event_type", e.event_type != 0),
        ("cameo_code", !e.cameo_code.is_empty()),
        ("mode", e.mode != 0),
        ("status", e.status != 0),
        ("participants", !e.participants.is_empty()),
        ("date", e.date.is_some()),
        ("location", e.location.is_some()),
        ("topics", !e.topics.is_empty()),
        ("evidence", !e.evidence.is_empty()),
        ("confidence", e.confidence != 0.0),
        ("article_ids", !e.article_ids.is_empty()),
        ("num_articles", e.num_articles != 0),
        ("num_sources", e.num_sources != 0),
    ]
    .into_iter()
    .filter(|&(_, set)| set)
    .map(|(name, _)| name.to_string())
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::EventType;

    #[test]
    fn every_extracted_event_becomes_a_new_stored_event() {
        let article = Article {
            id: "a1".into(),
            source: "youm7.com".into(),
            ..Default::default()
        };
        let extraction = ExtractResponse {
            article_id: "a1".into(),
            events: vec![
                Event {
                    id: "a1#1".into(),
                    event_type: EventType::Consult.into(),
                    ..Default::default()
                },
                Event {
                    id: "a1#2".into(),
                    ..Default::default()
                },
            ],
            warnings: vec![],
        };
        let mut ids = EventIds::new(7);
        let changes = plan(&article, extraction, &mut ids);
        assert_eq!(ids.next(), 9);
        assert_eq!(
            changes
                .iter()
                .map(|c| c.event.id.as_str())
                .collect::<Vec<_>>(),
            ["ev-7", "ev-8"]
        );
        assert!(changes.iter().all(|c| c.kind == UpdateKind::Created));
        assert_eq!(
            changes[0].changed_fields,
            ["event_type", "article_ids", "num_articles", "num_sources"]
        );
        assert_eq!(changes[1].event.article_ids, ["a1"]);
    }
}
