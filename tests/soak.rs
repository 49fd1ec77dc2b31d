//! Issue 18's soak test, run by hand (it takes minutes):
//!
//!     cargo test --release --test soak -- --ignored --nocapture
//!
//! 100,000 articles through a real `rasad serve`: the seed articles on varied days (`rasad
//! bench`'s synthetic stream), one in 50 bad (refused: blank, badly dated, over the size limit,
//! not UTF-8) or adversarial (accepted: long runs, repeated triggers, odd Unicode at 64 KB).
//! Nothing acknowledged may be lost: every accepted article is a duplicate when sent again, and
//! every one that reported events is named in the update log. The server's peak resident memory
//! (VmHWM) is printed at 10k, 50k and 100k articles: it must stay flat, not grow with the count.

mod common;

use std::collections::HashSet;

use chrono::NaiveDate;
use common::{
    adversarial::{Kind, Rng, seed_texts, text},
    raw::*,
    *,
};
use rasad::{cli::bench::synthetic_article, proto::IngestOutcome};

const ARTICLES: usize = 100_000;
const BATCH: usize = 10_000;
/// The server's article limit here (`--max-article-bytes`), under its message limit, so that an
/// oversized article is refused on its own and the stream goes on.
const ARTICLE_BYTES: usize = 256 << 10;

/// Article `i` and whether it must be accepted (the same every time it is made).
fn article(i: usize, seeds: &[String]) -> (RawArticle, bool) {
    let mut article = raw(&synthetic_article(seeds, NaiveDate::from_ymd_opt(2015, 1, 1).expect("a date"), 3650, 0, i));
    if i % 50 != 49 {
        return (article, true);
    }
    let adversarial = || {
        let rng = &mut Rng::new(i as u64);
        format!("{i} {}", text(*rng.pick(&Kind::ALL), 64 << 10, rng, seeds)).into_bytes()
    };
    match (i / 50) % 5 {
        0 => article.text = b" \n\t ".to_vec(),
        1 => article.published_at = b"2019-02-30".to_vec(),
        2 => article.text = adversarial().repeat(5),
        3 => article.text.insert(0, 0xff),
        _ => {
            article.text = adversarial();
            return (article, true);
        }
    };
    (article, false)
}

/// The server's peak and current resident memory, in MB.
fn memory(pid: u32) -> (u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("the server's /proc status");
    let field = |name: &str| {
        let line = status.lines().find(|l| l.starts_with(name)).unwrap_or_else(|| panic!("no {name}"));
        line.split_whitespace().nth(1).and_then(|kb| kb.parse::<u64>().ok()).expect("kB") / 1024
    };
    (field("VmHWM:"), field("VmRSS:"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "minutes long: cargo test --release --test soak -- --ignored --nocapture"]
async fn a_hundred_thousand_articles_with_bad_ones_lose_nothing_acknowledged_and_memory_stays_flat() {
    let dir = tempfile::tempdir().unwrap();
    let limit = ARTICLE_BYTES.to_string();
    let server = Server::start_with(dir.path(), &["--max-article-bytes", &limit, "--no-http"]);
    let seeds = seed_texts();
    let (mut accepted, mut reporting, mut peaks) = (0, HashSet::new(), Vec::new());
    for first in (0..ARTICLES).step_by(BATCH) {
        let batch: Vec<(RawArticle, bool)> = (first..first + BATCH).map(|i| article(i, &seeds)).collect();
        let (results, end) = ingest_raw(&server.url(), batch.iter().map(|(a, _)| a.clone()).collect()).await;
        end.expect("the stream ends normally");
        assert_eq!(results.len(), BATCH);
        for ((_, good), result) in batch.into_iter().zip(results) {
            let expected = if good { IngestOutcome::Accepted } else { IngestOutcome::Rejected };
            assert_eq!(result.outcome(), expected, "{}: {}", result.article_id, result.error);
            if !(result.created_event_ids.is_empty() && result.updated_event_ids.is_empty()) {
                reporting.insert(result.article_id);
            }
            accepted += usize::from(good);
        }
        let done = first + BATCH;
        if [10_000, 50_000, 100_000].contains(&done) {
            let (peak, now) = memory(server.child.id());
            eprintln!("after {done} articles: server peak RSS {peak} MB, RSS now {now} MB");
            peaks.push(peak);
        }
    }

    let mut client = connect(&server.url()).await;
    let updates = drain(&mut client, rasad::proto::SubscribeRequest { after_sequence: Some(0), ..Default::default() }).await;
    let replayed = updates.len();
    assert_eq!(sequences(&updates), (1..=replayed as u64).collect::<Vec<_>>(), "the log has no gap");
    let logged: HashSet<String> = updates.into_iter().map(|u| u.article_id).collect();
    assert_eq!(logged, reporting, "the log names every article that reported events, and no other");
    let (peak, now) = memory(server.child.id());
    eprintln!("after replaying the log ({replayed} updates): server peak RSS {peak} MB, RSS now {now} MB");

    for first in (0..ARTICLES).step_by(BATCH) {
        let valid: Vec<RawArticle> = (first..first + BATCH).map(|i| article(i, &seeds)).filter_map(|(a, good)| good.then_some(a)).collect();
        let sent = valid.len();
        let (again, end) = ingest_raw(&server.url(), valid).await;
        end.expect("the stream ends normally");
        assert_eq!(again.len(), sent);
        assert!(again.iter().all(|r| r.outcome() == IngestOutcome::Duplicate), "an acknowledged article was lost");
    }
    let (peak, now) = memory(server.child.id());
    eprintln!("{accepted} accepted articles all stored; after sending them again: server peak RSS {peak} MB, RSS now {now} MB");
    assert!(peaks[2] < 2 * peaks[0], "peak RSS grew from {} MB at 10k articles to {} MB at 100k", peaks[0], peaks[2]);
}
