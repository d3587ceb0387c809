//! Taking only some of a diff's changes: [`ChangePart`],
//! [`RecipeDiff::parts`] and [`apply_some`].
//!
//! A make carries several changes, and a cook may want only some of them
//! in the recipe: the halved sugar, not the skipped step. The flat list
//! ([`seed`](crate::render::seed)) numbers the changes by `changeId`; each
//! number names one [`ChangePart`] of the diff, in the same order, and
//! [`apply_some`] builds the recipe with only the chosen parts.
//!
//! ```
//! use recipe_diff::{apply_some, diff, parse_recipe};
//!
//! let cake = parse_recipe(r#"{"recipeName": "Cake", "rating": 4, "ingredients": [
//!     {"ingredientId": 1, "quantity": 200, "measurement": "g", "ingredientName": "sugar"}],
//!   "steps": [{"stepId": 1, "stepText": "Mix"}, {"stepId": 2, "stepText": "Rest 1 hour"},
//!             {"stepId": 3, "stepText": "Bake"}]}"#)?;
//! let made = parse_recipe(r#"{"recipeName": "Cake", "rating": 5, "ingredients": [
//!     {"ingredientId": 1, "quantity": 100, "measurement": "g", "ingredientName": "sugar"}],
//!   "steps": [{"stepId": 1, "stepText": "Mix"}, {"stepId": 2, "stepText": "Bake"}]}"#)?;
//! let changes = diff(&cake, &made);
//! // The rating (changeId 1), the sugar (2) and the skipped rest (3).
//! let parts = changes.parts();
//! assert_eq!(parts.len(), 3);
//! let less_sugar = apply_some(&cake, &changes, &parts[1..2])?;
//! assert_eq!(less_sugar.ingredients[0].quantity.map(|q| q.low()), Some(100.0));
//! assert_eq!((less_sugar.rating, less_sugar.steps.len()), (Some(4.0), 3));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::HashSet;

use crate::apply::apply;
use crate::changes::{IngredientChange, IngredientField, ListEdit, RecipeDiff, StepChange};
use crate::error::{Error, Result};
use crate::model::{Ingredient, Recipe, Step};

/// One change of a [`RecipeDiff`] as the flat list numbers it: the part of
/// the diff that a `changeId` names.
///
/// [`RecipeDiff::parts`] lists them in the flat list's order, so the part
/// with `changeId` *n* is `parts()[n - 1]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ChangePart {
    /// The renamed recipe ([`RecipeDiff::name`]).
    Name,
    /// The new rating ([`RecipeDiff::rating`]).
    Rating,
    /// The scaling of the whole recipe ([`RecipeDiff::scaling`]).
    Scaling,
    /// An entry of [`RecipeDiff::ingredients`].
    Ingredient {
        /// Its index in [`RecipeDiff::ingredients`].
        index: usize,
        /// For a modified ingredient, the field this part is about (the
        /// flat list has one item per field); `None` for an addition,
        /// removal or substitution.
        field: Option<IngredientField>,
    },
    /// An entry of [`RecipeDiff::steps`].
    Step {
        /// Its index in [`RecipeDiff::steps`].
        index: usize,
    },
}

impl RecipeDiff {
    /// The diff's changes one by one, in the flat list's order: name,
    /// rating, scaling, ingredients (a modified one once per changed
    /// field), steps. The part at position *i* is the flat list's item
    /// with `changeId` *i + 1*.
    pub fn parts(&self) -> Vec<ChangePart> {
        let mut parts = Vec::new();
        if self.name.is_some() {
            parts.push(ChangePart::Name);
        }
        if self.rating.is_some() {
            parts.push(ChangePart::Rating);
        }
        if self.scaling.is_some() {
            parts.push(ChangePart::Scaling);
        }
        for (index, change) in self.ingredients.iter().enumerate() {
            match change {
                IngredientChange::Modified(modified) => {
                    parts.extend(modified.fields.iter().map(|&field| ChangePart::Ingredient {
                        index,
                        field: Some(field),
                    }));
                }
                _ => parts.push(ChangePart::Ingredient { index, field: None }),
            }
        }
        parts.extend((0..self.steps.len()).map(|index| ChangePart::Step { index }));
        parts
    }
}

