//! The extraction corpus under a floor: each annotated set named in `tests/corpus/floors.tsv`
//! (the eval dev set beside the repository, the written set `tests/corpus`, the real batches
//! under `tests/corpus/real`) is scored by the shared scorer through the real `rasad extract
//! --jsonl`, and a set whose event or strict F1 falls below its floor fails. The scorer is
//! `../shared/eval/score.py`, or the file `RASAD_SCORER` names; it needs only python3.

use std::path::{Path, PathBuf};
use std::process::Command;

struct Floor {
    set: String,
    event_f1: f64,
    strict_f1: f64,
}

fn floors() -> Vec<Floor> {
    let text = std::fs::read_to_string("tests/corpus/floors.tsv").expect("tests/corpus/floors.tsv");
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .skip(1)
        .map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            assert_eq!(cols.len(), 3, "floors.tsv: {l:?}");
            Floor { set: cols[0].into(), event_f1: cols[1].parse().expect("event_f1"), strict_f1: cols[2].parse().expect("strict_f1") }
        })
        .collect()
}

fn scorer() -> PathBuf {
    let path = std::env::var_os("RASAD_SCORER").map_or_else(|| PathBuf::from("../shared/eval/score.py"), PathBuf::from);
    assert!(path.is_file(), "the scorer {} is missing: set RASAD_SCORER to score.py of the eval kit", path.display());
    path
}

/// The scorer's figures for gold folder `set`.
fn score(scorer: &Path, set: &str) -> serde_json::Value {
    let out = tempfile::NamedTempFile::new().unwrap();
    let command = format!("{} extract --jsonl", env!("CARGO_BIN_EXE_rasad"));
    let run = Command::new("python3")
        .arg(scorer)
        .args(["--gold", set, "--cmd", &command, "--json"])
        .arg(out.path())
        .output()
        .expect("python3 runs");
    assert!(run.status.success(), "scoring {set} failed: {}", String::from_utf8_lossy(&run.stderr));
    serde_json::from_slice(&std::fs::read(out.path()).unwrap()).expect("the scorer's JSON")
}

#[test]
fn every_annotated_set_stays_above_its_floor() {
    let scorer = scorer();
    let mut below = Vec::new();
    for floor in floors() {
        assert!(Path::new(&floor.set).is_dir(), "{} is not a folder", floor.set);
        let figures = score(&scorer, &floor.set);
        let (event, strict) = (figures["event_f1"].as_f64().unwrap(), figures["strict_f1"].as_f64().unwrap());
        println!(
            "{:<28} event F1 {event:.3} (floor {:.2})  strict F1 {strict:.3} (floor {:.2})",
            floor.set, floor.event_f1, floor.strict_f1
        );
        if event < floor.event_f1 || strict < floor.strict_f1 {
            below.push(format!("{}: event {event:.3} < {:.2} or strict {strict:.3} < {:.2}", floor.set, floor.event_f1, floor.strict_f1));
        }
    }
    assert!(below.is_empty(), "below the floor: {below:#?}");
}

#[test]
fn every_real_batch_has_a_floor() {
    let named: Vec<String> = floors().into_iter().map(|f| f.set).collect();
    for entry in std::fs::read_dir("tests/corpus/real").unwrap() {
        let path = entry.unwrap().path();
        let set = path.to_string_lossy().into_owned();
        assert!(named.contains(&set), "{set} has no floor in tests/corpus/floors.tsv");
    }
}
