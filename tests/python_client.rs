//! The Python client (`clients/python`) against `rasad serve` on a socket: the package is built
//! from `proto/` as a user installs it (into a temporary directory), then its examples run with
//! python3 and what they print is checked: the follower ingests a folder, sees every matching
//! update once, in order, across a dropped stream and a server killed and restarted; the
//! DataFrame holds what `ListEvents` lists. Skipped, saying so, only when python3 is absent:
//! without the Python packages it fails and names them (`.ci/run` installs them).

mod common;

use std::{
    io::BufRead,
    path::Path,
    process::{Child, Command, Output, Stdio},
    sync::mpsc::{Receiver, channel},
    time::Duration,
};

use common::*;
use rasad::proto::{Article, EventFilter, ListEventsRequest, SubscribeRequest};
use serde_json::Value;

/// How to install what the package and its examples need (as `.ci/run` does).
const INSTALL: &str = "python3 -m pip install -r clients/python/requirements.txt";

fn python3_present() -> bool {
    Command::new("python3").arg("--version").output().is_ok_and(|o| o.status.success())
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// `clients/python` built (stubs generated from proto/) and installed into a directory for
/// PYTHONPATH.
fn install_client() -> tempfile::TempDir {
    let target = tempfile::tempdir().unwrap();
    let out = Command::new("python3")
        .args(["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-deps", "--no-build-isolation", "--target"])
        .arg(target.path())
        .arg("clients/python")
        .output()
        .unwrap();
    assert!(out.status.success(), "building clients/python failed; install what it needs with `{INSTALL}`:\n{}", stderr(&out));
    target
}

fn example(client: &Path, name: &str) -> Command {
    let mut command = Command::new("python3");
    command.arg(format!("clients/python/examples/{name}")).env("PYTHONPATH", client).env("PYTHONUNBUFFERED", "1");
    command
}

/// The seeds as JSON objects.
fn seeds() -> Vec<Value> {
    std::fs::read_to_string("seeds/seeds.jsonl").unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

/// A folder of the first three seeds: two as one-article .json files, one in a .jsonl file.
fn article_folder(seeds: &[Value]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.json"), serde_json::to_string_pretty(&seeds[0]).unwrap()).unwrap();
    std::fs::write(dir.path().join("b.json"), serde_json::to_string_pretty(&seeds[1]).unwrap()).unwrap();
    std::fs::write(dir.path().join("c.jsonl"), format!("{}\n", seeds[2])).unwrap();
    dir
}

/// The lines a child prints, as they come.
fn lines_of(child: &mut Child) -> Receiver<String> {
    let stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    let (tx, rx) = channel();
    std::thread::spawn(move || stdout.lines().map_while(Result::ok).try_for_each(|line| tx.send(line)));
    rx
}

/// Reads the follower's lines until it has printed updates up to sequence `last`; returns
/// every line read.
fn read_until(lines: &Receiver<String>, last: u64, seen: &mut Vec<String>) {
    let printed = |line: &str| line.strip_prefix("update ").and_then(|rest| rest.split(' ').next()?.parse::<u64>().ok());
    while seen.last().and_then(|l| printed(l)) != Some(last) {
        match lines.recv_timeout(Duration::from_secs(60)) {
            Ok(line) => seen.push(line),
            Err(_) => panic!("the follower did not print update {last}; it printed:\n{}", seen.join("\n")),
        }
    }
}

/// The sequences of the `update N ...` lines, in the order printed.
fn printed_sequences(lines: &[String]) -> Vec<u64> {
    lines.iter().filter_map(|l| l.strip_prefix("update ")?.split(' ').next()?.parse().ok()).collect()
}

/// Every update sequence of events with a Russian side, from the server's log.
async fn russian_sequences(url: &str) -> Vec<u64> {
    let filter = EventFilter { countries: vec!["RUS".into()], ..Default::default() };
    let request = SubscribeRequest { filter: Some(filter), after_sequence: Some(0), ..Default::default() };
    sequences(&drain(&mut connect(url).await, request).await)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_python_examples_ingest_follow_resume_and_load_a_dataframe() {
    if !python3_present() {
        eprintln!("SKIPPED: python3 is not on PATH, so the Python client's examples did not run");
        return;
    }
    let client = install_client();
    let seeds = seeds();
    let folder = article_folder(&seeds);
    let dir = tempfile::tempdir().unwrap();
    let mut server = Server::start(dir.path());
    let addr = server.addr.clone();

    let mut follower = example(client.path(), "ingest_and_follow.py")
        .args(["--server", &addr, "--country", "RUS", "--disconnect-after", "2", "--articles"])
        .arg(folder.path())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let lines = lines_of(&mut follower);
    assert_eq!(lines.recv_timeout(Duration::from_secs(60)).ok().as_deref(), Some("ingested 3 articles: 3 accepted"));
    let before = russian_sequences(&server.url()).await;
    assert!(before.len() > 2, "{before:?}");
    let mut seen = Vec::new();
    read_until(&lines, *before.last().unwrap(), &mut seen);
    assert_eq!(printed_sequences(&seen), before, "{seen:#?}");
    assert!(seen.contains(&format!("disconnected (CANCELLED); resuming after sequence {} in 0.2 s", before[1])), "{seen:#?}");

    // A real disconnect: the server dies and comes back on the same address; the follower goes
    // on after the last update it printed.
    server.kill();
    let server = Server::start_at(dir.path(), &addr);
    let rest: Vec<Article> = seeds[3..].iter().map(|s| serde_json::from_value(s.clone()).unwrap()).collect();
    assert_eq!(ingest(&mut connect(&server.url()).await, rest).await.len(), 2);
    let all = russian_sequences(&server.url()).await;
    assert!(all.len() > before.len(), "the last two seeds add no Russian event: {all:?}");
    let resumed_from = seen.len();
    read_until(&lines, *all.last().unwrap(), &mut seen);
    assert_eq!(printed_sequences(&seen), all, "{seen:#?}");
    let resumed = format!("resuming after sequence {}", before.last().unwrap());
    assert!(seen[resumed_from..].iter().any(|l| l.contains(&resumed)), "{seen:#?}");
    follower.kill().unwrap();
    follower.wait().unwrap();

    let out = example(client.path(), "events_dataframe.py").args(["--server", &addr, "--country", "RUS"]).output().unwrap();
    assert!(out.status.success(), "events_dataframe.py failed; install what it needs with `{INSTALL}`:\n{}", stderr(&out));
    let printed = String::from_utf8(out.stdout).unwrap();
    let filter = EventFilter { countries: vec!["RUS".into()], ..Default::default() };
    let request = ListEventsRequest { filter: Some(filter), page_size: 1000, ..Default::default() };
    let listed = connect(&server.url()).await.list_events(request).await.unwrap().into_inner().events;
    assert_eq!(printed.lines().next(), Some(format!("{} events", listed.len()).as_str()), "{printed}");
    let table: Vec<&str> = printed.lines().skip_while(|l| !l.trim_start().starts_with("id ")).collect();
    assert!(table.first().is_some_and(|h| h.contains("countries") && h.contains("articles")), "{printed}");
    let ids: Vec<&str> = table[1..].iter().filter_map(|row| row.split_whitespace().next()).collect();
    assert_eq!(ids, listed.iter().map(|e| e.id.as_str()).collect::<Vec<_>>(), "{printed}");
}
