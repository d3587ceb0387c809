//! The structured difference between a recipe and a make: [`RecipeDiff`].
//!
//! A diff holds two kinds of entries:
//!
//! - **differences**: what the cook did differently (more cinnamon, a skipped
//!   step, a new rating). Renderers show these, and [`RecipeDiff::is_empty`]
//!   looks only at them.
//! - **restatements**: the same thing written differently (`pieCrust` as
//!   `pie crust`, `0.5 TBS` as `1.5 tsp`, steps renumbered, ingredients
//!   listed in another order, amounts already explained by a [`Scaling`]).
//!   They are not differences, but a diff keeps them so that
//!   [`apply`](crate::apply) rebuilds the make exactly.
//!
//! Indices are positions in the original's or the make's lists. Entries that
//! carry a `make_index` are placed there by `apply`; every original item
//! that no entry mentions kept its content and its relative order.

use serde::{Deserialize, Serialize};

use crate::model::{Ingredient, Step};

/// Everything that differs between an original recipe and a make.
///
/// `restatements` are changes of form only (respelled names, converted
/// units, renumbering): not differences, but kept so the make can be
/// rebuilt exactly.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct RecipeDiff {
    /// The original recipe's id, so flat renderings can name it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recipe_id: Option<i64>,
    /// The make's id, when the diff was computed for a make that has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub make_id: Option<i64>,
    /// A renamed recipe.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::openapi::TextChange>))]
    pub name: Option<Change<String>>,
    /// A new, changed or withdrawn rating.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::openapi::RatingChange>))]
    pub rating: Option<Change<Option<f64>>>,
    /// Every amount multiplied by one factor: one change, not one per
    /// ingredient.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scaling: Option<Scaling>,
    /// Ingredient differences, in original order then make order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ingredients: Vec<IngredientChange>,
    /// Step differences, in original order then make order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub steps: Vec<StepChange>,
    /// Changes of form only, kept so the make can be rebuilt exactly.
    #[serde(default, skip_serializing_if = "Restatements::is_empty")]
    pub restatements: Restatements,
}

/// One entry of a list diff seen uniformly, whatever difference or
/// restatement it came from: what rebuilding the make's list needs.
///
/// [`RecipeDiff::ingredient_edits`] and [`RecipeDiff::step_edits`] list them;
/// [`apply`](crate::apply) and the JSON Patch renderer both work from them.
#[derive(Debug, PartialEq)]
pub enum ListEdit<'a, T> {
    /// A new item at `make_index`.
    Add {
        /// Position in the make.
        make_index: usize,
        /// The make's item.
        item: &'a T,
    },
    /// An original item the make does not have.
    Remove {
        /// Position in the original.
        original_index: usize,
        /// The original's item.
        item: &'a T,
    },
    /// An original item whose place or content the make changes.
    Replace {
        /// Position in the original.
        original_index: usize,
        /// Position in the make.
        make_index: usize,
        /// The original's item.
        original: &'a T,
        /// The make's item.
        make: &'a T,
        /// False for a substitution: another thing stands in its place.
        same_item: bool,
    },
}

// A view of references copies for any `T`; derive would demand `T: Copy`.
impl<T> Clone for ListEdit<'_, T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for ListEdit<'_, T> {}

impl<'a, T> ListEdit<'a, T> {
    fn replace(pair: &'a Paired<T>, same_item: bool) -> Self {
        ListEdit::Replace {
            original_index: pair.original_index,
            make_index: pair.make_index,
            original: &pair.original,
            make: &pair.make,
            same_item,
        }
    }
}

/// A value before and after.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Change<T> {
    /// The original recipe's value.
    // Inline: `T` is a string or a number, which have no component to
    // refer to.
    #[cfg_attr(feature = "openapi", schema(inline))]
    pub original: T,
    /// The make's value.
    #[cfg_attr(feature = "openapi", schema(inline))]
    pub make: T,
}

impl<T> Change<T> {
    /// Builds a change from its two sides.
    pub fn new(original: T, make: T) -> Self {
        Change { original, make }
    }

    /// The same change seen from the make's side.
    pub fn inverted(self) -> Self {
        Change {
            original: self.make,
            make: self.original,
        }
    }
}

/// The whole recipe made at a different size.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Scaling {
    /// Make amount over original amount, the same for every ingredient
    /// (2 for a doubled recipe).
    pub factor: f64,
}

