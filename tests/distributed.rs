//! The distributed mode against the real servers (PostgreSQL and NATS JetStream on this
//! machine; each test on a database and streams of its own): what only it can get wrong. The
//! service cases both modes share are in tests/service.rs.

mod common;

use std::{
    collections::HashSet,
    sync::{
        Arc, Mutex,
        atomic::{AtomicUsize, Ordering},
    },
    time::Duration,
};

use common::{
    cluster::{self, Cluster},
    servers::{PrivateNats, PrivatePostgres, Restartable},
    *,
};
use prost::Message;
use rasad::{
    bus::{Bus, tail},
    cli::bench::synthetic_article,
    extract::Extractor,
    merge::{MergeConfig, Report, fold},
    proto::{
        Article, Event, EventFilter, EventType, EventUpdate, ExtractResponse, IngestOutcome, ListEventsRequest, SubscribeRequest,
        UpdateKind,
    },
    service::EventExtractor,
    store::{
        postgres::{
            PgStore,
            commit::{Incoming, PgWriter},
        },
        text_hash,
        writer::Submission,
    },
    worker::metrics::WorkerMetrics,
};
use tokio_util::sync::CancellationToken;
use tonic_health::pb::{HealthCheckRequest, health_check_response::ServingStatus, health_client::HealthClient};

/// The value of the metric line of `metrics` starting with `name`.
fn sample(metrics: &WorkerMetrics, name: &str) -> f64 {
    let rendered = metrics.render();
    let line = rendered.lines().find(|l| l.starts_with(name)).unwrap_or_else(|| panic!("no {name} in {rendered}"));
    line.rsplit(' ').next().unwrap().parse().unwrap()
}

