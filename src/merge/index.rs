//! The candidate index: which stored events might be the same happening as a new report,
//! without scanning them all. A report is filed under its event type, crossed with each pair of
//! its sides (countries, or organisations; one side alone when it has only one), crossed with
//! each month its date covers; a lookup reads the same type and pairs over the months within the
//! widest date window. Two reports can only merge if they have the same type, share two sides
//! (or are both one-sided) and their dates are within that window, so the index never hides a
//! possible match. It lives in memory and is rebuilt from the stored reports at start.

use std::hash::{Hash, Hasher};

use rustc_hash::{FxHashMap, FxHasher};

use super::{Identity, MergeConfig, compare::Symbol};

/// Bucket → stored event numbers.
pub struct Index {
    buckets: FxHashMap<u64, Vec<u64>>,
    spread: i32,
}

/// The longest date range filed month by month; longer ones file under their first months.
const MAX_MONTHS: i32 = 24;

impl Index {
    pub fn new(config: &MergeConfig) -> Index {
        Index { buckets: FxHashMap::default(), spread: config.month_spread() }
    }

    /// Files a report of event `number` by its identity.
    pub fn insert(&mut self, number: u64, identity: &Identity) {
        for key in keys(identity, 0) {
            let bucket = self.buckets.entry(key).or_default();
            if !bucket.contains(&number) {
                bucket.push(number);
            }
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
        }
    }

    /// The stored events that might match a report with this identity, ascending.
    pub fn candidates(&self, identity: &Identity) -> Vec<u64> {
        let mut found: Vec<u64> = keys(identity, self.spread).filter_map(|k| self.buckets.get(&k)).flatten().copied().collect();
        found.sort_unstable();
        found.dedup();
        found
    }

    /// Number of buckets (for the benchmark's report).
    pub fn buckets(&self) -> usize {
        self.buckets.len()
    }
}

/// The bucket keys of a report, its months widened by `spread` on each side. Undated reports
/// have none: they never merge.
fn keys(identity: &Identity, spread: i32) -> impl Iterator<Item = u64> {
    let sides = identity.sides();
    let mut groups: Vec<(Symbol, Option<Symbol>)> = Vec::new();
    match sides {
        [one] => groups.push((*one, None)),
        many => {
            for (i, a) in many.iter().enumerate() {
                for b in &many[i + 1..] {
                    groups.push((*a, Some(*b)));
                }
            }
        }
    }
    let months = identity.months(MAX_MONTHS).map(|(first, last)| (first - spread)..=(last + spread));
    let hashed: Vec<u64> = months
        .into_iter()
        .flatten()
        .flat_map(|m| {
            groups.iter().map(move |g| {
                let mut h = FxHasher::default();
                (identity.event_type(), g, m).hash(&mut h);
                h.finish()
            })
        })
        .collect();
    hashed.into_iter()
}
