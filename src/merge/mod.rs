//! Merging: decides whether each extracted event is a new happening or another report of a
//! stored one, and what that changes.
//!
//! Every stored event keeps its *reports* (the extracted events of the articles that support
//! it). A new report joins a stored event when no report of that event vetoes it and one of them
//! scores at least the threshold ([`compare`]); candidates come from the [`index::Index`], never
//! from a scan, and are compared through their [`Profile`] in memory (the distinct identities of
//! their reports and the articles behind them), so deciding reads nothing from the store. A report that joins two stored events that do not contradict each other shows
//! they are one: the older absorbs the newer (MERGED). A report without any date joins the one
//! dated stored event it fits, if only one does, or the several it fits where they are days of
//! one happening that their dates kept apart (see [`Merger`]'s `place_undated`), and a dated
//! report takes the stored undated events it is the only dated fit of, so the order of the two
//! does not matter (`undated_placed_by`). An undated report joins only events heard lately by
//! the stream [`clock`], not an earlier occurrence of the same sides, nor an event whose people
//! the stream has told meeting in another country since its last report ([`recurrence`]), nor
//! an event whose articles name another holder of an office its article names ([`holders`]: the
//! people of the day), nor a stored summit of which it tells two leaders meeting on the
//! sidelines ([`part_of::beside_the_summit`]). The stored event itself is always
//! [`fold`]ed from its reports (kept as a [`Tally`], so an update adds one report), so it does not
//! depend on the order articles arrive in.
//!
//! An event stored or joined by a report that tells a happening within another stored event (a
//! meeting during a visit, talks on the sidelines of a summit) is linked to it as its part
//! ([`part_of`]): both get an update, the part naming "parent_id" and the whole "part_ids". A
//! report of talks likewise links the stored agreements and meetings heard lately that it is
//! now the whole of (a signing told before its talks, a meeting on the sidelines told before the
//! summit), and never joins them; an agreement or talks that give no date are tied only when one
//! stored talks of the signing's people could be its whole.

pub mod clock;
pub mod compare;
pub mod config;
pub mod eval;
mod fold;
mod holders;
pub mod index;
pub mod part_of;
mod recurrence;
pub mod span;
mod within;

use prost::{Message, bytes::Bytes};
use rustc_hash::{FxHashMap, FxHashSet};

use self::{
    clock::{Clock, Heard},
    compare::score_within_span,
    holders::Named,
    index::Index,
    part_of::Links,
    span::Span,
};
pub use self::{
    compare::{Comparison, Identity, compare, score},
    config::MergeConfig,
    fold::{Tally, fold},
};
use crate::{
    proto::{Article, Event, EventType, ExtractResponse, UpdateKind},
    wire,
};

/// One extracted event as one article reported it: what merging compares and folds, and what
/// `ListReports` returns.
pub use crate::proto::EventReport as Report;

impl Report {
    /// The `index`th event of `article`, which came when the stream `clock` said that day and
    /// the next stored event was to be numbered `next_event`.
    pub fn new(article: &Article, index: usize, event: Event, clock: String, next_event: u64) -> Report {
        let source = if article.source.is_empty() { host(&article.url).to_string() } else { article.source.clone() };
        Report {
            article_id: article.id.clone(),
            source,
            published: article.published_at.get(..10).unwrap_or_default().to_string(),
            index: index as u32,
            event: Some(event),
            clock,
            next_event,
        }
    }

    /// The key that orders reports: publication day, article, position.
    pub fn order_key(&self) -> (&str, &str, u32) {
        (&self.published, &self.article_id, self.index)
    }

    /// A key unique among all reports ("articleId#index").
    pub fn key(&self) -> String {
        format!("{}#{}", self.article_id, self.index)
    }
}

/// The host of a URL ("https://www.youm7.com/story/1" → "www.youm7.com"); "" when there is none.
fn host(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    rest.split(['/', '?', '#']).next().unwrap_or_default().rsplit('@').next().unwrap_or_default()
}

