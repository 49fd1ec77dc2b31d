//! `rasad bench`: a load generator for a running server. It attaches live subscribers, streams
//! synthetic articles over several Ingest streams, and reports the sustained ingest rate, the
//! acknowledgement latency, and the ingest-to-delivery latency seen by the subscribers.
//!
//! The synthetic stream: article `i` is text `i mod T` of the `--texts` (made unique by a
//! suffix) published on a day drawn deterministically from `--days` days after
//! `--published-at`, with every year written in the text moved by as many years as that day is
//! after `--published-at`. The extractor resolves relative dates ("tomorrow", "last Tuesday")
//! against the publication day, so most articles report new events, as a news stream does;
//! a text seen again on a nearby day, or an absolute date seen again in the same year, merges
//! into a stored event (with 20,000 articles over the default ten years, the busiest events get
//! a few hundred reports). `--days 1` gives the worst case: every article reports the same few
//! events again, and they grow to thousands of reports.
//!
//! The subscribers decode only the sequence number and the article id of each update (a
//! partial message: prost skips the event), so that the client, which shares the machine with
//! the server, spends little CPU on 100 streams. By default every subscriber takes every update;
//! `--countries` gives each one country to watch, as analysts do (with `--texts` of many country
//! pairs, each subscriber then takes a share of the stream).
//!
//! Against the distributed mode, `--front` spreads the streams and subscribers over more front
//! ends of the same deployment, and `--metrics` names the Prometheus endpoints of the processes
//! (front ends, workers) whose stage timings and CPU time are read before and after the run:
//! their differences, per article ingested, are the cost of each stage.

use std::{
    collections::HashMap,
    path::PathBuf,
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
    time::{Duration, Instant},
};

use crate::service::auth::Connection;
use chrono::{Datelike, NaiveDate};
use clap::Args;
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;
use tokio_util::sync::CancellationToken;

use super::{ServerArgs, input};
use crate::proto::{Article, EventFilter, SubscribeRequest};

#[derive(Debug, Args)]
pub struct BenchArgs {
    #[command(flatten)]
    pub server: ServerArgs,
    /// Articles to ingest.
    #[arg(long, default_value_t = 20_000)]
    pub articles: usize,
    /// Live subscribers attached during the run.
    #[arg(long, default_value_t = 100)]
    pub subscribers: usize,
    /// Concurrent Ingest streams.
    #[arg(long, default_value_t = 4)]
    pub streams: usize,
    /// Texts to vary (`.txt` files or directories).
    #[arg(long, default_value = "seeds")]
    pub texts: Vec<PathBuf>,
    /// Offered load in articles per second over all streams (0 = as fast as the server takes
    /// them). Latency percentiles are meaningful below saturation.
    #[arg(long, default_value_t = 0.0)]
    pub rate: f64,
    /// The first publication day.
    #[arg(long, default_value = "2015-01-01")]
    pub published_at: NaiveDate,
    /// Days over which publication dates are spread (1 = every article on the first day).
    #[arg(long, default_value_t = 3650)]
    pub days: u64,
    /// The subscribers ask only for updates that change this event field (repeatable; as
    /// `rasad subscribe --changed`). Default: every update.
    #[arg(long = "changed")]
    pub changed_fields: Vec<String>,
    /// Subscriber `i` asks only for events involving the `i mod N`-th of these countries (ISO
    /// alpha-3, comma-separated), as analysts watching different countries do. Default: every
    /// subscriber takes every update.
    #[arg(long, value_delimiter = ',')]
    pub countries: Vec<String>,
    /// More front ends of the same distributed deployment (URLs, repeatable): the Ingest streams
    /// and the subscribers are spread over --server and these.
    #[arg(long = "front")]
    pub fronts: Vec<String>,
    /// Prometheus endpoints of the processes under test (http://host:port/metrics, repeatable),
    /// read before and after the run: the time of each stage and the CPU time, per article.
    #[arg(long = "metrics")]
    pub metrics: Vec<String>,
}

/// The fields of an `EventUpdate` the bench subscribers read; prost skips the others.
#[derive(Clone, PartialEq, prost::Message)]
struct UpdateHead {
    #[prost(uint64, tag = "1")]
    sequence: u64,
    #[prost(string, tag = "5")]
    article_id: String,
}

