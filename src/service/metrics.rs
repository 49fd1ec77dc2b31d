//! Prometheus metrics: what the service counts and times, rendered in the text format for the
//! HTTP front's `/metrics`; and the CPU time of the process ([`ProcessCpu`]), which the
//! distributed mode's worker reports too.

use std::sync::Arc;

use prometheus_client::{
    collector::Collector,
    encoding::{DescriptorEncoder, EncodeLabelSet, EncodeLabelValue, EncodeMetric, LabelValueEncoder, text::encode},
    metrics::{
        TypedMetric,
        counter::{ConstCounter, Counter},
        family::Family,
        gauge::Gauge,
        histogram::Histogram,
    },
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
    /// Hand-overs of committed updates to the live subscribers: each wakes every waiting one.
    pub live_batches: Counter,
    /// Snapshots being read by subscribers: each holds a read transaction of the store.
    pub snapshots_open: Gauge,
    /// Events read from the store for snapshots (each once per snapshot, a page at a time).
    pub snapshot_events: Counter,
    /// Time of each store transaction, from its first write to the end of its `fsync`.
    pub commit_seconds: Histogram,
    /// Articles per store transaction (the writer commits all that are waiting at once).
    pub commit_articles: Histogram,
    /// Stored records found corrupt (failing their checksum) and skipped.
    pub store_corrupt_records: Counter,
    /// A front end of the distributed mode: an article's publication, until JetStream
    /// acknowledged it.
    pub publish_seconds: Histogram,
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
        let live_batches = Counter::default();
        registry.register(
            "live_batches",
            "Hand-overs of committed updates to the live subscribers (each wakes every waiting subscriber)",
            live_batches.clone(),
        );
        let snapshots_open = Gauge::default();
        registry.register(
            "snapshots_open",
            "Snapshots being read by subscribers, each holding a read transaction of the store",
            snapshots_open.clone(),
        );
        let snapshot_events = Counter::default();
        registry.register("snapshot_events_read", "Events read from the store for snapshot subscriptions", snapshot_events.clone());
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
        let publish_seconds = Histogram::new([0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1, 1.0]);
        registry.register(
            "publish_seconds",
            "Distributed mode: an article's publication by a front end, until JetStream acknowledged it",
            publish_seconds.clone(),
        );
        registry.register_collector(Box::new(ProcessCpu));
        Metrics {
            publish_seconds,
            articles,
            extraction_seconds,
            extractions_cancelled,
            events_created,
            events_updated,
            subscribers,
            subscriber_lag,
            subscriber_catchups,
            live_batches,
            snapshots_open,
            snapshot_events,
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

/// The CPU time (user and system) this process has used, as `<prefix>_process_cpu_seconds_total`:
/// with the articles counted over the same time, the CPU an article costs in each process.
#[derive(Debug)]
pub struct ProcessCpu;

impl Collector for ProcessCpu {
    fn encode(&self, mut encoder: DescriptorEncoder) -> Result<(), std::fmt::Error> {
        let Some(seconds) = process_cpu_seconds() else { return Ok(()) };
        let counter = ConstCounter::new(seconds);
        let metric = encoder.encode_descriptor(
            "process_cpu_seconds",
            "CPU time of this process, user and system",
            None,
            ConstCounter::<f64>::TYPE,
        )?;
        counter.encode(metric)
    }
}

/// User and system time from `/proc/self/stat` (Linux), in clock ticks of 1/100 s (`USER_HZ`,
/// 100 on every Linux architecture this runs on).
fn process_cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // After the command name in parentheses: state is field 3; utime and stime are 14 and 15.
    let mut fields = stat.rsplit_once(')')?.1.split_whitespace().skip(11);
    let (user, system): (f64, f64) = (fields.next()?.parse().ok()?, fields.next()?.parse().ok()?);
    Some((user + system) / 100.0)
}
