//! `recipe diff`: every format, every exit status, every kind of error.

use std::ffi::OsStr;

use serde_json::Value;

use super::{recipe, scratch_file, stderr, stdout};

const PIE: &str = "examples/data/apple-pie.json";
const PIE_MADE: &str = "examples/data/apple-pie.make.json";
/// Makes of the same pie written for these tests, kept out of
/// `examples/data/` because `recipe up` seeds its pipeline from there.
const PIE_MOVED: &str = "bins/tests/cli/data/apple-pie.moved.json";
const PIE_DOUBLED: &str = "bins/tests/cli/data/apple-pie.doubled.json";
const FORMATS: [&str; 4] = ["text", "json", "seed", "patch"];

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

#[test]
fn the_same_file_twice_exits_0_in_every_format() {
    for format in FORMATS {
        let output = recipe(["diff", PIE, PIE, "--format", format]);
        assert_eq!(output.status.code(), Some(0), "--format {format}");
        assert_eq!(stderr(&output), "");
    }
    assert_eq!(
        stdout(&recipe(["diff", PIE, PIE])),
        "recipe 1: no differences\n"
    );
    assert_eq!(
        json(&stdout(&recipe(["diff", PIE, PIE, "--format", "seed"]))),
        json("[]")
    );
    assert_eq!(
        json(&stdout(&recipe(["diff", PIE, PIE, "--format", "patch"]))),
        json("[]")
    );
}

