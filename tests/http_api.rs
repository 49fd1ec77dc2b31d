//! The HTTP front's JSON API and event stream over a socket, without a browser: the same
//! events as `ListEvents` for the same filters, paging, 400 for a bad filter and 404 for an
//! unknown event, and Server-Sent Events that filter like Subscribe and resume after
//! `Last-Event-ID`.

mod common;

use std::sync::Arc;

use common::{http::Events, *};
use rasad::proto::{EventFilter, EventType, ListEventsRequest};

/// A server with four scripted events (all dated 2019-05-14): ev-1 CONSULT OCCURRED RUS USA,
/// ev-2 AGREE PLANNED FRA DEU, ev-3 CONSULT PLANNED CHN RUS, ev-4 AID OCCURRED USA EGY.
async fn server() -> TestServer {
    let server = TestServer::start(Arc::new(Scripted)).await;
    let articles = vec![
        article("a", "EVENT CONSULT OCCURRED RUS USA"),
        article("b", "EVENT AGREE PLANNED FRA DEU"),
        article("c", "EVENT CONSULT PLANNED CHN RUS"),
        article("d", "EVENT AID OCCURRED USA EGY"),
    ];
    ingest(&mut server.client().await, articles).await;
    server
}

/// The ids `GET /api/events?<query>` lists.
async fn listed(server: &TestServer, query: &str) -> Vec<String> {
    let reply = http::get(&server.http(&format!("/api/events?{query}"))).await;
    assert_eq!((reply.status, reply.content_type.as_str()), (200, "application/json"), "{query}: {}", reply.body);
    let page = reply.json();
    page["events"].as_array().map_or(vec![], |events| events.iter().map(|e| e["id"].as_str().unwrap().to_string()).collect())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_are_filtered_by_the_server_as_list_events_filters_them() {
    let server = server().await;
    assert_eq!(listed(&server, "").await, ["ev-4", "ev-3", "ev-2", "ev-1"]);
    assert_eq!(listed(&server, "country=RUS").await, ["ev-3", "ev-1"]);
    assert_eq!(listed(&server, "country=rus&country=FRA").await, ["ev-3", "ev-2", "ev-1"]);
    assert_eq!(listed(&server, "type=consult").await, ["ev-3", "ev-1"]);
    assert_eq!(listed(&server, "type=EVENT_TYPE_AGREE&type=aid").await, ["ev-4", "ev-2"]);
    assert_eq!(listed(&server, "status=planned&country=RUS").await, ["ev-3"]);
    assert_eq!(listed(&server, "since=2019-05-14&until=2019-05-14").await.len(), 4);
    assert!(listed(&server, "since=2019-05-15").await.is_empty());
    assert!(listed(&server, "until=2019-05-13").await.is_empty());
    // The same service call as gRPC's ListEvents.
    let mut client = server.client().await;
    let filter = EventFilter { countries: vec!["USA".into()], event_types: vec![EventType::Consult.into()], ..Default::default() };
    let grpc = client.list_events(ListEventsRequest { filter: Some(filter), ..Default::default() }).await.unwrap().into_inner();
    assert_eq!(listed(&server, "country=USA&type=consult").await, grpc.events.iter().map(|e| e.id.clone()).collect::<Vec<_>>());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_come_a_page_at_a_time() {
    let server = server().await;
    let first = http::get(&server.http("/api/events?page_size=3")).await.json();
    assert_eq!(first["events"].as_array().unwrap().len(), 3);
    let token = first["nextPageToken"].as_str().expect("a next page");
    assert_eq!(listed(&server, &format!("page_size=3&page_token={token}")).await, ["ev-1"]);
    let last = http::get(&server.http(&format!("/api/events?page_size=3&page_token={token}"))).await.json();
    assert!(last.get("nextPageToken").is_none(), "{last}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_filters_are_refused_with_what_to_write() {
    let server = server().await;
    for (query, says) in [
        ("country=Russia", "ISO 3166-1 alpha-3"),
        ("type=meeting", "EVENT_TYPE_"),
        ("status=happened", "EVENT_STATUS_"),
        ("since=14/05/2019", "YYYY-MM-DD"),
        ("since=2019-06-01&until=2019-05-01", "after"),
        ("contry=RUS", "unknown parameter \"contry\""),
        ("page_size=many", "whole number"),
        ("page_token=zz", "page_token"),
    ] {
        let reply = http::get(&server.http(&format!("/api/events?{query}"))).await;
        assert_eq!(reply.status, 400, "{query}: {}", reply.body);
        let error = reply.json()["error"].as_str().unwrap().to_string();
        assert!(error.contains(says), "{query}: {error}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_event_and_its_reports_by_id_and_404_for_an_unknown_one() {
    let server = server().await;
    let event = http::get(&server.http("/api/events/ev-3")).await;
    assert_eq!(event.status, 200, "{}", event.body);
    let event = event.json();
    assert_eq!(event["id"], "ev-3");
    assert_eq!(event["eventType"], "EVENT_TYPE_CONSULT");
    assert_eq!(event["status"], "EVENT_STATUS_PLANNED");
    let countries: Vec<&str> = event["participants"].as_array().unwrap().iter().map(|p| p["country"].as_str().unwrap()).collect();
    assert_eq!(countries, ["CHN", "RUS"]);
    let reports = http::get(&server.http("/api/events/ev-3/reports")).await.json();
    let reports = reports["reports"].as_array().unwrap();
    assert_eq!(reports.len(), 1);
    assert_eq!(reports[0]["articleId"], "c");
    for path in ["/api/events/ev-99", "/api/events/nonsense", "/api/events/ev-99/reports"] {
        let reply = http::get(&server.http(path)).await;
        assert_eq!(reply.status, 404, "{path}: {}", reply.body);
        assert!(reply.json()["error"].as_str().unwrap().contains("no stored event"), "{path}");
    }
    assert_eq!(http::get(&server.http("/api/nothing")).await.status, 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_stream_filters_like_subscribe_and_resumes_after_last_event_id() {
    let server = TestServer::start(Arc::new(Scripted)).await;
    let mut live = Events::open(&server.http("/api/stream?country=RUS"), &[]).await;
    let mut client = server.client().await;
    ingest(&mut client, vec![article("a", "EVENT CONSULT OCCURRED RUS USA"), article("b", "EVENT AGREE PLANNED FRA DEU")]).await;
    ingest(&mut client, vec![article("c", "EVENT CONSULT PLANNED CHN RUS")]).await;
    let got = live.take(2).await;
    // Sequence 2 (FRA DEU) is filtered out; each message's id is its update's sequence.
    assert_eq!(got.iter().map(|m| m.id.as_str()).collect::<Vec<_>>(), ["1", "3"]);
    let update = got[1].json();
    assert_eq!(update["sequence"], "3");
    assert_eq!(update["kind"], "UPDATE_KIND_CREATED");
    assert_eq!(update["event"]["id"], "ev-3");

    // A reconnecting EventSource sends the last id it saw: the stream goes on right after it.
    let mut resumed = Events::open(&server.http("/api/stream"), &[("last-event-id", "1")]).await;
    assert_eq!(resumed.take(2).await.iter().map(|m| m.id.as_str()).collect::<Vec<_>>(), ["2", "3"]);
    // Last-Event-ID wins over the snapshot the first request asked for.
    let mut again = Events::open(&server.http("/api/stream?snapshot=true&country=RUS"), &[("last-event-id", "2")]).await;
    assert_eq!(again.take(1).await[0].json()["kind"], "UPDATE_KIND_CREATED");
    // `after` replays from the start of the log; `snapshot` gives the current events first.
    let mut replay = Events::open(&server.http("/api/stream?after=0&type=agree"), &[]).await;
    assert_eq!(replay.take(1).await[0].json()["event"]["id"], "ev-2");
    let mut snapshot = Events::open(&server.http("/api/stream?snapshot=1&status=planned"), &[]).await;
    let kinds: Vec<_> = snapshot.take(2).await.iter().map(|m| m.json()["kind"].as_str().unwrap().to_string()).collect();
    assert_eq!(kinds, ["UPDATE_KIND_SNAPSHOT", "UPDATE_KIND_SNAPSHOT"]);

    // New updates reach every open stream.
    ingest(&mut client, vec![article("d", "EVENT AID OCCURRED RUS EGY")]).await;
    assert_eq!(live.take(1).await[0].id, "4");
    assert_eq!(resumed.take(1).await[0].id, "4");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_stream_request_is_refused_before_streaming() {
    let server = TestServer::start(Arc::new(Scripted)).await;
    for (path, header) in [
        ("/api/stream?country=XX1", None),
        ("/api/stream?changed=colour", None),
        ("/api/stream?after=3&snapshot=true", None),
        ("/api/stream?page_size=3", None),
        ("/api/stream", Some("yesterday")),
    ] {
        let headers: Vec<(&str, &str)> = header.map(|h| ("last-event-id", h)).into_iter().collect();
        let reply = http::send("GET", &server.http(path), &headers, None).await;
        assert_eq!(reply.status().as_u16(), 400, "{path} {header:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn open_event_streams_end_when_the_server_stops() {
    let server = TestServer::start(Arc::new(Scripted)).await;
    let mut events = Events::open(&server.http("/api/stream"), &[]).await;
    ingest(&mut server.client().await, vec![article("a", "EVENT CONSULT OCCURRED RUS USA")]).await;
    assert_eq!(events.take(1).await[0].id, "1");
    // Graceful shutdown waits for the HTTP front, which ends its streams: last with a `failure`
    // that says how to resume (the browser's EventSource reconnects with Last-Event-ID).
    server.stop().await;
    let last = events.next().await.expect("a failure event before the end");
    assert_eq!(last.event, "failure", "{last:?}");
    assert!(last.data.contains("after_sequence = 1"), "{}", last.data);
    assert!(events.next().await.is_none(), "the stream ended");
}

#[test]
fn no_http_serves_grpc_alone() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_rasad"))
        .args(["serve", "--addr", "127.0.0.1:0", "--no-http", "--data-dir"])
        .arg(dir.path())
        .env("RUST_LOG", "info")
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let lines = std::io::BufRead::lines(std::io::BufReader::new(child.stderr.take().unwrap()));
    let serving = lines.map_while(Result::ok).map(|l| plain(&l)).find(|l| l.contains(" serving"));
    child.kill().unwrap();
    child.wait().unwrap();
    let serving = serving.expect("a serving line");
    assert!(serving.contains(" http=off"), "{serving}");
}
