//! `rasad merge-eval DIR`: extracts and merges a labelled set of articles (`DIR/articles.jsonl`,
//! each with a `"cluster"`) and prints pairwise and B-cubed merge scores, then every pair of
//! articles it split or joined wrongly, so that a miss can be read in one look.

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
    let gold: Vec<&str> = outcome.assignments.iter().map(|a| a.1.as_str()).collect();
    let predicted: Vec<&str> = outcome.assignments.iter().map(|a| a.2.as_str()).collect();
    let wrong = eval::wrong_pairs(&gold, &predicted);
    print_pairs("wrongly split (one gold cluster, two events)", &wrong.split, &outcome.assignments);
    print_pairs("wrongly joined (two gold clusters, one event)", &wrong.joined, &outcome.assignments);
    Ok(())
}

/// One line per pair: each article with its event ("none" when it gave no event) and its gold
/// cluster.
fn print_pairs(title: &str, pairs: &[(usize, usize)], assignments: &[(String, String, String)]) {
    println!("{title}: {} pairs", pairs.len());
    let side = |i: usize| {
        let (article, gold, predicted) = &assignments[i];
        let event = if predicted.starts_with('-') { "none" } else { predicted.as_str() };
        format!("{article} {event:<6} {gold}")
    };
    for &(i, j) in pairs {
        println!("  {:<50} ~ {}", side(i), side(j));
    }
}
