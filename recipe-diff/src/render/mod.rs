//! Renderings of a [`RecipeDiff`].
//!
//! One diff, four audiences:
//!
//! - rich JSON: the diff itself, through serde ([`json`]), for programs;
//! - human text for a cook, plain or coloured ([`text`]);
//! - the original project's flat list of differences ([`seed`]), for the
//!   API and stores that kept its schema;
//! - an RFC 6902 JSON Patch ([`patch`]) that edits the original's JSON into
//!   the make's, for tools that only speak JSON.
//!
//! Only differences are shown as changes; restatements (a respelled name, a
//! converted unit, renumbered steps) are not. The patch is the exception: it
//! is a document edit, so it carries them too.
//!
//! ```
//! use recipe_diff::render::{self, TextStyle};
//! use recipe_diff::{diff, parse_recipe};
//!
//! let original = parse_recipe(r#"{"recipeName": "Tea", "rating": 3, "steps": []}"#)?;
//! let make = parse_recipe(r#"{"recipeName": "Tea", "rating": 4, "steps": []}"#)?;
//! let changes = diff(&original, &make);
//! assert_eq!(render::text(&changes, TextStyle::Plain), "~ rating: 3 → 4\n");
//! assert_eq!(render::seed(&changes).len(), 1);
//! assert_eq!(render::patch(&original, &changes)?.len(), 1);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod patch;
mod seed;
mod text;

pub use patch::{PatchOperation, patch};
pub use seed::{
    SeedChange, SeedDifference, SeedIngredientField, SeedRecipeField, SeedValues, seed,
};
pub use text::{TextStyle, text};

use crate::changes::RecipeDiff;
use crate::model::Ingredient;

/// The diff as pretty-printed JSON: every difference and restatement.
///
/// ```
/// let changes = recipe_diff::RecipeDiff::default();
/// assert_eq!(recipe_diff::render::json(&changes), "{}");
/// ```
pub fn json(diff: &RecipeDiff) -> String {
    serde_json::to_string_pretty(diff).unwrap_or_else(|e| {
        // Serializing our own types to a string cannot fail; say so if it does.
        format!("{{\"error\": {:?}}}", e.to_string())
    })
}

/// Fractions a cook reads at a glance, as (numerator, denominator, glyph).
const VULGAR_FRACTIONS: [(u8, u8, char); 15] = [
    (1, 2, '½'),
    (1, 3, '⅓'),
    (2, 3, '⅔'),
    (1, 4, '¼'),
    (3, 4, '¾'),
    (1, 5, '⅕'),
    (2, 5, '⅖'),
    (3, 5, '⅗'),
    (4, 5, '⅘'),
    (1, 6, '⅙'),
    (5, 6, '⅚'),
    (1, 8, '⅛'),
    (3, 8, '⅜'),
    (5, 8, '⅝'),
    (7, 8, '⅞'),
];

/// A factor as a cook would write it after `×`: `2`, `1½`, `⅓`, or a
/// decimal rounded to two places when no small fraction is exact.
pub(crate) fn factor(value: f64) -> String {
    // Exact means equal up to float noise: 1/3 computed two ways differs in
    // the last bits only.
    const EXACT: f64 = 1e-9;
    if !value.is_finite() || value < 0.0 {
        return value.to_string();
    }
    let whole = value.floor();
    let fraction = value - whole;
    let whole_text = |w: f64| format!("{w:.0}");
    if fraction < EXACT {
        return whole_text(whole);
    }
    if 1.0 - fraction < EXACT {
        return whole_text(whole + 1.0);
    }
    for (numerator, denominator, glyph) in VULGAR_FRACTIONS {
        if (fraction - f64::from(numerator) / f64::from(denominator)).abs() < EXACT {
            return if whole == 0.0 {
                glyph.to_string()
            } else {
                format!("{}{glyph}", whole_text(whole))
            };
        }
    }
    let rounded = format!("{value:.2}");
    rounded
        .trim_end_matches('0')
        .trim_end_matches('.')
        .to_owned()
}

