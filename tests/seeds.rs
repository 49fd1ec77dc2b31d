//! The five seed articles (`seeds/seeds.jsonl`, with their publication dates): the events an
//! analyst would code from them, checked field by field.

use rasad::extract::Extractor;
use rasad::proto::{Article, ConsultMode, Event, EventStatus, EventType};

fn seed_events(id: &str) -> Vec<Event> {
    let extractor = Extractor::embedded().expect("knowledge base");
    let line = include_str!("../seeds/seeds.jsonl").lines().find(|l| l.contains(&format!("\"id\": \"{id}\""))).expect("seed");
    let article: Article = serde_json::from_str(line).expect("seed line");
    extractor.extract(&article).events
}

/// The one event of `kind` between exactly these actors.
fn find<'e>(events: &'e [Event], kind: EventType, actors: &[&str]) -> &'e Event {
    let mut want: Vec<&str> = actors.to_vec();
    want.sort();
    let found: Vec<&Event> = events
        .iter()
        .filter(|e| e.event_type == kind as i32)
        .filter(|e| {
            let mut have: Vec<&str> = e.participants.iter().map(|p| p.actor_id.as_str()).collect();
            have.sort();
            have == want
        })
        .collect();
    assert!(!found.is_empty(), "no {kind:?} event between {actors:?} in {events:#?}");
    found[0]
}

fn check(e: &Event, status: EventStatus, date: Option<&str>, location: Option<&str>, mode: Option<ConsultMode>) {
    assert_eq!(e.status, status as i32, "status of {e:#?}");
    assert_eq!(e.date.as_ref().map(|d| d.start.as_str()), date, "date of {e:#?}");
    assert_eq!(e.location.as_ref().map(|l| l.name_en.as_str()), location, "location of {e:#?}");
    if let Some(mode) = mode {
        assert_eq!(e.mode, mode as i32, "mode of {e:#?}");
    }
}

const LAVROV: &str = "person/sergey-lavrov";
const POMPEO: &str = "person/mike-pompeo";
const TRUMP: &str = "person/donald-trump";
const PUTIN: &str = "person/vladimir-putin";

#[test]
fn seed_000_the_first_lavrov_pompeo_call() {
    let events = seed_events("seed-000");
    let call = find(&events, EventType::Consult, &[LAVROV, POMPEO]);
    check(call, EventStatus::Occurred, Some("2018-06-19"), None, Some(ConsultMode::Phone));
    assert!(call.evidence.len() >= 3, "the headline, the lead and later paragraphs are one call");
    let topics: Vec<&str> = call.topics.iter().map(|t| t.country.as_str()).collect();
    assert!(topics.contains(&"SYR") && topics.contains(&"PRK"), "{topics:?}");
    // "the US president" met Kim "at dawn last Tuesday".
    check(find(&events, EventType::Consult, &[TRUMP, "person/kim-jong-un"]), EventStatus::Occurred, Some("2018-06-12"), None, None);
    check(find(&events, EventType::Consult, &[TRUMP, PUTIN]), EventStatus::Planned, None, None, None);
    // Putin's visit to North Korea "next autumn".
    let visit = find(&events, EventType::Consult, &[PUTIN, "state/PRK"]);
    check(visit, EventStatus::Planned, Some("2018-09-01"), Some("North Korea"), Some(ConsultMode::Visit));
    assert_eq!(visit.date.as_ref().unwrap().end, "2018-11-30");
    assert!(events.len() <= 5, "{events:#?}");
}

#[test]
fn seed_001_sochi_talks_and_what_came_before() {
    let events = seed_events("seed-001");
    let sochi = events
        .iter()
        .find(|e| e.location.as_ref().is_some_and(|l| l.name_en == "Sochi") && e.event_type == EventType::Consult as i32)
        .unwrap();
    check(sochi, EventStatus::Occurred, Some("2019-05-14"), Some("Sochi"), Some(ConsultMode::Visit));
    check(find(&events, EventType::Agree, &[LAVROV, POMPEO]), EventStatus::Occurred, Some("2019-05-14"), Some("Sochi"), None);
    let call = events.iter().find(|e| e.mode == ConsultMode::Phone as i32).unwrap();
    check(call, EventStatus::Occurred, Some("2019-05-03"), None, None);
    let g20 = events.iter().find(|e| e.status == EventStatus::Proposed as i32).unwrap();
    check(g20, EventStatus::Proposed, Some("2019-06"), Some("Japan"), None);
    let finland = events.iter().find(|e| e.location.as_ref().is_some_and(|l| l.country == "FIN")).unwrap();
    check(finland, EventStatus::Occurred, Some("2019-05-06"), Some("Finland"), Some(ConsultMode::ThirdParty));
    assert!(events.len() <= 6, "{events:#?}");
}

#[test]
fn seed_002_washington_tomorrow_and_background_meetings() {
    let events = seed_events("seed-002");
    let washington = events.iter().find(|e| e.status == EventStatus::Planned as i32).unwrap();
    check(washington, EventStatus::Planned, Some("2019-12-10"), Some("Washington"), Some(ConsultMode::Visit));
    let paris = find(&events, EventType::Consult, &[PUTIN, "person/volodymyr-zelensky"]);
    check(paris, EventStatus::Occurred, Some("2019-12-09"), Some("Paris"), Some(ConsultMode::ThirdParty));
    let new_york = events.iter().find(|e| e.location.as_ref().is_some_and(|l| l.name_en == "New York")).unwrap();
    check(new_york, EventStatus::Occurred, Some("2019-09"), Some("New York"), None);
    let white_house = events.iter().find(|e| e.date.as_ref().is_some_and(|d| d.start.starts_with("2017"))).unwrap();
    assert!(white_house.participants.iter().any(|p| p.actor_id == TRUMP) && white_house.participants.iter().any(|p| p.actor_id == LAVROV));
}

#[test]
fn seed_003_teams_summits_and_riyadh() {
    let events = seed_events("seed-003");
    let this_week = find(&events, EventType::Consult, &["state/RUS", "state/USA"]);
    check(this_week, EventStatus::Planned, Some("2025-02-23"), None, None);
    let riyadh = events
        .iter()
        .find(|e| e.event_type == EventType::Consult as i32 && e.location.as_ref().is_some_and(|l| l.name_en == "Riyadh"))
        .unwrap();
    check(riyadh, EventStatus::Occurred, Some("2025-02-18"), Some("Riyadh"), None);
    check(find(&events, EventType::Agree, &["state/RUS", "state/USA"]), EventStatus::Occurred, Some("2025-02-18"), Some("Riyadh"), None);
    let talks = events.iter().find(|e| e.date.as_ref().is_some_and(|d| d.start == "2025-02-12")).unwrap();
    assert_eq!(talks.status, EventStatus::Occurred as i32);
    assert!(events.iter().any(|e| e.status == EventStatus::Planned as i32 && e.participants.iter().any(|p| p.actor_id == TRUMP)));
}

#[test]
fn seed_004_lavrov_tillerson_in_two_spellings_and_the_ambassadors() {
    let events = seed_events("seed-004");
    check(find(&events, EventType::Consult, &[LAVROV, "person/rex-tillerson"]), EventStatus::Planned, None, None, None);
    let ambassadors = find(&events, EventType::Consult, &["person/anatoly-antonov", "person/jon-huntsman"]);
    assert_eq!(ambassadors.status, EventStatus::Occurred as i32);
    let roles: Vec<&str> = ambassadors.participants.iter().map(|p| p.role.as_str()).collect();
    assert_eq!(roles, ["ambassador", "ambassador"]);
}