/// Where merging reads and writes stored events and their reports: the store's write
/// transaction in the service, memory in evaluations and benchmarks.
pub trait EventStore {
    type Error;
    /// Takes the tally of stored event `number` (built from its reports when not at hand); the
    /// caller gives it back with [`EventStore::save`].
    fn take_tally(&mut self, number: u64) -> Result<Tally, Self::Error>;
    /// Saves `event` as the state of `number`, `added` among its reports, and `tally` (which
    /// counts `added`) as its tally.
    fn save(&mut self, number: u64, event: &Event, added: &Report, tally: Tally) -> Result<(), Self::Error>;
    /// Moves the reports of `from` to `into` and removes event `from`.
    fn absorb(&mut self, into: u64, from: u64) -> Result<(), Self::Error>;
    /// Saves `event` as the state of `number` and gives back its `tally`, with no new report
    /// (a link to another event changed it).
    fn restate(&mut self, number: u64, event: &Event, tally: Tally) -> Result<(), Self::Error>;
}

/// Stored events in memory.
#[derive(Default)]
pub struct MemoryStore {
    pub events: FxHashMap<u64, Event>,
    pub reports: FxHashMap<u64, Vec<Report>>,
    tallies: FxHashMap<u64, Tally>,
}

impl EventStore for MemoryStore {
    type Error = std::convert::Infallible;

    fn take_tally(&mut self, number: u64) -> Result<Tally, Self::Error> {
        Ok(self.tallies.remove(&number).unwrap_or_else(|| Tally::of_reports(self.reports.get(&number).into_iter().flatten())))
    }

    fn save(&mut self, number: u64, event: &Event, added: &Report, tally: Tally) -> Result<(), Self::Error> {
        self.events.insert(number, event.clone());
        self.reports.entry(number).or_default().push(added.clone());
        self.tallies.insert(number, tally);
        Ok(())
    }

    fn absorb(&mut self, into: u64, from: u64) -> Result<(), Self::Error> {
        self.events.remove(&from);
        self.tallies.remove(&from);
        let moved = self.reports.remove(&from).unwrap_or_default();
        self.reports.entry(into).or_default().extend(moved);
        Ok(())
    }

    fn restate(&mut self, number: u64, event: &Event, tally: Tally) -> Result<(), Self::Error> {
        self.events.insert(number, event.clone());
        self.tallies.insert(number, tally);
        Ok(())
    }
}

/// The public id of the stored event number `n`.
pub fn event_id(n: u64) -> String {
    format!("ev-{n}")
}

/// The event number of a public id made by [`event_id`].
pub fn parse_event_id(id: &str) -> Option<u64> {
    id.strip_prefix("ev-")?.parse().ok()
}

/// Allocates stored event numbers; the writer persists [`EventIds::next`] with each commit.
pub struct EventIds {
    next: u64,
}

impl EventIds {
    pub fn new(next: u64) -> Self {
        EventIds { next }
    }

    pub fn next(&self) -> u64 {
        self.next
    }

    fn allocate(&mut self) -> u64 {
        self.next += 1;
        self.next - 1
    }
}

/// One change to the stored events.
#[derive(Debug)]
pub struct Change {
    /// The stored event's number (its id is [`event_id`] of it).
    pub number: u64,
    pub kind: UpdateKind,
    /// The event after the change.
    pub event: Event,
    /// Its protobuf encoding.
    pub encoded: Bytes,
    /// Names of the fields that changed (proto field names).
    pub changed_fields: Vec<String>,
    /// For MERGED: the number of the event absorbed.
    pub merged: Option<u64>,
}

/// What merging remembers of a stored event: the distinct identities of its reports, the
/// articles that reported it, the days they give and when they came.
#[derive(Default)]
struct Profile {
    identities: Vec<Identity>,
    articles: FxHashSet<String>,
    /// The days its reports give to the day.
    span: Option<Span>,
    heard: Heard,
    /// The latest `next_event` of its reports: stored events numbered from it on were first
    /// reported after its last report.
    last_reported: u64,
}

impl Profile {
    fn add(&mut self, report: &Report, identity: &Identity) {
        self.span = span::cover(self.span, identity.days());
        self.heard = self.heard.latest(Heard::of(report));
        self.last_reported = self.last_reported.max(report.next_event);
        if !self.identities.contains(identity) {
            self.identities.push(identity.clone());
        }
        if !self.articles.contains(&report.article_id) {
            self.articles.insert(report.article_id.clone());
        }
    }
}

/// A stored event that just gained a part or a parent: its tally and its state before, for its
/// update.
struct Whole {
    number: u64,
    tally: Tally,
    before: Bytes,
}

/// The merge engine: the configuration, the candidate index, the profiles of the stored
/// events, their part-of links and the stream clock. Runs on the writer's planner thread.
pub struct Merger {
    config: MergeConfig,
    index: Index,
    profiles: FxHashMap<u64, Profile>,
    links: Links,
    clock: Clock,
    named: Named,
}

