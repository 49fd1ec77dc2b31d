//! Whether two reports describe one happening: a score over the fields that identify it, the
//! names of the fields that agreed, and the veto that rules a merge out (different type, date,
//! place, phone vs in-person, disjoint participants, a different minister of the same state,
//! another holder of one office).
//!
//! Comparison reads an [`Identity`]: the few fields of an event that decide, computed once per
//! report, with its names (countries, actor ids, places, topics) as [`Symbol`]s, so that the
//! writer's hot loop compares numbers, not strings. Reports of one event mostly share one
//! identity, so a stored event is compared through its distinct identities, not through each of
//! its reports.

use std::sync::{LazyLock, RwLock};

use chrono::NaiveDate;
use rustc_hash::FxHashMap;

use super::{
    MergeConfig,
    span::{self, Span},
};
use crate::proto::{ActorKind, ConsultMode, DatePrecision, Event, EventStatus, EventType, Location};

/// A name as a number: equal names, equal symbols. Names are interned for the life of the
/// process; they come from the knowledge base and the gazetteer, so there are a few thousand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Symbol(u32);

/// The symbol of "", which stands for "no name".
pub(crate) const NO_NAME: Symbol = Symbol(0);

static SYMBOLS: LazyLock<RwLock<FxHashMap<Box<str>, Symbol>>> =
    LazyLock::new(|| RwLock::new(FxHashMap::from_iter([(Box::from(""), NO_NAME)])));

impl Symbol {
    pub fn of(name: &str) -> Symbol {
        let known = SYMBOLS.read().unwrap_or_else(|poisoned| poisoned.into_inner()).get(name).copied();
        known.unwrap_or_else(|| {
            let mut symbols = SYMBOLS.write().unwrap_or_else(|poisoned| poisoned.into_inner());
            let next = Symbol(symbols.len() as u32);
            *symbols.entry(name.into()).or_insert(next)
        })
    }
}

/// What comparing two reports reads of an event.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Identity {
    event_type: i32,
    /// Countries of the participants, or the actor id of those with none (organisations);
    /// sorted (by symbol), distinct.
    sides: Vec<Symbol>,
    /// (country, actor id) of the participants who are persons.
    persons: Vec<(Symbol, Symbol)>,
    /// The holders of offices it names (see [`Holder`]).
    holders: Vec<Holder>,
    when: When,
    /// The place's name (else its country) and its country.
    place: Option<(Symbol, Symbol)>,
    /// Whether the place is a whole country, not a city, seat or venue in it.
    whole_country: bool,
    mode: ConsultMode,
    /// Names of the topics, sorted (by symbol), distinct.
    topics: Vec<Symbol>,
    status: EventStatus,
    /// The days its date gives to the day (see [`span`](super::span)).
    days: Option<Span>,
    /// With no date, the weekday its article gives it (as written in the API: "monday").
    weekday: Option<Symbol>,
}

impl Identity {
    pub fn of(e: &Event) -> Identity {
        let mut sides: Vec<Symbol> =
            e.participants.iter().map(|p| Symbol::of(if p.country.is_empty() { &p.actor_id } else { &p.country })).collect();
        sides.sort_unstable();
        sides.dedup();
        let persons = e
            .participants
            .iter()
            .filter(|p| p.kind() == ActorKind::Person)
            .map(|p| (Symbol::of(&p.country), Symbol::of(&p.actor_id)))
            .collect();
        let place =
            e.location.as_ref().filter(|l| !location_name(l).is_empty()).map(|l| (Symbol::of(location_name(l)), Symbol::of(&l.country)));
        let mut topics: Vec<Symbol> = e.topics.iter().map(|t| Symbol::of(&t.name_en)).collect();
        topics.sort_unstable();
        topics.dedup();
        Identity {
            event_type: e.event_type,
            sides,
            persons,
            holders: Holder::named_by(e).collect(),
            when: when(e),
            place,
            whole_country: place.is_some() && e.location.as_ref().is_some_and(|l| l.whole_country),
            mode: e.mode(),
            topics,
            status: e.status(),
            days: e.date.as_ref().and_then(span::days_of),
            weekday: e.date.as_ref().filter(|d| !d.weekday.is_empty()).map(|d| Symbol::of(&d.weekday)),
        }
    }

