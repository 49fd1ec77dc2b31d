//! `rasad subscribe`: prints the server's EventUpdates as proto3 JSON lines as they arrive.

use clap::Args;

use super::ServerArgs;
use crate::proto::{EventFilter, EventStatus, EventType, SubscribeRequest};

#[derive(Debug, Args)]
pub struct SubscribeArgs {
    #[command(flatten)]
    pub server: ServerArgs,
    /// Only events with a participant from this country (ISO 3166-1 alpha-3; repeatable).
    #[arg(long = "country")]
    pub countries: Vec<String>,
    /// Only events with this participant (knowledge-base actor id; repeatable).
    #[arg(long = "actor")]
    pub actors: Vec<String>,
    /// Only events of this type (CONSULT, AGREE, ...; repeatable).
    #[arg(long = "type", value_parser = parse_type)]
    pub types: Vec<EventType>,
    /// Only events with this status (OCCURRED, PLANNED, ...; repeatable).
    #[arg(long = "status", value_parser = parse_status)]
    pub statuses: Vec<EventStatus>,
    /// Resume after this sequence number (0 = the whole log).
    #[arg(long, conflicts_with = "snapshot")]
    pub after: Option<u64>,
    /// Start with the current matching events.
    #[arg(long)]
    pub snapshot: bool,
    /// Only updates that change this event field (status, date, participants, ...;
    /// repeatable); new and merged events always come.
    #[arg(long = "changed")]
    pub changed_fields: Vec<String>,
}

pub(crate) fn parse_type(s: &str) -> Result<EventType, String> {
    let name = s.to_ascii_uppercase();
    EventType::from_str_name(name.strip_prefix("EVENT_TYPE_").map_or(format!("EVENT_TYPE_{name}"), |_| name.clone()).as_str())
        .filter(|t| *t != EventType::Unspecified)
        .ok_or_else(|| format!("{s:?} is not an event type (CONSULT, AGREE, SUPPORT, ...)"))
}

fn parse_status(s: &str) -> Result<EventStatus, String> {
    let name = s.to_ascii_uppercase();
    EventStatus::from_str_name(name.strip_prefix("EVENT_STATUS_").map_or(format!("EVENT_STATUS_{name}"), |_| name.clone()).as_str())
        .filter(|t| *t != EventStatus::Unspecified)
        .ok_or_else(|| format!("{s:?} is not a status (OCCURRED, PLANNED, PROPOSED, NEGATED, CANCELLED)"))
}

pub async fn run(args: SubscribeArgs) -> anyhow::Result<()> {
    let mut client = args.server.connect().await?;
    let request = SubscribeRequest {
        filter: Some(EventFilter {
            countries: args.countries,
            actor_ids: args.actors,
            event_types: args.types.into_iter().map(Into::into).collect(),
            statuses: args.statuses.into_iter().map(Into::into).collect(),
        }),
        after_sequence: args.after,
        snapshot: args.snapshot,
        changed_fields: args.changed_fields,
    };
    let mut updates = client.subscribe(request).await?.into_inner();
    while let Some(update) = updates.message().await? {
        println!("{}", serde_json::to_string(&update)?);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_short_and_full_enum_names() {
        assert_eq!(parse_type("consult"), Ok(EventType::Consult));
        assert_eq!(parse_type("EVENT_TYPE_AGREE"), Ok(EventType::Agree));
        assert!(parse_type("UNSPECIFIED").is_err());
        assert_eq!(parse_status("planned"), Ok(EventStatus::Planned));
    }
}
