//! The data model: recipes, their ingredients and steps, and makes.
//!
//! Field names follow the original project's camelCase JSON. Reading is
//! tolerant (see [`crate::parse`]); these types hold the cleaned-up values.
//! They serialize back to the canonical native JSON form.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::quantity::Quantity;
use crate::units::Unit;

/// A recipe as its cook keeps it, in the canonical form it serializes to:
/// ids and ratings are numbers, and a quantity is a number or, for a
/// range, text.
///
/// Reading is tolerant: ids and quantities may be numeric text, quantities
/// may be fractions (`"1 1/2"`, `"½"`) or ranges (`"2-3"`), and a
/// schema.org `Recipe` JSON-LD document is read as well.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "recipeName": "Apple Pie", "recipeId": 1, "rating": 5,
    "ingredients": [{"ingredientId": 1, "quantity": 0.5, "measurement": "TBS", "ingredientName": "cinnamon"}],
    "steps": [{"stepId": 1, "stepText": "Make the pie"}]
})))]
#[serde(rename_all = "camelCase")]
pub struct Recipe {
    /// The recipe's title, e.g. `Apple Pie`.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub recipe_name: Arc<str>,
    /// Stable id; a make names its original by this id. Missing in many
    /// hand-written and web recipes, so optional.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recipe_id: Option<i64>,
    /// The cook's rating from 0 to 5, when they gave one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 5))]
    pub rating: Option<f64>,
    /// Ingredients in the order the recipe lists them.
    #[serde(default)]
    pub ingredients: Vec<Ingredient>,
    /// Steps in the order they are cooked.
    #[serde(default)]
    pub steps: Vec<Step>,
}

/// One ingredient line: an amount of something.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Ingredient {
    /// Id within the recipe; used first when matching, but optional because
    /// web recipes have none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ingredient_id: Option<i64>,
    /// How much, when the recipe says (`salt, to taste` has no quantity).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quantity: Option<Quantity>,
    /// The unit exactly as written (`TBS`, `cups`, `g`, `unit`); kept
    /// verbatim so a make renders the way its cook wrote it, and read as a
    /// unit only when amounts are compared.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub measurement: Option<Arc<str>>,
    /// What it is, as written (`pieCrust`, `Granny Smith apples`). For a
    /// line read from the web, the food alone: its size and preparation
    /// are kept beside it. For an [`unparsed`](Self::unparsed) line, the
    /// whole line as written.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub ingredient_name: Arc<str>,
    /// How big each one is, when a line read from the web says so
    /// (`large`, `14 oz`, `2 x 400 g`). Kept apart from the name so that
    /// `2 large onions` and `2 onions` are one ingredient, and compared
    /// with the name, so that a diff still sees `large` become `small`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub size: Option<Arc<str>>,
    /// How it is prepared, when a line read from the web says so (`finely
    /// chopped`, `peeled and diced`); compared with the note.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub preparation: Option<Arc<str>>,
    /// Any other remark after the name (`sifted`, `at room temperature`,
    /// `to taste`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub note: Option<Arc<str>>,
    /// The line could not be understood: [`ingredient_name`](Self::ingredient_name)
    /// holds it exactly as written, with no quantity or measurement, and a
    /// diff compares it as text. Reading a recipe reports each such line
    /// as a [`Warning`](crate::parse::Warning), so one odd line never makes
    /// a whole recipe unreadable.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub unparsed: bool,
}

impl Ingredient {
    /// The measurement understood as a unit; no measurement means a count.
    pub fn unit(&self) -> Unit {
        self.measurement
            .as_deref()
            .map_or(Unit::count(), Unit::parse)
    }

    /// The name with its size, as a cook says it: `large eggs`.
    ///
    /// ```
    /// let eggs = recipe_diff::parse::parse_ingredient_line("2 large eggs, beaten")?;
    /// assert_eq!(&*eggs.ingredient_name, "eggs");
    /// assert_eq!(eggs.full_name(), "large eggs");
    /// # Ok::<(), recipe_diff::Error>(())
    /// ```
    pub fn full_name(&self) -> String {
        match &self.size {
            Some(size) => format!("{size} {}", self.ingredient_name),
            None => self.ingredient_name.to_string(),
        }
    }

    /// The preparation and the note together, as a cook writes them after
    /// the name (`finely chopped; to serve`), when there is either.
    pub fn remarks(&self) -> Option<String> {
        match (&self.preparation, &self.note) {
            (Some(preparation), Some(note)) => Some(format!("{preparation}; {note}")),
            (Some(text), None) | (None, Some(text)) => Some(text.to_string()),
            (None, None) => None,
        }
    }

    /// An ingredient line kept exactly as written because it could not be
    /// understood (see [`unparsed`](Self::unparsed)).
    pub fn as_written(line: &str) -> Ingredient {
        Ingredient {
            ingredient_name: line.into(),
            unparsed: true,
            ..Ingredient::default()
        }
    }
}

/// One step of the method.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Step {
    /// Position label as written; steps are aligned by text, so a renumbered
    /// id alone is not a difference.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step_id: Option<i64>,
    /// What to do.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub step_text: Arc<str>,
}

/// A recipe as actually cooked on one occasion.
///
/// Its `recipe.recipe_id` names the original it was cooked from.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Make {
    /// The recipe as cooked.
    pub recipe: Recipe,
    /// Id of this make, when the cook's tool assigned one.
    pub make_id: Option<i64>,
    /// The version of the recipe it was cooked from (`recipeVersion`), when
    /// the cook's tool keeps recipe versions.
    pub recipe_version: Option<i64>,
    /// When it was cooked (RFC 3339), as written.
    pub made_at: Option<String>,
    /// Free-form remarks ("oven runs hot").
    pub notes: Option<String>,
}