impl Merger {
    pub fn new(config: MergeConfig) -> Merger {
        Merger {
            index: Index::new(&config),
            config,
            profiles: FxHashMap::default(),
            links: Links::default(),
            clock: Clock::default(),
            named: Named::default(),
        }
    }

    pub fn config(&self) -> &MergeConfig {
        &self.config
    }

    pub fn index(&self) -> &Index {
        &self.index
    }

    /// Files a stored report (when rebuilding the index at start).
    pub fn file(&mut self, number: u64, report: &Report) {
        let event = report.event.as_ref().expect("reports are made with an event");
        self.clock.hear(report);
        self.named.hear(&report.article_id, [event]);
        self.remember(number, report, &Identity::of(event));
    }

    /// The stored event that event `number` is linked to as a part, if any.
    pub fn parent(&self, number: u64) -> Option<u64> {
        self.links.parent(number)
    }

    /// Files the part-of links of a stored event (when rebuilding at start).
    pub fn file_links(&mut self, event: &Event) {
        self.links.file(event);
    }

    fn remember(&mut self, number: u64, report: &Report, identity: &Identity) {
        self.index.insert(number, identity);
        self.profiles.entry(number).or_default().add(report, identity);
    }

    /// Moves what merging remembers of event `from` (its candidates, profile and links) to
    /// `into`, which absorbed it: when merging, and when a distributed worker learns of a merge
    /// another worker committed.
    pub fn absorbed(&mut self, into: u64, from: u64) {
        self.links.absorb(into, from);
        let profile = self.profiles.remove(&from).unwrap_or_default();
        self.index.relabel(from, into, &profile.identities);
        let merged = self.profiles.entry(into).or_default();
        merged.span = span::cover(merged.span, profile.span);
        merged.heard = merged.heard.latest(profile.heard);
        merged.last_reported = merged.last_reported.max(profile.last_reported);
        for identity in profile.identities {
            if !merged.identities.contains(&identity) {
                merged.identities.push(identity);
            }
        }
        merged.articles.extend(profile.articles);
    }

    /// Forgets every stored event (before rebuilding after a failed commit).
    pub fn clear(&mut self) {
        self.index = Index::new(&self.config);
        self.profiles.clear();
        self.links = Links::default();
        self.clock = Clock::default();
        self.named = Named::default();
    }

    /// Applies `article`'s extraction to `store`; returns the changes in order.
    pub fn plan<S: EventStore>(
        &mut self,
        store: &mut S,
        article: &Article,
        extraction: ExtractResponse,
        ids: &mut EventIds,
    ) -> Result<Vec<Change>, S::Error> {
        let mut changes = Vec::new();
        let clock = self.clock.now();
        let next_event = ids.next();
        let events = within::fold_repeats(&self.config, extraction.events);
        self.named.hear(&article.id, events.iter().map(|(_, event)| event));
        for (i, event) in events {
            let report = Report::new(article, i, event, clock.clone(), next_event);
            self.clock.hear(&report);
            self.apply(store, report, ids, &mut changes)?;
        }
        Ok(changes)
    }

