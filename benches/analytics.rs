//! Per-recipe analytics over the embedded store, at a thousand and at a
//! hundred thousand makes of one recipe.
//!
//! ```text
//! cargo bench -p recipe-benches --bench analytics
//! cargo bench -p recipe-benches --bench analytics -- --warm-up-time 1 --measurement-time 3
//! ```
//!
//! Each fixture is a SQLite data directory holding the `typical` recipe
//! and that many makes of it, stored one at a time through
//! [`RecordStore::put_make`] (so each make's aggregate update is what a
//! server does), cooked over 672 days, in 16 variants (more or less of an
//! ingredient, a skipped or edited step, a swap, a scaling, ratings from 1
//! to 5). Building the 100,000-make fixture takes a while before the
//! measurement starts.
//!
//! `recipe analytics` is what `GET /recipes/{recipeId}/analytics` does:
//! read the latest version and the recipe's aggregates, build the answer,
//! serialize it to JSON. Its throughput is in makes summarised.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use recipe_benches::FIXTURES;
use recipe_diff::{Recipe, diff, parse_recipe};
use recipe_embedded::{Database, SqliteRecordStore};
use recipe_ports::RecordStore;
use recipe_ports::aggregate::MakeAggregate;
use recipe_ports::records::{MakeIdentity, MakeRecord, RecipeVersion};

/// The fixtures: a name and how many makes.
const SIZES: &[(&str, usize)] = &[("1k makes", 1_000), ("100k makes", 100_000)];

/// The recipe every make is cooked from: the `typical` fixture's original.
fn original() -> Recipe {
    let typical = FIXTURES
        .iter()
        .find(|fixture| fixture.name == "typical")
        .expect("the typical fixture is committed");
    let mut recipe = parse_recipe(typical.original).expect("committed fixtures parse");
    recipe.recipe_id = Some(1);
    recipe
}

/// Sixteen ways of cooking `original`, each with its rating.
fn variants(original: &Recipe) -> Vec<Recipe> {
    (0..16usize)
        .map(|n| {
            let mut cooked = original.clone();
            cooked.rating = Some(1.0 + (n % 9) as f64 / 2.0);
            let ingredients = cooked.ingredients.len().max(1);
            let steps = cooked.steps.len().max(1);
            match n % 8 {
                0 => {}
                1 | 2 => {
                    if let Some(ingredient) = cooked.ingredients.get_mut(n % ingredients) {
                        let factor = if n % 2 == 0 { 2.0 } else { 0.5 };
                        ingredient.quantity = ingredient.quantity.map(|q| q.scaled(factor));
                    }
                }
                3 => {
                    cooked.steps.remove(n % steps);
                }
                4 => {
                    if let Some(step) = cooked.steps.get_mut(n % steps) {
                        step.step_text =
                            format!("{} Taste and adjust the seasoning.", step.step_text).into();
                    }
                }
                5 => {
                    if let Some(ingredient) = cooked.ingredients.get_mut(n % ingredients) {
                        ingredient.ingredient_name = "something else".into();
                        ingredient.ingredient_id = None;
                    }
                }
                6 => {
                    for ingredient in &mut cooked.ingredients {
                        ingredient.quantity = ingredient.quantity.map(|q| q.scaled(2.0));
                    }
                }
                _ => {
                    cooked.ingredients.pop();
                    cooked.steps.pop();
                }
            }
            cooked
        })
        .collect()
}

/// A data directory holding `original` and `makes` makes of it.
fn fixture(
    runtime: &tokio::runtime::Runtime,
    original: &Recipe,
    makes: usize,
) -> (tempfile::TempDir, SqliteRecordStore) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let store = SqliteRecordStore::new(Database::open_data_dir(dir.path()).expect("a database"));
    let records: Vec<MakeRecord> = variants(original)
        .into_iter()
        .map(|cooked| MakeRecord {
            recipe_id: 1,
            make_id: 0,
            made_at: None,
            notes: Some("a weeknight dinner".to_owned()),
            recipe_version: 1,
            differences: diff(original, &cooked),
            recipe: cooked,
            flat_differences: Vec::new(),
            source: None,
            recorded_at: "2026-12-03T00:00:00Z".to_owned(),
        })
        .collect();
    runtime.block_on(async {
        let version = RecipeVersion {
            recipe_id: 1,
            version: 1,
            recipe: original.clone(),
            created_at: "2025-01-01T00:00:00Z".to_owned(),
            source: None,
            message: None,
            changes: 0,
        };
        store
            .put_version(&version)
            .await
            .expect("the recipe is stored");
        for n in 0..makes {
            let mut make = records[n % records.len()].clone();
            let day = n % 672;
            make.made_at = Some(format!(
                "{}-{:02}-{:02}T{:02}:00:00Z",
                2025 + day / 336,
                1 + (day % 336) / 28,
                1 + day % 28,
                n % 24
            ));
            store
                .put_make(&MakeIdentity::Next, &make)
                .await
                .expect("the make is stored");
        }
    });
    (dir, store)
}

/// What `GET /recipes/1/analytics` does, to the JSON body.
async fn analytics(store: &SqliteRecordStore) -> Vec<u8> {
    let latest = store
        .latest_version(1)
        .await
        .expect("the store reads")
        .expect("the recipe is stored");
    let mut total = MakeAggregate::default();
    for kept in store.aggregates(1).await.expect("the store reads") {
        total.absorb(&kept.aggregate);
    }
    let answer = recipe_pipeline::analytics::analytics_of(&latest.recipe, &total);
    serde_json::to_vec(&answer).expect("the answer serializes")
}

fn recipe_analytics(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let original = original();
    let mut group = c.benchmark_group("recipe analytics");
    for &(name, makes) in SIZES {
        let (_dir, store) = fixture(&runtime, &original, makes);
        group.throughput(Throughput::Elements(makes as u64));
        group.bench_with_input(BenchmarkId::from_parameter(name), &store, |b, store| {
            b.iter(|| black_box(runtime.block_on(analytics(store))));
        });
    }
    group.finish();
}

criterion_group!(benches, recipe_analytics);
criterion_main!(benches);
