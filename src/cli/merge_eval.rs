//! `rasad merge-eval DIR`: extracts and merges a labelled set of articles (`DIR/articles.jsonl`,
//! each with a `"cluster"`) and prints pairwise and B-cubed merge scores.

use std::path::PathBuf;

use clap::Args;

use crate::{
    extract::Extractor,
    merge::{MergeConfig, eval},
};

#[derive(Debug, Args)]
pub struct MergeEvalArgs {
    /// Directory holding articles.jsonl.
    pub dir: PathBuf,
    /// JSON file of merge thresholds and weights (see `rasad serve --merge-config`).
    #[arg(long)]
    pub merge_config: Option<PathBuf>,
    /// Print each article's gold cluster and predicted event.
    #[arg(long)]
    pub verbose: bool,
}

pub fn run(args: MergeEvalArgs) -> anyhow::Result<()> {
    let config = args.merge_config.as_deref().map(MergeConfig::load).transpose()?.unwrap_or_default();
    let set = eval::load(&args.dir)?;
    let extractor = Extractor::embedded().map_err(|e| anyhow::anyhow!("cannot load the knowledge base: {e}"))?;
    let outcome = eval::evaluate(&extractor, &config, &set);
    if args.verbose {
        for (article, gold, predicted) in &outcome.assignments {
            println!("{article}\t{gold}\t{predicted}");
        }
    }
    let clusters = set.iter().map(|l| l.cluster.as_str()).collect::<std::collections::HashSet<_>>().len();
    println!("{} articles, {clusters} gold clusters, {} stored events", set.len(), outcome.events);
    println!("pairwise  {}", outcome.pairwise);
    println!("B-cubed   {}", outcome.b_cubed);
    Ok(())
}
