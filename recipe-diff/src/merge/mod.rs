//! Three-way merge of recipes: [`merge()`], its [`Merge`] and [`Conflict`]s.
//!
//! Two cooks start from one recipe (BASE) and change it apart: OURS and
//! THEIRS. The merge keeps every change of both, and names the places
//! where they disagree. A change is what [`diff()`](crate::diff()) calls a
//! change, so the merge sees what a line-based merge cannot:
//!
//! - a restatement on one side (another unit for the same amount, a
//!   respelled name, renumbered or reordered items) never conflicts with a
//!   real change on the other: the real change wins, its number and unit
//!   whole;
//! - the same change on both sides is made once;
//! - a whole-recipe scaling on one side composes with the other side's
//!   changes: they are brought to the scaled size;
//! - steps are merged by alignment, not position: one side's edit of a
//!   step that the other side moved is the edited step at its new place.
//!
//! Two different edits of one step, an edit against a removal, two
//! amounts, names or notes for one ingredient, two substitutions, two
//! scalings, two ratings or two names are [`Conflict`]s. The merged recipe
//! keeps OURS's side of each (what OURS removed stays removed, what OURS
//! changed stays changed) and is complete all the same: every change that
//! does not conflict is in it.
//!
//! ```
//! use recipe_diff::{merge, parse_recipe};
//!
//! let base = parse_recipe(r#"{"recipeName": "Shortbread", "ingredients": [
//!     {"ingredientId": 1, "quantity": 2, "measurement": "cup", "ingredientName": "flour"},
//!     {"ingredientId": 2, "quantity": 1, "measurement": "cup", "ingredientName": "sugar"}],
//!   "steps": [{"stepId": 1, "stepText": "Rub the butter into the flour"},
//!             {"stepId": 2, "stepText": "Bake 20 minutes"}]}"#)?;
//! // OURS halves the sugar and writes the flour in tablespoons.
//! let ours = parse_recipe(r#"{"recipeName": "Shortbread", "ingredients": [
//!     {"ingredientId": 1, "quantity": 32, "measurement": "TBS", "ingredientName": "flour"},
//!     {"ingredientId": 2, "quantity": 0.5, "measurement": "cup", "ingredientName": "sugar"}],
//!   "steps": [{"stepId": 1, "stepText": "Rub the butter into the flour"},
//!             {"stepId": 2, "stepText": "Bake 20 minutes"}]}"#)?;
//! // THEIRS doubles the flour and bakes longer.
//! let theirs = parse_recipe(r#"{"recipeName": "Shortbread", "ingredients": [
//!     {"ingredientId": 1, "quantity": 4, "measurement": "cup", "ingredientName": "flour"},
//!     {"ingredientId": 2, "quantity": 1, "measurement": "cup", "ingredientName": "sugar"}],
//!   "steps": [{"stepId": 1, "stepText": "Rub the butter into the flour"},
//!             {"stepId": 2, "stepText": "Bake 25 minutes"}]}"#)?;
//!
//! let merged = merge(&base, &ours, &theirs);
//! assert!(merged.is_clean());
//! let amounts: Vec<String> = merged.recipe.ingredients.iter()
//!     .map(|i| format!("{} {}", i.quantity.unwrap(), i.measurement.as_deref().unwrap_or("")))
//!     .collect();
//! assert_eq!(amounts, ["4 cup", "1/2 cup"]); // THEIRS's flour, whole; OURS's sugar
//! assert_eq!(&*merged.recipe.steps[1].step_text, "Bake 25 minutes");
//!
//! // Both change the sugar, differently: one conflict, OURS's side kept.
//! let mut other = theirs.clone();
//! other.ingredients[1].quantity = Some("1.5".parse()?);
//! let merged = merge(&base, &ours, &other);
//! assert_eq!(merged.conflicts.len(), 1);
//! assert_eq!(serde_json::to_value(&merged.conflicts[0])?, serde_json::json!({
//!     "recipeField": "ingredient", "ingredientId": 2,
//!     "base": "1 cup", "ours": "1/2 cup", "theirs": "1 1/2 cup"}));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod ingredients;
mod lists;
mod steps;

use serde::{Deserialize, Serialize};

use crate::diff::{diff_aligned, same_factor, same_recipe_name};
use crate::model::Recipe;

/// The outcome of [`merge()`]: the merged recipe and where the two sides
/// disagree.
///
/// Serializes as the `recipe merge --format json` output:
/// `{"recipe": …, "conflicts": […]}`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Merge {
    /// Every change of both sides that does not conflict, and OURS's side
    /// of each conflict: complete even when there are conflicts.
    pub recipe: Recipe,
    /// Where OURS and THEIRS changed the same thing differently, in
    /// recipe order: name, rating, scaling, ingredients, steps.
    pub conflicts: Vec<Conflict>,
}

impl Merge {
    /// Whether the two sides merged without a conflict.
    pub fn is_clean(&self) -> bool {
        self.conflicts.is_empty()
    }
}

