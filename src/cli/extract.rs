//! `rasad extract`: runs the extractor on article files (pretty JSON) or on Article JSON Lines
//! from stdin (`--jsonl`: one ExtractResponse per line, the evaluation contract). A bad input
//! line is reported on stderr and makes the exit status non-zero; the other lines still run.

use std::io::{self, BufRead, Write};
use std::{path::PathBuf, process::ExitCode};

use clap::Args;

use super::input;
use crate::extract::Extractor;
use crate::proto::Article;

#[derive(Debug, Args)]
pub struct ExtractArgs {
    /// Article files: .txt (one article each) or Article JSON Lines (.jsonl).
    pub files: Vec<PathBuf>,
    /// Read Article JSON Lines on stdin and write one ExtractResponse JSON line per article.
    #[arg(long)]
    pub jsonl: bool,
    /// Publication date for .txt articles (YYYY-MM-DD or RFC 3339).
    #[arg(long)]
    pub published_at: Option<String>,
    /// Knowledge-base directory layered over the built-in data (see data/README.md).
    #[arg(long, env = "RASAD_KB_DIR")]
    pub kb_dir: Option<PathBuf>,
}

pub fn run(args: ExtractArgs) -> ExitCode {
    // `RUST_LOG=rasad=trace` shows every mention and draft event on stderr.
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into()))
        .with_writer(io::stderr)
        .init();
    let extractor = match Extractor::load(args.kb_dir.as_deref()) {
        Ok(e) => e,
        Err(e) => {
            eprintln!("rasad: knowledge base: {e}");
            return ExitCode::FAILURE;
        }
    };
    let ok = if args.jsonl { jsonl(&extractor) } else { files(&extractor, args) };
    if ok { ExitCode::SUCCESS } else { ExitCode::FAILURE }
}

/// Parses one input line as an Article.
fn parse_line(bytes: &[u8]) -> Result<Option<Article>, String> {
    let line = std::str::from_utf8(bytes).map_err(|e| format!("not valid UTF-8 ({e})"))?;
    if line.trim().is_empty() {
        return Ok(None);
    }
    serde_json::from_str::<Article>(line).map(Some).map_err(|e| format!("not an Article JSON object: {e}"))
}

fn jsonl(extractor: &Extractor) -> bool {
    let stdin = io::stdin().lock();
    let mut out = io::BufWriter::new(io::stdout().lock());
    let mut ok = true;
    for (n, line) in stdin.split(b'\n').enumerate() {
        let article = match line.map_err(|e| e.to_string()).and_then(|l| parse_line(&l)) {
            Ok(Some(a)) => a,
            Ok(None) => continue,
            Err(e) => {
                eprintln!("rasad: stdin line {}: {e}", n + 1);
                ok = false;
                continue;
            }
        };
        let response = extractor.extract(&article);
        let written = serde_json::to_string(&response).map_err(io::Error::other).and_then(|s| writeln!(out, "{s}"));
        if let Err(e) = written {
            eprintln!("rasad: writing output: {e}");
            return false;
        }
    }
    out.flush().is_ok() && ok
}

fn files(extractor: &Extractor, args: ExtractArgs) -> bool {
    if args.files.is_empty() {
        eprintln!("rasad: no input: give article files, or --jsonl to read Article JSON Lines on stdin");
        return false;
    }
    let paths = match input::files(&args.files) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("rasad: {e}");
            return false;
        }
    };
    let mut ok = true;
    for article in input::articles(paths, args.published_at) {
        match article {
            Ok(article) => match serde_json::to_string_pretty(&extractor.extract(&article)) {
                Ok(json) => println!("{json}"),
                Err(e) => {
                    eprintln!("rasad: {}: {e}", article.id);
                    ok = false;
                }
            },
            Err(e) => {
                eprintln!("rasad: {e}");
                ok = false;
            }
        }
    }
    ok
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_lines_are_errors_not_panics() {
        assert!(parse_line(b"{\"id\": 1}").is_err());
        assert!(parse_line(b"\xff\xfe").unwrap_err().contains("UTF-8"));
        assert_eq!(parse_line(b"  ").unwrap(), None);
        let a = parse_line("{\"id\":\"x\",\"text\":\"نص\",\"publishedAt\":\"2019-05-14T00:00:00Z\"}".as_bytes()).unwrap().unwrap();
        assert_eq!(a.published_at, "2019-05-14T00:00:00Z");
    }
}
