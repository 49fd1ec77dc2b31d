//! `rasad ingest FILES_OR_DIRS`: streams articles to the server, shows progress, and prints a
//! summary (and every rejected article with its reason); when the server ends the stream early
//! (shutting down), how many articles were not acknowledged, and the exit status is non-zero.

use std::{path::PathBuf, time::Instant};

use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;

use super::{ServerArgs, input};
use crate::proto::IngestOutcome;

#[derive(Debug, Args)]
pub struct IngestArgs {
    /// `.txt` files, Article JSON Lines (`.jsonl`) files, or directories of them.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub server: ServerArgs,
    /// Publication date of the `.txt` articles (YYYY-MM-DD or RFC 3339).
    #[arg(long)]
    pub published_at: Option<String>,
}

/// What happened to the articles of one run.
#[derive(Debug, Default)]
struct Summary {
    sent: u64,
    accepted: u64,
    duplicate: u64,
    rejected: u64,
    unreadable: u64,
    created: u64,
    updated: u64,
}

/// Returns whether every article was stored (or already was).
pub async fn run(args: IngestArgs) -> anyhow::Result<bool> {
    let files = input::files(&args.paths)?;
    let mut client = args.server.connect().await?;
    let (tx, rx) = mpsc::channel(256);
    let published_at = args.published_at.clone();
    // Reads every article, also after the stream ended, to count those never acknowledged.
    let reader = tokio::task::spawn_blocking(move || {
        let (mut read, mut unreadable, mut sending) = (0u64, 0u64, true);
        for article in input::articles(files, published_at) {
            match article {
                Ok(article) => {
                    read += 1;
                    sending = sending && tx.blocking_send(article).is_ok();
                }
                Err(e) => {
                    eprintln!("skipped: {e}");
                    unreadable += 1;
                }
            }
        }
        (read, unreadable)
    });

    let started = Instant::now();
    let bar = ProgressBar::new_spinner()
        .with_style(ProgressStyle::with_template("{spinner} {pos} articles ({per_sec}) {msg}").expect("a valid template"));
    let mut results = client.ingest(ReceiverStream::new(rx)).await?.into_inner();
    let mut s = Summary::default();
    let ended = loop {
        match results.message().await {
            Ok(Some(r)) => {
                s.sent += 1;
                s.created += r.created_event_ids.len() as u64;
                s.updated += r.updated_event_ids.len() as u64;
                match r.outcome() {
                    IngestOutcome::Accepted => s.accepted += 1,
                    IngestOutcome::Duplicate => s.duplicate += 1,
                    IngestOutcome::Rejected | IngestOutcome::Unspecified => {
                        s.rejected += 1;
                        bar.suspend(|| eprintln!("rejected {}: {}", r.article_id, r.error));
                    }
                }
                bar.inc(1);
                bar.set_message(format!("{} events", s.created));
            }
            Ok(None) => break None,
            Err(status) => break Some(status),
        }
    };
    bar.finish_and_clear();
    drop(results);
    let read;
    (read, s.unreadable) = reader.await?;
    let secs = started.elapsed().as_secs_f64();
    println!(
        "{} articles in {secs:.2} s ({:.0}/s): {} accepted, {} duplicate, {} rejected, {} unreadable; {} events created, {} updated",
        s.sent,
        s.sent as f64 / secs.max(1e-9),
        s.accepted,
        s.duplicate,
        s.rejected,
        s.unreadable,
        s.created,
        s.updated
    );
    if let Some(status) = &ended {
        eprintln!("the server ended the stream: {} ({:?})", status.message(), status.code());
    }
    let unacknowledged = read.saturating_sub(s.sent);
    if unacknowledged > 0 {
        eprintln!(
            "{unacknowledged} of {read} articles were not acknowledged: run the same command again \
             (the acknowledged ones come back as duplicates)"
        );
    }
    Ok(ended.is_none() && unacknowledged == 0 && s.rejected == 0 && s.unreadable == 0)
}
