//! Scoring merges against gold clusters: pairwise precision/recall/F1 (over pairs of articles
//! put in one event) and B-cubed (per article, how much of its predicted cluster is its gold
//! cluster and vice versa). `rasad merge-eval DIR` runs the extractor and the merger over a
//! labelled set and prints both, with the pairs it split or joined wrongly.

use std::{collections::HashMap, path::PathBuf};

use super::{EventIds, MemoryStore, MergeConfig, Merger};
use crate::{
    extract::Extractor,
    proto::{Article, EventType, ExtractResponse},
};

/// Precision, recall and F1.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Prf {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

impl Prf {
    fn new(precision: f64, recall: f64) -> Prf {
        let f1 = if precision + recall == 0.0 { 0.0 } else { 2.0 * precision * recall / (precision + recall) };
        Prf { precision, recall, f1 }
    }
}

impl std::fmt::Display for Prf {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "P {:.3}  R {:.3}  F1 {:.3}", self.precision, self.recall, self.f1)
    }
}

/// Pairwise scores of `predicted` against `gold` cluster labels of the same items.
pub fn pairwise(gold: &[&str], predicted: &[&str]) -> Prf {
    let (mut both, mut in_gold, mut in_predicted) = (0u64, 0u64, 0u64);
    for (_, g, p) in pairs(gold, predicted) {
        both += u64::from(g && p);
        in_gold += u64::from(g);
        in_predicted += u64::from(p);
    }
    let ratio = |n: u64, d: u64| if d == 0 { 1.0 } else { n as f64 / d as f64 };
    Prf::new(ratio(both, in_predicted), ratio(both, in_gold))
}

/// B-cubed scores of `predicted` against `gold`.
pub fn b_cubed(gold: &[&str], predicted: &[&str]) -> Prf {
    let n = gold.len();
    if n == 0 {
        return Prf::new(1.0, 1.0);
    }
    let (mut precision, mut recall) = (0.0, 0.0);
    for i in 0..n {
        let same_p = (0..n).filter(|&j| predicted[j] == predicted[i]).count() as f64;
        let same_g = (0..n).filter(|&j| gold[j] == gold[i]).count() as f64;
        let same_both = (0..n).filter(|&j| predicted[j] == predicted[i] && gold[j] == gold[i]).count() as f64;
        precision += same_both / same_p;
        recall += same_both / same_g;
    }
    Prf::new(precision / n as f64, recall / n as f64)
}

/// The pairs of items scored wrongly, as index pairs (i < j) in order.
#[derive(Debug, Default, PartialEq)]
pub struct WrongPairs {
    /// One gold cluster, two predicted ones.
    pub split: Vec<(usize, usize)>,
    /// Two gold clusters, one predicted.
    pub joined: Vec<(usize, usize)>,
}

/// The pairs `predicted` gets wrong against `gold`.
pub fn wrong_pairs(gold: &[&str], predicted: &[&str]) -> WrongPairs {
    let mut wrong = WrongPairs::default();
    for (pair, g, p) in pairs(gold, predicted) {
        match (g, p) {
            (true, false) => wrong.split.push(pair),
            (false, true) => wrong.joined.push(pair),
            _ => {}
        }
    }
    wrong
}

/// Every pair of items (i < j), with whether the gold and the prediction put them together.
fn pairs<'a>(gold: &'a [&str], predicted: &'a [&str]) -> impl Iterator<Item = ((usize, usize), bool, bool)> + 'a {
    (0..gold.len()).flat_map(move |i| (i + 1..gold.len()).map(move |j| ((i, j), gold[i] == gold[j], predicted[i] == predicted[j])))
}

/// One labelled article.
pub struct Labelled {
    pub article: Article,
    pub cluster: String,
}

/// Why a labelled set could not be read.
#[derive(Debug, thiserror::Error)]
pub enum GoldError {
    #[error("cannot read {}", path.display())]
    Read { path: PathBuf, source: std::io::Error },
    #[error("{}:{line}: {reason}", path.display())]
    Line { path: PathBuf, line: usize, reason: String },
}

