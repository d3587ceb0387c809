//! Generated recipes, and makes built from them by the edits cooks make:
//! amounts changed or restated in other units, ingredients renamed,
//! swapped, added, removed, reordered; steps reworded, recased, skipped,
//! added, moved, renumbered; a new rating, name or id; the whole recipe
//! scaled.
//!
//! Shared by the test binaries that need recipes: `properties` (the diff)
//! and `merge` (the three-way merge). Each uses only some of it.
#![allow(dead_code)]

use proptest::prelude::*;
use recipe_diff::quantity::Quantity;
use recipe_diff::{Ingredient, Recipe, Step};

pub(crate) const NAMES: &[&str] = &[
    "flour",
    "sugar",
    "brown sugar",
    "butter",
    "eggs",
    "milk",
    "salt",
    "cinnamon",
    "apples",
    "pieCrust",
    "vanilla extract",
    "baking powder",
    "olive oil",
    "garlic",
    "onion",
    "tomatoes",
];
pub(crate) const UNITS: &[&str] = &[
    "tsp", "TBS", "cup", "g", "kg", "oz", "ml", "unit", "pinch", "clove",
];
pub(crate) const WORDS: &[&str] = &[
    "mix", "the", "flour", "and", "sugar", "bake", "for", "20", "minutes", "at", "350", "degrees",
    "stir", "gently", "until", "smooth", "add", "eggs", "one", "at", "a", "time", "chill",
];

pub(crate) fn quantity() -> impl Strategy<Value = Option<Quantity>> {
    prop_oneof![
        1 => Just(None),
        6 => (1u32..48).prop_map(|n| Some(Quantity::new(f64::from(n) / 4.0))),
        1 => (1u32..8, 1u32..4).prop_map(|(a, b)| Some(Quantity::range(f64::from(a), f64::from(a + b)))),
        1 => extreme_amount().prop_map(|v| Some(Quantity::new(v))),
        1 => (extreme_amount(), extreme_amount())
            .prop_map(|(a, b)| Some(Quantity::range(a.min(b), a.max(b)))),
    ]
}

/// Amounts at the edges of `f64`, where quotients and unit conversions
/// overflow or underflow: the fuzzer found the invariants broken there
/// three times. Half are values chosen so that a ratio with an everyday
/// amount (1 to 12) is a normal float one way and subnormal or infinite
/// the other; half are any amount, every exponent equally likely.
pub(crate) fn extreme_amount() -> impl Strategy<Value = f64> {
    use proptest::num::f64::{NORMAL, POSITIVE, SUBNORMAL, ZERO};
    prop_oneof![
        proptest::sample::select(vec![
            0.0,
            5e-324,
            1e-310,
            f64::MIN_POSITIVE,
            1e-307,
            1e-306,
            1e306,
            1e307,
            f64::MAX,
        ]),
        POSITIVE | NORMAL | SUBNORMAL | ZERO,
    ]
}

pub(crate) fn ingredient() -> impl Strategy<Value = Ingredient> {
    (
        (
            proptest::option::of(1i64..60),
            quantity(),
            proptest::option::of(proptest::sample::select(UNITS)),
            proptest::sample::select(NAMES),
            proptest::option::of(proptest::sample::select(
                &["sifted", "softened", "chopped"][..],
            )),
        ),
        // What a line read from the web holds beside the name, and lines
        // kept as written because they could not be understood.
        proptest::option::of(proptest::sample::select(&["large", "small"][..])),
        proptest::option::of(proptest::sample::select(&["finely chopped", "peeled"][..])),
        proptest::sample::select(&[None, None, None, Some("1/0 cup flour"), Some("½ ? sugar")][..]),
    )
        .prop_map(
            |((id, quantity, unit, name, note), size, preparation, unparsed)| match unparsed {
                Some(line) => Ingredient {
                    ingredient_id: id,
                    ..Ingredient::as_written(line)
                },
                None => Ingredient {
                    ingredient_id: id,
                    quantity,
                    measurement: unit.map(Into::into),
                    ingredient_name: name.into(),
                    note: note.map(Into::into),
                    size: size.map(Into::into),
                    preparation: preparation.map(Into::into),
                    ..Ingredient::default()
                },
            },
        )
}

