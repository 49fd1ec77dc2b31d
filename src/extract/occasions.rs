//! The events of one occasion lend each other what one report left out: a meeting held during
//! a visit takes the visit's date and place, an agreement reached in talks the talks', and
//! talks told without a place take the place where the same states' other events of those
//! days were held ("التقى X في القاهرة ... وفي وقت لاحق اليوم عقد مباحثات مع نظيره"), and
//! a state told with no one for it is the one person who speaks for it in the article.

use chrono::NaiveDate;
use rustc_hash::FxHashMap;

use crate::proto::{ConsultMode, EventStatus, EventType};

use super::dates::{DateValue, Precision};
use super::dedupe::{dates_agree, states_of};
use super::events::{Draft, Place, Who, count_people};

/// A meeting held "during the visit" takes the date and place of the last visit reported
/// before it that shares one of its sides, and is itself part of that visit.
pub fn date_and_place_meetings_during_visits(events: &mut [Draft]) {
    for k in 0..events.len() {
        if !events[k].during_visit || events[k].event_type != EventType::Consult {
            continue;
        }
        let (before, rest) = events.split_at_mut(k);
        let e = &mut rest[0];
        let countries = e.countries();
        let Some(visit) = before.iter().rev().find(|v| v.mode == ConsultMode::Visit && v.countries().iter().any(|c| countries.contains(c)))
        else {
            continue;
        };
        if !e.date_explicit {
            e.date = visit.date;
            e.date_explicit = visit.date_explicit;
        }
        if e.location.is_none() {
            e.location = visit.location.clone();
        }
        if e.mode == ConsultMode::Unspecified {
            e.mode = ConsultMode::Visit;
        }
    }
}

/// Agreements reached in talks take the talks' date and place: the talks between the same
/// sides on the agreement's day (its own date or the publication date), else the only such
/// talks.
pub fn date_and_place_agreements(events: &mut [Draft], published: Option<NaiveDate>) {
    let consults: Vec<Draft> =
        events.iter().filter(|e| e.event_type == EventType::Consult && e.status == EventStatus::Occurred).cloned().collect();
    for e in events.iter_mut().filter(|e| e.event_type == EventType::Agree) {
        let day = e.date.map(|d| d.start).or(published);
        // Undated talks count for an undated agreement (an article with no dateline).
        let same_sides: Vec<&Draft> =
            consults.iter().filter(|c| c.countries() == e.countries() && (c.date_explicit || !e.date_explicit)).collect();
        let on_day: Vec<&Draft> = same_sides
            .iter()
            .copied()
            .filter(|c| day.is_some_and(|d| c.date.is_some_and(|cd| cd.span().0 <= d && d <= cd.span().1)))
            .collect();
        let at_place: Vec<&Draft> = match &e.location {
            Some(l) => same_sides.iter().copied().filter(|c| c.location.as_ref().is_some_and(|cl| cl.name_en == l.name_en)).collect(),
            None => Vec::new(),
        };
        let talks = [at_place, on_day, same_sides].into_iter().find(|t| t.len() == 1);
        if let Some([c]) = talks.as_deref() {
            if !e.date_explicit {
                // Talks over several days ("بين 6 و10 مارس") that include the agreement's day
                // ended in it on that day.
                e.date = match (c.date, day) {
                    (Some(cd), Some(d)) if cd.precision != Precision::Day && cd.span().0 <= d && d <= cd.span().1 => {
                        Some(DateValue::day(d))
                    }
                    _ => c.date,
                };
                e.date_explicit = true;
            }
            if e.location.as_ref().is_none_or(|l| !l.specific) && c.location.is_some() {
                e.location = c.location.clone();
            }
        }
    }
}

/// The place a held event of one occasion takes from the others: the held events of its
/// states (`group`) on days that agree, none a phone call, that were given a place. They must
/// agree on the state; a city or venue is taken only where they name one alone.
fn place_of_the_occasion(events: &[Draft], group: &[usize], k: usize, published: Option<NaiveDate>) -> Option<(Place, bool)> {
    let e = &events[k];
    let others: Vec<&Draft> = group
        .iter()
        .filter(|&&j| j != k)
        .map(|&j| &events[j])
        .filter(|o| o.mode != ConsultMode::Phone && o.location.is_some() && dates_agree(o, e, published))
        .collect();
    let first = others.first()?.location.as_ref()?;
    if others.iter().any(|o| o.location.as_ref().is_some_and(|l| l.country != first.country)) {
        return None;
    }
    let mut specific = others.iter().filter_map(|o| o.location.as_ref().filter(|l| l.specific));
    let place = match specific.next() {
        Some(city) if specific.all(|l| l.name_en == city.name_en) => city,
        Some(_) => others.iter().find_map(|o| o.location.as_ref().filter(|l| !l.specific))?,
        None => first,
    };
    let visit = others.iter().any(|o| o.mode == ConsultMode::Visit && o.location.as_ref() == Some(place));
    Some((place.clone(), visit))
}