    pub(crate) fn event_type(&self) -> i32 {
        self.event_type
    }

    /// The sides: countries, or the actor ids of organisations.
    pub(crate) fn sides(&self) -> &[Symbol] {
        &self.sides
    }

    /// Whether neither the place nor the outcome differs where both reports give one. Merging
    /// across articles tolerates a city and its country; one article that writes both tells two
    /// happenings apart.
    pub(crate) fn same_details(&self, other: &Identity) -> bool {
        let place = match (self.place, other.place) {
            (Some((a, _)), Some((b, _))) => a == b,
            _ => true,
        };
        place && self.outcome_agrees(other)
    }

    /// Whether both reports name the same place, or give the same mode.
    pub(crate) fn place_or_mode_agrees(&self, other: &Identity) -> bool {
        let place = matches!((self.place, other.place), (Some((a, _)), Some((b, _))) if a == b);
        place || (self.mode != ConsultMode::Unspecified && self.mode == other.mode)
    }

    /// Whether one of two reports of talks tells neither a place nor a mode ("Biden and Xi met",
    /// told without where or how) and both tell the same stage and name the same people on every
    /// side: a bare report has nothing to agree on but its people, so only the same people named
    /// for every side, at the same stage, tie it to the other. An agreement gives no mode, so its
    /// bareness says nothing; a report that it took place against a plan may be of the next
    /// occurrence the plan did not name (Sánchez received in Morocco in 2022 and in 2023).
    pub(crate) fn bare_of_the_same_people(&self, other: &Identity) -> bool {
        let bare = |e: &Identity| e.place.is_none() && e.mode == ConsultMode::Unspecified;
        let talks = self.event_type == EventType::Consult as i32 && other.event_type == self.event_type;
        let every_side_named = self.sides.iter().all(|side| self.persons.iter().any(|(country, _)| country == side));
        let within = |a: &Identity, b: &Identity| a.persons.iter().all(|p| b.persons.contains(p));
        talks
            && (bare(self) || bare(other))
            && self.stage() == other.stage()
            && every_side_named
            && self.sides == other.sides
            && within(self, other)
            && within(other, self)
    }

    /// Whether one report names a whole country and the other a city, seat or venue in it
    /// ("Morocco" and "Rabat").
    fn one_place_within_the_other(&self, other: &Identity) -> bool {
        self.whole_country != other.whole_country && self.place_country().is_some() && self.place_country() == other.place_country()
    }

    /// Whether both name a city, seat or venue, and not the same one.
    pub(crate) fn in_another_city(&self, other: &Identity) -> bool {
        matches!((self.place, other.place), (Some((a, _)), Some((b, _))) if a != b && !self.whole_country && !other.whole_country)
    }

    /// Whether the two statuses can be told of one happening (see [`outcomes_agree`]).
    pub(crate) fn outcome_agrees(&self, other: &Identity) -> bool {
        outcomes_agree(self.status, other.status)
    }

    /// Whether the two statuses tell one stage of a happening: the same [`stage`](Self::stage),
    /// or an announcement and the report that it took place. A hope or a proposal that gives no
    /// day is not yet an occurrence that a report without a date can be tied to.
    pub(crate) fn stage_agrees(&self, other: &Identity) -> bool {
        use EventStatus::{Occurred, Planned};
        let (a, b) = (self.stage(), other.stage());
        a == b || matches!((a, b), (Planned, Occurred) | (Occurred, Planned))
    }

    /// The status as a stage of the happening: a proposal that gives its day (a date, or a
    /// weekday: "يزور الدوحة الثلاثاء" read as proposed) announces it as a plan does.
    fn stage(&self) -> EventStatus {
        let day_given = self.days.is_some() || self.weekday.is_some();
        if self.status == EventStatus::Proposed && day_given { EventStatus::Planned } else { self.status }
    }

    /// Whether the report tells a plan: announced or proposed.
    pub(crate) fn is_plan(&self) -> bool {
        matches!(self.status, EventStatus::Planned | EventStatus::Proposed)
    }

