//! `recipe merge`: two variants of one recipe combined three-way.

use serde_json::{Value, json};

use super::{recipe, scratch_file, stderr, stdout};

const BASE: &str = "bins/tests/cli/data/merge/shortbread.base.json";
/// Halves the sugar, and writes the flour in grams: 255 g is the base's
/// 9 oz, the same amount.
const OURS: &str = "bins/tests/cli/data/merge/shortbread.ours.json";
/// Doubles the flour (18 oz) and skips chilling the dough.
const THEIRS: &str = "bins/tests/cli/data/merge/shortbread.theirs.json";
/// As THEIRS, and half as much sugar again (1½ cups).
const SWEETER: &str = "bins/tests/cli/data/merge/shortbread.theirs-sweeter.json";

fn merged(args: &[&str]) -> (Option<i32>, Value) {
    let output = recipe(args);
    assert_eq!(stderr(&output), "", "{args:?}");
    let json = serde_json::from_str(&stdout(&output)).expect("the output is JSON");
    (output.status.code(), json)
}

/// (quantity, measurement) of each ingredient, and the step texts.
fn contents(recipe: &Value) -> (Vec<(f64, String)>, Vec<String>) {
    let ingredients = recipe["ingredients"]
        .as_array()
        .expect("a recipe has ingredients")
        .iter()
        .map(|i| {
            (
                i["quantity"]
                    .as_f64()
                    .expect("every fixture amount is a number"),
                i["measurement"]
                    .as_str()
                    .expect("every fixture amount has a unit")
                    .to_owned(),
            )
        })
        .collect();
    let steps = recipe["steps"]
        .as_array()
        .expect("a recipe has steps")
        .iter()
        .map(|s| s["stepText"].as_str().expect("a step has text").to_owned())
        .collect();
    (ingredients, steps)
}

#[test]
fn a_restatement_and_real_changes_merge_cleanly() {
    let (code, merge) = merged(&["merge", BASE, OURS, THEIRS, "--format", "json"]);
    assert_eq!(code, Some(0), "{merge:#}");
    assert_eq!(merge["conflicts"], json!([]));
    let (ingredients, steps) = contents(&merge["recipe"]);
    assert_eq!(
        ingredients,
        [
            (18.0, "oz".to_owned()),
            (0.5, "cup".to_owned()),
            (8.0, "oz".to_owned()),
            (0.5, "tsp".to_owned()),
        ],
        "THEIRS's doubled flour whole, OURS's halved sugar"
    );
    assert_eq!(
        steps,
        [
            "Cream the butter and the sugar",
            "Rub in the flour and the salt",
            "Bake at 325 degrees for 25 minutes"
        ],
        "the chilling skipped"
    );
}

#[test]
fn a_clean_merge_prints_its_changes_to_the_base() {
    let output = recipe(["merge", BASE, OURS, THEIRS]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(!text.contains('\u{1b}'), "captured output is not coloured");
    insta::assert_snapshot!(text);
}

#[test]
fn two_amounts_for_the_sugar_are_one_conflict_with_the_three_amounts() {
    let (code, merge) = merged(&["merge", BASE, OURS, SWEETER, "--format", "json"]);
    assert_eq!(code, Some(1), "{merge:#}");
    assert_eq!(
        merge["conflicts"],
        json!([{"recipeField": "ingredient", "ingredientId": 2,
                "base": "1 cup", "ours": "1/2 cup", "theirs": "1 1/2 cup"}])
    );
    // Still complete: OURS's sugar, and THEIRS's clean changes.
    let (ingredients, steps) = contents(&merge["recipe"]);
    assert_eq!(
        ingredients[..2],
        [(18.0, "oz".to_owned()), (0.5, "cup".to_owned())]
    );
    assert_eq!(steps.len(), 3);

    let output = recipe(["merge", BASE, OURS, SWEETER]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    insta::assert_snapshot!(stdout(&output));
}

#[test]
fn merging_a_side_with_the_base_gives_that_side() {
    let (code, merge) = merged(&["merge", BASE, BASE, THEIRS, "--format", "json"]);
    assert_eq!(code, Some(0));
    let theirs: Value =
        serde_json::from_str(&std::fs::read_to_string(super::workspace().join(THEIRS)).unwrap())
            .unwrap();
    assert_eq!(contents(&merge["recipe"]), contents(&theirs));
    let output = recipe(["merge", BASE, BASE, BASE]);
    assert_eq!(stdout(&output), "merged cleanly: no changes to the base\n");
}

#[test]
fn colour_marks_the_conflicts_when_asked() {
    let output = recipe(["merge", BASE, OURS, SWEETER, "--color", "always"]);
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    assert!(
        text.contains("\u{1b}[1mconflict: sugar (ingredient 2)"),
        "{text}"
    );
}

#[test]
fn a_broken_file_exits_2_naming_it() {
    let broken = scratch_file("merge-broken.json", r#"{"recipeName": 7}"#);
    let name = broken.to_string_lossy().into_owned();
    let output = recipe(["merge", BASE, &name, THEIRS]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(stdout(&output), "");
    let message = stderr(&output);
    assert_eq!(message.lines().count(), 1, "{message}");
    assert!(message.starts_with(&format!("recipe: {name}")), "{message}");
    let missing = recipe(["merge", BASE, OURS, "no-such.json"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(stderr(&missing).contains("no-such.json"));
    let usage = recipe(["merge", BASE, OURS]);
    assert_eq!(usage.status.code(), Some(2));
}
