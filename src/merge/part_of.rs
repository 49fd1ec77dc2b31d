//! Part-of: a happening inside a larger one. A meeting during a visit, talks on the
//! sidelines of a summit, or an agreement signed during talks, is neither another report of the visit or the summit (merging keeps
//! them apart) nor a stranger to it: the stored event it is part of is its parent, and the
//! parent lists its parts. Linking never joins two events; each keeps its own reports.
//!
//! [`is_part_of`] decides from one report of each event (and the days the larger one spans);
//! [`Links`] holds the links of the stored events and writes them into their folded states.

use rustc_hash::FxHashMap;

use super::{
    Identity,
    compare::{NO_NAME, Symbol},
    event_id, parse_event_id,
    span::Span,
};
use crate::proto::{ConsultMode, Event, EventType};

/// Whether the report `part` tells a happening within the stored event of which `whole` is a
/// report, that event spanning the days `span` (see [`Profile`](super::Profile)): a meeting
/// during a visit, a bilateral meeting on the sidelines of a summit, or an agreement signed
/// during talks.
pub fn is_part_of(part: &Identity, whole: &Identity, span: Option<Span>) -> bool {
    let within = if part.event_type() == whole.event_type() {
        during_visit(part, whole) || on_sidelines(part, whole)
    } else {
        signed_during(part, whole)
    };
    within && during(part, whole, span)
}

/// The types of the stored events a report of `event_type` may be part of: its own (a meeting
/// during a visit), and talks for an agreement (signed during them).
pub fn whole_types(event_type: i32) -> Vec<i32> {
    let (agree, consult) = (EventType::Agree as i32, EventType::Consult as i32);
    if event_type == agree { vec![agree, consult] } else { vec![event_type] }
}

/// Whether `part` is an agreement that may have been reached at the talks `whole` tells, where
/// one of the two gives no date, so that nothing but the sides, people and place ties them: as
/// [`signed_during`], and the talks not told called off. Only one stored event of talks that
/// fits so can be the whole (see `Merger::undated_whole`).
pub fn signed_at_undated(part: &Identity, whole: &Identity) -> bool {
    may_be_signed_at_undated(part, whole) && same_place(part, whole)
}

/// [`signed_at_undated`] wherever the two took place.
pub fn may_be_signed_at_undated(part: &Identity, whole: &Identity) -> bool {
    (part.is_undated() || whole.is_undated()) && at_talks_of_its_people(part, whole) && part.outcome_agrees(whole)
}

/// Whether `part` is an agreement reached at the talks `whole` tells: talks of its people
/// ([`at_talks_of_its_people`]) and the same place when both give one. Merging keeps the two
/// apart (another type); the signing is part of the talks.
fn signed_during(part: &Identity, whole: &Identity) -> bool {
    at_talks_of_its_people(part, whole) && same_place(part, whole)
}

/// Whether the two name the same place, or one names none.
fn same_place(part: &Identity, whole: &Identity) -> bool {
    match (part.place(), whole.place()) {
        (Some((a, _)), Some((b, _))) => a == b,
        _ => true,
    }
}

/// Whether `part` is an agreement of the people of the talks `whole` tells: talks in person,
/// the agreement's sides among theirs, and nobody of a side other than the people the talks
/// name for it (when both name someone).
fn at_talks_of_its_people(part: &Identity, whole: &Identity) -> bool {
    let people_agree = part.sides().iter().all(|&side| {
        let of = |e: &Identity| e.persons().iter().filter(move |(country, _)| *country == side).map(|&(_, id)| id).collect::<Vec<_>>();
        let (a, b) = (of(part), of(whole));
        a.is_empty() || b.is_empty() || a.iter().any(|p| b.contains(p))
    });
    part.event_type() == EventType::Agree as i32
        && whole.event_type() == EventType::Consult as i32
        && whole.mode() != ConsultMode::Phone
        && part.sides().len() >= 2
        && part.sides().iter().all(|side| whole.sides().contains(side))
        && people_agree
}

/// Whether the dates overlap: the part's days and the whole's span (else its own days), or,
/// when only their publication dates them, the same publication day.
fn during(part: &Identity, whole: &Identity, span: Option<Span>) -> bool {
    match (part.days(), span.or(whole.days())) {
        (Some((first, last)), Some((from, to))) => first <= to && from <= last,
        _ => part.published_day().is_some_and(|day| whole.published_day() == Some(day)),
    }
}

