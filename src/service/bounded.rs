//! Every response bounded in bytes. Pages are cut by size in the store ([`PageLimit`]); what is
//! left is the one item that is too large alone: a stored event whose evidence sentences add up
//! to more than a response may hold. Such an event is served without its evidence (each report's
//! own evidence stays in `ListReports`), so one article can never make a call fail for everyone.
//! An `Extract` answer has no pages: one with more events than a response holds keeps the first
//! ones and says in a warning how many it left out.

use prost::{Message, bytes::Bytes};

use crate::{
    merge::Report,
    proto::{Event, EventUpdate, ExtractResponse},
    store::PageLimit,
};

/// The largest response by default: well below tonic's 4 MiB decoding limit of clients.
pub const RESPONSE_BYTES: usize = 1 << 20;

/// Room kept in a response for what is not an item (a page's next token, the warning of a cut
/// `Extract` answer).
const PAGE_OVERHEAD: usize = 1024;

/// The bound of the responses of a server whose messages may be up to `max_message_bytes`.
pub fn response_bytes(max_message_bytes: usize) -> usize {
    RESPONSE_BYTES.min(max_message_bytes)
}

/// A page of up to `items` items in a response of at most `bytes`.
pub fn page(items: usize, bytes: usize) -> PageLimit {
    PageLimit { items, bytes: bytes.saturating_sub(PAGE_OVERHEAD) }
}

/// `event`, without its evidence if its encoding passes `bytes`.
pub fn event(mut event: Event, bytes: usize) -> Event {
    if event.encoded_len() > bytes {
        event.evidence.clear();
    }
    event
}

/// `extraction` within `bytes`: each event without evidence if it passes `bytes` alone, and the
/// first events that fit, with a warning naming how many were left out when some were.
pub fn extraction(mut extraction: ExtractResponse, bytes: usize) -> ExtractResponse {
    let bytes = bytes.saturating_sub(PAGE_OVERHEAD);
    let events = std::mem::take(&mut extraction.events);
    let total = events.len();
    let mut used = extraction.encoded_len();
    for event in events.into_iter().map(|e| event(e, bytes)) {
        used += prost::encoding::message::encoded_len(2, &event);
        if used > bytes {
            break;
        }
        extraction.events.push(event);
    }
    if extraction.events.len() < total {
        extraction.warnings.push(format!(
            "answer cut to {bytes} bytes: it holds the first {} of {total} events (Ingest stores them all)",
            extraction.events.len()
        ));
    }
    extraction
}

/// `report`, its event without evidence if it passes `bytes`.
pub fn report(mut report: Report, bytes: usize) -> Report {
    report.event = report.event.map(|e| event(e, bytes));
    report
}

/// The encoded update `encoded`, re-encoded without its event's evidence if it passes `bytes`.
pub fn update(encoded: Bytes, bytes: usize) -> Bytes {
    if encoded.len() <= bytes {
        return encoded;
    }
    match EventUpdate::decode(encoded.clone()) {
        Ok(mut update) => {
            if let Some(event) = &mut update.event {
                event.evidence.clear();
            }
            update.encode_to_vec().into()
        }
        // The store decoded it before, so this does not happen; the client's decoder would say.
        Err(_) => encoded,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::Evidence;

    fn large(sentence_bytes: usize) -> Event {
        Event {
            id: "ev-1".into(),
            evidence: vec![Evidence { sentence: "x".repeat(sentence_bytes), ..Default::default() }],
            ..Default::default()
        }
    }

    #[test]
    fn only_an_event_over_the_bound_loses_its_evidence() {
        assert_eq!(event(large(100), 1000).evidence.len(), 1);
        let cut = event(large(5000), 1000);
        assert!(cut.evidence.is_empty() && cut.id == "ev-1");
    }

    #[test]
    fn an_extraction_over_the_bound_keeps_its_first_events_and_says_so() {
        let events = vec![large(100), large(5000), large(300), large(300), large(300)];
        let whole = ExtractResponse { article_id: "a".into(), events, warnings: vec!["publication date unknown".into()] };
        assert_eq!(extraction(whole.clone(), 20_000), whole);
        let cut = extraction(whole, PAGE_OVERHEAD + 700);
        assert!(cut.encoded_len() <= PAGE_OVERHEAD + 700, "{} bytes", cut.encoded_len());
        assert_eq!(cut.events.iter().map(|e| e.evidence.first().map_or(0, |ev| ev.sentence.len())).collect::<Vec<_>>(), [100, 0, 300]);
        assert_eq!(cut.warnings[1], "answer cut to 700 bytes: it holds the first 3 of 5 events (Ingest stores them all)");
    }

    #[test]
    fn an_update_over_the_bound_is_sent_within_it() {
        let encoded: Bytes = EventUpdate { sequence: 7, event: Some(large(5000)), ..Default::default() }.encode_to_vec().into();
        assert_eq!(update(encoded.clone(), 10_000), encoded);
        let cut = update(encoded, 1000);
        assert!(cut.len() <= 1000);
        let decoded = EventUpdate::decode(cut).expect("decodes");
        assert_eq!((decoded.sequence, decoded.event.map(|e| e.id)), (7, Some("ev-1".to_string())));
    }
}