    fn apply<S: EventStore>(
        &mut self,
        store: &mut S,
        report: Report,
        ids: &mut EventIds,
        changes: &mut Vec<Change>,
    ) -> Result<(), S::Error> {
        let identity = Identity::of(report.event.as_ref().expect("reports are made with an event"));
        // The stored events of its type and sides within its dates (none when it gives no date):
        // those it may join, and those of its type it may be a part of, looked up once.
        let same_type = self.index.candidates(&identity);
        let mut joined: Vec<u64> = if identity.is_undated() {
            self.place_undated(&report.article_id, &identity)
        } else {
            let mut links = self.links(&report.article_id, &identity, &same_type);
            let placed = self.undated_placed_by(&report.article_id, &identity, &links);
            links.extend(placed.into_iter().map(|number| (number, 0.0)));
            // Join the best, and every other that agrees with all of those joined (then they are one).
            let mut joined: Vec<u64> = Vec::new();
            for (number, _) in links {
                if joined.iter().all(|other| self.consistent(&self.profiles[other], &self.profiles[&number])) {
                    joined.push(number);
                }
            }
            joined
        };
        joined.sort_unstable();

        let Some(&survivor) = joined.first() else {
            let number = ids.allocate();
            let whole = self.link_whole(store, number, &identity, &same_type)?;
            self.remember(number, &report, &identity);
            let parts = self.link_parts(store, number, &identity)?;
            let mut tally = Tally::of_reports([&report]);
            let (new, encoded) = self.fold_and_encode(&mut tally, number);
            store.save(number, &new, &report, tally)?;
            let changed_fields = changed_fields(&[], &encoded);
            changes.push(Change { number, kind: UpdateKind::Created, event: new, encoded, changed_fields, merged: None });
            self.update_wholes(store, whole.into_iter().chain(parts), changes)?;
            return Ok(());
        };
        let mut tally = store.take_tally(survivor)?;
        let before = self.state_before(&tally, survivor);
        let absorbed = &joined[1..];
        for &number in absorbed {
            tally.absorb(store.take_tally(number)?);
            store.absorb(survivor, number)?;
            self.absorbed(survivor, number);
        }
        let whole = self.link_whole(store, survivor, &identity, &same_type)?;
        self.remember(survivor, &report, &identity);
        let parts = self.link_parts(store, survivor, &identity)?;
        tally.add(&report);
        let (after, encoded) = self.fold_and_encode(&mut tally, survivor);
        store.save(survivor, &after, &report, tally)?;
        let changed = changed_fields(&before, &encoded);
        if absorbed.is_empty() {
            if !changed.is_empty() {
                let kind = if changed.iter().any(|f| f == "status") { UpdateKind::StatusChanged } else { UpdateKind::Updated };
                changes.push(Change { number: survivor, kind, event: after, encoded, changed_fields: changed, merged: None });
            }
        } else {
            for &number in absorbed {
                let change = Change {
                    number: survivor,
                    kind: UpdateKind::Merged,
                    event: after.clone(),
                    encoded: encoded.clone(),
                    changed_fields: changed.clone(),
                    merged: Some(number),
                };
                changes.push(change);
            }
        }
        self.update_wholes(store, whole.into_iter().chain(parts), changes)
    }

    /// The stored event as last saved from `tally`, else folded again (a tally read back from
    /// the reports).
    fn state_before(&self, tally: &Tally, number: u64) -> Bytes {
        match tally.saved() {
            Some(saved) => saved.clone(),
            None => self.folded(tally, number).encode_to_vec().into(),
        }
    }

    /// Stored event `number` as `tally` and its links tell it.
    fn folded(&self, tally: &Tally, number: u64) -> Event {
        let mut event = tally.event(number);
        self.links.stamp(number, &mut event);
        event
    }

    /// Folds stored event `number` from `tally` and encodes it; the tally keeps the encoding as
    /// the event last saved from it.
    fn fold_and_encode(&self, tally: &mut Tally, number: u64) -> (Event, Bytes) {
        let event = self.folded(tally, number);
        let encoded: Bytes = event.encode_to_vec().into();
        tally.set_saved(encoded.clone());
        (event, encoded)
    }

    /// Links event `number`, about to take a report with `identity`, as a part of the stored
    /// event that report tells a happening within, if it has no parent yet and one fits (the
    /// oldest when several do), `same_type` being [`Index::candidates`] of `identity`. Returns
    /// that whole as it was before.
    fn link_whole<S: EventStore>(
        &mut self,
        store: &mut S,
        number: u64,
        identity: &Identity,
        same_type: &[u64],
    ) -> Result<Option<Whole>, S::Error> {
        if self.links.parent(number).is_some() {
            return Ok(None);
        }
        let Some(whole) = self.whole_of(number, identity, same_type) else { return Ok(None) };
        self.links.link(number, whole);
        self.taken(store, whole).map(Some)
    }

    /// The stored event that event `number`, with a report of `identity`, is part of, if one
    /// fits (the oldest when several do). `same_type` is what [`Index::candidates`] gave for
    /// `identity`, maybe before some of those events were absorbed by another (they are passed
    /// over: the one that absorbed them is `number`).
    fn whole_of(&self, number: u64, identity: &Identity, same_type: &[u64]) -> Option<u64> {
        let fits = |whole: &u64| {
            let profile = &self.profiles[whole];
            *whole != number
                && self.links.parent(*whole) != Some(number)
                && profile.identities.iter().any(|w| part_of::is_part_of(identity, w, profile.span))
        };
        let other_types = part_of::whole_types(identity.event_type()).into_iter().filter(|&t| t != identity.event_type());
        let mut wholes: Vec<u64> = same_type
            .iter()
            .copied()
            .filter(|n| self.profiles.contains_key(n))
            .chain(other_types.flat_map(|t| self.index.candidates_of_type(identity, t)))
            .collect();
        wholes.sort_unstable();
        wholes.into_iter().find(fits).or_else(|| self.undated_whole(number, identity))
    }

