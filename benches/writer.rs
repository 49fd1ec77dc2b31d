//! The single writer alone, on a real store: the articles of `rasad bench`'s synthetic stream
//! (the seeds and the held-out corpus, spread over ten years) are extracted first, then queued
//! to a [`Writer`] on a fresh redb store in a temporary directory, `GROUP` at a time (each group
//! waits for its acknowledgements, so commits hold about `GROUP` articles, as at a few
//! thousand articles per second over loopback). Prints, per block of 2,000 articles, the wall
//! time and the CPU time per article of the writer's two threads (the planner, which merges,
//! and the committer, which writes and commits), and the updates they made: how the
//! merge-and-commit path costs as the store fills, without gRPC, extraction or subscribers.
//! `cargo bench --bench writer [-- ARTICLES [GROUP]]`.

use std::time::Instant;

use chrono::NaiveDate;
use rasad::{
    cli::bench::synthetic_article,
    extract::Extractor,
    merge::MergeConfig,
    store::{
        self, Store,
        writer::{Submission, Writer},
    },
};

mod common;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const BLOCK: usize = 2_000;

/// CPU seconds the thread named `name` of this process has used.
fn thread_cpu(name: &str) -> f64 {
    let ticks_per_second = 100.0;
    for task in std::fs::read_dir("/proc/self/task").expect("/proc/self/task").flatten() {
        let comm = std::fs::read_to_string(task.path().join("comm")).unwrap_or_default();
        if comm.trim() == name {
            let stat = std::fs::read_to_string(task.path().join("stat")).expect("stat");
            // Fields after the parenthesised command: utime and stime are the 12th and 13th.
            let fields: Vec<&str> = stat.rsplit_once(')').expect("stat").1.split_whitespace().collect();
            let ticks: f64 = fields[11].parse::<f64>().expect("utime") + fields[12].parse::<f64>().expect("stime");
            return ticks / ticks_per_second;
        }
    }
    0.0
}

fn main() {
    let mut args = std::env::args().skip(1).filter_map(|a| a.parse::<usize>().ok());
    let articles = args.next().unwrap_or(10_000);
    let group = args.next().unwrap_or(8).max(1);

    let texts: Vec<String> = common::seeds().into_iter().chain(common::held_out()).map(|a| a.text).collect();
    let first = NaiveDate::from_ymd_opt(2015, 1, 1).expect("date");
    let extractor = Extractor::embedded().expect("knowledge base");
    let submissions: Vec<Submission> = (0..articles)
        .map(|i| {
            let article = synthetic_article(&texts, first, 3650, 0, i);
            let extraction = extractor.extract(&article);
            Submission { text_hash: store::text_hash(&article.text), article, extraction }
        })
        .collect();

    let dir = tempfile::tempdir().expect("temporary directory");
    let store = Store::open(dir.path()).expect("store");
    let (writer, thread) = Writer::spawn(store, MergeConfig::default(), Box::new(|_| {})).expect("writer");
    let runtime = tokio::runtime::Builder::new_current_thread().build().expect("runtime");
    runtime.block_on(async {
        let mut queue = submissions.into_iter().peekable();
        let mut done = 0;
        while queue.peek().is_some() {
            let (started, planner, committer) = (Instant::now(), thread_cpu("rasad-planner"), thread_cpu("rasad-writer"));
            let mut updates = 0;
            let mut block = 0;
            while block < BLOCK && queue.peek().is_some() {
                let mut pending = Vec::with_capacity(group);
                for submission in queue.by_ref().take(group) {
                    pending.push(writer.enqueue(submission).await.expect("queued"));
                }
                for p in pending {
                    let result = p.durable().await.expect("durable");
                    updates += result.created_event_ids.len() + result.updated_event_ids.len();
                    block += 1;
                }
            }
            let per = |seconds: f64| seconds * 1e6 / block as f64;
            println!(
                "articles {done}..{}: {:.0} µs wall, CPU {:.0} µs planner + {:.0} µs committer per article; {:.1} events changed per article",
                done + block,
                per(started.elapsed().as_secs_f64()),
                per(thread_cpu("rasad-planner") - planner),
                per(thread_cpu("rasad-writer") - committer),
                updates as f64 / block as f64,
            );
            done += block;
        }
    });
    drop(writer);
    thread.join().expect("writer thread");
}