/// Subscribes to every update of events involving `country` (all when empty) that changes one of
/// `changed_fields` (all when empty), decoding only [`UpdateHead`].
async fn subscribe_heads(
    channel: Connection,
    country: Option<String>,
    changed_fields: Vec<String>,
) -> anyhow::Result<tonic::Streaming<UpdateHead>> {
    let mut grpc = tonic::client::Grpc::new(channel).max_decoding_message_size(usize::MAX);
    grpc.ready().await?;
    let path = tonic::codegen::http::uri::PathAndQuery::from_static("/rasad.v1.RasadService/Subscribe");
    let codec = tonic_prost::ProstCodec::<SubscribeRequest, UpdateHead>::default();
    let filter = EventFilter { countries: country.into_iter().collect(), ..Default::default() };
    let request = SubscribeRequest { filter: Some(filter), changed_fields, ..Default::default() };
    Ok(grpc.server_streaming(tonic::Request::new(request), path, codec).await?.into_inner())
}

/// Article `i` of the synthetic stream of run `run_id` (see the module doc): text `i mod T`,
/// published on a fixed pseudo-random day among `days` from `first`, its years moved with it.
pub fn synthetic_article(texts: &[String], first: NaiveDate, days: u64, run_id: i64, i: usize) -> Article {
    let day = publication_day(first, days, i);
    let text = shift_years(&texts[i % texts.len()], day.year() - first.year());
    Article {
        id: format!("bench-{run_id}-{i}"),
        text: format!("{text}\n\n[bench {run_id} {i}]"),
        published_at: day.to_string(),
        ..Default::default()
    }
}

/// The publication day of article `i`: a fixed pseudo-random day among `days` (splitmix64).
fn publication_day(first: NaiveDate, days: u64, i: usize) -> NaiveDate {
    let mut x = (i as u64).wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^= x >> 31;
    first + chrono::Days::new(x % days.max(1))
}

/// `text` with every year from 1900 to 2099 written in ASCII digits moved by `by` years.
fn shift_years(text: &str, by: i32) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find(|c: char| c.is_ascii_digit()) {
        out.push_str(&rest[..start]);
        let digits = &rest[start..];
        let len = digits.find(|c: char| !c.is_ascii_digit()).unwrap_or(digits.len());
        match digits[..len].parse::<i32>() {
            Ok(year) if len == 4 && (1900..2100).contains(&year) => out.push_str(&(year + by).to_string()),
            _ => out.push_str(&digits[..len]),
        }
        rest = &digits[len..];
    }
    out.push_str(rest);
    out
}