#[test]
fn the_apple_pie_make_exits_1_with_two_differences_as_text() {
    let output = recipe(["diff", PIE, PIE_MADE]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(stderr(&output), "");
    insta::assert_snapshot!(stdout(&output));
}

#[test]
fn json_is_the_rich_diff_with_its_restatements() {
    let output = recipe(["diff", PIE, PIE_MADE, "--format", "json"]);
    assert_eq!(output.status.code(), Some(1));
    let diff = json(&stdout(&output));
    assert_eq!(diff["recipeId"], 1);
    assert_eq!(diff["makeId"], 1);
    assert_eq!(diff["rating"], json(r#"{"original": 5.0, "make": 4.0}"#));
    assert_eq!(diff["steps"][0]["kind"], "removed");
    assert_eq!(
        diff["restatements"]["ingredients"].as_array().map(Vec::len),
        Some(2)
    );
}

#[test]
fn seed_is_the_flat_list_of_the_two_differences() {
    let output = recipe(["diff", PIE, PIE_MADE, "--format", "seed"]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        json(&stdout(&output)),
        json(
            r#"[
              {"changeId": 1, "change": "changed", "recipeField": "rating",
               "recipeId": 1, "makeId": 1,
               "difference": {"recipe": "5", "make": "4"}},
              {"changeId": 2, "change": "removed", "recipeField": "instruction",
               "recipeId": 1, "makeId": 1, "stepId": 2,
               "difference": {"recipe": "Pre heat oven to 350 degrees", "make": ""}}
            ]"#
        )
    );
}

#[test]
fn seed_gives_a_moved_step_one_item_with_both_step_ids() {
    let output = recipe(["diff", PIE, PIE_MOVED, "--format", "seed"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert_eq!(stderr(&output), "");
    let flat = json(&stdout(&output));
    assert_eq!(flat.as_array().map(Vec::len), Some(1), "{flat:#}");
    assert_eq!(flat[0]["change"], "moved");
    // The preheat step, second in the recipe, first in the make.
    assert_eq!(flat[0]["stepId"], 2);
    assert_eq!(flat[0]["makeStepId"], 1);
    insta::assert_snapshot!(stdout(&output));
}

#[test]
fn seed_gives_a_doubled_recipe_one_scaled_item_with_its_factor() {
    let output = recipe(["diff", PIE, PIE_DOUBLED, "--format", "seed"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert_eq!(stderr(&output), "");
    let flat = json(&stdout(&output));
    assert_eq!(flat.as_array().map(Vec::len), Some(1), "{flat:#}");
    assert_eq!(flat[0]["change"], "scaled");
    assert_eq!(flat[0]["factor"], 2.0);
    assert_eq!(flat[0].get("ingredientId"), None);
    insta::assert_snapshot!(stdout(&output));
}

#[test]
fn the_patch_turns_the_original_into_the_make() {
    let output = recipe(["diff", PIE, PIE_MADE, "--format", "patch"]);
    assert_eq!(output.status.code(), Some(1));
    let patch: json_patch::Patch = serde_json::from_str(&stdout(&output)).unwrap();

    let read = |path: &str| std::fs::read_to_string(super::workspace().join(path)).unwrap();
    let original = recipe_diff::parse_recipe(&read(PIE)).unwrap();
    let make = recipe_diff::parse_make(&read(PIE_MADE)).unwrap();
    let mut document = serde_json::to_value(&original).unwrap();
    json_patch::patch(&mut document, &patch).unwrap();
    assert_eq!(document, serde_json::to_value(&make.recipe).unwrap());
}

#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    let escape = |args: &[&str]| stdout(&recipe(args)).contains('\u{1b}');
    assert!(escape(&["diff", PIE, PIE_MADE, "--color", "always"]));
    assert!(!escape(&["diff", PIE, PIE_MADE, "--color", "never"]));
    // Captured output is not a terminal.
    assert!(!escape(&["diff", PIE, PIE_MADE, "--color", "auto"]));
    assert!(!escape(&["diff", PIE, PIE_MADE]));
    // JSON formats are never coloured.
    assert!(!escape(&[
        "diff", PIE, PIE_MADE, "--color", "always", "--format", "seed"
    ]));
}

/// Exit status 2 and one line on stderr that contains every `expected` part.
fn assert_fails(args: &[&str], expected: &[&str]) {
    let output = recipe(args);
    assert_eq!(output.status.code(), Some(2), "{args:?}");
    assert_eq!(stdout(&output), "", "{args:?}");
    let message = stderr(&output);
    assert_eq!(message.lines().count(), 1, "{message}");
    assert!(message.starts_with("recipe: "), "{message}");
    for part in expected {
        assert!(message.contains(part), "{message:?} lacks {part:?}");
    }
}

#[test]
fn a_missing_file_exits_2_naming_it() {
    assert_fails(
        &["diff", "examples/data/no-such-pie.json", PIE_MADE],
        &["examples/data/no-such-pie.json: cannot read"],
    );
    assert_fails(
        &["diff", PIE, "examples/data/no-such-make.json"],
        &["examples/data/no-such-make.json: cannot read"],
    );
}

#[test]
fn malformed_json_exits_2_with_line_and_column() {
    let path = scratch_file(
        "truncated.json",
        "{\n  \"recipeName\": \"Apple Pie\",\n  \"steps\": [\n",
    );
    let name = path.to_string_lossy().into_owned();
    assert_fails(
        &["diff", PIE, &name],
        &[&format!("{name}: malformed JSON at line"), "column"],
    );
}

#[test]
fn a_wrong_type_exits_2_with_its_json_path() {
    let path = scratch_file(
        "wrong-type.json",
        r#"{"recipeName": "Apple Pie", "ingredients": [
             {"ingredientName": "apples", "quantity": true}]}"#,
    );
    let name = path.to_string_lossy().into_owned();
    assert_fails(
        &["diff", &name, PIE],
        &[&format!("{name}: ingredients[0].quantity: "), "boolean"],
    );
}

#[test]
fn schema_org_json_ld_is_understood() {
    let page = |instructions: &str| {
        format!(
            r#"{{"@context": "https://schema.org", "@type": "Recipe", "name": "Apple Pie",
                "recipeIngredient": ["5 unit apples", "1 tsp cinnamon"],
                "recipeInstructions": [{instructions}]}}"#
        )
    };
    let original = scratch_file(
        "pie.jsonld",
        &page(r#""Gather ingredients", "Pre heat oven to 350 degrees", "Make the pie""#),
    );
    let make = scratch_file(
        "pie.make.jsonld",
        &page(r#""Gather ingredients", "Make the pie""#),
    );
    let output = recipe([OsStr::new("diff"), original.as_os_str(), make.as_os_str()]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(
        stdout(&output).contains("− skipped step 2: \"Pre heat oven to 350 degrees\""),
        "{}",
        stdout(&output)
    );
    let same = recipe([
        OsStr::new("diff"),
        original.as_os_str(),
        original.as_os_str(),
    ]);
    assert_eq!(same.status.code(), Some(0));
}

#[test]
fn usage_errors_exit_2_and_help_shows_an_example() {
    let output = recipe(["diff", PIE, PIE_MADE, "--format", "xml"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("xml"));

    let help = recipe(["diff", "--help"]);
    assert_eq!(help.status.code(), Some(0));
    let text = stdout(&help);
    assert!(
        text.contains("recipe diff examples/data/apple-pie.json"),
        "{text}"
    );
    assert!(text.contains("Exit status is 0"), "{text}");
    for format in FORMATS {
        assert!(text.contains(format), "{text}");
    }
}
