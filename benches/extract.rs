//! Extraction throughput on the seed articles, one thread: `cargo bench --bench extract`.
//! Also reports the time to load the knowledge base (start-up cost).

use std::hint::black_box;
use std::time::Instant;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use rasad::extract::Extractor;
use rasad::proto::Article;

fn seeds() -> Vec<Article> {
    include_str!("../seeds/seeds.jsonl").lines().map(|l| serde_json::from_str(l).expect("seed line")).collect()
}

fn extraction(c: &mut Criterion) {
    let started = Instant::now();
    let extractor = Extractor::embedded().expect("knowledge base");
    eprintln!("knowledge base loaded in {:?}", started.elapsed());
    let articles = seeds();
    let mut group = c.benchmark_group("extract");
    group.throughput(Throughput::Elements(articles.len() as u64));
    group.bench_function("seeds", |b| {
        b.iter(|| {
            for a in &articles {
                black_box(extractor.extract(black_box(a)));
            }
        })
    });
    group.finish();
    c.bench_function("load_knowledge_base", |b| b.iter(|| black_box(Extractor::embedded().expect("knowledge base"))));
}

criterion_group!(benches, extraction);
criterion_main!(benches);
