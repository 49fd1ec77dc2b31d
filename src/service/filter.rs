//! Which events a subscriber or a listing wants: the validated form of `EventFilter`, the
//! changed fields a subscriber watches, and the date range of `ListEvents` (with the filter, an
//! [`EventQuery`], which `rasad export` applies to an embedded store the same way).

use chrono::NaiveDate;
use tonic::Status;

use super::countries::is_country;
use crate::{
    merge::{TRACKED_FIELDS, field_bits},
    proto::{Event, EventDate, EventFilter, EventStatus, EventType, UpdateKind},
    store::UpdateHead,
};

/// A validated `EventFilter`. Empty lists match everything.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    countries: Vec<String>,
    actor_ids: Vec<String>,
    event_types: Vec<i32>,
    statuses: Vec<i32>,
}

impl Filter {
    /// Validates `filter` (absent = match everything); country codes may be any case, and one
    /// that is no country's is refused.
    #[allow(clippy::result_large_err)]
    pub fn parse(filter: Option<EventFilter>) -> Result<Filter, Status> {
        let f = filter.unwrap_or_default();
        let countries = f
            .countries
            .iter()
            .map(|c| {
                let code = c.trim().to_ascii_uppercase();
                if is_country(&code) {
                    Ok(code)
                } else {
                    Err(Status::invalid_argument(format!(
                        "filter.countries: {c:?} is not an ISO 3166-1 alpha-3 country code such as \"RUS\""
                    )))
                }
            })
            .collect::<Result<_, _>>()?;
        for &t in &f.event_types {
            if !matches!(EventType::try_from(t), Ok(t) if t != EventType::Unspecified) {
                return Err(Status::invalid_argument(format!(
                    "filter.event_types: {t} is not an event type; use EVENT_TYPE_CONSULT and the like"
                )));
            }
        }
        for &s in &f.statuses {
            if !matches!(EventStatus::try_from(s), Ok(s) if s != EventStatus::Unspecified) {
                return Err(Status::invalid_argument(format!(
                    "filter.statuses: {s} is not a status; use EVENT_STATUS_OCCURRED and the like"
                )));
            }
        }
        Ok(Filter { countries, actor_ids: f.actor_ids, event_types: f.event_types, statuses: f.statuses })
    }

    pub fn matches(&self, e: &Event) -> bool {
        let participants = || e.participants.iter().map(|p| (p.country.as_str(), p.actor_id.as_str()));
        self.matches_parts(e.event_type, e.status, participants)
    }

    /// Whether the event of an update matches, from the update's head.
    pub fn matches_head(&self, head: &UpdateHead) -> bool {
        let participants = || head.participants.iter().map(|(country, actor)| (country.as_str(), actor.as_str()));
        self.matches_parts(head.event_type, head.status, participants)
    }

    /// `participants` gives the (country, actor id) of each participant.
    fn matches_parts<'e, P: Iterator<Item = (&'e str, &'e str)>>(
        &self,
        event_type: i32,
        status: i32,
        participants: impl Fn() -> P,
    ) -> bool {
        let any = |wanted: &[String], pick: fn((&'e str, &'e str)) -> &'e str| {
            wanted.is_empty() || participants().any(|p| wanted.iter().any(|w| w == pick(p)))
        };
        any(&self.countries, |(country, _)| country)
            && any(&self.actor_ids, |(_, actor)| actor)
            && (self.event_types.is_empty() || self.event_types.contains(&event_type))
            && (self.statuses.is_empty() || self.statuses.contains(&status))
    }
}

/// The event fields a subscriber watches (`SubscribeRequest.changed_fields`), as the set of
/// [`field_bits`]. Empty: all.
#[derive(Debug, Clone, Copy, Default)]
pub struct WatchedFields(u32);

impl WatchedFields {
    #[allow(clippy::result_large_err)]
    pub fn parse(fields: Vec<String>) -> Result<WatchedFields, Status> {
        for f in &fields {
            if !TRACKED_FIELDS.contains(&f.as_str()) {
                return Err(Status::invalid_argument(format!(
                    "changed_fields: {f:?} is not a field updates report; use one of {}",
                    TRACKED_FIELDS.join(", ")
                )));
            }
        }
        Ok(WatchedFields(field_bits(&fields)))
    }

    /// Whether a subscriber watching these fields wants the update: every new, merged or
    /// snapshot event, and changes to a watched field.
    pub fn passes(&self, head: &UpdateHead) -> bool {
        self.0 == 0 || matches!(head.kind, UpdateKind::Created | UpdateKind::Merged | UpdateKind::Snapshot) || head.changed & self.0 != 0
    }
}

