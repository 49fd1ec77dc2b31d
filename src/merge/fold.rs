//! What a stored event says: a deterministic function of the set of its reports, so the final
//! events do not depend on the order articles arrive in. Reports are read in publication order
//! (then article id), which is what "a later report corrects an earlier one" means.
//!
//! The fold keeps a [`Tally`] of the reports: per field value, the articles that support it and
//! the first report (in publication order) that gave it; per report, only its place in that
//! order and its status. A tally takes a report (or another tally) in any order and gives the
//! same event, so a stored event with hundreds of reports is updated by adding one report to its
//! tally, not by reading them all again.
//!
//! The article lists of the folded event are cut at [`LISTED_ARTICLES`] (the counts stay whole),
//! so an event reported by thousands of articles is still a small record and a small update.
//! Counting assumes what merging guarantees: an event has at most one report per article.

use std::{
    collections::{BTreeMap, hash_map::Entry},
    hash::Hash,
    sync::Arc,
};

use compact_str::CompactString;
use prost::bytes::Bytes;
use rustc_hash::{FxHashMap, FxHashSet};

use super::{
    Report,
    compare::location_name,
    event_id,
    span::{self, Span},
};
use crate::proto::{
    ActorKind, ConsultMode, DatePrecision, Event, EventDate, EventStatus, Evidence, FieldConflict, Location, Participant, Provenance, Topic,
};

/// The provenance value of the date for reports that give none (their articles had no
/// publication date and named no day).
pub const UNDATED: &str = "undated";

/// Most article ids an event lists in `article_ids`, and each provenance entry in its own.
pub const LISTED_ARTICLES: usize = 8;

/// The stored event `number` as its reports tell it.
pub fn fold<'r>(number: u64, reports: impl IntoIterator<Item = &'r Report>) -> Event {
    Tally::of_reports(reports).event(number)
}

/// Where a report stands in publication order: day, article, position in the article.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
struct OrderKey {
    published: CompactString,
    article: CompactString,
    index: u32,
}

/// An [`OrderKey`] shared by everything one report gave.
type Key = Arc<OrderKey>;

/// A summary of some reports that the summary of other reports can be folded into.
trait Absorb {
    fn absorb(&mut self, other: Self);
}

/// Folds `value` into what `map` holds for `k`.
fn offer<K: Hash + Eq, V: Absorb>(map: &mut FxHashMap<K, V>, k: K, value: V) {
    match map.entry(k) {
        Entry::Occupied(mut mine) => mine.get_mut().absorb(value),
        Entry::Vacant(slot) => {
            slot.insert(value);
        }
    }
}

/// Keeps in `map` what the report at `key` gave for `k` if no earlier report gave it; `value`
/// is made only then.
fn offer_earliest<T>(map: &mut FxHashMap<String, Earliest<T>>, k: &str, key: &Key, value: impl FnOnce() -> T) {
    match map.get_mut(k) {
        Some(earliest) if *key < earliest.key => *earliest = Earliest::new(key, value()),
        Some(_) => {}
        None => {
            map.insert(k.to_string(), Earliest::new(key, value()));
        }
    }
}

/// A value given by several reports: the one the earliest report (in publication order) gave.
#[derive(Clone)]
struct Earliest<T> {
    key: Key,
    value: T,
}

impl<T> Earliest<T> {
    fn new(key: &Key, value: T) -> Earliest<T> {
        Earliest { key: key.clone(), value }
    }
}

impl<T> Absorb for Earliest<T> {
    fn absorb(&mut self, other: Earliest<T>) {
        if other.key < self.key {
            *self = other;
        }
    }
}

/// The first [`LISTED_ARTICLES`] articles in publication order.
#[derive(Clone, Default)]
struct FirstArticles(Vec<Key>);

impl FirstArticles {
    /// Lists the article of `key` if it is among the first (once, at its earliest report).
    fn offer(&mut self, key: &Key) {
        if self.0.len() == LISTED_ARTICLES && self.0.last().is_some_and(|last| key >= last) {
            return;
        }
        if let Some(at) = self.0.iter().position(|k| k.article == key.article) {
            if self.0[at] <= *key {
                return;
            }
            self.0.remove(at);
        }
        let at = self.0.partition_point(|k| k < key);
        self.0.insert(at, key.clone());
        self.0.truncate(LISTED_ARTICLES);
    }
}

