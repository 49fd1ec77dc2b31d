//! Articles the benchmarks read: the seeds and the held-out corpus of `tests/corpus`.

use rasad::proto::Article;

pub fn seeds() -> Vec<Article> {
    include_str!("../../seeds/seeds.jsonl").lines().map(|l| serde_json::from_str(l).expect("seed line")).collect()
}

/// The held-out articles (`tests/corpus/*.json`: id, text, published_at), in file-name order.
pub fn held_out() -> Vec<Article> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let mut paths: Vec<_> = std::fs::read_dir(&dir).expect("tests/corpus").map(|e| e.expect("entry").path()).collect();
    paths.sort();
    paths
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .map(|p| {
            let doc: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(p).expect("article")).expect("article json");
            let text = |k: &str| doc[k].as_str().unwrap_or_default().to_string();
            let published = text("published_at");
            Article {
                id: text("id"),
                text: text("text"),
                published_at: if published.is_empty() { String::new() } else { format!("{published}T00:00:00Z") },
                ..Default::default()
            }
        })
        .collect()
}