/// Held events told with no place (or only a state) take the place of their occasion
/// ([`place_of_the_occasion`]); talks with no mode held where a visit between the same states
/// was are part of that visit. A plan's place is what its own report says: plans of a week or
/// a month agree in date with much that is held elsewhere. Events are compared only with
/// those of their states, as in `one_per_happening`.
pub fn place_events_of_one_occasion(events: &mut [Draft], published: Option<NaiveDate>) {
    let mut by_states: FxHashMap<Vec<String>, Vec<usize>> = FxHashMap::default();
    for (k, e) in events.iter().enumerate().filter(|(_, e)| e.status == EventStatus::Occurred) {
        by_states.entry(states_of(e)).or_default().push(k);
    }
    for group in by_states.values() {
        for &k in group {
            let e = &events[k];
            if e.mode == ConsultMode::Phone || e.location.as_ref().is_some_and(|l| l.specific) {
                continue;
            }
            let Some((place, visit)) = place_of_the_occasion(events, group, k, published) else {
                continue;
            };
            let e = &mut events[k];
            if e.location.as_ref().is_some_and(|l| l.country != place.country) {
                continue;
            }
            e.location = Some(place);
            if visit && e.event_type == EventType::Consult && e.mode == ConsultMode::Unspecified {
                e.mode = ConsultMode::Visit;
            }
        }
    }
}

/// The one person who acts for `country` in the article's events of the days of event `k`
/// (not `k` itself): a person the knowledge base knows, or one the article names; none when
/// two do.
fn one_person_of(events: &[Draft], k: usize, country: &str, published: Option<NaiveDate>) -> Option<Who> {
    let mut found: Option<&Who> = None;
    // Both dated to days that agree, or neither dated: a plan of no date ("a summit in Riyadh")
    // is not the teams' meeting of the day.
    let of_those_days =
        |&(j, e): &(usize, &Draft)| j != k && e.date_explicit == events[k].date_explicit && dates_agree(e, &events[k], published);
    for side in events.iter().enumerate().filter(of_those_days).flat_map(|(_, e)| &e.sides) {
        let named = match &side.who {
            Who::Person { .. } => true,
            Who::State { name_ar, .. } => !name_ar.is_empty(),
            Who::Organisation { .. } => false,
        };
        if !named || side.country != country {
            continue;
        }
        match found {
            Some(who) if !same_person(who, &side.who) => return None,
            _ => found = Some(&side.who),
        }
    }
    found.cloned()
}

fn same_person(a: &Who, b: &Who) -> bool {
    match (a, b) {
        (Who::Person { person: x, .. }, Who::Person { person: y, .. }) => x == y,
        (Who::State { name_ar: x, .. }, Who::State { name_ar: y, .. }) => x == y,
        _ => false,
    }
}

/// "اتفقت الصين والسعودية" after "التقى وزير الخارجية الصيني وانغ يي نظيره السعودي": a side told
/// only as its state (no title, no name) is the one person who acts for that state in the
/// article's other events of those days. Where two people of the state act, the side stays
/// the state; a background visit of years ago takes no one from the day's news.
pub fn name_states_by_their_people(events: &mut [Draft], published: Option<NaiveDate>) {
    for k in 0..events.len() {
        for s in 0..events[k].sides.len() {
            let side = &events[k].sides[s];
            let bare = matches!(&side.who, Who::State { role, name_ar } if role.is_empty() && name_ar.is_empty());
            let of_state_already_named = events[k].sides.iter().any(|o| o.country == side.country && o.is_someone());
            if !bare || of_state_already_named {
                continue;
            }
            if let Some(who) = one_person_of(events, k, &side.country, published) {
                events[k].sides[s].who = who;
            }
        }
        events[k].named_people = count_people(&events[k].sides);
    }
}
