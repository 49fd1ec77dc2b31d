//! A cluster of the distributed mode for one test: a PostgreSQL database and NATS streams of
//! its own (random names), so that tests and runs never see each other's data, and the workers
//! the test starts in this process. Dropped, it stops them and removes the database and streams.

use std::{
    hash::{BuildHasher, RandomState},
    sync::{Arc, Mutex},
    time::Duration,
};

use rasad::{
    bus::{Bus, BusConfig},
    merge::MergeConfig,
    server::Distributed,
    service::EventExtractor,
    store::postgres::PgStore,
    worker::{self, WorkerConfig, metrics::WorkerMetrics},
};
use tokio_util::sync::CancellationToken;

pub const POSTGRES: &str = "postgres://postgres@127.0.0.1:5432";
pub const NATS: &str = "nats://127.0.0.1:4222";

pub struct Cluster {
    pub distributed: Distributed,
    /// The PostgreSQL server, without a database.
    server: String,
    pub database: String,
    /// Stops the workers started in this process.
    workers: Mutex<Vec<CancellationToken>>,
}

/// A random name with `prefix`.
pub fn random_name(prefix: &str) -> String {
    format!("{prefix}{:016x}", RandomState::new().hash_one(std::time::SystemTime::now()))
}

/// Runs `sql` on the `postgres` database of `server`.
pub async fn admin(server: &str, sql: &str) {
    let (client, connection) = tokio_postgres::connect(&format!("{server}/postgres"), tokio_postgres::NoTls).await.unwrap();
    tokio::spawn(connection);
    client.batch_execute(sql).await.unwrap();
}

impl Cluster {
    /// A cluster on the machine's servers.
    pub async fn new() -> Cluster {
        Cluster::on(POSTGRES, NATS).await
    }

    /// A cluster on the PostgreSQL server `postgres` (without a database) and NATS at `nats`.
    pub async fn on(postgres: &str, nats: &str) -> Cluster {
        let database = random_name("rasad_test_");
        admin(postgres, &format!("CREATE DATABASE {database}")).await;
        let bus = BusConfig { url: nats.into(), prefix: random_name("t"), ack_wait: Duration::from_secs(2) };
        let distributed = Distributed { store: format!("{postgres}/{database}"), bus };
        Cluster { distributed, server: postgres.into(), database, workers: Mutex::default() }
    }

    /// Starts a worker in this process.
    pub async fn start_worker(&self, extractor: Arc<dyn EventExtractor>) {
        self.start_worker_counting(extractor, WorkerMetrics::default()).await;
    }

    /// Starts a worker in this process that counts and times in `metrics`.
    pub async fn start_worker_counting(&self, extractor: Arc<dyn EventExtractor>, metrics: WorkerMetrics) {
        let store = PgStore::connect(&self.distributed.store).await.unwrap();
        let bus = Bus::connect(self.distributed.bus.clone()).await.unwrap();
        let shutdown = CancellationToken::new();
        self.workers.lock().unwrap().push(shutdown.clone());
        let config = WorkerConfig { threads: 2, batch: 64, extract_timeout: Duration::from_secs(1), merge: MergeConfig::default() };
        tokio::spawn(worker::run(store, bus, extractor, config, metrics, shutdown));
    }

    /// `rasad worker` for this cluster, in a process of its own (killed when dropped is up to the
    /// caller).
    pub fn spawn_worker_process(&self) -> std::process::Child {
        std::process::Command::new(env!("CARGO_BIN_EXE_rasad"))
            .arg("worker")
            .args(self.flags())
            .args(["--workers", "2", "--batch", "8"])
            .env("RUST_LOG", "warn")
            .stdout(std::process::Stdio::null())
            .spawn()
            .unwrap()
    }

    /// A connection to this cluster's database.
    pub async fn database(&self) -> tokio_postgres::Client {
        let (client, connection) = tokio_postgres::connect(&self.distributed.store, tokio_postgres::NoTls).await.unwrap();
        tokio::spawn(connection);
        client
    }

    /// The flags of `rasad serve` and `rasad worker` for this cluster.
    pub fn flags(&self) -> Vec<String> {
        let bus = &self.distributed.bus;
        [
            "--store",
            &self.distributed.store,
            "--bus",
            &bus.url,
            "--prefix",
            &bus.prefix,
            "--ack-wait",
            &bus.ack_wait.as_secs_f64().to_string(),
        ]
        .map(String::from)
        .to_vec()
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        self.workers.lock().unwrap().iter().for_each(CancellationToken::cancel);
        let (server, database, bus) = (self.server.clone(), self.database.clone(), self.distributed.bus.clone());
        // Its own runtime: the test's may be shutting down.
        let cleanup = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            runtime.block_on(async {
                if let Ok(bus) = Bus::connect(bus).await {
                    let _ = bus.delete_streams().await;
                }
                admin(&server, &format!("DROP DATABASE IF EXISTS {database} WITH (FORCE)")).await;
            });
        });
        let _ = cleanup.join();
    }
}
