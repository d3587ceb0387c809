//! Parse and diff benchmarks over named fixtures.

use criterion::{Criterion, criterion_group, criterion_main};

fn bench(c: &mut Criterion) {
    let original = include_str!("../examples/data/apple-pie.json");
    let make = include_str!("../examples/data/apple-pie.make.json");
    c.bench_function("apple-pie/parse+diff", |b| {
        b.iter(|| {
            let o = recipe_diff::parse_recipe(original).expect("fixture parses");
            let m = recipe_diff::parse_recipe(make).expect("fixture parses");
            recipe_diff::diff(&o, &m)
        });
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
