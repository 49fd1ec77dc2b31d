//! `rasad subscribe`: prints the server's EventUpdates as proto3 JSON lines as they arrive.
//! When the server goes away it says so on stderr and subscribes again, with backoff, after the
//! last update it printed; with `--no-reconnect` it exits non-zero saying how to resume.

use std::time::Duration;

use clap::Args;
use tonic::{Code, Status};

use crate::service::auth::Connection;

use super::ServerArgs;
use crate::proto::{EventFilter, EventStatus, EventType, SubscribeRequest, rasad_service_client::RasadServiceClient};

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
    /// When the server goes away, exit (non-zero, saying how to resume with --after) instead of
    /// subscribing again after the last update printed.
    #[arg(long)]
    pub no_reconnect: bool,
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

/// The first wait before reconnecting; it doubles after each failed attempt, up to
/// [`MAX_BACKOFF`], and starts over once subscribed again.
const FIRST_BACKOFF: Duration = Duration::from_millis(250);
const MAX_BACKOFF: Duration = Duration::from_secs(30);

/// Why a subscription stopped while the server may come back.
struct Gone {
    why: String,
    /// The sequence of the last update printed, if any.
    last: Option<u64>,
}

pub async fn run(args: SubscribeArgs) -> anyhow::Result<()> {
    let mut request = SubscribeRequest {
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
    // The first connection must succeed: a wrong URL is not worth waiting for.
    let mut client = Some(args.server.connect().await?);
    let mut backoff = FIRST_BACKOFF;
    loop {
        let gone = follow(&args.server, client.take(), request.clone(), &mut backoff).await?;
        if let Some(last) = gone.last {
            request.after_sequence = Some(last);
            request.snapshot = false;
        }
        let resume = match request.after_sequence {
            Some(n) => format!("--after {n}"),
            None if request.snapshot => "--snapshot".to_string(),
            None => "no --after (no update was printed yet)".to_string(),
        };
        if args.no_reconnect {
            anyhow::bail!("{}; to resume where this left off, run rasad subscribe again with {resume} and the same filters", gone.why);
        }
        eprintln!("{}; reconnecting in {:.2} s, resuming with {resume}", gone.why, backoff.as_secs_f64());
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(MAX_BACKOFF);
    }
}

/// Subscribes (on `client`, or a new connection) and prints updates until the server goes away;
/// errors that resubscribing would not cure end the command.
async fn follow(
    server: &ServerArgs,
    client: Option<RasadServiceClient<Connection>>,
    request: SubscribeRequest,
    backoff: &mut Duration,
) -> anyhow::Result<Gone> {
    let gone = |why: String, last| Ok(Gone { why, last });
    let mut client = match client {
        Some(client) => client,
        None => match server.connect().await {
            Ok(client) => client,
            Err(e) => return gone(format!("{e:#}"), None),
        },
    };
    let mut updates = match client.subscribe(request).await {
        Ok(updates) => updates.into_inner(),
        Err(status) if transient(&status) => return gone(went_away(&status), None),
        Err(status) => return Err(status.into()),
    };
    *backoff = FIRST_BACKOFF;
    let mut last = None;
    loop {
        match updates.message().await {
            Ok(Some(update)) => {
                println!("{}", serde_json::to_string(&update)?);
                last = Some(update.sequence);
            }
            Ok(None) => return gone("the server ended the stream".into(), last),
            Err(status) if transient(&status) => return gone(went_away(&status), last),
            Err(status) => return Err(status.into()),
        }
    }
}

/// Whether the server went away (shutting down, the connection broke), so that subscribing
/// again may succeed.
fn transient(status: &Status) -> bool {
    matches!(status.code(), Code::Unavailable | Code::Unknown | Code::Cancelled | Code::Aborted | Code::Internal)
}

fn went_away(status: &Status) -> String {
    format!("the server went away: {} ({:?})", status.message(), status.code())
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
