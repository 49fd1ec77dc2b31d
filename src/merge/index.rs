//! The candidate index: which stored events might be the same happening as a new report,
//! without scanning them all. A report is filed under its event type, crossed with each pair of
//! its sides (countries, or organisations; one side alone when it has only one), crossed with
//! each month its date covers; a lookup reads the same type and pairs over the months within the
//! widest date window. Two reports can only merge if they have the same type, share two sides
//! (or are both one-sided) and their dates are within that window, so the index never hides a
//! possible match. It lives in memory and is rebuilt from the stored reports at start.
//!
//! Every report is also filed under its type and pairs alone, with no month, in a window of the
//! newest events filed there, dated and undated apart: where an undated report looks for the
//! dated event that places it in time, and a dated report for the undated events it places. The
//! window keeps that lookup flat however many events a pair of sides gathers over the years: an
//! undated article is read as news, about one of the latest happenings of its sides.

use std::hash::{Hash, Hasher};

use rustc_hash::{FxHashMap, FxHasher};

use super::{Identity, MergeConfig, compare::Symbol};

/// Bucket → stored event numbers.
pub struct Index {
    buckets: FxHashMap<u64, Vec<u64>>,
    /// Type × pair of sides × dated or not → the newest stored events filed under it.
    recent: FxHashMap<u64, Recent>,
    spread: i32,
    window: usize,
}

/// The newest event numbers filed under one key, at most `window` of them, ascending.
#[derive(Default)]
struct Recent(Vec<u64>);

impl Recent {
    fn insert(&mut self, number: u64, window: usize) {
        if let Err(at) = self.0.binary_search(&number) {
            self.0.insert(at, number);
            if self.0.len() > window {
                self.0.remove(0);
            }
        }
    }

    fn remove(&mut self, number: u64) {
        if let Ok(at) = self.0.binary_search(&number) {
            self.0.remove(at);
        }
    }
}

/// The longest date range filed month by month; longer ones file under their first months.
const MAX_MONTHS: i32 = 24;

impl Index {
    pub fn new(config: &MergeConfig) -> Index {
        Index {
            buckets: FxHashMap::default(),
            recent: FxHashMap::default(),
            spread: config.month_spread(),
            window: config.undated_window_events,
        }
    }

    /// Files a report of event `number` by its identity.
    pub fn insert(&mut self, number: u64, identity: &Identity) {
        for key in keys(identity, 0) {
            let bucket = self.buckets.entry(key).or_default();
            if !bucket.contains(&number) {
                bucket.push(number);
            }
        }
        for key in side_keys(identity, identity.is_undated()) {
            self.recent.entry(key).or_default().insert(number, self.window);
        }
    }

    /// Moves the reports of event `from`, which have these `identities`, to event `into` (after
    /// a merge).
    pub fn relabel(&mut self, from: u64, into: u64, identities: &[Identity]) {
        for identity in identities {
            for key in keys(identity, 0) {
                if let Some(bucket) = self.buckets.get_mut(&key) {
                    bucket.retain(|&n| n != from);
                    if !bucket.contains(&into) {
                        bucket.push(into);
                    }
                }
            }
            for key in side_keys(identity, identity.is_undated()) {
                if let Some(recent) = self.recent.get_mut(&key) {
                    recent.remove(from);
                    recent.insert(into, self.window);
                }
            }
        }
    }

    /// The stored events that might match a report with this identity, ascending.
    pub fn candidates(&self, identity: &Identity) -> Vec<u64> {
        self.candidates_of_type(identity, identity.event_type())
    }

    /// The stored events of `event_type` that share a pair of sides with a report of this
    /// identity and are dated within its window, ascending (the happenings it may be part of).
    pub fn candidates_of_type(&self, identity: &Identity, event_type: i32) -> Vec<u64> {
        let mut found: Vec<u64> =
            keys_of_type(identity, event_type, self.spread).filter_map(|k| self.buckets.get(&k)).flatten().copied().collect();
        found.sort_unstable();
        found.dedup();
        found
    }

    /// The newest stored events with a dated report of the same type and pairs of sides as
    /// `identity`, whatever their dates, ascending.
    pub fn dated_candidates(&self, identity: &Identity) -> Vec<u64> {
        self.recent_candidates(identity, false)
    }

    /// The newest stored events with an undated report of the same type and pairs of sides as
    /// `identity`, ascending.
    pub fn undated_candidates(&self, identity: &Identity) -> Vec<u64> {
        self.recent_candidates(identity, true)
    }