    /// Whether the report tells only a proposal (an invitation, a hope), not talks announced or
    /// held.
    pub(crate) fn only_proposed(&self) -> bool {
        self.status == EventStatus::Proposed
    }

    /// Whether the report tells a plan (announced or proposed) that its article dates only by
    /// its publication day, after the day `other` gives, so that it announces another occurrence
    /// ("Putin will visit Beijing" published after a visit told as held). A report that it was
    /// called off or denied may come after the day it names.
    fn announced_after(&self, other: &Identity, tolerance: i64) -> bool {
        let last = match other.when {
            When::Explicit(_, last, _) => last,
            When::Published(day, true) => day,
            _ => return false,
        };
        self.is_plan() && matches!(self.when, When::Published(day, _) if (day - last).num_days() > tolerance)
    }

    /// The days the report's date gives to the day.
    pub(crate) fn days(&self) -> Option<Span> {
        self.days
    }

    /// Whether the report gives the day of its happening: an explicit date to the day, or its
    /// publication day.
    pub(crate) fn dated_to_the_day(&self) -> bool {
        self.days.is_some() || self.published_day().is_some()
    }

    /// The publication day, when it is all that dates the report.
    pub(crate) fn published_day(&self) -> Option<NaiveDate> {
        match self.when {
            When::Published(day, _) => Some(day),
            _ => None,
        }
    }

    pub(crate) fn mode(&self) -> ConsultMode {
        self.mode
    }

    /// (Country, actor id) of the participants who are persons.
    pub(crate) fn persons(&self) -> &[(Symbol, Symbol)] {
        &self.persons
    }

    /// The place's name (else its country) and its country.
    pub(crate) fn place(&self) -> Option<(Symbol, Symbol)> {
        self.place
    }

    /// The country of the place the report names, if it gives one.
    pub(crate) fn place_country(&self) -> Option<Symbol> {
        self.place.map(|(_, country)| country).filter(|&country| country != NO_NAME)
    }

    /// Whether the report says the happening took place.
    pub(crate) fn occurred(&self) -> bool {
        self.status == EventStatus::Occurred
    }

    /// Whether both reports name the same place and the people of one include the other's.
    pub(crate) fn place_and_people_agree(&self, other: &Identity) -> bool {
        let place = matches!((self.place, other.place), (Some((a, _)), Some((b, _))) if a == b);
        let within = |a: &Identity, b: &Identity| !a.persons.is_empty() && a.persons.iter().all(|p| b.persons.contains(p));
        place && (within(self, other) || within(other, self))
    }

    /// Whether two undated reports tell the same things of a happening: the same people on the
    /// same sides (someone named), the same mode given, the same place (or a city and the whole
    /// country it is in, "Rabat" and "Morocco"; where one names none,
    /// a meeting in person has one place, and the other's is it; calls name none, and two calls
    /// of the same people a month apart would be one), one stage, and no other weekday. Only
    /// such agreement lets two undated reports be one happening, and only when nothing else
    /// stored could be it, which a place named elsewhere rules out (see `Merger::undated_twin`).
    /// A report that the happening took place, `self`, repeats a plan told before it, `other`,
    /// where the people it names are among the plan's: the plan names the host it is to meet,
    /// the report of the arrival often only the host's state ("يصل الأسد إلى طهران" after "يلتقي
    /// الأسد نجاد في طهران"). Not the other way round: a plan told after a held happening of its
    /// people may announce the next one (Macron in Beirut in August and in September 2020).
    pub(crate) fn twins(&self, other: &Identity) -> bool {
        let within = |a: &Identity, b: &Identity| a.persons.iter().all(|p| b.persons.contains(p));
        let plan_came_true = other.is_plan() && self.occurred() && within(self, other);
        let people =
            !self.persons.is_empty() && self.sides == other.sides && (within(self, other) && within(other, self) || plan_came_true);
        let place = match (self.place, other.place) {
            (Some((a, _)), Some((b, _))) => a == b || self.one_place_within_the_other(other),
            _ => self.mode != ConsultMode::Phone,
        };
        let mode = self.mode != ConsultMode::Unspecified && self.mode == other.mode;
        let weekday = self.weekday.is_none() || other.weekday.is_none() || self.weekday == other.weekday;
        people && place && mode && weekday && self.stage_agrees(other)
    }

