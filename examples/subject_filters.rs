//! What JetStream filtering by subject would cost a front end and nats-server, measured on the
//! updates of a real run (README, "Distributed mode", "Where subscriber filters run"). It exists
//! to settle whether the updates' subjects should carry their type and countries so that
//! JetStream, not the front end, filters them for subscribers.
//!
//! It copies the updates stream of a `scripts/bench-distributed.sh` layout to a stream whose
//! subjects carry type and countries (`<prefix>.updates.<type>.<c1>.<c2>`, the countries sorted,
//! `_` for none, `many.many` for more than two), then reads the copy three ways, as one front
//! end would for subscribers each watching one of `--countries`:
//! - whole: one ordered consumer of the whole stream (what a front end does today);
//! - shared: one set of filtered consumers per distinct country filter (`*.X.*` and `*.*.X`:
//!   one consumer holds one filter subject on nats-server 2.9, and filters that may overlap
//!   are refused on 2.10) and one of `*.many.many` for them all;
//! - per subscriber: the same consumers for every subscriber (the design measured on dist3).
//!
//! Every message read is decoded as a front end decodes it. Printed per article: the CPU of
//! this process (the front end's reading) and of nats-server (`--nats-pid`). The merge of a
//! filter's consumers back into sequence order, which the shared design would also need, is
//! not done, so its front-end figure is a lower bound.
//!
//!   subject_filters --nats nats://127.0.0.1:4222 --source F1W1_UPDATES --nats-pid PID \
//!       --articles 4000 --subscribers 100 --countries RUS,USA,SAU

use std::{collections::BTreeMap, hint::black_box, time::Instant};

use anyhow::{Context as _, bail};
use async_nats::jetstream::{self, consumer::pull, stream};
use clap::Parser;
use rasad::{bus::relay::type_token, store::LoggedUpdate};
use tokio_stream::StreamExt;

#[derive(Parser)]
struct Args {
    /// The NATS server holding `--source`.
    #[arg(long)]
    nats: String,
    /// The updates stream to copy (`<PREFIX>_UPDATES` of a run).
    #[arg(long)]
    source: String,
    /// The nats-server process, whose CPU is read from /proc.
    #[arg(long)]
    nats_pid: u32,
    /// The articles of the run, to give figures per article.
    #[arg(long)]
    articles: u64,
    /// Subscribers, subscriber `i` watching the `i mod N`-th of `--countries`.
    #[arg(long)]
    subscribers: usize,
    #[arg(long, value_delimiter = ',', required = true)]
    countries: Vec<String>,
}

/// The prefix of the copy's stream and subjects.
const PREFIX: &str = "filtered";
/// Publications of the copy awaiting their acknowledgement at most (async-nats bounds them).
const ACKS_IN_FLIGHT: usize = 256;
/// The subject tokens of an update whose event has more than two countries.
const MANY: &str = "many.many";

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let client = async_nats::connect(&args.nats).await?;
    let jetstream = jetstream::new(client);
    let copy = copy_with_countries(&jetstream, &args.source).await?;
    println!(
        "{} updates copied to subjects {PREFIX}.updates.<type>.<c1>.<c2>; {} with more than two countries",
        copy.updates,
        copy.subjects.get(MANY).copied().unwrap_or(0)
    );
    report_multiple_filters(&jetstream).await?;
    let whole = vec![(String::new(), copy.updates)];
    let shared: Vec<_> = args.countries.iter().flat_map(|c| copy.filters_of(c)).chain(copy.many()).collect();
    let per_subscriber: Vec<_> = (0..args.subscribers)
        .flat_map(|i| copy.filters_of(&args.countries[i % args.countries.len()]).into_iter().chain(copy.many()))
        .collect();
    for (name, consumers) in [("whole stream", whole), ("shared per filter", shared), ("per subscriber", per_subscriber)] {
        let cost = read(&jetstream, &consumers, args.nats_pid).await?;
        println!(
            "  {name}: {} consumers, {} messages read in {:.1} s; this process {:.0} µs, nats-server {:.0} µs of CPU per article",
            consumers.len(),
            cost.messages,
            cost.seconds,
            cost.own_ticks as f64 * 1e4 / args.articles as f64,
            cost.nats_ticks as f64 * 1e4 / args.articles as f64,
        );
    }
    jetstream.delete_stream(copy_stream()).await?;
    Ok(())
}

fn copy_stream() -> String {
    format!("{}_UPDATES", PREFIX.to_uppercase())
}

/// The copy: how many updates, and how many under each `<c1>.<c2>` pair of subject tokens.
struct Copy {
    updates: u64,
    subjects: BTreeMap<String, u64>,
}

impl Copy {
    /// The consumers a subscriber watching `country` needs (filter subject, messages to read),
    /// leaving out those with nothing to read.
    fn filters_of(&self, country: &str) -> Vec<(String, u64)> {
        let first = self.count(|c1, _| c1 == country);
        let second = self.count(|_, c2| c2 == country);
        [(format!("{PREFIX}.updates.*.{country}.*"), first), (format!("{PREFIX}.updates.*.*.{country}"), second)]
            .into_iter()
            .filter(|(_, n)| *n > 0)
            .collect()
    }

    /// The consumer of the updates of events with more than two countries, if there are any.
    fn many(&self) -> Option<(String, u64)> {
        self.subjects.get(MANY).map(|n| (format!("{PREFIX}.updates.*.{MANY}"), *n))
    }

