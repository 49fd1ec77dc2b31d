//! Where exported events come from: a data directory no server holds, read directly, or a
//! running server, paged through `ListEvents`. Both select with the same query (the filter and
//! date range of `ListEventsRequest`) and give the events in the same order, most recently
//! created first.

use crate::service::auth::Connection;
use chrono::NaiveDate;

use super::ExportError;
use crate::{
    proto::{Event, EventFilter, EventType, ListEventsRequest, rasad_service_client::RasadServiceClient},
    service::filter::EventQuery,
    store::{PageLimit, ReadOnlyStore},
};

/// Events read per page (the most `ListEvents` gives).
const PAGE: u32 = 1000;

/// Which stored events to export. Empty lists select everything.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// ISO 3166-1 alpha-3 codes: events with a participant of one of them.
    pub countries: Vec<String>,
    pub event_types: Vec<EventType>,
    /// Events whose date overlaps these days (inclusive); an undated event is left out when
    /// either is given.
    pub since: Option<NaiveDate>,
    pub until: Option<NaiveDate>,
}

impl Selection {
    /// The first `ListEvents` request of the selection.
    fn request(&self) -> ListEventsRequest {
        let day = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
        ListEventsRequest {
            filter: Some(EventFilter {
                countries: self.countries.clone(),
                event_types: self.event_types.iter().map(|&t| t.into()).collect(),
                ..Default::default()
            }),
            date_from: day(self.since),
            date_to: day(self.until),
            page_size: PAGE,
            page_token: String::new(),
        }
    }
}

/// Calls `each` with every selected event of `store`.
pub fn from_store(
    store: &ReadOnlyStore,
    selection: &Selection,
    mut each: impl FnMut(&Event) -> Result<(), ExportError>,
) -> Result<(), ExportError> {
    let request = selection.request();
    let query = EventQuery::parse(request.filter, &request.date_from, &request.date_to)
        .map_err(|status| ExportError::Query(status.message().to_owned()))?;
    let mut from = None;
    loop {
        let page = store.list_events(from, PageLimit { items: PAGE as usize, bytes: usize::MAX }, |e| query.matches(e))?;
        page.events.iter().try_for_each(&mut each)?;
        match page.next {
            Some(next) => from = Some(next),
            None => return Ok(()),
        }
    }
}

/// Calls `each` with every selected event the server at the other end of `client` holds.
pub async fn from_server(
    client: &mut RasadServiceClient<Connection>,
    selection: &Selection,
    mut each: impl FnMut(&Event) -> Result<(), ExportError>,
) -> Result<(), ExportError> {
    let mut request = selection.request();
    loop {
        let page = client.list_events(request.clone()).await.map_err(|status| ExportError::Server(Box::new(status)))?.into_inner();
        page.events.iter().try_for_each(&mut each)?;
        if page.next_page_token.is_empty() {
            return Ok(());
        }
        request.page_token = page.next_page_token;
    }
}