pub(crate) fn step_text() -> impl Strategy<Value = String> {
    proptest::collection::vec(proptest::sample::select(WORDS), 1..9).prop_map(|w| w.join(" "))
}

pub(crate) fn recipe() -> impl Strategy<Value = Recipe> {
    (
        proptest::sample::select(&["Apple Pie", "Pancakes", "Bread"][..]),
        proptest::option::of(1i64..5),
        proptest::option::of((0u32..=10).prop_map(|r| f64::from(r) / 2.0)),
        proptest::collection::vec(ingredient(), 0..10),
        proptest::collection::vec(step_text(), 0..12),
    )
        .prop_map(|(name, id, rating, ingredients, steps)| Recipe {
            recipe_name: name.into(),
            recipe_id: id,
            rating,
            ingredients,
            steps: steps
                .into_iter()
                .enumerate()
                .map(|(i, text)| Step {
                    step_id: Some(i as i64 + 1),
                    step_text: text.into(),
                })
                .collect(),
        })
}

/// One edit a cook might make.
#[derive(Debug, Clone)]
pub(crate) enum Edit {
    Quantity(usize, Option<Quantity>),
    Measurement(usize, Option<&'static str>),
    Rename(usize, &'static str),
    Respell(usize),
    RemoveIngredient(usize),
    AddIngredient(usize, Ingredient),
    SwapIngredients(usize, usize),
    RewordStep(usize, String),
    AppendToStep(usize, &'static str),
    RecaseStep(usize),
    RemoveStep(usize),
    AddStep(usize, String),
    MoveStep(usize, usize),
    Renumber,
    Rating(Option<f64>),
    RecipeId(Option<i64>),
    Name(&'static str),
    Scale(u32),
}

pub(crate) fn edit() -> impl Strategy<Value = Edit> {
    let index = 0usize..16;
    prop_oneof![
        (index.clone(), quantity()).prop_map(|(i, q)| Edit::Quantity(i, q)),
        (
            index.clone(),
            proptest::option::of(proptest::sample::select(UNITS))
        )
            .prop_map(|(i, u)| Edit::Measurement(i, u)),
        (index.clone(), proptest::sample::select(NAMES)).prop_map(|(i, n)| Edit::Rename(i, n)),
        index.clone().prop_map(Edit::Respell),
        index.clone().prop_map(Edit::RemoveIngredient),
        (index.clone(), ingredient()).prop_map(|(i, g)| Edit::AddIngredient(i, g)),
        (index.clone(), index.clone()).prop_map(|(i, j)| Edit::SwapIngredients(i, j)),
        (index.clone(), step_text()).prop_map(|(i, t)| Edit::RewordStep(i, t)),
        (index.clone(), proptest::sample::select(WORDS))
            .prop_map(|(i, w)| Edit::AppendToStep(i, w)),
        index.clone().prop_map(Edit::RemoveStep),
        index.clone().prop_map(Edit::RecaseStep),
        (index.clone(), step_text()).prop_map(|(i, t)| Edit::AddStep(i, t)),
        (index.clone(), index).prop_map(|(i, j)| Edit::MoveStep(i, j)),
        Just(Edit::Renumber),
        proptest::option::of((0u32..=10).prop_map(|r| f64::from(r) / 2.0)).prop_map(Edit::Rating),
        proptest::option::of(1i64..5).prop_map(Edit::RecipeId),
        proptest::sample::select(&["Apple Pie", "apple pie", "Apple Tart"][..])
            .prop_map(Edit::Name),
        (1u32..5).prop_map(Edit::Scale),
    ]
}

pub(crate) fn pick(len: usize, i: usize) -> Option<usize> {
    (len > 0).then(|| i % len)
}

pub(crate) fn edited(mut recipe: Recipe, edits: &[Edit]) -> Recipe {
    for edit in edits {
        let (n_ing, n_steps) = (recipe.ingredients.len(), recipe.steps.len());
        match edit.clone() {
            Edit::Quantity(i, q) => {
                if let Some(i) = pick(n_ing, i) {
                    recipe.ingredients[i].quantity = q;
                }
            }
            Edit::Measurement(i, u) => {
                if let Some(i) = pick(n_ing, i) {
                    recipe.ingredients[i].measurement = u.map(Into::into);
                }
            }
            Edit::Rename(i, name) => {
                if let Some(i) = pick(n_ing, i) {
                    recipe.ingredients[i].ingredient_name = name.into();
                }
            }
            Edit::Respell(i) => {
                if let Some(i) = pick(n_ing, i) {
                    let name = &mut recipe.ingredients[i].ingredient_name;
                    *name = name.to_uppercase().into();
                }
            }
            Edit::RemoveIngredient(i) => {
                if let Some(i) = pick(n_ing, i) {
                    recipe.ingredients.remove(i);
                }
            }
            Edit::AddIngredient(i, ingredient) => {
                recipe.ingredients.insert(i % (n_ing + 1), ingredient);
            }
            Edit::SwapIngredients(i, j) => {
                if let (Some(i), Some(j)) = (pick(n_ing, i), pick(n_ing, j)) {
                    recipe.ingredients.swap(i, j);
                }
            }
            Edit::RewordStep(i, text) => {
                if let Some(i) = pick(n_steps, i) {
                    recipe.steps[i].step_text = text.into();
                }
            }
            Edit::AppendToStep(i, word) => {
                if let Some(i) = pick(n_steps, i) {
                    let step = &mut recipe.steps[i];
                    step.step_text = format!("{} {word}", step.step_text).into();
                }
            }
            Edit::RecaseStep(i) => {
                if let Some(i) = pick(n_steps, i) {
                    let text = &mut recipe.steps[i].step_text;
                    *text = format!("  {}.", text.to_uppercase()).into();
                }
            }
            Edit::RemoveStep(i) => {
                if let Some(i) = pick(n_steps, i) {
                    recipe.steps.remove(i);
                }
            }
            Edit::AddStep(i, text) => {
                recipe.steps.insert(
                    i % (n_steps + 1),
                    Step {
                        step_id: Some(99),
                        step_text: text.into(),
                    },
                );
            }
            Edit::MoveStep(i, j) => {
                if let (Some(i), Some(j)) = (pick(n_steps, i), pick(n_steps, j)) {
                    let step = recipe.steps.remove(i);
                    recipe.steps.insert(j, step);
                }
            }
            Edit::Renumber => {
                for (k, step) in recipe.steps.iter_mut().enumerate() {
                    step.step_id = Some(k as i64 + 1);
                }
            }
            Edit::Rating(rating) => recipe.rating = rating,
            Edit::RecipeId(id) => recipe.recipe_id = id,
            Edit::Name(name) => recipe.recipe_name = name.into(),
            Edit::Scale(k) => {
                for ingredient in &mut recipe.ingredients {
                    // Past `f64::MAX` an amount would be infinite, which
                    // no reader produces: such an amount stays as it was.
                    if let Some(scaled) = ingredient
                        .quantity
                        .map(|q| q.scaled(f64::from(k)))
                        .filter(|q| q.high().is_finite())
                    {
                        ingredient.quantity = Some(scaled);
                    }
                }
            }
        }
    }
    recipe
}

pub(crate) fn pair() -> impl Strategy<Value = (Recipe, Recipe)> {
    (recipe(), proptest::collection::vec(edit(), 0..8)).prop_map(|(original, edits)| {
        let make = edited(original.clone(), &edits);
        (original, make)
    })
}

/// A BASE and two sides, each edited from it on its own: a three-way
/// merge's input.
pub(crate) fn triple() -> impl Strategy<Value = (Recipe, Recipe, Recipe)> {
    (
        recipe(),
        proptest::collection::vec(edit(), 0..6),
        proptest::collection::vec(edit(), 0..6),
    )
        .prop_map(|(base, ours_edits, theirs_edits)| {
            let ours = edited(base.clone(), &ours_edits);
            let theirs = edited(base.clone(), &theirs_edits);
            (base, ours, theirs)
        })
}
