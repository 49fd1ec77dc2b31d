//! A stored event as a PLOVER record: the field names and values of the PLOVER JSON table
//! ("Data Fields" chapter of the PLOVER manual, openeventdata/PLOVER), so that tools written
//! for PLOVER/POLECAT data read Rasad's events as they are.
//!
//! What Rasad knows that PLOVER has no field for travels in extra fields, which the manual
//! allows ("Providers should feel free to include named fields beyond those provided here"):
//! `cameo_code`, `status`, `date_precision`, `topics`, `confidence`, `num_articles`,
//! `num_sources`, `article_ids`, and each entity's `cameo_code`.

use serde::{Deserialize, Serialize};

use crate::proto::{ActorKind, ConsultMode, DatePrecision, Event, EventStatus, EventType, Participant};

/// One PLOVER event record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PloverRecord {
    /// The stored event's id ("ev-1").
    pub id: String,
    /// First day (YYYY-MM-DD); `None` for an undated event.
    pub date: Option<String>,
    /// Last day, when the date spans more than one day (a month, a year, a range).
    pub enddate: Option<String>,
    /// Every side of the event. Rasad does not record who initiated a contact, so all sides
    /// are actors: the manual's rule for reciprocal events such as meetings and agreements.
    pub actor: Vec<Entity>,
    /// Always empty (see `actor`); present so that every PLOVER field is there.
    pub recipient: Vec<Entity>,
    /// The PLOVER event category ("CONSULT").
    pub event: Vec<String>,
    pub event_loc: Option<EventLocation>,
    /// The evidence sentences, in Arabic, as the articles wrote them.
    pub event_text: Vec<String>,
    /// 1 verbal cooperation, 2 material cooperation, 3 verbal conflict, 4 material conflict.
    pub quad_code: Option<u8>,
    /// The PLOVER mode ("visit", "phone", "third-party", "multilateral").
    pub mode: Vec<String>,
    /// PLOVER's auxiliary mode of the status ("future", "hypothetical", "negation").
    pub context: Vec<String>,
    /// The system that coded the record ("rasad 0.1.0").
    pub coder: String,
    /// CAMEO event code ("036").
    pub cameo_code: String,
    /// Rasad's status, lower case ("occurred", "planned", "proposed", "negated", "cancelled").
    pub status: String,
    /// "day", "month", "year" or "range"; empty when undated.
    pub date_precision: String,
    /// English names of the countries or issues discussed.
    pub topics: Vec<String>,
    pub confidence: f32,
    /// Articles and distinct outlets that reported the event.
    pub num_articles: u32,
    pub num_sources: u32,
    /// The first articles (at most 8) that reported it.
    pub article_ids: Vec<String>,
}

/// A PLOVER entity object (actor or recipient).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entity {
    /// ISO 3166-1 alpha-3 of a state or a person's state; PLOVER's UNO, EUR or IGO/NGO for an
    /// international organisation.
    pub code: String,
    /// PLOVER sector ("GOV" for officials); empty when none applies.
    pub sector: String,
    /// The name as the article wrote it (Arabic).
    pub entity_text: String,
    /// Rasad's knowledge-base id ("person/sergey-lavrov").
    pub identifier_id: String,
    /// The English name ("Sergey Lavrov").
    pub identifier_text: String,
    /// The office held on the event's date ("foreign minister").
    pub office: String,
    /// CAMEO actor code ("RUSGOV", "IGOUNO").
    pub cameo_code: String,
}

/// A PLOVER location object.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventLocation {
    /// The place as the article wrote it (Arabic).
    pub extracted_place: String,
    /// Its English name.
    pub resolved_place: String,
    /// ISO 3166-1 alpha-3.
    pub country_code: String,
}

/// Who coded the records.
const CODER: &str = concat!("rasad ", env!("CARGO_PKG_VERSION"));

