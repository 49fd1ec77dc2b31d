//! Envoys meet where they serve: talks between a state's ambassadors, chargés d'affaires or
//! consuls and the people of one other state, told with no place ("استقبل وزير الصحة السفير
//! الصيني", "قدم سفير النرويج أوراق اعتماده"), took place in that other state. The place is the
//! state, no city: the article does not say which.

use crate::kb::Kb;
use crate::proto::{ConsultMode, EventType};

use super::events::{Draft, Place, Side};

/// Places in the host state the in-person events of one state's envoys with one other state's
/// people that name no place.
pub fn place_meetings_with_envoys(events: &mut [Draft], kb: &Kb) {
    let in_person = |e: &Draft| matches!(e.event_type, EventType::Consult | EventType::Agree) && e.mode != ConsultMode::Phone;
    for e in events.iter_mut().filter(|e| e.location.is_none() && in_person(e)) {
        let Some(host) = host_of_envoys(&e.sides).and_then(|code| kb.state(code)) else { continue };
        e.location = Some(Place::state(host));
    }
}

/// The state the envoys among `sides` serve in: the sides are of two states, every side of one
/// is an envoy of it and no side of the other is.
fn host_of_envoys(sides: &[Side]) -> Option<&str> {
    let first = sides.first()?;
    let other = sides.iter().find(|s| s.country != first.country)?;
    if sides.iter().any(|s| s.country.is_empty() || s.country != first.country && s.country != other.country) {
        return None;
    }
    let all_envoys = |code: &str| sides.iter().filter(|s| s.country == code).all(Side::is_envoy);
    let no_envoy = |code: &str| !sides.iter().filter(|s| s.country == code).any(Side::is_envoy);
    if all_envoys(&first.country) && no_envoy(&other.country) {
        Some(other.country.as_str())
    } else if all_envoys(&other.country) && no_envoy(&first.country) {
        Some(first.country.as_str())
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use compact_str::CompactString;

    use super::*;
    use crate::extract::events::Who;

    fn titled(country: &str, role: &str) -> Side {
        Side { country: country.into(), who: Who::State { role: role.into(), name_ar: CompactString::default() } }
    }

    #[test]
    fn the_host_is_the_state_whose_people_receive_the_envoys() {
        let sides = [titled("MRT", "foreign minister"), titled("CHN", "ambassador")];
        assert_eq!(host_of_envoys(&sides), Some("MRT"));
        let sides = [titled("IRQ", "chargé d'affaires"), titled("JOR", "prime minister"), Side::state("JOR".into())];
        assert_eq!(host_of_envoys(&sides), Some("JOR"));
    }

    #[test]
    fn no_host_when_envoys_are_on_both_sides_or_beside_their_ministers() {
        assert_eq!(host_of_envoys(&[titled("EGY", "ambassador"), titled("USA", "ambassador")]), None);
        let sides = [titled("EGY", "foreign minister"), titled("EGY", "ambassador"), titled("USA", "secretary of state")];
        assert_eq!(host_of_envoys(&sides), None);
        assert_eq!(host_of_envoys(&[titled("EGY", "ambassador"), titled("EGY", "foreign minister")]), None);
        let three = [titled("EGY", "ambassador"), titled("USA", "president"), titled("FRA", "president")];
        assert_eq!(host_of_envoys(&three), None);
    }
}
