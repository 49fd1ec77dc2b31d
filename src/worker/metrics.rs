//! What a worker of the distributed mode counts and times, served by `rasad worker
//! --metrics-addr` in the Prometheus text format (prefix `rasad_worker`): the articles it set
//! aside, and the cost of each of its stages (extraction, merge and commit, relay), so that the
//! cost of an article can be told stage by stage (README, "Distributed mode"); and, within the
//! merge transaction, the wait for the merge lock, the catching up with other workers and the
//! tallies read back from PostgreSQL.

use std::sync::Arc;

use prometheus_client::{
    encoding::text::encode,
    metrics::{counter::Counter, histogram::Histogram},
    registry::Registry,
};

use crate::{bus::relay::RelayMetrics, service::metrics::ProcessCpu, store::postgres::commit::CommitMetrics};

/// The buckets of the stages of a merge transaction, in seconds.
const TRANSACTION_BUCKETS: [f64; 11] = [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0];

/// A worker's metrics. Cheap to clone (the metrics are shared handles).
#[derive(Clone)]
pub struct WorkerMetrics {
    /// Articles set aside in the dead-letter stream.
    pub set_aside: Counter,
    /// Extraction time per article.
    pub extraction_seconds: Histogram,
    /// Time of each merge transaction: catching up, merging, writing, committing.
    pub commit_seconds: Histogram,
    /// Articles per merge transaction.
    pub commit_articles: Histogram,
    /// Within the merge transaction.
    pub commit: CommitMetrics,
    pub relay: RelayMetrics,
    registry: Arc<Registry>,
}

impl Default for WorkerMetrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("rasad_worker");
        let set_aside = Counter::default();
        registry.register(
            "articles_set_aside",
            "Articles set aside in the dead-letter stream (the extractor failed or overran, or too many deliveries)",
            set_aside.clone(),
        );
        let extraction_seconds = Histogram::new([0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1]);
        registry.register("extraction_seconds", "Extraction time per article", extraction_seconds.clone());
        let commit_seconds = Histogram::new([0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0]);
        registry.register(
            "commit_seconds",
            "Time of each merge transaction (catching up with other workers, merging, writing, committing)",
            commit_seconds.clone(),
        );
        let commit_articles = Histogram::new([1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0]);
        registry.register("commit_articles", "Articles per merge transaction", commit_articles.clone());
        let commit = CommitMetrics {
            lock_wait_seconds: Histogram::new(TRANSACTION_BUCKETS),
            catch_up_seconds: Histogram::new(TRANSACTION_BUCKETS),
            plan_seconds: Histogram::new(TRANSACTION_BUCKETS),
            write_seconds: Histogram::new(TRANSACTION_BUCKETS),
            tallies_read: Counter::default(),
        };
        let stages = [
            ("lock_wait_seconds", "waited for the merge lock (held by another worker's transaction)", &commit.lock_wait_seconds),
            ("catch_up_seconds", "spent, under the lock, reading what other workers committed since", &commit.catch_up_seconds),
            (
                "plan_seconds",
                "spent, under the lock, deciding duplicates and planning its articles (merging in memory)",
                &commit.plan_seconds,
            ),
            ("write_seconds", "spent, under the lock, writing its rows and committing", &commit.write_seconds),
        ];
        for (name, what, histogram) in stages {
            registry.register(name, format!("Time each merge transaction {what}"), histogram.clone());
        }
        registry.register(
            "tallies_read",
            "Tallies of stored events folded again from their reports read back from PostgreSQL (not in memory)",
            commit.tallies_read.clone(),
        );
        let relay = RelayMetrics {
            seconds: Histogram::new([0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0]),
            updates: Counter::default(),
        };
        registry.register(
            "relay_seconds",
            "Time of each relayed chunk of the update log: reading it, publishing it, JetStream's acknowledgements",
            relay.seconds.clone(),
        );
        registry.register("relayed_updates", "Updates relayed to the updates stream by this worker", relay.updates.clone());
        registry.register_collector(Box::new(ProcessCpu));
        WorkerMetrics { set_aside, extraction_seconds, commit_seconds, commit_articles, commit, relay, registry: Arc::new(registry) }
    }
}

impl WorkerMetrics {
    /// The metrics in the Prometheus text format.
    pub fn render(&self) -> String {
        let mut out = String::new();
        encode(&mut out, &self.registry).expect("writing to a String cannot fail");
        out
    }
}
