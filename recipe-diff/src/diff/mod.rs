//! Computing a [`RecipeDiff`].
//!
//! - [`names`]: ingredient names folded for matching;
//! - [`amount`]: amounts compared across units;
//! - [`ingredients`]: matching, substitutions and scaling;
//! - [`steps`]: text alignment of the method;
//! - [`order`]: which matched items keep their order.

mod amount;
mod ingredients;
mod names;
mod order;
mod steps;

use crate::changes::{Change, RecipeDiff, Restatements};
use crate::model::{Make, Recipe};

/// Everything that differs between `original` and `make`.
///
/// ```
/// use recipe_diff::{Recipe, Step, diff};
///
/// let original = Recipe {
///     recipe_name: "Tea".into(),
///     steps: vec![Step { step_id: Some(1), step_text: "Boil water".into() },
///                 Step { step_id: Some(2), step_text: "Steep 3 minutes".into() }],
///     ..Recipe::default()
/// };
/// let mut make = original.clone();
/// make.steps[1].step_text = "Steep 5 minutes".into();
/// make.rating = Some(4.0);
///
/// let changes = diff(&original, &make);
/// assert_eq!(changes.change_count(), 2); // the rating and one edited step
/// assert!(diff(&original, &original).is_empty());
/// ```
pub fn diff(original: &Recipe, make: &Recipe) -> RecipeDiff {
    let ingredients = ingredients::diff_ingredients(&original.ingredients, &make.ingredients);
    let steps = steps::diff_steps(&original.steps, &make.steps);
    let (name, restated_name) = compare_names(&original.recipe_name, &make.recipe_name);
    RecipeDiff {
        recipe_id: original.recipe_id,
        make_id: None,
        name,
        rating: (original.rating != make.rating).then(|| Change::new(original.rating, make.rating)),
        scaling: ingredients.scaling,
        ingredients: ingredients.changes,
        steps: steps.changes,
        restatements: Restatements {
            recipe_id: (original.recipe_id != make.recipe_id)
                .then(|| Change::new(original.recipe_id, make.recipe_id)),
            name: restated_name,
            ingredients: ingredients.restated,
            steps: steps.restated,
        },
    }
}

/// [`diff`] for a make, remembering its id.
pub fn diff_make(original: &Recipe, make: &Make) -> RecipeDiff {
    RecipeDiff {
        make_id: make.make_id,
        ..diff(original, &make.recipe)
    }
}

type NameChange = Option<Change<String>>;

/// A rename is a difference; other case or spacing is a restatement.
fn compare_names(original: &str, make: &str) -> (NameChange, NameChange) {
    if original == make {
        return (None, None);
    }
    let fold = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
    let change = Some(Change::new(original.to_owned(), make.to_owned()));
    if fold(original) == fold(make) {
        (None, change)
    } else {
        (change, None)
    }
}