/// Reads `articles.jsonl` in `dir`: one Article (proto3 JSON) per line with an extra `"cluster"`.
pub fn load(dir: &std::path::Path) -> Result<Vec<Labelled>, GoldError> {
    let path = dir.join("articles.jsonl");
    let text = std::fs::read_to_string(&path).map_err(|source| GoldError::Read { path: path.clone(), source })?;
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let bad = |reason: String| GoldError::Line { path: path.clone(), line: n + 1, reason };
        let mut value: serde_json::Value = serde_json::from_str(line).map_err(|e| bad(e.to_string()))?;
        let cluster = value.as_object_mut().and_then(|o| o.remove("cluster")).and_then(|c| c.as_str().map(String::from));
        let cluster = cluster.ok_or_else(|| bad("no \"cluster\" label".into()))?;
        let article: Article = serde_json::from_value(value).map_err(|e| bad(e.to_string()))?;
        out.push(Labelled { article, cluster });
    }
    Ok(out)
}

/// The outcome of [`evaluate`].
pub struct Outcome {
    pub pairwise: Prf,
    pub b_cubed: Prf,
    /// Article id, gold cluster, predicted event ("-" when the article gave no event).
    pub assignments: Vec<(String, String, String)>,
    pub events: usize,
}

/// Extracts and merges `set` in order; scores each article's first event against its label.
pub fn evaluate(extractor: &Extractor, config: &MergeConfig, set: &[Labelled]) -> Outcome {
    let extractions: Vec<ExtractResponse> = set.iter().map(|l| extractor.extract(&l.article)).collect();
    evaluate_extracted(config, set, extractions)
}

/// [`evaluate`] on extractions already made (one per article of `set`).
pub fn evaluate_extracted(config: &MergeConfig, set: &[Labelled], extractions: Vec<ExtractResponse>) -> Outcome {
    let mut merger = Merger::new(config.clone());
    let mut store = MemoryStore::default();
    let mut ids = EventIds::new(1);
    for (l, extraction) in set.iter().zip(extractions) {
        let Ok(_) = merger.plan(&mut store, &l.article, extraction, &mut ids);
    }
    let mut home: HashMap<&str, u64> = HashMap::new();
    for (&number, reports) in &store.reports {
        for r in reports.iter().filter(|r| r.index == 0) {
            home.insert(&r.article_id, happening(&merger, &store, number));
        }
    }
    let assignments: Vec<(String, String, String)> = set
        .iter()
        .map(|l| {
            let predicted = home.get(l.article.id.as_str()).map_or_else(|| format!("-{}", l.article.id), |n| super::event_id(*n));
            (l.article.id.clone(), l.cluster.clone(), predicted)
        })
        .collect();
    let gold: Vec<&str> = assignments.iter().map(|a| a.1.as_str()).collect();
    let predicted: Vec<&str> = assignments.iter().map(|a| a.2.as_str()).collect();
    Outcome { pairwise: pairwise(&gold, &predicted), b_cubed: b_cubed(&gold, &predicted), events: store.events.len(), assignments }
}