/// Builds the recipe `original` becomes with only the `chosen` parts of
/// `diff` (which must have been computed from `original`), everything
/// else as `original` has it.
///
/// - An amount is one change: choosing a modified ingredient's quantity
///   or its unit takes both (`0.5 TBS` → `1 tsp` is not "1 TBS" and "½
///   tsp" apart). Its name and its note are taken on their own.
/// - The scaling and the other changes compose: without the scaling, an
///   amount taken from a doubled make is halved back to the recipe's size;
///   with it alone, every amount of `original` is multiplied.
/// - A chosen added ingredient or step, or a chosen move, goes after the
///   item that comes before it in the make, wherever that item is now.
/// - Restatements are not changes: what is kept is kept as `original`
///   writes it. Items keep `original`'s ids; steps numbered 1, 2, 3… are
///   numbered so again, and an added item whose id is taken gets the next
///   free one.
///
/// Choosing no part gives `original`; choosing every part gives a recipe
/// with no difference from the make.
///
/// # Errors
///
/// [`Error::Mismatch`] when `diff` does not fit `original`, or a part
/// names an entry `diff` does not have.
pub fn apply_some(original: &Recipe, diff: &RecipeDiff, chosen: &[ChangePart]) -> Result<Recipe> {
    // Checks every value the diff names, so the indices below are sound.
    apply(original, diff)?;
    let all = diff.parts();
    if let Some(part) = chosen.iter().find(|part| !all.contains(part)) {
        return Err(Error::Mismatch(format!("the diff has no change {part:?}")));
    }
    let chosen: HashSet<ChangePart> = chosen.iter().copied().collect();

    let mut recipe = original.clone();
    if chosen.contains(&ChangePart::Name)
        && let Some(name) = &diff.name
    {
        recipe.recipe_name = name.make.as_str().into();
    }
    if chosen.contains(&ChangePart::Rating)
        && let Some(rating) = &diff.rating
    {
        recipe.rating = rating.make;
    }
    let made_size = diff.scaling.map_or(1.0, |scaling| scaling.factor);
    let size = if chosen.contains(&ChangePart::Scaling) {
        made_size
    } else {
        1.0
    };
    let sizes = Sizes {
        kept: size,
        taken: size / made_size,
    };
    recipe.ingredients = ingredients(original, diff, &chosen, sizes)?;
    recipe.steps = steps(original, diff, &chosen)?;
    Ok(recipe)
}

/// What amounts are multiplied by.
#[derive(Debug, Clone, Copy)]
struct Sizes {
    /// An amount kept from the original: the chosen scaling, or 1.
    kept: f64,
    /// An amount taken from the make, which is at the make's size: the
    /// chosen size over the make's.
    taken: f64,
}

/// `ingredient` with its amount multiplied by `factor`; untouched when the
/// factor is 1, so nothing is rewritten that need not be.
fn sized(ingredient: &Ingredient, factor: f64) -> Ingredient {
    let mut ingredient = ingredient.clone();
    if factor != 1.0 {
        ingredient.quantity = ingredient.quantity.map(|q| q.scaled(factor));
    }
    ingredient
}

/// Where an item of the list being built came from, so that an item
/// placed after it can find it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Origin {
    /// The original's item at this index.
    Original(usize),
    /// The make's added item at this index.
    Added(usize),
}

/// The list being built: each item with where it came from.
type Placed<T> = Vec<(Origin, T)>;