    /// Stored event `number`'s tally and its state before a link changes it.
    fn taken<S: EventStore>(&self, store: &mut S, number: u64) -> Result<Whole, S::Error> {
        let tally = store.take_tally(number)?;
        let before = self.state_before(&tally, number);
        Ok(Whole { number, tally, before })
    }

    /// Links to event `number` of talks, which just took a report of `identity` (remembered),
    /// the stored events with no parent that it is now the whole of: an agreement told before
    /// the report that ties the talks to it (its day, or its place), a meeting on the sidelines
    /// told before the summit. Only a part heard lately can be part of talks reported now
    /// (Kadhimi's 2020 agreements are no part of his 2021 trip). Returns the parts as they were
    /// before.
    fn link_parts<S: EventStore>(&mut self, store: &mut S, number: u64, identity: &Identity) -> Result<Vec<Whole>, S::Error> {
        let agree = EventType::Agree as i32;
        if identity.event_type() != EventType::Consult as i32 {
            return Ok(Vec::new());
        }
        let whole = &self.profiles[&number];
        let mut candidates = self.index.candidates_of_type(identity, agree);
        candidates.extend(self.index.recent_of_type(identity, agree));
        // Events of its own type are looked up only where it can have such parts (a visit told
        // as the journey, a summit): most reports name both sides' people, and a million stored
        // events give some 170 same-sides candidates per report.
        if whole.identities.iter().any(part_of::may_have_parts_of_its_type) {
            candidates.extend(self.index.candidates(identity));
        }
        candidates.sort_unstable();
        candidates.dedup();
        let mut parts = Vec::new();
        // Whether a stored event could be part of this one at all, before the costlier search
        // for its one whole. An agreement may also be tied with no date (`undated_whole`).
        let could_be_part =
            |p: &Identity| p.event_type() == agree || whole.identities.iter().any(|w| part_of::is_part_of(p, w, whole.span));
        let possible: Vec<u64> =
            candidates.into_iter().filter(|part| *part != number && self.profiles[part].identities.iter().any(could_be_part)).collect();
        for part in possible {
            let orphan = self.links.parent(part).is_none() && self.heard_lately(&self.profiles[&part]);
            if orphan && self.profiles[&part].identities.iter().any(|p| self.whole_of(part, p, &self.index.candidates(p)) == Some(number)) {
                self.links.link(part, number);
                parts.push(self.taken(store, part)?);
            }
        }
        Ok(parts)
    }

    /// The stored event of talks, heard lately, that an agreement is part of where it or the
    /// talks give no date ([`part_of::signed_at_undated`]): the one stored talks of the people
    /// it names, wherever they met, and that one at its place. With no date to tie them, two
    /// stored talks of the same people could both be its whole, and a place is what extraction
    /// gives least surely (Alaska and Anchorage, a palace and its city; c03's Kremlin talks
    /// placed in St Petersburg left the arrival in Moscow the only talks at the signing's
    /// place), so another place does not tell one of them out. No talks told called off fit,
    /// nor talks only proposed (an invitation to visit Cairo is not where the memoranda of a
    /// held visit to Doha were signed: c06-026).
    fn undated_whole(&self, number: u64, identity: &Identity) -> Option<u64> {
        if identity.event_type() != EventType::Agree as i32 {
            return None;
        }
        let talks_of_its_people = |whole: &u64| {
            let profile = &self.profiles[whole];
            *whole != number
                && self.heard_lately(profile)
                && profile.identities.iter().all(|w| identity.outcome_agrees(w))
                && !profile.identities.iter().all(Identity::only_proposed)
                && profile.identities.iter().any(|w| part_of::may_be_signed_at_undated(identity, w))
        };
        let mut talks = self.index.recent_of_type(identity, EventType::Consult as i32).into_iter().filter(talks_of_its_people);
        let (Some(whole), None) = (talks.next(), talks.next()) else { return None };
        self.profiles[&whole].identities.iter().any(|w| part_of::signed_at_undated(identity, w)).then_some(whole)
    }

