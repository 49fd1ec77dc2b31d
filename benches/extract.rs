//! Extraction throughput, one thread: `cargo bench --bench extract`.
//! - `extract/seeds`: the five seed articles, over and over, as `Extractor::extract` serves
//!   a stream: their word forms are analysed once and found in the form cache after (warm).
//! - `extract/held_out`: the 30 distinct held-out articles of `tests/corpus`, in turn, as a
//!   stream served by `extract` (the cache warm with what they share).
//! - `extract/held_out_cold`: the same, each with an empty form cache: the cost of an
//!   article whose words were never seen (the first article of a stream).
//!
//! - `worst_case/{seeds,run,repeat,LongRun,...}/{1,10,100,1000} KB`: one article of that size:
//!   the seeds one after another (real text), a contact sentence repeated with no full stop,
//!   "التقى " repeated, and each shape of the adversarial generator (`tests/common/adversarial.rs`).
//!   Extraction time must grow linearly with the size (bytes per second flat), not with its
//!   square: `cargo bench --bench extract -- worst_case/`.
//!
//! Also reports the time to load the knowledge base (start-up cost). Runs with the allocator
//! the `rasad` binary uses (mimalloc).

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use rasad::extract::{Extractor, FormCache};
use rasad::proto::Article;

#[path = "../tests/common/adversarial.rs"]
mod adversarial;
mod common;

use adversarial::{Kind, Rng, seed_texts, text};
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
    worst_cases(c, &extractor);
    c.bench_function("load_knowledge_base", |b| b.iter(|| black_box(Extractor::embedded().expect("knowledge base"))));
}

/// Makes an input's text of a given size in bytes.
type Input<'a> = Box<dyn Fn(usize) -> String + 'a>;

/// One article of each size for each input: the seeds one after another (real text), a contact
/// sentence repeated with no full stop, "التقى " repeated, and each shape of the adversarial
/// generator of the tests.
fn worst_cases(c: &mut Criterion, extractor: &Extractor) {
    let mut group = c.benchmark_group("worst_case");
    group.sample_size(10).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(3));
    let seeds = seed_texts();
    let sentence = "التقى الرئيس المصري عبد الفتاح السيسي نظيره الفرنسي إيمانويل ماكرون في باريس وبحث معه العلاقات الثنائية و ";
    let mut inputs: Vec<(String, Input<'_>)> = vec![
        ("seeds".into(), Box::new(|bytes| repeated(&seeds.join("\n\n"), bytes))),
        ("run".into(), Box::new(|bytes| repeated(sentence, bytes))),
        ("repeat".into(), Box::new(|bytes| repeated("التقى ", bytes))),
    ];
    for kind in Kind::ALL {
        inputs.push((format!("{kind:?}"), Box::new(move |bytes| text(kind, bytes, &mut Rng::new(18), &seed_texts()))));
    }
    for (name, make) in &inputs {
        for kb in [1, 10, 100, 1000] {
            let article = Article { id: "w".into(), text: make(kb * 1024), published_at: "2020-01-01".into(), ..Default::default() };
            group.throughput(Throughput::Bytes(article.text.len() as u64));
            group.bench_function(format!("{name}/{kb} KB"), |b| b.iter(|| black_box(extractor.extract(black_box(&article)))));
        }
    }
    group.finish();
}

/// `unit` over and over, cut to at most `bytes` bytes on a character boundary.
fn repeated(unit: &str, bytes: usize) -> String {
    let mut text = unit.repeat(bytes / unit.len() + 1);
    let mut end = bytes;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text.truncate(end);
    text
}

criterion_group!(benches, extraction);
criterion_main!(benches);
