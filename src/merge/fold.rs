//! What a stored event says: a deterministic function of the set of its reports, so the final
//! events do not depend on the order articles arrive in. Reports are read in publication order
//! (then article id), which is what "a later report corrects an earlier one" means.
//!
//! The article lists of the folded event are cut at [`LISTED_ARTICLES`] (the counts stay whole),
//! so an event reported by thousands of articles is still a small record and a small update.

use std::{
    collections::BTreeMap,
    hash::{Hash, Hasher},
};

use rustc_hash::{FxHashMap, FxHashSet, FxHasher};

use super::{Report, compare::location_name};
use crate::{
    proto::{ActorKind, DatePrecision, Event, EventDate, EventStatus, FieldConflict, Provenance},
    store,
};

/// Most article ids an event lists in `article_ids`, and each provenance entry in its own.
pub const LISTED_ARTICLES: usize = 8;

/// The stored event `number` as its reports tell it.
pub fn fold<'r>(number: u64, reports: impl IntoIterator<Item = &'r Report>) -> Event {
    let mut ordered: Vec<&Report> = reports.into_iter().collect();
    ordered.sort_by(|a, b| a.order_key().cmp(&b.order_key()));
    let events: Vec<(&str, &Event)> = ordered.iter().filter_map(|r| Some((r.article_id.as_str(), r.event.as_ref()?))).collect();
    let Some(&(_, first)) = events.first() else {
        return Event { id: store::event_id(number), ..Default::default() };
    };

    let status = progress(events.iter().map(|(_, e)| e.status()));
    let typical = events.iter().rev().find(|(_, e)| e.status() == status).map_or(first, |(_, e)| e);
    let mut provenance = ProvenanceMap::default();
    let mut conflicts = Vec::new();

    // Each report's date as text, computed once.
    let date_texts: Vec<Option<String>> = events.iter().map(|(_, e)| e.date.as_ref().map(date_text)).collect();
    for ((article, e), date) in events.iter().zip(&date_texts) {
        provenance.support("status", e.status().as_str_name(), article);
        if let Some(d) = date {
            provenance.support("date", d, article);
        }
        if let Some(l) = e.location.as_ref().filter(|l| !location_name(l).is_empty()) {
            provenance.support("location", location_name(l), article);
        }
        if e.mode != 0 {
            provenance.support("mode", e.mode().as_str_name(), article);
        }
        for p in &e.participants {
            provenance.support("participants", &p.actor_id, article);
        }
    }

    // Status: a report that it happened and one that it was called off or denied disagree.
    let said = |s: EventStatus| events.iter().any(|(_, e)| e.status() == s);
    if said(EventStatus::Occurred) && (said(EventStatus::Cancelled) || said(EventStatus::Negated)) {
        let final_words: Vec<String> =
            [EventStatus::Occurred, EventStatus::Cancelled, EventStatus::Negated].iter().map(|s| s.as_str_name().to_string()).collect();
        conflicts.push(conflict_among(&provenance, "status", status.as_str_name(), &final_words));
    }

    // Date: an explicit date beats the publication day, a finer precision a coarser one, then
    // the date more articles give.
    let dated = || events.iter().zip(&date_texts).filter_map(|((_, e), text)| Some((e.date.as_ref()?, text.as_deref()?)));
    let date = dated()
        .min_by_key(|&(d, text)| (d.from_publication, precision_rank(d.precision()), -provenance.count("date", text), text))
        .map(|(d, _)| d.clone());
    let explicit_days: Vec<String> =
        dated().filter(|(d, _)| !d.from_publication && d.precision() == DatePrecision::Day).map(|(_, text)| text.to_string()).collect();
    if let Some(d) = &date
        && explicit_days.iter().any(|x| *x != date_text(d))
    {
        conflicts.push(conflict_among(&provenance, "date", &date_text(d), &explicit_days));
    }

    // Place: a named place beats a bare country, then the one more articles give.
    let location = events
        .iter()
        .filter_map(|(_, e)| e.location.as_ref())
        .filter(|l| !location_name(l).is_empty())
        .min_by_key(|l| (l.name_en.is_empty(), -provenance.count("location", location_name(l)), location_name(l).to_string()))
        .cloned();
    if let Some(l) = &location
        && provenance.values("location").len() > 1
    {
        conflicts.push(conflict(&provenance, "location", location_name(l)));
    }

    let mode = events
        .iter()
        .filter(|(_, e)| e.mode != 0)
        .min_by_key(|(_, e)| (-provenance.count("mode", e.mode().as_str_name()), e.mode))
        .map(|(_, e)| e.mode());
    if let Some(m) = mode
        && provenance.values("mode").len() > 1
    {
        conflicts.push(conflict(&provenance, "mode", m.as_str_name()));
    }

    // Participants and topics accumulate; a state drops out when one of its people is named.
    let mut participants: BTreeMap<&str, _> = BTreeMap::new();
    for (_, e) in &events {
        for p in &e.participants {
            participants.entry(p.actor_id.as_str()).or_insert_with(|| p.clone());
        }
    }
    let person_countries: Vec<String> =
        participants.values().filter(|p| p.kind() == ActorKind::Person).map(|p| p.country.clone()).collect();
    let participants =
        participants.into_values().filter(|p| p.kind() != ActorKind::State || !person_countries.contains(&p.country)).collect();
    let mut topics: BTreeMap<&str, _> = BTreeMap::new();
    for (_, e) in &events {
        for t in &e.topics {
            topics.entry(t.name_en.as_str()).or_insert_with(|| t.clone());
        }
    }

    let mut article_ids: Vec<String> = Vec::new();
    let mut seen_articles: FxHashSet<&str> = FxHashSet::default();
    let mut sources: FxHashSet<&str> = FxHashSet::default();
    for r in &ordered {
        if seen_articles.insert(&r.article_id) && article_ids.len() < LISTED_ARTICLES {
            article_ids.push(r.article_id.clone());
        }
        if !r.source.is_empty() {
            sources.insert(&r.source);
        }
    }

    Event {
        id: store::event_id(number),
        event_type: typical.event_type,
        cameo_code: typical.cameo_code.clone(),
        mode: mode.map_or(0, i32::from),
        status: status.into(),
        participants,
        date,
        location,
        topics: topics.into_values().collect(),
        evidence: first.evidence.clone(),
        confidence: events.iter().map(|(_, e)| e.confidence).fold(0.0, f32::max),
        num_articles: seen_articles.len() as u32,
        num_sources: sources.len() as u32,
        article_ids,
        provenance: provenance.into_list(),
        conflicts,
    }
}

