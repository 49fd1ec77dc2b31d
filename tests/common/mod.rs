//! Shared test helpers: an in-process server on an ephemeral port, a scripted extractor whose
//! events are written in the article text, and small client utilities.
#![allow(dead_code)] // each test crate uses a different subset

pub mod adversarial;
pub mod cluster;
pub mod http;
pub mod raw;
pub mod servers;
pub mod webdriver;

use std::{
    path::Path,
    process::{Child, Command, Stdio},
    sync::Arc,
    time::Duration,
};

use rasad::{
    article::Limits,
    merge::MergeConfig,
    proto::{
        Article, Event, EventDate, EventStatus, EventType, EventUpdate, ExtractResponse, IngestResult, Participant, SubscribeRequest,
        rasad_service_client::RasadServiceClient,
    },
    server::{self, Listeners},
    service::{Config, EventExtractor, ServeError},
    store::Store,
};
use tokio::net::TcpListener;
use tokio_stream::wrappers::ReceiverStream;
use tokio_util::sync::CancellationToken;
use tonic::{Streaming, transport::Channel};

pub type Client = RasadServiceClient<Channel>;

/// Extracts one event per line `EVENT <TYPE> <STATUS> <COUNTRY>...` (e.g. `EVENT CONSULT
/// OCCURRED RUS USA`), dated 2019-05-14.
pub struct Scripted;

impl EventExtractor for Scripted {
    fn extract(&self, article: &Article) -> ExtractResponse {
        let events = article
            .text
            .lines()
            .filter_map(|line| line.strip_prefix("EVENT "))
            .enumerate()
            .map(|(i, spec)| {
                let mut words = spec.split_whitespace();
                let event_type = EventType::from_str_name(&format!("EVENT_TYPE_{}", words.next().unwrap())).unwrap();
                let status = EventStatus::from_str_name(&format!("EVENT_STATUS_{}", words.next().unwrap())).unwrap();
                Event {
                    id: format!("{}#{}", article.id, i + 1),
                    event_type: event_type.into(),
                    status: status.into(),
                    participants: words
                        .map(|c| Participant { actor_id: format!("state/{c}"), country: c.into(), ..Default::default() })
                        .collect(),
                    date: Some(EventDate { start: "2019-05-14".into(), ..Default::default() }),
                    ..Default::default()
                }
            })
            .collect();
        ExtractResponse { article_id: article.id.clone(), events, warnings: vec![] }
    }
}

/// Returns prepared events by article id: a year-dated meeting in Sochi ("early"), a day-dated
/// one with no place ("late") that are too far apart to merge, and a report ("bridge") that
/// matches both.
pub struct Prepared;

impl EventExtractor for Prepared {
    fn extract(&self, article: &Article) -> ExtractResponse {
        use rasad::proto::{DatePrecision, Location};
        let date = |start: &str, precision: DatePrecision| {
            Some(EventDate { start: start.into(), precision: precision.into(), ..Default::default() })
        };
        let sochi = Some(Location { name_en: "Sochi".into(), country: "RUS".into(), ..Default::default() });
        let (date, location) = match article.id.as_str() {
            "early" => (date("2019", DatePrecision::Year), sochi),
            "late" => (date("2019-05-14", DatePrecision::Day), None),
            _ => (date("2019-05-14", DatePrecision::Day), sochi),
        };
        let event = Event { date, location, ..occurred_consultation(&["RUS", "USA"]) };
        ExtractResponse { article_id: article.id.clone(), events: vec![event], warnings: vec![] }
    }
}

/// A consultation that took place between these states, undated and unplaced.
pub fn occurred_consultation(states: &[&str]) -> Event {
    Event {
        event_type: EventType::Consult.into(),
        status: EventStatus::Occurred.into(),
        participants: states
            .iter()
            .map(|c| Participant { actor_id: format!("state/{c}"), country: c.to_string(), ..Default::default() })
            .collect(),
        ..Default::default()
    }
}

pub fn article(id: &str, text: &str) -> Article {
    Article { id: id.into(), text: text.into(), published_at: "2019-05-14".into(), ..Default::default() }
}

/// A server running in this process until dropped.
pub struct TestServer {
    pub url: String,
    /// The HTTP front: `/metrics`, `/api/...`, the page.
    pub http_addr: std::net::SocketAddr,
    shutdown: CancellationToken,
    task: Option<tokio::task::JoinHandle<Result<(), ServeError>>>,
    pub dir: tempfile::TempDir,
    /// The database, streams and workers of a front end of the distributed mode.
    pub cluster: Option<Arc<cluster::Cluster>>,
}

impl TestServer {
    pub async fn start(extractor: Arc<dyn EventExtractor>) -> TestServer {
        Self::start_in(tempfile::tempdir().unwrap(), extractor).await
    }

