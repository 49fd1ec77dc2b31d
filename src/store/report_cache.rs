//! The writer's cache of decoded reports. Merging reads the reports of every candidate event
//! for each new report; decoding them from the store every time was most of the writer's work.
//!
//! Two generations approximate least-recently-used eviction: a list read or written goes to the
//! young generation; when the young generation holds half the capacity (in reports), the old
//! generation is dropped and the young one becomes old. The cache mirrors the writes of the
//! open transaction, so the writer clears it when a commit fails.

use std::{mem, sync::Arc};

use rustc_hash::FxHashMap;

use crate::merge::{Report, Reports};

pub struct ReportCache {
    young: FxHashMap<u64, Reports>,
    old: FxHashMap<u64, Reports>,
    /// Reports held by `young`.
    young_reports: usize,
    /// Most reports held by both generations (apart from one list longer than that).
    capacity: usize,
}

impl ReportCache {
    pub fn new(capacity: usize) -> ReportCache {
        ReportCache { young: FxHashMap::default(), old: FxHashMap::default(), young_reports: 0, capacity }
    }

    /// The reports of event `number`, if cached.
    pub fn get(&mut self, number: u64) -> Option<Reports> {
        if let Some(reports) = self.young.get(&number) {
            return Some(reports.clone());
        }
        let reports = self.old.remove(&number)?;
        self.put(number, reports.clone());
        Some(reports)
    }

    /// Caches the complete reports of event `number`.
    pub fn put(&mut self, number: u64, reports: Reports) {
        self.young_reports += reports.len();
        if let Some(replaced) = self.young.insert(number, reports) {
            self.young_reports -= replaced.len();
        }
        if self.young_reports > self.capacity / 2 {
            self.old = mem::take(&mut self.young);
            self.young_reports = 0;
        }
    }

    /// Adds `report` to event `number`'s list if it is cached (else the store has it).
    pub fn add(&mut self, number: u64, report: &Report) {
        let cached = match self.young.remove(&number) {
            Some(reports) => {
                self.young_reports -= reports.len();
                Some(reports)
            }
            None => self.old.remove(&number),
        };
        if let Some(mut reports) = cached {
            Arc::make_mut(&mut reports).push(report.clone());
            self.put(number, reports);
        }
    }

    pub fn remove(&mut self, number: u64) {
        self.old.remove(&number);
        if let Some(removed) = self.young.remove(&number) {
            self.young_reports -= removed.len();
        }
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

    fn report(article: &str) -> Report {
        Report { article_id: article.into(), ..Default::default() }
    }

    #[test]
    fn keeps_recent_lists_within_capacity() {
        let mut cache = ReportCache::new(4);
        cache.put(1, Arc::new(vec![report("a")]));
        cache.add(1, &report("b"));
        assert_eq!(cache.get(1).unwrap().len(), 2);
        cache.add(2, &report("c"));
        assert!(cache.get(2).is_none(), "adding to an uncached list caches nothing");
        cache.put(3, Arc::new(vec![report("d")]));
        // Three reports in the young generation: it became the old one.
        assert_eq!(cache.young_reports, 0);
        assert_eq!(cache.get(1).unwrap().len(), 2);
        cache.put(4, Arc::new(vec![report("e"), report("f")]));
        cache.put(5, Arc::new(vec![report("g")]));
        assert!(cache.get(3).is_none(), "event 3 was not used since the last turnover");
        cache.remove(5);
        assert!(cache.get(5).is_none());
        cache.clear();
        assert!(cache.get(1).is_none());
    }
}
