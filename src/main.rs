//! The `rasad` binary: parses the subcommand and calls the library (`rasad::cli`).

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use rasad::cli::{bench, export, extract, ingest, kb, merge_eval, serve, subscribe, worker};

/// mimalloc: the service allocates and frees many small strings per article on several
/// threads; measured faster than the system allocator (see the notes of issue 3). Its version 2
/// (the crate's `v2` feature): version 3 spent 30% more time extracting the same articles.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Debug, Parser)]
#[command(name = "rasad", version, about = "Political events from Arabic news, live over gRPC")]
struct Cli {
    #[command(subcommand)]
    command: Commands,
}

#[derive(Debug, Subcommand)]
enum Commands {
    /// Extract the events of articles and print them (no server needed).
    Extract(extract::ExtractArgs),
    /// Run the gRPC service.
    Serve(serve::ServeArgs),
    /// Stream articles to a running server.
    Ingest(ingest::IngestArgs),
    /// Print a running server's event updates as JSON lines.
    Subscribe(subscribe::SubscribeArgs),
    /// Load-test a running server: ingest rate and delivery latency with many subscribers.
    Bench(bench::BenchArgs),
    /// Score cross-article merging on articles labelled with gold clusters.
    MergeEval(merge_eval::MergeEvalArgs),
    /// Look into the knowledge base (`rasad kb coverage`).
    Kb(kb::KbArgs),
    /// Write the stored events as PLOVER JSON lines or CSV.
    Export(export::ExportArgs),
    /// Distributed mode: extract, merge and commit the articles front ends publish.
    Worker(worker::WorkerArgs),
}

fn main() -> ExitCode {
    let result = match Cli::parse().command {
        Commands::Extract(args) => return extract::run(args),
        Commands::Serve(args) => block_on(serve::run(args)).map(|()| true),
        Commands::Ingest(args) => block_on(ingest::run(args)),
        Commands::Subscribe(args) => block_on(subscribe::run(args)).map(|()| true),
        Commands::Bench(args) => block_on(bench::run(args)).map(|()| true),
        Commands::MergeEval(args) => merge_eval::run(args).map(|()| true),
        Commands::Kb(args) => kb::run(args).map(|()| true),
        Commands::Export(args) => block_on(export::run(args)).map(|()| true),
        Commands::Worker(args) => block_on(worker::run(args)).map(|()| true),
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("rasad: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn block_on<T>(work: impl Future<Output = anyhow::Result<T>>) -> anyhow::Result<T> {
    tokio::runtime::Builder::new_multi_thread().enable_all().build()?.block_on(work)
}