    pub async fn start_in(dir: tempfile::TempDir, extractor: Arc<dyn EventExtractor>) -> TestServer {
        let store = Store::open(dir.path()).unwrap();
        Self::start_on(store, dir, extractor).await
    }

    /// A server of `store` (on any storage backend); `dir` is its data directory.
    pub async fn start_on(store: Store, dir: tempfile::TempDir, extractor: Arc<dyn EventExtractor>) -> TestServer {
        Self::launch(dir, |config, listeners, shutdown| server::serve_store(store, config, listeners, extractor, shutdown)).await
    }

    /// A front end of the distributed mode on a cluster of its own (a new database and streams)
    /// with one worker.
    pub async fn start_distributed(extractor: Arc<dyn EventExtractor>) -> TestServer {
        let cluster = Arc::new(cluster::Cluster::new().await);
        cluster.start_worker(extractor.clone()).await;
        Self::front_of(cluster, extractor).await
    }

    /// One more front end of `cluster`.
    pub async fn front_of(cluster: Arc<cluster::Cluster>, extractor: Arc<dyn EventExtractor>) -> TestServer {
        let distributed = cluster.distributed.clone();
        let dir = tempfile::tempdir().unwrap();
        let mut server =
            Self::launch(dir, |config, listeners, shutdown| server::serve_distributed(config, distributed, listeners, extractor, shutdown))
                .await;
        server.cluster = Some(cluster);
        server
    }

    /// Binds the ports and runs `serve` on them.
    async fn launch<F>(dir: tempfile::TempDir, serve: impl FnOnce(Config, Listeners, CancellationToken) -> F) -> TestServer
    where
        F: Future<Output = Result<(), ServeError>> + Send + 'static,
    {
        let grpc = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", grpc.local_addr().unwrap());
        let http = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let http_addr = http.local_addr().unwrap();
        let config = Config {
            data_dir: dir.path().to_path_buf(),
            workers: 2,
            limits: Limits { max_article_bytes: 64 * 1024 },
            max_message_bytes: 1 << 20,
            merge: MergeConfig::default(),
            access: Default::default(),
        };
        let shutdown = CancellationToken::new();
        let task = tokio::spawn(serve(config, Listeners { grpc, http: Some(http) }, shutdown.clone()));
        TestServer { url, http_addr, shutdown, task: Some(task), dir, cluster: None }
    }

    pub async fn client(&self) -> Client {
        connect(&self.url).await
    }

    /// The URL of `path` on the HTTP front.
    pub fn http(&self, path: &str) -> String {
        format!("http://{}{path}", self.http_addr)
    }

    /// The value of the metric line starting with `name` on the server's /metrics page.
    pub async fn metric(&self, name: &str) -> f64 {
        let response = http::get(&self.http("/metrics")).await.body;
        let line = response.lines().find(|l| l.starts_with(name)).unwrap_or_else(|| panic!("no {name} in {response}"));
        line.rsplit(' ').next().unwrap().parse().unwrap()
    }

    /// Shuts down gracefully and hands back the data directory.
    pub async fn stop(mut self) -> tempfile::TempDir {
        self.shutdown.cancel();
        let task = self.task.take().unwrap();
        tokio::time::timeout(Duration::from_secs(20), task).await.expect("graceful shutdown").unwrap().unwrap();
        let dir = tempfile::tempdir().unwrap();
        std::mem::replace(&mut self.dir, dir)
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.shutdown.cancel();
    }
}