    /// The newest stored events of `event_type`, dated and undated, that share a pair of sides
    /// with a report of this identity, whatever their dates, ascending (the happenings a report
    /// that gives no date, or whose whole gives none, may be part of).
    pub fn recent_of_type(&self, identity: &Identity, event_type: i32) -> Vec<u64> {
        let mut found: Vec<u64> = [false, true]
            .into_iter()
            .flat_map(|undated| side_keys_of_type(identity, event_type, undated))
            .filter_map(|k| self.recent.get(&k))
            .flat_map(|r| r.0.iter().copied())
            .collect();
        found.sort_unstable();
        found.dedup();
        found
    }

    fn recent_candidates(&self, identity: &Identity, undated: bool) -> Vec<u64> {
        let mut found: Vec<u64> =
            side_keys(identity, undated).iter().filter_map(|k| self.recent.get(k)).flat_map(|r| r.0.iter().copied()).collect();
        found.sort_unstable();
        found.dedup();
        found
    }

    /// Number of buckets (for the benchmark's report).
    pub fn buckets(&self) -> usize {
        self.buckets.len()
    }
}

/// The pairs of a report's sides (its one side alone when it has only one).
fn groups(identity: &Identity) -> Vec<(Symbol, Option<Symbol>)> {
    let mut groups = Vec::new();
    match identity.sides() {
        [one] => groups.push((*one, None)),
        many => {
            for (i, a) in many.iter().enumerate() {
                for b in &many[i + 1..] {
                    groups.push((*a, Some(*b)));
                }
            }
        }
    }
    groups
}

fn hash(key: impl Hash) -> u64 {
    let mut h = FxHasher::default();
    key.hash(&mut h);
    h.finish()
}

/// The bucket keys of a report, its months widened by `spread` on each side. Undated reports
/// have none.
fn keys(identity: &Identity, spread: i32) -> impl Iterator<Item = u64> {
    keys_of_type(identity, identity.event_type(), spread)
}

/// The bucket keys of a report's pairs of sides and months, as if it were of `event_type`.
fn keys_of_type(identity: &Identity, event_type: i32, spread: i32) -> impl Iterator<Item = u64> {
    let groups = groups(identity);
    let months = identity.months(MAX_MONTHS).map(|(first, last)| (first - spread)..=(last + spread));
    let hashed: Vec<u64> = months.into_iter().flatten().flat_map(|m| groups.iter().map(move |g| hash((event_type, g, m)))).collect();
    hashed.into_iter()
}

/// The keys of a report's type and pairs of sides, with no month, among the dated or the
/// `undated` reports.
fn side_keys(identity: &Identity, undated: bool) -> Vec<u64> {
    side_keys_of_type(identity, identity.event_type(), undated)
}

/// The keys of a report's pairs of sides, as if it were of `event_type`, with no month.
fn side_keys_of_type(identity: &Identity, event_type: i32, undated: bool) -> Vec<u64> {
    groups(identity).iter().map(|g| hash((event_type, g, undated))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::{ActorKind, DatePrecision, Event, EventDate, EventType, Participant};

    fn talks(date: Option<&str>) -> Identity {
        let side = |country: &str| Participant {
            actor_id: format!("state/{country}"),
            kind: ActorKind::State.into(),
            country: country.into(),
            ..Default::default()
        };
        Identity::of(&Event {
            event_type: EventType::Consult.into(),
            participants: vec![side("RUS"), side("USA")],
            date: date.map(|d| EventDate { start: d.into(), precision: DatePrecision::Day.into(), ..Default::default() }),
            ..Default::default()
        })
    }

    #[test]
    fn the_side_lookup_sees_the_newest_events_of_a_pair_dated_and_undated_apart() {
        let mut index = Index::new(&MergeConfig { undated_window_events: 2, ..MergeConfig::default() });
        for (number, day) in [(1, "2019-05-14"), (3, "2020-05-14"), (2, "2021-05-14")] {
            index.insert(number, &talks(Some(day)));
        }
        index.insert(4, &talks(None));
        assert_eq!(index.dated_candidates(&talks(None)), [2, 3], "the two newest events");
        assert_eq!(index.undated_candidates(&talks(Some("2022-01-01"))), [4]);
        index.relabel(4, 1, &[talks(None)]);
        assert_eq!(index.undated_candidates(&talks(None)), [1]);
        assert_eq!(index.candidates(&talks(Some("2019-05-20"))), [1], "the dated lookup keeps every month");
    }
}
