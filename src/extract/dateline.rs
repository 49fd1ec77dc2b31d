//! The dateline: the city a report is filed from, written at the start of its first
//! paragraph ("دمشق-سانا"، "بغداد 27 حزيران (بترا)-"، "الجزائر - استقبل"، "الرياض (رويترز) -").
//!
//! A visit told with no place of its own ("استقبل الرئيس ... وفداً") took place where the report
//! was filed when that city is in the host's country: the dateline is its location.

use chrono::NaiveDate;

use crate::kb::{Entity, Kb, PlaceKind};
use crate::proto::{ConsultMode, EventStatus, EventType};
use crate::text::TokenKind;

use super::analysis::Analysis;
use super::dedupe::RECENT_DAYS;
use super::events::{Draft, Place};

/// The dateline is looked for at the start of the article's first lines (the headline, the
/// dateline line, the lead).
const DATELINE_LINES: usize = 3;

/// Where a report is filed from.
#[derive(Debug, Clone)]
pub struct Dateline {
    pub place: Place,
    /// The place is its country's capital.
    pub capital: bool,
}

/// The city the article is filed from, if a line near its start opens with one followed by
/// a dash, a date, an agency in brackets or a comma (not a colon: "موسكو: اجتماع ..." is a
/// headline saying what Moscow says). A state there ("الكويت - كونا") stands
/// for its capital.
pub fn dateline(kb: &Kb, a: &Analysis<'_>) -> Option<Dateline> {
    let line_starts = std::iter::once(0).chain((0..a.tokens.len()).filter(|&k| a.tokens[k].is_punct('\n')).map(|k| k + 1));
    line_starts.filter(|&i| a.is_word(i)).take(DATELINE_LINES).find_map(|i| {
        let m = kb.entity_at(|k| a.keys(k), i)?;
        let next = a.tokens.get(i + m.len)?;
        if next.kind != TokenKind::Number && ![',', '-', '(', '/'].iter().any(|&c| next.is_punct(c)) {
            return None;
        }
        let place = m.entities.iter().find_map(|e| match e {
            Entity::Place(p) => {
                Some(&kb.places[*p as usize]).filter(|p| matches!(p.kind, PlaceKind::Capital | PlaceKind::City | PlaceKind::Venue))
            }
            Entity::State(s) => kb.capital(&kb.states[*s as usize].code).map(|p| &kb.places[p as usize]),
            _ => None,
        })?;
        Some(Dateline { place: Place::specific(place), capital: place.kind == PlaceKind::Capital })
    })
}

/// Places at the dateline the events that name no city of their own but took place in its
/// country:
/// - visits to its country (no location, or only the country's);
/// - talks between its country and one other that took place in person (not by phone) around
///   the day the article is published ("استقبل ... اليوم"): the other side came, so they are a
///   visit.
///
/// A visit long before publication is placed there only when the dateline is the capital (a
/// state visit goes to the capital; a reporter in Jeddah writes of this week's visit there).
pub fn place_at_dateline(events: &mut [Draft], dateline: &Dateline, published: Option<NaiveDate>) {
    let Dateline { place, capital } = dateline;
    for e in events.iter_mut().filter(|e| e.event_type == EventType::Consult) {
        let unplaced = e.location.as_ref().is_none_or(|l| !l.specific && l.country == place.country);
        let countries = e.countries();
        if !unplaced || !countries.contains(&place.country.as_str()) {
            continue;
        }
        let recent = match (e.date, published) {
            (Some(d), Some(p)) => d.span().1 >= p - chrono::Duration::days(RECENT_DAYS) && d.span().0 <= p + chrono::Duration::days(1),
            (None, _) => true,
            (Some(_), None) => false,
        };
        let visit = e.mode == ConsultMode::Visit && (recent || *capital);
        let talks_here = e.mode == ConsultMode::Unspecified && countries.len() == 2 && recent && e.status == EventStatus::Occurred;
        if visit || talks_here {
            e.location = Some(place.clone());
            e.mode = ConsultMode::Visit;
        }
    }
}
