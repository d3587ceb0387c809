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
        .chain(ingredient.measurement.as_deref().map(str::to_owned))
        .collect();
    if parts.is_empty() {
        "none".to_owned()
    } else {
        parts.join(" ")
    }
}

/// An ingredient line as a cook reads it, for the text rendering: `2
/// eggs`, not `2 unit eggs`; `2 cups`, not `2 cup`; `1 ½ cups flour`.
pub(crate) fn cook_line(ingredient: &Ingredient) -> String {
    let amount = cook_amount(ingredient);
    let mut line = if amount == "none" {
        String::new()
    } else {
        format!("{amount} ")
    };
    line.push_str(&ingredient.full_name());
    if let Some(remarks) = ingredient.remarks() {
        line.push_str(", ");
        line.push_str(&remarks);
    }
    line
}

/// An amount as a cook reads it (`1 ½ cups`, `2`), or `none`.
pub(crate) fn cook_amount(ingredient: &Ingredient) -> String {
    let mut parts = Vec::new();
    if let Some(quantity) = ingredient.quantity {
        parts.push(with_glyphs(&quantity.to_string()));
    }
    // A count needs no unit: `2 eggs`.
    let measurement = ingredient.measurement.as_deref().filter(|m| {
        ingredient.unit() != crate::units::Unit::count()
            || m.eq_ignore_ascii_case("piece")
            || m.eq_ignore_ascii_case("pieces")
    });
    if let Some(measurement) = measurement {
        let more_than_one = ingredient.quantity.is_some_and(|q| q.high() > 1.0);
        parts.push(if more_than_one {
            plural(measurement)
        } else {
            measurement.to_owned()
        });
    }
    if parts.is_empty() {
        "none".to_owned()
    } else {
        parts.join(" ")
    }
}

/// `1 1/2` as `1 ½`, `1/3-1/2` as `⅓-½`: the fractions cooks write as one
/// character, where there is one.
fn with_glyphs(amount: &str) -> String {
    let mut out = String::with_capacity(amount.len());
    for (index, part) in amount.split('-').enumerate() {
        if index > 0 {
            out.push('-');
        }
        let words: Vec<String> = part
            .split(' ')
            .map(|word| {
                let glyph = word.split_once('/').and_then(|(n, d)| {
                    let (n, d) = (n.parse::<u8>().ok()?, d.parse::<u8>().ok()?);
                    VULGAR_FRACTIONS
                        .iter()
                        .find(|&&(vn, vd, _)| (vn, vd) == (n, d))
                        .map(|&(_, _, glyph)| glyph.to_string())
                });
                glyph.unwrap_or_else(|| word.to_owned())
            })
            .collect();
        out.push_str(&words.join(" "));
    }
    out
}

/// Abbreviations that take no plural (`2 tbsp`, `2 g`).
const NO_PLURAL: &[&str] = &[
    "tsp", "tbsp", "tbs", "tbl", "kg", "mg", "ml", "cl", "dl", "oz", "lb", "pt", "qt", "gal",
    "pkg", "msk", "tsk", "krm", "cda", "cdta", "ltr", "el", "tl", "ss", "ts", "spsk", "cm", "mm",
    "fl oz", "ct", "ea", "gr", "gm",
];

/// A unit word in the plural, when it is an English-looking word written
/// in the singular (`cup` → `cups`, `pinch` → `pinches`); abbreviations
/// and words already plural stay as written.
fn plural(measurement: &str) -> String {
    let lower = measurement.to_lowercase();
    let is_word = measurement.len() >= 3
        && measurement.chars().all(|c| c.is_alphabetic() || c == ' ')
        && !NO_PLURAL.contains(&lower.as_str());
    let singular = crate::units::Unit::parse(measurement).to_string();
    // Already plural when reading it folded a plural ending away.
    let already_plural = lower.ends_with('s') && lower != singular;
    if !is_word || already_plural || lower.ends_with('s') {
        return measurement.to_owned();
    }
    if ["ch", "sh", "x", "z"]
        .iter()
        .any(|end| lower.ends_with(end))
    {
        format!("{measurement}es")
    } else {
        format!("{measurement}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quantity::Quantity;

    #[test]
    fn cooks_read_counts_plurals_and_glyphs() {
        let line = |quantity: f64, measurement: &str, name: &str| {
            cook_line(&Ingredient {
                quantity: Some(Quantity::new(quantity)),
                measurement: Some(measurement.into()),
                ingredient_name: name.into(),
                ..Ingredient::default()
            })
        };
        assert_eq!(line(2.0, "unit", "eggs"), "2 eggs");
        assert_eq!(line(2.0, "cup", "flour"), "2 cups flour");
        assert_eq!(line(1.5, "cup", "flour"), "1 ½ cups flour");
        assert_eq!(line(0.5, "cup", "flour"), "½ cup flour");
        assert_eq!(line(1.0, "cup", "flour"), "1 cup flour");
        assert_eq!(line(2.0, "tbsp", "oil"), "2 tbsp oil");
        assert_eq!(line(2.0, "TBS", "oil"), "2 TBS oil");
        assert_eq!(line(3.0, "pinch", "salt"), "3 pinches salt");
        assert_eq!(line(3.0, "cloves", "garlic"), "3 cloves garlic");
        assert_eq!(line(0.3, "g", "salt"), "0.3 g salt");
        assert_eq!(with_glyphs("1 1/2-2"), "1 ½-2");
        assert_eq!(with_glyphs("1/3"), "⅓");
    }

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
            measurement: Some("TBS".into()),
            ingredient_name: "cinnamon".into(),
            note: Some("ground".into()),
            ..Ingredient::default()
        };
        assert_eq!(ingredient_line(&cinnamon), "1/2 TBS cinnamon, ground");
        assert_eq!(amount(&cinnamon), "1/2 TBS");
        let salt = Ingredient {
            ingredient_name: "salt".into(),
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

        /// Pancakes as the web and a cook write them: counts without a
        /// unit, cups in the plural, fractions as one character.
        const PANCAKES: &str = r#"{
          "recipeName": "Pancakes", "recipeId": 2,
          "ingredients": [
            {"ingredientId": 1, "quantity": 1, "measurement": "cup", "ingredientName": "flour"},
            {"ingredientId": 2, "quantity": 2, "measurement": "tbsp", "ingredientName": "sugar"}],
          "steps": [{"stepId": 1, "stepText": "Mix and fry"}]
        }"#;

        const PANCAKES_MADE: &str = r#"{
          "recipeName": "Pancakes", "recipeId": 2,
          "ingredients": [
            {"ingredientId": 1, "quantity": 1.5, "measurement": "cup", "ingredientName": "flour"},
            {"ingredientId": 2, "quantity": 2, "measurement": "tbsp", "ingredientName": "sugar"},
            {"ingredientId": 3, "quantity": 2, "measurement": "unit", "ingredientName": "eggs"}],
          "steps": [{"stepId": 1, "stepText": "Mix and fry"}]
        }"#;

        const CASES: [(&str, &str, &str); 6] = [
            ("pancakes", PANCAKES, PANCAKES_MADE),
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
