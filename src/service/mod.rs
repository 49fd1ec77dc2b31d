//! The service: what Rasad answers (an event, a page of events or reports, a stream of updates,
//! the metrics), as methods of [`Service`] over the pipeline (`ingest`), the fan-out (`hub`), the
//! store and the extractor; the gRPC handlers are thin wrappers around them, served by
//! [`Service::serve_grpc`] with reflection, health, graceful shutdown, TLS, the key check of
//! `auth` and the bounds on `connections` as configured (Subscribe and Ingest through `route`,
//! with `requests` for what tonic cannot read). The HTTP front (`crate::http`)
//! calls the same methods.

pub mod auth;
pub mod bounded;
pub mod connections;
pub mod countries;
pub mod extractor_slot;
pub mod filter;
pub mod hub;
pub mod ingest;
pub mod metrics;
pub mod page_token;
pub mod requests;
pub mod route;

use std::{
    path::PathBuf,
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};

use prost::bytes::Bytes;
use tokio::{net::TcpListener, sync::Semaphore};
use tokio_stream::{Stream, StreamExt};
use tokio_util::sync::CancellationToken;
use tonic::{Request, Response, Status, transport::ServerTlsConfig};
use tonic_health::server::HealthReporter;

use self::{
    auth::{AuthLayer, Keys},
    connections::ConnectionLimits,
    extractor_slot::ExtractorSlot,
    filter::{EventQuery, Filter, UpdateFilter, WatchedFields},
    hub::{Hub, Start},
    ingest::Unextracted,
    metrics::Metrics,
    route::SharedRoute,
};
use crate::{
    article::{self, ArticleError, Limits},
    bus::{BusError, front::Front},
    extract::Extractor,
    merge::{self, MergeConfig},
    proto::{
        Article, Event, ExtractResponse, GetEventRequest, GetEventResponse, ListEventsRequest, ListEventsResponse, ListReportsRequest,
        ListReportsResponse, SubscribeRequest,
        rasad_service_server::{RasadService, RasadServiceServer},
    },
    store::{
        self, EventReads, Store, StoreError,
        postgres::PgStore,
        writer::{Commit, Writer},
    },
};

/// HTTP/2 flow-control windows, in bytes, of the server and of the `rasad` clients: ingest streams
/// send and subscriptions receive megabytes a second, and with HTTP/2's default 64 KiB the sender
/// would stop for a window update every few dozen messages.
pub const HTTP2_CONNECTION_WINDOW: u32 = 8 << 20;
pub const HTTP2_STREAM_WINDOW: u32 = 1 << 20;

/// Turns an article into events. The service runs it on its worker pool.
pub trait EventExtractor: Send + Sync + 'static {
    fn extract(&self, article: &Article) -> ExtractResponse;

    /// `extract` for a request that may go away meanwhile (its deadline passed, the client
    /// cancelled): none if it stopped because `cancelled` was set. An extractor that can stop
    /// midway polls `cancelled` between its stages; this one only looks before starting.
    fn extract_unless(&self, article: &Article, cancelled: &Cancelled) -> Option<ExtractResponse> {
        (!cancelled.is_set()).then(|| self.extract(article))
    }
}

/// Set once the request an extraction serves is gone: the work may stop, its result is unwanted.
#[derive(Debug, Clone, Default)]
pub struct Cancelled(Arc<AtomicBool>);

impl Cancelled {
    pub fn is_set(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }

    pub fn set(&self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

impl EventExtractor for Extractor {
    fn extract(&self, article: &Article) -> ExtractResponse {
        Extractor::extract(self, article)
    }

    fn extract_unless(&self, article: &Article, cancelled: &Cancelled) -> Option<ExtractResponse> {
        self.extract_until(article, &|| cancelled.is_set())
    }
}

/// How `rasad serve` runs.
#[derive(Debug, Clone)]
pub struct Config {
    pub data_dir: PathBuf,
    /// Extraction threads.
    pub workers: usize,
    pub limits: Limits,
    /// Largest gRPC message accepted, in bytes.
    pub max_message_bytes: usize,
    /// When two reports are one event.
    pub merge: MergeConfig,
    /// How the gRPC server is reached.
    pub access: Access,
}

/// How the gRPC server is reached: TLS (and whether clients need certificates), keys, reflection,
/// how many connections and for how long.
#[derive(Debug, Clone)]
pub struct Access {
    /// None: plaintext.
    pub tls: Option<ServerTlsConfig>,
    pub keys: Keys,
    pub reflection: bool,
    pub connections: ConnectionLimits,
}

impl Default for Access {
    /// Plaintext, no keys, reflection on, the default connection limits.
    fn default() -> Access {
        Access { tls: None, keys: Keys::default(), reflection: true, connections: ConnectionLimits::default() }
    }
}

/// What every handler shares.
pub struct Shared {
    extractor: ExtractorSlot,
    /// The extraction threads: a place is held until the extraction has really ended.
    pool: Arc<Semaphore>,
    limits: Limits,
    store: Arc<dyn EventReads>,
    pipeline: Pipeline,
    hub: Hub,
    metrics: Metrics,
    shutdown: CancellationToken,
    /// The bound of every response, in bytes (`bounded`).
    response_bytes: usize,
}

/// Where ingested articles go.
enum Pipeline {
    /// Extracted here and committed by the embedded writer.
    Embedded(Writer),
    /// Published to the articles stream; a worker extracts and commits them.
    Bus(Box<Front>),
}

/// The `rasad.v1.RasadService` implementation.
#[derive(Clone)]
pub struct Service {
    shared: Arc<Shared>,
}

/// The listing of `ListEvents`, as its page tokens name it.
const EVENTS: &str = "events";

/// Largest ListEvents and ListReports page.
const MAX_PAGE: u32 = 1000;
const DEFAULT_PAGE: u32 = 50;

/// The number of items a page request asks for (0 = the default).
fn page_size(requested: u32) -> usize {
    let size = if requested == 0 { DEFAULT_PAGE } else { requested.min(MAX_PAGE) };
    size as usize
}

/// The stored event number of a requested id.
fn event_number(id: &str) -> Result<u64, Status> {
    if id.is_empty() {
        return Err(Status::invalid_argument("event_id is empty; pass an id such as \"ev-1\""));
    }
    merge::parse_event_id(id).ok_or_else(|| not_found(id))
}

fn not_found(id: &str) -> Status {
    Status::not_found(format!("no stored event has id {id:?}; ids look like \"ev-1\" (see ListEvents)"))
}

impl Service {
    /// Starts the writer of `store` (opened in `config.data_dir`, or on another backend); the
    /// service runs until `shutdown`. [`Closing::wait`] then closes the store once every clone of
    /// the service is gone.
    pub fn open(
        store: Store,
        config: &Config,
        extractor: impl Into<ExtractorSlot>,
        shutdown: CancellationToken,
    ) -> Result<(Service, Closing), StoreError> {
        let metrics = Metrics::default();
        let store = store.counting_corrupt_in(metrics.store_corrupt_records.clone());
        let head = store.head()?;
        let hub = Hub::new(Arc::new(store.clone()), head, metrics.clone());
        let (publisher, committed) = (hub.clone(), metrics.clone());
        let publish = Box::new(move |commit: Commit| {
            committed.commit_seconds.observe(commit.seconds);
            committed.commit_articles.observe(commit.articles as f64);
            publisher.publish(commit.updates, commit.head);
        });
        let (writer, writer_thread) = Writer::spawn(store.clone(), config.merge.clone(), publish)?;
        let service = Service::assemble(Arc::new(store), Pipeline::Embedded(writer), hub, metrics, config, extractor.into(), shutdown);
        tracing::info!(data_dir = %config.data_dir.display(), workers = config.workers, head, "store open");
        Ok((service, Closing(Some(writer_thread))))
    }

    /// A front end of the distributed mode: reads `store`, publishes ingested articles to the
    /// bus through `front` (workers extract and commit them) and follows the updates stream;
    /// `metrics` are those `front` times its publications in.
    pub async fn open_distributed(
        store: PgStore,
        front: Front,
        metrics: Metrics,
        config: &Config,
        extractor: impl Into<ExtractorSlot>,
        shutdown: CancellationToken,
    ) -> Result<(Service, Closing), StoreError> {
        let head = EventReads::head(&store).await?;
        let hub = Hub::new(Arc::new(store.clone()), head, metrics.clone());
        let publisher = hub.clone();
        let follow = move |updates, head| publisher.publish(updates, head);
        tokio::spawn(crate::bus::tail::follow(front.bus().clone(), head, follow, shutdown.clone()));
        let service = Service::assemble(Arc::new(store), Pipeline::Bus(Box::new(front)), hub, metrics, config, extractor.into(), shutdown);
        tracing::info!(workers = config.workers, head, "distributed front end ready");
        Ok((service, Closing(None)))
    }

    fn assemble(
        store: Arc<dyn EventReads>,
        pipeline: Pipeline,
        hub: Hub,
        metrics: Metrics,
        config: &Config,
        extractor: ExtractorSlot,
        shutdown: CancellationToken,
    ) -> Service {
        let shared = Arc::new(Shared {
            extractor,
            pool: Arc::new(Semaphore::new(config.workers.max(1))),
            limits: config.limits,
            store,
            pipeline,
            hub,
            metrics,
            shutdown,
            response_bytes: bounded::response_bytes(config.max_message_bytes),
        });
        Service { shared }
    }

    /// One stored event by id.
    pub async fn event(&self, id: String) -> Result<Event, Status> {
        let n = event_number(&id)?;
        let event = self.shared.store.get_event(n).await.map_err(storage)?;
        Ok(bounded::event(event.ok_or_else(|| not_found(&id))?, self.shared.response_bytes))
    }

    /// A page of the stored events a `ListEvents` request selects.
    pub async fn events(&self, req: ListEventsRequest) -> Result<ListEventsResponse, Status> {
        let query = EventQuery::parse(req.filter, &req.date_from, &req.date_to)?;
        let from = match page_token::decode(EVENTS, &req.page_token)?.as_str() {
            "" => None,
            position => Some(position.parse::<u64>().map_err(|_| Status::internal("a page token of ListEvents holds no event number"))?),
        };
        let (limit, bytes) = (self.page(req.page_size), self.shared.response_bytes);
        let page = self.shared.store.list_events(from, limit, Arc::new(move |e| query.matches(e))).await.map_err(storage)?;
        let next_page_token = page.next.map(|n| page_token::encode(EVENTS, &n.to_string())).unwrap_or_default();
        Ok(ListEventsResponse { events: page.events.into_iter().map(|e| bounded::event(e, bytes)).collect(), next_page_token })
    }

    /// A page of the reports of a stored event.
    pub async fn reports(&self, req: ListReportsRequest) -> Result<ListReportsResponse, Status> {
        let n = event_number(&req.event_id)?;
        let listing = format!("reports of {}", merge::event_id(n));
        let (after, limit, bytes) = (page_token::decode(&listing, &req.page_token)?, self.page(req.page_size), self.shared.response_bytes);
        let page = self.shared.store.list_reports(n, after, limit).await.map_err(storage)?;
        let page = page.ok_or_else(|| not_found(&req.event_id))?;
        let next_page_token = page.next.map(|key| page_token::encode(&listing, &key)).unwrap_or_default();
        Ok(ListReportsResponse { reports: page.reports.into_iter().map(|r| bounded::report(r, bytes)).collect(), next_page_token })
    }

    /// The bounds of a page a request asks for: its count, and the bound of every response.
    fn page(&self, requested: u32) -> store::PageLimit {
        bounded::page(page_size(requested), self.shared.response_bytes)
    }

    /// The updates a `Subscribe` request asks for, each an encoded `EventUpdate`, until the
    /// server shuts down or reading the log fails (the stream's last item).
    pub async fn updates(&self, req: SubscribeRequest) -> Result<impl Stream<Item = Result<Bytes, Status>> + Send + use<>, Status> {
        let filter = UpdateFilter { events: Filter::parse(req.filter)?, fields: WatchedFields::parse(req.changed_fields)? };
        let start = match (req.after_sequence, req.snapshot) {
            (Some(_), true) => {
                return Err(Status::invalid_argument(
                    "snapshot and after_sequence cannot be combined: a snapshot already reflects the whole log \
                     (resume later with after_sequence = the snapshot updates' sequence)",
                ));
            }
            (Some(n), false) => Start::After(resumable(n, self.head_reaching(n).await)?),
            (None, true) => Start::Snapshot,
            (None, false) => Start::Live,
        };
        let bytes = self.shared.response_bytes;
        let updates = self.shared.hub.clone().subscribe(filter, start, self.shared.shutdown.clone());
        Ok(updates.map(move |update| update.map(|encoded| bounded::update(encoded, bytes))))
    }

    /// The head of the log, as far as `after` if the store has it: a front end of the distributed
    /// mode may not yet have heard of an update another one already sent.
    async fn head_reaching(&self, after: u64) -> u64 {
        let heard = self.shared.hub.head();
        match after > heard {
            true => self.shared.store.head().await.unwrap_or(heard),
            false => heard,
        }
    }

    /// The metrics in the Prometheus text format.
    pub fn metrics(&self) -> String {
        self.shared.metrics.render()
    }

    /// Serves gRPC (the Rasad service, health and reflection) on `listener` until `shutdown`,
    /// as `access` says.
    pub async fn serve_grpc(self, listener: TcpListener, max_message_bytes: usize, access: Access) -> Result<(), ServeError> {
        let shutdown = self.shared.shutdown.clone();
        let reflection = || {
            tonic_reflection::server::Builder::configure()
                .register_encoded_file_descriptor_set(crate::proto::FILE_DESCRIPTOR_SET)
                .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
        };
        let (health, health_service) = tonic_health::server::health_reporter();
        let serving = match &self.shared.pipeline {
            Pipeline::Embedded(_) => self.shared.store.serving(),
            Pipeline::Bus(front) => front.serving(),
        };
        let serving_now = *serving.borrow();
        set_health(&health, serving_now).await;
        tokio::spawn(report_health(serving, health.clone(), shutdown.clone()));
        let rasad =
            RasadServiceServer::new(self.clone()).max_decoding_message_size(max_message_bytes).max_encoding_message_size(max_message_bytes);
        let rasad = SharedRoute::new(rasad, self, max_message_bytes);
        let mut builder = tonic::transport::Server::builder();
        if let Some(tls) = access.tls {
            builder = builder.tls_config(tls)?;
        }
        let (v1, v1alpha) = match access.reflection {
            true => (Some(reflection().build_v1()?), Some(reflection().build_v1alpha()?)),
            false => (None, None),
        };
        let limits = access.connections;
        builder
            .initial_connection_window_size(HTTP2_CONNECTION_WINDOW)
            .initial_stream_window_size(HTTP2_STREAM_WINDOW)
            .concurrency_limit_per_connection(limits.requests_per_connection)
            .http2_keepalive_interval(Some(limits.keepalive()))
            .http2_keepalive_timeout(Some(limits.keepalive()))
            .layer(AuthLayer(access.keys))
            .add_service(health_service)
            .add_optional_service(v1)
            .add_optional_service(v1alpha)
            .add_service(rasad)
            .serve_with_incoming_shutdown(connections::incoming(listener, limits), async move {
                shutdown.cancelled().await;
                health.set_not_serving::<RasadServiceServer<Service>>().await;
                tracing::info!("shutting down: finishing in-flight articles");
            })
            .await?;
        Ok(())
    }
}

/// Why the service could not start, or stopped serving before it was asked to.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Bus(#[from] BusError),
    #[error(transparent)]
    Grpc(#[from] tonic::transport::Error),
    #[error("cannot build the reflection service")]
    Reflection(#[from] tonic_reflection::server::Error),
    #[error("the HTTP front failed")]
    Http(#[from] std::io::Error),
    #[error("the HTTP front's task failed")]
    HttpTask(#[from] tokio::task::JoinError),
    #[error("the store writer thread panicked")]
    WriterPanicked,
}

/// Keeps the health service's status of the Rasad service that of the store (NOT_SERVING while it
/// reopens after an I/O error; in a front end of the distributed mode, while NATS or PostgreSQL
/// does not answer) until `shutdown`.
async fn report_health(mut serving: tokio::sync::watch::Receiver<bool>, health: HealthReporter, shutdown: CancellationToken) {
    loop {
        tokio::select! {
            () = shutdown.cancelled() => return,
            changed = serving.changed() => if changed.is_err() { return },
        }
        let now = *serving.borrow_and_update();
        set_health(&health, now).await;
    }
}

async fn set_health(health: &HealthReporter, serving: bool) {
    match serving {
        true => health.set_serving::<RasadServiceServer<Service>>().await,
        false => health.set_not_serving::<RasadServiceServer<Service>>().await,
    }
}

/// The store's writer thread, to wait for at shutdown (none in a front end of the distributed mode).
pub struct Closing(Option<std::thread::JoinHandle<()>>);

impl Closing {
    /// Waits (up to 30 s) for the writer to drain its queue and close the store. Its queue closes
    /// once every clone of the service is dropped.
    pub async fn wait(self) -> Result<(), ServeError> {
        let Some(writer_thread) = self.0 else { return Ok(()) };
        let joined = tokio::time::timeout(Duration::from_secs(30), tokio::task::spawn_blocking(move || writer_thread.join()));
        match joined.await {
            Ok(Ok(Ok(()))) => tracing::info!("store closed"),
            Ok(_) => return Err(ServeError::WriterPanicked),
            Err(_) => tracing::warn!("the store writer did not finish within 30 s; exiting anyway (acknowledged articles are durable)"),
        }
        Ok(())
    }
}

#[tonic::async_trait]
impl RasadService for Service {
    async fn extract(&self, request: Request<Article>) -> Result<Response<ExtractResponse>, Status> {
        let article = request.into_inner();
        article::validate(&article, &self.shared.limits).map_err(refused)?;
        let (_, extraction) = self.shared.extract(article).await.map_err(|e| match e {
            Unextracted::Panicked(id) => Status::internal(format!("the extractor failed on article {id:?} (a bug: please report it)")),
            Unextracted::Cancelled => Status::cancelled("the request was cancelled"),
        })?;
        Ok(Response::new(bounded::extraction(extraction, self.shared.response_bytes)))
    }

    async fn get_event(&self, request: Request<GetEventRequest>) -> Result<Response<GetEventResponse>, Status> {
        let event = self.event(request.into_inner().event_id).await?;
        Ok(Response::new(GetEventResponse { event: Some(event) }))
    }

    async fn list_events(&self, request: Request<ListEventsRequest>) -> Result<Response<ListEventsResponse>, Status> {
        Ok(Response::new(self.events(request.into_inner()).await?))
    }

    async fn list_reports(&self, request: Request<ListReportsRequest>) -> Result<Response<ListReportsResponse>, Status> {
        Ok(Response::new(self.reports(request.into_inner()).await?))
    }
}

/// An article refused before extraction: too large is RESOURCE_EXHAUSTED, as gRPC has it.
fn refused(e: ArticleError) -> Status {
    match e {
        ArticleError::TooLarge { .. } => Status::resource_exhausted(e.to_string()),
        e => Status::invalid_argument(e.to_string()),
    }
}

/// `after_sequence` if the log reaches it. A sequence beyond the head was never sent by this
/// store (it was reset or restored from an older copy): following it would silently skip the
/// updates numbered up to it, so the client is told instead.
#[allow(clippy::result_large_err)]
fn resumable(after: u64, head: u64) -> Result<u64, Status> {
    if after > head {
        return Err(Status::out_of_range(format!(
            "after_sequence {after} is beyond the head of the update log ({head}): this store never sent it \
             (it was reset or restored); resubscribe with after_sequence <= {head}, or with snapshot"
        )));
    }
    Ok(after)
}

/// A failed read: a corrupt record is lost data (never served); anything else may pass.
fn storage(e: store::StoreError) -> Status {
    match e {
        e @ store::StoreError::Corrupt { .. } => Status::data_loss(e.to_string()),
        e => Status::unavailable(format!("{e}; retry later")),
    }
}
