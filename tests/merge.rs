//! Cross-article merging on realistic Arabic articles run through the real extractor
//! (`tests/merge/gold`): one event per happening, near-misses apart, status progression, and the
//! same final events whatever order the articles arrive in; and the batches of real clusters
//! (`tests/merge/real`) no worse than their floors.

use std::collections::BTreeSet;

use rasad::{
    extract::Extractor,
    merge::{
        EventIds, MemoryStore, MergeConfig, Merger,
        eval::{self, Labelled},
    },
    proto::{EventStatus, ExtractResponse},
};

fn gold() -> (Vec<Labelled>, Vec<ExtractResponse>) {
    let set = eval::load(std::path::Path::new("tests/merge/gold")).unwrap();
    let extractor = Extractor::embedded().unwrap();
    let extractions = set.iter().map(|l| extractor.extract(&l.article)).collect();
    (set, extractions)
}

/// The final events as sets of article ids with their status, after merging in `order`.
fn run(set: &[Labelled], extractions: &[ExtractResponse], order: &[usize]) -> (BTreeSet<(Vec<String>, i32, u32)>, MemoryStore) {
    let mut merger = Merger::new(MergeConfig::default());
    let mut store = MemoryStore::default();
    let mut ids = EventIds::new(1);
    for &i in order {
        let Ok(_) = merger.plan(&mut store, &set[i].article, extractions[i].clone(), &mut ids);
    }
    let events = store
        .events
        .values()
        .map(|e| {
            let mut ids = e.article_ids.clone();
            ids.sort();
            (ids, e.status, e.num_sources)
        })
        .collect();
    (events, store)
}

fn event_of<'a>(store: &'a MemoryStore, article: &str) -> &'a rasad::proto::Event {
    store.events.values().find(|e| e.article_ids.iter().any(|a| a == article)).unwrap()
}

#[test]
fn gold_clusters_merge_and_near_misses_stay_apart() {
    let (set, extractions) = gold();
    let outcome = eval::evaluate_extracted(&MergeConfig::default(), &set, extractions.clone());
    eprintln!("pairwise {}; B-cubed {}", outcome.pairwise, outcome.b_cubed);
    assert_eq!(outcome.pairwise.precision, 1.0, "{:?}", outcome.assignments);
    assert!(outcome.pairwise.f1 >= 0.95, "{}", outcome.pairwise);

    let order: Vec<usize> = (0..set.len()).collect();
    let (_, store) = run(&set, &extractions, &order);
    // Announcement, report and recollection of the Sochi meeting: one event that happened.
    let sochi = event_of(&store, "c2a");
    assert_eq!(sochi.article_ids, ["c2a", "c2b", "c2c", "c2d"]);
    assert_eq!(sochi.status(), EventStatus::Occurred);
    assert_eq!((sochi.num_articles, sochi.num_sources), (4, 4));
    assert_eq!(sochi.date.as_ref().unwrap().start, "2019-05-14");
    // One phone call told by three outlets in different words and spellings.
    let call = event_of(&store, "c1a");
    assert_eq!((call.article_ids.len(), call.num_sources), (3, 3));
    // The same pair's call, Sochi meeting and Washington meeting are three events; so are the
    // Cairo and Amman meetings of the same two ministers a month apart.
    let ids = |a: &str| event_of(&store, a).id.clone();
    let distinct: BTreeSet<String> = ["c1a", "c2a", "c3a", "c4a", "c5a"].iter().map(|a| ids(a)).collect();
    assert_eq!(distinct.len(), 5);
    // A planned summit, then postponed: one event, now cancelled; the earlier phone call apart.
    let summit = event_of(&store, "c6a");
    assert_eq!(summit.article_ids, ["c6a", "c6b"]);
    assert_eq!(summit.status(), EventStatus::Cancelled);
    assert_ne!(ids("c7a"), summit.id);
    let planned = summit.provenance.iter().find(|p| p.field == "status" && p.value == "EVENT_STATUS_PLANNED").unwrap();
    assert_eq!(planned.article_ids, ["c6a"]);
}

#[test]
fn any_order_of_the_articles_ends_in_the_same_events() {
    let (set, extractions) = gold();
    let forward: Vec<usize> = (0..set.len()).collect();
    let (expected, _) = run(&set, &extractions, &forward);
    // Reversed, interleaved, and pseudo-random permutations.
    let mut orders = vec![forward.iter().rev().copied().collect::<Vec<_>>()];
    orders.push(forward.iter().copied().filter(|i| i % 2 == 1).chain(forward.iter().copied().filter(|i| i % 2 == 0)).collect());
    let mut seed = 0x9e3779b97f4a7c15u64;
    for _ in 0..20 {
        let mut order = forward.clone();
        for i in (1..order.len()).rev() {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            order.swap(i, (seed % (i as u64 + 1)) as usize);
        }
        orders.push(order);
    }
    for order in orders {
        let (got, _) = run(&set, &extractions, &order);
        assert_eq!(got, expected, "order {order:?}");
    }
}

#[test]
fn one_article_s_events_stay_apart() {
    // seed-001 tells the Sochi talks and Pompeo's dropped trip to Moscow the day before: the
    // extractor keeps them apart, and merging must not join them back.
    let extractor = Extractor::embedded().unwrap();
    let line = include_str!("../seeds/seeds.jsonl").lines().find(|l| l.contains("\"seed-001\"")).unwrap();
    let article: rasad::proto::Article = serde_json::from_str(line).unwrap();
    let extraction = extractor.extract(&article);
    let extracted = extraction.events.len();
    let mut merger = Merger::new(MergeConfig::default());
    let mut store = MemoryStore::default();
    let Ok(_) = merger.plan(&mut store, &article, extraction, &mut EventIds::new(1));
    assert_eq!(store.events.len(), extracted);
}

#[test]
fn real_clusters_hold_their_floors() {
    let floors = std::fs::read_to_string("tests/merge/real/floors.tsv").unwrap();
    let extractor = Extractor::embedded().unwrap();
    let mut below = Vec::new();
    let mut batches = Vec::new();
    for line in floors.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()) {
        let [batch, precision, f1] = line.split('\t').collect::<Vec<_>>()[..] else { panic!("floors.tsv: bad line {line:?}") };
        let (precision, f1): (f64, f64) = (precision.parse().unwrap(), f1.parse().unwrap());
        batches.push(batch.to_string());
        let set = eval::load(&std::path::Path::new("tests/merge/real").join(batch)).unwrap();
        let outcome = eval::evaluate(&extractor, &MergeConfig::default(), &set);
        eprintln!("{batch}: pairwise {}; B-cubed {}", outcome.pairwise, outcome.b_cubed);
        if outcome.pairwise.precision < precision || outcome.pairwise.f1 < f1 {
            below.push(format!("{batch}: {} under the floors P {precision}, F1 {f1}", outcome.pairwise));
        }
    }
    assert!(below.is_empty(), "{}", below.join("\n"));
    // Every batch has its floor.
    let mut dirs: Vec<String> = std::fs::read_dir("tests/merge/real")
        .unwrap()
        .map(|entry| entry.unwrap())
        .filter(|entry| entry.path().is_dir())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect();
    dirs.sort();
    assert_eq!(batches, dirs, "tests/merge/real/floors.tsv must give every batch a floor");
}
