//! Computing a [`RecipeDiff`].
//!
//! - [`names`]: ingredient names folded for matching;
//! - [`amount`]: amounts compared across units;
//! - [`ingredients`]: matching, substitutions and scaling;
//! - [`steps`]: text alignment of the method;
//! - [`cut`]: step texts cut into words and hashed into word bags;
//! - [`bag`]: how alike two steps' words are;
//! - [`myers`]: the edit script of short sequences (step texts' words, short
//!   methods' steps);
//! - [`order`]: which matched items keep their order.

mod amount;
mod bag;
mod cut;
mod ingredients;
mod myers;
mod names;
mod order;
mod steps;

use std::cmp::Ordering;
use std::sync::Arc;

use crate::changes::{Change, RecipeDiff, Restatements, Scaling};
use crate::model::{Ingredient, Make, Recipe};

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
    diff_with(original, make, StepDetail::Words)
}

/// [`diff`] without the word runs of edited steps: what a merge reads,
/// which needs to know which step became which, not how its words
/// changed. Every other part is the same as [`diff`]'s.
pub(crate) fn diff_aligned(original: &Recipe, make: &Recipe) -> RecipeDiff {
    diff_with(original, make, StepDetail::Alignment)
}

fn diff_with(original: &Recipe, make: &Recipe, detail: StepDetail) -> RecipeDiff {
    // Alignment and matching break ties by position, which depends on the
    // direction. Diffing every pair in one canonical direction and inverting
    // when asked for the other makes `diff(b, a) == diff(a, b).inverted()`
    // hold exactly, as the contract promises.
    if canonical_order(original, make) == Ordering::Greater {
        // `inverted` sorts what it inverts.
        diff_in_order(make, original, detail).inverted()
    } else {
        let mut diff = diff_in_order(original, make, detail);
        diff.sort();
        diff
    }
}

/// A cheap total order on recipes, without allocating: texts first (they
/// usually differ), then every other field.
fn canonical_order(a: &Recipe, b: &Recipe) -> Ordering {
    texts(a)
        .cmp(texts(b))
        .then_with(|| details(a).cmp(details(b)))
}

fn texts(recipe: &Recipe) -> impl Iterator<Item = &str> {
    recipe
        .steps
        .iter()
        .map(|s| s.step_text.as_ref())
        .chain(
            recipe
                .ingredients
                .iter()
                .map(|i| i.ingredient_name.as_ref()),
        )
        .chain(std::iter::once(recipe.recipe_name.as_ref()))
}

/// One comparable piece of a recipe beyond its texts.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
enum Detail<'a> {
    Id(Option<i64>),
    /// Floats by their bits: any consistent total order will do.
    Number(Option<u64>),
    Text(Option<&'a str>),
}

fn details(recipe: &Recipe) -> impl Iterator<Item = Detail<'_>> {
    let head = [
        Detail::Id(recipe.recipe_id),
        Detail::Number(recipe.rating.map(f64::to_bits)),
    ];
    let ingredients = recipe.ingredients.iter().flat_map(|i| {
        [
            Detail::Id(i.ingredient_id),
            Detail::Number(i.quantity.map(|q| q.low().to_bits())),
            Detail::Number(i.quantity.map(|q| q.high().to_bits())),
            Detail::Text(i.measurement.as_deref()),
            Detail::Text(i.note.as_deref()),
        ]
    });
    let steps = recipe.steps.iter().map(|s| Detail::Id(s.step_id));
    head.into_iter().chain(ingredients).chain(steps)
}

/// The diff from `original` to `make`, its lists not yet in the order a
/// diff reads in: each entry's place in that order is its own (no two
/// share one), so sorting once after an inversion gives the same lists as
/// sorting before it too.
fn diff_in_order(original: &Recipe, make: &Recipe, detail: StepDetail) -> RecipeDiff {
    let ingredients = ingredients::diff_ingredients(&original.ingredients, &make.ingredients);
    let steps = steps::diff_steps(&original.steps, &make.steps, detail);
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

/// Make amount over original amount, as a diff reports it.
pub(crate) fn amount_ratio(original: &Ingredient, make: &Ingredient) -> Option<f64> {
    amount::compare(original, make).ratio
}

/// The scaling that explains these (original, make) amount pairs, if any.
pub(crate) fn scaling_of(pairs: Vec<(&Ingredient, &Ingredient)>) -> Option<Scaling> {
    let comparisons: Vec<_> = pairs
        .into_iter()
        .map(|(o, m)| amount::compare(o, m))
        .collect();
    ingredients::detect_scaling(comparisons.iter())
}

pub(crate) use order::anchored;
use steps::StepDetail;

/// Whether two ingredients hold the same amount, as a diff judges it
/// (after unit conversion, within its tolerance).
pub(crate) fn same_amount(a: &Ingredient, b: &Ingredient) -> bool {
    amount::compare(a, b).same
}

/// Whether an amount change of `ratio` is the scaling by `factor`, as a
/// diff judges it.
pub(crate) fn same_factor(ratio: f64, factor: f64) -> bool {
    amount::close(ratio, factor, amount::CONVERSION_TOLERANCE)
}

/// Whether two ingredient names mean the same ingredient outright (case,
/// plural, punctuation and camelCase aside), as a diff judges it.
pub(crate) fn same_ingredient_name(a: &str, b: &str) -> bool {
    a == b || names::NameKey::new(a).same_as(&names::NameKey::new(b))
}

/// Whether two ingredients have the same name and size, as a diff judges
/// them.
pub(crate) fn same_ingredient_names(a: &Ingredient, b: &Ingredient) -> bool {
    same_ingredient_name(&a.ingredient_name, &b.ingredient_name) && same_note(&a.size, &b.size)
}

/// Whether two ingredients have the same preparation and note, as a diff
/// judges them.
pub(crate) fn same_remarks(a: &Ingredient, b: &Ingredient) -> bool {
    same_note(&a.preparation, &b.preparation) && same_note(&a.note, &b.note)
}

/// Whether two ingredient notes differ only in case or spacing.
pub(crate) fn same_note(a: &Option<Arc<str>>, b: &Option<Arc<str>>) -> bool {
    ingredients::notes_agree(a, b)
}

/// Whether two step texts differ only in case, spacing or a final full
/// stop, as a diff judges it.
pub(crate) fn same_step_text(a: &str, b: &str) -> bool {
    a == b || steps::step_key(a) == steps::step_key(b)
}

/// Whether two recipe names differ only in case or spacing.
pub(crate) fn same_recipe_name(a: &str, b: &str) -> bool {
    compare_names(a, b).0.is_none()
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
    let fold = |s: &str| {
        s.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    let change = Some(Change::new(original.to_owned(), make.to_owned()));
    if fold(original) == fold(make) {
        (None, change)
    } else {
        (change, None)
    }
}