/// One thing OURS and THEIRS changed differently, with the three values as
/// a cook reads them (`"2 cup"`, `"Bake 25 minutes"`, `"4.5"`); the empty
/// string for a side that does not have it (it removed the step, or BASE
/// had no rating).
///
/// In JSON, the place's fields come first:
/// `{"recipeField": "ingredient", "ingredientId": 2, "base": "1 cup",
/// "ours": "1/2 cup", "theirs": "2 cup"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Conflict {
    /// What the conflict is about, named by BASE's ids.
    #[serde(flatten)]
    pub place: ConflictPlace,
    /// BASE's value.
    pub base: String,
    /// OURS's value: the one the merged recipe keeps.
    pub ours: String,
    /// THEIRS's value.
    pub theirs: String,
}

impl Conflict {
    /// The same conflict seen with OURS and THEIRS exchanged.
    pub fn swapped(self) -> Self {
        Conflict {
            ours: self.theirs,
            theirs: self.ours,
            ..self
        }
    }
}

/// What a [`Conflict`] is about: `recipeField` in JSON, with the BASE id
/// that names the ingredient or step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "recipeField", rename_all = "camelCase")]
pub enum ConflictPlace {
    /// An ingredient: its amount, name, note or the whole of it (a
    /// substitution, a removal). A conflict between two scalings is one
    /// too, with no id.
    #[serde(rename_all = "camelCase")]
    Ingredient {
        /// BASE's `ingredientId`; `null` for a scaling, for an ingredient
        /// both sides added, or when BASE gives none.
        ingredient_id: Option<i64>,
    },
    /// A step: its text, or where it is done.
    #[serde(rename_all = "camelCase")]
    Instruction {
        /// BASE's `stepId`; `null` when BASE gives none.
        step_id: Option<i64>,
    },
    /// The rating.
    Rating,
    /// The recipe's name.
    Name,
}

/// Merges the changes OURS and THEIRS each made to BASE.
///
/// Pure and total: any three recipes merge, the conflicts say where the
/// sides disagree, and the merged recipe keeps OURS's side there. Merging
/// a side with BASE gives that side exactly: `merge(a, a, b) == b`,
/// `merge(a, b, a) == b` and `merge(a, b, b) == b`, with no conflicts.
///
/// See the [module documentation](self) for what merges cleanly.
pub fn merge(base: &Recipe, ours: &Recipe, theirs: &Recipe) -> Merge {
    // Each side's changes, as `diff` finds them; the merge reads which item
    // became which, never the word runs of an edited step.
    let ours_diff = diff_aligned(base, ours);
    let theirs_diff = diff_aligned(base, theirs);
    let mut conflicts = Vec::new();

    let recipe_name = match pick(
        &base.recipe_name,
        &ours.recipe_name,
        &theirs.recipe_name,
        |a, b| same_recipe_name(a, b),
    ) {
        Pick::Ours => ours.recipe_name.clone(),
        Pick::Theirs => theirs.recipe_name.clone(),
        Pick::Conflict => {
            conflicts.push(Conflict {
                place: ConflictPlace::Name,
                base: base.recipe_name.to_string(),
                ours: ours.recipe_name.to_string(),
                theirs: theirs.recipe_name.to_string(),
            });
            ours.recipe_name.clone()
        }
    };
    let rating = match pick(&base.rating, &ours.rating, &theirs.rating, |a, b| a == b) {
        Pick::Ours => ours.rating,
        Pick::Theirs => theirs.rating,
        Pick::Conflict => {
            let show = |r: Option<f64>| r.map(|r| r.to_string()).unwrap_or_default();
            conflicts.push(Conflict {
                place: ConflictPlace::Rating,
                base: show(base.rating),
                ours: show(ours.rating),
                theirs: show(theirs.rating),
            });
            ours.rating
        }
    };
    // An id is only ever restated: OURS's, unless OURS left BASE's.
    let recipe_id = if ours.recipe_id == base.recipe_id {
        theirs.recipe_id
    } else {
        ours.recipe_id
    };

    let sizes = Sizes::new(
        ours_diff.scaling.map(|s| s.factor),
        theirs_diff.scaling.map(|s| s.factor),
        &mut conflicts,
    );
    let ingredients = ingredients::merge_ingredients(
        (base, &ours_diff, ours),
        (&theirs_diff, theirs),
        &sizes,
        &mut conflicts,
    );
    let steps = steps::merge_steps(
        (base, &ours_diff, ours),
        (&theirs_diff, theirs),
        &mut conflicts,
    );

    Merge {
        recipe: Recipe {
            recipe_name,
            recipe_id,
            rating,
            ingredients,
            steps,
        },
        conflicts,
    }
}

/// Which side a three-way choice takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pick {
    Ours,
    Theirs,
    Conflict,
}