/// A difference in the ingredient list, by `kind`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum IngredientChange {
    /// The make uses an ingredient the original does not.
    #[serde(rename_all = "camelCase")]
    Added {
        /// Position in the make.
        make_index: usize,
        /// The ingredient as the make has it.
        ingredient: Ingredient,
    },
    /// The make leaves out an ingredient.
    #[serde(rename_all = "camelCase")]
    Removed {
        /// Position in the original.
        original_index: usize,
        /// The ingredient as the original has it.
        ingredient: Ingredient,
    },
    /// One ingredient swapped for another in the same place (butter for
    /// margarine).
    #[cfg_attr(feature = "openapi", schema(value_type = crate::openapi::PairedIngredient))]
    Substituted(Paired<Ingredient>),
    /// The same ingredient with a different amount, name or note.
    Modified(ModifiedIngredient),
}

/// An ingredient found in both recipes whose content differs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ModifiedIngredient {
    /// Position in the original.
    pub original_index: usize,
    /// Position in the make.
    pub make_index: usize,
    /// The original's record.
    pub original: Ingredient,
    /// The make's record.
    pub make: Ingredient,
    /// Which fields differ, in a fixed order: quantity, measurement, name, note.
    pub fields: Vec<IngredientField>,
    /// Make amount over original amount, when both are measured in the same
    /// dimension (1.5 means half as much again).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ratio: Option<f64>,
}

/// A field of an ingredient that can differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum IngredientField {
    /// How much.
    Quantity,
    /// The unit, when the amount differs too.
    Measurement,
    /// What it is, beyond spelling.
    IngredientName,
    /// Preparation remark.
    Note,
}

/// Two records found at matching positions of the original and the make.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Paired<T> {
    /// Position in the original.
    pub original_index: usize,
    /// Position in the make.
    pub make_index: usize,
    /// The original's record.
    pub original: T,
    /// The make's record.
    pub make: T,
}

impl<T> Paired<T> {
    /// The same pair seen from the make's side.
    pub fn inverted(self) -> Self {
        Paired {
            original_index: self.make_index,
            make_index: self.original_index,
            original: self.make,
            make: self.original,
        }
    }
}

/// A difference in the method, by `kind`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum StepChange {
    /// A step the original does not have.
    #[serde(rename_all = "camelCase")]
    Added {
        /// Position in the make.
        make_index: usize,
        /// The step as the make has it.
        step: Step,
    },
    /// A skipped step.
    #[serde(rename_all = "camelCase")]
    Removed {
        /// Position in the original.
        original_index: usize,
        /// The step as the original has it.
        step: Step,
    },
    /// The same step, reworded.
    Edited(EditedStep),
    /// The same step, done at another point.
    #[cfg_attr(feature = "openapi", schema(value_type = crate::openapi::PairedStep))]
    Moved(Paired<Step>),
}

/// A step found in both recipes with different wording.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct EditedStep {
    /// Position in the original.
    pub original_index: usize,
    /// Position in the make.
    pub make_index: usize,
    /// The original's step.
    pub original: Step,
    /// The make's step.
    pub make: Step,
    /// Word-level changes from the original text to the make's.
    pub words: Vec<WordChange>,
    /// Whether the step was also done at another point.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub moved: bool,
}

/// A run of words in an edited step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WordChange {
    /// Whether the run is kept, dropped or new.
    pub op: WordOp,
    /// The words, with their spacing.
    pub text: String,
}

/// What happened to a run of words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum WordOp {
    /// In both texts.
    Equal,
    /// Only in the original.
    Delete,
    /// Only in the make.
    Insert,
}

/// Changes of form only: not differences, but kept so that applying the
/// diff rebuilds the make exactly.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Restatements {
    /// The recipe id written differently.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::openapi::IdChange>))]
    pub recipe_id: Option<Change<Option<i64>>>,
    /// The name in other case or spacing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::openapi::TextChange>))]
    pub name: Option<Change<String>>,
    /// Matched ingredients written differently, renumbered, listed in
    /// another order, or with an amount explained by the scaling.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<crate::openapi::PairedIngredient>))]
    pub ingredients: Vec<Paired<Ingredient>>,
    /// Matched steps renumbered or written differently.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<crate::openapi::PairedStep>))]
    pub steps: Vec<Paired<Step>>,
}

impl Restatements {
    /// Whether there is nothing to restate.
    pub fn is_empty(&self) -> bool {
        self.recipe_id.is_none()
            && self.name.is_none()
            && self.ingredients.is_empty()
            && self.steps.is_empty()
    }

    /// The same restatements seen from the make's side.
    pub fn inverted(self) -> Self {
        Restatements {
            recipe_id: self.recipe_id.map(Change::inverted),
            name: self.name.map(Change::inverted),
            ingredients: self.ingredients.into_iter().map(Paired::inverted).collect(),
            steps: self.steps.into_iter().map(Paired::inverted).collect(),
        }
    }
}

