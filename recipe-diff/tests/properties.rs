//! Property tests for the invariants of the diff:
//!
//! - `diff(a, a)` is empty, with nothing to restate;
//! - `apply(a, diff(a, b)) == b`, for any pair;
//! - `apply(b, diff(a, b).inverted()) == a`: the inverse undoes the diff;
//! - `diff(b, a)` is `diff(a, b).inverted()`, with as many differences;
//! - no two entries of a diff's list share a place in its order, so the
//!   order does not depend on the order they were found in;
//! - the flat list numbers its items 1, 2, 3…, gives a `factor` to the
//!   scaling alone, and reads back from its JSON unchanged;
//! - reading arbitrary JSON or text never panics.
//!
//! Makes are generated from originals (see `generators`) by the edits cooks make: amounts
//! changed or restated in other units, ingredients renamed, swapped, added,
//! removed, reordered; steps reworded, recased, skipped, added, moved,
//! renumbered; a new rating, name or id; the whole recipe scaled.

mod generators;

use generators::{pair, recipe};
use proptest::prelude::*;
use recipe_diff::changes::{IngredientChange, StepChange};
use recipe_diff::render::{SeedChange, SeedDifference, seed};
use recipe_diff::{apply, diff, parse_make, parse_recipe};

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
    fn no_two_entries_share_a_place((a, b) in pair()) {
        for d in [diff(&a, &b), diff(&b, &a)] {
            let ingredients: Vec<_> = d.ingredients.iter().map(ingredient_place).collect();
            let steps: Vec<_> = d.steps.iter().map(step_place).collect();
            let restated_ingredients: Vec<_> =
                d.restatements.ingredients.iter().map(|p| p.original_index).collect();
            let restated_steps: Vec<_> =
                d.restatements.steps.iter().map(|p| p.original_index).collect();
            prop_assert!(all_apart(&ingredients), "{d:#?}");
            prop_assert!(all_apart(&steps), "{d:#?}");
            prop_assert!(all_apart(&restated_ingredients), "{d:#?}");
            prop_assert!(all_apart(&restated_steps), "{d:#?}");
        }
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
/// Where an ingredient change reads in its list, as the diff orders them:
/// by original position, additions by make position, removals first.
fn ingredient_place(change: &IngredientChange) -> (usize, u8) {
    match change {
        IngredientChange::Removed { original_index, .. } => (*original_index, 0),
        IngredientChange::Substituted(p) => (p.original_index, 1),
        IngredientChange::Modified(m) => (m.original_index, 1),
        IngredientChange::Added { make_index, .. } => (*make_index, 2),
    }
}

/// [`ingredient_place`] of a step change.
fn step_place(change: &StepChange) -> (usize, u8) {
    match change {
        StepChange::Removed { original_index, .. } => (*original_index, 0),
        StepChange::Edited(e) => (e.original_index, 1),
        StepChange::Moved(p) => (p.original_index, 1),
        StepChange::Added { make_index, .. } => (*make_index, 2),
    }
}

/// Whether no two of `places` are the same.
fn all_apart<T: Ord + Clone>(places: &[T]) -> bool {
    let mut sorted = places.to_vec();
    sorted.sort();
    sorted.dedup();
    sorted.len() == places.len()
}

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