impl PloverRecord {
    pub fn from_event(e: &Event) -> PloverRecord {
        let days = e.date.as_ref().and_then(|d| d.days());
        let category = plover_category(e.event_type());
        PloverRecord {
            id: e.id.clone(),
            date: days.map(|(first, _)| first.to_string()),
            enddate: days.filter(|(first, last)| first != last).map(|(_, last)| last.to_string()),
            actor: e.participants.iter().map(Entity::from_participant).collect(),
            recipient: Vec::new(),
            event: category.map(|(name, _)| name.to_owned()).into_iter().collect(),
            event_loc: e.location.as_ref().map(|l| EventLocation {
                extracted_place: l.name_ar.clone(),
                resolved_place: l.name_en.clone(),
                country_code: l.country.clone(),
            }),
            event_text: e.evidence.iter().map(|ev| ev.sentence.clone()).collect(),
            quad_code: category.map(|(_, quad)| quad),
            mode: plover_mode(e.mode()).map(str::to_owned).into_iter().collect(),
            context: auxiliary_mode(e.status()).map(str::to_owned).into_iter().collect(),
            coder: CODER.to_owned(),
            cameo_code: e.cameo_code.clone(),
            status: lower_name(e.status().as_str_name(), "EVENT_STATUS_"),
            date_precision: match e.date.as_ref().map(|d| d.precision()) {
                None | Some(DatePrecision::Unspecified) => String::new(),
                Some(p) => lower_name(p.as_str_name(), "DATE_PRECISION_"),
            },
            topics: e.topics.iter().map(|t| t.name_en.clone()).collect(),
            confidence: e.confidence,
            num_articles: e.num_articles,
            num_sources: e.num_sources,
            article_ids: e.article_ids.clone(),
        }
    }
}

impl Entity {
    fn from_participant(p: &Participant) -> Entity {
        let (code, sector) = match p.kind() {
            ActorKind::Organisation => (organisation_code(&p.actor_code), ""),
            _ => (p.country.as_str(), p.actor_code.strip_prefix(p.country.as_str()).unwrap_or_default()),
        };
        Entity {
            code: code.to_owned(),
            sector: sector.to_owned(),
            entity_text: p.name_ar.clone(),
            identifier_id: p.actor_id.clone(),
            identifier_text: p.name_en.clone(),
            office: p.role.clone(),
            cameo_code: p.actor_code.clone(),
        }
    }
}

/// `name` without `prefix`, in lower case ("EVENT_STATUS_PLANNED" → "planned").
fn lower_name(name: &str, prefix: &str) -> String {
    name.strip_prefix(prefix).unwrap_or(name).to_ascii_lowercase()
}

/// The PLOVER category of an event type and its quad code.
fn plover_category(t: EventType) -> Option<(&'static str, u8)> {
    let quad = match t {
        EventType::Unspecified => return None,
        EventType::Agree | EventType::Consult | EventType::Support | EventType::Concede => 1,
        EventType::Cooperate | EventType::Aid | EventType::Retreat => 2,
        EventType::Request | EventType::Accuse | EventType::Reject | EventType::Threaten => 3,
        EventType::Protest | EventType::Sanction | EventType::Mobilize | EventType::Coerce | EventType::Assault => 4,
    };
    Some((t.as_str_name().strip_prefix("EVENT_TYPE_").unwrap_or_default(), quad))
}

/// The PLOVER CONSULT mode.
fn plover_mode(m: ConsultMode) -> Option<&'static str> {
    match m {
        ConsultMode::Unspecified => None,
        ConsultMode::Phone => Some("phone"),
        ConsultMode::Visit => Some("visit"),
        ConsultMode::ThirdParty => Some("third-party"),
        ConsultMode::Multilateral => Some("multilateral"),
    }
}

/// PLOVER's auxiliary mode for a status (the manual puts it in `context`): a plan is
/// "future", a proposal "hypothetical", a denied or called-off event a "negation".
fn auxiliary_mode(s: EventStatus) -> Option<&'static str> {
    match s {
        EventStatus::Unspecified | EventStatus::Occurred => None,
        EventStatus::Planned => Some("future"),
        EventStatus::Proposed => Some("hypothetical"),
        EventStatus::Negated | EventStatus::Cancelled => Some("negation"),
    }
}

