//! Pages of a listing, cut by count and by encoded size: a client asks for up to `items`, and a
//! page also stops before the item that would take its encoding past `bytes`, so that a page of
//! large events still fits in one gRPC message. A page always holds at least one item (else
//! paging could not go on); the service makes an item that alone is too large fit
//! (`crate::service::bounded`).

use prost::Message;

/// How much one page may hold.
#[derive(Debug, Clone, Copy)]
pub struct PageLimit {
    pub items: usize,
    /// Encoded bytes of the items, as fields of the response message.
    pub bytes: usize,
}

/// The items of a page being filled.
pub(crate) struct Filling<T> {
    limit: PageLimit,
    bytes: usize,
    pub items: Vec<T>,
}

impl<T: Message> Filling<T> {
    pub fn new(limit: PageLimit) -> Filling<T> {
        Filling { limit, bytes: 0, items: Vec::new() }
    }

    /// Adds `item` unless the page is full without it; false when it was not added.
    pub fn add(&mut self, item: T) -> bool {
        let len = item.encoded_len();
        // The field's tag (one byte for the fields of pages) and length prefix.
        let framed = 1 + prost::length_delimiter_len(len) + len;
        let full = self.items.len() >= self.limit.items || (!self.items.is_empty() && self.bytes + framed > self.limit.bytes);
        if !full {
            self.bytes += framed;
            self.items.push(item);
        }
        !full
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::{Event, Evidence};

    fn event(sentence_bytes: usize) -> Event {
        Event { evidence: vec![Evidence { sentence: "x".repeat(sentence_bytes), ..Default::default() }], ..Default::default() }
    }

    #[test]
    fn a_page_stops_at_its_count_or_before_the_item_that_passes_its_bytes() {
        let mut by_count = Filling::new(PageLimit { items: 2, bytes: usize::MAX });
        assert!(by_count.add(event(1)) && by_count.add(event(1)));
        assert!(!by_count.add(event(1)));

        let mut by_size = Filling::new(PageLimit { items: 10, bytes: 1000 });
        assert!(by_size.add(event(400)) && by_size.add(event(400)));
        assert!(!by_size.add(event(400)), "a third would pass 1000 bytes");
        assert!(by_size.items.iter().map(|e| e.encoded_len()).sum::<usize>() <= 1000);

        let mut alone = Filling::new(PageLimit { items: 10, bytes: 1000 });
        assert!(alone.add(event(5000)), "an item too large alone still makes a page");
        assert!(!alone.add(event(1)));
    }
}