    /// The updates of stored events that gained a part or a parent.
    fn update_wholes<S: EventStore>(
        &mut self,
        store: &mut S,
        linked: impl IntoIterator<Item = Whole>,
        changes: &mut Vec<Change>,
    ) -> Result<(), S::Error> {
        for Whole { number, mut tally, before } in linked {
            let (event, encoded) = self.fold_and_encode(&mut tally, number);
            store.restate(number, &event, tally)?;
            let changed_fields = changed_fields(&before, &encoded);
            changes.push(Change { number, kind: UpdateKind::Updated, event, encoded, changed_fields, merged: None });
        }
        Ok(())
    }

    /// The stored events a dated report may join, best first, among its `candidates`
    /// ([`Index::candidates`]).
    fn links(&self, article_id: &str, identity: &Identity, candidates: &[u64]) -> Vec<(u64, f32)> {
        let mut links: Vec<(u64, f32)> =
            candidates.iter().filter_map(|&number| Some((number, self.link(article_id, identity, &self.profiles[&number])?))).collect();
        links.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        links
    }

    /// The one stored event an undated report fits, if exactly one does. Only a dated event can
    /// place it in time; failing one, the [`undated_twin`](Self::undated_twin) of the report.
    /// An undated report is read as news: when several dated events fit, only those dated to the
    /// day compete, and an event dated no finer than a month or a year (a visit "in 2014" that
    /// an article recalls) gives way to the one happening that is. Where those dated to the day
    /// are the days of one happening ([`days_of_one_happening`](Self::days_of_one_happening)),
    /// the report joins them all, and they are one.
    fn place_undated(&self, article_id: &str, identity: &Identity) -> Vec<u64> {
        let fitting: Vec<u64> =
            self.index.dated_candidates(identity).into_iter().filter(|n| self.fits_undated_report(article_id, identity, *n)).collect();
        let dated_to_the_day = |n: &u64| self.profiles[n].identities.iter().any(Identity::dated_to_the_day);
        match fitting[..] {
            [] => self.undated_twin(article_id, identity).into_iter().collect(),
            [one] => vec![one],
            _ => {
                let news: Vec<u64> = fitting.into_iter().filter(dated_to_the_day).collect();
                if news.len() == 1 || self.days_of_one_happening(&news) { news } else { Vec::new() }
            }
        }
    }

    /// Whether stored dated events are days of one happening that their dates alone kept apart
    /// (the first and the third day of a visit, each told by its own article): each has a report
    /// that it took place on a day it gives (its date, or its publication day), those days make
    /// the span of one happening, no article told two of them, no report of one vetoes a report
    /// of another but for the date, and each two have reports that name the same place and
    /// people (as a day beyond a stored span joins it: [`within_span`](Self::within_span)). The
    /// days a plan announces are not days of the happening: two plans of one visit that give
    /// two days may be the visit and the meeting within it.
    fn days_of_one_happening(&self, numbers: &[u64]) -> bool {
        let held_days = |n: &u64| -> Option<Span> {
            self.profiles[n]
                .identities
                .iter()
                .filter(|i| i.occurred())
                .filter_map(|i| i.days().or_else(|| i.published_day().map(|d| (d, d))))
                .fold(None, |cover, days| span::cover(cover, Some(days)))
        };
        let days = numbers.iter().map(held_days).try_fold(None, |cover, days| days.map(|days| span::cover(cover, Some(days))));
        let one = |a: &Profile, b: &Profile| {
            a.articles.is_disjoint(&b.articles)
                && a.identities.iter().all(|x| b.identities.iter().all(|y| score_within_span(&self.config, x, y).is_ok()))
                && a.identities.iter().any(|x| b.identities.iter().any(|y| x.place_and_people_agree(y)))
        };
        days.flatten().is_some_and(span::fits_a_happening)
            && numbers.iter().enumerate().all(|(i, a)| numbers[i + 1..].iter().all(|b| one(&self.profiles[a], &self.profiles[b])))
    }