/// Whether `part` happened during the visit `whole` tells: `whole` is a visit to a host country
/// that names nobody of the host (the visit itself, not one of its meetings), `part` has its
/// traveller, takes place in the host country (or, with no place, has it as a side), and is not
/// itself a visit of the same sides told the same way.
fn during_visit(part: &Identity, whole: &Identity) -> bool {
    let Some(host) = journey_host(whole) else { return false };
    let traveller_comes = whole.persons().iter().any(|p| p.0 != host && part.persons().contains(p));
    let in_host = match part.place() {
        Some((_, country)) => country == host,
        None => part.sides().contains(&host),
    };
    let same_visit = part.mode() == ConsultMode::Visit && part.sides() == whole.sides() && !names_anyone_of(part, host);
    traveller_comes && in_host && !same_visit
}

/// Whether a stored event of which `whole` is a report may have parts of its own type at all:
/// it tells a visit that names nobody of the host ([`during_visit`]) or a summit
/// ([`on_sidelines`]). A meeting that names both sides' people, most reports, has none.
pub fn may_have_parts_of_its_type(whole: &Identity) -> bool {
    journey_host(whole).is_some() || whole.mode() == ConsultMode::Multilateral
}

/// The country a visit goes to, where the report tells the journey itself: it names nobody of
/// the host (else it is one of the visit's meetings).
fn journey_host(visit: &Identity) -> Option<Symbol> {
    host_country(visit).filter(|&host| !names_anyone_of(visit, host))
}

/// Whether a report names someone of `country`.
fn names_anyone_of(e: &Identity, country: Symbol) -> bool {
    e.persons().iter().any(|&(of, _)| of == country)
}

/// The country a visit goes to: its place's country, else its one side that is no traveller's.
fn host_country(visit: &Identity) -> Option<Symbol> {
    if visit.mode() != ConsultMode::Visit {
        return None;
    }
    if let Some((_, country)) = visit.place().filter(|&(_, country)| country != NO_NAME) {
        return Some(country);
    }
    let mut hosts = visit.sides().iter().filter(|side| !visit.persons().iter().any(|(country, _)| country == *side));
    let host = hosts.next().copied();
    hosts.next().is_none().then_some(host).flatten()
}

/// Whether `part` tells a meeting of two leaders on the sidelines of the summit `whole` tells
/// ([`on_sidelines`]), whatever days they give, naming someone of each of its two sides: a
/// meeting of the summit's people at its place, told as a visit or talks of their own, is a
/// part of the summit, never another report of it (Erdogan's talks with Rouhani before the
/// Tehran summit of 2018). A journey to the summit that names nobody of the host ("Shoukry
/// travels to Washington for the tripartite meeting") is no such meeting: it is the summit's
/// own report. Where both give their days, the part is linked to the summit ([`is_part_of`]).
pub fn beside_the_summit(part: &Identity, whole: &Identity) -> bool {
    on_sidelines(part, whole) && part.sides().iter().all(|&side| names_anyone_of(part, side))
}

/// Whether `part` is a bilateral meeting of two sides of the summit `whole`, at its place.
fn on_sidelines(part: &Identity, whole: &Identity) -> bool {
    let same_place = matches!((part.place(), whole.place()), (Some((a, _)), Some((b, _))) if a == b);
    whole.mode() == ConsultMode::Multilateral
        && part.mode() != ConsultMode::Multilateral
        && part.sides().len() == 2
        && part.sides().iter().all(|side| whole.sides().contains(side))
        && same_place
}

/// The part-of links between stored events, by event number.
#[derive(Default)]
pub struct Links {
    parents: FxHashMap<u64, u64>,
    /// Each event's parts, in the order they were linked.
    parts: FxHashMap<u64, Vec<u64>>,
}

impl Links {
    pub fn parent(&self, number: u64) -> Option<u64> {
        self.parents.get(&number).copied()
    }

    /// Makes `whole` the parent of `part`.
    pub fn link(&mut self, part: u64, whole: u64) {
        self.parents.insert(part, whole);
        let parts = self.parts.entry(whole).or_default();
        if !parts.contains(&part) {
            parts.push(part);
        }
    }

