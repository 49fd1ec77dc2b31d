//! `rasad kb`: looks into the knowledge base. `rasad kb coverage` reports what it holds and
//! the days since 2010 on which a required office has no known holder; `rasad kb
//! import-petrarch` turns a CAMEO/PETRARCH actor dictionary into a `--kb-dir` directory.

use std::path::{Path, PathBuf};

use chrono::Utc;
use clap::{Args, Subcommand};

use crate::kb::{Kb, coverage, petrarch};

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
    /// Converts a CAMEO/PETRARCH actor dictionary into people.tsv in a new --kb-dir directory.
    ImportPetrarch {
        /// The dictionary file.
        file: PathBuf,
        /// Directory to write people.tsv to (created; must not hold a people.tsv already).
        #[arg(long)]
        out: PathBuf,
        /// The knowledge base the imported names are checked against (built-in plus this).
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
        KbCommand::ImportPetrarch { file, out, kb_dir } => import_petrarch(&file, &out, kb_dir.as_deref()),
    }
}

fn import_petrarch(file: &Path, out: &Path, kb_dir: Option<&Path>) -> anyhow::Result<()> {
    let kb = Kb::load(kb_dir).map_err(|e| anyhow::anyhow!("cannot load the knowledge base: {e}"))?;
    let bytes = std::fs::read(file).map_err(|e| anyhow::anyhow!("cannot read {}: {e}", file.display()))?;
    let text =
        String::from_utf8(bytes).map_err(|e| anyhow::anyhow!("{}: not UTF-8 (byte {})", file.display(), e.utf8_error().valid_up_to()))?;
    let (actors, problems) = petrarch::parse(&text);
    for p in &problems {
        eprintln!("{}:{}: {}", file.display(), p.line, p.message);
    }
    let import = petrarch::people(&actors, &kb);
    let people = out.join("people.tsv");
    anyhow::ensure!(!people.exists(), "{} exists already; choose another --out", people.display());
    std::fs::create_dir_all(out).map_err(|e| anyhow::anyhow!("cannot create {}: {e}", out.display()))?;
    std::fs::write(&people, petrarch::people_tsv(&import.people, &file.display().to_string()))
        .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", people.display()))?;
    // What was written must load on top of the knowledge base it was checked against.
    Kb::load(Some(out)).map_err(|e| anyhow::anyhow!("the imported data does not load: {e}"))?;
    println!(
        "{} actors read, {} lines not readable; {} people written to {}",
        actors.len(),
        problems.len(),
        import.people.len(),
        people.display()
    );
    for (reason, n) in &import.skipped {
        println!("  left out {n}: {reason}");
    }
    Ok(())
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
