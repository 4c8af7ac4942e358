//! Reader speed: the seed report alone, and the seed repeated to 40 MB (throughput on one core).
//! Run with `cargo bench -p duban-report`; the figures are reported in the README.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;

const SEED: &str = include_str!("../tests/data/luozhuang-2019.txt");

fn seed(c: &mut Criterion) {
    let mut g = c.benchmark_group("read");
    g.throughput(Throughput::Bytes(SEED.len() as u64));
    g.bench_function("seed", |b| {
        b.iter(|| duban_report::read(black_box(SEED.as_bytes()), &duban_report::Options::default()))
    });
    g.finish();
}

fn big(c: &mut Criterion) {
    let mut text = String::with_capacity(41 << 20);
    while text.len() < 40 << 20 {
        text.push_str(SEED);
        text.push('\n');
    }
    let mut g = c.benchmark_group("read");
    g.sample_size(10);
    g.throughput(Throughput::Bytes(text.len() as u64));
    g.bench_function("seed_x_40MB", |b| {
        b.iter(|| duban_report::read(black_box(text.as_bytes()), &duban_report::Options::default()))
    });
    g.finish();
}

#[path = "pathological.rs"]
mod pathological;

fn linear(c: &mut Criterion) {
    let mut g = c.benchmark_group("pathological_1MB");
    g.sample_size(10);
    for (name, text) in pathological::pathological() {
        g.bench_function(name, |b| {
            b.iter(|| duban_report::read_text(black_box(&text), &duban_report::Options::default()))
        });
    }
    g.finish();
}

criterion_group!(benches, seed, big, linear);
criterion_main!(benches);