    /// Files the links a stored event carries (when rebuilding at start).
    pub fn file(&mut self, event: &Event) {
        let Some(number) = parse_event_id(&event.id) else { return };
        if let Some(whole) = parse_event_id(&event.parent_id) {
            self.parents.insert(number, whole);
        }
        let parts: Vec<u64> = event.part_ids.iter().filter_map(|id| parse_event_id(id)).collect();
        if !parts.is_empty() {
            self.parts.insert(number, parts);
        }
    }

    /// Moves the links of event `from` to event `into`, which absorbed it; a link between the
    /// two disappears with `from`.
    pub fn absorb(&mut self, into: u64, from: u64) {
        for part in self.parts.remove(&from).unwrap_or_default() {
            self.parents.remove(&part);
            if part != into {
                self.link(part, into);
            }
        }
        if let Some(whole) = self.parents.remove(&from) {
            if let Some(parts) = self.parts.get_mut(&whole) {
                parts.retain(|&p| p != from);
            }
            if whole != into && self.parent(into).is_none() {
                self.link(into, whole);
            }
        }
    }

    /// Writes the links of event `number` into its folded state.
    pub fn stamp(&self, number: u64, event: &mut Event) {
        event.parent_id = self.parent(number).map(event_id).unwrap_or_default();
        event.part_ids = self.parts.get(&number).into_iter().flatten().map(|&p| event_id(p)).collect();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::{ActorKind, DatePrecision, EventDate, EventType, Location, Participant};

    fn person(id: &str, country: &str) -> Participant {
        Participant { actor_id: id.into(), kind: ActorKind::Person.into(), country: country.into(), ..Default::default() }
    }

    fn state(country: &str) -> Participant {
        Participant { actor_id: format!("state/{country}"), kind: ActorKind::State.into(), country: country.into(), ..Default::default() }
    }

    fn report(mode: ConsultMode, participants: Vec<Participant>, day: &str, place: (&str, &str)) -> Identity {
        Identity::of(&Event {
            event_type: EventType::Consult.into(),
            mode: mode.into(),
            participants,
            date: Some(EventDate { start: day.into(), precision: DatePrecision::Day.into(), ..Default::default() }),
            location: Some(Location { name_en: place.0.into(), country: place.1.into(), ..Default::default() }),
            ..Default::default()
        })
    }

    fn macron() -> Participant {
        person("person/emmanuel-macron", "FRA")
    }

    fn visit(day: &str) -> Identity {
        report(ConsultMode::Visit, vec![macron(), state("MAR")], day, ("Rabat", "MAR"))
    }

    fn meeting(day: &str, host: Participant) -> Identity {
        report(ConsultMode::Visit, vec![macron(), host], day, ("Rabat", "MAR"))
    }

    fn akhannouch() -> Participant {
        person("person/aziz-akhannouch", "MAR")
    }

    #[test]
    fn a_meeting_of_the_traveller_in_the_host_country_during_the_visit_is_part_of_it() {
        assert!(is_part_of(&meeting("2024-10-28", akhannouch()), &visit("2024-10-28"), None));
        let d = |s| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let three_days = Some((d("2024-10-28"), d("2024-10-30")));
        assert!(is_part_of(&meeting("2024-10-29", akhannouch()), &visit("2024-10-28"), three_days), "a day of its span");
    }

    #[test]
    fn another_day_another_traveller_or_another_country_is_not_part_of_the_visit() {
        assert!(!is_part_of(&meeting("2024-11-05", akhannouch()), &visit("2024-10-28"), None), "another day");
        let scholz = report(ConsultMode::Visit, vec![person("person/olaf-scholz", "DEU"), akhannouch()], "2024-10-28", ("Rabat", "MAR"));
        assert!(!is_part_of(&scholz, &visit("2024-10-28"), None), "another traveller");
        let in_paris = report(ConsultMode::Visit, vec![macron(), akhannouch()], "2024-10-28", ("Paris", "FRA"));
        assert!(!is_part_of(&in_paris, &visit("2024-10-28"), None), "another country");
    }

    #[test]
    fn neither_the_visit_itself_nor_a_meeting_is_the_whole_of_a_visit_report() {
        assert!(!is_part_of(&visit("2024-10-28"), &visit("2024-10-28"), None), "the same visit told again");
        let with_the_king = meeting("2024-10-28", person("person/mohammed-vi", "MAR"));
        assert!(!is_part_of(&meeting("2024-10-28", akhannouch()), &with_the_king, None), "two meetings are siblings");
        let call = report(ConsultMode::Phone, vec![macron(), akhannouch()], "2024-10-28", ("", ""));
        assert!(!is_part_of(&visit("2024-10-28"), &call, None), "a call is no visit");
    }

    #[test]
    fn a_bilateral_meeting_at_the_place_and_days_of_a_summit_is_on_its_sidelines() {
        let sides = || vec![state("USA"), state("SAU"), state("ARE"), state("QAT")];
        let summit = report(ConsultMode::Multilateral, sides(), "2022-07-16", ("Jeddah", "SAU"));
        let bilateral = |place| report(ConsultMode::ThirdParty, vec![state("USA"), state("QAT")], "2022-07-16", (place, "SAU"));
        assert!(is_part_of(&bilateral("Jeddah"), &summit, None));
        assert!(!is_part_of(&bilateral("Riyadh"), &summit, None), "another place");
        let outsider = report(ConsultMode::ThirdParty, vec![state("USA"), state("EGY")], "2022-07-16", ("Jeddah", "SAU"));
        assert!(!is_part_of(&outsider, &summit, None), "not a side of the summit");
        assert!(!is_part_of(&summit, &summit, None), "the summit itself");
    }

    #[test]
    fn only_a_journey_or_a_summit_can_have_parts_of_its_own_type() {
        assert!(may_have_parts_of_its_type(&visit("2024-10-28")));
        let summit = report(ConsultMode::Multilateral, vec![state("USA"), state("SAU"), state("QAT")], "2022-07-16", ("Jeddah", "SAU"));
        assert!(may_have_parts_of_its_type(&summit));
        let with_the_king = meeting("2024-10-28", person("person/mohammed-vi", "MAR"));
        assert!(!may_have_parts_of_its_type(&with_the_king), "a meeting that names the host");
        assert!(!is_part_of(&meeting("2024-10-28", akhannouch()), &with_the_king, None));
        let call = report(ConsultMode::Phone, vec![macron(), akhannouch()], "2024-10-28", ("", ""));
        assert!(!may_have_parts_of_its_type(&call));
    }

    #[test]
    fn an_agreement_of_the_sides_of_talks_on_their_day_and_at_their_place_is_signed_during_them() {
        let talks = meeting("2024-10-28", akhannouch());
        let agreement = |day: &str, who: Vec<Participant>, place| {
            Identity::of(&Event {
                event_type: EventType::Agree.into(),
                participants: who,
                date: Some(EventDate { start: day.into(), precision: DatePrecision::Day.into(), ..Default::default() }),
                location: Some(Location { name_en: place, country: "MAR".into(), ..Default::default() }),
                ..Default::default()
            })
        };
        let signed = agreement("2024-10-28", vec![state("FRA"), akhannouch()], "Rabat".to_string());
        assert!(is_part_of(&signed, &talks, None));
        assert!(is_part_of(&signed, &visit("2024-10-28"), None), "signed during the visit");
        assert!(!is_part_of(&agreement("2024-11-05", vec![state("FRA"), akhannouch()], "Rabat".into()), &talks, None), "another day");
        assert!(!is_part_of(&agreement("2024-10-28", vec![state("FRA"), akhannouch()], "Casablanca".into()), &talks, None), "elsewhere");
        let minister = person("person/nasser-bourita", "MAR");
        assert!(!is_part_of(&agreement("2024-10-28", vec![state("FRA"), minister], "Rabat".into()), &talks, None), "another signatory");
        let call = report(ConsultMode::Phone, vec![macron(), akhannouch()], "2024-10-28", ("", ""));
        assert!(!is_part_of(&signed, &call, None), "no signing over the phone");
        assert!(!is_part_of(&talks, &signed, None), "talks are not part of an agreement");
    }

    #[test]
    fn links_move_to_the_event_that_absorbs_one_and_show_in_the_folded_state() {
        let mut links = Links::default();
        links.link(2, 1);
        links.link(3, 2);
        links.absorb(1, 2);
        let mut event = Event::default();
        links.stamp(1, &mut event);
        assert_eq!((event.parent_id.as_str(), &event.part_ids[..]), ("", &[event_id(3)][..]));
        links.stamp(3, &mut event);
        assert_eq!((event.parent_id, event.part_ids), (event_id(1), Vec::<String>::new()));
        let mut rebuilt = Links::default();
        rebuilt.file(&Event { id: event_id(3), parent_id: event_id(1), ..Default::default() });
        assert_eq!(rebuilt.parent(3), Some(1));
    }
}
