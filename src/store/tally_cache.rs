//! The writer's cache of event tallies. Every update of a stored event adds one report to its
//! [`Tally`]; rebuilding the tally means reading and decoding all the event's reports, so the
//! tallies of the events updated lately stay in memory.
//!
//! Two generations approximate least-recently-used eviction: a tally put back goes to the young
//! generation; once the young generation counts half the capacity (in reports), the next
//! [`TallyCache::evict`] drops the old generation and the young one becomes old. The writer
//! evicts only when every planned batch is durable, so a tally that counts reports not yet
//! committed is always in the cache (rebuilding it from the store would miss them). The dropped
//! generation is freed on a thread of its own: freeing tens of thousands of tallies took a
//! twentieth of the writer's time. The cache mirrors the writes of the open transaction, so the
//! writer clears it when a commit fails.
//!
//! In the distributed mode other workers commit too: a worker's cached tallies gain the reports
//! the others added ([`TallyCache::add_committed`]) and forget the event last saved from them
//! when another saved it since ([`TallyCache::restated`]), so that they stay in memory.

use std::{mem, thread};

use rustc_hash::FxHashMap;

use crate::merge::{Report, Tally};

pub struct TallyCache {
    young: FxHashMap<u64, Tally>,
    old: FxHashMap<u64, Tally>,
    /// Reports counted by the tallies in `young`.
    young_reports: usize,
    /// Most reports counted by both generations (apart from one tally larger than that).
    capacity: usize,
}

impl TallyCache {
    pub fn new(capacity: usize) -> TallyCache {
        TallyCache { young: FxHashMap::default(), old: FxHashMap::default(), young_reports: 0, capacity }
    }

    /// Takes the tally of event `number` out of the cache, if it is there.
    pub fn take(&mut self, number: u64) -> Option<Tally> {
        match self.young.remove(&number) {
            Some(tally) => {
                self.young_reports -= tally.len();
                Some(tally)
            }
            None => self.old.remove(&number),
        }
    }

    /// Caches the tally of event `number`.
    pub fn put(&mut self, number: u64, tally: Tally) {
        self.remove(number);
        self.young_reports += tally.len();
        self.young.insert(number, tally);
    }

    /// Whether the young generation is full, so that [`TallyCache::evict`] would drop the old.
    pub fn full(&self) -> bool {
        self.young_reports > self.capacity / 2
    }

    /// Drops the old generation and makes the young one old, if the young one is full.
    pub fn evict(&mut self) {
        if self.full() {
            let evicted = mem::replace(&mut self.old, mem::take(&mut self.young));
            self.young_reports = 0;
            // Should no thread start, the closure and the tallies are dropped here instead.
            let _ = thread::Builder::new().name("rasad-evict".into()).spawn(move || drop(evicted));
        }
    }

    /// Counts `report`, committed by another writer, in the tally of event `number` if it is
    /// cached; says whether it was.
    pub fn add_committed(&mut self, number: u64, report: &Report) -> bool {
        let Some(mut tally) = self.take(number) else { return false };
        tally.add(report);
        tally.forget_saved();
        self.put(number, tally);
        true
    }

    /// Event `number` was saved by another writer: its cached tally no longer knows the event
    /// as stored.
    pub fn restated(&mut self, number: u64) {
        if let Some(tally) = self.young.get_mut(&number).or_else(|| self.old.get_mut(&number)) {
            tally.forget_saved();
        }
    }

    pub fn remove(&mut self, number: u64) {
        self.take(number);
    }

    pub fn clear(&mut self) {
        self.young.clear();
        self.old.clear();
        self.young_reports = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::merge::Report;

    fn tally(articles: &[&str]) -> Tally {
        let reports: Vec<Report> = articles.iter().map(|a| Report { article_id: a.to_string(), ..Default::default() }).collect();
        Tally::of_reports(&reports)
    }

    #[test]
    fn keeps_recent_tallies_within_capacity() {
        let mut cache = TallyCache::new(4);
        cache.put(1, tally(&["a", "b"]));
        assert_eq!(cache.take(1).map(|t| t.len()), Some(2));
        assert!(cache.take(1).is_none(), "taken out");
        cache.put(1, tally(&["a", "b"]));
        cache.put(3, tally(&["d"]));
        // Three reports in the young generation: it is full, and becomes the old one at eviction.
        assert!(cache.full());
        cache.evict();
        assert_eq!(cache.young_reports, 0);
        assert_eq!(cache.take(1).map(|t| t.len()), Some(2));
        cache.put(4, tally(&["e", "f"]));
        cache.put(5, tally(&["g"]));
        cache.evict();
        assert!(cache.take(3).is_none(), "event 3 was not used since the last turnover");
        cache.remove(5);
        assert!(cache.take(5).is_none());
        cache.put(6, tally(&["h"]));
        cache.clear();
        assert!(cache.take(6).is_none());
    }

    #[test]
    fn a_cached_tally_takes_in_what_another_writer_committed() {
        let mut cache = TallyCache::new(100);
        let mut saved = tally(&["a"]);
        saved.set_saved("before".into());
        cache.put(1, saved.clone());
        cache.put(2, saved);
        assert!(cache.add_committed(1, &Report { article_id: "b".into(), ..Default::default() }));
        assert!(!cache.add_committed(3, &Report { article_id: "c".into(), ..Default::default() }));
        cache.restated(2);
        let one = cache.take(1).unwrap();
        assert_eq!((one.len(), one.saved()), (2, None), "the report is counted; the event is folded again");
        let two = cache.take(2).unwrap();
        assert_eq!((two.len(), two.saved()), (1, None));
        assert!(cache.take(3).is_none(), "no tally is made for an event that was not cached");
    }
}