/// Connects, retrying while the server starts.
pub async fn connect(url: &str) -> Client {
    for _ in 0..200 {
        if let Ok(c) = RasadServiceClient::connect(url.to_string()).await {
            return c;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("no server at {url}");
}

/// A client that takes at most `window` bytes of a response before the test reads them (its
/// HTTP/2 flow-control windows): a subscriber that stops reading holds the server after a few
/// dozen kilobytes, as a slow one does.
pub async fn slow_reader(url: &str, window: u32) -> Client {
    let endpoint = tonic::transport::Endpoint::from_shared(url.to_string()).unwrap();
    let channel = endpoint.initial_stream_window_size(window).initial_connection_window_size(window).connect().await.unwrap();
    RasadServiceClient::new(channel)
}

/// `articles` as the request stream of an Ingest call, sent as the server reads them.
pub fn article_stream(articles: Vec<Article>) -> ReceiverStream<Article> {
    let (tx, rx) = tokio::sync::mpsc::channel(64);
    tokio::spawn(async move {
        for a in articles {
            if tx.send(a).await.is_err() {
                break;
            }
        }
    });
    ReceiverStream::new(rx)
}

/// Ingests `articles` on one stream; returns the results.
pub async fn ingest(client: &mut Client, articles: Vec<Article>) -> Vec<IngestResult> {
    let mut results = client.ingest(article_stream(articles)).await.unwrap().into_inner();
    let mut out = Vec::new();
    while let Some(r) = results.message().await.unwrap() {
        out.push(r);
    }
    out
}

pub async fn subscribe(client: &mut Client, request: SubscribeRequest) -> Streaming<EventUpdate> {
    client.subscribe(request).await.unwrap().into_inner()
}

/// The next `n` updates (failing after 20 s).
pub async fn take(stream: &mut Streaming<EventUpdate>, n: usize) -> Vec<EventUpdate> {
    let mut out = Vec::with_capacity(n);
    while out.len() < n {
        let next = tokio::time::timeout(Duration::from_secs(20), stream.message()).await;
        match next.expect("an update within 20 s").unwrap() {
            Some(u) => out.push(u),
            None => panic!("stream ended after {} of {n} updates", out.len()),
        }
    }
    out
}

/// Asserts no update arrives within `ms` milliseconds.
pub async fn assert_quiet(stream: &mut Streaming<EventUpdate>, ms: u64) {
    if let Ok(next) = tokio::time::timeout(Duration::from_millis(ms), stream.message()).await {
        panic!("unexpected update: {next:?}");
    }
}

pub fn sequences(updates: &[EventUpdate]) -> Vec<u64> {
    updates.iter().map(|u| u.sequence).collect()
}

/// Every update of `request` until none arrives for 500 ms.
pub async fn drain(client: &mut Client, request: SubscribeRequest) -> Vec<rasad::proto::EventUpdate> {
    let mut stream = subscribe(client, request).await;
    let mut out = Vec::new();
    while let Ok(Ok(Some(u))) = tokio::time::timeout(Duration::from_millis(500), stream.message()).await {
        out.push(u);
    }
    out
}

/// `rasad serve` on ports it picks itself (no race with other tests for a free port),
/// killed (SIGKILL) when dropped. Its log lines arrive on `log`.
pub struct Server {
    pub child: Child,
    pub addr: String,
    /// The HTTP front's address.
    pub http_addr: String,
    pub log: std::sync::mpsc::Receiver<String>,
}

/// A log line without its colour codes.
pub fn plain(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            chars.by_ref().find(|c| c.is_ascii_alphabetic());
        } else {
            out.push(c);
        }
    }
    out
}

impl Server {
    pub fn start(dir: &Path) -> Server {
        Server::start_at(dir, "127.0.0.1:0")
    }

    /// `rasad serve` listening on `addr` (to restart one where its clients left it).
    pub fn start_at(dir: &Path, addr: &str) -> Server {
        Server::launch(dir, addr, &[])
    }

    /// `rasad serve` with more flags (TLS, keys...).
    pub fn start_with(dir: &Path, flags: &[&str]) -> Server {
        Server::launch(dir, "127.0.0.1:0", flags)
    }

    /// `rasad serve` with more flags, allowed `descriptors` open files (`ulimit -n`).
    pub fn start_with_descriptors(dir: &Path, flags: &[&str], descriptors: u32) -> Server {
        let limited = format!("ulimit -n {descriptors} && exec \"$0\" \"$@\"");
        Server::launch_by(Command::new("sh").args(["-c", &limited, env!("CARGO_BIN_EXE_rasad")]), dir, "127.0.0.1:0", flags)
    }

    fn launch(dir: &Path, addr: &str, flags: &[&str]) -> Server {
        Server::launch_by(&mut Command::new(env!("CARGO_BIN_EXE_rasad")), dir, addr, flags)
    }

    fn launch_by(command: &mut Command, dir: &Path, addr: &str, flags: &[&str]) -> Server {
        let mut child = command
            .args(["serve", "--addr", addr, "--http-addr", "127.0.0.1:0", "--workers", "2", "--data-dir"])
            .arg(dir)
            .args(flags)
            .env("RUST_LOG", "info")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let lines = std::io::BufRead::lines(std::io::BufReader::new(child.stderr.take().unwrap()));
        let (tx, log) = std::sync::mpsc::channel();
        std::thread::spawn(move || lines.map_while(Result::ok).try_for_each(|line| tx.send(plain(&line))));
        // The addresses it bound, from its "serving" line.
        let field = |line: &str, name: &str| line.split_once(name).map(|(_, rest)| rest.split_whitespace().next().unwrap().to_string());
        let (addr, http_addr) = loop {
            let line = log.recv_timeout(Duration::from_secs(30)).expect("the server starts serving");
            if line.contains(" serving")
                && let (Some(addr), Some(http)) = (field(&line, " addr="), field(&line, " http="))
            {
                break (addr, http);
            }
        };
        Server { child, addr, http_addr, log }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn kill(&mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
