//! A profiling driver: calls `diff` (or `parse`) on one fixture in a loop,
//! and nothing else, so an instruction counter sees only that work.
//!
//! ```text
//! cargo build --release -p recipe-benches --bin diff-loop
//! valgrind --tool=callgrind target/release/diff-loop web diff 1000
//! ```
//!
//! Run it with N and 2N iterations and subtract: what is left is N calls,
//! without the setup (embedded fixtures parsed once, process start).

use std::hint::black_box;

use anyhow::{Context, Result, bail};
use recipe_benches::FIXTURES;
use recipe_diff::{diff, parse_recipe};

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [name, what, count] = args.as_slice() else {
        bail!("usage: diff-loop FIXTURE diff|parse ITERATIONS");
    };
    let fixture = FIXTURES
        .iter()
        .find(|f| f.name == name)
        .with_context(|| format!("no fixture {name}"))?;
    let count: u64 = count.parse().context("ITERATIONS is a number")?;
    let original = parse_recipe(fixture.original)?;
    let make = parse_recipe(fixture.make)?;
    match what.as_str() {
        "diff" => {
            for _ in 0..count {
                black_box(diff(black_box(&original), black_box(&make)));
            }
        }
        "parse" => {
            for _ in 0..count {
                black_box(parse_recipe(black_box(fixture.original))?);
                black_box(parse_recipe(black_box(fixture.make))?);
            }
        }
        other => bail!("no operation {other}: diff or parse"),
    }
    Ok(())
}
