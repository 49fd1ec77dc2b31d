//! The state whose officials an article names with bare titles, where the article says so: a
//! state's news agency named in its dateline or its closing bracket ("الرياض-سانا"، "(بترا)"),
//! else the state of the city it is filed from ("ابوظبي - سورية 24"), else the state of the
//! outlet its address names (data/outlets.tsv, then the country-code domain). A national agency writes
//! its own state's officials with bare titles ("زار وزير الإعلام حمزة المصطفى ... مقر وكالة
//! الأنباء السعودية"), and so does a reporter of the officials of the city they write from
//! ("استقبل ... وكيل وزارة الداخلية بمكتبه").

use compact_str::CompactString;

use crate::kb::{Cue, State};
use crate::proto::{ConsultMode, EventType};

use super::analysis::Analysis;
use super::dateline::Dateline;
use super::events::{Draft, Place};

/// The state of the one news agency the article names as its source (after a dash or in
/// brackets), else of its dateline, else of the outlet at its address; none when it names
/// agencies of two states.
pub fn home_state(a: &Analysis<'_>, dateline: Option<&Dateline>, outlet: Option<CompactString>) -> Option<CompactString> {
    match agency_state(a) {
        Some(credited) => credited,
        None => dateline.map(|d| d.place.country.clone()).or(outlet),
    }
}

/// The state of the news agencies credited (after a dash, in brackets or after a reporting verb:
/// "وذكرت وكالة الأنباء السعودية"): none when none is,
/// `Some(None)` when agencies of two states are.
fn agency_state(a: &Analysis<'_>) -> Option<Option<CompactString>> {
    let punct_at = |k: Option<usize>, c: char| k.and_then(|k| a.tokens.get(k)).is_some_and(|t| t.is_punct(c));
    let mut found = (0..a.tokens.len()).filter_map(|k| {
        let code = a.cues_read_at(k).0.into_iter().find_map(|c| if let Cue::Agency(code) = c { Some(code) } else { None })?;
        let reported = k > 0 && a.cue(k - 1, |c| c == Cue::Report);
        let credited = reported || punct_at(k.checked_sub(1), '-') || punct_at(k.checked_sub(1), '(') || punct_at(Some(k + 1), ')');
        credited.then_some(code)
    });
    let first = found.next()?;
    Some(found.all(|c| c == first).then(|| std::str::from_utf8(&first).unwrap_or_default().into()))
}

/// Visits between the article's state (`home`) and one other, told with no place: the other
/// side came ("استقبل ... الوفد الزائر"), as a visit abroad names where it went. The place is
/// the state, no city: the article does not say which.
pub fn place_visits_at_home(events: &mut [Draft], home: &State) {
    let place = Place::state(home);
    for e in events.iter_mut().filter(|e| e.event_type == EventType::Consult && e.mode == ConsultMode::Visit && e.location.is_none()) {
        let countries = e.countries();
        if countries.len() == 2 && countries.contains(&home.code.as_str()) {
            e.location = Some(place.clone());
        }
    }
}
