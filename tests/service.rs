//! The service in-process on an ephemeral port, driven by a real tonic client.

mod common;

use std::{collections::HashSet, sync::Arc};

use common::cluster::Cluster;
use common::*;
use rasad::{
    extract::Extractor,
    proto::{
        Article, EventFilter, EventStatus, EventType, EventUpdate, GetEventRequest, IngestOutcome, IngestResult, ListEventsRequest,
        ListReportsRequest, SubscribeRequest, UpdateKind,
    },
};
use tonic::{Code, Streaming};

/// Runs each case against a server on the embedded store (`case::embedded`) and against a front
/// end of the distributed mode with one worker (`case::distributed`: PostgreSQL and NATS, a
/// database and streams of its own).
macro_rules! in_both_modes {
    ($($case:ident($extractor:expr);)*) => {$(
        mod $case {
            use super::*;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn embedded() {
                super::$case(TestServer::start(Arc::new($extractor)).await).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn distributed() {
                super::$case(TestServer::start_distributed(Arc::new($extractor)).await).await;
            }
        }
    )*};
}

in_both_modes! {
    two_subscribers_with_different_filters_get_their_events(Scripted);
    resuming_after_a_disconnect_has_no_gap_and_no_duplicate(Scripted);
    re_ingesting_is_a_no_op_that_says_so(Scripted);
    a_subscriber_that_disconnects_is_released_at_once(Scripted);
    a_bad_article_mid_stream_is_rejected_and_the_stream_goes_on(Scripted);
    a_subscriber_that_never_reads_does_not_stall_ingest_and_then_catches_up(Scripted);
    snapshot_then_live_updates(Scripted);
    get_and_list_events_with_filters_dates_and_pages(Scripted);
    extract_is_stateless_and_validates(Scripted);
    seeds_yield_a_consultation_with_russia(Extractor::embedded().unwrap());
    an_event_of_many_reports_stays_small_and_lists_them_page_by_page(Scripted);
    subscribers_catching_up_over_several_chunks_of_the_log_miss_nothing(Scripted);
    listing_a_country_returns_the_sideline_meetings_of_its_summits(Summit);
    a_snapshot_of_many_pages_arrives_whole_and_is_read_as_the_client_takes_it(Scripted);
    events_written_mid_snapshot_come_after_it_as_live_updates(Scripted);
    a_subscriber_gone_mid_snapshot_ends_its_transaction(Scripted);
    a_shutdown_mid_snapshot_ends_it_saying_to_subscribe_again(Scripted);
}

fn filter(countries: &[&str], types: &[EventType]) -> Option<EventFilter> {
    Some(EventFilter {
        countries: countries.iter().map(|c| c.to_string()).collect(),
        event_types: types.iter().map(|&t| t.into()).collect(),
        ..Default::default()
    })
}

fn live(countries: &[&str], types: &[EventType]) -> SubscribeRequest {
    SubscribeRequest { filter: filter(countries, types), ..Default::default() }
}

fn after(n: u64) -> SubscribeRequest {
    SubscribeRequest { after_sequence: Some(n), ..Default::default() }
}

async fn two_subscribers_with_different_filters_get_their_events(server: TestServer) {
    let mut client = server.client().await;
    let mut russia = subscribe(&mut client, live(&["RUS"], &[])).await;
    let mut accusations = subscribe(&mut client, live(&[], &[EventType::Accuse])).await;
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;

    let results = ingest(
        &mut client,
        vec![
            article("a", "EVENT CONSULT OCCURRED RUS USA\nEVENT ACCUSE OCCURRED USA IRN"),
            article("b", "nothing here"),
            article("c", "EVENT ACCUSE PLANNED RUS UKR"),
            article("d", "EVENT AGREE OCCURRED FRA DEU"),
        ],
    )
    .await;
    assert_eq!(results.iter().map(|r| r.created_event_ids.len()).collect::<Vec<_>>(), [2, 0, 1, 1]);
    assert!(results.iter().all(|r| r.outcome() == IngestOutcome::Accepted));

    let got = take(&mut russia, 2).await;
    assert_eq!(sequences(&got), [1, 3]);
    assert!(got.iter().all(|u| u.kind() == UpdateKind::Created && !u.changed_fields.is_empty()));
    assert_eq!(got[0].article_id, "a");
    assert_eq!(got[0].event.as_ref().unwrap().id, results[0].created_event_ids[0]);
    let got = take(&mut accusations, 2).await;
    assert_eq!(sequences(&got), [2, 3]);
    assert_quiet(&mut russia, 200).await;
    assert_quiet(&mut accusations, 10).await;
}

async fn resuming_after_a_disconnect_has_no_gap_and_no_duplicate(server: TestServer) {
    let mut client = server.client().await;
    let many = |prefix: &str, n: usize| {
        (0..n).map(|i| article(&format!("{prefix}{i}"), &format!("{prefix}{i}\nEVENT CONSULT OCCURRED RUS USA"))).collect()
    };
    let mut sub = subscribe(&mut client, after(0)).await;
    ingest(&mut client, many("x", 50)).await;
    let seen = take(&mut sub, 20).await;
    assert_eq!(sequences(&seen), (1..=20).collect::<Vec<_>>());
    drop(sub);

    ingest(&mut client, many("y", 50)).await;
    let mut sub = subscribe(&mut client, after(20)).await;
    let resumed = take(&mut sub, 80).await;
    assert_eq!(sequences(&resumed), (21..=100).collect::<Vec<_>>());
    // The seam between replay and live tail: new updates follow without a gap or a repeat.
    ingest(&mut client, many("z", 5)).await;
    assert_eq!(sequences(&take(&mut sub, 5).await), (101..=105).collect::<Vec<_>>());
    assert_quiet(&mut sub, 200).await;
}

async fn re_ingesting_is_a_no_op_that_says_so(server: TestServer) {
    let mut client = server.client().await;
    let text = "EVENT CONSULT OCCURRED RUS USA";
    let first = ingest(&mut client, vec![article("a", text)]).await;
    assert_eq!(first[0].outcome(), IngestOutcome::Accepted);
    let again =
        ingest(&mut client, vec![article("a", "other text"), article("b", text), article("c", "EVENT AGREE OCCURRED FRA DEU")]).await;
    let summary: Vec<_> = again.iter().map(|r| (r.article_id.as_str(), r.outcome(), r.duplicate_of.as_str())).collect();
    assert_eq!(summary, [("a", IngestOutcome::Duplicate, "a"), ("b", IngestOutcome::Duplicate, "a"), ("c", IngestOutcome::Accepted, "")]);
    assert!(again[0].created_event_ids.is_empty() && again[1].created_event_ids.is_empty());
    // Only two events exist: one per accepted article.
    let listed = client.list_events(ListEventsRequest::default()).await.unwrap().into_inner();
    assert_eq!(listed.events.len(), 2);
    // An article without an id gets one derived from its text, so re-sending it is a duplicate too.
    let anon = ingest(&mut client, vec![article("", "EVENT AID OCCURRED USA"), article("", "EVENT AID OCCURRED USA")]).await;
    assert_eq!(anon[0].outcome(), IngestOutcome::Accepted);
    assert_eq!(anon[1].outcome(), IngestOutcome::Duplicate);
    assert_eq!(anon[1].duplicate_of, anon[0].article_id);
    assert_eq!(anon[0].article_id.len(), 16);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_count_articles_events_and_commits() {
    let server = TestServer::start(Arc::new(Scripted)).await;
    let mut client = server.client().await;
    let articles = vec![
        article("a", "EVENT CONSULT OCCURRED RUS USA"),
        article("b", "EVENT AGREE OCCURRED FRA DEU"),
        article("c", ""),
        article("a", "EVENT CONSULT OCCURRED RUS USA"),
    ];
    let results = ingest(&mut client, articles).await;
    assert_eq!(results.len(), 4);
    let response = http::get(&server.http("/metrics")).await;
    assert_eq!(response.status, 200, "{response:?}");
    assert!(response.content_type.starts_with("text/plain; version=0.0.4"), "{response:?}");
    let response = response.body;
    let value = |name: &str| -> f64 {
        let line = response.lines().find(|l| l.starts_with(name)).unwrap_or_else(|| panic!("no {name} in {response}"));
        line.rsplit(' ').next().unwrap().parse().unwrap()
    };
    assert_eq!(value("rasad_articles_ingested_total{outcome=\"accepted\"}"), 2.0);
    assert_eq!(value("rasad_articles_ingested_total{outcome=\"duplicate\"}"), 1.0);
    assert_eq!(value("rasad_articles_ingested_total{outcome=\"rejected\"}"), 1.0);
    assert_eq!(value("rasad_events_created_total"), 2.0);
    // Every article that reached the writer is in some commit, however they were grouped.
    assert_eq!(value("rasad_commit_articles_sum"), 3.0);
    assert!(value("rasad_commit_seconds_count") >= 1.0);
    assert_eq!(http::get(&server.http("/other")).await.status, 404);
}

async fn a_subscriber_that_disconnects_is_released_at_once(server: TestServer) {
    let mut client = server.client().await;
    let mut staying = subscribe(&mut client, live(&[], &[])).await;
    let leaving = subscribe(&mut client, live(&[], &[])).await;
    ingest(&mut client, vec![article("a", "EVENT CONSULT OCCURRED RUS USA")]).await;
    take(&mut staying, 1).await;
    assert_eq!(server.metric("rasad_subscribers ").await, 2.0);
    drop(leaving);
    let released = async {
        while server.metric("rasad_subscribers ").await != 1.0 {
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
    };
    tokio::time::timeout(std::time::Duration::from_secs(5), released).await.expect("the subscription ends with its stream");
    // The other subscription goes on.
    ingest(&mut client, vec![article("b", "EVENT AGREE OCCURRED FRA DEU")]).await;
    assert_eq!(sequences(&take(&mut staying, 1).await), vec![2]);
}

async fn a_bad_article_mid_stream_is_rejected_and_the_stream_goes_on(server: TestServer) {
    let mut client = server.client().await;
    let results = ingest(
        &mut client,
        vec![
            article("ok1", "EVENT CONSULT OCCURRED RUS USA"),
            article("empty", "  \n"),
            Article { published_at: "14/05/2019".into(), ..article("baddate", "text") },
            article("huge", &"x".repeat(100 * 1024)),
            article("ok2", "EVENT AGREE OCCURRED FRA DEU"),
        ],
    )
    .await;
    let outcomes: Vec<_> = results.iter().map(|r| (r.article_id.as_str(), r.outcome())).collect();
    assert_eq!(
        outcomes,
        [
            ("ok1", IngestOutcome::Accepted),
            ("empty", IngestOutcome::Rejected),
            ("baddate", IngestOutcome::Rejected),
            ("huge", IngestOutcome::Rejected),
            ("ok2", IngestOutcome::Accepted),
        ]
    );
    assert!(results[1].error.contains("empty"), "{}", results[1].error);
    assert!(results[2].error.contains("YYYY-MM-DD"), "{}", results[2].error);
    assert!(results[3].error.contains("limit of 65536 bytes"), "{}", results[3].error);
}

async fn a_subscriber_that_never_reads_does_not_stall_ingest_and_then_catches_up(server: TestServer) {
    let mut client = server.client().await;
    let mut idle = subscribe(&mut client, live(&[], &[])).await;
    let mut watcher = subscribe(&mut client, live(&["DEU"], &[])).await;
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    // 1,000 articles of 5 distinct events each (no two are one happening, so none merge): more
    // updates than the live buffer holds.
    let articles = (0..1000)
        .map(|i| {
            let text: String = (0..4).map(|j| format!("EVENT CONSULT OCCURRED RUS P{i}X{j}\n")).collect();
            article(&format!("a{i}"), &format!("{text}EVENT AGREE OCCURRED DEU F{i}"))
        })
        .collect();
    let started = std::time::Instant::now();
    let results = tokio::time::timeout(std::time::Duration::from_secs(60), ingest(&mut client, articles))
        .await
        .expect("ingest must not stall behind an idle subscriber");
    assert_eq!(results.len(), 1000);
    eprintln!("1000 articles ingested in {:?} with an idle subscriber", started.elapsed());
    // Another subscriber kept up meanwhile.
    let deu = take(&mut watcher, 1000).await;
    assert_eq!(deu.last().unwrap().sequence, 5000);
    // The idle one now receives every update, in order, once.
    let all = take(&mut idle, 5000).await;
    assert_eq!(sequences(&all), (1..=5000).collect::<Vec<_>>());
    assert_quiet(&mut idle, 200).await;
}

async fn snapshot_then_live_updates(server: TestServer) {
    let mut client = server.client().await;
    ingest(&mut client, vec![article("a", "EVENT CONSULT OCCURRED RUS USA\nEVENT AGREE OCCURRED FRA DEU")]).await;
    let mut sub = subscribe(&mut client, SubscribeRequest { filter: filter(&["RUS"], &[]), snapshot: true, ..Default::default() }).await;
    let snap = take(&mut sub, 1).await;
    assert_eq!((snap[0].kind(), snap[0].sequence), (UpdateKind::Snapshot, 2));
    ingest(&mut client, vec![article("b", "EVENT ACCUSE OCCURRED RUS UKR")]).await;
    let next = take(&mut sub, 1).await;
    assert_eq!((next[0].kind(), next[0].sequence), (UpdateKind::Created, 3));

    let both = SubscribeRequest { after_sequence: Some(1), snapshot: true, ..Default::default() };
    assert_eq!(client.subscribe(both).await.unwrap_err().code(), Code::InvalidArgument);
    let bad = SubscribeRequest { filter: filter(&["Russia"], &[]), ..Default::default() };
    let status = client.subscribe(bad).await.unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
    assert!(status.message().contains("alpha-3"), "{}", status.message());
}

async fn get_and_list_events_with_filters_dates_and_pages(server: TestServer) {
    let mut client = server.client().await;
    let articles = (0..25)
        .map(|i| {
            let kind = if i % 5 == 0 { "ACCUSE PLANNED" } else { "CONSULT OCCURRED" };
            // A different partner each time: 25 distinct events, not reports of one.
            article(&format!("a{i}"), &format!("{i}\nEVENT {kind} RUS X{i:02}"))
        })
        .collect();
    let results = ingest(&mut client, articles).await;

    let id = results[3].created_event_ids[0].clone();
    let event = client.get_event(GetEventRequest { event_id: id.clone() }).await.unwrap().into_inner().event.unwrap();
    assert_eq!((event.id.as_str(), event.article_ids.as_slice()), (id.as_str(), ["a3".to_string()].as_slice()));
    assert_eq!(event.num_articles, 1);
    let missing = client.get_event(GetEventRequest { event_id: "ev-999".into() }).await.unwrap_err();
    assert_eq!(missing.code(), Code::NotFound);
    let empty = client.get_event(GetEventRequest { event_id: String::new() }).await.unwrap_err();
    assert_eq!(empty.code(), Code::InvalidArgument);

    // Pages of 10, newest first, cover all 25 once.
    let mut seen = Vec::new();
    let mut token = String::new();
    loop {
        let page = client
            .list_events(ListEventsRequest { page_size: 10, page_token: token.clone(), ..Default::default() })
            .await
            .unwrap()
            .into_inner();
        seen.extend(page.events.into_iter().map(|e| e.id));
        token = page.next_page_token;
        if token.is_empty() {
            break;
        }
    }
    assert_eq!(seen.len(), 25);
    assert_eq!(seen.iter().collect::<HashSet<_>>().len(), 25);
    assert_eq!(seen[0], results[24].created_event_ids[0]);

    let planned = ListEventsRequest {
        filter: Some(EventFilter { statuses: vec![EventStatus::Planned.into()], ..Default::default() }),
        date_from: "2019-05-01".into(),
        date_to: "2019-05-31".into(),
        ..Default::default()
    };
    assert_eq!(client.list_events(planned).await.unwrap().into_inner().events.len(), 5);
    let june = ListEventsRequest { date_from: "2019-06-01".into(), ..Default::default() };
    assert!(client.list_events(june).await.unwrap().into_inner().events.is_empty());
    for bad in [
        ListEventsRequest { page_token: "nonsense".into(), ..Default::default() },
        ListEventsRequest { date_from: "May 2019".into(), ..Default::default() },
    ] {
        assert_eq!(client.list_events(bad).await.unwrap_err().code(), Code::InvalidArgument);
    }
}

async fn extract_is_stateless_and_validates(server: TestServer) {
    let mut client = server.client().await;
    let response = client.extract(article("a", "EVENT CONSULT OCCURRED RUS USA")).await.unwrap().into_inner();
    assert_eq!(response.events.len(), 1);
    assert!(client.list_events(ListEventsRequest::default()).await.unwrap().into_inner().events.is_empty());
    let status = client.extract(article("a", "")).await.unwrap_err();
    assert_eq!((status.code(), status.message()), (Code::InvalidArgument, "article text is empty"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restart_keeps_articles_events_and_sequence() {
    let server = TestServer::start(Arc::new(Scripted)).await;
    let mut client = server.client().await;
    ingest(&mut client, vec![article("a", "EVENT CONSULT OCCURRED RUS USA")]).await;
    let dir = server.stop().await;
    let server = TestServer::start_in(dir, Arc::new(Scripted)).await;
    let mut client = server.client().await;
    let again = ingest(&mut client, vec![article("a", "x"), article("b", "EVENT AGREE OCCURRED FRA DEU")]).await;
    assert_eq!(again[0].outcome(), IngestOutcome::Duplicate);
    assert_eq!(again[1].created_event_ids, ["ev-2"]);
    let mut sub = subscribe(&mut client, after(0)).await;
    assert_eq!(sequences(&take(&mut sub, 2).await), [1, 2]);
}

fn seeds() -> Vec<Article> {
    let mut paths: Vec<_> = std::fs::read_dir("seeds").unwrap().map(|e| e.unwrap().path()).collect();
    paths.sort();
    paths
        .into_iter()
        .map(|p| Article {
            id: p.file_stem().unwrap().to_string_lossy().into_owned(),
            text: std::fs::read_to_string(&p).unwrap(),
            ..Default::default()
        })
        .collect()
}

async fn seeds_yield_a_consultation_with_russia(server: TestServer) {
    let mut client = server.client().await;
    let mut sub = subscribe(&mut client, live(&["RUS"], &[EventType::Consult])).await;
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    let results = ingest(&mut client, seeds()).await;
    assert!(results.iter().all(|r| r.outcome() == IngestOutcome::Accepted));
    let update = take(&mut sub, 1).await.remove(0);
    let event = update.event.unwrap();
    assert!(event.participants.iter().any(|p| p.country == "RUS"));
    assert_eq!(event.event_type(), EventType::Consult);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reports_of_one_event_update_it_and_a_bridging_report_merges_two() {
    let server = TestServer::start(Arc::new(Prepared)).await;
    let mut client = server.client().await;
    let mut sub = subscribe(&mut client, after(0)).await;
    let sourced = |id: &str, source: &str| Article { source: source.into(), ..article(id, id) };
    let results = ingest(&mut client, vec![sourced("early", "tass.ru"), sourced("late", "rt.com"), sourced("late2", "rt.com")]).await;
    assert_eq!(
        results.iter().map(|r| (r.created_event_ids.clone(), r.updated_event_ids.clone())).collect::<Vec<_>>(),
        [(vec!["ev-1".to_string()], vec![]), (vec!["ev-2".to_string()], vec![]), (vec![], vec!["ev-1".to_string()]),]
    );
    // late2 (dated and placed) matches both stored events, which do not contradict each other.
    let updates = take(&mut sub, 3).await;
    assert_eq!(updates.iter().map(|u| u.kind()).collect::<Vec<_>>(), [UpdateKind::Created, UpdateKind::Created, UpdateKind::Merged]);
    let merged = &updates[2];
    assert_eq!((merged.sequence, merged.article_id.as_str(), merged.merged_event_id.as_str()), (3, "late2", "ev-2"));
    let event = merged.event.as_ref().unwrap();
    assert_eq!((event.id.as_str(), event.num_articles, event.num_sources), ("ev-1", 3, 2));
    assert_eq!(event.article_ids, ["early", "late", "late2"]);
    assert_eq!(event.date.as_ref().unwrap().start, "2019-05-14");
    assert!(merged.changed_fields.iter().any(|f| f == "date"), "{:?}", merged.changed_fields);
    // The absorbed id still resolves, to the event that absorbed it; listings show one event.
    let got = client.get_event(GetEventRequest { event_id: "ev-2".into() }).await.unwrap().into_inner().event.unwrap();
    assert_eq!(got.id, "ev-1");
    let reports = client.list_reports(ListReportsRequest { event_id: "ev-2".into(), ..Default::default() }).await.unwrap().into_inner();
    assert_eq!(reports.reports.iter().map(|r| r.article_id.as_str()).collect::<Vec<_>>(), ["early", "late", "late2"]);
    assert_eq!(client.list_events(ListEventsRequest::default()).await.unwrap().into_inner().events.len(), 1);
    // One more report of it: one UPDATED update, after a restart too (the index is rebuilt).
    let dir = server.stop().await;
    let server = TestServer::start_in(dir, Arc::new(Prepared)).await;
    let mut client = server.client().await;
    let again = ingest(&mut client, vec![sourced("late3", "aawsat.com")]).await;
    assert_eq!(again[0].updated_event_ids, ["ev-1"]);
    let mut sub = subscribe(&mut client, after(3)).await;
    let update = take(&mut sub, 1).await.remove(0);
    assert_eq!((update.kind(), update.sequence), (UpdateKind::Updated, 4));
    assert_eq!(update.event.unwrap().num_sources, 3);
}

async fn an_event_of_many_reports_stays_small_and_lists_them_page_by_page(server: TestServer) {
    let mut client = server.client().await;
    let articles = (0..40).map(|i| article(&format!("r{i:02}"), &format!("r{i}\nEVENT CONSULT OCCURRED RUS USA"))).collect();
    ingest(&mut client, articles).await;

    let event = client.get_event(GetEventRequest { event_id: "ev-1".into() }).await.unwrap().into_inner().event.unwrap();
    assert_eq!((event.num_articles, event.article_ids.len()), (40, 8));
    assert_eq!(event.article_ids.first().map(String::as_str), Some("r00"));
    let status = event.provenance.iter().find(|p| p.field == "status").unwrap();
    assert_eq!((status.num_articles, status.article_ids.len()), (40, 8));

    let mut seen = Vec::new();
    let mut token = String::new();
    let mut pages = 0;
    loop {
        let request = ListReportsRequest { event_id: "ev-1".into(), page_size: 15, page_token: token };
        let page = client.list_reports(request).await.unwrap().into_inner();
        pages += 1;
        seen.extend(page.reports.into_iter().map(|r| (r.article_id, r.event.unwrap().status())));
        if page.next_page_token.is_empty() {
            break;
        }
        token = page.next_page_token;
    }
    assert_eq!(pages, 3);
    assert_eq!(seen.iter().map(|(id, _)| id.clone()).collect::<HashSet<_>>().len(), 40);
    assert!(seen.iter().all(|(_, status)| *status == EventStatus::Occurred));

    let missing = client.list_reports(ListReportsRequest { event_id: "ev-99".into(), ..Default::default() }).await.unwrap_err();
    assert_eq!(missing.code(), Code::NotFound);
    let empty = client.list_reports(ListReportsRequest::default()).await.unwrap_err();
    assert_eq!(empty.code(), Code::InvalidArgument);

    // A subscriber watching the status skips the 39 updates that only added an article.
    let watch_status = SubscribeRequest { after_sequence: Some(0), changed_fields: vec!["status".into()], ..Default::default() };
    let mut status_only = subscribe(&mut client, watch_status).await;
    let called_off = Article { published_at: "2019-05-15".into(), ..article("called-off", "called-off\nEVENT CONSULT CANCELLED RUS USA") };
    ingest(&mut client, vec![called_off]).await;
    let got = take(&mut status_only, 2).await;
    assert_eq!(got.iter().map(|u| (u.sequence, u.kind())).collect::<Vec<_>>(), [(1, UpdateKind::Created), (41, UpdateKind::StatusChanged)]);
    assert_quiet(&mut status_only, 100).await;
    let typo = SubscribeRequest { changed_fields: vec!["stauts".into()], ..Default::default() };
    assert_eq!(client.subscribe(typo).await.unwrap_err().code(), Code::InvalidArgument);
}

async fn subscribers_catching_up_over_several_chunks_of_the_log_miss_nothing(server: TestServer) {
    let mut client = server.client().await;
    // Each article its own event (another pair of states), so every article is one update.
    let articles = (0..1200).map(|i| article(&format!("c{i}"), &format!("c{i}\nEVENT CONSULT OCCURRED R{i:02} U{i:02}"))).collect();
    ingest(&mut client, articles).await;
    let mut from_start = subscribe(&mut client, after(0)).await;
    let mut from_middle = subscribe(&mut client, after(700)).await;
    let (a, b) = tokio::join!(take(&mut from_start, 1200), take(&mut from_middle, 500));
    assert_eq!(sequences(&a), (1..=1200).collect::<Vec<_>>());
    assert_eq!(sequences(&b), (701..=1200).collect::<Vec<_>>());
    assert_quiet(&mut from_middle, 100).await;
}

/// An article of 2024-10-28 (the day of Macron's state visit to Morocco) from `source`.
fn october_28(id: &str, source: &str, text: &str) -> Article {
    Article { published_at: "2024-10-28".into(), source: source.into(), ..article(id, text) }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_meeting_during_a_visit_is_linked_to_it_as_its_part_across_a_restart() {
    let server = TestServer::start(Arc::new(Extractor::embedded().unwrap())).await;
    let mut client = server.client().await;
    let visit = october_28("visit", "a", "وصل الرئيس الفرنسي إيمانويل ماكرون اليوم إلى الرباط في زيارة دولة إلى المغرب.");
    let king = october_28("king", "b", "استقبل الملك محمد السادس اليوم الرئيس الفرنسي إيمانويل ماكرون بالقصر الملكي بالرباط.");
    let talks = |id: &str, topic: &str| {
        let text = format!("أجرى الرئيس الفرنسي إيمانويل ماكرون اليوم بالرباط مباحثات مع رئيس الحكومة المغربية عزيز أخنوش{topic}.");
        october_28(id, id, &text)
    };
    let results = ingest(&mut client, vec![visit, king, talks("talks", "")]).await;
    let ids = |r: &rasad::proto::IngestResult| (r.created_event_ids.clone(), r.updated_event_ids.clone());
    assert_eq!(ids(&results[0]), (vec!["ev-1".to_string()], vec![]));
    assert_eq!(ids(&results[2]), (vec!["ev-2".to_string()], vec!["ev-1".to_string()]), "the talks are an event of their own");

    let get = |id: &str| GetEventRequest { event_id: id.into() };
    let visit = client.get_event(get("ev-1")).await.unwrap().into_inner().event.unwrap();
    assert_eq!((visit.parent_id.as_str(), visit.part_ids.as_slice()), ("", ["ev-2".to_string()].as_slice()));
    let talks_event = client.get_event(get("ev-2")).await.unwrap().into_inner().event.unwrap();
    assert_eq!((talks_event.parent_id.as_str(), talks_event.part_ids.len()), ("ev-1", 0));
    let mut sub = subscribe(&mut client, SubscribeRequest { changed_fields: vec!["part_ids".into()], ..after(2) }).await;
    let linked = take(&mut sub, 2).await;
    assert_eq!(
        linked.iter().map(|u| (u.kind(), u.changed_fields.clone())).collect::<Vec<_>>()[1],
        (UpdateKind::Updated, vec!["part_ids".into()])
    );

    // After a restart the link is remembered: another report of the talks does not link again.
    let dir = server.stop().await;
    let server = TestServer::start_in(dir, Arc::new(Extractor::embedded().unwrap())).await;
    let mut client = server.client().await;
    let again = ingest(&mut client, vec![talks("talks2", " تناولت التعاون الاقتصادي")]).await;
    assert_eq!(ids(&again[0]), (vec![], vec!["ev-2".to_string()]));
    let mut sub = subscribe(&mut client, after(4)).await;
    let update = take(&mut sub, 1).await.remove(0);
    assert!(!update.changed_fields.iter().any(|f| f == "parent_id"), "{:?}", update.changed_fields);
    assert_eq!(update.event.unwrap().parent_id, "ev-1");
}

/// Returns by article id a summit of five states in Jeddah ("summit") or a meeting of two of
/// them there the same day ("sideline").
struct Summit;

impl rasad::service::EventExtractor for Summit {
    fn extract(&self, article: &Article) -> rasad::proto::ExtractResponse {
        use rasad::proto::{ConsultMode, DatePrecision, Event, EventDate, Location};
        let (mode, sides): (_, &[&str]) = match article.id.as_str() {
            "summit" => (ConsultMode::Multilateral, &["USA", "SAU", "ARE", "QAT", "KWT"]),
            _ => (ConsultMode::ThirdParty, &["ARE", "QAT"]),
        };
        let event = Event {
            mode: mode.into(),
            date: Some(EventDate { start: "2022-07-16".into(), precision: DatePrecision::Day.into(), ..Default::default() }),
            location: Some(Location { name_en: "Jeddah".into(), country: "SAU".into(), ..Default::default() }),
            ..occurred_consultation(sides)
        };
        rasad::proto::ExtractResponse { article_id: article.id.clone(), events: vec![event], warnings: vec![] }
    }
}

async fn listing_a_country_returns_the_sideline_meetings_of_its_summits(server: TestServer) {
    let mut client = server.client().await;
    let results = ingest(&mut client, vec![article("summit", "summit"), article("sideline", "sideline")]).await;
    assert_eq!(results[1].created_event_ids, ["ev-2"]);
    let list = |countries: &[&str]| ListEventsRequest { filter: filter(countries, &[]), ..Default::default() };
    let ids = |events: Vec<rasad::proto::Event>| events.into_iter().map(|e| (e.id, e.parent_id)).collect::<Vec<_>>();
    let usa = client.list_events(list(&["USA"])).await.unwrap().into_inner().events;
    assert_eq!(ids(usa), [("ev-2".into(), "ev-1".into()), ("ev-1".into(), String::new())], "the summit and its sideline meeting");
    let qatar = client.list_events(list(&["QAT"])).await.unwrap().into_inner().events;
    assert_eq!(ids(qatar).len(), 2);
    let egypt = client.list_events(list(&["EGY"])).await.unwrap().into_inner().events;
    assert!(egypt.is_empty());
}

/// Events of the snapshot tests: many pages of a snapshot (256 events each), and many times what
/// a slow reader's window and the server's buffers hold.
const SNAPSHOT_EVENTS: usize = 3000;
/// The flow-control window of the slow readers of snapshots, in bytes.
const SLOW_WINDOW: u32 = 8 * 1024;

/// The line of a consultation of a pair of states of its own, the `i`th of `prefix`.
fn consultation(prefix: &str, i: usize) -> String {
    format!("EVENT CONSULT OCCURRED {prefix}A{i} {prefix}B{i}")
}

/// `n` articles `<prefix><i>` of one event each (none merge).
fn distinct_events(prefix: &str, n: usize) -> Vec<Article> {
    (0..n).map(|i| article(&format!("{prefix}{i}"), &format!("{prefix}{i}\n{}", consultation(prefix, i)))).collect()
}

/// The ids of the events `results` created, in order.
fn created(results: &[IngestResult]) -> Vec<String> {
    results.iter().flat_map(|r| r.created_event_ids.clone()).collect()
}

/// Stores [`SNAPSHOT_EVENTS`] events; their ids.
async fn store_snapshot_events(client: &mut Client) -> Vec<String> {
    let ids = created(&ingest(client, distinct_events("S", SNAPSHOT_EVENTS)).await);
    assert_eq!(ids.len(), SNAPSHOT_EVENTS);
    ids
}

/// A snapshot of every event, subscribed by a slow reader that has taken its first update: the
/// server is then mid-snapshot. The client is kept with the stream.
async fn mid_snapshot(server: &TestServer) -> (Client, Streaming<EventUpdate>, EventUpdate) {
    let mut slow = slow_reader(&server.url, SLOW_WINDOW).await;
    let mut snapshot = subscribe(&mut slow, SubscribeRequest { snapshot: true, ..Default::default() }).await;
    let first = take(&mut snapshot, 1).await.remove(0);
    (slow, snapshot, first)
}

/// Asserts that `updates` are one SNAPSHOT update of each event of `ids`, in their order, at
/// sequence `head`.
fn assert_snapshot(updates: &[EventUpdate], ids: &[String], head: u64) {
    let odd = updates.iter().find(|u| (u.kind(), u.sequence) != (UpdateKind::Snapshot, head));
    assert!(odd.is_none(), "not a SNAPSHOT update at {head}: {odd:?}");
    let got: Vec<&str> = updates.iter().map(|u| u.event.as_ref().unwrap().id.as_str()).collect();
    let wanted: Vec<&str> = ids.iter().map(String::as_str).collect();
    assert!(
        got == wanted,
        "{} snapshot updates, {} distinct events, {} wanted",
        got.len(),
        got.iter().collect::<HashSet<_>>().len(),
        ids.len()
    );
}

async fn a_snapshot_of_many_pages_arrives_whole_and_is_read_as_the_client_takes_it(server: TestServer) {
    let mut client = server.client().await;
    let ids = store_snapshot_events(&mut client).await;
    let (_slow, mut snapshot, first) = mid_snapshot(&server).await;
    // A page is read once the client has taken the last: for a client that took one update, the
    // few pages its window and the server's buffers hold, not the whole snapshot.
    let read = server.metric("rasad_snapshot_events_read_total").await;
    eprintln!("{read} of {SNAPSHOT_EVENTS} events read for a client that took one update");
    assert!(read < (SNAPSHOT_EVENTS / 2) as f64, "{read} events read for a client that took one update");
    let mut updates = vec![first];
    updates.extend(take(&mut snapshot, SNAPSHOT_EVENTS - 1).await);
    assert_snapshot(&updates, &ids, SNAPSHOT_EVENTS as u64);
    assert_eq!(server.metric("rasad_snapshot_events_read_total").await, SNAPSHOT_EVENTS as f64, "each event read once");
    // Then live, from the position of the snapshot.
    ingest(&mut client, distinct_events("T", 1)).await;
    let live = take(&mut snapshot, 1).await;
    assert_eq!((live[0].kind(), live[0].sequence), (UpdateKind::Created, SNAPSHOT_EVENTS as u64 + 1));
    assert_eq!(server.metric("rasad_snapshots_open ").await, 0.0);
}

async fn events_written_mid_snapshot_come_after_it_as_live_updates(server: TestServer) {
    let mut client = server.client().await;
    let ids = store_snapshot_events(&mut client).await;
    let head = SNAPSHOT_EVENTS as u64;
    let (_slow, mut snapshot, first) = mid_snapshot(&server).await;
    // While the slow reader is mid-snapshot: three new events, and a second report of the last
    // event of the snapshot.
    let last = SNAPSHOT_EVENTS - 1;
    let mut writes = distinct_events("N", 3);
    writes.push(article("again", &format!("again\n{}", consultation("S", last))));
    let results = ingest(&mut client, writes).await;
    let new = created(&results);
    assert_eq!((new.len(), &results[3].updated_event_ids[..]), (3, &ids[last..]));
    assert_eq!(server.metric("rasad_snapshots_open ").await, 1.0, "the snapshot is still being read");

    let mut updates = vec![first];
    updates.extend(take(&mut snapshot, SNAPSHOT_EVENTS - 1).await);
    assert_snapshot(&updates, &ids, head);
    assert_eq!(updates[last].event.as_ref().unwrap().num_articles, 1, "the last event as it stood when the snapshot began");
    let live = take(&mut snapshot, 4).await;
    assert_eq!(sequences(&live), (head + 1..=head + 4).collect::<Vec<_>>());
    let mut got: Vec<_> =
        live.iter().map(|u| (u.kind(), u.event.as_ref().unwrap().id.clone(), u.event.as_ref().unwrap().num_articles)).collect();
    got.sort();
    let mut wanted: Vec<_> = new.iter().map(|id| (UpdateKind::Created, id.clone(), 1)).collect();
    wanted.push((UpdateKind::Updated, ids[last].clone(), 2));
    wanted.sort();
    assert_eq!(got, wanted);
    assert_quiet(&mut snapshot, 200).await;
}

/// Snapshot transactions open in the cluster's database (their connections are "rasad-snapshot").
async fn snapshot_transactions(cluster: &Cluster) -> i64 {
    let sql = "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() \
               AND application_name = 'rasad-snapshot' AND xact_start IS NOT NULL";
    cluster.database().await.query_one(sql, &[]).await.unwrap().get(0)
}

/// Snapshots the server holds open: its gauge, and in the distributed mode the transactions
/// PostgreSQL has open for them.
async fn open_snapshots(server: &TestServer) -> (f64, i64) {
    let transactions = match &server.cluster {
        Some(cluster) => snapshot_transactions(cluster).await,
        None => 0,
    };
    (server.metric("rasad_snapshots_open ").await, transactions)
}

async fn a_subscriber_gone_mid_snapshot_ends_its_transaction(server: TestServer) {
    let mut client = server.client().await;
    store_snapshot_events(&mut client).await;
    let (slow, snapshot, _) = mid_snapshot(&server).await;
    let held = if server.cluster.is_some() { 1 } else { 0 };
    assert_eq!(open_snapshots(&server).await, (1.0, held));
    drop((snapshot, slow));
    let ended = async {
        while open_snapshots(&server).await != (0.0, 0) {
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
    };
    tokio::time::timeout(std::time::Duration::from_secs(5), ended).await.expect("the snapshot's transaction ends with its stream");
    // The server goes on: a write, then a whole snapshot again.
    ingest(&mut client, distinct_events("T", 1)).await;
    let whole = drain(&mut client, SubscribeRequest { snapshot: true, ..Default::default() }).await;
    assert_eq!(whole.len(), SNAPSHOT_EVENTS + 1);
    assert_eq!(open_snapshots(&server).await, (0.0, 0));
}

async fn a_shutdown_mid_snapshot_ends_it_saying_to_subscribe_again(server: TestServer) {
    let mut client = server.client().await;
    store_snapshot_events(&mut client).await;
    let (_slow, mut snapshot, _) = mid_snapshot(&server).await;
    let stopping = tokio::spawn(server.stop());
    let mut received = 1;
    let ended = loop {
        match snapshot.message().await {
            Ok(Some(_)) => received += 1,
            Ok(None) => panic!("the snapshot ended as if all was well after {received} updates"),
            Err(status) => break status,
        }
    };
    assert_eq!(ended.code(), Code::Unavailable, "{ended:?}");
    assert!(ended.message().contains("subscribe again with snapshot"), "{}", ended.message());
    eprintln!("{received} of {SNAPSHOT_EVENTS} snapshot updates before the server ended the stream");
    assert!(received < SNAPSHOT_EVENTS, "the whole snapshot was sent ({received} updates) after the server began shutting down");
    stopping.await.unwrap();
}
