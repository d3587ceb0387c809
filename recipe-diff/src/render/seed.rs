//! The original project's flat list of differences.

use serde::Serialize;

use super::{factor, ingredient_line};
use crate::changes::{IngredientChange, IngredientField, RecipeDiff, StepChange};
use crate::model::{Ingredient, Step};

/// One difference in the original project's flat schema, as `--format seed`
/// prints it and its API stored it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SeedDifference {
    /// Which part of the recipe differs.
    pub recipe_field: SeedRecipeField,
    /// The original recipe's id; omitted for recipes without one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recipe_id: Option<i64>,
    /// The make's id; omitted when the diff was not computed for a make.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub make_id: Option<i64>,
    /// The ingredient's id, for ingredient differences whose ingredient has
    /// one (a scaling concerns them all, so names none).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ingredient_id: Option<i64>,
    /// What happened to the ingredient, for ingredient differences.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ingredient_field: Option<SeedIngredientField>,
    /// The step's id, for step differences whose step has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub step_id: Option<i64>,
    /// Both sides as text.
    pub difference: SeedValues,
}

/// The part of a recipe a [`SeedDifference`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum SeedRecipeField {
    /// The rating.
    Rating,
    /// An ingredient, or all of them for a scaling.
    Ingredient,
    /// A step of the method.
    Instruction,
    /// The recipe's name.
    Name,
}

/// What differs about an ingredient in a [`SeedDifference`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
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

/// The two sides of a [`SeedDifference`] as text; the side that has nothing
/// is an empty string.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct SeedValues {
    /// The original recipe's side.
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

/// The differences as the original project's flat list: name, rating,
/// scaling, ingredients, then steps.
///
/// - A modified ingredient gives one entry per changed field: quantities as
///   text (`"0.5"` → `"1"`), measurements as written.
/// - A scaling is one entry, `ingredientField: "quantity"` with no
///   `ingredientId` and the factors as text (`"×1"` → `"×2"`).
/// - Added, removed and substituted ingredients give their whole lines
///   (`"1 tsp vanilla"`).
/// - A moved step's texts are prefixed with its positions,
///   `"step 1: Gather"` → `"moved to step 3: Gather"`, because the flat schema
///   has no field for a position and the texts alone would look unchanged.
///
/// ```
/// use recipe_diff::render::{SeedRecipeField, seed};
/// use recipe_diff::{diff, parse_recipe};
///
/// let original = parse_recipe(r#"{"recipeName": "Tea", "recipeId": 7, "rating": 3}"#)?;
/// let make = parse_recipe(r#"{"recipeName": "Tea", "recipeId": 7, "rating": 4}"#)?;
/// let flat = seed(&diff(&original, &make));
/// assert_eq!(flat[0].recipe_field, SeedRecipeField::Rating);
/// assert_eq!((flat[0].difference.recipe.as_str(), flat[0].difference.make.as_str()), ("3", "4"));
/// assert_eq!(
///     serde_json::to_string(&flat)?,
///     r#"[{"recipeField":"rating","recipeId":7,"difference":{"recipe":"3","make":"4"}}]"#,
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn seed(diff: &RecipeDiff) -> Vec<SeedDifference> {
    let entry = |recipe_field, difference| SeedDifference {
        recipe_field,
        recipe_id: diff.recipe_id,
        make_id: diff.make_id,
        ingredient_id: None,
        ingredient_field: None,
        step_id: None,
        difference,
    };
    let ingredient_entry = |id, field, difference| SeedDifference {
        ingredient_id: id,
        ingredient_field: Some(field),
        ..entry(SeedRecipeField::Ingredient, difference)
    };
    let step_entry = |id, difference| SeedDifference {
        step_id: id,
        ..entry(SeedRecipeField::Instruction, difference)
    };

    let mut list = Vec::new();
    if let Some(name) = &diff.name {
        let values = SeedValues::new(name.original.as_str(), name.make.as_str());
        list.push(entry(SeedRecipeField::Name, values));
    }
    if let Some(rating) = &diff.rating {
        let show = |r: Option<f64>| r.map(|r| r.to_string()).unwrap_or_default();
        let values = SeedValues::new(show(rating.original), show(rating.make));
        list.push(entry(SeedRecipeField::Rating, values));
    }
    if let Some(scaling) = &diff.scaling {
        let values = SeedValues::new("×1", format!("×{}", factor(scaling.factor)));
        list.push(ingredient_entry(
            None,
            SeedIngredientField::Quantity,
            values,
        ));
    }
    for change in &diff.ingredients {
        match change {
            IngredientChange::Added { ingredient, .. } => list.push(ingredient_entry(
                ingredient.ingredient_id,
                SeedIngredientField::Added,
                SeedValues::new("", ingredient_line(ingredient)),
            )),
            IngredientChange::Removed { ingredient, .. } => list.push(ingredient_entry(
                ingredient.ingredient_id,
                SeedIngredientField::Removed,
                SeedValues::new(ingredient_line(ingredient), ""),
            )),
            IngredientChange::Substituted(pair) => list.push(ingredient_entry(
                ingredient_id(&pair.original, &pair.make),
                SeedIngredientField::Substituted,
                SeedValues::new(ingredient_line(&pair.original), ingredient_line(&pair.make)),
            )),
            IngredientChange::Modified(modified) => {
                let (before, after) = (&modified.original, &modified.make);
                for &field in &modified.fields {
                    let (field, values) = modified_field(field, before, after);
                    list.push(ingredient_entry(
                        ingredient_id(before, after),
                        field,
                        values,
                    ));
                }
            }
        }
    }
    for change in &diff.steps {
        match change {
            StepChange::Added { step, .. } => {
                list.push(step_entry(
                    step.step_id,
                    SeedValues::new("", step.step_text.as_str()),
                ));
            }
            StepChange::Removed { step, .. } => {
                list.push(step_entry(
                    step.step_id,
                    SeedValues::new(step.step_text.as_str(), ""),
                ));
            }
            StepChange::Edited(edit) => {
                let values = if edit.moved {
                    moved(
                        edit.original_index,
                        &edit.original,
                        edit.make_index,
                        &edit.make,
                    )
                } else {
                    SeedValues::new(
                        edit.original.step_text.as_str(),
                        edit.make.step_text.as_str(),
                    )
                };
                list.push(step_entry(step_id(&edit.original, &edit.make), values));
            }
            StepChange::Moved(pair) => {
                let values = moved(
                    pair.original_index,
                    &pair.original,
                    pair.make_index,
                    &pair.make,
                );
                list.push(step_entry(step_id(&pair.original, &pair.make), values));
            }
        }
    }
    list
}

