//! Merge benchmark: a synthetic store of a million events (persons of 150 states, skewed so a
//! few states appear in most events, dated over ten years; a call, or a visit to the capital of
//! one side; each stored in the order it came) in the candidate index, then the time
//! to merge each of 20,000 new reports (half another report of a stored event, half new); then
//! the time to merge each of 2,000 undated reports (copies of stored events without their date,
//! compared with the newest events of their side pairs),
//! the time to fold one event from 100 and from 1,000 reports (when its tally is not in memory),
//! and to add one report to the tally of such an event (what the writer does at each update).
//! `cargo bench --bench merge [-- EVENTS]`.

use std::time::{Duration, Instant};

/// The allocator of the `rasad` binary.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use rasad::{
    merge::{EventIds, Identity, MemoryStore, MergeConfig, Merger, Report, Tally, fold, index::Index},
    proto::{
        ActorKind, Article, ConsultMode, DatePrecision, Event, EventDate, EventStatus, EventType, ExtractResponse, Location, Participant,
    },
};

/// A small deterministic generator (xorshift), so runs are comparable.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// A synthetic event: two persons of two states (a third of them from the five busiest), a day;
/// a call, or a visit to the capital of one of them.
fn event(rng: &mut Rng) -> Event {
    let state = |rng: &mut Rng| if rng.below(3) == 0 { rng.below(5) } else { rng.below(150) };
    let a = state(rng);
    let mut b = state(rng);
    if b == a {
        b = (a + 1) % 150;
    }
    let person = |s: u64, rng: &mut Rng| Participant {
        actor_id: format!("person/p{s}-{}", rng.below(4)),
        kind: ActorKind::Person.into(),
        country: format!("S{s:02}"),
        ..Default::default()
    };
    let day = chrono::NaiveDate::from_ymd_opt(2015, 1, 1).unwrap() + chrono::Days::new(rng.below(3650));
    let mode = [ConsultMode::Phone, ConsultMode::Visit][rng.below(2) as usize];
    let host = [a, b][rng.below(2) as usize];
    let location = (mode == ConsultMode::Visit).then(|| Location {
        name_en: format!("C{host:02}"),
        country: format!("S{host:02}"),
        ..Default::default()
    });
    Event {
        event_type: EventType::Consult.into(),
        status: EventStatus::Occurred.into(),
        mode: mode.into(),
        participants: vec![person(a, rng), person(b, rng)],
        date: Some(EventDate { start: day.to_string(), precision: DatePrecision::Day.into(), ..Default::default() }),
        location,
        ..Default::default()
    }
}

/// Merges each article's one event: the time per article (µs), the candidates per article
/// (as `candidates` counts them), and how many of the first `events` stored events changed.
fn merge_all(
    merger: &mut Merger,
    store: &mut MemoryStore,
    ids: &mut EventIds,
    events: u64,
    articles: Vec<(Article, Event)>,
    candidates: impl Fn(&Index, &Identity) -> usize,
) -> (f64, f64, usize) {
    let n = articles.len() as f64;
    let (mut found, mut joined, mut elapsed) = (0, 0, Duration::ZERO);
    for (article, e) in articles {
        found += candidates(merger.index(), &Identity::of(&e));
        let extraction = ExtractResponse { article_id: article.id.clone(), events: vec![e], warnings: vec![] };
        let t = Instant::now();
        let Ok(changes) = merger.plan(store, &article, extraction, ids);
        elapsed += t.elapsed();
        joined += changes.iter().filter(|c| c.number <= events).count();
    }
    (elapsed.as_secs_f64() * 1e6 / n, found as f64 / n, joined)
}

fn main() {
    let events: u64 = std::env::args().skip(1).find_map(|a| a.parse().ok()).unwrap_or(1_000_000);
    let mut rng = Rng(0x5eed);
    let mut merger = Merger::new(MergeConfig::default());
    let mut store = MemoryStore::default();
    let started = Instant::now();
    let mut stored = Vec::with_capacity(events as usize);
    for n in 1..=events {
        let report = Report { article_id: format!("s{n}"), event: Some(event(&mut rng)), next_event: n, ..Default::default() };
        merger.file(n, &report);
        stored.push(report.event.clone().unwrap());
        store.reports.insert(n, vec![report]);
    }
    eprintln!("{events} stored events indexed in {:.1?} ({} buckets)", started.elapsed(), merger.index().buckets());

    let probes = 20_000;
    let mut ids = EventIds::new(events + 1);
    let dated: Vec<(Article, Event)> = (0..probes)
        .map(|i| {
            let e = if i % 2 == 0 { stored[rng.below(events) as usize].clone() } else { event(&mut rng) };
            (Article { id: format!("p{i}"), published_at: "2020-01-01".into(), ..Default::default() }, e)
        })
        .collect();
    let (micros, candidates, merged) =
        merge_all(&mut merger, &mut store, &mut ids, events, dated, |index, identity| index.candidates(identity).len());
    println!(
        "{events} stored events: {micros:.1} µs per article merged ({probes} articles, {candidates:.1} candidates each, {merged} joined a stored event)"
    );

    // Undated reports (their articles had no publication date) are looked up by type and sides
    // over every date: the busiest pairs gather thousands of events.
    let undated: Vec<(Article, Event)> = (0..probes / 10)
        .map(|i| {
            let e = Event { date: None, ..stored[rng.below(events) as usize].clone() };
            (Article { id: format!("u{i}"), ..Default::default() }, e)
        })
        .collect();
    let (micros, candidates, placed) =
        merge_all(&mut merger, &mut store, &mut ids, events, undated, |index, identity| index.dated_candidates(identity).len());
    println!(
        "{events} stored events: {micros:.1} µs per undated article merged ({} articles, {candidates:.1} candidates each, {placed} placed on a stored event)",
        probes / 10
    );

    for size in [100, 1000] {
        let reports: Vec<Report> = (0..size)
            .map(|i| {
                let mut e = stored[i % 7].clone();
                e.participants = stored[0].participants.clone();
                Report {
                    article_id: format!("a{i}"),
                    published: format!("2020-01-{:02}", 1 + i % 28),
                    event: Some(e),
                    ..Default::default()
                }
            })
            .collect();
        let rounds = 200;
        let t = Instant::now();
        for _ in 0..rounds {
            std::hint::black_box(fold(1, &reports));
        }
        println!("fold of one event from {size} reports: {:.1} µs", t.elapsed().as_secs_f64() * 1e6 / rounds as f64);
        let (last, earlier) = reports.split_last().expect("reports");
        let tally = Tally::of_reports(earlier);
        let mut elapsed = Duration::ZERO;
        for _ in 0..rounds {
            let mut more = tally.clone();
            let t = Instant::now();
            more.add(last);
            std::hint::black_box(more.event(1));
            elapsed += t.elapsed();
        }
        println!(
            "one report added to the tally of {} and the event folded: {:.1} µs",
            size - 1,
            elapsed.as_secs_f64() * 1e6 / rounds as f64
        );
    }
}