    /// Whether the two reports tell the same people: sides enough to merge, and nobody else
    /// named for a side where both name someone for it.
    pub(crate) fn people_agree(&self, config: &MergeConfig, other: &Identity) -> bool {
        participants(config, self, other).is_ok()
    }

    /// Whether an undated report's weekday, if it gives one, can be a day of the other's: an
    /// undated "today Monday" is not the visit of a Wednesday (the same minister's next visit,
    /// months later). A date not given to the day cannot say.
    pub(crate) fn weekday_agrees(&self, other: &Identity) -> bool {
        let (Some(weekday), Some((first, last))) = (self.weekday, other.days) else { return true };
        first.iter_days().take_while(|d| *d <= last).take(7).any(|d| Symbol::of(&d.format("%A").to_string().to_lowercase()) == weekday)
    }

    /// Whether the report gives no date at all (its article had no publication date).
    pub(crate) fn is_undated(&self) -> bool {
        self.when == When::Unknown
    }

    /// The first and last month (as year × 12 + month index) the report's date covers, at most
    /// `max_months` long; `None` when it has no date.
    pub(crate) fn months(&self, max_months: i32) -> Option<(i32, i32)> {
        use chrono::Datelike;
        let month = |d: NaiveDate| d.year() * 12 + d.month0() as i32;
        match self.when {
            When::Explicit(first, last, _) => Some((month(first), month(last).min(month(first) + max_months))),
            When::Published(day, _) => Some((month(day), month(day))),
            When::Unknown => None,
        }
    }
}

/// Whether two statuses can be told of one happening: not one that it happened and one that it
/// was called off or denied.
fn outcomes_agree(a: EventStatus, b: EventStatus) -> bool {
    let ended = |s| matches!(s, EventStatus::Cancelled | EventStatus::Negated);
    !(a == EventStatus::Occurred && ended(b) || b == EventStatus::Occurred && ended(a))
}

/// The explainable outcome of comparing two reports.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    pub score: f32,
    /// The fields that agreed, in the order tested ("event_type", "date", "participants",
    /// "location", "mode", "topics").
    pub agreed: Vec<&'static str>,
    /// Why the two cannot be one event, if they cannot.
    pub veto: Option<&'static str>,
}

impl Comparison {
    /// Whether the two reports are one event under `config`.
    pub fn merges(&self, config: &MergeConfig) -> bool {
        self.veto.is_none() && self.score >= config.threshold
    }
}

/// One field's verdict: a score and the field name, nothing to say, or a veto.
type Step = Result<Option<(f32, &'static str)>, &'static str>;

/// Compares two extracted events by their identities, with the explanation.
pub fn compare(config: &MergeConfig, a: &Identity, b: &Identity) -> Comparison {
    let mut agreed = Vec::new();
    match judge(config, a, b, date, |field| agreed.push(field)) {
        Ok(score) => Comparison { score, agreed, veto: None },
        Err(veto) => Comparison { score: 0.0, agreed, veto: Some(veto) },
    }
}

/// The score of two identities, or the veto that rules their merge out: [`compare`] without
/// the explanation, for the writer's hot loop.
pub fn score(config: &MergeConfig, a: &Identity, b: &Identity) -> Result<f32, &'static str> {
    judge(config, a, b, date, |_| {})
}

/// [`score`] of a report whose days lie within the span of the stored event that `b` is a
/// report of: their dates agree as on one day.
pub(crate) fn score_within_span(config: &MergeConfig, a: &Identity, b: &Identity) -> Result<f32, &'static str> {
    judge(config, a, b, |config, _, _| Ok(Some((config.same_day, "date"))), |_| {})
}

/// A step of the comparison: one field's verdict.
type Judge = fn(&MergeConfig, &Identity, &Identity) -> Step;