fn ingredients(
    original: &Recipe,
    diff: &RecipeDiff,
    chosen: &HashSet<ChangePart>,
    sizes: Sizes,
) -> Result<Vec<Ingredient>> {
    let is_chosen = |index: usize, field: Option<IngredientField>| {
        chosen.contains(&ChangePart::Ingredient { index, field })
    };
    let mut list: Vec<Option<Ingredient>> = original
        .ingredients
        .iter()
        .map(|ingredient| Some(sized(ingredient, sizes.kept)))
        .collect();
    let mut added = Vec::new();
    for (index, change) in diff.ingredients.iter().enumerate() {
        match change {
            IngredientChange::Removed { original_index, .. } if is_chosen(index, None) => {
                *slot(&mut list, *original_index)? = None;
            }
            IngredientChange::Substituted(pair) if is_chosen(index, None) => {
                let mut substitute = sized(&pair.make, sizes.taken);
                // It stands in the original's place, under its id.
                substitute.ingredient_id = pair.original.ingredient_id.or(substitute.ingredient_id);
                *slot(&mut list, pair.original_index)? = Some(substitute);
            }
            IngredientChange::Modified(modified) => {
                let field = |field| is_chosen(index, Some(field));
                let amount =
                    field(IngredientField::Quantity) || field(IngredientField::Measurement);
                let Some(Some(ingredient)) = list.get_mut(modified.original_index) else {
                    continue;
                };
                if amount {
                    let taken = sized(&modified.make, sizes.taken);
                    ingredient.quantity = taken.quantity;
                    ingredient.measurement = taken.measurement;
                }
                if field(IngredientField::IngredientName) {
                    ingredient
                        .ingredient_name
                        .clone_from(&modified.make.ingredient_name);
                }
                if field(IngredientField::Note) {
                    ingredient.note.clone_from(&modified.make.note);
                }
            }
            IngredientChange::Added {
                make_index,
                ingredient,
            } if is_chosen(index, None) => {
                added.push((*make_index, sized(ingredient, sizes.taken)));
            }
            _ => {}
        }
    }
    let placed: Placed<Ingredient> = list
        .into_iter()
        .enumerate()
        .filter_map(|(index, item)| item.map(|item| (Origin::Original(index), item)))
        .collect();
    let origins = make_origins(original.ingredients.len(), diff.ingredient_edits())?;
    let mut placed = place(placed, added, &origins);
    fresh_ids(&mut placed, |i| &mut i.ingredient_id);
    Ok(placed.into_iter().map(|(_, item)| item).collect())
}

fn steps(original: &Recipe, diff: &RecipeDiff, chosen: &HashSet<ChangePart>) -> Result<Vec<Step>> {
    let mut list: Vec<Option<Step>> = original.steps.iter().cloned().map(Some).collect();
    // Moved and added steps, placed after the others, by make index.
    let mut moved: Vec<(usize, Origin, Step)> = Vec::new();
    for (index, change) in diff.steps.iter().enumerate() {
        if !chosen.contains(&ChangePart::Step { index }) {
            continue;
        }
        match change {
            StepChange::Removed { original_index, .. } => {
                *slot(&mut list, *original_index)? = None;
            }
            StepChange::Edited(edit) => {
                let step = slot(&mut list, edit.original_index)?;
                if let Some(step) = step {
                    step.step_text.clone_from(&edit.make.step_text);
                }
                if edit.moved
                    && let Some(step) = step.take()
                {
                    moved.push((edit.make_index, Origin::Original(edit.original_index), step));
                }
            }
            StepChange::Moved(pair) => {
                if let Some(step) = slot(&mut list, pair.original_index)?.take() {
                    moved.push((pair.make_index, Origin::Original(pair.original_index), step));
                }
            }
            StepChange::Added { make_index, step } => {
                moved.push((*make_index, Origin::Added(*make_index), step.clone()));
            }
        }
    }
    let placed: Placed<Step> = list
        .into_iter()
        .enumerate()
        .filter_map(|(index, item)| item.map(|item| (Origin::Original(index), item)))
        .collect();
    let origins = make_origins(original.steps.len(), diff.step_edits())?;
    moved.sort_by_key(|(make_index, ..)| *make_index);
    let mut placed = place_with_origins(placed, moved, &origins);
    // Steps numbered 1, 2, 3… in the original are numbered so again:
    // their ids are positions, not identities.
    let numbered = original
        .steps
        .iter()
        .zip(1..)
        .all(|(step, n)| step.step_id == Some(n));
    if numbered && !original.steps.is_empty() {
        for ((_, step), n) in placed.iter_mut().zip(1..) {
            step.step_id = Some(n);
        }
    } else {
        fresh_ids(&mut placed, |s| &mut s.step_id);
    }
    Ok(placed.into_iter().map(|(_, item)| item).collect())
}

/// The original's slot at `index`, or a mismatch (which [`apply`] has
/// ruled out already).
fn slot<T>(list: &mut [Option<T>], index: usize) -> Result<&mut Option<T>> {
    list.get_mut(index)
        .ok_or_else(|| Error::Mismatch(format!("item {index} does not exist in the recipe")))
}

