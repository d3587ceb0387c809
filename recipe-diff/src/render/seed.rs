//! The original project's flat list of differences: [`seed`].
//!
//! The original project stored and served each make's differences as a flat
//! array of `differenceObject`s. We keep its fields and enums, so a client
//! generated from its OpenAPI document still reads ours, and add what makes
//! each item exact and machine-readable on its own: what kind of change it
//! is ([`SeedChange`]), the step ids on both sides, a scaling's numeric
//! factor, and a number to name the change by ([`SeedDifference::change_id`]).

use serde::{Deserialize, Serialize};

use super::{factor, ingredient_line};
use crate::changes::{IngredientChange, IngredientField, RecipeDiff, StepChange};
use crate::model::{Ingredient, Step};
use crate::select::ChangePart;

/// One change in the original project's flat schema, as `--format seed`
/// prints it and the pipeline stores it.
///
/// Read on its own, an item says what changed (`change`), where
/// (`recipeField`, with `ingredientId` and `ingredientField`, or `stepId` and
/// `makeStepId`) and the plain values on both sides (`difference`). Fields
/// are camelCase in JSON; an optional field that does not apply is left out,
/// and reading accepts it missing.
///
/// The type is `#[non_exhaustive]`: we may add fields, as this version did;
/// build lists with [`seed`] and read stored ones with serde.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
// The original project's name for it; the description is the JSON's side
// of the one above, which speaks of Rust.
#[cfg_attr(feature = "openapi", schema(as = DifferenceObject, description = "\
One difference in the original project's flat list (its `differenceObject`).

Read on its own, an item says what changed (`change`), where (`recipeField`, \
with `ingredientId` and `ingredientField`, or `stepId` and `makeStepId`) and \
the plain values on both sides (`difference`). An optional field that does \
not apply is left out.

`recipeField`, `recipeId`, `makeId`, `ingredientId`, `ingredientField`, \
`stepId` and `difference` are the original's; `changeId`, `change`, \
`makeStepId` and `factor` are ours, as are the `recipeField` value `name` and \
the `ingredientField` values `note`, `added`, `removed` and `substituted`."))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct SeedDifference {
    /// The item's number in its list, from 1, in the list's order (name,
    /// rating, scaling, ingredients, steps).
    ///
    /// It exists so a client can name the changes it wants, for instance
    /// the ones to promote into a new version of the recipe. The pipeline
    /// stores the list with a make's differences and never renumbers it: a
    /// stored make's differences never change, so an id keeps naming the
    /// same change for as long as the make exists. It is unique within one
    /// list only.
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub change_id: u32,
    /// What kind of change this is, so a client need not infer it from the
    /// texts (a moved step's texts are equal, a scaling's are not amounts).
    pub change: SeedChange,
    /// Which part of the recipe changed: the original schema's required
    /// field, within its enum except for `name`.
    pub recipe_field: SeedRecipeField,
    /// The original recipe's id; omitted for recipes without one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recipe_id: Option<i64>,
    /// The make's id; omitted when the diff was not computed for a make.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub make_id: Option<i64>,
    /// The ingredient's id, for ingredient changes: the original's, or the
    /// make's when the original's line has none (and for an added
    /// ingredient). Omitted for a scaling, which concerns them all, and for
    /// ingredients without ids.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ingredient_id: Option<i64>,
    /// Which field of the ingredient changed, or what happened to it whole,
    /// for ingredient changes (a scaling says `quantity`, so the original
    /// enum still validates it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ingredient_field: Option<SeedIngredientField>,
    /// The step's `stepId` in the original recipe, for step changes. Omitted
    /// for an added step (the original has no such step) and for steps
    /// written without ids.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step_id: Option<i64>,
    /// The step's `stepId` in the make, for step changes: steps are often
    /// renumbered when one is skipped or moved, so the make's id can differ
    /// from `stepId`. Omitted for a removed step and for steps written
    /// without ids.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub make_step_id: Option<i64>,
    /// A scaling's factor, make amount over original amount (2 for a
    /// doubled recipe, 0.5 for a halved one), as a number a program can
    /// use; `difference.make` has the same factor as a cook writes it.
    /// Omitted on every other item.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub factor: Option<f64>,
    /// The plain values on both sides; the side that has nothing is `""`.
    pub difference: SeedValues,
}

