//! `rasad serve`: runs the gRPC service and the HTTP front (the live page, the JSON API,
//! `/metrics`) until SIGINT or SIGTERM; SIGHUP reloads the knowledge base (the built-in data and
//! `--kb-dir`) without dropping streams.

use std::{net::SocketAddr, path::PathBuf, sync::Arc, time::Duration};

use clap::Args;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tonic::transport::{Certificate, Identity, ServerTlsConfig};

use crate::{
    article::Limits,
    bus::BusConfig,
    extract::Extractor,
    merge::MergeConfig,
    server::{self, Distributed, Listeners},
    service::{Access, Config, auth::Keys, connections::ConnectionLimits, extractor_slot::ExtractorSlot},
};

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on for gRPC.
    #[arg(long, env = "RASAD_ADDR", default_value = "127.0.0.1:50051")]
    pub addr: SocketAddr,
    /// Directory of the store (created if missing).
    #[arg(long, env = "RASAD_DATA_DIR", default_value = "./rasad-data")]
    pub data_dir: PathBuf,
    /// Extraction threads [default: the number of CPUs].
    #[arg(long, env = "RASAD_WORKERS")]
    pub workers: Option<usize>,
    /// Largest accepted article text, in bytes.
    #[arg(long, env = "RASAD_MAX_ARTICLE_BYTES", default_value_t = Limits::default().max_article_bytes)]
    pub max_article_bytes: usize,
    /// Largest accepted gRPC message, in bytes.
    #[arg(long, env = "RASAD_MAX_MESSAGE_BYTES", default_value_t = 4 << 20)]
    pub max_message_bytes: usize,
    /// Knowledge-base directory layered over the built-in data (see data/README.md).
    #[arg(long, env = "RASAD_KB_DIR")]
    pub kb_dir: Option<PathBuf>,
    /// JSON file of merge thresholds and weights overriding the defaults (see `merge::MergeConfig`).
    #[arg(long, env = "RASAD_MERGE_CONFIG")]
    pub merge_config: Option<PathBuf>,
    /// Address of the HTTP front: the live page at /, the JSON API under /api/, Prometheus /metrics.
    #[arg(long, env = "RASAD_HTTP_ADDR", default_value = "127.0.0.1:8080")]
    pub http_addr: SocketAddr,
    /// Serve no HTTP (no page, JSON API or metrics); gRPC only.
    #[arg(long, env = "RASAD_NO_HTTP")]
    pub no_http: bool,
    /// Serve the HTTP front on a non-loopback address even though it has neither TLS nor keys
    /// while gRPC has them (put it behind a proxy that does).
    #[arg(long, env = "RASAD_HTTP_INSECURE")]
    pub http_insecure: bool,
    /// Serve gRPC over TLS with this certificate chain (PEM); needs --tls-key.
    #[arg(long, env = "RASAD_TLS_CERT", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// The private key (PEM) of --tls-cert.
    #[arg(long, env = "RASAD_TLS_KEY", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// Mutual TLS: clients must present a certificate signed by this CA (PEM).
    #[arg(long, env = "RASAD_TLS_CLIENT_CA", requires = "tls_cert")]
    pub tls_client_ca: Option<PathBuf>,
    /// Bearer tokens callers must send, one `role token` a line (role read or write; see README).
    #[arg(long, env = "RASAD_API_KEYS")]
    pub api_keys: Option<PathBuf>,
    /// Turn gRPC reflection off.
    #[arg(long, env = "RASAD_NO_REFLECTION")]
    pub no_reflection: bool,
    /// gRPC connections open at once. One more takes the place of the oldest connection that
    /// has not sent a byte yet, or is refused when all have. Keep it under the process's
    /// descriptor limit (`ulimit -n`).
    #[arg(long, env = "RASAD_MAX_CONNECTIONS", default_value_t = ConnectionLimits::default().max)]
    pub max_connections: usize,
    /// Seconds a gRPC connection may send nothing before it is closed (live clients answer the
    /// server's keepalive pings, sent three times as often, so only dead or abandoned ones are).
    #[arg(long, env = "RASAD_IDLE_TIMEOUT", default_value_t = ConnectionLimits::default().idle.as_secs_f64())]
    pub idle_timeout: f64,
    /// Requests (streams included) running at once on one gRPC connection.
    #[arg(long, env = "RASAD_MAX_REQUESTS_PER_CONNECTION", default_value_t = ConnectionLimits::default().requests_per_connection)]
    pub max_requests_per_connection: usize,
    /// Distributed mode (see README): the PostgreSQL store of the events, postgres://user@host:port/database
    /// (--data-dir is then unused); needs --bus.
    #[arg(long, env = "RASAD_STORE", requires = "bus")]
    pub store: Option<String>,
    /// Distributed mode: the NATS JetStream server that carries articles to `rasad worker`s and
    /// updates to front ends, nats://host:port; needs --store.
    #[arg(long, env = "RASAD_BUS", requires = "store")]
    pub bus: Option<String>,
    #[command(flatten)]
    pub names: BusNames,
}

/// How the distributed mode names its streams and holds its articles.
#[derive(Debug, Clone, Args)]
pub struct BusNames {
    /// Distributed mode: prefix of the stream and subject names (one per deployment).
    #[arg(long, env = "RASAD_PREFIX", default_value = "rasad")]
    pub prefix: String,
    /// Distributed mode: seconds a worker may hold an article before JetStream gives it to another.
    #[arg(long, env = "RASAD_ACK_WAIT", default_value_t = 30.0)]
    pub ack_wait: f64,
}