/// `n` articles from `prefix`, each reporting the same meeting (the Scripted extractor).
fn one_happening(prefix: &str, n: usize) -> Vec<rasad::proto::Article> {
    (0..n).map(|i| article(&format!("{prefix}{i}"), &format!("{prefix}{i}\nEVENT CONSULT OCCURRED RUS USA"))).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_workers_racing_on_one_happening_store_one_event() {
    let cluster = Arc::new(Cluster::new().await);
    cluster.start_worker(Arc::new(Scripted)).await;
    cluster.start_worker(Arc::new(Scripted)).await;
    let front = TestServer::front_of(cluster.clone(), Arc::new(Scripted)).await;
    let second = TestServer::front_of(cluster.clone(), Arc::new(Scripted)).await;
    let mut streams = Vec::new();
    for (i, server) in [&front, &second, &front, &second].into_iter().enumerate() {
        let mut client = server.client().await;
        streams.push(tokio::spawn(async move { ingest(&mut client, one_happening(&format!("s{i}-"), 40)).await }));
    }
    let mut results = Vec::new();
    for stream in streams {
        results.extend(stream.await.unwrap());
    }
    assert_eq!(results.len(), 160);
    assert!(results.iter().all(|r| r.outcome() == IngestOutcome::Accepted), "{results:?}");
    let created: Vec<_> = results.iter().flat_map(|r| &r.created_event_ids).collect();
    assert_eq!(created.len(), 1, "one article created the event, every other updated it: {created:?}");

    let mut client = front.client().await;
    let listed = client.list_events(ListEventsRequest::default()).await.unwrap().into_inner();
    assert_eq!(listed.events.len(), 1);
    assert_eq!(listed.events[0].num_articles, 160);
    // Both workers merged: the log says which articles each transaction held, and the
    // transactions were made by more than one session.
    let db = cluster.database().await;
    let commits: i64 = db.query_one("SELECT count(DISTINCT commit_no) FROM reports", &[]).await.unwrap().get(0);
    assert!(commits > 1, "the articles were merged in {commits} transaction(s)");
    let log = drain(&mut client, SubscribeRequest { after_sequence: Some(0), ..Default::default() }).await;
    assert_eq!(sequences(&log), (1..=log.len() as u64).collect::<Vec<_>>());
    assert_eq!(log.iter().filter(|u| u.kind() == UpdateKind::Created).count(), 1);
    // Each front end timed the publication of the 80 articles sent through it.
    for server in [&front, &second] {
        assert_eq!(server.metric("rasad_publish_seconds_count").await, 80.0);
        assert!(server.metric("rasad_process_cpu_seconds_total").await > 0.0);
    }
}

/// What a tail handed on at once: the sequences of the updates, and the head it gave with them.
type HandedOn = (Vec<u64>, u64);

/// A front end's tail hands the hub at once what the updates stream has ready (each hand-over
/// wakes every subscriber): a backlog arrives in a few batches of at most `tail::READY` updates,
/// in order and each with its last sequence as the head; an update that comes alone is handed on
/// alone, without waiting for more.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_tail_hands_on_what_is_waiting_at_once_and_a_lone_update_alone() {
    let cluster = Arc::new(Cluster::new().await);
    cluster.start_worker(Arc::new(Scripted)).await;
    let front = TestServer::front_of(cluster.clone(), Arc::new(Scripted)).await;
    let mut client = front.client().await;
    ingest(&mut client, one_happening("b", 300)).await;
    let backlog = drain(&mut client, SubscribeRequest { after_sequence: Some(0), ..Default::default() }).await.len() as u64;
    assert!(backlog > tail::READY as u64, "{backlog} updates");
    // Another tail, with its NATS client, on a thread of its own, from the start of the stream.
    let batches: Arc<Mutex<Vec<HandedOn>>> = Arc::default();
    let shutdown = CancellationToken::new();
    let following = {
        let (config, batches, shutdown) = (cluster.distributed.bus.clone(), batches.clone(), shutdown.clone());
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            runtime.block_on(async move {
                let hand_on = move |updates: Vec<Arc<rasad::store::LoggedUpdate>>, head| {
                    batches.lock().unwrap().push((updates.iter().map(|u| u.head.sequence).collect(), head));
                };
                tail::follow(Bus::connect(config).await.unwrap(), 0, hand_on, shutdown).await;
            });
        })
    };
    let handed = || batches.lock().unwrap().iter().map(|(updates, _)| updates.len() as u64).sum::<u64>();
    until("the backlog is handed on", || handed() == backlog).await;
    let backlog_batches = batches.lock().unwrap().len();
    ingest(&mut client, one_happening("c", 1)).await;
    until("the lone update is handed on", || handed() == backlog + 1).await;
    shutdown.cancel();
    following.join().unwrap();

    let batches = batches.lock().unwrap();
    let handed: Vec<u64> = batches.iter().flat_map(|(updates, _)| updates.clone()).collect();
    assert_eq!(handed, (1..=backlog + 1).collect::<Vec<_>>());
    assert!(batches.iter().all(|(updates, head)| updates.last() == Some(head) && updates.len() <= tail::READY));
    assert!(backlog_batches * 10 <= backlog as usize, "{backlog_batches} hand-overs for a backlog of {backlog} updates");
    assert_eq!(batches.last().unwrap().0, [backlog + 1], "the lone update is handed on alone");
}

/// Two workers taking turns on one happening: each keeps the event's tally in memory across the
/// other's commits, taking in the reports the other added, so that neither reads it back from
/// PostgreSQL more than once (each transaction after the other's commit read it again); the
/// stored event is the fold of all its reports.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_workers_taking_turns_keep_the_tally_of_the_event_in_memory() {
    let cluster = Arc::new(Cluster::new().await);
    let workers = [WorkerMetrics::default(), WorkerMetrics::default()];
    for metrics in &workers {
        cluster.start_worker_counting(Arc::new(Scripted), metrics.clone()).await;
    }
    let front = TestServer::front_of(cluster.clone(), Arc::new(Scripted)).await;
    let mut client = front.client().await;
    for round in 0..12 {
        ingest(&mut client, one_happening(&format!("r{round}-"), 5)).await;
    }
    let transactions = workers.each_ref().map(|m| sample(m, "rasad_worker_commit_articles_count"));
    assert!(transactions.iter().all(|&t| t >= 3.0), "each worker merged several times: {transactions:?}");
    let read = workers.each_ref().map(|m| m.commit.tallies_read.get());
    assert!(read.iter().all(|&r| r <= 1), "tallies read back from PostgreSQL by each worker: {read:?}");
    let db = cluster.database().await;
    let stored = Event::decode(db.query_one("SELECT event FROM events", &[]).await.unwrap().get::<_, &[u8]>(0)).unwrap();
    let reports: Vec<Report> =
        db.query("SELECT report FROM reports", &[]).await.unwrap().iter().map(|r| Report::decode(r.get::<_, &[u8]>(0)).unwrap()).collect();
    assert_eq!(reports.len(), 60);
    assert_eq!(stored, fold(1, &reports));
}

