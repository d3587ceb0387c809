//! # recipe-diff
//!
//! Structured differences between a recipe and the way it was actually
//! cooked.
//!
//! A cook keeps recipes as JSON and records each time they cook one: a
//! *make*, the recipe as actually cooked. This crate tells what changed, the
//! way a cook would say it, not the way a JSON diff would:
//!
//! - ingredients are matched by id, then by name (`pieCrust` is `pie crust`,
//!   `apples` is `apple`), then by similarity; an ingredient swapped for
//!   another in the same place is a **substitution**;
//! - amounts are compared after unit conversion: `0.5 TBS` and `1.5 tsp` are
//!   the same amount, so no difference;
//! - a doubled recipe is one **scaling** (×2), not one change per ingredient;
//! - steps are aligned by text, not position: a skipped step is one removal,
//!   and the renumbering after it is not a difference;
//! - every diff can be applied back, inverted, and rendered as text, JSON,
//!   RFC 6902 JSON Patch, or the original project's flat list;
//! - two variants of one recipe merge three-way on the same terms: a
//!   respelled name or a converted unit never conflicts with a real
//!   change, a scaling composes with the other side's changes, and steps
//!   merge by alignment, not position.
//!
//! ## Modules
//!
//! - [`model`]: [`Recipe`], [`Ingredient`], [`Step`], [`Make`];
//! - [`parse`]: tolerant reading of the native format and schema.org JSON-LD
//!   (and, with features, saved web pages and Cooklang files), with a
//!   [`Warning`] for each line kept as written rather than refused;
//! - [`quantity`] and [`units`]: amounts, fractions, ranges and unit aliases;
//! - [`changes`]: the [`RecipeDiff`] a diff produces;
//! - [`diff()`] and [`apply()`]: computing and applying diffs;
//! - [`apply_some()`]: applying only some of a diff's changes, each a
//!   [`ChangePart`] that the flat list's `changeId` names;
//! - [`merge`](mod@merge): [`merge()`] of two variants of a recipe, its
//!   [`Merge`] and [`Conflict`]s;
//! - [`render`]: text, JSON, JSON Patch and flat renderings.
//!
//! The crate does no I/O and has no async: it is the pure core that the
//! pipeline services and the `recipe` command line build on.
//!
//! ## Features
//!
//! - `openapi` (off by default): the types a JSON API reads or writes
//!   (the model, [`RecipeDiff`] and its parts, [`Quantity`](quantity::Quantity),
//!   the flat list's [`SeedDifference`](render::SeedDifference), [`Merge`]
//!   and [`Conflict`]) implement
//!   [utoipa](https://docs.rs/utoipa)'s `ToSchema`, so a server's OpenAPI
//!   document describes them from this one source rather than from copies.
//!   Their doc comments become the schemas' descriptions. The flat list's
//!   types keep the original project's names (`DifferenceObject`,
//!   `RecipeField`, `FlatIngredientField`, `FlatChange`, `FlatValues`), and
//!   the generic [`Change`](changes::Change) and [`Paired`](changes::Paired)
//!   appear as `TextChange`, `RatingChange`, `IdChange`, `PairedIngredient`
//!   and `PairedStep`.
//! - `html` (off by default): saved web pages, read with
//!   `parse::parse_recipe_html`: the schema.org Recipe of the page's JSON-LD,
//!   else of its microdata. Adds one dependency,
//!   [html5gum](https://docs.rs/html5gum), an HTML tokenizer with none of
//!   its own.
//! - `cooklang` (off by default): [Cooklang](https://cooklang.org) files,
//!   read with `parse::parse_recipe_cooklang` through the
//!   [cooklang](https://docs.rs/cooklang) crate, their amounts in this
//!   crate's units so they compare with every other format's.
//!
//! ## Example
//!
//! ```
//! use recipe_diff::{apply, diff, parse_recipe};
//!
//! let original = parse_recipe(r#"{
//!   "recipeName": "Apple Pie", "recipeId": 1, "rating": 5,
//!   "ingredients": [
//!     {"ingredientId": 1, "quantity": 1, "measurement": "unit", "ingredientName": "pieCrust"},
//!     {"ingredientId": 2, "quantity": 5, "measurement": "unit", "ingredientName": "apples"},
//!     {"ingredientId": 3, "quantity": 0.5, "measurement": "TBS", "ingredientName": "cinnamon"}],
//!   "steps": [
//!     {"stepId": 1, "stepText": "Gather ingredients"},
//!     {"stepId": 2, "stepText": "Pre heat oven to 350 degrees"},
//!     {"stepId": 3, "stepText": "Make the pie"}]
//! }"#)?;
//! let make = parse_recipe(r#"{
//!   "recipeName": "Apple Pie", "recipeId": 1, "rating": 4,
//!   "ingredients": [
//!     {"ingredientId": 1, "quantity": 1, "measurement": "unit", "ingredientName": "pie crust"},
//!     {"ingredientId": 2, "quantity": 5, "measurement": "unit", "ingredientName": "apples"},
//!     {"ingredientId": 3, "quantity": 1.5, "measurement": "tsp", "ingredientName": "cinnamon"}],
//!   "steps": [
//!     {"stepId": 1, "stepText": "Gather ingredients"},
//!     {"stepId": 2, "stepText": "Make the pie"}]
//! }"#)?;
//!
//! let changes = diff(&original, &make);
//! // Only the skipped step and the rating: the crust is only respelled and
//! // 1.5 tsp is 0.5 TBS.
//! assert_eq!(changes.change_count(), 2);
//! // The diff still rebuilds the make exactly.
//! assert_eq!(apply(&original, &changes)?, make);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![forbid(unsafe_code)]

// The README's example runs as a doc test, so it cannot go stale.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

mod apply;
pub mod changes;
mod diff;
mod error;
pub mod merge;
pub mod model;
#[cfg(feature = "openapi")]
mod openapi;
pub mod parse;
pub mod quantity;
pub mod render;
mod select;
pub mod units;

pub use apply::apply;
pub use changes::RecipeDiff;
pub use diff::{diff, diff_make};
pub use error::{Error, Result};
pub use merge::{Conflict, ConflictPlace, Merge, merge};
pub use model::{Ingredient, Make, Recipe, Step};
pub use parse::{
    Parsed, Warning, parse_make, parse_make_with_warnings, parse_recipe, parse_recipe_with_warnings,
};
pub use select::{ChangePart, apply_some};