/// Scores field by field, the date by `date`, telling `agreed` each field that agreed, until a
/// veto.
fn judge(config: &MergeConfig, a: &Identity, b: &Identity, date: Judge, mut agreed: impl FnMut(&'static str)) -> Result<f32, &'static str> {
    if a.event_type != b.event_type {
        return Err("event_type");
    }
    agreed("event_type");
    // The date first: it is the cheapest test and rules out most candidates.
    let steps: [Judge; 5] = [date, participants, location, mode, topics];
    let mut total = 0.0;
    for step in steps {
        if let Some((score, field)) = step(config, a, b)? {
            total += score;
            if score > 0.0 {
                agreed(field);
            }
        }
    }
    Ok(total)
}

fn participants(config: &MergeConfig, a: &Identity, b: &Identity) -> Step {
    let (sa, sb) = (&a.sides, &b.sides);
    let shared = sa.iter().filter(|s| sb.contains(s)).count();
    let single = sa.len() == 1 && sb.len() == 1;
    if shared == 0 || (!single && shared < 2) {
        return Err("participants");
    }
    // Lavrov and Shoigu are both Russia, but a meeting of one is not a meeting of the other.
    for &side in sa {
        // A handful of participants: scans, no allocation (this runs for every candidate).
        fn persons(e: &Identity, side: Symbol) -> impl Iterator<Item = Symbol> + '_ {
            e.persons.iter().filter(move |(country, _)| *country == side).map(|&(_, id)| id)
        }
        let named = |e| persons(e, side).next().is_some();
        let shares_one = persons(a, side).any(|pa| persons(b, side).any(|pb| pa == pb));
        if named(a) && named(b) && !shares_one {
            return Err("participants");
        }
    }
    if other_holders(&a.holders, &b.holders) {
        return Err("office");
    }
    if sa == sb {
        return Ok(Some((config.participants_identical, "participants")));
    }
    let union = sa.len() + sb.len() - shared;
    if (shared as f32) / (union as f32) >= config.min_participant_overlap {
        Ok(Some((config.participants_overlap, "participants")))
    } else {
        Err("participants")
    }
}

/// A person the knowledge base lists, as a report names them: their state, the office it gives
/// them ("head of government") and their actor id. Such an office has one holder at a time (a head
/// of state or of government, a foreign or defence minister, a crown prince); someone the
/// knowledge base does not list is "person/<state>/<spelling>", and their title may be one of
/// many ("وزير دولة", "مبعوث").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct Holder {
    country: Symbol,
    role: Symbol,
    person: Symbol,
}

impl Holder {
    /// The holders of offices among an event's participants.
    pub(crate) fn named_by(e: &Event) -> impl Iterator<Item = Holder> + '_ {
        e.participants.iter().filter_map(|p| {
            let listed = p.actor_id.strip_prefix("person/").is_some_and(|slug| !slug.contains('/'));
            let office = p.kind() == ActorKind::Person && listed && !p.country.is_empty() && !p.role.is_empty();
            office.then(|| Holder { country: Symbol::of(&p.country), role: Symbol::of(&p.role), person: Symbol::of(&p.actor_id) })
        })
    }

    fn of_office(self, other: &Holder) -> bool {
        self.country == other.country && self.role == other.role
    }
}

/// Whether `a` and `b` name different holders of one office of one state, and neither names the
/// other's: "رئيس الحكومة سعد الدين العثماني" and "رئيس الحكومة عزيز أخنوش" receiving the same
/// Spanish prime minister are two occurrences years apart, even where both name the king too.
/// One office has one holder at a time (with no date, a person is given the highest office they
/// held). `b` may be any holders that can be gone through again: the holders each article of a
/// stored event names, read in place.
pub(crate) fn other_holders<'h>(a: &[Holder], b: impl IntoIterator<Item = &'h Holder> + Clone) -> bool {
    a.iter().any(|held| {
        let mut theirs = b.clone().into_iter().filter(|h| h.of_office(held)).peekable();
        theirs.peek().is_some() && !theirs.any(|h| a.iter().any(|own| own.of_office(h) && own.person == h.person))
    })
}

/// What a report says about when.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum When {
    /// A date the article gave: first and last day, and whether it is one day.
    Explicit(NaiveDate, NaiveDate, bool),
    /// Only the publication day; whether the report says it happened.
    Published(NaiveDate, bool),
    Unknown,
}