/// The stored rows of `cluster`, table by table, without the commit numbers (which tell how
/// the articles were grouped into transactions).
async fn stored_rows(cluster: &Cluster) -> Vec<Vec<String>> {
    let db = cluster.database().await;
    let mut tables = Vec::new();
    for query in [
        "SELECT n, md5(event) FROM events ORDER BY n",
        "SELECT event, key, md5(report) FROM reports ORDER BY event, key",
        "SELECT n, into_n FROM merged_into ORDER BY ord",
        "SELECT seq, md5(record) FROM log ORDER BY seq",
        "SELECT id, stored, stream_seq, md5(text_hash), md5(result) FROM articles ORDER BY id",
        "SELECT value FROM meta WHERE key = 'next_event'",
    ] {
        let rows = db.simple_query(query).await.unwrap();
        let rows = rows.iter().filter_map(|m| match m {
            tokio_postgres::SimpleQueryMessage::Row(row) => {
                Some((0..row.len()).map(|i| row.get(i).unwrap_or("")).collect::<Vec<_>>().join(" "))
            }
            _ => None,
        });
        tables.push(rows.collect());
    }
    tables
}

/// A worker's merge engine on the database of `cluster`.
async fn writer_of(cluster: &Cluster) -> PgWriter {
    PgWriter::new(PgStore::connect(&cluster.distributed.store).await.unwrap(), MergeConfig::default(), WorkerMetrics::default().commit)
}

/// A merge transaction writes its rows a table at a time: one whose articles create two events,
/// merge them and update the merged event stores exactly what the same articles store one
/// transaction each (the merge is made in its place, between the rows planned before and after it).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_transaction_that_merges_events_stores_what_one_transaction_per_article_stores() {
    let incoming: Vec<Incoming> = ["early", "late", "late2", "late3"]
        .into_iter()
        .enumerate()
        .map(|(i, id)| {
            let article = Article { source: "tass.ru".into(), ..article(id, id) };
            let extraction = Prepared.extract(&article);
            let submission = Submission { text_hash: text_hash(&article.text), article, extraction };
            Incoming { submission, stream_seq: i as u64 + 1 }
        })
        .collect();
    let (batched, one_by_one) = (Cluster::new().await, Cluster::new().await);
    let together = writer_of(&batched).await.commit(incoming.clone()).await.unwrap();
    let mut alone = writer_of(&one_by_one).await;
    let mut results = Vec::new();
    for article in incoming {
        results.extend(alone.commit(vec![article]).await.unwrap().results);
    }
    assert_eq!(together.results, results);
    let rows = stored_rows(&batched).await;
    assert_eq!(rows[0].len(), 1, "one event is left: {rows:?}");
    assert_eq!(rows[2], ["2 1"], "event 2 was merged into event 1");
    assert_eq!(rows, stored_rows(&one_by_one).await);
}

