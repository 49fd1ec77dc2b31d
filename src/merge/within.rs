//! One happening told twice in one article: the extractor may give two events that differ only
//! in what each sentence named (the sides, the date). A stored event takes one report per
//! article, so the second copy would become a stored event of its own and then block every
//! other article's report of the happening from joining both. Such copies are folded into one
//! report before merging; events the article tells apart on a field both give (another place,
//! mode, day or outcome) stay apart.

use super::{
    MergeConfig,
    compare::{Identity, score},
};
use crate::proto::{Event, EventDate};

/// `events` with each event that repeats an earlier one folded into it, in order, each with its
/// position among `events`.
pub(crate) fn fold_repeats(config: &MergeConfig, events: Vec<Event>) -> Vec<(usize, Event)> {
    let mut kept: Vec<(usize, Event, Vec<Identity>)> = Vec::with_capacity(events.len());
    for (i, event) in events.into_iter().enumerate() {
        let identity = Identity::of(&event);
        let repeated = kept.iter_mut().find(|(_, _, identities)| identities.iter().all(|other| repeats(config, other, &identity)));
        match repeated {
            Some((_, first, identities)) => {
                absorb(first, event);
                identities.push(identity);
            }
            None => kept.push((i, event, vec![identity])),
        }
    }
    kept.into_iter().map(|(i, event, _)| (i, event)).collect()
}

/// Whether two events of one article are one happening: they would merge across articles, and
/// neither the place nor the outcome differs. Two undated events of one article are taken to be
/// of one day, as two reports of the same publication day are.
fn repeats(config: &MergeConfig, first: &Identity, other: &Identity) -> bool {
    let same_day = if first.is_undated() && other.is_undated() { config.same_publication_day } else { 0.0 };
    first.same_details(other) && score(config, first, other).is_ok_and(|s| s + same_day >= config.threshold)
}

/// Folds `repeat` into `first`: the first keeps every field it gives, takes those it lacks, the
/// people named for its sides, the topics and the evidence. A date that gives only a weekday is
/// taken from a repeat of the same status alone: "announced today Tuesday that he will visit"
/// names the day of the announcement, not of the visit the first event reports as held.
fn absorb(first: &mut Event, repeat: Event) {
    let sides: Vec<String> = first.participants.iter().map(|p| p.country.clone()).collect();
    for p in repeat.participants {
        if !p.country.is_empty() && sides.contains(&p.country) && !first.participants.iter().any(|q| q.actor_id == p.actor_id) {
            first.participants.push(p);
        }
    }
    for t in repeat.topics {
        if !first.topics.iter().any(|u| u.name_en == t.name_en) {
            first.topics.push(t);
        }
    }
    first.evidence.extend(repeat.evidence);
    if first.date.as_ref().is_none_or(|d| d.from_publication) && repeat.date.as_ref().is_some_and(|d| dates(first, repeat.status, d)) {
        first.date = repeat.date;
    }
    if first.location.is_none() {
        first.location = repeat.location;
    }
    if first.mode == 0 {
        first.mode = repeat.mode;
    }
    first.confidence = first.confidence.max(repeat.confidence);
}

/// Whether a repeat's `date`, of a repeat with `status`, dates the happening `first` reports: a
/// date the article gave (not its publication day) that names a day, or only a weekday where both
/// tell the same stage.
fn dates(first: &Event, status: i32, date: &EventDate) -> bool {
    !date.from_publication && (!date.start.is_empty() || status == first.status)
}