fn when(e: &Event) -> When {
    let Some(d) = &e.date else { return When::Unknown };
    let Some((first, last)) = d.days() else { return When::Unknown };
    if d.from_publication {
        When::Published(first, e.status() == EventStatus::Occurred)
    } else {
        When::Explicit(first, last, d.precision() == DatePrecision::Day || first == last)
    }
}

fn date(config: &MergeConfig, a: &Identity, b: &Identity) -> Step {
    let tol = config.day_tolerance_days;
    // A plan announced after the day of the other report is of another occurrence.
    if a.announced_after(b, tol) || b.announced_after(a, tol) {
        return Err("date");
    }
    let apart = |x: NaiveDate, y: NaiveDate| (x - y).num_days().abs();
    let contained = |first: NaiveDate, last: NaiveDate| {
        if (last - first).num_days() <= 31 { config.contained_month } else { config.contained_vague }
    };
    // A report dated by its publication: how a date [first, last] relates to it.
    let published = |p: NaiveDate, occurred: bool, first: NaiveDate, last: NaiveDate| -> Step {
        if first == last && apart(p, first) <= tol {
            Ok(Some((config.same_publication_day, "date")))
        } else if first <= p && p <= last {
            Ok(Some((contained(first, last), "date")))
        } else if last <= p && (p - last).num_days() <= config.weak_window_days {
            Ok(Some((config.weak_date, "date")))
        } else if !occurred && first >= p && (first - p).num_days() <= config.planned_window_days {
            Ok(None)
        } else {
            Err("date")
        }
    };
    match (a.when, b.when) {
        (When::Unknown, _) | (_, When::Unknown) => Ok(None),
        (When::Explicit(f1, l1, day1), When::Explicit(f2, l2, day2)) => {
            if day1 && day2 {
                return if apart(f1, f2) <= tol { Ok(Some((config.same_day, "date"))) } else { Err("date") };
            }
            let overlap = f1 <= l2 + chrono::Days::new(tol as u64) && f2 <= l1 + chrono::Days::new(tol as u64);
            if !overlap {
                return Err("date");
            }
            let widest = if (l1 - f1) > (l2 - f2) { (f1, l1) } else { (f2, l2) };
            Ok(Some((contained(widest.0, widest.1), "date")))
        }
        (When::Published(p, occurred), When::Explicit(f, l, _)) | (When::Explicit(f, l, _), When::Published(p, occurred)) => {
            published(p, occurred, f, l)
        }
        (When::Published(p1, o1), When::Published(p2, o2)) => {
            if apart(p1, p2) <= tol {
                Ok(Some((config.same_publication_day, "date")))
            } else if o1 && o2 && apart(p1, p2) <= config.weak_window_days {
                Ok(Some((config.weak_date, "date")))
            } else if !(o1 && o2) && apart(p1, p2) <= config.planned_window_days {
                Ok(None)
            } else {
                Err("date")
            }
        }
    }
}

/// A location as compared: its English name, else its country.
pub(crate) fn location_name(l: &Location) -> &str {
    if l.name_en.is_empty() { &l.country } else { &l.name_en }
}

fn location(config: &MergeConfig, a: &Identity, b: &Identity) -> Step {
    match (a.place, b.place) {
        (Some((n1, _)), Some((n2, _))) if n1 == n2 => Ok(Some((config.location, "location"))),
        (Some((_, c1)), Some((_, c2))) if c1 != NO_NAME && c1 == c2 => Ok(Some((config.location_same_country, "location"))),
        (Some(_), Some(_)) => Err("location"),
        _ => Ok(None),
    }
}

fn mode(config: &MergeConfig, a: &Identity, b: &Identity) -> Step {
    let (ma, mb) = (a.mode, b.mode);
    if ma == ConsultMode::Unspecified || mb == ConsultMode::Unspecified {
        Ok(None)
    } else if ma == mb {
        Ok(Some((config.mode, "mode")))
    } else if ma == ConsultMode::Phone || mb == ConsultMode::Phone {
        Err("mode")
    } else {
        Ok(Some((config.mode_differs, "mode")))
    }
}

fn topics(config: &MergeConfig, a: &Identity, b: &Identity) -> Step {
    let shared = a.topics.iter().any(|t| b.topics.contains(t));
    Ok(shared.then_some((config.topics, "topics")))
}
