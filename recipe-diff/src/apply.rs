//! Rebuilding a make from its original and a diff.

use crate::changes::{IngredientChange, Paired, RecipeDiff, StepChange};
use crate::error::{Error, Result};
use crate::model::Recipe;

/// Rebuilds the make that `diff` was computed against, from `original`.
///
/// Fails with [`Error::Mismatch`] when the diff was computed from another
/// recipe: every original value the diff names is checked.
///
/// ```
/// use recipe_diff::{apply, diff, parse_recipe};
///
/// let original = parse_recipe(r#"{"recipeName": "Rice", "rating": 3,
///     "steps": [{"stepText": "Rinse"}, {"stepText": "Simmer 18 minutes"}]}"#)?;
/// let make = parse_recipe(r#"{"recipeName": "Rice", "rating": 4,
///     "steps": [{"stepText": "Simmer 20 minutes"}]}"#)?;
/// assert_eq!(apply(&original, &diff(&original, &make))?, make);
/// # Ok::<(), recipe_diff::Error>(())
/// ```
pub fn apply(original: &Recipe, diff: &RecipeDiff) -> Result<Recipe> {
    let mut recipe = original.clone();
    for name in [&diff.name, &diff.restatements.name].into_iter().flatten() {
        expect_same("recipeName", &name.original, &original.recipe_name)?;
        recipe.recipe_name.clone_from(&name.make);
    }
    if let Some(rating) = &diff.rating {
        expect_same("rating", &rating.original, &original.rating)?;
        recipe.rating = rating.make;
    }
    if let Some(id) = &diff.restatements.recipe_id {
        expect_same("recipeId", &id.original, &original.recipe_id)?;
        recipe.recipe_id = id.make;
    }

    let mut ingredients = Placement::new("ingredients", &original.ingredients);
    for change in &diff.ingredients {
        match change {
            IngredientChange::Added {
                make_index,
                ingredient,
            } => ingredients.add(*make_index, ingredient)?,
            IngredientChange::Removed {
                original_index,
                ingredient,
            } => ingredients.remove(*original_index, ingredient)?,
            IngredientChange::Substituted(pair) => ingredients.replace(pair)?,
            IngredientChange::Modified(m) => ingredients.replace(&Paired {
                original_index: m.original_index,
                make_index: m.make_index,
                original: m.original.clone(),
                make: m.make.clone(),
            })?,
        }
    }
    for pair in &diff.restatements.ingredients {
        ingredients.replace(pair)?;
    }
    recipe.ingredients = ingredients.finish()?;

    let mut steps = Placement::new("steps", &original.steps);
    for change in &diff.steps {
        match change {
            StepChange::Added { make_index, step } => steps.add(*make_index, step)?,
            StepChange::Removed {
                original_index,
                step,
            } => steps.remove(*original_index, step)?,
            StepChange::Edited(e) => steps.replace(&Paired {
                original_index: e.original_index,
                make_index: e.make_index,
                original: e.original.clone(),
                make: e.make.clone(),
            })?,
            StepChange::Moved(pair) => steps.replace(pair)?,
        }
    }
    for pair in &diff.restatements.steps {
        steps.replace(pair)?;
    }
    recipe.steps = steps.finish()?;
    Ok(recipe)
}

fn expect_same<T: PartialEq + std::fmt::Debug>(what: &str, diff: &T, recipe: &T) -> Result<()> {
    if diff == recipe {
        Ok(())
    } else {
        Err(Error::Mismatch(format!(
            "{what} is {recipe:?}, the diff expects {diff:?}"
        )))
    }
}

/// Builds the make's list: items the diff places go to their make index;
/// original items it does not mention fill the other slots in order.
struct Placement<'a, T> {
    list: &'static str,
    original: &'a [T],
    consumed: Vec<bool>,
    placed: Vec<(usize, T)>,
}

impl<'a, T: Clone + PartialEq + std::fmt::Debug> Placement<'a, T> {
    fn new(list: &'static str, original: &'a [T]) -> Self {
        Placement {
            list,
            original,
            consumed: vec![false; original.len()],
            placed: Vec::new(),
        }
    }

    fn consume(&mut self, index: usize, expected: &T) -> Result<()> {
        let list = self.list;
        let actual = self.original.get(index).ok_or_else(|| {
            Error::Mismatch(format!("{list}[{index}] does not exist in the recipe"))
        })?;
        if std::mem::replace(&mut self.consumed[index], true) {
            return Err(Error::Mismatch(format!(
                "{list}[{index}] is named twice by the diff"
            )));
        }
        expect_same(&format!("{list}[{index}]"), expected, actual)
    }

    fn add(&mut self, make_index: usize, item: &T) -> Result<()> {
        self.placed.push((make_index, item.clone()));
        Ok(())
    }

    fn remove(&mut self, original_index: usize, item: &T) -> Result<()> {
        self.consume(original_index, item)
    }

    fn replace(&mut self, pair: &Paired<T>) -> Result<()> {
        self.consume(pair.original_index, &pair.original)?;
        self.add(pair.make_index, &pair.make)
    }

    fn finish(self) -> Result<Vec<T>> {
        let list = self.list;
        let mut kept = self
            .original
            .iter()
            .zip(&self.consumed)
            .filter(|(_, consumed)| !**consumed)
            .map(|(item, _)| item);
        let len = self.placed.len() + kept.clone().count();
        let mut slots: Vec<Option<T>> = vec![None; len];
        for (index, item) in self.placed {
            match slots.get_mut(index) {
                Some(slot @ None) => *slot = Some(item),
                Some(Some(_)) => {
                    return Err(Error::Mismatch(format!(
                        "two {list} are placed at position {index}"
                    )));
                }
                None => {
                    return Err(Error::Mismatch(format!(
                        "{list} position {index} is past the end ({len} in all)"
                    )));
                }
            }
        }
        slots
            .into_iter()
            .map(|slot| match slot {
                Some(item) => Some(item),
                None => kept.next().cloned(),
            })
            .collect::<Option<Vec<T>>>()
            .ok_or_else(|| Error::Mismatch(format!("{list} do not add up")))
    }
}
