//! `rasad subscribe` when the server goes away (issue 18, case 11): the real binaries.

mod common;

use std::{
    io::BufRead,
    process::{Child, Command, Stdio},
    sync::mpsc,
    time::Duration,
};

use common::*;
use rasad::proto::{Article, EventUpdate};

/// `rasad subscribe` with `args`; its stdout lines and its stderr lines as they come.
fn subscriber(url: &str, args: &[&str]) -> (Child, mpsc::Receiver<String>, mpsc::Receiver<String>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_rasad"))
        .args(["subscribe", "--server", url])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let lines = |pipe: Box<dyn std::io::Read + Send>| {
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || std::io::BufReader::new(pipe).lines().map_while(Result::ok).try_for_each(|l| tx.send(l)));
        rx
    };
    let out = lines(Box::new(child.stdout.take().unwrap()));
    let err = lines(Box::new(child.stderr.take().unwrap()));
    (child, out, err)
}

/// The sequences of the updates printed until none comes for a second (at least one).
fn printed(out: &mpsc::Receiver<String>) -> Vec<u64> {
    let mut seen = vec![out.recv_timeout(Duration::from_secs(30)).expect("an update printed")];
    while let Ok(line) = out.recv_timeout(Duration::from_secs(1)) {
        seen.push(line);
    }
    seen.iter().map(|line| serde_json::from_str::<EventUpdate>(line).unwrap().sequence).collect()
}

/// Copies `from..to` of the first seed article.
fn articles(from: usize, to: usize) -> Vec<Article> {
    let seeds = std::fs::read_to_string("seeds/seeds.jsonl").unwrap();
    let first: Article = serde_json::from_str(seeds.lines().next().unwrap()).unwrap();
    (from..to).map(|i| Article { id: format!("r{i}"), text: format!("{}\n[{i}]", first.text), ..first.clone() }).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn subscribe_reconnects_from_the_last_update_it_printed() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = Server::start(dir.path());
    let addr = server.addr.clone();
    let (mut child, out, err) = subscriber(&server.url(), &["--after", "0"]);
    ingest(&mut connect(&server.url()).await, articles(0, 1)).await;
    let before = printed(&out);
    let last = *before.last().unwrap();
    server.kill();
    let said = err.recv_timeout(Duration::from_secs(30)).expect("it says the server went away");
    assert!(said.contains("reconnecting") && said.contains(&format!("--after {last}")), "{said}");

    let server = Server::start_at(dir.path(), &addr);
    ingest(&mut connect(&server.url()).await, articles(1, 2)).await;
    let after = printed(&out);
    assert_eq!(after[0], last + 1, "resumed right after the last update printed, none twice: {before:?} then {after:?}");
    child.kill().unwrap();
    child.wait().unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn subscribe_without_reconnecting_exits_saying_how_to_resume() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = Server::start(dir.path());
    let (child, out, err) = subscriber(&server.url(), &["--after", "0", "--no-reconnect"]);
    ingest(&mut connect(&server.url()).await, articles(0, 1)).await;
    let last = *printed(&out).last().unwrap();
    server.kill();
    let status = tokio::task::spawn_blocking(move || child.wait_with_output().unwrap().status).await.unwrap();
    assert!(!status.success(), "exits non-zero");
    let said: Vec<String> = err.iter().collect();
    assert!(said.iter().any(|l| l.contains(&format!("--after {last}"))), "{said:?}");
}