/// What kind of change a flat difference is: `added` or `removed` for an
/// ingredient or a step only one side has, `edited` for a step reworded in
/// its place, `moved` for a step done at another point, `substituted` for
/// another ingredient in the original's place, `scaled` for every amount
/// multiplied by one factor, `changed` for a value changed in place (an
/// ingredient's amount, unit, name or note, the rating, or the name).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = FlatChange))]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum SeedChange {
    /// An ingredient or a step only the make has; `difference.recipe` is
    /// empty.
    Added,
    /// An ingredient or a step the make leaves out; `difference.make` is
    /// empty.
    Removed,
    /// A step reworded in its place: both texts, which differ.
    Edited,
    /// A step done at another point: both texts, equal unless the cook also
    /// reworded it (see [`seed`]).
    Moved,
    /// Another ingredient in the place of the original's: both whole lines.
    Substituted,
    /// Every amount multiplied by one factor: the one item without an
    /// `ingredientId`, with [`SeedDifference::factor`].
    Scaled,
    /// A value changed in place: an ingredient's amount, unit, name or note
    /// (one item per field, as the original schema has them), the rating,
    /// or the recipe's name.
    Changed,
}

/// The part of a recipe a flat difference is about.
///
/// `rating`, `ingredient` and `instruction` are the original schema's enum,
/// which a client generated from its OpenAPI document checks on every item;
/// `name` is our one extension, used only for a renamed recipe, which the
/// original could not report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = RecipeField))]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum SeedRecipeField {
    /// The rating.
    Rating,
    /// An ingredient, or all of them for a scaling.
    Ingredient,
    /// A step of the method.
    Instruction,
    /// The recipe's name: an extension of the original enum.
    Name,
}

/// What differs about an ingredient in a flat difference: the original
/// schema's `ingredientField`, with its `quantity`, `measurement` and
/// `ingredientName`, and our `note`, `added`, `removed` and `substituted`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = FlatIngredientField))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum SeedIngredientField {
    /// Its quantity (or, without an ingredient id, every quantity: a scaling).
    Quantity,
    /// Its unit.
    Measurement,
    /// Its name.
    IngredientName,
    /// Its preparation note. Not in the original schema, which had no notes;
    /// we report it rather than lose the difference.
    Note,
    /// The make uses it and the original does not.
    Added,
    /// The make leaves it out.
    Removed,
    /// The make uses another ingredient in its place.
    Substituted,
}

/// The two sides of a flat difference as plain values, with no prose
/// around them; the side that has nothing is an empty string.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = FlatValues))]
pub struct SeedValues {
    /// The original recipe's side: a name, a rating, a scaling's `1`, a
    /// whole ingredient line or one field of it as written, a step's text.
    pub recipe: String,
    /// The make's side.
    pub make: String,
}

impl SeedValues {
    fn new(recipe: impl Into<String>, make: impl Into<String>) -> Self {
        SeedValues {
            recipe: recipe.into(),
            make: make.into(),
        }
    }
}

