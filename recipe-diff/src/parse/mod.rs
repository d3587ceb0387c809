//! Reading recipes and makes: JSON here, and with the crate's features
//! saved web pages (`parse_recipe_html`, feature `html`) and Cooklang
//! files (`parse_recipe_cooklang`, feature `cooklang`), which end in the
//! same model and the same [`Warning`]s.
//!
//! Two JSON formats are understood, and told apart automatically:
//!
//! - the **native** format: camelCase `recipeName`, `ingredients`, `steps`
//!   (see [`crate::model`]), read tolerantly: quantities as numbers or text
//!   (`"1 1/2"`, `"½"`, `"2-3"`), ids as numbers or numeric text, missing ids;
//! - **schema.org `Recipe` JSON-LD**, as web pages embed it: ingredient lines
//!   such as `"1 1/2 cups flour, sifted"`, instructions as text, `HowToStep`
//!   or `HowToSection`, `aggregateRating`, whole `@graph` documents.
//!
//! Only a document that is not a recipe is an [`Error`], naming the JSON
//! path or the line and column. Inside a recipe, what cannot be understood
//! is read around: an ingredient line is kept as written and flagged
//! [`unparsed`](crate::Ingredient::unparsed), an unreadable rating is left
//! out. [`parse_recipe_with_warnings`] and [`parse_make_with_warnings`]
//! return a [`Warning`] for each, for a tool to show its user:
//!
//! ```
//! use recipe_diff::parse::parse_recipe_with_warnings;
//!
//! let parsed = parse_recipe_with_warnings(r#"{
//!     "@type": "Recipe", "name": "Pancakes",
//!     "recipeIngredient": ["1 1/2 cups flour", "1/0 cup sugar"],
//!     "aggregateRating": {"ratingValue": "great"}
//! }"#)?;
//! let recipe = &parsed.value;
//! assert_eq!(&*recipe.ingredients[1].ingredient_name, "1/0 cup sugar");
//! assert!(recipe.ingredients[1].unparsed);
//! assert_eq!(recipe.rating, None);
//! assert_eq!(parsed.warnings.len(), 2);
//! assert_eq!(
//!     parsed.warnings[0].to_string(),
//!     "recipeIngredient[1]: kept as written: cannot read quantity \"1/0\": \
//!      a fraction cannot have a zero denominator (\"1/0 cup sugar\")"
//! );
//! # Ok::<(), recipe_diff::Error>(())
//! ```

#[cfg(feature = "cooklang")]
mod cooklang_file;
#[cfg(feature = "html")]
mod html;
mod ingredient_line;
mod jsonld;
mod native;

#[cfg(feature = "cooklang")]
pub use cooklang_file::{parse_make_cooklang, parse_recipe_cooklang};
#[cfg(feature = "html")]
pub use html::{looks_like_html, parse_make_html, parse_recipe_html};
pub use ingredient_line::parse_ingredient_line;

use std::fmt;

use crate::error::{Error, Result};
use crate::model::{Make, Recipe};

/// Something in a recipe that could not be understood and was read
/// around: kept as written, or left out. A command line prints these on
/// stderr; a server may answer them beside the recipe.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Warning {
    /// Where the value is: its JSON path, such as `recipeIngredient[3]` or
    /// `@graph[1].aggregateRating.ratingValue`; in a saved page, prefixed
    /// with the place (`JSON-LD at line 12: recipeIngredient[3]`,
    /// `microdata at line 40: recipeIngredient[2]`); in a Cooklang file,
    /// its line (`line 7`) or metadata key (`metadata rating`).
    pub path: String,
    /// The value as written (JSON text when it is not a string).
    pub input: String,
    /// What was not understood, and what we did instead (`kept as
    /// written: …`, `rating left out: …`, `skipped: …`).
    pub message: String,
}

impl fmt::Display for Warning {
    /// `path: message ("input")`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} ({:?})", self.path, self.message, self.input)
    }
}

/// A document read, and the [`Warning`]s about what was read around.
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct Parsed<T> {
    /// What was read: a [`Recipe`] or a [`Make`].
    pub value: T,
    /// One for each line kept as written or value left out: ingredients,
    /// then steps, then the rating; empty for a clean document.
    pub warnings: Vec<Warning>,
}

impl<T> Parsed<T> {
    /// `value` with no warnings.
    pub fn clean(value: T) -> Self {
        Parsed {
            value,
            warnings: Vec::new(),
        }
    }

    /// The value with `f` applied, the same warnings.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Parsed<U> {
        Parsed {
            value: f(self.value),
            warnings: self.warnings,
        }
    }
}

/// What an error says, without the path a [`Warning`] gives apart.
pub(crate) fn reason(error: &Error) -> String {
    match error {
        Error::Invalid { message, .. } => message.clone(),
        Error::Quantity { input, reason, .. } => {
            format!("cannot read quantity {input:?}: {reason}")
        }
        other => other.to_string(),
    }
}

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
///
/// Lines and values that cannot be understood are read around (see the
/// [module documentation](self)); [`parse_recipe_with_warnings`] says which.
pub fn parse_recipe(json: &str) -> Result<Recipe> {
    parse_make(json).map(|make| make.recipe)
}

/// Reads a make: a recipe document plus optional `makeId`, `madeAt` and
/// `notes`. Its `recipeId` names the original.
pub fn parse_make(json: &str) -> Result<Make> {
    parse_make_with_warnings(json).map(|parsed| parsed.value)
}

/// [`parse_recipe`], with a [`Warning`] for each line kept as written and
/// each value left out.
///
/// # Errors
///
/// Only for a document that is not a recipe: malformed JSON, a native
/// document with a field of the wrong type, a JSON-LD document without a
/// Recipe ([`Error::NoRecipe`]) or a Recipe without a name.
pub fn parse_recipe_with_warnings(json: &str) -> Result<Parsed<Recipe>> {
    parse_make_with_warnings(json).map(|parsed| parsed.map(|make| make.recipe))
}

/// [`parse_make`], with a [`Warning`] for each line kept as written and
/// each value left out.
///
/// # Errors
///
/// As [`parse_recipe_with_warnings`].
pub fn parse_make_with_warnings(json: &str) -> Result<Parsed<Make>> {
    match native::parse(json) {
        Ok(make) => Ok(Parsed::clean(make)),
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