impl RecipeDiff {
    /// Whether the make differs from the original in anything a cook would
    /// call a difference. Restatements do not count.
    pub fn is_empty(&self) -> bool {
        self.change_count() == 0
    }

    /// Every change to the ingredient list, differences and restatements.
    pub fn ingredient_edits(&self) -> impl Iterator<Item = ListEdit<'_, Ingredient>> {
        let differences = self.ingredients.iter().map(|change| match change {
            IngredientChange::Added {
                make_index,
                ingredient,
            } => ListEdit::Add {
                make_index: *make_index,
                item: ingredient,
            },
            IngredientChange::Removed {
                original_index,
                ingredient,
            } => ListEdit::Remove {
                original_index: *original_index,
                item: ingredient,
            },
            IngredientChange::Substituted(pair) => ListEdit::replace(pair, false),
            IngredientChange::Modified(m) => ListEdit::Replace {
                original_index: m.original_index,
                make_index: m.make_index,
                original: &m.original,
                make: &m.make,
                same_item: true,
            },
        });
        let restated = self
            .restatements
            .ingredients
            .iter()
            .map(|pair| ListEdit::replace(pair, true));
        differences.chain(restated)
    }

    /// Every change to the step list, differences and restatements.
    pub fn step_edits(&self) -> impl Iterator<Item = ListEdit<'_, Step>> {
        let differences = self.steps.iter().map(|change| match change {
            StepChange::Added { make_index, step } => ListEdit::Add {
                make_index: *make_index,
                item: step,
            },
            StepChange::Removed {
                original_index,
                step,
            } => ListEdit::Remove {
                original_index: *original_index,
                item: step,
            },
            StepChange::Edited(e) => ListEdit::Replace {
                original_index: e.original_index,
                make_index: e.make_index,
                original: &e.original,
                make: &e.make,
                same_item: true,
            },
            StepChange::Moved(pair) => ListEdit::replace(pair, true),
        });
        let restated = self
            .restatements
            .steps
            .iter()
            .map(|pair| ListEdit::replace(pair, true));
        differences.chain(restated)
    }

    /// How many differences there are; a scaling counts once.
    pub fn change_count(&self) -> usize {
        usize::from(self.name.is_some())
            + usize::from(self.rating.is_some())
            + usize::from(self.scaling.is_some())
            + self.ingredients.len()
            + self.steps.len()
    }

    /// The diff that turns the make back into the original.
    ///
    /// `apply(make, &diff.inverted())` gives back the original, and
    /// `diff(make, original)` equals `diff(original, make).inverted()`.
    pub fn inverted(self) -> Self {
        // The inverse's original is the make: its id is the make's, which
        // differs from ours only when the diff restates the id.
        let recipe_id = match &self.restatements.recipe_id {
            Some(id) => id.make,
            None => self.recipe_id,
        };
        let mut inverse = RecipeDiff {
            recipe_id,
            make_id: self.make_id,
            name: self.name.map(Change::inverted),
            rating: self.rating.map(Change::inverted),
            scaling: self.scaling,
            ingredients: self
                .ingredients
                .into_iter()
                .map(IngredientChange::inverted)
                .collect(),
            steps: self.steps.into_iter().map(StepChange::inverted).collect(),
            restatements: self.restatements.inverted(),
        };
        inverse.sort();
        // Ratios and factors are derived from the records; recomputing them
        // the way a direct diff would (rather than taking 1/x, which is not
        // exact in floating point) keeps inversion an exact involution.
        if inverse.scaling.is_some() {
            inverse.scaling = crate::diff::scaling_of(inverse.amount_pairs());
        }
        inverse
    }

    /// Every matched ingredient pair whose amount the diff records, in
    /// original order.
    fn amount_pairs(&self) -> Vec<(&Ingredient, &Ingredient)> {
        let mut pairs: Vec<(usize, &Ingredient, &Ingredient)> = self
            .ingredients
            .iter()
            .filter_map(|change| match change {
                IngredientChange::Modified(m) => Some((m.original_index, &m.original, &m.make)),
                _ => None,
            })
            .chain(
                self.restatements
                    .ingredients
                    .iter()
                    .map(|p| (p.original_index, &p.original, &p.make)),
            )
            .collect();
        pairs.sort_by_key(|(index, _, _)| *index);
        pairs.into_iter().map(|(_, o, m)| (o, m)).collect()
    }

    /// Puts every list in reading order, so equal diffs compare equal.
    pub(crate) fn sort(&mut self) {
        self.ingredients.sort_by_key(IngredientChange::position);
        self.steps.sort_by_key(StepChange::position);
        self.restatements
            .ingredients
            .sort_by_key(|p| p.original_index);
        self.restatements.steps.sort_by_key(|p| p.original_index);
    }
}

