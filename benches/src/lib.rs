//! # recipe-benches
//!
//! The data the recipe-diff benchmarks run on, and the programs that measure
//! it. Nothing here is part of the library; `BENCHMARKS.md` at the
//! repository root says how to run everything and what it measured.
//!
//! - [`FIXTURES`]: the named original/make pairs, embedded from the committed
//!   files in `benches/fixtures/`;
//! - [`generate`]: the deterministic generator those files come from
//!   (`cargo run -p recipe-benches --bin make-fixtures` writes them);
//! - `benches/diff.rs`: the criterion benches over [`FIXTURES`];
//! - `src/bin/compare-timing.rs`: our side of the peer comparison that
//!   `benches/compare/run` drives against deepdiff and jsondiffpatch.
//!
//! ## Example
//!
//! ```
//! use recipe_benches::FIXTURES;
//!
//! let typical = FIXTURES.iter().find(|f| f.name == "typical").ok_or("no typical fixture")?;
//! let original = recipe_diff::parse_recipe(typical.original)?;
//! let make = recipe_diff::parse_recipe(typical.make)?;
//! assert!(recipe_diff::diff(&original, &make).change_count() > 0);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod generate;

/// One benchmark input: a recipe and a make of it, as JSON text.
#[derive(Debug, Clone, Copy)]
pub struct Fixture {
    /// Short name used in benchmark ids and file names (`typical`).
    pub name: &'static str,
    /// What the pair is and which changes it holds, for reports.
    pub description: &'static str,
    /// The recipe as written (`<name>.original.json`).
    pub original: &'static str,
    /// The recipe as cooked (`<name>.make.json`).
    pub make: &'static str,
}

impl Fixture {
    /// Bytes of JSON in the pair, for throughput figures.
    pub fn bytes(&self) -> u64 {
        (self.original.len() + self.make.len()) as u64
    }
}

/// Embeds `benches/fixtures/<name>.{original,make}.json`.
macro_rules! fixture {
    ($name:literal, $description:literal) => {
        Fixture {
            name: $name,
            description: $description,
            original: include_str!(concat!("../fixtures/", $name, ".original.json")),
            make: include_str!(concat!("../fixtures/", $name, ".make.json")),
        }
    };
}

/// Every named fixture, smallest first.
pub const FIXTURES: [Fixture; 5] = [
    fixture!(
        "small",
        "Apple Pie: 3 ingredients, 3 steps; a respelled name, a unit restatement, a skipped step, a new rating"
    ),
    fixture!(
        "typical",
        "Chicken curry: 12 ingredients, 10 steps; a quantity change, a unit restatement, a substitution, edited steps, a skipped step, a new rating"
    ),
    fixture!(
        "scaled",
        "The typical curry made at double size: every amount times two"
    ),
    fixture!(
        "web",
        "A recipe page's shape, 16 labelled BBC Food ingredient lines and 6 long steps; the first ingredient dropped, step 2 extended"
    ),
    fixture!(
        "large",
        "Banquet prep: 40 ingredients, 1,000 steps; a few dozen edits, removals, additions and moves spread through"
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn committed_fixtures_match_the_generator() {
        let generated = generate::all();
        let names: Vec<&str> = generated.iter().map(|g| g.name).collect();
        let table: Vec<&str> = FIXTURES.iter().map(|f| f.name).collect();
        assert_eq!(names, table, "generator and fixture table disagree");
        for (fixture, generated) in FIXTURES.iter().zip(&generated) {
            assert!(
                fixture.original == generated.original && fixture.make == generated.make,
                "benches/fixtures/{}.*.json are stale: run `cargo run -p recipe-benches --bin make-fixtures`",
                fixture.name
            );
        }
    }

    #[test]
    fn every_fixture_parses_and_differs() {
        for fixture in FIXTURES {
            let original = recipe_diff::parse_recipe(fixture.original).unwrap();
            let make = recipe_diff::parse_recipe(fixture.make).unwrap();
            assert!(
                !recipe_diff::diff(&original, &make).is_empty(),
                "{} has no differences",
                fixture.name
            );
        }
    }

    #[test]
    fn sizes_are_as_named() {
        let size = |name: &str| {
            let fixture = FIXTURES.iter().find(|f| f.name == name).unwrap();
            let recipe = recipe_diff::parse_recipe(fixture.original).unwrap();
            (recipe.ingredients.len(), recipe.steps.len())
        };
        assert_eq!(size("small"), (3, 3));
        assert_eq!(size("typical"), (12, 10));
        assert_eq!(size("scaled"), (12, 10));
        assert_eq!(size("web"), (16, 6));
        assert_eq!(size("large"), (40, 1000));
    }
}