/// The original's id, which the flat schema's readers look up; the make's
/// when the original had none.
fn ingredient_id(before: &Ingredient, after: &Ingredient) -> Option<i64> {
    before.ingredient_id.or(after.ingredient_id)
}

/// The original step's id, or the make's when the original had none.
fn step_id(before: &Step, after: &Step) -> Option<i64> {
    before.step_id.or(after.step_id)
}

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
                text(before.measurement.clone()),
                text(after.measurement.clone()),
            ),
        ),
        IngredientField::IngredientName => (
            SeedIngredientField::IngredientName,
            SeedValues::new(
                before.ingredient_name.as_str(),
                after.ingredient_name.as_str(),
            ),
        ),
        IngredientField::Note => (
            SeedIngredientField::Note,
            SeedValues::new(text(before.note.clone()), text(after.note.clone())),
        ),
    }
}

/// Both texts, prefixed with the step's positions (from 1).
fn moved(original_index: usize, before: &Step, make_index: usize, after: &Step) -> SeedValues {
    SeedValues::new(
        format!("step {}: {}", original_index + 1, before.step_text),
        format!("moved to step {}: {}", make_index + 1, after.step_text),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::changes::{ModifiedIngredient, Paired, Scaling};
    use crate::quantity::Quantity;

    fn cinnamon(quantity: f64, measurement: &str) -> Ingredient {
        Ingredient {
            ingredient_id: Some(3),
            quantity: Some(Quantity::new(quantity)),
            measurement: Some(measurement.to_owned()),
            ingredient_name: "cinnamon".to_owned(),
            note: None,
        }
    }

    #[test]
    fn a_modified_ingredient_gives_one_entry_per_field() {
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
        assert!(flat.iter().all(|d| d.ingredient_id == Some(3)));
        assert!(flat.iter().all(|d| d.make_id.is_none()));
    }

    #[test]
    fn a_scaling_is_one_entry_without_an_ingredient() {
        let diff = RecipeDiff {
            scaling: Some(Scaling { factor: 2.0 }),
            ..RecipeDiff::default()
        };
        let json = serde_json::to_value(seed(&diff)).unwrap();
        assert_eq!(
            json,
            serde_json::json!([{
                "recipeField": "ingredient",
                "ingredientField": "quantity",
                "difference": {"recipe": "×1", "make": "×2"}
            }])
        );
    }

    #[test]
    fn steps_carry_their_ids_and_moves_say_so() {
        let step = |id, text: &str| Step {
            step_id: Some(id),
            step_text: text.to_owned(),
        };
        let diff = RecipeDiff {
            make_id: Some(9),
            steps: vec![
                StepChange::Removed {
                    original_index: 1,
                    step: step(2, "Pre heat oven"),
                },
                StepChange::Moved(Paired {
                    original_index: 0,
                    make_index: 2,
                    original: step(1, "Gather"),
                    make: step(3, "Gather"),
                }),
            ],
            ..RecipeDiff::default()
        };
        let flat = seed(&diff);
        assert_eq!(flat[0].step_id, Some(2));
        assert_eq!(flat[0].difference, SeedValues::new("Pre heat oven", ""));
        assert_eq!(flat[1].step_id, Some(1));
        assert_eq!(
            flat[1].difference,
            SeedValues::new("step 1: Gather", "moved to step 3: Gather")
        );
        assert!(flat.iter().all(|d| d.make_id == Some(9)));
        assert!(
            flat.iter()
                .all(|d| d.recipe_field == SeedRecipeField::Instruction)
        );
    }
}
