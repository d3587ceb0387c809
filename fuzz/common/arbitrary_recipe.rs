//! A fuzz-local mirror of the model, built by `arbitrary` from the
//! fuzzer's bytes, that the `diff_apply` and `merge` targets share (each
//! includes it with `#[path]`: every target is a binary of its own).
//!
//! It generates only what the readers can produce (finite, non-negative
//! quantities, ratings from 0 to 5, no blank measurement or note), which
//! the invariants are about, and leans towards a small vocabulary of names,
//! units and words so that the matching, scaling and alignment code meets
//! near-misses, not only unrelated strings. The library keeps no fuzzing
//! dependency.

use arbitrary::Arbitrary;
use recipe_diff::quantity::Quantity;
use recipe_diff::{Ingredient, Recipe, Step};

const NAMES: &[&str] = &[
    "flour",
    "sugar",
    "brown sugar",
    "butter",
    "eggs",
    "egg",
    "milk",
    "salt",
    "cinnamon",
    "apples",
    "pieCrust",
    "pie crust",
    "vanilla extract",
    "olive oil",
    "garlic",
    "",
    " ",
];
const UNITS: &[&str] = &[
    "tsp", "TBS", "tbsp", "cup", "cups", "g", "kg", "oz", "lb", "ml", "l", "unit", "pinch",
    "clove", "Cloves", "fl oz",
];
const WORDS: &[&str] = &[
    "mix", "the", "flour", "and", "sugar", "bake", "for", "20", "minutes", "at", "350", "degrees",
    "stir", "until", "smooth", "add", "eggs", "a", "time", "", "  ", "Mix", ".",
];

/// Text: mostly from a vocabulary, sometimes anything.
#[derive(Debug, Arbitrary)]
pub(crate) enum Text {
    Known(u8),
    Free(String),
}

impl Text {
    fn pick_from(&self, vocabulary: &[&str]) -> String {
        match self {
            Text::Known(index) => pick(vocabulary, *index).to_owned(),
            Text::Free(text) => text.clone(),
        }
    }
}

fn pick<'a>(vocabulary: &[&'a str], index: u8) -> &'a str {
    vocabulary
        .get(usize::from(index) % vocabulary.len().max(1))
        .copied()
        .unwrap_or_default()
}

/// An amount as cooks write them, or any finite non-negative number.
#[derive(Debug, Arbitrary)]
pub(crate) enum Amount {
    Quarters(u16),
    Range(u8, u8),
    Any(f64),
    AnyRange(f64, f64),
}

impl Amount {
    fn quantity(&self) -> Option<Quantity> {
        let readable = |v: f64| (v.is_finite()).then_some(v.abs());
        match *self {
            Amount::Quarters(n) => Some(Quantity::new(f64::from(n) / 4.0)),
            Amount::Range(low, extra) => Some(Quantity::range(
                f64::from(low),
                f64::from(low) + f64::from(extra),
            )),
            Amount::Any(v) => readable(v).map(Quantity::new),
            Amount::AnyRange(low, high) => Some(Quantity::range(readable(low)?, readable(high)?)),
        }
    }
}

#[derive(Debug, Arbitrary)]
pub(crate) struct FuzzIngredient {
    id: Option<i8>,
    amount: Option<Amount>,
    unit: Option<Text>,
    name: Text,
    note: Option<Text>,
}

impl FuzzIngredient {
    fn build(&self) -> Ingredient {
        // The readers drop a blank measurement or note: so do we.
        let not_blank = |text: String| (!text.trim().is_empty()).then(|| text.into());
        Ingredient {
            ingredient_id: self.id.map(i64::from),
            quantity: self.amount.as_ref().and_then(Amount::quantity),
            measurement: self
                .unit
                .as_ref()
                .map(|u| u.pick_from(UNITS))
                .and_then(not_blank),
            ingredient_name: self.name.pick_from(NAMES).into(),
            note: self
                .note
                .as_ref()
                .map(|n| n.pick_from(WORDS))
                .and_then(not_blank),
            ..Ingredient::default()
        }
    }
}

#[derive(Debug, Arbitrary)]
pub(crate) struct FuzzStep {
    id: Option<i8>,
    words: Vec<Text>,
}

impl FuzzStep {
    fn build(&self) -> Step {
        Step {
            step_id: self.id.map(i64::from),
            step_text: self
                .words
                .iter()
                .map(|w| w.pick_from(WORDS))
                .collect::<Vec<_>>()
                .join(" ")
                .into(),
        }
    }
}

#[derive(Debug, Arbitrary)]
pub(crate) struct FuzzRecipe {
    name: Text,
    id: Option<i8>,
    /// Half stars, 0 to 10, or any rating the readers accept.
    rating: Option<Result<u8, f64>>,
    ingredients: Vec<FuzzIngredient>,
    steps: Vec<FuzzStep>,
}

