//! Rebuilding a make from its original and a diff.

use crate::changes::{ListEdit, RecipeDiff};
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
        expect_same("recipeName", name.original.as_str(), &*original.recipe_name)?;
        recipe.recipe_name = name.make.as_str().into();
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
    for edit in diff.ingredient_edits() {
        ingredients.edit(edit)?;
    }
    recipe.ingredients = ingredients.finish()?;

    let mut steps = Placement::new("steps", &original.steps);
    for edit in diff.step_edits() {
        steps.edit(edit)?;
    }
    recipe.steps = steps.finish()?;
    Ok(recipe)
}

fn expect_same<T: PartialEq + std::fmt::Debug + ?Sized>(
    what: &str,
    diff: &T,
    recipe: &T,
) -> Result<()> {
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

    fn edit(&mut self, edit: ListEdit<'_, T>) -> Result<()> {
        match edit {
            ListEdit::Add { make_index, item } => self.placed.push((make_index, item.clone())),
            ListEdit::Remove {
                original_index,
                item,
            } => self.consume(original_index, item)?,
            ListEdit::Replace {
                original_index,
                make_index,
                original,
                make,
                ..
            } => {
                self.consume(original_index, original)?;
                self.placed.push((make_index, make.clone()));
            }
        }
        Ok(())
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
