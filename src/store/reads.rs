//! What the service reads of a store, whichever it is: the embedded redb [`Store`] or the
//! PostgreSQL store of the distributed mode ([`super::postgres::PgStore`]). The service and its
//! hub hold an `Arc<dyn EventReads>`, so the same handlers serve both modes. A snapshot is an
//! [`EventsView`]: one consistent view of the events, read a page at a time.

use std::{future::Future, pin::Pin, sync::Arc};

use redb::ReadableDatabase;
use tokio::sync::watch;

use super::{EventPage, LoggedUpdate, PageLimit, ReportPage, Result, Store, view::Paged};
use crate::proto::Event;

/// A read under way.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Which events a listing or snapshot keeps.
pub type Keep = Arc<dyn Fn(&Event) -> bool + Send + Sync>;

/// The stored events as they stood at one position of the log, in creation order, read a page
/// at a time however long the reader takes between pages, while writes go on: no event of the
/// view is read twice or missed, and none written after it is read. Dropped, it ends the
/// transaction it holds.
pub trait EventsView: Send {
    /// The sequence of the last update the view reflects.
    fn head(&self) -> u64;
    /// The kept events among the next `limit.items` events of the view, cut before the one that
    /// takes their encoding past `limit.bytes` (the rest come in the next page); `None` once
    /// every event has been read.
    fn next_page(&mut self, limit: PageLimit) -> BoxFuture<'_, Result<Option<Vec<Event>>>>;
}

/// The reads of the service (see [`Store`] for what each returns).
pub trait EventReads: Send + Sync + 'static {
    /// The sequence number of the last committed update.
    fn head(&self) -> BoxFuture<'static, Result<u64>>;
    fn get_event(&self, n: u64) -> BoxFuture<'static, Result<Option<Event>>>;
    fn list_events(&self, from: Option<u64>, limit: PageLimit, keep: Keep) -> BoxFuture<'static, Result<EventPage>>;
    fn list_reports(&self, n: u64, after: String, limit: PageLimit) -> BoxFuture<'static, Result<Option<ReportPage>>>;
    fn read_log(&self, after: u64, limit: usize) -> BoxFuture<'static, Result<Vec<LoggedUpdate>>>;
    /// A view of the events `keep` keeps, as they stand now.
    fn snapshot(&self, keep: Keep) -> BoxFuture<'static, Result<Box<dyn EventsView>>>;
    /// Whether the store can be used now (false while the embedded store reopens).
    fn serving(&self) -> watch::Receiver<bool>;
}

impl<D: ReadableDatabase + Send + Sync + 'static> EventReads for Store<D> {
    fn head(&self) -> BoxFuture<'static, Result<u64>> {
        let store = self.clone();
        Box::pin(async move { store.read(Store::head).await })
    }

    fn get_event(&self, n: u64) -> BoxFuture<'static, Result<Option<Event>>> {
        let store = self.clone();
        Box::pin(async move { store.read(move |s| s.get_event(n)).await })
    }

    fn list_events(&self, from: Option<u64>, limit: PageLimit, keep: Keep) -> BoxFuture<'static, Result<EventPage>> {
        let store = self.clone();
        Box::pin(async move { store.read(move |s| s.list_events(from, limit, |e| keep(e))).await })
    }

    fn list_reports(&self, n: u64, after: String, limit: PageLimit) -> BoxFuture<'static, Result<Option<ReportPage>>> {
        let store = self.clone();
        Box::pin(async move { store.read(move |s| s.list_reports(n, &after, limit)).await })
    }

    fn read_log(&self, after: u64, limit: usize) -> BoxFuture<'static, Result<Vec<LoggedUpdate>>> {
        let store = self.clone();
        Box::pin(async move { store.read(move |s| s.read_log(after, limit)).await })
    }

    fn snapshot(&self, keep: Keep) -> BoxFuture<'static, Result<Box<dyn EventsView>>> {
        let store = self.clone();
        Box::pin(async move {
            let view = store.read(move |s| s.view(keep)).await?;
            Ok(Box::new(Paged::new(store, view)) as Box<dyn EventsView>)
        })
    }

    fn serving(&self) -> watch::Receiver<bool> {
        Store::serving(self)
    }
}
