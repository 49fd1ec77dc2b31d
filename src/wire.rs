//! Protobuf encodings read field by field, without decoding them: where the bytes of each field
//! are. The writer encodes each folded event once and uses the bytes three times: to tell which
//! fields an update changed (comparing them with the previous event's, field by field), as the
//! stored event, and spliced into the logged update.
//!
//! Prost writes fields in field-number order and the elements of a repeated field together, so
//! every field of an encoding it made is one contiguous span, and two values of a field are equal
//! exactly when their spans hold the same bytes (floats aside, whose `-0.0` and `0.0` compare equal
//! but encode apart; no compared field holds a negative float).

use std::ops::Range;

use prost::encoding::{WireType, decode_key, decode_varint, encode_key, encode_varint};

/// The spans of fields 1 to `N - 1` in an encoding made by prost (empty for absent fields; the
/// slot of field 0 is unused), or `None` when the bytes are not a protobuf encoding.
pub fn field_spans<const N: usize>(encoded: &[u8]) -> Option<[Range<usize>; N]> {
    let mut spans: [Range<usize>; N] = std::array::from_fn(|_| 0..0);
    let mut rest = encoded;
    while !rest.is_empty() {
        let start = encoded.len() - rest.len();
        let (tag, wire_type) = decode_key(&mut rest).ok()?;
        let skip = match wire_type {
            WireType::Varint => {
                decode_varint(&mut rest).ok()?;
                0
            }
            WireType::SixtyFourBit => 8,
            WireType::ThirtyTwoBit => 4,
            WireType::LengthDelimited => usize::try_from(decode_varint(&mut rest).ok()?).ok()?,
            WireType::StartGroup | WireType::EndGroup => return None,
        };
        rest = rest.get(skip..)?;
        let end = encoded.len() - rest.len();
        if let Some(span) = spans.get_mut(tag as usize) {
            *span = if span.end == 0 { start..end } else { span.start..end };
        }
    }
    Some(spans)
}

/// `message` (an encoding without field `field`) with `value`, the encoding of a message, as
/// field `field`, in field-number order: the bytes prost would write for the whole message.
pub fn splice_message(message: &[u8], field: u32, value: &[u8]) -> Vec<u8> {
    // Where the fields numbered above `field` start: after the last span of a lower field.
    let at =
        field_spans::<64>(message).map(|spans| spans[..field as usize].iter().map(|s| s.end).max().unwrap_or(0)).unwrap_or(message.len());
    let mut out = Vec::with_capacity(message.len() + value.len() + 12);
    out.extend_from_slice(&message[..at]);
    encode_key(field, WireType::LengthDelimited, &mut out);
    encode_varint(value.len() as u64, &mut out);
    out.extend_from_slice(value);
    out.extend_from_slice(&message[at..]);
    out
}

#[cfg(test)]
mod tests {
    use prost::Message;

    use super::*;
    use crate::proto::{Event, EventUpdate, Participant, UpdateKind};

    fn event() -> Event {
        Event {
            id: "ev-7".into(),
            cameo_code: "042".into(),
            participants: vec![
                Participant { actor_id: "state/RUS".into(), ..Default::default() },
                Participant { actor_id: "state/USA".into(), ..Default::default() },
            ],
            confidence: 0.7,
            num_articles: 3,
            article_ids: vec!["a".into(), "b".into()],
            ..Default::default()
        }
    }

    #[test]
    fn spans_hold_each_field_and_repeated_fields_whole() {
        let e = event();
        let bytes = e.encode_to_vec();
        let spans = field_spans::<17>(&bytes).expect("an encoding");
        let only = |field: usize| Event::decode(&bytes[spans[field].clone()]).expect("a field decodes alone");
        assert_eq!(only(6).participants, e.participants);
        assert_eq!(only(12).article_ids, e.article_ids);
        assert_eq!(only(11).confidence, e.confidence);
        assert!(spans[7].is_empty(), "no date");
        assert_eq!(spans.iter().map(|s| s.len()).sum::<usize>(), bytes.len());
    }

    #[test]
    fn spliced_update_is_what_prost_writes() {
        let update = EventUpdate {
            sequence: 42,
            kind: UpdateKind::Updated.into(),
            event: Some(event()),
            changed_fields: vec!["num_articles".into()],
            article_id: "a".into(),
            merged_event_id: String::new(),
        };
        let without = EventUpdate { event: None, ..update.clone() };
        let event_bytes = event().encode_to_vec();
        assert_eq!(splice_message(&without.encode_to_vec(), 3, &event_bytes), update.encode_to_vec());
        let bare = EventUpdate { event: None, ..Default::default() };
        assert_eq!(
            splice_message(&bare.encode_to_vec(), 3, &event_bytes),
            EventUpdate { event: Some(event()), ..Default::default() }.encode_to_vec()
        );
    }

    #[test]
    fn bytes_that_are_not_protobuf_have_no_spans() {
        assert!(field_spans::<17>(&[0x0a, 0x05, 0x01]).is_none(), "a length past the end");
        assert!(field_spans::<17>(&[0x0b]).is_none(), "a group");
    }
}
