//! `GET /api/stream`: the updates of `Subscribe` as Server-Sent Events, one `message` per update
//! (its proto3 JSON, with the sequence as the event id), filtered like Subscribe (`country`,
//! `actor`, `type`, `status`, `changed`; `after` or `snapshot`), and by the event's date with
//! `since`/`until`. A browser's `EventSource` that reconnects sends `Last-Event-ID`, and the
//! stream resumes exactly after that sequence.

use std::convert::Infallible;

use axum::{
    extract::{Query, State},
    http::HeaderMap,
    response::sse::{self, KeepAlive, Sse},
};
use futures_util::{Stream, StreamExt};
use prost::Message;
use tonic::Status;

use super::{ApiError, params::Params};
use crate::{
    proto::EventUpdate,
    service::{Service, filter::DateRange},
};

pub async fn updates(
    State(service): State<Service>,
    headers: HeaderMap,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Sse<impl Stream<Item = Result<sse::Event, Infallible>>>, ApiError> {
    let params = Params::parse(pairs, Params::STREAM)?;
    let dates = DateRange::parse(&params.since, &params.until)?;
    let mut request = params.subscribe_request();
    if let Some(last) = last_event_id(&headers)? {
        request.after_sequence = Some(last);
        request.snapshot = false;
    }
    let updates = service.updates(request).await?;
    let events = updates.filter_map(move |update| std::future::ready(message(update, &dates).map(Ok)));
    Ok(Sse::new(events).keep_alive(KeepAlive::default()))
}

/// The sequence a reconnecting client saw last.
#[allow(clippy::result_large_err)]
fn last_event_id(headers: &HeaderMap) -> Result<Option<u64>, Status> {
    let Some(value) = headers.get("last-event-id") else { return Ok(None) };
    let text = value.to_str().unwrap_or_default().trim();
    text.parse()
        .map(Some)
        .map_err(|_| Status::invalid_argument(format!("Last-Event-ID: {text:?} is not an update sequence (a whole number)")))
}

/// The SSE message of an encoded update, if its event's date is in `dates`; a failure (the
/// stream's last item) as a `failure` event.
fn message(update: Result<prost::bytes::Bytes, Status>, dates: &DateRange) -> Option<sse::Event> {
    let update = match update.and_then(|bytes| EventUpdate::decode(bytes).map_err(|e| Status::internal(e.to_string()))) {
        Ok(update) => update,
        Err(status) => return Some(failure(&status)),
    };
    if !dates.matches(update.event.as_ref().and_then(|e| e.date.as_ref())) {
        return None;
    }
    match serde_json::to_string(&update) {
        Ok(data) => Some(sse::Event::default().id(update.sequence.to_string()).data(data)),
        Err(e) => Some(failure(&Status::internal(format!("cannot write update {} as JSON: {e}", update.sequence)))),
    }
}

fn failure(status: &Status) -> sse::Event {
    sse::Event::default().event("failure").data(status.message())
}