impl FuzzRecipe {
    pub(crate) fn build(&self) -> Recipe {
        Recipe {
            recipe_name: self
                .name
                .pick_from(&["Apple Pie", "apple pie", "Pancakes", ""])
                .into(),
            recipe_id: self.id.map(i64::from),
            rating: self.rating.and_then(|rating| match rating {
                Ok(halves) => Some(f64::from(halves % 11) / 2.0),
                Err(any) => (0.0..=5.0).contains(&any).then_some(any),
            }),
            ingredients: self.ingredients.iter().map(FuzzIngredient::build).collect(),
            steps: self.steps.iter().map(FuzzStep::build).collect(),
        }
    }
}

/// An edit a cook makes, applied to the original to get the make: most
/// interesting pairs are near each other.
#[derive(Debug, Arbitrary)]
pub(crate) enum Edit {
    Quantity(u8, Option<Amount>),
    Unit(u8, Option<u8>),
    Rename(u8, Text),
    Respell(u8),
    RemoveIngredient(u8),
    AddIngredient(u8, FuzzIngredient),
    SwapIngredients(u8, u8),
    Reword(u8, FuzzStep),
    RecaseStep(u8),
    RemoveStep(u8),
    AddStep(u8, FuzzStep),
    MoveStep(u8, u8),
    Renumber,
    Rating(Option<u8>),
    Scale(u8),
}

fn at(len: usize, index: u8) -> Option<usize> {
    (len > 0).then(|| usize::from(index) % len)
}

pub(crate) fn edited(mut recipe: Recipe, edits: &[Edit]) -> Recipe {
    for edit in edits {
        let (ingredients, steps) = (recipe.ingredients.len(), recipe.steps.len());
        match edit {
            Edit::Quantity(i, amount) => {
                if let Some(i) = at(ingredients, *i) {
                    recipe.ingredients[i].quantity = amount.as_ref().and_then(Amount::quantity);
                }
            }
            Edit::Unit(i, unit) => {
                if let Some(i) = at(ingredients, *i) {
                    recipe.ingredients[i].measurement = unit.map(|u| pick(UNITS, u).into());
                }
            }
            Edit::Rename(i, name) => {
                if let Some(i) = at(ingredients, *i) {
                    recipe.ingredients[i].ingredient_name = name.pick_from(NAMES).into();
                }
            }
            Edit::Respell(i) => {
                if let Some(i) = at(ingredients, *i) {
                    let name = &mut recipe.ingredients[i].ingredient_name;
                    *name = name.to_uppercase().into();
                }
            }
            Edit::RemoveIngredient(i) => {
                if let Some(i) = at(ingredients, *i) {
                    recipe.ingredients.remove(i);
                }
            }
            Edit::AddIngredient(i, ingredient) => {
                let i = usize::from(*i) % (ingredients + 1);
                recipe.ingredients.insert(i, ingredient.build());
            }
            Edit::SwapIngredients(i, j) => {
                if let (Some(i), Some(j)) = (at(ingredients, *i), at(ingredients, *j)) {
                    recipe.ingredients.swap(i, j);
                }
            }
            Edit::Reword(i, step) => {
                if let Some(i) = at(steps, *i) {
                    recipe.steps[i].step_text = step.build().step_text;
                }
            }
            Edit::RecaseStep(i) => {
                if let Some(i) = at(steps, *i) {
                    let text = &mut recipe.steps[i].step_text;
                    *text = format!("  {}.", text.to_uppercase()).into();
                }
            }
            Edit::RemoveStep(i) => {
                if let Some(i) = at(steps, *i) {
                    recipe.steps.remove(i);
                }
            }
            Edit::AddStep(i, step) => {
                let i = usize::from(*i) % (steps + 1);
                recipe.steps.insert(i, step.build());
            }
            Edit::MoveStep(i, j) => {
                if let (Some(i), Some(j)) = (at(steps, *i), at(steps, *j)) {
                    let step = recipe.steps.remove(i);
                    recipe.steps.insert(j, step);
                }
            }
            Edit::Renumber => {
                for (k, step) in (1..).zip(&mut recipe.steps) {
                    step.step_id = Some(k);
                }
            }
            Edit::Rating(halves) => recipe.rating = halves.map(|h| f64::from(h % 11) / 2.0),
            Edit::Scale(k) => {
                let factor = f64::from(*k) / 4.0;
                for ingredient in &mut recipe.ingredients {
                    // An amount scaled past f64::MAX is infinite, which no
                    // reader produces: such an amount stays as it was.
                    if let Some(quantity) = ingredient.quantity {
                        let scaled = quantity.scaled(factor);
                        if scaled.high().is_finite() {
                            ingredient.quantity = Some(scaled);
                        }
                    }
                }
            }
        }
    }
    recipe
}
