//! The query parameters of the JSON API and the event stream, read into the gRPC requests the
//! service takes: `country` (repeatable, ISO 3166-1 alpha-3), `actor` (repeatable), `type` and
//! `status` (repeatable; `consult` or `EVENT_TYPE_CONSULT`), `since`/`until` (YYYY-MM-DD),
//! `page_size`/`page_token`, and for the stream `changed` (repeatable), `after` and `snapshot`.

use tonic::Status;

use crate::proto::{EventFilter, EventStatus, EventType, ListEventsRequest, SubscribeRequest};

#[derive(Debug, Default)]
pub struct Params {
    pub filter: EventFilter,
    pub since: String,
    pub until: String,
    pub page_size: u32,
    pub page_token: String,
    pub changed: Vec<String>,
    pub after: Option<u64>,
    pub snapshot: bool,
}

impl Params {
    const FILTER: &[&str] = &["country", "actor", "type", "status", "since", "until"];
    const PAGING: &[&str] = &["page_size", "page_token"];
    pub const PAGE: &[&[&str]] = &[Self::PAGING];
    pub const LIST: &[&[&str]] = &[Self::FILTER, Self::PAGING];
    pub const STREAM: &[&[&str]] = &[Self::FILTER, &["changed", "after", "snapshot"]];

    /// Reads `pairs`, refusing a key not in `allowed` (a misspelt filter would match everything).
    #[allow(clippy::result_large_err)]
    pub fn parse(pairs: Vec<(String, String)>, allowed: &[&[&str]]) -> Result<Params, Status> {
        let mut params = Params::default();
        for (key, value) in pairs {
            if !allowed.iter().any(|keys| keys.contains(&key.as_str())) {
                return Err(unknown(&key, allowed));
            }
            params.set(&key, value, allowed)?;
        }
        Ok(params)
    }

    #[allow(clippy::result_large_err)]
    fn set(&mut self, key: &str, value: String, allowed: &[&[&str]]) -> Result<(), Status> {
        let f = &mut self.filter;
        match key {
            "country" => f.countries.push(value),
            "actor" => f.actor_ids.push(value),
            "type" => f.event_types.push(enum_value(key, &value, "EVENT_TYPE_", |n| EventType::from_str_name(n).map(i32::from))?),
            "status" => f.statuses.push(enum_value(key, &value, "EVENT_STATUS_", |n| EventStatus::from_str_name(n).map(i32::from))?),
            "since" => self.since = value,
            "until" => self.until = value,
            "page_size" => self.page_size = number(key, &value)?,
            "page_token" => self.page_token = value,
            "changed" => self.changed.push(value),
            "after" => self.after = Some(number(key, &value)?),
            "snapshot" => self.snapshot = matches!(value.as_str(), "" | "1" | "true"),
            _ => return Err(unknown(key, allowed)),
        }
        Ok(())
    }

    pub fn list_request(self) -> ListEventsRequest {
        ListEventsRequest {
            filter: Some(self.filter),
            date_from: self.since,
            date_to: self.until,
            page_size: self.page_size,
            page_token: self.page_token,
        }
    }

    pub fn subscribe_request(self) -> SubscribeRequest {
        SubscribeRequest { filter: Some(self.filter), after_sequence: self.after, snapshot: self.snapshot, changed_fields: self.changed }
    }
}

fn unknown(key: &str, allowed: &[&[&str]]) -> Status {
    Status::invalid_argument(format!("unknown parameter {key:?}; this endpoint takes {}", allowed.concat().join(", ")))
}

/// An enum value named with or without its prefix, in any case ("consult", "EVENT_TYPE_CONSULT").
#[allow(clippy::result_large_err)]
fn enum_value(key: &str, value: &str, prefix: &str, from_name: impl Fn(&str) -> Option<i32>) -> Result<i32, Status> {
    let upper = value.trim().to_ascii_uppercase();
    let name = if upper.starts_with(prefix) { upper } else { format!("{prefix}{upper}") };
    match from_name(&name) {
        Some(v) if v != 0 => Ok(v),
        _ => Err(Status::invalid_argument(format!("{key}: {value:?} is not one of the {prefix}* values (\"consult\", \"planned\"...)"))),
    }
}

#[allow(clippy::result_large_err)]
fn number<N: std::str::FromStr>(key: &str, value: &str) -> Result<N, Status> {
    value.parse().map_err(|_| Status::invalid_argument(format!("{key}: {value:?} is not a whole number")))
}