/// The differences as the original project's flat list: one item per change
/// the cook made, in reading order (name, rating, scaling, ingredients,
/// steps, each list in the diff's order), numbered from 1 by
/// [`changeId`](SeedDifference::change_id).
///
/// `difference` holds plain values only, never prose:
///
/// | the cook… | `recipeField` | `change` | `difference` |
/// | --- | --- | --- | --- |
/// | renamed the recipe | `name` | `changed` | both names |
/// | rated it otherwise | `rating` | `changed` | both ratings, `"5"` → `"4.5"`; `""` for none |
/// | scaled it | `ingredient` | `scaled` | `"1"` → the factor as a cook writes it (`"2"`, `"½"`, `"1⅓"`) |
/// | added, left out or swapped an ingredient | `ingredient` | `added`, `removed`, `substituted` | whole lines, `"1 tsp vanilla"` |
/// | changed an ingredient's amount, unit, name or note | `ingredient` | `changed` | that field's values, `"0.5"` → `"1"`, `"TBS"` → `"tsp"` |
/// | added or skipped a step | `instruction` | `added`, `removed` | its text |
/// | reworded a step in its place | `instruction` | `edited` | both texts |
/// | did a step at another point | `instruction` | `moved` | both texts |
///
/// - A scaling has no `ingredientId`, `ingredientField: "quantity"` (so the
///   original enum validates it) and the numeric
///   [`factor`](SeedDifference::factor).
/// - Ingredient items carry `ingredientField` as the original schema has
///   it: the changed field for a `changed` item (one item per field, the
///   original's granularity), and `added`, `removed` or `substituted` for a
///   whole ingredient.
/// - Step items carry [`stepId`](SeedDifference::step_id) (the step's id in
///   the recipe) and [`makeStepId`](SeedDifference::make_step_id) (its id in
///   the make), each where that side has the step and the step has an id.
/// - A step both moved and reworded is one `moved` item whose two texts
///   differ, not a `moved` and an `edited` item. The cook changed one step,
///   the structured diff holds it as one change (it counts once in
///   [`RecipeDiff::change_count`]), and the step as the make has it, in its
///   new place and words, is what taking that change means; two items would
///   count it twice and let a client pick half a change. A client tells a
///   reworded move by its texts: `difference.recipe != difference.make`.
///
/// # Example
///
/// The Apple Pie of `examples/data/`: the make skips preheating the oven,
/// respells the crust and writes the cinnamon in teaspoons (the same
/// amount), and rates the pie lower. Only the rating and the skipped step
/// are changes.
///
/// ```
/// use recipe_diff::render::{SeedChange, SeedRecipeField, seed};
/// use recipe_diff::{diff_make, parse_make, parse_recipe};
///
/// let original = parse_recipe(r#"{
///   "recipeName": "Apple Pie", "recipeId": 1, "rating": 5,
///   "ingredients": [
///     {"ingredientId": 1, "quantity": 1, "measurement": "unit", "ingredientName": "pieCrust"},
///     {"ingredientId": 2, "quantity": 5, "measurement": "unit", "ingredientName": "apples"},
///     {"ingredientId": 3, "quantity": 0.5, "measurement": "TBS", "ingredientName": "cinnamon"}],
///   "steps": [
///     {"stepId": 1, "stepText": "Gather ingredients"},
///     {"stepId": 2, "stepText": "Pre heat oven to 350 degrees"},
///     {"stepId": 3, "stepText": "Make the pie"}]
/// }"#)?;
/// let make = parse_make(r#"{
///   "recipeName": "Apple Pie", "recipeId": 1, "makeId": 1, "rating": 4,
///   "ingredients": [
///     {"ingredientId": 1, "quantity": 1, "measurement": "unit", "ingredientName": "pie crust"},
///     {"ingredientId": 2, "quantity": 5, "measurement": "unit", "ingredientName": "apples"},
///     {"ingredientId": 3, "quantity": 1.5, "measurement": "tsp", "ingredientName": "cinnamon"}],
///   "steps": [
///     {"stepId": 1, "stepText": "Gather ingredients"},
///     {"stepId": 2, "stepText": "Make the pie"}]
/// }"#)?;
///
/// let flat = seed(&diff_make(&original, &make));
/// assert_eq!(flat.len(), 2);
/// assert_eq!((flat[0].recipe_field, flat[0].change), (SeedRecipeField::Rating, SeedChange::Changed));
/// assert_eq!((flat[1].change, flat[1].step_id), (SeedChange::Removed, Some(2)));
/// assert_eq!(
///     serde_json::to_value(&flat)?,
///     serde_json::json!([
///         {"changeId": 1, "change": "changed", "recipeField": "rating",
///          "recipeId": 1, "makeId": 1,
///          "difference": {"recipe": "5", "make": "4"}},
///         {"changeId": 2, "change": "removed", "recipeField": "instruction",
///          "recipeId": 1, "makeId": 1, "stepId": 2,
///          "difference": {"recipe": "Pre heat oven to 350 degrees", "make": ""}},
///     ]),
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn seed(diff: &RecipeDiff) -> Vec<SeedDifference> {
    let entry = |change, recipe_field, difference| SeedDifference {
        // Numbered below, once the list is in its order.
        change_id: 0,
        change,
        recipe_field,
        recipe_id: diff.recipe_id,
        make_id: diff.make_id,
        ingredient_id: None,
        ingredient_field: None,
        step_id: None,
        make_step_id: None,
        factor: None,
        difference,
    };
    let ingredient_entry = |change, id, field, difference| SeedDifference {
        ingredient_id: id,
        ingredient_field: Some(field),
        ..entry(change, SeedRecipeField::Ingredient, difference)
    };
    let step_entry = |change, original: Option<&Step>, make: Option<&Step>| SeedDifference {
        step_id: original.and_then(|step| step.step_id),
        make_step_id: make.and_then(|step| step.step_id),
        ..entry(
            change,
            SeedRecipeField::Instruction,
            SeedValues::new(text(original), text(make)),
        )
    };

    // One item per part, in the parts' order: a `changeId` is a position
    // in `RecipeDiff::parts`, which `apply_some` takes.
    let mut list = Vec::new();
    for part in diff.parts() {
        let item = match part {
            ChangePart::Name => diff.name.as_ref().map(|name| {
                let values = SeedValues::new(name.original.as_str(), name.make.as_str());
                entry(SeedChange::Changed, SeedRecipeField::Name, values)
            }),
            ChangePart::Rating => diff.rating.as_ref().map(|rating| {
                let show = |r: Option<f64>| r.map(|r| r.to_string()).unwrap_or_default();
                let values = SeedValues::new(show(rating.original), show(rating.make));
                entry(SeedChange::Changed, SeedRecipeField::Rating, values)
            }),
            ChangePart::Scaling => diff.scaling.map(|scaling| SeedDifference {
                factor: Some(scaling.factor),
                ..ingredient_entry(
                    SeedChange::Scaled,
                    None,
                    SeedIngredientField::Quantity,
                    SeedValues::new("1", factor(scaling.factor)),
                )
            }),
            ChangePart::Ingredient { index, field } => {
                diff.ingredients
                    .get(index)
                    .map(|change| match (change, field) {
                        (IngredientChange::Added { ingredient, .. }, _) => ingredient_entry(
                            SeedChange::Added,
                            ingredient.ingredient_id,
                            SeedIngredientField::Added,
                            SeedValues::new("", ingredient_line(ingredient)),
                        ),
                        (IngredientChange::Removed { ingredient, .. }, _) => ingredient_entry(
                            SeedChange::Removed,
                            ingredient.ingredient_id,
                            SeedIngredientField::Removed,
                            SeedValues::new(ingredient_line(ingredient), ""),
                        ),
                        (IngredientChange::Substituted(pair), _) => ingredient_entry(
                            SeedChange::Substituted,
                            ingredient_id(&pair.original, &pair.make),
                            SeedIngredientField::Substituted,
                            SeedValues::new(
                                ingredient_line(&pair.original),
                                ingredient_line(&pair.make),
                            ),
                        ),
                        // One item per changed field, as the original
                        // schema has them.
                        (IngredientChange::Modified(modified), field) => {
                            let (before, after) = (&modified.original, &modified.make);
                            let field = field.unwrap_or(IngredientField::Quantity);
                            let (field, values) = modified_field(field, before, after);
                            ingredient_entry(
                                SeedChange::Changed,
                                ingredient_id(before, after),
                                field,
                                values,
                            )
                        }
                    })
            }
            ChangePart::Step { index } => diff.steps.get(index).map(|change| match change {
                StepChange::Added { step, .. } => step_entry(SeedChange::Added, None, Some(step)),
                StepChange::Removed { step, .. } => {
                    step_entry(SeedChange::Removed, Some(step), None)
                }
                // Moved and reworded is one change of one step: see above.
                StepChange::Edited(edit) => step_entry(
                    if edit.moved {
                        SeedChange::Moved
                    } else {
                        SeedChange::Edited
                    },
                    Some(&edit.original),
                    Some(&edit.make),
                ),
                StepChange::Moved(pair) => {
                    step_entry(SeedChange::Moved, Some(&pair.original), Some(&pair.make))
                }
            }),
        };
        // `parts` names only what the diff has, so every part is an item.
        list.extend(item);
    }
    // A u32 numbers any list: 2^32 items would not fit in memory.
    for (position, item) in (1..).zip(&mut list) {
        item.change_id = position;
    }
    list
}

