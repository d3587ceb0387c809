//! Property tests for the invariants of the diff:
//!
//! - `diff(a, a)` is empty, with nothing to restate;
//! - `apply(a, diff(a, b)) == b`, for any pair;
//! - `apply(b, diff(a, b).inverted()) == a`: the inverse undoes the diff;
//! - `diff(b, a)` is `diff(a, b).inverted()`, with as many differences;
//! - the flat list numbers its items 1, 2, 3…, gives a `factor` to the
//!   scaling alone, and reads back from its JSON unchanged;
//! - reading arbitrary JSON or text never panics.
//!
//! Makes are generated from originals by the edits cooks make: amounts
//! changed or restated in other units, ingredients renamed, swapped, added,
//! removed, reordered; steps reworded, recased, skipped, added, moved,
//! renumbered; a new rating, name or id; the whole recipe scaled.

use proptest::prelude::*;
use recipe_diff::quantity::Quantity;
use recipe_diff::render::{SeedChange, SeedDifference, seed};
use recipe_diff::{Ingredient, Recipe, Step, apply, diff, parse_make, parse_recipe};

const NAMES: &[&str] = &[
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
const UNITS: &[&str] = &[
    "tsp", "TBS", "cup", "g", "kg", "oz", "ml", "unit", "pinch", "clove",
];
const WORDS: &[&str] = &[
    "mix", "the", "flour", "and", "sugar", "bake", "for", "20", "minutes", "at", "350", "degrees",
    "stir", "gently", "until", "smooth", "add", "eggs", "one", "at", "a", "time", "chill",
];

fn quantity() -> impl Strategy<Value = Option<Quantity>> {
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
fn extreme_amount() -> impl Strategy<Value = f64> {
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

fn ingredient() -> impl Strategy<Value = Ingredient> {
    (
        proptest::option::of(1i64..60),
        quantity(),
        proptest::option::of(proptest::sample::select(UNITS)),
        proptest::sample::select(NAMES),
        proptest::option::of(proptest::sample::select(
            &["sifted", "softened", "chopped"][..],
        )),
    )
        .prop_map(|(id, quantity, unit, name, note)| Ingredient {
            ingredient_id: id,
            quantity,
            measurement: unit.map(str::to_owned),
            ingredient_name: name.to_owned(),
            note: note.map(str::to_owned),
        })
}

fn step_text() -> impl Strategy<Value = String> {
    proptest::collection::vec(proptest::sample::select(WORDS), 1..9).prop_map(|w| w.join(" "))
}

fn recipe() -> impl Strategy<Value = Recipe> {
    (
        proptest::sample::select(&["Apple Pie", "Pancakes", "Bread"][..]),
        proptest::option::of(1i64..5),
        proptest::option::of((0u32..=10).prop_map(|r| f64::from(r) / 2.0)),
        proptest::collection::vec(ingredient(), 0..10),
        proptest::collection::vec(step_text(), 0..12),
    )
        .prop_map(|(name, id, rating, ingredients, steps)| Recipe {
            recipe_name: name.to_owned(),
            recipe_id: id,
            rating,
            ingredients,
            steps: steps
                .into_iter()
                .enumerate()
                .map(|(i, text)| Step {
                    step_id: Some(i as i64 + 1),
                    step_text: text,
                })
                .collect(),
        })
}

/// One edit a cook might make.
#[derive(Debug, Clone)]
enum Edit {
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

fn edit() -> impl Strategy<Value = Edit> {
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

fn pick(len: usize, i: usize) -> Option<usize> {
    (len > 0).then(|| i % len)
}

fn edited(mut recipe: Recipe, edits: &[Edit]) -> Recipe {
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
                    recipe.ingredients[i].measurement = u.map(str::to_owned);
                }
            }
            Edit::Rename(i, name) => {
                if let Some(i) = pick(n_ing, i) {
                    recipe.ingredients[i].ingredient_name = name.to_owned();
                }
            }
            Edit::Respell(i) => {
                if let Some(i) = pick(n_ing, i) {
                    let name = &mut recipe.ingredients[i].ingredient_name;
                    *name = name.to_uppercase();
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
                    recipe.steps[i].step_text = text;
                }
            }
            Edit::AppendToStep(i, word) => {
                if let Some(i) = pick(n_steps, i) {
                    recipe.steps[i].step_text.push(' ');
                    recipe.steps[i].step_text.push_str(word);
                }
            }
            Edit::RecaseStep(i) => {
                if let Some(i) = pick(n_steps, i) {
                    let text = &mut recipe.steps[i].step_text;
                    *text = format!("  {}.", text.to_uppercase());
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
                        step_text: text,
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
            Edit::Name(name) => recipe.recipe_name = name.to_owned(),
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

fn pair() -> impl Strategy<Value = (Recipe, Recipe)> {
    (recipe(), proptest::collection::vec(edit(), 0..8)).prop_map(|(original, edits)| {
        let make = edited(original.clone(), &edits);
        (original, make)
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn a_recipe_does_not_differ_from_itself(a in recipe()) {
        let d = diff(&a, &a);
        prop_assert!(d.is_empty(), "{d:#?}");
        prop_assert!(d.restatements.is_empty(), "{d:#?}");
    }

    #[test]
    fn applying_a_diff_rebuilds_the_make((a, b) in pair()) {
        let d = diff(&a, &b);
        prop_assert_eq!(apply(&a, &d).expect("the diff fits its original"), b);
    }

    #[test]
    fn the_inverse_undoes_the_diff((a, b) in pair()) {
        let inverse = diff(&a, &b).inverted();
        prop_assert_eq!(apply(&b, &inverse).expect("the inverse fits the make"), a);
    }

    #[test]
    fn both_directions_count_the_same_differences((a, b) in pair()) {
        prop_assert_eq!(diff(&a, &b).change_count(), diff(&b, &a).change_count());
    }

    #[test]
    fn the_reverse_diff_is_the_inverse((a, b) in pair()) {
        prop_assert_eq!(diff(&b, &a), diff(&a, &b).inverted());
    }

    #[test]
    fn a_diff_survives_json((a, b) in pair()) {
        let d = diff(&a, &b);
        let text = serde_json::to_string(&d).expect("a diff serializes");
        let back: recipe_diff::RecipeDiff = serde_json::from_str(&text).expect("and reads back");
        prop_assert_eq!(apply(&a, &back).expect("the read diff fits"), b);
    }

    #[test]
    fn the_flat_list_is_numbered_and_survives_json((a, b) in pair()) {
        let flat = seed(&diff(&a, &b));
        let numbers: Vec<u32> = flat.iter().map(|item| item.change_id).collect();
        prop_assert_eq!(numbers, (1..).take(flat.len()).collect::<Vec<u32>>());
        for item in &flat {
            prop_assert_eq!(item.factor.is_some(), item.change == SeedChange::Scaled);
        }
        let text = serde_json::to_string(&flat).expect("a flat list serializes");
        let back: Vec<SeedDifference> = serde_json::from_str(&text).expect("and reads back");
        prop_assert_eq!(back, flat);
    }

    #[test]
    fn parsed_recipes_survive_their_own_json(a in recipe()) {
        let text = serde_json::to_string(&a).expect("a recipe serializes");
        prop_assert_eq!(parse_recipe(&text).expect("canonical JSON parses"), a);
    }

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,200}") {
        let _ = parse_make(&text);
    }

    #[test]
    fn arbitrary_json_never_panics(value in arbitrary_json()) {
        let _ = parse_make(&value.to_string());
    }

    #[test]
    fn recipe_shaped_json_with_wrong_types_never_panics(value in recipe_shaped_json()) {
        let _ = parse_make(&value.to_string());
    }
}

/// Any JSON value.
fn arbitrary_json() -> impl Strategy<Value = serde_json::Value> {
    use serde_json::Value;
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        "\\PC{0,20}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            proptest::collection::btree_map(
                prop_oneof![
                    Just("recipeName".to_owned()),
                    Just("ingredients".to_owned()),
                    Just("steps".to_owned()),
                    Just("quantity".to_owned()),
                    Just("@type".to_owned()),
                    Just("@graph".to_owned()),
                    Just("recipeIngredient".to_owned()),
                    Just("recipeInstructions".to_owned()),
                    "[a-zA-Z@]{1,12}",
                ],
                inner,
                0..8
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// A recipe's shape with any JSON in each field.
fn recipe_shaped_json() -> impl Strategy<Value = serde_json::Value> {
    (
        arbitrary_json(),
        arbitrary_json(),
        arbitrary_json(),
        arbitrary_json(),
        arbitrary_json(),
        arbitrary_json(),
    )
        .prop_map(|(name, id, rating, quantity, unit, text)| {
            serde_json::json!({
                "recipeName": name,
                "recipeId": id,
                "rating": rating,
                "ingredients": [{"ingredientId": 1, "quantity": quantity, "measurement": unit, "ingredientName": "x"}],
                "steps": [{"stepId": 1, "stepText": text}],
            })
        })
}