/// Two front ends of a new cluster with one worker (the cluster lives as long as they do).
async fn two_front_ends_and_a_worker() -> (TestServer, TestServer) {
    let cluster = Arc::new(Cluster::new().await);
    cluster.start_worker(Arc::new(Scripted)).await;
    (TestServer::front_of(cluster.clone(), Arc::new(Scripted)).await, TestServer::front_of(cluster, Arc::new(Scripted)).await)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_subscriber_resumes_through_another_front_end_with_no_gap_and_no_duplicate() {
    let (one, two) = two_front_ends_and_a_worker().await;
    let many = |prefix: &str, n: usize| -> Vec<_> {
        (0..n)
            .map(|i| article(&format!("{prefix}{i}"), &format!("{prefix}{i}\nEVENT AGREE OCCURRED FRA DEU\nEVENT AID PLANNED USA UKR")))
            .collect()
    };
    let (mut first, mut second) = (one.client().await, two.client().await);
    let mut sub = subscribe(&mut first, SubscribeRequest { after_sequence: Some(0), ..Default::default() }).await;
    ingest(&mut first, many("x", 30)).await;
    let seen = take(&mut sub, 25).await;
    assert_eq!(sequences(&seen), (1..=25).collect::<Vec<_>>());
    drop(sub);
    // Articles sent through the other front end meanwhile, then the rest read there.
    ingest(&mut second, many("y", 30)).await;
    let mut sub = subscribe(&mut second, SubscribeRequest { after_sequence: Some(25), ..Default::default() }).await;
    assert_eq!(sequences(&take(&mut sub, 95).await), (26..=120).collect::<Vec<_>>());
    ingest(&mut first, many("z", 5)).await;
    assert_eq!(sequences(&take(&mut sub, 10).await), (121..=130).collect::<Vec<_>>());
    assert_quiet(&mut sub, 300).await;
}

/// Whether `update` is of an agreement with a German side.
fn german_agreement(update: &EventUpdate) -> bool {
    let event = update.event.as_ref().expect("an update carries its event");
    event.event_type == i32::from(EventType::Agree) && event.participants.iter().any(|p| p.country == "DEU")
}

/// A subscriber watching one country and one type gets exactly the updates of its events, in
/// order, and resumes with its filter through another front end without gap or repeat: each
/// front end reads the whole updates stream and filters for its subscribers (README,
/// "Where subscriber filters run").
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_filtered_subscriber_gets_only_its_updates_and_resumes_through_another_front_end() {
    let (one, two) = two_front_ends_and_a_worker().await;
    // Each article: an agreement with Germany, one without it, and Germany in another type.
    let many = |prefix: &str, n: usize| -> Vec<_> {
        (0..n)
            .map(|i| {
                let sides = ["FRA", "POL", "ITA"][i % 3];
                let text =
                    format!("{prefix}{i}\nEVENT AGREE OCCURRED {sides} DEU\nEVENT AGREE PLANNED USA UKR\nEVENT AID PLANNED DEU {sides}");
                article(&format!("{prefix}{i}"), &text)
            })
            .collect()
    };
    let watched = || Some(EventFilter { countries: vec!["deu".into()], event_types: vec![EventType::Agree.into()], ..Default::default() });
    let (mut first, mut second) = (one.client().await, two.client().await);
    let mut sub = subscribe(&mut first, SubscribeRequest { filter: watched(), after_sequence: Some(0), ..Default::default() }).await;
    ingest(&mut first, many("x", 12)).await;
    let mut seen = take(&mut sub, 4).await;
    drop(sub);
    ingest(&mut second, many("y", 12)).await;
    let after = seen.last().map(|u| u.sequence);
    let mut sub = subscribe(&mut second, SubscribeRequest { filter: watched(), after_sequence: after, ..Default::default() }).await;
    let everything = drain(&mut second, SubscribeRequest { after_sequence: Some(0), ..Default::default() }).await;
    let wanted: Vec<u64> = everything.iter().filter(|u| german_agreement(u)).map(|u| u.sequence).collect();
    assert!(wanted.len() < everything.len() / 2, "the articles must give updates the filter drops");
    seen.extend(take(&mut sub, wanted.len() - seen.len()).await);
    assert_eq!(sequences(&seen), wanted);
    assert!(seen.iter().all(german_agreement));
    assert_quiet(&mut sub, 300).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_killed_mid_article_loses_nothing_and_duplicates_nothing() {
    let cluster = Arc::new(Cluster::new().await);
    let extractor = Arc::new(Extractor::embedded().unwrap());
    let front = TestServer::front_of(cluster.clone(), extractor).await;
    let texts: Vec<String> = seeds_texts();
    let articles: Vec<_> = (0..300).map(|i| synthetic_article(&texts, "2015-01-01".parse().unwrap(), 3650, 7, i)).collect();
    let mut worker = cluster.spawn_worker_process();

    let mut client = front.client().await;
    let mut results = client.ingest(article_stream(articles.clone())).await.unwrap().into_inner();
    let mut acked = Vec::new();
    while acked.len() < 20 {
        acked.push(results.message().await.unwrap().expect("a result"));
    }
    // SIGKILL, with articles pulled and not yet acknowledged; another worker takes over.
    worker.kill().unwrap();
    worker.wait().unwrap();
    let mut replacement = cluster.spawn_worker_process();
    while let Some(result) = results.message().await.unwrap() {
        acked.push(result);
    }
    assert_eq!(acked.len(), 300, "every article is answered");
    assert!(acked.iter().all(|r| r.outcome() == IngestOutcome::Accepted), "each stored once, none a duplicate of itself");
    let ids: HashSet<_> = acked.iter().map(|r| r.article_id.clone()).collect();
    assert_eq!(ids, articles.iter().map(|a| a.id.clone()).collect::<HashSet<_>>());

    let db = cluster.database().await;
    let stored: i64 = db.query_one("SELECT count(*) FROM articles WHERE stored", &[]).await.unwrap().get(0);
    assert_eq!(stored, 300);
    let twice: i64 =
        db.query_one("SELECT count(*) FROM (SELECT key FROM reports GROUP BY key HAVING count(*) > 1) AS k", &[]).await.unwrap().get(0);
    assert_eq!(twice, 0, "no report is stored twice");
    // The events each article's result names exist, and every report's article was acknowledged.
    let mut client = front.client().await;
    let reported: Vec<String> =
        db.query("SELECT DISTINCT split_part(key, '#', 1) FROM reports", &[]).await.unwrap().iter().map(|r| r.get(0)).collect();
    assert!(reported.iter().all(|id| ids.contains(id)));
    let log = drain(&mut client, SubscribeRequest { after_sequence: Some(0), ..Default::default() }).await;
    assert_eq!(sequences(&log), (1..=log.len() as u64).collect::<Vec<_>>(), "the relayed log has no gap and no repeat");
    let created = log.iter().filter(|u| u.kind() == UpdateKind::Created).count();
    let merged = log.iter().filter(|u| u.kind() == UpdateKind::Merged).count();
    let events: i64 = db.query_one("SELECT count(*) FROM events", &[]).await.unwrap().get(0);
    assert_eq!(created - merged, events as usize, "every event created once, less those merged away");
    replacement.kill().unwrap();
    replacement.wait().unwrap();
}

/// The texts of the seed articles.
fn seeds_texts() -> Vec<String> {
    let mut paths: Vec<_> =
        std::fs::read_dir("seeds").unwrap().map(|e| e.unwrap().path()).filter(|p| p.extension().is_some_and(|e| e == "txt")).collect();
    paths.sort();
    paths.iter().map(|p| std::fs::read_to_string(p).unwrap()).collect()
}

/// The Scripted extractor, except that it fails on an article saying POISON and takes 3 s (more
/// than the test workers' limit of 1 s) on one saying SLOW.
struct Poisoned;

impl EventExtractor for Poisoned {
    fn extract(&self, article: &Article) -> ExtractResponse {
        assert!(!article.text.contains("POISON"), "an extractor bug");
        if article.text.contains("SLOW") {
            std::thread::sleep(Duration::from_secs(3));
        }
        Scripted.extract(article)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn poison_articles_are_set_aside_in_the_dead_letter_stream_and_the_rest_go_on() {
    let cluster = Arc::new(Cluster::new().await);
    let metrics = WorkerMetrics::default();
    cluster.start_worker_counting(Arc::new(Poisoned), metrics.clone()).await;
    let front = TestServer::front_of(cluster.clone(), Arc::new(Scripted)).await;
    let mut client = front.client().await;
    let results = ingest(
        &mut client,
        vec![
            article("a", "EVENT CONSULT OCCURRED RUS USA"),
            article("poison", "POISON"),
            article("b", "EVENT AGREE OCCURRED FRA DEU"),
            article("slow", "SLOW\nEVENT AID OCCURRED USA"),
            article("c", "EVENT AID PLANNED USA UKR"),
        ],
    )
    .await;
    let outcomes: Vec<_> = results.iter().map(|r| (r.article_id.as_str(), r.outcome())).collect();
    assert_eq!(
        outcomes,
        [
            ("a", IngestOutcome::Accepted),
            ("poison", IngestOutcome::Rejected),
            ("b", IngestOutcome::Accepted),
            ("slow", IngestOutcome::Rejected),
            ("c", IngestOutcome::Accepted)
        ]
    );
    assert!(results[1].error.contains("extractor failed") && results[3].error.contains("longer than 1 s"), "{results:?}");
    assert_eq!(metrics.set_aside.get(), 2);
    let rendered = metrics.render();
    assert!(rendered.contains("rasad_worker_articles_set_aside_total 2"), "{rendered}");
    // Each stage is timed: the three articles extracted and committed, their updates relayed.
    assert!(sample(&metrics, "rasad_worker_extraction_seconds_count") >= 3.0, "{rendered}");
    assert!(sample(&metrics, "rasad_worker_commit_articles_sum") >= 3.0, "{rendered}");
    assert!(sample(&metrics, "rasad_worker_process_cpu_seconds_total") > 0.0, "{rendered}");
    let bus = Bus::connect(cluster.distributed.bus.clone()).await.unwrap();
    let mut dead = bus.jetstream().get_stream(bus.dead_stream()).await.unwrap();
    assert_eq!(dead.info().await.unwrap().state.messages, 2);
    let listed = client.list_events(ListEventsRequest::default()).await.unwrap().into_inner();
    assert_eq!(listed.events.len(), 3);
}

/// What the clients under a fault saw: articles acknowledged, and UNAVAILABLE answers.
#[derive(Default)]
struct Seen {
    acked: AtomicUsize,
    unavailable: AtomicUsize,
}

/// Sends `articles` through the front end at `url` until each is acknowledged: ACCEPTED, or
/// DUPLICATE of itself (stored by an earlier sending whose answer was lost). After UNAVAILABLE
/// it opens a new stream and sends again what was not acknowledged. A front end that stays
/// silent for 20 s (it hangs) fails the test; so does any other answer.
async fn send_until_acknowledged(url: String, articles: Vec<Article>, seen: Arc<Seen>) {
    let mut pending = articles;
    let mut client = connect(&url).await;
    while !pending.is_empty() {
        let answered = async {
            let mut results = client.ingest(article_stream(pending.clone())).await?.into_inner();
            let mut acked = HashSet::new();
            let ended = loop {
                let next = tokio::time::timeout(Duration::from_secs(20), results.message()).await;
                match next.expect("the front end answers within 20 s (it does not hang)") {
                    Ok(Some(result)) => {
                        let stored = result.outcome() == IngestOutcome::Accepted
                            || (result.outcome() == IngestOutcome::Duplicate && result.duplicate_of == result.article_id);
                        assert!(stored, "an article neither stored nor unavailable: {result:?}");
                        seen.acked.fetch_add(1, Ordering::Relaxed);
                        acked.insert(result.article_id);
                    }
                    Ok(None) => break Ok(()),
                    Err(status) => break Err(status),
                }
            };
            pending.retain(|a| !acked.contains(&a.id));
            ended
        };
        if let Err(status) = answered.await {
            assert_eq!(status.code(), tonic::Code::Unavailable, "{status:?}");
            seen.unavailable.fetch_add(1, Ordering::Relaxed);
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

/// Waits until `done` holds (failing after 30 s).
async fn until(what: &str, done: impl Fn() -> bool) {
    for _ in 0..1500 {
        if done() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("not within 30 s: {what}");
}

/// Waits until the health service of `front` gives `wanted` for the Rasad service (failing after 30 s).
async fn health_becomes(front: &TestServer, wanted: ServingStatus) {
    let channel = tonic::transport::Channel::from_shared(front.url.clone()).unwrap().connect().await.unwrap();
    let request = HealthCheckRequest { service: "rasad.v1.RasadService".into() };
    let mut watch = HealthClient::new(channel).watch(request).await.unwrap().into_inner();
    let wait = async { while watch.message().await.expect("a health status").expect("the watch goes on").status() != wanted {} };
    tokio::time::timeout(Duration::from_secs(30), wait).await.unwrap_or_else(|_| panic!("not {wanted:?} within 30 s"));
}

/// Two workers and two front ends of `cluster` under load from four clients; `server` (the
/// cluster's NATS or PostgreSQL) is killed with SIGKILL mid-load and started again. The front
/// ends answer UNAVAILABLE and say NOT_SERVING meanwhile, recover by themselves, and every
/// article ends up stored once, its updates relayed once, in order.
async fn killed_under_load(cluster: Arc<Cluster>, server: &mut impl Restartable) {
    cluster.start_worker(Arc::new(Scripted)).await;
    cluster.start_worker(Arc::new(Scripted)).await;
    let fronts =
        [TestServer::front_of(cluster.clone(), Arc::new(Scripted)).await, TestServer::front_of(cluster.clone(), Arc::new(Scripted)).await];
    for front in &fronts {
        health_becomes(front, ServingStatus::Serving).await;
    }
    let seen = Arc::new(Seen::default());
    let mut ids = HashSet::new();
    let mut clients = Vec::new();
    for c in 0..4 {
        let articles: Vec<_> =
            (0..250).map(|i| article(&format!("c{c}-{i}"), &format!("c{c}-{i}\nEVENT CONSULT OCCURRED RUS C{:02}", i % 40))).collect();
        ids.extend(articles.iter().map(|a| a.id.clone()));
        clients.push(tokio::spawn(send_until_acknowledged(fronts[c % 2].url.clone(), articles, seen.clone())));
    }
    until("200 articles acknowledged", || seen.acked.load(Ordering::Relaxed) >= 200).await;
    server.kill();
    for front in &fronts {
        health_becomes(front, ServingStatus::NotServing).await;
    }
    until("a client answered UNAVAILABLE", || seen.unavailable.load(Ordering::Relaxed) > 0).await;
    server.restart();
    for front in &fronts {
        health_becomes(front, ServingStatus::Serving).await;
    }
    for client in clients {
        client.await.unwrap();
    }

    let db = cluster.database().await;
    let stored: HashSet<String> = db.query("SELECT id FROM articles WHERE stored", &[]).await.unwrap().iter().map(|r| r.get(0)).collect();
    assert_eq!(stored, ids, "every article stored");
    let reported: i64 = db.query_one("SELECT count(DISTINCT split_part(key, '#', 1)) FROM reports", &[]).await.unwrap().get(0);
    let reports: i64 = db.query_one("SELECT count(*) FROM reports", &[]).await.unwrap().get(0);
    assert_eq!((reported, reports), (1000, 1000), "each article's one report stored once");
    let row = db.query_one("SELECT count(*), coalesce(max(seq), 0) FROM log", &[]).await.unwrap();
    let (count, head): (i64, i64) = (row.get(0), row.get(1));
    assert_eq!(count, head, "the log has no gap");
    let bus = Bus::connect(cluster.distributed.bus.clone()).await.unwrap();
    let mut updates = bus.jetstream().get_stream(bus.updates_stream()).await.unwrap();
    for _ in 0..1500 {
        if updates.info().await.unwrap().state.messages == head as u64 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let state = updates.info().await.unwrap().state.clone();
    assert_eq!((state.messages, state.last_sequence), (head as u64, head as u64), "each update relayed once, numbered as the log");
    // Both front ends follow the updates stream again: new updates reach their subscribers.
    let mut subs = Vec::new();
    for front in &fronts {
        subs.push(subscribe(&mut front.client().await, SubscribeRequest { after_sequence: Some(head as u64), ..Default::default() }).await);
    }
    let mut client = fronts[0].client().await;
    let after =
        ingest(&mut client, (0..5).map(|i| article(&format!("after{i}"), &format!("EVENT AGREE OCCURRED FRA D{i}"))).collect()).await;
    assert!(after.iter().all(|r| r.outcome() == IngestOutcome::Accepted), "{after:?}");
    for sub in &mut subs {
        assert_eq!(sequences(&take(sub, 5).await), (head as u64 + 1..=head as u64 + 5).collect::<Vec<_>>());
    }
    let log = drain(&mut client, SubscribeRequest { after_sequence: Some(0), ..Default::default() }).await;
    assert_eq!(sequences(&log), (1..=head as u64 + 5).collect::<Vec<_>>(), "the log as served has no gap and no repeat");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn nats_killed_under_load_front_ends_answer_unavailable_recover_and_store_each_article_once() {
    let mut nats = PrivateNats::start();
    let cluster = Arc::new(Cluster::on(cluster::POSTGRES, &nats.url()).await);
    killed_under_load(cluster, &mut nats).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_killed_under_load_front_ends_answer_unavailable_recover_and_store_each_article_once() {
    let mut postgres = PrivatePostgres::start();
    let cluster = Arc::new(Cluster::on(&postgres.url(), cluster::NATS).await);
    killed_under_load(cluster, &mut postgres).await;
}