    /// The stored event of undated reports that an undated report repeats: one of its reports
    /// tells the same people, mode and stage and no other place ([`Identity::twins`]), none names
    /// a city, seat or venue other than the report's (a report that names only the country is a
    /// twin of one in its capital, but a meeting at a palace is not of the visit's day in another
    /// city that the country's report was joined with), and the
    /// report fits no other stored event but those an article told apart from it (the visit
    /// and, in the same article, the next one planned). Two undated reports of the same people at the same place
    /// may be two visits years apart: the same mode given and no other event that could be the
    /// report's are what tells them of one happening, and they stay apart when two could be.
    fn undated_twin(&self, article_id: &str, identity: &Identity) -> Option<u64> {
        let fitting: Vec<u64> =
            self.index.undated_candidates(identity).into_iter().filter(|n| self.fits_undated_report(article_id, identity, *n)).collect();
        let undated_twin = |n: &&u64| {
            let profile = &self.profiles[n];
            profile.identities.iter().all(Identity::is_undated)
                && profile.identities.iter().any(|other| identity.twins(other))
                && !profile.identities.iter().any(|other| identity.in_another_city(other))
        };
        let mut twins = fitting.iter().filter(undated_twin);
        let (Some(&twin), None) = (twins.next(), twins.next()) else { return None };
        let articles = &self.profiles[&twin].articles;
        let told_apart = |n: &u64| *n == twin || !articles.is_disjoint(&self.profiles[n].articles);
        fitting.iter().all(told_apart).then_some(twin)
    }

    /// Whether the undated report `identity` of an article fits stored event `number`, which no
    /// other report of that article is in and which was heard lately, and of which it tells no
    /// meeting on the sidelines ([`part_of::beside_the_summit`]).
    fn fits_undated_report(&self, article_id: &str, identity: &Identity, number: u64) -> bool {
        let profile = &self.profiles[&number];
        !profile.articles.contains(article_id)
            && self.heard_lately(profile)
            && self.fits_undated(std::slice::from_ref(identity), profile)
            && !self.met_elsewhere_since(article_id, identity, number)
            && !self.of_another_day(article_id, number)
            && !profile.identities.iter().any(|summit| part_of::beside_the_summit(identity, summit))
    }

    /// Whether a stored event may have been heard within the configured days of the stream
    /// clock: only such an event can be the happening an undated report tells, or be placed by
    /// a dated one.
    fn heard_lately(&self, profile: &Profile) -> bool {
        self.clock.recent(profile.heard, self.config.undated_heard_within_days)
    }

    /// The stored event of undated reports only, heard lately, that a dated report places, if
    /// exactly one fits it (none of its reports a meeting on the sidelines of the summit the
    /// report tells: [`part_of::beside_the_summit`]) and it fits no stored dated event but those
    /// the report `links` to: it joins the report as it would have, had it come after it (an
    /// announcement is often undated, the report of the day dated). When two fit, either may be
    /// of an earlier occurrence that no dated report told.
    fn undated_placed_by(&self, article_id: &str, identity: &Identity, links: &[(u64, f32)]) -> Option<u64> {
        let report =
            Profile { identities: vec![identity.clone()], articles: FxHashSet::from_iter([article_id.to_string()]), ..Default::default() };
        let fits_only_this = |undated: &Profile| {
            let elsewhere = |n: &u64| {
                !links.iter().any(|(linked, _)| linked == n)
                    && undated.articles.is_disjoint(&self.profiles[n].articles)
                    && self.fits_undated(&undated.identities, &self.profiles[n])
            };
            undated.identities.iter().all(|u| !self.index.dated_candidates(u).iter().any(elsewhere))
        };
        let mut fitting = self.index.undated_candidates(identity).into_iter().filter(|n| {
            let undated = &self.profiles[n];
            undated.identities.iter().all(Identity::is_undated)
                && !undated.articles.contains(article_id)
                && self.heard_lately(undated)
                && self.fits_undated(&undated.identities, &report)
                && !self.met_elsewhere_since(article_id, identity, *n)
                && !self.of_another_day(article_id, *n)
                && !undated.identities.iter().any(|meeting| part_of::beside_the_summit(meeting, identity))
                && fits_only_this(undated)
        });
        let first = fitting.next()?;
        fitting.next().is_none().then_some(first)
    }

    /// Whether undated reports fit a stored event: each is vetoed by no report of the event (the
    /// same type, sides that agree down to the people both name, no other place or mode of
    /// meeting), none tells another outcome or is dated on another weekday than the one the
    /// report gives, and one of the same stage names the same place or gives the same mode, or,
    /// where one of the two tells neither, names the same people on every side at the same stage
    /// ([`Identity::bare_of_the_same_people`]).
    fn fits_undated(&self, undated: &[Identity], profile: &Profile) -> bool {
        undated.iter().all(|identity| {
            profile.identities.iter().all(|other| {
                identity.outcome_agrees(other) && identity.weekday_agrees(other) && score(&self.config, identity, other).is_ok()
            }) && profile.identities.iter().any(|other| {
                identity.stage_agrees(other) && (identity.place_or_mode_agrees(other) || identity.bare_of_the_same_people(other))
            })
        })
    }