/// The stored event an article is scored by, given the event of its first report: a signing
/// linked as a part of the talks (or visit) it was signed at counts as that happening, as the
/// gold labels an article by the happening its lead tells and joins a signing with its talks;
/// other parts (a meeting during a visit, a meeting on a summit's sidelines) count as
/// themselves, as the gold splits them from the whole.
fn happening(merger: &Merger, store: &MemoryStore, number: u64) -> u64 {
    let signing = store.events.get(&number).is_some_and(|e| e.event_type == EventType::Agree as i32);
    merger.parent(number).filter(|_| signing).unwrap_or(number)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signing_scores_with_the_talks_it_was_signed_at_and_a_meeting_apart_from_its_visit() {
        use crate::proto::{ActorKind, ConsultMode, DatePrecision, Event, EventDate, EventStatus, Location, Participant};
        let person = |id: &str, country: &str| Participant {
            actor_id: format!("person/{id}"),
            kind: ActorKind::Person.into(),
            country: country.into(),
            ..Default::default()
        };
        let state = |country: &str| Participant {
            actor_id: format!("state/{country}"),
            kind: ActorKind::State.into(),
            country: country.into(),
            ..Default::default()
        };
        let event = |event_type: EventType, participants: Vec<Participant>, day: &str, (place, country): (&str, &str)| Event {
            event_type: event_type.into(),
            status: EventStatus::Occurred.into(),
            mode: if event_type == EventType::Consult { ConsultMode::Visit } else { ConsultMode::Unspecified }.into(),
            participants,
            date: Some(EventDate { start: day.into(), precision: DatePrecision::Day.into(), ..Default::default() }),
            location: Some(Location { name_en: place.into(), country: country.into(), ..Default::default() }),
            ..Default::default()
        };
        let (macron, rabat, algiers) = (|| person("emmanuel-macron", "FRA"), ("Rabat", "MAR"), ("Algiers", "DZA"));
        let in_rabat = |host| event(EventType::Consult, vec![macron(), host], "2024-10-28", rabat);
        let tebboune = || vec![macron(), person("abdelmadjid-tebboune", "DZA")];
        // Macron's visit to Morocco, his meeting with the king joined to it, and his talks with
        // the head of government during it; his talks with Tebboune in Algiers and the
        // declaration they signed there.
        let told = [
            ("visit", "visit", in_rabat(state("MAR"))),
            ("king", "visit", in_rabat(person("mohammed-vi", "MAR"))),
            ("meeting", "meeting", in_rabat(person("aziz-akhannouch", "MAR"))),
            ("talks", "algiers", event(EventType::Consult, tebboune(), "2022-08-25", algiers)),
            ("signing", "algiers", event(EventType::Agree, tebboune(), "2022-08-25", algiers)),
        ];
        let set: Vec<Labelled> = told
            .iter()
            .map(|(id, cluster, e)| Labelled {
                article: Article {
                    id: id.to_string(),
                    published_at: e.date.clone().unwrap().start,
                    source: id.to_string(),
                    ..Default::default()
                },
                cluster: cluster.to_string(),
            })
            .collect();
        let extractions =
            told.into_iter().map(|(id, _, e)| ExtractResponse { article_id: id.into(), events: vec![e], warnings: vec![] }).collect();
        let outcome = evaluate_extracted(&MergeConfig::default(), &set, extractions);
        let predicted: Vec<&str> = outcome.assignments.iter().map(|a| a.2.as_str()).collect();
        assert_eq!(
            predicted,
            ["ev-1", "ev-1", "ev-2", "ev-3", "ev-3"],
            "the meeting, a part of the visit, apart; the signing with its talks"
        );
        assert_eq!(outcome.events, 4);
    }

    #[test]
    fn scores_of_a_known_clustering() {
        let gold = ["a", "a", "a", "b", "b"];
        assert_eq!(pairwise(&gold, &gold).f1, 1.0);
        assert_eq!(b_cubed(&gold, &gold).f1, 1.0);
        // One article of cluster a split off: 2 of 4 gold pairs kept, no false pair.
        let split = ["x", "x", "y", "z", "z"];
        assert_eq!(wrong_pairs(&gold, &split), WrongPairs { split: vec![(0, 2), (1, 2)], joined: vec![] });
        let p = pairwise(&gold, &split);
        assert_eq!((p.precision, p.recall), (1.0, 0.5));
        let all = ["x"; 5];
        assert_eq!(pairwise(&gold, &all).precision, 0.4);
        assert_eq!(wrong_pairs(&gold, &all).joined, [(0, 3), (0, 4), (1, 3), (1, 4), (2, 3), (2, 4)]);
        let b = b_cubed(&gold, &split);
        assert_eq!(b.precision, 1.0);
        assert!((b.recall - (2.0 / 3.0 * 2.0 + 1.0 / 3.0 + 2.0) / 5.0).abs() < 1e-9);
    }
}