/// PLOVER's code for an international organisation, from its CAMEO code: the UN and the EU
/// have their own (UNO, EUR), non-governmental bodies are NGO, the others IGO.
fn organisation_code(cameo: &str) -> &'static str {
    match cameo.get(..6) {
        Some("IGOUNO") => "UNO",
        Some("IGOEUR") => "EUR",
        _ if cameo.starts_with("NGO") => "NGO",
        _ => "IGO",
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::proto::{EventDate, Evidence, Location, Topic};

    /// The Lavrov–Pompeo event of the README's grpcurl session, as stored.
    pub(crate) fn lavrov_pompeo() -> Event {
        let person = |id: &str, en: &str, ar: &str, country: &str, role: &str| Participant {
            actor_id: format!("person/{id}"),
            kind: ActorKind::Person.into(),
            name_en: en.into(),
            name_ar: ar.into(),
            country: country.into(),
            role: role.into(),
            actor_code: format!("{country}GOV"),
        };
        Event {
            id: "ev-4".into(),
            event_type: EventType::Consult.into(),
            cameo_code: "036".into(),
            mode: ConsultMode::Visit.into(),
            status: EventStatus::Planned.into(),
            participants: vec![
                person("sergey-lavrov", "Sergey Lavrov", "سيرغي لافروف", "RUS", "foreign minister"),
                person("mike-pompeo", "Mike Pompeo", "مايك بومبو", "USA", "secretary of state"),
            ],
            date: Some(EventDate { start: "2019-12-10".into(), precision: DatePrecision::Day.into(), ..Default::default() }),
            location: Some(Location {
                name_en: "Washington".into(),
                name_ar: "واشنطن".into(),
                country: "USA".into(),
                ..Default::default()
            }),
            topics: vec![Topic { name_en: "Syria".into(), name_ar: "سوريا".into(), country: "SYR".into() }],
            evidence: vec![Evidence {
                sentence: "سيبحث لافروف مع بومبو في واشنطن".into(), start: 0, end: 31, trigger: "سيبحث".into()
            }],
            confidence: 0.95,
            article_ids: vec!["demo-1".into(), "demo-2".into()],
            num_articles: 2,
            num_sources: 1,
            ..Default::default()
        }
    }

    #[test]
    fn a_planned_visit_maps_to_plover_values() {
        let r = PloverRecord::from_event(&lavrov_pompeo());
        assert_eq!((r.date.as_deref(), r.enddate.as_deref()), (Some("2019-12-10"), None));
        assert_eq!(r.event, ["CONSULT"]);
        assert_eq!(r.quad_code, Some(1));
        assert_eq!(r.mode, ["visit"]);
        assert_eq!(r.context, ["future"]);
        assert_eq!((r.status.as_str(), r.date_precision.as_str()), ("planned", "day"));
        let lavrov = &r.actor[0];
        assert_eq!((lavrov.code.as_str(), lavrov.sector.as_str(), lavrov.cameo_code.as_str()), ("RUS", "GOV", "RUSGOV"));
        assert_eq!((lavrov.entity_text.as_str(), lavrov.identifier_text.as_str()), ("سيرغي لافروف", "Sergey Lavrov"));
        assert_eq!(lavrov.office, "foreign minister");
        assert!(r.recipient.is_empty());
        let place = r.event_loc.as_ref().expect("a location");
        assert_eq!((place.resolved_place.as_str(), place.country_code.as_str()), ("Washington", "USA"));
        assert_eq!(r.topics, ["Syria"]);
        assert_eq!((r.num_articles, r.num_sources, r.article_ids.len()), (2, 1, 2));
    }

    #[test]
    fn a_month_spans_its_days_and_an_undated_event_has_no_date() {
        let mut e = lavrov_pompeo();
        e.date = Some(EventDate { start: "2020-02".into(), precision: DatePrecision::Month.into(), ..Default::default() });
        let r = PloverRecord::from_event(&e);
        assert_eq!((r.date.as_deref(), r.enddate.as_deref(), r.date_precision.as_str()), (Some("2020-02-01"), Some("2020-02-29"), "month"));
        e.date = None;
        let r = PloverRecord::from_event(&e);
        assert_eq!((r.date, r.enddate, r.date_precision.as_str()), (None, None, ""));
    }

    #[test]
    fn quad_codes_follow_the_manuals_categories() {
        let quad = |t| plover_category(t).map(|(_, q)| q);
        assert_eq!(quad(EventType::Agree), Some(1));
        assert_eq!(quad(EventType::Aid), Some(2));
        assert_eq!(quad(EventType::Threaten), Some(3));
        assert_eq!(quad(EventType::Assault), Some(4));
        assert_eq!(plover_category(EventType::Unspecified), None);
    }

    #[test]
    fn organisations_and_states_get_plover_codes() {
        let org = |cameo: &str| Participant { kind: ActorKind::Organisation.into(), actor_code: cameo.into(), ..Default::default() };
        let codes: Vec<_> =
            ["IGOUNOKID", "IGOEUREEC", "NGOHLHIRC", "IGOMEAARL", ""].map(|c| Entity::from_participant(&org(c)).code).to_vec();
        assert_eq!(codes, ["UNO", "EUR", "NGO", "IGO", "IGO"]);
        let state = Participant { kind: ActorKind::State.into(), country: "EGY".into(), actor_code: "EGY".into(), ..Default::default() };
        let e = Entity::from_participant(&state);
        assert_eq!((e.code.as_str(), e.sector.as_str()), ("EGY", ""));
    }

    #[test]
    fn statuses_become_auxiliary_modes() {
        assert_eq!(auxiliary_mode(EventStatus::Occurred), None);
        assert_eq!(auxiliary_mode(EventStatus::Proposed), Some("hypothetical"));
        assert_eq!(auxiliary_mode(EventStatus::Cancelled), Some("negation"));
    }
}
