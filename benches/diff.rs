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
//!
//! And `merge`: [`recipe_diff::merge()`] on `typical` and `large`, BASE the
//! original, OURS the make, THEIRS another variant (see [`merge_inputs`]).
//! A merge diffs BASE with each side, so two diffs are its yardstick.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use recipe_benches::{FIXTURES, Fixture};
use recipe_diff::{Recipe, Step, diff, merge, parse_recipe};

fn parse_pair(fixture: &Fixture) -> (Recipe, Recipe) {
    (
        parse_recipe(fixture.original).expect("committed fixtures parse"),
        parse_recipe(fixture.make).expect("committed fixtures parse"),
    )
}

/// BASE, OURS and THEIRS for the merge bench, or `None` for a fixture the
/// merge is not measured on.
///
/// - `typical`: the curry, the make, and the curry made at double size
///   (the `scaled` fixture's make): the scaling composes with every change
///   of the make;
/// - `large`: the banquet list, its make, and a variant written here that
///   overlaps the make: a new rating, every 50th step reworded, every 97th
///   skipped, one ingredient added.
fn merge_inputs(fixture: &Fixture) -> Option<(Recipe, Recipe, Recipe)> {
    let (base, ours) = parse_pair(fixture);
    let theirs = match fixture.name {
        "typical" => {
            let scaled = FIXTURES.iter().find(|f| f.name == "scaled")?;
            parse_recipe(scaled.make).expect("committed fixtures parse")
        }
        "large" => {
            let mut theirs = base.clone();
            theirs.rating = Some(5.0);
            for step in theirs.steps.iter_mut().step_by(50) {
                step.step_text = format!("{}, stirring now and then", step.step_text).into();
            }
            let kept: Vec<Step> = (theirs.steps.iter().enumerate())
                .filter(|(i, _)| i % 97 != 96)
                .map(|(_, step)| step.clone())
                .collect();
            theirs.steps = kept;
            let mut zest = theirs.ingredients.first()?.clone();
            zest.ingredient_id = Some(1000);
            zest.ingredient_name = "lemon zest".into();
            theirs.ingredients.push(zest);
            theirs
        }
        _ => return None,
    };
    Some((base, ours, theirs))
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

    let mut group = c.benchmark_group("merge");
    for fixture in &FIXTURES {
        let Some(inputs) = merge_inputs(fixture) else {
            continue;
        };
        group.throughput(Throughput::Bytes(fixture.bytes()));
        group.bench_with_input(
            BenchmarkId::from_parameter(fixture.name),
            &inputs,
            |b, (base, ours, theirs)| {
                b.iter(|| merge(black_box(base), black_box(ours), black_box(theirs)));
            },
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
