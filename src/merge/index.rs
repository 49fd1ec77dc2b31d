//! The candidate index: which stored events might be the same happening as a new report,
//! without scanning them all. A report is filed under its event type, crossed with each pair of
//! its sides (countries, or organisations; one side alone when it has only one), crossed with
//! each month its date covers; a lookup reads the same type and pairs over the months within the
//! widest date window. Two reports can only merge if they have the same type, share two sides
//! (or are both one-sided) and their dates are within that window, so the index never hides a
//! possible match. It lives in memory and is rebuilt from the stored reports at start.
//!
//! A dated report is also filed under its type and pairs alone, with no month: where an undated
//! report looks for the stored events it may belong to (only dated ones can place it in time).

use std::hash::{Hash, Hasher};

use rustc_hash::{FxHashMap, FxHashSet, FxHasher};

use super::{Identity, MergeConfig, compare::Symbol};

/// Bucket → stored event numbers.
pub struct Index {
    buckets: FxHashMap<u64, Vec<u64>>,
    /// Type × pair of sides → the dated stored events filed under it (sets: a pair of two large
    /// states gathers many events).
    any_date: FxHashMap<u64, FxHashSet<u64>>,
    spread: i32,
}

/// The longest date range filed month by month; longer ones file under their first months.
const MAX_MONTHS: i32 = 24;

impl Index {
    pub fn new(config: &MergeConfig) -> Index {
        Index { buckets: FxHashMap::default(), any_date: FxHashMap::default(), spread: config.month_spread() }
    }

    /// Files a report of event `number` by its identity.
    pub fn insert(&mut self, number: u64, identity: &Identity) {
        for key in keys(identity, 0) {
            let bucket = self.buckets.entry(key).or_default();
            if !bucket.contains(&number) {
                bucket.push(number);
            }
        }
        for key in any_date_keys(identity) {
            self.any_date.entry(key).or_default().insert(number);
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
            for key in any_date_keys(identity) {
                if let Some(bucket) = self.any_date.get_mut(&key) {
                    bucket.remove(&from);
                    bucket.insert(into);
                }
            }
        }
    }

    /// The stored events that might match a report with this identity, ascending.
    pub fn candidates(&self, identity: &Identity) -> Vec<u64> {
        let mut found: Vec<u64> = keys(identity, self.spread).filter_map(|k| self.buckets.get(&k)).flatten().copied().collect();
        found.sort_unstable();
        found.dedup();
        found
    }

    /// The dated stored events of the same type and pairs of sides as an undated report,
    /// whatever their dates, ascending.
    pub fn dated_candidates(&self, identity: &Identity) -> Vec<u64> {
        let mut found: Vec<u64> =
            groups(identity).iter().filter_map(|g| self.any_date.get(&hash((identity.event_type(), g)))).flatten().copied().collect();
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
    let groups = groups(identity);
    let months = identity.months(MAX_MONTHS).map(|(first, last)| (first - spread)..=(last + spread));
    let hashed: Vec<u64> =
        months.into_iter().flatten().flat_map(|m| groups.iter().map(move |g| hash((identity.event_type(), g, m)))).collect();
    hashed.into_iter()
}

/// The keys a dated report is filed under with no month; none for an undated report.
fn any_date_keys(identity: &Identity) -> Vec<u64> {
    if identity.is_undated() {
        return Vec::new();
    }
    groups(identity).iter().map(|g| hash((identity.event_type(), g))).collect()
}
