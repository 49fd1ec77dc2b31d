//! `rasad export`: writes the stored events as PLOVER JSON lines or CSV, read from a data
//! directory (opened read-only) or through a running server. The records are made by
//! [`crate::export`]; this only reads the flags and picks the source and the output.

use std::{
    fs::File,
    io::{self, BufWriter, Write},
    path::PathBuf,
};

use anyhow::Context;
use chrono::NaiveDate;
use clap::Args;

use super::{ServerArgs, subscribe::parse_type};
use crate::{
    export::{
        Exporter, Format,
        source::{self, Selection},
    },
    proto::EventType,
    store::ReadOnlyStore,
};

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Output format.
    #[arg(long, value_enum, default_value = "plover-jsonl")]
    pub format: Format,
    /// Read the store in this data directory (refused while a server holds it).
    #[arg(long, required_unless_present = "server", conflicts_with = "server")]
    pub data_dir: Option<PathBuf>,
    /// Read through the server at this URL (`ListEvents`), e.g. http://127.0.0.1:50051.
    #[arg(long)]
    pub server: Option<String>,
    #[command(flatten)]
    pub secure: super::Secure,
    /// Only events dated on or after this day (YYYY-MM-DD); undated events are left out.
    #[arg(long, value_parser = parse_day)]
    pub since: Option<NaiveDate>,
    /// Only events dated on or before this day (YYYY-MM-DD); undated events are left out.
    #[arg(long, value_parser = parse_day)]
    pub until: Option<NaiveDate>,
    /// Only events with a participant from this country (ISO 3166-1 alpha-3; repeatable).
    #[arg(long = "country", value_parser = parse_country)]
    pub countries: Vec<String>,
    /// Only events of this type (CONSULT, AGREE, ...; repeatable).
    #[arg(long = "type", value_parser = parse_type)]
    pub types: Vec<EventType>,
    /// Write to this file instead of standard output.
    #[arg(long, short)]
    pub output: Option<PathBuf>,
}

fn parse_day(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| format!("{s:?} is not a date; write it as YYYY-MM-DD"))
}

fn parse_country(s: &str) -> Result<String, String> {
    let code = s.trim().to_ascii_uppercase();
    if code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase()) {
        Ok(code)
    } else {
        Err(format!("{s:?} is not an ISO 3166-1 alpha-3 country code such as RUS"))
    }
}

impl ExportArgs {
    fn selection(&self) -> anyhow::Result<Selection> {
        if let (Some(since), Some(until)) = (self.since, self.until) {
            anyhow::ensure!(since <= until, "--since {since} is after --until {until}: nothing can match");
        }
        Ok(Selection { countries: self.countries.clone(), event_types: self.types.clone(), since: self.since, until: self.until })
    }

    fn output(&self) -> anyhow::Result<Box<dyn Write>> {
        Ok(match &self.output {
            Some(path) => Box::new(BufWriter::new(File::create(path).with_context(|| format!("cannot create {}", path.display()))?)),
            None => Box::new(BufWriter::new(io::stdout().lock())),
        })
    }
}

pub async fn run(args: ExportArgs) -> anyhow::Result<()> {
    let selection = args.selection()?;
    let mut exporter = Exporter::new(args.format, args.output()?)?;
    let write = |e: &_| exporter.write(e);
    match (args.data_dir, args.server) {
        (Some(dir), _) => source::from_store(&ReadOnlyStore::open_read_only(&dir)?, &selection, write)?,
        (None, Some(server)) => {
            source::from_server(&mut ServerArgs { server, secure: args.secure }.connect().await?, &selection, write).await?
        }
        (None, None) => anyhow::bail!("say where the events are: --data-dir DIR or --server URL"),
    }
    let written = exporter.finish()?;
    eprintln!("{written} events exported");
    Ok(())
}