/// Where each item of the make's list came from: the original's index,
/// or `None` for an added item. As [`apply`] places them: what the diff
/// places goes to its make index, the original's other items fill the
/// remaining places in order.
fn make_origins<'a, T: 'a>(
    original_len: usize,
    edits: impl Iterator<Item = ListEdit<'a, T>>,
) -> Result<Vec<Option<usize>>> {
    let mut consumed = vec![false; original_len];
    let mut placed: Vec<(usize, Option<usize>)> = Vec::new();
    for edit in edits {
        match edit {
            ListEdit::Add { make_index, .. } => placed.push((make_index, None)),
            ListEdit::Remove { original_index, .. } => {
                if let Some(consumed) = consumed.get_mut(original_index) {
                    *consumed = true;
                }
            }
            ListEdit::Replace {
                original_index,
                make_index,
                ..
            } => {
                if let Some(consumed) = consumed.get_mut(original_index) {
                    *consumed = true;
                }
                placed.push((make_index, Some(original_index)));
            }
        }
    }
    let mut kept = (0..original_len).filter(|&index| !consumed[index]);
    let len = placed.len() + kept.clone().count();
    let mut slots: Vec<Option<Option<usize>>> = vec![None; len];
    for (make_index, origin) in placed {
        let slot = slots.get_mut(make_index).ok_or_else(|| {
            Error::Mismatch(format!(
                "position {make_index} is past the end ({len} in all)"
            ))
        })?;
        *slot = Some(origin);
    }
    Ok(slots
        .into_iter()
        .map(|slot| slot.unwrap_or_else(|| kept.next()))
        .collect())
}

/// `placed` with each added item (make index, item) put after the item
/// before it in the make.
fn place<T>(placed: Placed<T>, added: Vec<(usize, T)>, origins: &[Option<usize>]) -> Placed<T> {
    let added = added
        .into_iter()
        .map(|(make_index, item)| (make_index, Origin::Added(make_index), item))
        .collect();
    place_with_origins(placed, added, origins)
}

/// `placed` with each of `items` (make index, origin, item), in make
/// order, put right after the nearest item before it in the make that the
/// list has; first when there is none.
fn place_with_origins<T>(
    mut placed: Placed<T>,
    items: Vec<(usize, Origin, T)>,
    origins: &[Option<usize>],
) -> Placed<T> {
    for (make_index, origin, item) in items {
        let anchor = (0..make_index.min(origins.len())).rev().find_map(|before| {
            let wanted = match origins[before] {
                Some(index) => Origin::Original(index),
                None => Origin::Added(before),
            };
            placed.iter().position(|(origin, _)| *origin == wanted)
        });
        let at = anchor.map_or(0, |position| position + 1);
        placed.insert(at, (origin, item));
    }
    placed
}