impl BusNames {
    /// The bus at `url`, named and timed as these flags say.
    pub fn config(&self, url: &str) -> anyhow::Result<BusConfig> {
        let ack_wait = Duration::try_from_secs_f64(self.ack_wait)
            .ok()
            .filter(|d| !d.is_zero())
            .ok_or_else(|| anyhow::anyhow!("--ack-wait {} is not a positive number of seconds", self.ack_wait))?;
        Ok(BusConfig { url: url.to_string(), prefix: self.prefix.clone(), ack_wait })
    }
}

impl ServeArgs {
    /// TLS, keys and reflection as the flags say.
    fn access(&self) -> anyhow::Result<Access> {
        let tls = match (&self.tls_cert, &self.tls_key) {
            (Some(cert), Some(key)) => {
                let tls = ServerTlsConfig::new().identity(Identity::from_pem(read(cert)?, read(key)?));
                Some(match &self.tls_client_ca {
                    Some(ca) => tls.client_ca_root(Certificate::from_pem(read(ca)?)),
                    None => tls,
                })
            }
            _ => None,
        };
        let keys = self.api_keys.as_deref().map(Keys::load).transpose()?.unwrap_or_default();
        let idle = Duration::try_from_secs_f64(self.idle_timeout)
            .ok()
            .filter(|d| !d.is_zero())
            .ok_or_else(|| anyhow::anyhow!("--idle-timeout {} is not a positive number of seconds", self.idle_timeout))?;
        let connections =
            ConnectionLimits { max: self.max_connections.max(1), idle, requests_per_connection: self.max_requests_per_connection.max(1) };
        Ok(Access { tls, keys, reflection: !self.no_reflection, connections })
    }

    /// The HTTP front has neither TLS nor keys: when gRPC has them, it stays on loopback unless
    /// --http-insecure says otherwise.
    fn check_http(&self, access: &Access) -> anyhow::Result<()> {
        let secured = access.tls.is_some() || access.keys.required();
        if secured && !self.no_http && !self.http_addr.ip().is_loopback() && !self.http_insecure {
            anyhow::bail!(
                "--http-addr {} is not a loopback address, and the HTTP front (page, JSON API, metrics) has neither TLS nor \
                 API keys: bind it to 127.0.0.1, or pass --http-insecure to serve it there anyway (e.g. behind a proxy), or --no-http",
                self.http_addr
            );
        }
        Ok(())
    }
}

fn read(path: &std::path::Path) -> anyhow::Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))
}

/// Logs to stderr, as `RUST_LOG` says (info by default).
pub(crate) fn init_logging() {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info,h2=warn,tower=warn".into()))
        .with_writer(std::io::stderr)
        .init();
}

pub async fn run(args: ServeArgs) -> anyhow::Result<()> {
    init_logging();
    let access = args.access()?;
    args.check_http(&access)?;
    let extractor = Extractor::load(args.kb_dir.as_deref()).map_err(|e| anyhow::anyhow!("cannot load the knowledge base: {e}"))?;
    let workers = args.workers.unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()));
    let listeners = Listeners { grpc: bind(args.addr).await?, http: if args.no_http { None } else { Some(bind(args.http_addr).await?) } };
    let config = Config {
        data_dir: args.data_dir,
        workers,
        limits: Limits { max_article_bytes: args.max_article_bytes },
        max_message_bytes: args.max_message_bytes,
        merge: args.merge_config.as_deref().map(MergeConfig::load).transpose()?.unwrap_or_default(),
        access,
    };
    let shutdown = CancellationToken::new();
    tokio::spawn(on_signal(shutdown.clone()));
    let extractor = ExtractorSlot::new(Arc::new(extractor));
    // Watched from now on: an unwatched SIGHUP would end the process.
    #[cfg(unix)]
    match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup()) {
        Ok(hangups) => {
            tokio::spawn(reload_on_hangup(hangups, extractor.clone(), args.kb_dir));
        }
        Err(e) => tracing::warn!(error = %e, "cannot watch SIGHUP; the knowledge base will not reload"),
    }
    match (args.store, args.bus) {
        (Some(store), Some(bus)) => {
            let distributed = Distributed { store, bus: args.names.config(&bus)? };
            Ok(server::serve_distributed(config, distributed, listeners, extractor, shutdown).await?)
        }
        _ => Ok(server::serve(config, listeners, extractor, shutdown).await?),
    }
}

async fn bind(addr: SocketAddr) -> anyhow::Result<TcpListener> {
    TcpListener::bind(addr).await.map_err(|e| anyhow::anyhow!("cannot listen on {addr}: {e}"))
}

/// Reloads the knowledge base on each SIGHUP; a knowledge base that fails to load is reported
/// and the current one stays.
#[cfg(unix)]
async fn reload_on_hangup(mut hangups: tokio::signal::unix::Signal, extractor: ExtractorSlot, kb_dir: Option<PathBuf>) {
    while hangups.recv().await.is_some() {
        let kb_dir = kb_dir.clone();
        match tokio::task::spawn_blocking(move || Extractor::load(kb_dir.as_deref())).await {
            Ok(Ok(loaded)) => {
                extractor.replace(Arc::new(loaded));
                tracing::info!("knowledge base reloaded");
            }
            Ok(Err(e)) => tracing::error!(error = %e, "cannot reload the knowledge base; keeping the current one"),
            Err(e) => tracing::error!(error = %e, "reloading the knowledge base failed; keeping the current one"),
        }
    }
}

/// Cancels `shutdown` on SIGINT or SIGTERM.
pub(crate) async fn on_signal(shutdown: CancellationToken) {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot watch SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        () = terminate => {}
    }
    tracing::info!("signal received");
    shutdown.cancel();
}