impl Absorb for FirstArticles {
    fn absorb(&mut self, other: FirstArticles) {
        for key in &other.0 {
            self.offer(key);
        }
    }
}

/// What one report contributes to the status and to the event's type.
#[derive(Clone)]
struct Step {
    status: EventStatus,
    event_type: i32,
    cameo_code: CompactString,
}

/// The articles supporting one (field, value): how many, and the first of them.
#[derive(Clone)]
struct Support {
    articles: u32,
    first: FirstArticles,
}

impl Support {
    fn new(key: &Key) -> Support {
        Support { articles: 1, first: FirstArticles(vec![key.clone()]) }
    }

    /// Counts one more report's article.
    fn add(&mut self, key: &Key) {
        self.articles += 1;
        self.first.offer(key);
    }
}

impl Absorb for Support {
    fn absorb(&mut self, other: Support) {
        self.articles += other.articles;
        self.first.absorb(other.first);
    }
}

/// The best report of a date (as text): explicit before the publication day, then the finer
/// precision, then the earliest.
#[derive(Clone)]
struct DateChoice {
    rank: (bool, u8),
    best: Earliest<EventDate>,
    /// Whether some report gives this date explicitly, to the day.
    explicit_day: bool,
}

impl Absorb for DateChoice {
    fn absorb(&mut self, other: DateChoice) {
        self.explicit_day |= other.explicit_day;
        if (other.rank, &other.best.key) < (self.rank, &self.best.key) {
            self.rank = other.rank;
            self.best = other.best;
        }
    }
}

/// The best report of a place (as compared): one that names it before a bare country, then the
/// earliest.
#[derive(Clone)]
struct PlaceChoice {
    unnamed: bool,
    best: Earliest<Location>,
}

impl Absorb for PlaceChoice {
    fn absorb(&mut self, other: PlaceChoice) {
        if (other.unnamed, &other.best.key) < (self.unnamed, &self.best.key) {
            *self = other;
        }
    }
}

/// The reports of one event, summed up as much as its fold needs.
#[derive(Clone, Default)]
pub struct Tally {
    /// One step per report with an event, in publication order.
    steps: BTreeMap<Key, Step>,
    /// The evidence of the first report.
    evidence: Option<Earliest<Vec<Evidence>>>,
    confidence: f32,
    /// Supporting articles per (field, value).
    support: FxHashMap<(&'static str, CompactString), Support>,
    dates: FxHashMap<String, DateChoice>,
    places: FxHashMap<String, PlaceChoice>,
    participants: FxHashMap<String, Earliest<Participant>>,
    topics: FxHashMap<String, Earliest<Topic>>,
    first_articles: FirstArticles,
    /// The days the reports give to the day.
    span: Option<Span>,
    articles: FxHashSet<CompactString>,
    sources: FxHashSet<CompactString>,
    /// The encoding of the event last saved from this tally, if known: the "before" of the next
    /// update, without folding it again.
    saved: Option<Bytes>,
}

impl Tally {
    /// The tally of `reports`.
    pub fn of_reports<'r>(reports: impl IntoIterator<Item = &'r Report>) -> Tally {
        let mut tally = Tally::default();
        for report in reports {
            tally.add(report);
        }
        tally
    }