/// A step's text, or the empty string for the side without the step.
fn text(step: Option<&Step>) -> &str {
    step.map_or("", |step| step.step_text.as_ref())
}

/// The original's id, which the flat schema's readers look up; the make's
/// when the original had none.
fn ingredient_id(before: &Ingredient, after: &Ingredient) -> Option<i64> {
    before.ingredient_id.or(after.ingredient_id)
}

/// The changed field's kind and its values on both sides, as written.
fn modified_field(
    field: IngredientField,
    before: &Ingredient,
    after: &Ingredient,
) -> (SeedIngredientField, SeedValues) {
    let text = |value: Option<String>| value.unwrap_or_default();
    match field {
        IngredientField::Quantity => (
            SeedIngredientField::Quantity,
            SeedValues::new(
                text(before.quantity.map(|q| q.decimal())),
                text(after.quantity.map(|q| q.decimal())),
            ),
        ),
        IngredientField::Measurement => (
            SeedIngredientField::Measurement,
            SeedValues::new(
                text(before.measurement.as_deref().map(str::to_owned)),
                text(after.measurement.as_deref().map(str::to_owned)),
            ),
        ),
        IngredientField::IngredientName => (
            SeedIngredientField::IngredientName,
            SeedValues::new(before.full_name().as_str(), after.full_name().as_str()),
        ),
        IngredientField::Note => (
            SeedIngredientField::Note,
            SeedValues::new(text(before.remarks()), text(after.remarks())),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::changes::{Change, EditedStep, ModifiedIngredient, Paired, Scaling};
    use crate::quantity::Quantity;
    use crate::render::tests::snapshots::{
        APPLE_PIE, APPLE_PIE_DOUBLED, APPLE_PIE_MADE, APPLE_PIE_MOVED,
    };
    use crate::{diff_make, parse_make, parse_recipe};

    fn cinnamon(quantity: f64, measurement: &str) -> Ingredient {
        Ingredient {
            ingredient_id: Some(3),
            quantity: Some(Quantity::new(quantity)),
            measurement: Some(measurement.into()),
            ingredient_name: "cinnamon".into(),
            note: None,
            ..Ingredient::default()
        }
    }

    fn step(id: i64, text: &str) -> Step {
        Step {
            step_id: Some(id),
            step_text: text.into(),
        }
    }

    /// The flat list of the Apple Pie and one of its makes.
    fn apple_pie_and(make: &str) -> Vec<SeedDifference> {
        let original = parse_recipe(APPLE_PIE).expect("the fixture is a recipe");
        let make = parse_make(make).expect("the fixture is a make");
        seed(&diff_make(&original, &make))
    }

    #[test]
    fn the_apple_pie_make_is_the_rating_and_the_skipped_step() {
        let flat = apple_pie_and(APPLE_PIE_MADE);
        assert_eq!(flat.len(), 2, "{flat:#?}");

        let rating = &flat[0];
        assert_eq!(rating.change_id, 1);
        assert_eq!(rating.change, SeedChange::Changed);
        assert_eq!(rating.recipe_field, SeedRecipeField::Rating);
        assert_eq!(rating.difference, SeedValues::new("5", "4"));

        let step = &flat[1];
        assert_eq!(step.change_id, 2);
        assert_eq!(step.change, SeedChange::Removed);
        assert_eq!(step.recipe_field, SeedRecipeField::Instruction);
        assert_eq!((step.step_id, step.make_step_id), (Some(2), None));
        assert_eq!(
            step.difference,
            SeedValues::new("Pre heat oven to 350 degrees", "")
        );
        assert!(flat.iter().all(|d| d.factor.is_none()));
    }

    #[test]
    fn a_moved_step_is_one_moved_item_with_both_ids_and_its_plain_text() {
        let flat = apple_pie_and(APPLE_PIE_MOVED);
        assert_eq!(flat.len(), 1, "{flat:#?}");
        let moved = &flat[0];
        assert_eq!(moved.change_id, 1);
        assert_eq!(moved.change, SeedChange::Moved);
        assert_eq!(moved.recipe_field, SeedRecipeField::Instruction);
        // The preheat step, second in the recipe, done first in the make,
        // which renumbered its steps.
        assert_eq!((moved.step_id, moved.make_step_id), (Some(2), Some(1)));
        assert_eq!(
            moved.difference,
            SeedValues::new(
                "Pre heat oven to 350 degrees",
                "Pre heat oven to 350 degrees"
            )
        );
    }

    #[test]
    fn a_doubled_recipe_is_one_scaled_item_with_its_factor() {
        let flat = apple_pie_and(APPLE_PIE_DOUBLED);
        assert_eq!(flat.len(), 1, "{flat:#?}");
        let scaled = &flat[0];
        assert_eq!(scaled.change_id, 1);
        assert_eq!(scaled.change, SeedChange::Scaled);
        assert_eq!(scaled.recipe_field, SeedRecipeField::Ingredient);
        assert_eq!(scaled.ingredient_id, None);
        assert_eq!(scaled.ingredient_field, Some(SeedIngredientField::Quantity));
        assert_eq!(scaled.factor, Some(2.0));
        assert_eq!(scaled.difference, SeedValues::new("1", "2"));
    }

    #[test]
    fn a_halved_recipe_writes_its_factor_as_a_cook_would() {
        let diff = RecipeDiff {
            scaling: Some(Scaling { factor: 0.5 }),
            ..RecipeDiff::default()
        };
        let flat = seed(&diff);
        assert_eq!(flat[0].factor, Some(0.5));
        assert_eq!(flat[0].difference, SeedValues::new("1", "½"));
    }

    #[test]
    fn a_modified_ingredient_gives_one_changed_item_per_field() {
        let diff = RecipeDiff {
            recipe_id: Some(1),
            ingredients: vec![IngredientChange::Modified(ModifiedIngredient {
                original_index: 2,
                make_index: 2,
                original: cinnamon(0.5, "TBS"),
                make: cinnamon(1.0, "tsp"),
                fields: vec![IngredientField::Quantity, IngredientField::Measurement],
                ratio: Some(2.0 / 3.0),
            })],
            ..RecipeDiff::default()
        };
        let flat = seed(&diff);
        assert_eq!(flat.len(), 2);
        assert_eq!(
            flat[0].ingredient_field,
            Some(SeedIngredientField::Quantity)
        );
        assert_eq!(flat[0].difference, SeedValues::new("0.5", "1"));
        assert_eq!(
            flat[1].ingredient_field,
            Some(SeedIngredientField::Measurement)
        );
        assert_eq!(flat[1].difference, SeedValues::new("TBS", "tsp"));
        assert!(flat.iter().all(|d| d.change == SeedChange::Changed));
        assert!(flat.iter().all(|d| d.ingredient_id == Some(3)));
        assert!(flat.iter().all(|d| d.make_id.is_none()));
        assert_eq!(flat.iter().map(|d| d.change_id).collect::<Vec<_>>(), [1, 2]);
    }

    #[test]
    fn a_moved_and_reworded_step_is_one_moved_item_whose_texts_differ() {
        let diff = RecipeDiff {
            steps: vec![StepChange::Edited(EditedStep {
                original_index: 0,
                make_index: 3,
                original: step(1, "Preheat the oven to 350 degrees"),
                make: step(4, "Preheat the oven to 375 degrees"),
                words: Vec::new(),
                moved: true,
            })],
            ..RecipeDiff::default()
        };
        let flat = seed(&diff);
        assert_eq!(flat.len(), 1);
        assert_eq!(flat[0].change, SeedChange::Moved);
        assert_eq!((flat[0].step_id, flat[0].make_step_id), (Some(1), Some(4)));
        assert_eq!(
            flat[0].difference,
            SeedValues::new(
                "Preheat the oven to 350 degrees",
                "Preheat the oven to 375 degrees"
            )
        );
    }

    /// A diff with one change of every kind, in the list's order.
    fn every_kind() -> RecipeDiff {
        RecipeDiff {
            recipe_id: Some(1),
            make_id: Some(9),
            name: Some(Change::new("Apple Pie".to_owned(), "Apple Tart".to_owned())),
            rating: Some(Change::new(Some(5.0), Some(4.5))),
            scaling: Some(Scaling { factor: 2.0 }),
            ingredients: vec![
                IngredientChange::Removed {
                    original_index: 0,
                    ingredient: cinnamon(0.5, "TBS"),
                },
                IngredientChange::Substituted(Paired {
                    original_index: 1,
                    make_index: 0,
                    original: Ingredient {
                        ingredient_id: Some(1),
                        ingredient_name: "butter".into(),
                        ..cinnamon(2.0, "TBS")
                    },
                    make: Ingredient {
                        ingredient_id: Some(1),
                        ingredient_name: "margarine".into(),
                        ..cinnamon(2.0, "TBS")
                    },
                }),
                IngredientChange::Modified(ModifiedIngredient {
                    original_index: 2,
                    make_index: 1,
                    original: Ingredient {
                        ingredient_id: Some(2),
                        ..cinnamon(1.0, "cup")
                    },
                    make: Ingredient {
                        ingredient_id: Some(2),
                        ..cinnamon(1.5, "cup")
                    },
                    fields: vec![IngredientField::Quantity],
                    ratio: Some(1.5),
                }),
                IngredientChange::Added {
                    make_index: 2,
                    ingredient: Ingredient {
                        ingredient_id: Some(5),
                        ingredient_name: "vanilla".into(),
                        ..cinnamon(1.0, "tsp")
                    },
                },
            ],
            steps: vec![
                StepChange::Removed {
                    original_index: 0,
                    step: step(1, "Gather ingredients"),
                },
                StepChange::Edited(EditedStep {
                    original_index: 1,
                    make_index: 0,
                    original: step(2, "Bake for 20 minutes"),
                    make: step(1, "Bake for 25 minutes"),
                    words: Vec::new(),
                    moved: false,
                }),
                StepChange::Moved(Paired {
                    original_index: 2,
                    make_index: 2,
                    original: step(3, "Let it cool"),
                    make: step(4, "Let it cool"),
                }),
                StepChange::Added {
                    make_index: 2,
                    step: step(3, "Dust with sugar"),
                },
            ],
            ..RecipeDiff::default()
        }
    }

    #[test]
    fn every_kind_of_item_serializes_exactly() {
        let lines: Vec<String> = seed(&every_kind())
            .iter()
            .map(|item| serde_json::to_string(item).expect("an item serializes"))
            .collect();
        let common = r#""recipeId":1,"makeId":9"#;
        let expected = [
            r#"{"changeId":1,"change":"changed","recipeField":"name",COMMON,"difference":{"recipe":"Apple Pie","make":"Apple Tart"}}"#,
            r#"{"changeId":2,"change":"changed","recipeField":"rating",COMMON,"difference":{"recipe":"5","make":"4.5"}}"#,
            r#"{"changeId":3,"change":"scaled","recipeField":"ingredient",COMMON,"ingredientField":"quantity","factor":2.0,"difference":{"recipe":"1","make":"2"}}"#,
            r#"{"changeId":4,"change":"removed","recipeField":"ingredient",COMMON,"ingredientId":3,"ingredientField":"removed","difference":{"recipe":"1/2 TBS cinnamon","make":""}}"#,
            r#"{"changeId":5,"change":"substituted","recipeField":"ingredient",COMMON,"ingredientId":1,"ingredientField":"substituted","difference":{"recipe":"2 TBS butter","make":"2 TBS margarine"}}"#,
            r#"{"changeId":6,"change":"changed","recipeField":"ingredient",COMMON,"ingredientId":2,"ingredientField":"quantity","difference":{"recipe":"1","make":"1.5"}}"#,
            r#"{"changeId":7,"change":"added","recipeField":"ingredient",COMMON,"ingredientId":5,"ingredientField":"added","difference":{"recipe":"","make":"1 tsp vanilla"}}"#,
            r#"{"changeId":8,"change":"removed","recipeField":"instruction",COMMON,"stepId":1,"difference":{"recipe":"Gather ingredients","make":""}}"#,
            r#"{"changeId":9,"change":"edited","recipeField":"instruction",COMMON,"stepId":2,"makeStepId":1,"difference":{"recipe":"Bake for 20 minutes","make":"Bake for 25 minutes"}}"#,
            r#"{"changeId":10,"change":"moved","recipeField":"instruction",COMMON,"stepId":3,"makeStepId":4,"difference":{"recipe":"Let it cool","make":"Let it cool"}}"#,
            r#"{"changeId":11,"change":"added","recipeField":"instruction",COMMON,"makeStepId":3,"difference":{"recipe":"","make":"Dust with sugar"}}"#,
        ]
        .map(|line| line.replace("COMMON", common));
        assert_eq!(lines, expected);
    }

    #[test]
    fn a_list_survives_json() {
        let flat = seed(&every_kind());
        let text = serde_json::to_string(&flat).expect("a list serializes");
        let back: Vec<SeedDifference> = serde_json::from_str(&text).expect("and reads back");
        assert_eq!(back, flat);
    }

    #[test]
    fn absent_fields_read_as_none() {
        let item: SeedDifference = serde_json::from_str(
            r#"{"changeId": 1, "change": "changed", "recipeField": "rating",
                "difference": {"recipe": "", "make": "4"}}"#,
        )
        .expect("the optional fields may be missing");
        assert_eq!(item.recipe_id, None);
        assert_eq!(item.step_id, None);
        assert_eq!(item.factor, None);
        assert_eq!(item.difference, SeedValues::new("", "4"));
    }
}
