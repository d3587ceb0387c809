//! Parse and diff benchmarks over the named fixtures in `benches/fixtures/`.
//!
//! ```text
//! cargo bench -p recipe-benches
//! cargo bench -p recipe-benches -- --warm-up-time 1 --measurement-time 3 typical
//! ```
//!
//! Four groups, each over every fixture with its pair's size as throughput:
//!
//! - `parse`: reading both documents into [`recipe_diff::Recipe`]s;
//! - `diff`: [`recipe_diff::diff`] of two recipes parsed beforehand;
//! - `parse+diff`: both, as a caller with two files does;
//! - `serde_json_value`: both documents into [`serde_json::Value`], the
//!   floor any JSON tool pays before it can compare anything.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use recipe_benches::{FIXTURES, Fixture};
use recipe_diff::{Recipe, diff, parse_recipe};

fn parse_pair(fixture: &Fixture) -> (Recipe, Recipe) {
    (
        parse_recipe(fixture.original).expect("committed fixtures parse"),
        parse_recipe(fixture.make).expect("committed fixtures parse"),
    )
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("parse");
    for fixture in &FIXTURES {
        group.throughput(Throughput::Bytes(fixture.bytes()));
        group.bench_with_input(
            BenchmarkId::from_parameter(fixture.name),
            fixture,
            |b, f| {
                b.iter(|| parse_pair(black_box(f)));
            },
        );
    }
    group.finish();

    let mut group = c.benchmark_group("diff");
    for fixture in &FIXTURES {
        let (original, make) = parse_pair(fixture);
        group.throughput(Throughput::Bytes(fixture.bytes()));
        group.bench_with_input(
            BenchmarkId::from_parameter(fixture.name),
            &(original, make),
            |b, (original, make)| b.iter(|| diff(black_box(original), black_box(make))),
        );
    }
    group.finish();

    let mut group = c.benchmark_group("parse+diff");
    for fixture in &FIXTURES {
        group.throughput(Throughput::Bytes(fixture.bytes()));
        group.bench_with_input(
            BenchmarkId::from_parameter(fixture.name),
            fixture,
            |b, f| {
                b.iter(|| {
                    let (original, make) = parse_pair(black_box(f));
                    diff(&original, &make)
                });
            },
        );
    }
    group.finish();

    let mut group = c.benchmark_group("serde_json_value");
    for fixture in &FIXTURES {
        group.throughput(Throughput::Bytes(fixture.bytes()));
        group.bench_with_input(
            BenchmarkId::from_parameter(fixture.name),
            fixture,
            |b, f| {
                b.iter(|| {
                    let original: serde_json::Value = serde_json::from_str(black_box(f.original))
                        .expect("committed fixtures parse");
                    let make: serde_json::Value =
                        serde_json::from_str(black_box(f.make)).expect("committed fixtures parse");
                    (original, make)
                });
            },
        );
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