pub async fn run(args: BenchArgs) -> anyhow::Result<()> {
    let texts: Vec<String> = input::articles(input::files(&args.texts)?, None).map(|a| a.map(|a| a.text)).collect::<Result<_, _>>()?;
    anyhow::ensure!(!texts.is_empty(), "no texts found in {:?}", args.texts);
    let mut channels = vec![args.server.channel().await?];
    for url in &args.fronts {
        channels.push(ServerArgs { server: url.clone(), secure: args.server.secure.clone() }.channel().await?);
    }
    let run_id = chrono::Utc::now().timestamp_millis();
    let mut before = Vec::new();
    for url in &args.metrics {
        before.push(scrape(url).await?);
    }

    // Subscribers: every (article id, arrival) they see, until told to stop.
    let stop = CancellationToken::new();
    let received = Arc::new(AtomicUsize::new(0));
    let mut subscribers = Vec::new();
    for i in 0..args.subscribers {
        let country = (!args.countries.is_empty()).then(|| args.countries[i % args.countries.len()].clone());
        let mut updates = subscribe_heads(channels[i % channels.len()].clone(), country, args.changed_fields.clone()).await?;
        let (stop, received) = (stop.clone(), received.clone());
        subscribers.push(tokio::spawn(async move {
            let mut seen = Vec::new();
            let receive = async {
                while let Ok(Some(update)) = updates.message().await {
                    seen.push((update.article_id, Instant::now()));
                    received.fetch_add(1, Ordering::Relaxed);
                }
            };
            // One wait on the token for the whole stream, not one per update.
            tokio::select! {
                () = stop.cancelled() => {}
                () = receive => {}
            }
            seen
        }));
    }
    // Let the subscriptions reach the server before the first commit.
    tokio::time::sleep(Duration::from_millis(500)).await;

    let started = Instant::now();
    let per_stream = args.articles.div_ceil(args.streams.max(1));
    let mut streams = Vec::new();
    for s in 0..args.streams.max(1) {
        let range = (s * per_stream)..((s + 1) * per_stream).min(args.articles);
        let articles: Vec<Article> = range.map(|i| synthetic_article(&texts, args.published_at, args.days, run_id, i)).collect();
        let mut client = crate::proto::rasad_service_client::RasadServiceClient::new(channels[s % channels.len()].clone());
        let period = (args.rate > 0.0).then(|| Duration::from_secs_f64(args.streams.max(1) as f64 / args.rate));
        streams.push(tokio::spawn(async move {
            let (tx, rx) = mpsc::channel::<Article>(256);
            let mut sent_at = HashMap::with_capacity(articles.len());
            let ids: Vec<String> = articles.iter().map(|a| a.id.clone()).collect();
            let (times_tx, mut times_rx) = mpsc::unbounded_channel();
            tokio::spawn(async move {
                let mut ticks = period.map(tokio::time::interval);
                for a in articles {
                    if let Some(ticks) = ticks.as_mut() {
                        ticks.tick().await;
                    }
                    let _ = times_tx.send((a.id.clone(), Instant::now()));
                    if tx.send(a).await.is_err() {
                        break;
                    }
                }
            });
            let mut results = client.ingest(ReceiverStream::new(rx)).await?.into_inner();
            let mut acks = Vec::with_capacity(ids.len());
            let mut events = 0usize;
            while let Some(r) = results.message().await? {
                while let Ok((id, t)) = times_rx.try_recv() {
                    sent_at.insert(id, t);
                }
                events += r.created_event_ids.len() + r.updated_event_ids.len();
                let sent = sent_at.get(&r.article_id).copied().unwrap_or_else(Instant::now);
                acks.push(sent.elapsed());
            }
            while let Ok((id, t)) = times_rx.try_recv() {
                sent_at.insert(id, t);
            }
            anyhow::Ok((sent_at, acks, events))
        }));
    }
    let mut sent_at = HashMap::new();
    let mut acks = Vec::new();
    let mut events = 0;
    for stream in streams {
        let (sent, a, e) = stream.await??;
        sent_at.extend(sent);
        acks.extend(a);
        events += e;
    }
    let elapsed = started.elapsed();

    // Wait (at most 10 s) for every subscriber to receive every update, then stop them. With
    // --changed or --countries, how many pass is not known here: wait until deliveries stop for
    // a second.
    let expected = (args.changed_fields.is_empty() && args.countries.is_empty()).then_some(events * args.subscribers);
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut last = (0, Instant::now());
    while Instant::now() < deadline {
        let now = received.load(Ordering::Relaxed);
        if expected.is_some_and(|e| now >= e) || (now == last.0 && last.1.elapsed() > Duration::from_secs(1)) {
            break;
        }
        if now != last.0 {
            last = (now, Instant::now());
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    stop.cancel();
    let mut delivery = Vec::new();
    for s in subscribers {
        for (article_id, at) in s.await? {
            if let Some(sent) = sent_at.get(&article_id) {
                delivery.push(at.saturating_duration_since(*sent));
            }
        }
    }
    let delivered = delivery.len();
    if let Some(expected) = expected.filter(|&e| delivered < e) {
        println!("warning: {delivered} of {expected} expected deliveries arrived within 10 s");
    }
    report(args.articles, elapsed, &mut acks, events, &mut delivery, delivered, args.subscribers);
    if !args.metrics.is_empty() {
        println!("stage costs (differences of the metrics over the run, per article ingested):");
    }
    for (url, before) in args.metrics.iter().zip(before) {
        println!("  {url}");
        for line in stage_costs(&before, &scrape(url).await?, args.articles) {
            println!("    {line}");
        }
    }
    Ok(())
}

/// The metrics of `url` (Prometheus text over plain HTTP/1.0): each sample's name, with its
/// labels, and value.
async fn scrape(url: &str) -> anyhow::Result<HashMap<String, f64>> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let rest = url.strip_prefix("http://").ok_or_else(|| anyhow::anyhow!("--metrics {url}: not an http:// URL"))?;
    let (host, path) = rest.split_once('/').map_or((rest, "/metrics".to_string()), |(h, p)| (h, format!("/{p}")));
    let mut connection = tokio::net::TcpStream::connect(host).await.map_err(|e| anyhow::anyhow!("--metrics {url}: {e}"))?;
    connection.write_all(format!("GET {path} HTTP/1.0\r\nHost: {host}\r\n\r\n").as_bytes()).await?;
    let mut response = String::new();
    connection.read_to_string(&mut response).await?;
    let body = response.split_once("\r\n\r\n").map_or("", |(_, body)| body);
    Ok(body
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.rsplit_once(' '))
        .filter_map(|(name, value)| Some((name.to_string(), value.parse().ok()?)))
        .collect())
}

