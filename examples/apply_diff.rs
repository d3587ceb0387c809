//! Stores a diff as JSON, reads it back, and applies it: to the original it
//! rebuilds the make, and inverted, to the make it rebuilds the original.
//! The JSON Patch rendering does the same to the documents themselves.
//!
//! ```text
//! cargo run --example apply_diff
//! ```

use std::error::Error;

use recipe_diff::render::patch;
use recipe_diff::{RecipeDiff, apply, diff, parse_recipe};

fn main() -> Result<(), Box<dyn Error>> {
    let original = parse_recipe(include_str!("data/apple-pie.json"))?;
    let make = parse_recipe(include_str!("data/apple-pie.make.json"))?;

    // A diff is plain data: store it anywhere JSON goes.
    let stored = serde_json::to_string(&diff(&original, &make))?;
    let changes: RecipeDiff = serde_json::from_str(&stored)?;
    println!(
        "{} differences, {} bytes as JSON",
        changes.change_count(),
        stored.len()
    );

    let rebuilt = apply(&original, &changes)?;
    assert_eq!(rebuilt, make);
    println!("apply(original, diff) rebuilt the make");

    let back = apply(&make, &changes.clone().inverted())?;
    assert_eq!(back, original);
    println!("apply(make, diff.inverted()) rebuilt the original");

    let operations = patch(&original, &changes)?;
    println!(
        "as RFC 6902 JSON Patch ({} operations):\n{}",
        operations.len(),
        serde_json::to_string_pretty(&operations)?
    );
    Ok(())
}
