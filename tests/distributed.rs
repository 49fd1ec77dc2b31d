//! The distributed mode against the real servers (PostgreSQL and NATS JetStream on this
//! machine; each test on a database and streams of its own): what only it can get wrong. The
//! service cases both modes share are in tests/service.rs.

mod common;

use std::{collections::HashSet, sync::Arc, time::Duration};

use common::{cluster::Cluster, *};
use prometheus_client::metrics::counter::Counter;
use rasad::{
    bus::Bus,
    cli::bench::synthetic_article,
    extract::Extractor,
    proto::{Article, ExtractResponse, IngestOutcome, ListEventsRequest, SubscribeRequest, UpdateKind},
    service::EventExtractor,
};

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
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_subscriber_resumes_through_another_front_end_with_no_gap_and_no_duplicate() {
    let cluster = Arc::new(Cluster::new().await);
    cluster.start_worker(Arc::new(Scripted)).await;
    let (one, two) =
        (TestServer::front_of(cluster.clone(), Arc::new(Scripted)).await, TestServer::front_of(cluster.clone(), Arc::new(Scripted)).await);
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_killed_mid_article_loses_nothing_and_duplicates_nothing() {
    let cluster = Arc::new(Cluster::new().await);
    let extractor = Arc::new(Extractor::embedded().unwrap());
    let front = TestServer::front_of(cluster.clone(), extractor).await;
    let texts: Vec<String> = seeds_texts();
    let articles: Vec<_> = (0..300).map(|i| synthetic_article(&texts, "2015-01-01".parse().unwrap(), 3650, 7, i)).collect();
    let mut worker = cluster.spawn_worker_process();

    let mut client = front.client().await;
    let (tx, rx) = tokio::sync::mpsc::channel(16);
    let sending = articles.clone();
    tokio::spawn(async move {
        for a in sending {
            if tx.send(a).await.is_err() {
                break;
            }
        }
    });
    let mut results = client.ingest(tokio_stream::wrappers::ReceiverStream::new(rx)).await.unwrap().into_inner();
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
    let set_aside = Counter::default();
    cluster.start_worker_counting(Arc::new(Poisoned), set_aside.clone()).await;
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
    assert_eq!(set_aside.get(), 2);
    let bus = Bus::connect(cluster.distributed.bus.clone()).await.unwrap();
    let mut dead = bus.jetstream().get_stream(bus.dead_stream()).await.unwrap();
    assert_eq!(dead.info().await.unwrap().state.messages, 2);
    let listed = client.list_events(ListEventsRequest::default()).await.unwrap().into_inner();
    assert_eq!(listed.events.len(), 3);
}