impl IngredientChange {
    /// Where the change reads in a list of changes: by original position,
    /// additions by make position, removals first.
    pub(crate) fn position(&self) -> (usize, u8) {
        match self {
            IngredientChange::Removed { original_index, .. } => (*original_index, 0),
            IngredientChange::Substituted(p) => (p.original_index, 1),
            IngredientChange::Modified(m) => (m.original_index, 1),
            IngredientChange::Added { make_index, .. } => (*make_index, 2),
        }
    }

    /// The same change seen from the make's side.
    pub fn inverted(self) -> Self {
        match self {
            IngredientChange::Added {
                make_index,
                ingredient,
            } => IngredientChange::Removed {
                original_index: make_index,
                ingredient,
            },
            IngredientChange::Removed {
                original_index,
                ingredient,
            } => IngredientChange::Added {
                make_index: original_index,
                ingredient,
            },
            IngredientChange::Substituted(pair) => IngredientChange::Substituted(pair.inverted()),
            IngredientChange::Modified(m) => IngredientChange::Modified(ModifiedIngredient {
                ratio: m
                    .ratio
                    .and_then(|_| crate::diff::amount_ratio(&m.make, &m.original)),
                original_index: m.make_index,
                make_index: m.original_index,
                original: m.make,
                make: m.original,
                fields: m.fields,
            }),
        }
    }
}

impl StepChange {
    /// Where the change reads in a list of changes: by original position,
    /// additions by make position, removals first.
    pub(crate) fn position(&self) -> (usize, u8) {
        match self {
            StepChange::Removed { original_index, .. } => (*original_index, 0),
            StepChange::Edited(e) => (e.original_index, 1),
            StepChange::Moved(p) => (p.original_index, 1),
            StepChange::Added { make_index, .. } => (*make_index, 2),
        }
    }

    /// The same change seen from the make's side.
    pub fn inverted(self) -> Self {
        match self {
            StepChange::Added { make_index, step } => StepChange::Removed {
                original_index: make_index,
                step,
            },
            StepChange::Removed {
                original_index,
                step,
            } => StepChange::Added {
                make_index: original_index,
                step,
            },
            StepChange::Edited(e) => StepChange::Edited(EditedStep {
                original_index: e.make_index,
                make_index: e.original_index,
                original: e.make,
                make: e.original,
                words: inverted_words(e.words),
                moved: e.moved,
            }),
            StepChange::Moved(pair) => StepChange::Moved(pair.inverted()),
        }
    }
}

/// Word runs seen from the make's side. Deletions stay ahead of the
/// insertions next to them, as a direct diff writes them, so inverting
/// twice gives back the same runs.
fn inverted_words(words: Vec<WordChange>) -> Vec<WordChange> {
    let mut runs: Vec<WordChange> = words
        .into_iter()
        .map(|w| WordChange {
            op: match w.op {
                WordOp::Equal => WordOp::Equal,
                WordOp::Delete => WordOp::Insert,
                WordOp::Insert => WordOp::Delete,
            },
            text: w.text,
        })
        .collect();
    let mut i = 1;
    while i < runs.len() {
        if runs[i - 1].op == WordOp::Insert && runs[i].op == WordOp::Delete {
            runs.swap(i - 1, i);
            i += 2;
        } else {
            i += 1;
        }
    }
    runs
}

#[cfg(test)]
mod tests {
    use crate::{Recipe, apply, diff};

    #[test]
    fn the_inverse_names_the_make_as_its_original() {
        // Found by the `diff_apply` fuzz target: inverting kept the
        // original's id, so `diff(b, a)` and `diff(a, b).inverted()`
        // differed when only one of the two recipes had an id.
        let a = Recipe {
            recipe_name: "Pancakes".into(),
            recipe_id: Some(-9),
            ..Recipe::default()
        };
        let b = Recipe {
            recipe_id: None,
            rating: Some(2.5),
            ..a.clone()
        };
        let forward = diff(&a, &b);
        assert_eq!(forward.recipe_id, Some(-9));
        let inverse = forward.inverted();
        assert_eq!(inverse.recipe_id, None);
        assert_eq!(inverse, diff(&b, &a));
        assert_eq!(apply(&b, &inverse), Ok(a));
    }
}