/// One line per timing of the processes: the seconds each histogram added (`_sum`) and the CPU
/// seconds of the process, per article, with the mean per observation of each histogram (those
/// that observed nothing left out); then what each counter without labels added, per article
/// (those that did not move left out).
fn stage_costs(before: &HashMap<String, f64>, after: &HashMap<String, f64>, articles: usize) -> Vec<String> {
    let delta = |name: &str| after.get(name).copied().unwrap_or(0.0) - before.get(name).copied().unwrap_or(0.0);
    let mut names: Vec<&String> = after.keys().filter(|n| n.ends_with("seconds_sum") || n.ends_with("_total")).collect();
    names.sort_by_key(|n| (!n.ends_with("seconds_sum") && !n.ends_with("cpu_seconds_total"), n.as_str()));
    let per_article = |seconds: f64| seconds * 1e6 / articles.max(1) as f64;
    names
        .into_iter()
        .filter_map(|name| match name.strip_suffix("_sum") {
            Some(histogram) => {
                let (sum, count) = (delta(name), delta(&format!("{histogram}_count")));
                (count > 0.0).then(|| {
                    format!("{histogram}: {:.0} µs per article ({count} observations, {:.0} µs each)", per_article(sum), sum * 1e6 / count)
                })
            }
            None if name.ends_with("cpu_seconds_total") => Some(format!("{name}: {:.0} µs of CPU per article", per_article(delta(name)))),
            None => (delta(name) > 0.0 && !name.contains('{'))
                .then(|| format!("{name}: {:.3} per article ({})", delta(name) / articles.max(1) as f64, delta(name))),
        })
        .collect()
}

fn report(
    articles: usize,
    elapsed: Duration,
    acks: &mut [Duration],
    events: usize,
    delivery: &mut [Duration],
    delivered: usize,
    subscribers: usize,
) {
    let secs = elapsed.as_secs_f64();
    println!("ingested {articles} articles in {secs:.2} s: {:.0} articles/s sustained, {events} event changes", articles as f64 / secs);
    println!("ack latency (send → durable ack): p50 {:?}, p99 {:?}", percentile(acks, 0.50), percentile(acks, 0.99));
    if delivery.is_empty() {
        println!("no updates delivered to the {subscribers} subscribers (the extractor found no events)");
    } else {
        println!(
            "ingest-to-delivery latency over {delivered} deliveries to {subscribers} subscribers: p50 {:?}, p99 {:?}",
            percentile(delivery, 0.50),
            percentile(delivery, 0.99)
        );
    }
}

fn percentile(values: &mut [Duration], p: f64) -> Duration {
    if values.is_empty() {
        return Duration::ZERO;
    }
    values.sort_unstable();
    values[((values.len() - 1) as f64 * p).round() as usize]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn years_move_and_other_numbers_stay() {
        assert_eq!(shift_years("19 يونيو 2018 09:00، 12345 و1850", 3), "19 يونيو 2021 09:00، 12345 و1850");
    }
}
