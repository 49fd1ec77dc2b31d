//! `rasad worker`: a worker of the distributed mode (README, "Distributed mode") until SIGINT or
//! SIGTERM: pulls articles from the bus, extracts, merges and commits them to PostgreSQL, and
//! relays the committed updates (one worker's relay at a time). With `--metrics-addr` it serves
//! its Prometheus metrics.

use std::{net::SocketAddr, path::PathBuf, sync::Arc, time::Duration};

use axum::{Router, routing::get};
use clap::Args;
use tokio_util::sync::CancellationToken;

use super::serve::{BusNames, init_logging, on_signal};
use crate::{
    bus::Bus,
    extract::Extractor,
    merge::MergeConfig,
    store::postgres::PgStore,
    worker::{self, WorkerConfig, metrics::WorkerMetrics},
};

#[derive(Debug, Args)]
pub struct WorkerArgs {
    /// The PostgreSQL store of the events, postgres://user@host:port/database.
    #[arg(long, env = "RASAD_STORE")]
    pub store: String,
    /// The NATS JetStream server the front ends publish articles to, nats://host:port.
    #[arg(long, env = "RASAD_BUS")]
    pub bus: String,
    #[command(flatten)]
    pub names: BusNames,
    /// Extraction threads [default: the number of CPUs].
    #[arg(long, env = "RASAD_WORKERS")]
    pub workers: Option<usize>,
    /// Most articles merged and committed in one transaction.
    #[arg(long, env = "RASAD_BATCH", default_value_t = 64)]
    pub batch: usize,
    /// Knowledge-base directory layered over the built-in data (see data/README.md).
    #[arg(long, env = "RASAD_KB_DIR")]
    pub kb_dir: Option<PathBuf>,
    /// JSON file of merge thresholds and weights overriding the defaults (see `merge::MergeConfig`).
    #[arg(long, env = "RASAD_MERGE_CONFIG")]
    pub merge_config: Option<PathBuf>,
    /// Seconds an article's extraction may take before the article is set aside (dead-letter stream).
    #[arg(long, env = "RASAD_EXTRACT_TIMEOUT", default_value_t = 10.0)]
    pub extract_timeout: f64,
    /// Serve Prometheus metrics at http://ADDR/metrics.
    #[arg(long, env = "RASAD_METRICS_ADDR")]
    pub metrics_addr: Option<SocketAddr>,
}

pub async fn run(args: WorkerArgs) -> anyhow::Result<()> {
    init_logging();
    let extractor = Extractor::load(args.kb_dir.as_deref()).map_err(|e| anyhow::anyhow!("cannot load the knowledge base: {e}"))?;
    let extract_timeout = Duration::try_from_secs_f64(args.extract_timeout)
        .ok()
        .filter(|d| !d.is_zero())
        .ok_or_else(|| anyhow::anyhow!("--extract-timeout {} is not a positive number of seconds", args.extract_timeout))?;
    let config = WorkerConfig {
        threads: args.workers.unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get())),
        batch: args.batch,
        extract_timeout,
        merge: args.merge_config.as_deref().map(MergeConfig::load).transpose()?.unwrap_or_default(),
    };
    let store = PgStore::connect(&args.store).await?;
    let bus = Bus::connect(args.names.config(&args.bus)?).await?;
    let shutdown = CancellationToken::new();
    tokio::spawn(on_signal(shutdown.clone()));
    let metrics = WorkerMetrics::default();
    if let Some(addr) = args.metrics_addr {
        serve_metrics(addr, metrics.clone()).await?;
    }
    Ok(worker::run(store, bus, Arc::new(extractor), config, metrics, shutdown).await?)
}

/// Serves the worker's metrics on `addr`.
async fn serve_metrics(addr: SocketAddr, metrics: WorkerMetrics) -> anyhow::Result<()> {
    let render = move || {
        let out = metrics.render();
        async move { out }
    };
    let listener = tokio::net::TcpListener::bind(addr).await.map_err(|e| anyhow::anyhow!("cannot listen on {addr}: {e}"))?;
    tokio::spawn(async move { axum::serve(listener, Router::new().route("/metrics", get(render))).await });
    Ok(())
}