    /// Adds one more report.
    pub fn add(&mut self, report: &Report) {
        let key = Arc::new(OrderKey {
            published: report.published.as_str().into(),
            article: report.article_id.as_str().into(),
            index: report.index,
        });
        self.articles.insert(report.article_id.as_str().into());
        if !report.source.is_empty() {
            self.sources.insert(report.source.as_str().into());
        }
        self.first_articles.offer(&key);
        let Some(e) = &report.event else {
            return;
        };
        let step = Step { status: e.status(), event_type: e.event_type, cameo_code: e.cameo_code.as_str().into() };
        self.steps.insert(key.clone(), step);
        if self.evidence.as_ref().is_none_or(|first| key < first.key) {
            self.evidence = Some(Earliest::new(&key, e.evidence.clone()));
        }
        self.confidence = self.confidence.max(e.confidence);
        let mut support = |field, value: &str| match self.support.get_mut(&(field, value.into())) {
            Some(s) => s.add(&key),
            None => {
                self.support.insert((field, value.into()), Support::new(&key));
            }
        };
        support("status", e.status().as_str_name());
        if e.mode != 0 {
            support("mode", e.mode().as_str_name());
        }
        let location = e.location.as_ref().filter(|l| !location_name(l).is_empty());
        if let Some(l) = location {
            support("location", location_name(l));
        }
        self.span = span::cover(self.span, e.date.as_ref().and_then(span::days_of));
        let date = e.date.as_ref().map(|d| (d, date_text(d)));
        support("date", date.as_ref().map_or(UNDATED, |(_, text)| text));
        for (i, p) in e.participants.iter().enumerate() {
            // An actor named twice in one report is one article's support, and its first mention.
            if !e.participants[..i].iter().any(|q| q.actor_id == p.actor_id) {
                support("participants", &p.actor_id);
                offer_earliest(&mut self.participants, &p.actor_id, &key, || p.clone());
            }
        }
        if let Some((d, text)) = date {
            let explicit_day = !d.from_publication && d.precision() == DatePrecision::Day;
            let rank = (d.from_publication, precision_rank(d.precision()));
            offer(&mut self.dates, text, DateChoice { rank, best: Earliest::new(&key, d.clone()), explicit_day });
        }
        if let Some(l) = location {
            let choice = PlaceChoice { unnamed: l.name_en.is_empty(), best: Earliest::new(&key, l.clone()) };
            offer(&mut self.places, location_name(l).to_string(), choice);
        }
        for (i, t) in e.topics.iter().enumerate() {
            if !e.topics[..i].iter().any(|u| u.name_en == t.name_en) {
                offer_earliest(&mut self.topics, &t.name_en, &key, || t.clone());
            }
        }
    }

    /// Adds the reports of another event (from other articles).
    pub fn absorb(&mut self, other: Tally) {
        self.steps.extend(other.steps);
        match (&mut self.evidence, other.evidence) {
            (Some(mine), Some(theirs)) => mine.absorb(theirs),
            (mine @ None, theirs) => *mine = theirs,
            (Some(_), None) => {}
        }
        self.confidence = self.confidence.max(other.confidence);
        for (k, v) in other.support {
            offer(&mut self.support, k, v);
        }
        for (k, v) in other.dates {
            offer(&mut self.dates, k, v);
        }
        for (k, v) in other.places {
            offer(&mut self.places, k, v);
        }
        for (k, v) in other.participants {
            offer(&mut self.participants, k, v);
        }
        for (k, v) in other.topics {
            offer(&mut self.topics, k, v);
        }
        self.first_articles.absorb(other.first_articles);
        self.span = span::cover(self.span, other.span);
        self.articles.extend(other.articles);
        self.sources.extend(other.sources);
    }

    /// The encoding of the event last saved from this tally, if known.
    pub fn saved(&self) -> Option<&Bytes> {
        self.saved.as_ref()
    }

    /// Remembers `encoded` as the event last saved from this tally.
    pub fn set_saved(&mut self, encoded: Bytes) {
        self.saved = Some(encoded);
    }

    /// Forgets the event last saved from this tally: another writer saved the event since, so
    /// the next update's "before" is folded again.
    pub fn forget_saved(&mut self) {
        self.saved = None;
    }

    /// Reports in the tally.
    pub fn len(&self) -> usize {
        self.articles.len()
    }

    pub fn is_empty(&self) -> bool {
        self.articles.is_empty()
    }

    fn count(&self, field: &'static str, value: &str) -> i64 {
        self.support.get(&(field, value.into())).map_or(0, |s| i64::from(s.articles))
    }

    /// The values reports gave for `field`, sorted.
    fn values(&self, field: &str) -> Vec<&str> {
        let mut values: Vec<&str> = self.support.keys().filter(|(f, _)| *f == field).map(|(_, v)| v.as_str()).collect();
        values.sort_unstable();
        values
    }

