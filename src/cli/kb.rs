//! `rasad kb`: looks into the knowledge base. `rasad kb coverage` reports what it holds and
//! the days since 2010 on which a required office has no known holder.

use std::path::PathBuf;

use chrono::Utc;
use clap::{Args, Subcommand};

use crate::kb::{Kb, coverage};

#[derive(Debug, Args)]
pub struct KbArgs {
    #[command(subcommand)]
    pub command: KbCommand,
}

#[derive(Debug, Subcommand)]
pub enum KbCommand {
    /// States, places, organisations and office holders per country and year, with the gaps.
    Coverage {
        /// Directory of data files added to or overriding the built-in knowledge base.
        #[arg(long, env = "RASAD_KB_DIR")]
        kb_dir: Option<PathBuf>,
    },
}

pub fn run(args: KbArgs) -> anyhow::Result<()> {
    match args.command {
        KbCommand::Coverage { kb_dir } => {
            let kb = Kb::load(kb_dir.as_deref()).map_err(|e| anyhow::anyhow!("cannot load the knowledge base: {e}"))?;
            let (from, to) = (coverage::covered_from(), Utc::now().date_naive());
            print!("{}", report(&kb.coverage(&coverage::required()?, from, to), from, to));
            Ok(())
        }
    }
}

/// The coverage as a plain-text report.
fn report(c: &coverage::Coverage, from: chrono::NaiveDate, to: chrono::NaiveDate) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "states {}  places {}  organisations {}  people {}  office terms {}",
        c.states, c.places, c.organisations, c.people, c.terms
    );
    let top: Vec<String> = c.places_per_country.iter().take(12).map(|(country, n)| format!("{country} {n}")).collect();
    let _ = writeln!(out, "places per country (top 12): {}", top.join(", "));
    let years: Vec<i32> = c.offices.first().map(|o| o.holders_per_year.keys().copied().collect()).unwrap_or_default();
    let _ = writeln!(out, "\nholders per year, {from} to {to} (· = none known that year):");
    let _ = writeln!(out, "{:<24} {}", "state office", years.iter().map(|y| format!("{:>2}", y % 100)).collect::<Vec<_>>().join(" "));
    for o in &c.offices {
        let cells: Vec<String> = o.holders_per_year.values().map(|&n| if n == 0 { " ·".to_string() } else { format!("{n:>2}") }).collect();
        let _ = writeln!(out, "{:<24} {}", format!("{} {}", o.country, o.office.name()), cells.join(" "));
    }
    let gaps: Vec<&coverage::OfficeCoverage> = c.offices.iter().filter(|o| !o.gaps.is_empty()).collect();
    let _ = writeln!(out, "\ngaps: {} of {} required offices have days with no known holder", gaps.len(), c.offices.len());
    for o in gaps {
        let ranges: Vec<String> = o.gaps.iter().map(|(a, b)| format!("{a}..{b}")).collect();
        let _ = writeln!(out, "  {} {} ({} days): {}", o.country, o.office.name(), o.gap_days(), ranges.join(", "));
    }
    out
}