    fn count(&self, pick: impl Fn(&str, &str) -> bool) -> u64 {
        self.subjects
            .iter()
            .filter(|(s, _)| *s != MANY)
            .filter(|(s, _)| s.split_once('.').is_some_and(|(a, b)| pick(a, b)))
            .map(|(_, n)| n)
            .sum()
    }
}

/// Copies every update of `source` to the copy's stream, under its type and countries.
async fn copy_with_countries(jetstream: &jetstream::Context, source: &str) -> anyhow::Result<Copy> {
    let mut stream = jetstream.get_stream(source).await.with_context(|| format!("no stream {source}"))?;
    let updates = stream.info().await?.state.messages;
    jetstream
        .create_stream(stream::Config { name: copy_stream(), subjects: vec![format!("{PREFIX}.updates.>")], ..Default::default() })
        .await?;
    let mut messages = stream.create_consumer(pull::OrderedConfig::default()).await?.messages().await?;
    let mut subjects = BTreeMap::new();
    let mut acks = Vec::new();
    for _ in 0..updates {
        let message = messages.next().await.context("the source stream ended early")??;
        let update = LoggedUpdate::from_encoded(message.payload.clone())?;
        let countries = countries_token(&update);
        *subjects.entry(countries.clone()).or_default() += 1;
        let subject = format!("{PREFIX}.updates.{}.{countries}", type_token(update.head.event_type));
        acks.push(jetstream.publish(subject, message.payload.clone()).await?);
        if acks.len() == ACKS_IN_FLIGHT {
            for ack in acks.drain(..) {
                ack.await?;
            }
        }
    }
    for ack in acks {
        ack.await?;
    }
    Ok(Copy { updates, subjects })
}

/// `<c1>.<c2>`: the event's countries sorted, `_` for none, [`MANY`] for more than two.
fn countries_token(update: &LoggedUpdate) -> String {
    let mut countries: Vec<&str> = update
        .head
        .participants
        .iter()
        .map(|(c, _)| c.as_str())
        .filter(|c| !c.is_empty() && c.chars().all(|ch| ch.is_ascii_alphanumeric()))
        .collect();
    countries.sort_unstable();
    countries.dedup();
    match countries[..] {
        [] => "_._".into(),
        [c] => format!("{c}._"),
        [c1, c2] => format!("{c1}.{c2}"),
        _ => MANY.into(),
    }
}

/// Says whether this nats-server keeps two filter subjects on one consumer (2.10 and later; an
/// older one ignores the field and filters nothing).
async fn report_multiple_filters(jetstream: &jetstream::Context) -> anyhow::Result<()> {
    let stream = jetstream.get_stream(copy_stream()).await?;
    let config = pull::Config {
        name: Some("two-filters".into()),
        filter_subjects: vec![format!("{PREFIX}.updates.*.A.*"), format!("{PREFIX}.updates.*.*.B")],
        ..Default::default()
    };
    let kept = match stream.create_consumer(config).await {
        Ok(consumer) => {
            let kept = consumer.cached_info().config.filter_subjects.len();
            stream.delete_consumer("two-filters").await?;
            format!("kept {kept} of the 2 filter subjects")
        }
        Err(e) => format!("refused it ({e})"),
    };
    println!("a consumer with two filter subjects: nats-server {kept}");
    Ok(())
}

/// What reading cost.
struct Cost {
    messages: u64,
    seconds: f64,
    own_ticks: u64,
    nats_ticks: u64,
}

/// Reads the copy with one ordered consumer per `(filter subject, messages to read)`, all at
/// once, decoding every message.
async fn read(jetstream: &jetstream::Context, consumers: &[(String, u64)], nats_pid: u32) -> anyhow::Result<Cost> {
    let stream = jetstream.get_stream(copy_stream()).await?;
    let (own, nats) = (cpu_ticks("self")?, cpu_ticks(&nats_pid.to_string())?);
    let started = Instant::now();
    let mut readers = Vec::new();
    for (filter, expected) in consumers {
        let config = pull::OrderedConfig { filter_subject: filter.clone(), ..Default::default() };
        let mut messages = stream.create_consumer(config).await?.messages().await?;
        let expected = *expected;
        readers.push(tokio::spawn(async move {
            for _ in 0..expected {
                let message = messages.next().await.context("a consumer ended early")??;
                black_box(LoggedUpdate::from_encoded(message.payload.clone())?);
            }
            anyhow::Ok(expected)
        }));
    }
    let mut messages = 0;
    for reader in readers {
        messages += reader.await??;
    }
    let seconds = started.elapsed().as_secs_f64();
    Ok(Cost { messages, seconds, own_ticks: cpu_ticks("self")? - own, nats_ticks: cpu_ticks(&nats_pid.to_string())? - nats })
}

/// User + system CPU of process `pid` (or `self`) in clock ticks (1/100 s).
fn cpu_ticks(pid: &str) -> anyhow::Result<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))?;
    let Some((_, after_name)) = stat.rsplit_once(") ") else { bail!("unreadable /proc/{pid}/stat") };
    let fields: Vec<&str> = after_name.split(' ').collect();
    Ok(fields[11].parse::<u64>()? + fields[12].parse::<u64>()?)
}
