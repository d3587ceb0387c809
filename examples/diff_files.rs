//! Diffs two recipe files and prints what the cook did differently.
//!
//! Either file may be in the native format or schema.org JSON-LD.
//!
//! ```text
//! cargo run --example diff_files -- examples/data/apple-pie.json examples/data/apple-pie.make.json
//! ```

use std::error::Error;

use recipe_diff::render::{TextStyle, text};

fn main() -> Result<(), Box<dyn Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(original_path), Some(make_path)) = (args.next(), args.next()) else {
        return Err("usage: diff_files ORIGINAL MAKE".into());
    };
    let original = recipe_diff::parse_recipe(&std::fs::read_to_string(&original_path)?)?;
    let make = recipe_diff::parse_make(&std::fs::read_to_string(&make_path)?)?;
    let diff = recipe_diff::diff_make(&original, &make);
    print!("{}", text(&diff, TextStyle::Plain));
    Ok(())
}
