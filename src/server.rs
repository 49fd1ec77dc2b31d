//! `rasad serve` assembled: one [`Service`] answered over gRPC and over HTTP (the live page, the
//! JSON API and `/metrics`, see `crate::http`) until `shutdown`; then the store is closed. The
//! service runs on the embedded store, or as a front end of the distributed mode
//! ([`serve_distributed`]).

use std::{net::SocketAddr, time::Duration};

use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use crate::{
    bus::{Bus, BusConfig, front::Front},
    http,
    service::{Closing, Config, ServeError, Service, extractor_slot::ExtractorSlot, metrics::Metrics},
    store::{Store, postgres::PgStore},
};

/// How long a front end of the distributed mode waits for a worker to commit an article.
const RESULT_TIMEOUT: Duration = Duration::from_secs(60);

/// Where the distributed mode keeps its events and carries its articles and updates.
#[derive(Debug, Clone)]
pub struct Distributed {
    /// `postgres://…`
    pub store: String,
    pub bus: BusConfig,
}

/// Listening sockets, bound by the caller (so tests can use port 0).
pub struct Listeners {
    pub grpc: TcpListener,
    /// The HTTP front; none with `--no-http`.
    pub http: Option<TcpListener>,
}

/// Serves the store in `config.data_dir` until `shutdown` is cancelled, then stops taking
/// articles, finishes the ones in flight, ends the streams and closes the store.
pub async fn serve(
    config: Config,
    listeners: Listeners,
    extractor: impl Into<ExtractorSlot>,
    shutdown: CancellationToken,
) -> Result<(), ServeError> {
    serve_store(Store::open(&config.data_dir)?, config, listeners, extractor, shutdown).await
}

/// [`serve`] on a store already opened (on another storage backend, in tests).
pub async fn serve_store(
    store: Store,
    config: Config,
    listeners: Listeners,
    extractor: impl Into<ExtractorSlot>,
    shutdown: CancellationToken,
) -> Result<(), ServeError> {
    let (service, closing) = Service::open(store, &config, extractor, shutdown.clone())?;
    run(service, closing, config, listeners, shutdown).await
}

/// A front end of the distributed mode on `distributed` until `shutdown`: the same API, its
/// articles published to the bus, its reads from PostgreSQL.
pub async fn serve_distributed(
    config: Config,
    distributed: Distributed,
    listeners: Listeners,
    extractor: impl Into<ExtractorSlot>,
    shutdown: CancellationToken,
) -> Result<(), ServeError> {
    let store = PgStore::connect(&distributed.store).await?;
    let metrics = Metrics::default();
    let front = Front::start(Bus::connect(distributed.bus).await?, store.clone(), RESULT_TIMEOUT, metrics.publish_seconds.clone()).await?;
    let (service, closing) = Service::open_distributed(store, front, metrics, &config, extractor, shutdown.clone()).await?;
    run(service, closing, config, listeners, shutdown).await
}

/// Serves `service` on `listeners` until `shutdown`, then waits for it to close.
async fn run(
    service: Service,
    closing: Closing,
    config: Config,
    listeners: Listeners,
    shutdown: CancellationToken,
) -> Result<(), ServeError> {
    let http_addr = listeners.http.as_ref().map_or_else(|| "off".to_string(), |l| local(l).to_string());
    let front = listeners.http.map(|listener| tokio::spawn(http::serve(listener, service.clone(), shutdown.clone())));
    tracing::info!(addr = %local(&listeners.grpc), http = %http_addr, "serving");
    let grpc = service.serve_grpc(listeners.grpc, config.max_message_bytes, config.access).await;
    // The HTTP front ends with the gRPC server, also when that failed.
    shutdown.cancel();
    if let Some(front) = front {
        front.await??;
    }
    grpc?;
    closing.wait().await
}

fn local(listener: &TcpListener) -> SocketAddr {
    listener.local_addr().unwrap_or_else(|_| SocketAddr::from(([0, 0, 0, 0], 0)))
}