/// An ingredient line as its cook wrote it: `1.5 tsp cinnamon, ground`.
///
/// We use the quantity's own display and the measurement verbatim, so the
/// reader recognises their own words.
pub(crate) fn ingredient_line(ingredient: &Ingredient) -> String {
    let mut line = String::new();
    if let Some(quantity) = ingredient.quantity {
        line.push_str(&quantity.to_string());
        line.push(' ');
    }
    if let Some(measurement) = &ingredient.measurement {
        line.push_str(measurement);
        line.push(' ');
    }
    line.push_str(&ingredient.full_name());
    if let Some(remarks) = ingredient.remarks() {
        line.push_str(", ");
        line.push_str(&remarks);
    }
    line
}

/// An amount as written (`0.5 TBS`), or `none` when the line has none
/// (`salt, to taste`).
pub(crate) fn amount(ingredient: &Ingredient) -> String {
    let parts: Vec<String> = ingredient
        .quantity
        .map(|q| q.to_string())
        .into_iter()
        .chain(ingredient.measurement.clone())
        .collect();
    if parts.is_empty() {
        "none".to_owned()
    } else {
        parts.join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quantity::Quantity;

    #[test]
    fn factors_use_small_fractions_when_exact() {
        assert_eq!(factor(2.0), "2");
        assert_eq!(factor(1.0), "1");
        assert_eq!(factor(1.5), "1½");
        assert_eq!(factor(1.0 / 3.0), "⅓");
        assert_eq!(factor(4.0 / 3.0), "1⅓");
        assert_eq!(factor(0.75), "¾");
        assert_eq!(factor(2.0 - 1e-12), "2");
    }

    #[test]
    fn other_factors_are_rounded_decimals() {
        assert_eq!(factor(1.37), "1.37");
        assert_eq!(factor(0.123_456), "0.12");
        assert_eq!(factor(1.1), "1.1");
    }

    #[test]
    fn ingredient_lines_keep_the_cooks_words() {
        let cinnamon = Ingredient {
            ingredient_id: Some(3),
            quantity: Some(Quantity::new(0.5)),
            measurement: Some("TBS".to_owned()),
            ingredient_name: "cinnamon".to_owned(),
            note: Some("ground".to_owned()),
            ..Ingredient::default()
        };
        assert_eq!(ingredient_line(&cinnamon), "1/2 TBS cinnamon, ground");
        assert_eq!(amount(&cinnamon), "1/2 TBS");
        let salt = Ingredient {
            ingredient_name: "salt".to_owned(),
            ..Ingredient::default()
        };
        assert_eq!(ingredient_line(&salt), "salt");
        assert_eq!(amount(&salt), "none");
    }

    /// Named recipe pairs whose renderings are checked against committed
    /// snapshots; each renderer's own tests use them too.
    pub(in crate::render) mod snapshots {
        use crate::{Recipe, diff, parse_recipe};

        use super::super::{TextStyle, patch, seed, text};

        pub(in crate::render) const APPLE_PIE: &str = r#"{
          "recipeName": "Apple Pie", "recipeId": 1, "rating": 5,
          "ingredients": [
            {"ingredientId": 1, "quantity": 1, "measurement": "unit", "ingredientName": "pieCrust"},
            {"ingredientId": 2, "quantity": 5, "measurement": "unit", "ingredientName": "apples"},
            {"ingredientId": 3, "quantity": 0.5, "measurement": "TBS", "ingredientName": "cinnamon"}],
          "steps": [
            {"stepId": 1, "stepText": "Gather ingredients"},
            {"stepId": 2, "stepText": "Pre heat oven to 350 degrees"},
            {"stepId": 3, "stepText": "Make the pie"}]
        }"#;

        /// The oven step skipped, the crust respelled, the cinnamon written
        /// in teaspoons and a lower rating: exactly two differences.
        pub(in crate::render) const APPLE_PIE_MADE: &str = r#"{
          "recipeName": "Apple Pie", "recipeId": 1, "rating": 4,
          "ingredients": [
            {"ingredientId": 1, "quantity": 1, "measurement": "unit", "ingredientName": "pie crust"},
            {"ingredientId": 2, "quantity": 5, "measurement": "unit", "ingredientName": "apples"},
            {"ingredientId": 3, "quantity": 1.5, "measurement": "tsp", "ingredientName": "cinnamon"}],
          "steps": [
            {"stepId": 1, "stepText": "Gather ingredients"},
            {"stepId": 2, "stepText": "Make the pie"}]
        }"#;

        /// A cook who changed a bit of everything.
        const APPLE_PIE_REWORKED: &str = r#"{
          "recipeName": "Apple Tart", "recipeId": 1, "rating": 4.5,
          "ingredients": [
            {"ingredientId": 4, "quantity": 1, "measurement": "unit", "ingredientName": "puff pastry"},
            {"ingredientId": 2, "quantity": 5, "measurement": "unit", "ingredientName": "apples"},
            {"ingredientId": 3, "quantity": 1, "measurement": "TBS", "ingredientName": "cinnamon"},
            {"ingredientId": 5, "quantity": 1, "measurement": "tsp", "ingredientName": "vanilla"}],
          "steps": [
            {"stepId": 1, "stepText": "Pre heat oven to 375 degrees"},
            {"stepId": 2, "stepText": "Make the pie"},
            {"stepId": 3, "stepText": "Gather ingredients"},
            {"stepId": 4, "stepText": "Let it cool"}]
        }"#;

        /// Twice the pie: one scaling, not three quantity changes.
        pub(in crate::render) const APPLE_PIE_DOUBLED: &str = r#"{
          "recipeName": "Apple Pie", "recipeId": 1, "rating": 5,
          "ingredients": [
            {"ingredientId": 1, "quantity": 2, "measurement": "unit", "ingredientName": "pieCrust"},
            {"ingredientId": 2, "quantity": 10, "measurement": "unit", "ingredientName": "apples"},
            {"ingredientId": 3, "quantity": 1, "measurement": "TBS", "ingredientName": "cinnamon"}],
          "steps": [
            {"stepId": 1, "stepText": "Gather ingredients"},
            {"stepId": 2, "stepText": "Pre heat oven to 350 degrees"},
            {"stepId": 3, "stepText": "Make the pie"}]
        }"#;

        /// The oven preheated first, and the steps renumbered: one moved
        /// step, nothing else.
        pub(in crate::render) const APPLE_PIE_MOVED: &str = r#"{
          "recipeName": "Apple Pie", "recipeId": 1, "rating": 5,
          "ingredients": [
            {"ingredientId": 1, "quantity": 1, "measurement": "unit", "ingredientName": "pieCrust"},
            {"ingredientId": 2, "quantity": 5, "measurement": "unit", "ingredientName": "apples"},
            {"ingredientId": 3, "quantity": 0.5, "measurement": "TBS", "ingredientName": "cinnamon"}],
          "steps": [
            {"stepId": 1, "stepText": "Pre heat oven to 350 degrees"},
            {"stepId": 2, "stepText": "Gather ingredients"},
            {"stepId": 3, "stepText": "Make the pie"}]
        }"#;

        const CASES: [(&str, &str, &str); 5] = [
            ("apple_pie", APPLE_PIE, APPLE_PIE_MADE),
            ("reworked", APPLE_PIE, APPLE_PIE_REWORKED),
            ("doubled", APPLE_PIE, APPLE_PIE_DOUBLED),
            ("moved", APPLE_PIE, APPLE_PIE_MOVED),
            ("unchanged", APPLE_PIE, APPLE_PIE),
        ];

        fn parse(json: &str) -> Recipe {
            parse_recipe(json).expect("fixtures are valid recipes")
        }

        #[test]
        fn the_apple_pie_make_has_exactly_two_differences() {
            let changes = diff(&parse(APPLE_PIE), &parse(APPLE_PIE_MADE));
            assert_eq!(changes.change_count(), 2, "{changes:#?}");
        }

        #[test]
        fn renderings_match_their_snapshots() {
            for (name, original, make) in CASES {
                let original = parse(original);
                let changes = diff(&original, &parse(make));
                insta::assert_snapshot!(format!("{name}_text"), text(&changes, TextStyle::Plain));
                insta::assert_json_snapshot!(format!("{name}_seed"), seed(&changes));
                let ops = patch(&original, &changes).expect("the diff fits its original");
                insta::assert_json_snapshot!(format!("{name}_patch"), ops);
            }
        }
    }
}
