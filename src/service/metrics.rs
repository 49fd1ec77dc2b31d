//! Prometheus metrics: what the service counts and times, rendered in the text format for the
//! HTTP front's `/metrics`.

use std::sync::Arc;

use prometheus_client::{
    encoding::{EncodeLabelSet, EncodeLabelValue, LabelValueEncoder, text::encode},
    metrics::{counter::Counter, family::Family, gauge::Gauge, histogram::Histogram},
    registry::Registry,
};

/// What happened to an ingested article (the `outcome` label).
#[derive(Clone, Copy, Debug, Hash, PartialEq, Eq)]
pub enum Outcome {
    Accepted,
    Duplicate,
    Rejected,
}

impl EncodeLabelValue for Outcome {
    fn encode(&self, encoder: &mut LabelValueEncoder) -> Result<(), std::fmt::Error> {
        let name = match self {
            Outcome::Accepted => "accepted",
            Outcome::Duplicate => "duplicate",
            Outcome::Rejected => "rejected",
        };
        EncodeLabelValue::encode(&name, encoder)
    }
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct OutcomeLabel {
    pub outcome: Outcome,
}

/// Every metric the service records. Cheap to clone (the metrics are shared handles).
#[derive(Clone)]
pub struct Metrics {
    pub articles: Family<OutcomeLabel, Counter>,
    pub extraction_seconds: Histogram,
    /// Extractions stopped because their request went away (deadline, cancellation).
    pub extractions_cancelled: Counter,
    pub events_created: Counter,
    pub events_updated: Counter,
    pub subscribers: Gauge,
    /// How far behind the log head each delivered update was (in updates).
    pub subscriber_lag: Histogram,
    /// Times a subscriber fell behind the live buffer and read the gap from the store.
    pub subscriber_catchups: Counter,
    /// Time of each store transaction, from its first write to the end of its `fsync`.
    pub commit_seconds: Histogram,
    /// Articles per store transaction (the writer commits all that are waiting at once).
    pub commit_articles: Histogram,
    /// Stored records found corrupt (failing their checksum) and skipped.
    pub store_corrupt_records: Counter,
    registry: Arc<Registry>,
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("rasad");
        let articles = Family::<OutcomeLabel, Counter>::default();
        registry.register("articles_ingested", "Articles received by Ingest, by outcome", articles.clone());
        let extraction_seconds = Histogram::new([0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1]);
        registry.register("extraction_seconds", "Extraction time per article", extraction_seconds.clone());
        let extractions_cancelled = Counter::default();
        registry.register(
            "extractions_cancelled",
            "Extractions stopped because their request went away (deadline, cancellation)",
            extractions_cancelled.clone(),
        );
        let events_created = Counter::default();
        registry.register("events_created", "Stored events created", events_created.clone());
        let events_updated = Counter::default();
        registry.register("events_updated", "Stored events updated by a later article", events_updated.clone());
        let subscribers = Gauge::default();
        registry.register("subscribers", "Open Subscribe streams", subscribers.clone());
        let subscriber_lag = Histogram::new([0.0, 1.0, 10.0, 100.0, 1000.0, 10000.0, 100000.0]);
        registry.register("subscriber_lag_updates", "Log head minus the sequence of each delivered update", subscriber_lag.clone());
        let subscriber_catchups = Counter::default();
        registry.register(
            "subscriber_catchups",
            "Reads of the stored log by subscribers behind the live buffer",
            subscriber_catchups.clone(),
        );
        let commit_seconds = Histogram::new([0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0]);
        registry.register("commit_seconds", "Time of each store transaction, writes and fsync", commit_seconds.clone());
        let commit_articles = Histogram::new([1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0, 512.0, 1024.0]);
        registry.register("commit_articles", "Articles per store transaction", commit_articles.clone());
        let store_corrupt_records = Counter::default();
        registry.register(
            "store_corrupt_records",
            "Stored records found corrupt (failing their checksum) and skipped",
            store_corrupt_records.clone(),
        );
        Metrics {
            articles,
            extraction_seconds,
            extractions_cancelled,
            events_created,
            events_updated,
            subscribers,
            subscriber_lag,
            subscriber_catchups,
            commit_seconds,
            commit_articles,
            store_corrupt_records,
            registry: Arc::new(registry),
        }
    }
}

impl Metrics {
    pub fn count_article(&self, outcome: Outcome) {
        self.articles.get_or_create(&OutcomeLabel { outcome }).inc();
    }

    /// The metrics in the Prometheus text format.
    pub fn render(&self) -> String {
        let mut out = String::new();
        encode(&mut out, &self.registry).expect("writing to a String cannot fail");
        out
    }
}