/// Gives an added item whose id another item has the next free id.
fn fresh_ids<T>(placed: &mut Placed<T>, id: impl Fn(&mut T) -> &mut Option<i64>) {
    let mut used: HashSet<i64> = placed
        .iter_mut()
        .filter(|(origin, _)| matches!(origin, Origin::Original(_)))
        .filter_map(|(_, item)| *id(item))
        .collect();
    for (origin, item) in placed.iter_mut() {
        if let (Origin::Added(_), Some(taken)) = (origin, *id(item))
            && !used.insert(taken)
        {
            let next = used.iter().max().map_or(1, |max| max.saturating_add(1));
            used.insert(next);
            *id(item) = Some(next);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::seed;
    use crate::{diff, parse_recipe};

    const CAKE: &str = r#"{"recipeName": "Cake", "recipeId": 4, "rating": 4,
        "ingredients": [
          {"ingredientId": 1, "quantity": 2, "measurement": "cup", "ingredientName": "flour"},
          {"ingredientId": 2, "quantity": 1, "measurement": "cup", "ingredientName": "sugar"},
          {"ingredientId": 3, "quantity": 0.5, "measurement": "TBS", "ingredientName": "cinnamon"},
          {"ingredientId": 4, "quantity": 2, "measurement": "unit", "ingredientName": "eggs"}],
        "steps": [
          {"stepId": 1, "stepText": "Preheat the oven to 350 degrees"},
          {"stepId": 2, "stepText": "Whisk the eggs and the sugar"},
          {"stepId": 3, "stepText": "Fold in the flour"},
          {"stepId": 4, "stepText": "Rest the batter for an hour"},
          {"stepId": 5, "stepText": "Bake for 30 minutes"}]}"#;

    /// Less sugar, cinnamon as 2 tsp (from ½ TBS: amount and unit), no
    /// eggs but butter, vanilla added, the rest skipped, the bake longer,
    /// the preheat moved after the whisking, a dusting added at the end.
    const CAKE_MADE: &str = r#"{"recipeName": "Cake", "recipeId": 4, "rating": 5,
        "ingredients": [
          {"ingredientId": 1, "quantity": 2, "measurement": "cup", "ingredientName": "flour"},
          {"ingredientId": 2, "quantity": 0.5, "measurement": "cup", "ingredientName": "sugar"},
          {"ingredientId": 3, "quantity": 2, "measurement": "tsp", "ingredientName": "cinnamon"},
          {"ingredientId": 4, "quantity": 100, "measurement": "g", "ingredientName": "butter"},
          {"ingredientId": 2, "quantity": 1, "measurement": "tsp", "ingredientName": "vanilla"}],
        "steps": [
          {"stepId": 1, "stepText": "Whisk the eggs and the sugar"},
          {"stepId": 2, "stepText": "Preheat the oven to 350 degrees"},
          {"stepId": 3, "stepText": "Fold in the flour"},
          {"stepId": 4, "stepText": "Bake for 40 minutes"},
          {"stepId": 5, "stepText": "Dust with icing sugar"}]}"#;

    fn cake() -> (Recipe, Recipe, RecipeDiff) {
        let original = parse_recipe(CAKE).unwrap();
        let make = parse_recipe(CAKE_MADE).unwrap();
        let changes = diff(&original, &make);
        (original, make, changes)
    }

    /// The flat list's items without their numbers, to compare two lists
    /// by what they say.
    fn said(changes: &RecipeDiff) -> Vec<serde_json::Value> {
        seed(changes)
            .into_iter()
            .map(|item| {
                let mut value = serde_json::to_value(item).unwrap();
                value["changeId"] = serde_json::Value::Null;
                value
            })
            .collect()
    }

    #[test]
    fn the_parts_are_the_flat_list_in_its_order() {
        let (_, _, changes) = cake();
        let parts = changes.parts();
        let flat = seed(&changes);
        assert_eq!(parts.len(), flat.len(), "{flat:#?}");
        assert_eq!(parts[0], ChangePart::Rating);
        for (part, item) in parts.iter().zip(&flat) {
            let field = match part {
                ChangePart::Ingredient { .. } => crate::render::SeedRecipeField::Ingredient,
                ChangePart::Step { .. } => crate::render::SeedRecipeField::Instruction,
                ChangePart::Rating => crate::render::SeedRecipeField::Rating,
                ChangePart::Name => crate::render::SeedRecipeField::Name,
                ChangePart::Scaling => crate::render::SeedRecipeField::Ingredient,
            };
            assert_eq!(item.recipe_field, field, "{item:?}");
        }
    }

    #[test]
    fn no_part_is_the_original_and_every_part_is_the_make() {
        let (original, make, changes) = cake();
        assert_eq!(apply_some(&original, &changes, &[]).unwrap(), original);
        let all = apply_some(&original, &changes, &changes.parts()).unwrap();
        let left = diff(&all, &make);
        assert!(left.is_empty(), "{left:#?}");
    }

    #[test]
    fn each_part_alone_is_exactly_that_change() {
        let (original, _, changes) = cake();
        let parts = changes.parts();
        let whole = said(&changes);
        for (at, part) in parts.iter().enumerate() {
            let one = apply_some(&original, &changes, &[*part]).unwrap();
            let found = said(&diff(&original, &one));
            // An amount is one change: its quantity and unit go together.
            let expected: Vec<_> = match part {
                ChangePart::Ingredient {
                    index,
                    field: Some(IngredientField::Quantity | IngredientField::Measurement),
                } => parts
                    .iter()
                    .zip(&whole)
                    .filter(|(p, _)| {
                        matches!(p, ChangePart::Ingredient { index: i, field: Some(IngredientField::Quantity | IngredientField::Measurement) } if i == index)
                    })
                    .map(|(_, item)| item.clone())
                    .collect(),
                _ => vec![whole[at].clone()],
            };
            // The ids of a moved or added step follow the new list.
            let without_step_ids = |items: Vec<serde_json::Value>| -> Vec<serde_json::Value> {
                items
                    .into_iter()
                    .map(|mut item| {
                        if let Some(object) = item.as_object_mut() {
                            object.remove("makeStepId");
                            object.remove("stepId");
                            // An added ingredient's id may be taken: see below.
                            if object["change"] == "added" {
                                object.remove("ingredientId");
                            }
                        }
                        item
                    })
                    .collect()
            };
            assert_eq!(
                without_step_ids(found),
                without_step_ids(expected),
                "{part:?}"
            );
        }
    }

    #[test]
    fn two_of_three_changes_give_just_those_two() {
        let original = parse_recipe(CAKE).unwrap();
        let mut make = original.clone();
        make.rating = Some(5.0);
        make.ingredients[1].quantity = Some("0.5".parse().unwrap());
        make.steps.remove(3);
        let changes = diff(&original, &make);
        let parts = changes.parts();
        assert_eq!(parts.len(), 3);
        let taken = apply_some(&original, &changes, &[parts[1], parts[2]]).unwrap();
        assert_eq!(taken.rating, Some(4.0));
        assert_eq!(taken.ingredients[1].quantity, Some("0.5".parse().unwrap()));
        assert_eq!(taken.steps.len(), 4);
        assert_eq!(
            taken.steps.iter().map(|s| s.step_id).collect::<Vec<_>>(),
            [Some(1), Some(2), Some(3), Some(4)]
        );
        assert_eq!(diff(&original, &taken).change_count(), 2);
    }

    #[test]
    fn a_move_and_an_addition_go_after_what_precedes_them_in_the_make() {
        let (original, _, changes) = cake();
        let steps: Vec<ChangePart> = changes
            .parts()
            .into_iter()
            .filter(|part| {
                matches!(part, ChangePart::Step { index }
                if !matches!(changes.steps[*index], StepChange::Removed { .. } | StepChange::Edited(_)))
            })
            .collect();
        let taken = apply_some(&original, &changes, &steps).unwrap();
        let texts: Vec<&str> = taken.steps.iter().map(|s| s.step_text.as_ref()).collect();
        assert_eq!(
            texts,
            [
                "Whisk the eggs and the sugar",
                "Preheat the oven to 350 degrees",
                "Fold in the flour",
                "Rest the batter for an hour",
                "Bake for 30 minutes",
                "Dust with icing sugar",
            ]
        );
    }

    #[test]
    fn a_scaling_composes_with_the_changes_taken() {
        let original = parse_recipe(CAKE).unwrap();
        // Doubled, with 2 tsp of vanilla: a teaspoon at the recipe's size.
        let mut make = original.clone();
        for ingredient in &mut make.ingredients {
            ingredient.quantity = ingredient.quantity.map(|q| q.scaled(2.0));
        }
        make.ingredients.push(Ingredient {
            ingredient_id: Some(5),
            quantity: Some("2".parse().unwrap()),
            measurement: Some("tsp".into()),
            ingredient_name: "vanilla".into(),
            note: None,
            ..Ingredient::default()
        });
        let changes = diff(&original, &make);
        let parts = changes.parts();
        assert_eq!(parts.len(), 2, "{changes:#?}");
        assert_eq!(parts[0], ChangePart::Scaling);
        let amounts = |recipe: &Recipe| -> Vec<f64> {
            recipe
                .ingredients
                .iter()
                .map(|i| i.quantity.map_or(0.0, |q| q.low()))
                .collect()
        };
        let vanilla_only = apply_some(&original, &changes, &parts[1..]).unwrap();
        assert_eq!(amounts(&vanilla_only), [2.0, 1.0, 0.5, 2.0, 1.0]);
        let scaling_only = apply_some(&original, &changes, &parts[..1]).unwrap();
        assert_eq!(amounts(&scaling_only), [4.0, 2.0, 1.0, 4.0]);
        let both = apply_some(&original, &changes, &parts).unwrap();
        assert_eq!(both, make);
    }

    #[test]
    fn an_added_ingredient_whose_id_is_taken_gets_a_free_one() {
        let (original, _, changes) = cake();
        let vanilla: Vec<ChangePart> = changes
            .parts()
            .into_iter()
            .filter(|part| {
                matches!(part, ChangePart::Ingredient { index, .. }
                    if matches!(changes.ingredients[*index], IngredientChange::Added { .. }))
            })
            .collect();
        assert_eq!(vanilla.len(), 1);
        let taken = apply_some(&original, &changes, &vanilla).unwrap();
        let last = taken.ingredients.last().unwrap();
        assert_eq!(
            (last.ingredient_name.as_ref(), last.ingredient_id),
            ("vanilla", Some(5))
        );
    }

    #[test]
    fn a_part_the_diff_lacks_is_a_mismatch() {
        let (original, _, changes) = cake();
        let error = apply_some(&original, &changes, &[ChangePart::Name]).unwrap_err();
        assert!(matches!(error, Error::Mismatch(_)), "{error}");
        let other = parse_recipe(r#"{"recipeName": "Toast"}"#).unwrap();
        assert!(apply_some(&other, &changes, &[]).is_err());
    }
}
