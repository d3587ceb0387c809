//! Reading recipes and makes from JSON.
//!
//! Two formats are understood, and told apart automatically:
//!
//! - the **native** format: camelCase `recipeName`, `ingredients`, `steps`
//!   (see [`crate::model`]), read tolerantly: quantities as numbers or text
//!   (`"1 1/2"`, `"½"`, `"2-3"`), ids as numbers or numeric text, missing ids;
//! - **schema.org `Recipe` JSON-LD**, as web pages embed it: ingredient lines
//!   such as `"1 1/2 cups flour, sifted"`, instructions as text, `HowToStep`
//!   or `HowToSection`, `aggregateRating`, whole `@graph` documents.
//!
//! Every failure is an [`Error`] naming the JSON path or the line and column.

mod ingredient_line;
mod jsonld;
mod native;

pub use ingredient_line::parse_ingredient_line;

use crate::error::{Error, Result};
use crate::model::{Make, Recipe};

/// Reads a recipe in either format.
///
/// ```
/// let recipe = recipe_diff::parse_recipe(r#"{
///     "recipeName": "Toast", "recipeId": 3,
///     "ingredients": [{"ingredientId": 1, "quantity": "1 1/2", "measurement": "slice", "ingredientName": "bread"}],
///     "steps": [{"stepId": 1, "stepText": "Toast the bread"}]
/// }"#)?;
/// assert_eq!(recipe.ingredients[0].quantity.map(|q| q.low()), Some(1.5));
/// # Ok::<(), recipe_diff::Error>(())
/// ```
pub fn parse_recipe(json: &str) -> Result<Recipe> {
    parse_make(json).map(|make| make.recipe)
}

/// Reads a make: a recipe document plus optional `makeId`, `madeAt` and
/// `notes`. Its `recipeId` names the original.
pub fn parse_make(json: &str) -> Result<Make> {
    match native::parse(json) {
        Ok(make) => Ok(make),
        Err(native_error) => match jsonld::parse_if_jsonld(json) {
            Some(result) => result,
            None => Err(native_error),
        },
    }
}

/// Converts a serde_json error into ours, keeping line and column.
fn json_error(error: &serde_json::Error) -> Error {
    let message = error.to_string();
    // serde_json appends " at line L column C"; we report those separately.
    let message = match message.rfind(" at line ") {
        Some(cut) => message[..cut].to_owned(),
        None => message,
    };
    Error::Json {
        line: error.line(),
        column: error.column(),
        message,
    }
}
