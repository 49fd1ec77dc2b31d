//! A snapshot of the embedded store, read a page at a time: the tables of one redb read
//! transaction, held from the first page to the last. redb's reads see the database as it was
//! when they began and never block the writer, so every page sees the events as they stood at
//! one position of the log while ingest goes on, and a snapshot of any size costs one page of
//! memory. While it is held, the pages the writer frees are not reused (the file grows by what is
//! written meanwhile); dropping the view ends the transaction.

use prometheus_client::metrics::counter::Counter;
use redb::{ReadOnlyTable, ReadableDatabase, ReadableTable};

use super::{
    EVENTS, LOG, PageLimit, Result, Store, StoreError, checksum::skip_corrupt, event_at, page::Filling, reads::BoxFuture,
    reads::EventsView, reads::Keep,
};
use crate::proto::Event;

/// The events of one read transaction, from the first event number not yet read.
pub struct StoreView {
    events: ReadOnlyTable<u64, u64>,
    log: ReadOnlyTable<u64, &'static [u8]>,
    head: u64,
    keep: Keep,
    /// The number of the last event read (0 before the first: events are numbered from 1).
    after: u64,
    done: bool,
    corrupt: Counter,
}

impl<D: ReadableDatabase + Send + Sync + 'static> Store<D> {
    /// A view of the events `keep` keeps, as they stand now.
    pub fn view(&self, keep: Keep) -> Result<StoreView> {
        let txn = self.db.begin_read()?;
        let log = txn.open_table(LOG)?;
        let head = log.last()?.map_or(0, |(k, _)| k.value());
        let events = txn.open_table(EVENTS)?;
        Ok(StoreView { events, log, head, keep, after: 0, done: false, corrupt: self.corrupt.clone() })
    }
}

impl StoreView {
    /// The sequence of the last update the view reflects.
    pub fn head(&self) -> u64 {
        self.head
    }

    /// The next page (see [`EventsView::next_page`]); a corrupt event is skipped and counted.
    pub fn page(&mut self, limit: PageLimit) -> Result<Option<Vec<Event>>> {
        if self.done {
            return Ok(None);
        }
        let mut page = Filling::new(limit);
        let mut read = 0;
        for entry in self.events.range(self.after + 1..)? {
            let (n, last) = entry?;
            let event = skip_corrupt(event_at(&self.log, n.value(), last.value()), &self.corrupt)?;
            if let Some(event) = event.filter(|e| (self.keep)(e))
                && !page.add(event)
            {
                return Ok(Some(page.items));
            }
            self.after = n.value();
            read += 1;
            if read == limit.items {
                return Ok(Some(page.items));
            }
        }
        self.done = true;
        Ok(Some(page.items))
    }
}

/// A [`StoreView`] read on tokio's blocking pool, as the service reads it.
pub struct Paged<D> {
    store: Store<D>,
    head: u64,
    /// Out while a page is read; none after a failed read.
    view: Option<StoreView>,
}

impl<D> Paged<D> {
    pub fn new(store: Store<D>, view: StoreView) -> Paged<D> {
        Paged { store, head: view.head, view: Some(view) }
    }
}

impl<D: ReadableDatabase + Send + Sync + 'static> EventsView for Paged<D> {
    fn head(&self) -> u64 {
        self.head
    }

    fn next_page(&mut self, limit: PageLimit) -> BoxFuture<'_, Result<Option<Vec<Event>>>> {
        Box::pin(async move {
            let mut view = self.view.take().ok_or(StoreError::Closed)?;
            let (view, page) = self.store.read(move |_| view.page(limit).map(|page| (view, page))).await?;
            self.view = Some(view);
            Ok(page)
        })
    }
}