/// The status after reading `statuses` in publication order: it moves forward (PROPOSED →
/// PLANNED → OCCURRED), a report that it happened, was called off or was denied overrides what
/// came before, and an announcement revives a cancelled event.
fn progress(statuses: impl Iterator<Item = EventStatus>) -> EventStatus {
    use EventStatus::*;
    statuses.fold(Unspecified, |now, next| match (now, next) {
        (_, Occurred | Cancelled | Negated) => next,
        (Unspecified | Proposed | Cancelled | Negated, Planned) => next,
        (Unspecified, Proposed) => next,
        _ => now,
    })
}

fn precision_rank(p: DatePrecision) -> u8 {
    match p {
        DatePrecision::Day => 0,
        DatePrecision::Range => 1,
        DatePrecision::Month => 2,
        DatePrecision::Year => 3,
        DatePrecision::Unspecified => 4,
    }
}

fn date_text(d: &EventDate) -> String {
    if d.end.is_empty() { d.start.clone() } else { format!("{}/{}", d.start, d.end) }
}

/// Supporting articles per (field, value), in first-seen order. An event can have hundreds of
/// reports, so finding a value's entry and whether an article already supports it are hash
/// lookups, not scans.
#[derive(Default)]
struct ProvenanceMap<'a> {
    entries: Vec<Provenance>,
    /// Hash of (field, value) → the indices in `entries` with that hash.
    index: FxHashMap<u64, Vec<usize>>,
    /// The last article recorded for each entry: reports come in article order, so an article
    /// already supports an entry exactly when it was the last to.
    last: Vec<Option<&'a str>>,
}

impl<'a> ProvenanceMap<'a> {
    fn hash(field: &str, value: &str) -> u64 {
        let mut h = FxHasher::default();
        (field, value).hash(&mut h);
        h.finish()
    }

    fn find(&self, field: &str, value: &str) -> Option<usize> {
        let at = self.index.get(&Self::hash(field, value))?;
        at.iter().copied().find(|&i| self.entries[i].field == field && self.entries[i].value == value)
    }

    fn support(&mut self, field: &str, value: &str, article: &'a str) {
        let at = match self.find(field, value) {
            Some(at) => at,
            None => {
                self.entries.push(Provenance { field: field.into(), value: value.into(), ..Default::default() });
                self.last.push(None);
                self.index.entry(Self::hash(field, value)).or_default().push(self.entries.len() - 1);
                self.entries.len() - 1
            }
        };
        if self.last[at] != Some(article) {
            self.last[at] = Some(article);
            let entry = &mut self.entries[at];
            entry.num_articles += 1;
            if entry.article_ids.len() < LISTED_ARTICLES {
                entry.article_ids.push(article.to_string());
            }
        }
    }

    /// Articles supporting `value` (negated for ascending sorts).
    fn count(&self, field: &str, value: &str) -> i64 {
        self.find(field, value).map_or(0, |at| i64::from(self.entries[at].num_articles))
    }

    fn values(&self, field: &str) -> Vec<&str> {
        self.entries.iter().filter(|p| p.field == field).map(|p| p.value.as_str()).collect()
    }

    /// Sorted by field then value, so the list does not depend on the order of the reports.
    fn into_list(mut self) -> Vec<Provenance> {
        self.entries.sort_by(|a, b| (&a.field, &a.value).cmp(&(&b.field, &b.value)));
        self.entries
    }
}

fn conflict(provenance: &ProvenanceMap, field: &str, chosen: &str) -> FieldConflict {
    let mut others: Vec<String> = provenance.values(field).into_iter().filter(|v| *v != chosen).map(String::from).collect();
    others.sort();
    FieldConflict { field: field.into(), chosen: chosen.into(), others }
}

fn conflict_among(provenance: &ProvenanceMap, field: &str, chosen: &str, candidates: &[String]) -> FieldConflict {
    let mut c = conflict(provenance, field, chosen);
    c.others.retain(|v| candidates.contains(v));
    c
}