    /// The event these reports tell, as stored event `number`.
    pub fn event(&self, number: u64) -> Event {
        let Some(first) = self.steps.values().next() else {
            return Event { id: event_id(number), ..Default::default() };
        };
        let status = progress(self.steps.values().map(|s| s.status));
        let typical = self.steps.values().rev().find(|s| s.status == status).unwrap_or(first);
        let mut conflicts = Vec::new();

        // Status: a report that it happened and one that it was called off or denied disagree.
        let said = |s: EventStatus| self.count("status", s.as_str_name()) > 0;
        if said(EventStatus::Occurred) && (said(EventStatus::Cancelled) || said(EventStatus::Negated)) {
            let final_words = [EventStatus::Occurred, EventStatus::Cancelled, EventStatus::Negated].map(|s| s.as_str_name());
            conflicts.push(self.conflict("status", status.as_str_name(), |v| final_words.contains(&v)));
        }

        // Date: an explicit date beats the publication day, a finer precision a coarser one, then
        // the date more articles give.
        let date = self
            .dates
            .iter()
            .min_by_key(|&(text, choice)| (choice.rank, -self.count("date", text), text))
            .map(|(text, choice)| (text, choice.best.value.clone()));
        // Reports placed without a date stand beside the chosen date as a rival value.
        if let Some((chosen, _)) = &date
            && (self.count("date", UNDATED) > 0 || self.dates.iter().any(|(text, choice)| choice.explicit_day && text != *chosen))
        {
            conflicts.push(self.conflict("date", chosen, |v| v == UNDATED || self.dates.get(v).is_some_and(|c| c.explicit_day)));
        }

        // Place: a named place beats a bare country, then the one more articles give.
        let location = self
            .places
            .iter()
            .min_by_key(|&(name, choice)| (choice.unnamed, -self.count("location", name), name))
            .map(|(name, choice)| (name, choice.best.value.clone()));
        if let Some((name, _)) = &location
            && self.places.len() > 1
        {
            conflicts.push(self.conflict("location", name, |_| true));
        }

        let modes = self.values("mode");
        let mode = modes
            .iter()
            .filter_map(|name| Some((ConsultMode::from_str_name(name)?, *name)))
            .min_by_key(|&(mode, name)| (-self.count("mode", name), mode as i32));
        if let Some((_, name)) = mode
            && modes.len() > 1
        {
            conflicts.push(self.conflict("mode", name, |_| true));
        }

        // Participants and topics accumulate; a state drops out when one of its people is named.
        let person_countries: Vec<&str> =
            self.participants.values().filter(|p| p.value.kind() == ActorKind::Person).map(|p| p.value.country.as_str()).collect();
        let participants = sorted_values(&self.participants)
            .into_iter()
            .filter(|p| p.kind() != ActorKind::State || !person_countries.contains(&p.country.as_str()))
            .cloned()
            .collect();

        let mut provenance: Vec<Provenance> = self
            .support
            .iter()
            .map(|((field, value), s)| Provenance {
                field: field.to_string(),
                value: value.to_string(),
                article_ids: s.first.0.iter().map(|k| k.article.to_string()).collect(),
                num_articles: s.articles,
            })
            .collect();
        provenance.sort_unstable_by(|a, b| (&a.field, &a.value).cmp(&(&b.field, &b.value)));

        Event {
            id: event_id(number),
            event_type: typical.event_type,
            cameo_code: typical.cameo_code.to_string(),
            mode: mode.map_or(0, |(m, _)| m.into()),
            status: status.into(),
            participants,
            date: date.map(|(_, d)| d),
            location: location.map(|(_, l)| l),
            topics: sorted_values(&self.topics).into_iter().cloned().collect(),
            evidence: self.evidence.as_ref().map(|e| e.value.clone()).unwrap_or_default(),
            confidence: self.confidence,
            article_ids: self.first_articles.0.iter().map(|k| k.article.to_string()).collect(),
            num_articles: self.articles.len() as u32,
            num_sources: self.sources.len() as u32,
            provenance,
            conflicts,
            span: self.span.map(span::as_date),
            // Links between events are merging's, not their reports'.
            parent_id: String::new(),
            part_ids: Vec::new(),
        }
    }

    /// The values of `field` other than `chosen` that `rival` accepts, as a conflict.
    fn conflict(&self, field: &str, chosen: &str, rival: impl Fn(&str) -> bool) -> FieldConflict {
        let others = self.values(field).into_iter().filter(|v| *v != chosen && rival(v)).map(String::from).collect();
        FieldConflict { field: field.into(), chosen: chosen.into(), others }
    }
}

/// The values of `map` in the order of their keys.
fn sorted_values<T>(map: &FxHashMap<String, Earliest<T>>) -> Vec<&T> {
    let mut entries: Vec<(&String, &T)> = map.iter().map(|(k, v)| (k, &v.value)).collect();
    entries.sort_unstable_by_key(|&(k, _)| k);
    entries.into_iter().map(|(_, v)| v).collect()
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