/// What a subscriber wants of the update log: updates of matching events that change a watched
/// field.
#[derive(Debug, Clone, Default)]
pub struct UpdateFilter {
    pub events: Filter,
    pub fields: WatchedFields,
}

impl UpdateFilter {
    pub fn passes(&self, head: &UpdateHead) -> bool {
        self.events.matches_head(head) && self.fields.passes(head)
    }
}

/// An inclusive range of days; an event matches if its date overlaps it.
#[derive(Debug, Clone, Default)]
pub struct DateRange {
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
}

impl DateRange {
    #[allow(clippy::result_large_err)]
    pub fn parse(from: &str, to: &str) -> Result<DateRange, Status> {
        let day = |field: &str, v: &str| {
            if v.is_empty() {
                return Ok(None);
            }
            NaiveDate::parse_from_str(v, "%Y-%m-%d")
                .map(Some)
                .map_err(|_| Status::invalid_argument(format!("{field}: {v:?} is not a date; write it as YYYY-MM-DD")))
        };
        let range = DateRange { from: day("date_from", from)?, to: day("date_to", to)? };
        if let (Some(f), Some(t)) = (range.from, range.to)
            && f > t
        {
            return Err(Status::invalid_argument(format!("date_from {from} is after date_to {to}")));
        }
        Ok(range)
    }

    pub fn is_unbounded(&self) -> bool {
        self.from.is_none() && self.to.is_none()
    }

    /// Undated events match only an unbounded range.
    pub fn matches(&self, date: Option<&EventDate>) -> bool {
        if self.is_unbounded() {
            return true;
        }
        let Some((first, last)) = date.and_then(EventDate::days) else {
            return false;
        };
        self.from.is_none_or(|f| last >= f) && self.to.is_none_or(|t| first <= t)
    }
}

/// The events `ListEvents` selects: a filter and a date range.
#[derive(Debug, Clone, Default)]
pub struct EventQuery {
    filter: Filter,
    dates: DateRange,
}

impl EventQuery {
    /// Validates the filter and the range of a `ListEventsRequest`.
    #[allow(clippy::result_large_err)]
    pub fn parse(filter: Option<EventFilter>, date_from: &str, date_to: &str) -> Result<EventQuery, Status> {
        Ok(EventQuery { filter: Filter::parse(filter)?, dates: DateRange::parse(date_from, date_to)? })
    }

    pub fn matches(&self, e: &Event) -> bool {
        self.filter.matches(e) && self.dates.matches(e.date.as_ref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::Participant;

    fn date(start: &str, end: &str) -> EventDate {
        EventDate { start: start.into(), end: end.into(), ..Default::default() }
    }

    #[test]
    fn date_ranges_overlap_partial_dates() {
        let may = DateRange::parse("2019-05-01", "2019-05-31").unwrap();
        assert!(may.matches(Some(&date("2019-05-14", ""))));
        assert!(may.matches(Some(&date("2019", ""))));
        assert!(may.matches(Some(&date("2019-04-28", "2019-05-02"))));
        assert!(!may.matches(Some(&date("2019-06", ""))));
        assert!(!may.matches(None));
        assert!(DateRange::parse("", "").unwrap().matches(None));
        assert!(DateRange::parse("2019-06-01", "2019-05-01").is_err());
        assert!(DateRange::parse("14/05/2019", "").is_err());
    }

    #[test]
    fn filters_match_any_participant() {
        let f = Filter::parse(Some(EventFilter {
            countries: vec!["rus".into()],
            event_types: vec![EventType::Consult.into()],
            ..Default::default()
        }))
        .unwrap();
        let mut e = Event {
            event_type: EventType::Consult.into(),
            participants: vec![
                Participant { country: "USA".into(), ..Default::default() },
                Participant { country: "RUS".into(), ..Default::default() },
            ],
            ..Default::default()
        };
        assert!(f.matches(&e));
        e.event_type = EventType::Accuse.into();
        assert!(!f.matches(&e));
        assert!(Filter::parse(Some(EventFilter { countries: vec!["Russia".into()], ..Default::default() })).is_err());
        assert!(Filter::parse(Some(EventFilter { countries: vec!["XYZ".into()], ..Default::default() })).is_err());
        assert!(Filter::parse(Some(EventFilter { event_types: vec![0], ..Default::default() })).is_err());
    }
}