/// The three-way choice for one value, where `same` tells a real change
/// from a restatement: the side that changed it wins; when neither did,
/// OURS's way of writing it, unless OURS wrote it as BASE did; when both
/// did, alike, OURS's.
fn pick<T: PartialEq + ?Sized>(
    base: &T,
    ours: &T,
    theirs: &T,
    same: impl Fn(&T, &T) -> bool,
) -> Pick {
    choose(
        (!same(base, ours), !same(base, theirs)),
        || ours == base,
        || same(ours, theirs),
    )
}

/// [`pick`] where whether each side changed the value is already known
/// (from its diff): `ours_as_base` tells whether OURS wrote it exactly as
/// BASE did, `alike` whether two changes are the same change. Each is
/// asked only when the answer depends on it.
fn choose(
    (ours_changed, theirs_changed): (bool, bool),
    ours_as_base: impl FnOnce() -> bool,
    alike: impl FnOnce() -> bool,
) -> Pick {
    match (ours_changed, theirs_changed) {
        (false, false) if ours_as_base() => Pick::Theirs,
        (false, false) | (true, false) => Pick::Ours,
        (false, true) => Pick::Theirs,
        (true, true) if alike() => Pick::Ours,
        (true, true) => Pick::Conflict,
    }
}

/// The size of the merged recipe relative to BASE, and each side's size:
/// amounts from a side are multiplied by `merged / side` so that a scaling
/// on one side composes with the other side's changes.
#[derive(Debug, Clone, Copy)]
struct Sizes {
    /// OURS's scaling, if it made one.
    ours: Option<f64>,
    /// THEIRS's scaling, if it made one.
    theirs: Option<f64>,
    /// What OURS's amounts are multiplied by.
    ours_to_merged: f64,
    /// What THEIRS's amounts are multiplied by.
    theirs_to_merged: f64,
}

impl Sizes {
    /// The merged size is OURS's scaling, else THEIRS's; two different
    /// scalings are a conflict, and OURS's stands.
    fn new(ours: Option<f64>, theirs: Option<f64>, conflicts: &mut Vec<Conflict>) -> Self {
        let merged = match (ours, theirs) {
            (Some(o), Some(t)) if !same_factor(o, t) => {
                let show = |f: f64| format!("×{}", crate::render::factor(f));
                conflicts.push(Conflict {
                    place: ConflictPlace::Ingredient {
                        ingredient_id: None,
                    },
                    base: show(1.0),
                    ours: show(o),
                    theirs: show(t),
                });
                Some(o)
            }
            _ => ours.or(theirs),
        };
        // Exactly 1 whenever a side is at the merged size already, so
        // its amounts pass through untouched.
        let to_merged = |side: Option<f64>| match (merged, side) {
            (Some(m), Some(s)) if m == s => 1.0,
            (Some(m), Some(s)) => m / s,
            (Some(m), None) => m,
            (None, _) => 1.0,
        };
        Sizes {
            ours,
            theirs,
            ours_to_merged: to_merged(ours),
            theirs_to_merged: to_merged(theirs),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pick_takes_the_changing_side() {
        let same = |a: &str, b: &str| a.eq_ignore_ascii_case(b);
        assert_eq!(pick("a", "a", "B", same), Pick::Theirs);
        assert_eq!(pick("a", "A", "a", same), Pick::Ours);
        assert_eq!(pick("a", "A", "b", same), Pick::Theirs);
        assert_eq!(pick("a", "b", "A", same), Pick::Ours);
        assert_eq!(pick("a", "b", "B", same), Pick::Ours);
        assert_eq!(pick("a", "b", "c", same), Pick::Conflict);
    }

    #[test]
    fn a_conflict_serializes_as_the_cli_prints_it() {
        let conflict = Conflict {
            place: ConflictPlace::Instruction { step_id: None },
            base: "Bake 20 minutes".into(),
            ours: "Bake 25 minutes".into(),
            theirs: String::new(),
        };
        let json = serde_json::to_value(&conflict).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"recipeField": "instruction", "stepId": null,
                "base": "Bake 20 minutes", "ours": "Bake 25 minutes", "theirs": ""})
        );
        assert_eq!(serde_json::from_value::<Conflict>(json).unwrap(), conflict);
        let rating = Conflict {
            place: ConflictPlace::Rating,
            base: String::new(),
            ours: "4".into(),
            theirs: "5".into(),
        };
        assert_eq!(
            serde_json::to_string(&rating).unwrap(),
            r#"{"recipeField":"rating","base":"","ours":"4","theirs":"5"}"#
        );
    }

    #[test]
    fn two_scalings_conflict_and_ours_stands() {
        let mut conflicts = Vec::new();
        let sizes = Sizes::new(Some(2.0), Some(0.5), &mut conflicts);
        assert_eq!(sizes.ours_to_merged, 1.0);
        assert_eq!(sizes.theirs_to_merged, 4.0);
        assert_eq!(conflicts.len(), 1);
        assert_eq!(conflicts[0].theirs, "×½");
        let sizes = Sizes::new(None, Some(2.0), &mut conflicts);
        assert_eq!((sizes.ours_to_merged, sizes.theirs_to_merged), (2.0, 1.0));
        assert_eq!(conflicts.len(), 1);
    }
}
