//! Extraction throughput, one thread: `cargo bench --bench extract`.
//! - `extract/seeds`: the five seed articles, over and over, as `Extractor::extract` serves
//!   a stream: their word forms are analysed once and found in the form cache after (warm).
//! - `extract/held_out`: the 30 distinct held-out articles of `tests/corpus`, in turn, as a
//!   stream served by `extract` (the cache warm with what they share).
//! - `extract/held_out_cold`: the same, each with an empty form cache: the cost of an
//!   article whose words were never seen (the first article of a stream).
//!
//! - `worst_case/{run,repeat}/{1,16,256,1024} KB`: one article of that size with no full stop,
//!   a contact sentence repeated, or "التقى " repeated: extraction time must grow linearly with
//!   the size (bytes per second flat), not with its square.
//!
//! Also reports the time to load the knowledge base (start-up cost). Runs with the allocator
//! the `rasad` binary uses (mimalloc).

use std::hint::black_box;
use std::time::Instant;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use rasad::extract::{Extractor, FormCache};
use rasad::proto::Article;

mod common;

use common::{held_out, seeds};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn extraction(c: &mut Criterion) {
    let started = Instant::now();
    let extractor = Extractor::embedded().expect("knowledge base");
    eprintln!("knowledge base loaded in {:?}", started.elapsed());
    let mut group = c.benchmark_group("extract");
    for (name, articles) in [("seeds", seeds()), ("held_out", held_out())] {
        group.throughput(Throughput::Elements(articles.len() as u64));
        group.bench_function(name, |b| {
            b.iter(|| {
                for a in &articles {
                    black_box(extractor.extract(black_box(a)));
                }
            })
        });
    }
    let articles = held_out();
    group.throughput(Throughput::Elements(articles.len() as u64));
    group.bench_function("held_out_cold", |b| {
        b.iter(|| {
            for a in &articles {
                black_box(extractor.extract_with(black_box(a), &mut FormCache::default()));
            }
        })
    });
    group.finish();
    let mut group = c.benchmark_group("worst_case");
    group.sample_size(10);
    let sentence = "التقى الرئيس المصري عبد الفتاح السيسي نظيره الفرنسي إيمانويل ماكرون في باريس وبحث معه العلاقات الثنائية و ";
    for (name, unit) in [("run", sentence), ("repeat", "التقى ")] {
        for kb in [1, 16, 256, 1024] {
            let text: String = unit.repeat(kb * 1024 / unit.len() + 1);
            let article = Article { id: "w".into(), text, published_at: "2020-01-01".into(), ..Default::default() };
            group.throughput(Throughput::Bytes(article.text.len() as u64));
            group.bench_function(format!("{name}/{kb} KB"), |b| b.iter(|| black_box(extractor.extract(black_box(&article)))));
        }
    }
    group.finish();
    c.bench_function("load_knowledge_base", |b| b.iter(|| black_box(Extractor::embedded().expect("knowledge base"))));
}

criterion_group!(benches, extraction);
criterion_main!(benches);