    /// The best score of a report against a stored event, if none of its identities vetoes it,
    /// none is a part of the report's happening (a meeting on the sidelines of the summit the
    /// report tells: it becomes a part of the report's event instead) and the best reaches the
    /// threshold. A report that gives its days joins an event whose
    /// reports give theirs only by its span ([`within_span`](Self::within_span)): the day the
    /// tolerance of two dates allows is not enough where place or people do not agree (a visit
    /// that starts on the eve of the meeting announced). The extractor already told one
    /// article's events apart: a stored event never takes two reports from the same article.
    fn link(&self, article_id: &str, identity: &Identity, profile: &Profile) -> Option<f32> {
        let within = match profile.span {
            Some(span) if identity.days().is_some() => self.within_span(identity, span, &profile.identities).then_some(true)?,
            _ => false,
        };
        let mut best = f32::NEG_INFINITY;
        for other in &profile.identities {
            let scored = if within { score_within_span(&self.config, identity, other) } else { score(&self.config, identity, other) };
            best = best.max(scored.ok()?);
        }
        // Most candidates fail on the date: the article set is looked at last.
        let whole_of_it = || profile.identities.iter().any(|part| part_of::is_part_of(part, identity, None));
        (best >= self.config.threshold && !profile.articles.contains(article_id) && !whole_of_it()).then_some(best)
    }

    /// Whether a report's days belong to a stored event's `span`: they lie within it, or a day
    /// beyond it where a report of the event names the same place and people; and the span
    /// they make stays the length of one happening.
    fn within_span(&self, identity: &Identity, span: Span, identities: &[Identity]) -> bool {
        let Some((first, last)) = identity.days() else { return false };
        if !span::cover(Some(span), Some((first, last))).is_some_and(span::fits_a_happening) {
            return false;
        }
        let tolerance = self.config.day_tolerance_days;
        let inside = span.0 <= first && last <= span.1;
        let near = (span.0 - last).num_days() <= tolerance && (first - span.1).num_days() <= tolerance;
        inside || near && identities.iter().any(|other| identity.place_and_people_agree(other))
    }

    /// Whether no report of one event vetoes a report of the other, and no article reported
    /// both as different events.
    fn consistent(&self, a: &Profile, b: &Profile) -> bool {
        let (small, large) = if a.articles.len() <= b.articles.len() { (a, b) } else { (b, a) };
        !small.articles.iter().any(|id| large.articles.contains(id))
            && a.identities.iter().all(|x| b.identities.iter().all(|y| score(&self.config, x, y).is_ok()))
    }
}

/// The event fields whose changes updates name (proto field names).
pub const TRACKED_FIELDS: [&str; 18] = [
    "event_type",
    "cameo_code",
    "mode",
    "status",
    "participants",
    "date",
    "location",
    "topics",
    "evidence",
    "confidence",
    "article_ids",
    "num_articles",
    "num_sources",
    "provenance",
    "conflicts",
    "span",
    "parent_id",
    "part_ids",
];

/// The tracked fields among `names`, as a set: bit i stands for `TRACKED_FIELDS[i]`. Other names
/// are left out.
pub fn field_bits(names: &[impl AsRef<str>]) -> u32 {
    names.iter().filter_map(|name| TRACKED_FIELDS.iter().position(|f| *f == name.as_ref())).fold(0, |bits, i| bits | 1 << i)
}

/// The fields that differ between two states of an event, given as their protobuf encodings
/// (for a new event, compared with the empty encoding: every field that is set). Fields are
/// compared byte for byte, which for prost's encodings is comparing the values.
pub fn changed_fields(old: &[u8], new: &[u8]) -> Vec<String> {
    // TRACKED_FIELDS[i] is field number i + 2 of `Event`.
    let (Some(old_spans), Some(new_spans)) = (wire::field_spans::<20>(old), wire::field_spans::<20>(new)) else {
        return TRACKED_FIELDS.iter().map(|name| name.to_string()).collect();
    };
    TRACKED_FIELDS
        .iter()
        .enumerate()
        .filter(|&(i, _)| old[old_spans[i + 2].clone()] != new[new_spans[i + 2].clone()])
        .map(|(_, name)| name.to_string())
        .collect()
}

#[cfg(test)]
mod tests;
