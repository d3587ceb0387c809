//! `recipe log`: a recipe's history from its versions as files.

use serde_json::Value;

use super::{recipe, scratch_file, stderr, stdout};

/// Three versions of the apple pie, oldest first: the second eats more
/// apples, bakes hotter and writes its cinnamon in teaspoons (the same
/// amount); the third adds vanilla and a cooling step, and rates lower.
const VERSIONS: [&str; 3] = [
    "bins/tests/cli/data/history/apple-pie.v1.json",
    "bins/tests/cli/data/history/apple-pie.v2.json",
    "bins/tests/cli/data/history/apple-pie.v3.json",
];

#[test]
fn three_versions_print_two_sets_of_changes() {
    let output = recipe(["log", VERSIONS[0], VERSIONS[1], VERSIONS[2]]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stderr(&output), "");
    let text = stdout(&output);
    assert!(!text.contains('\u{1b}'), "captured output is not coloured");
    insta::assert_snapshot!(text);
}

#[test]
fn json_has_an_entry_per_version() {
    let output = recipe([
        "log",
        VERSIONS[0],
        VERSIONS[1],
        VERSIONS[2],
        "--format",
        "json",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let history: Value = serde_json::from_str(&stdout(&output)).unwrap();
    let entries = history.as_array().unwrap();
    assert_eq!(entries.len(), 3, "{history:#}");
    for (entry, (number, file)) in entries.iter().zip((1..).zip(VERSIONS)) {
        assert_eq!(entry["version"], number);
        assert_eq!(entry["file"], file);
    }
    assert_eq!(entries[0]["changes"], Value::Null);
    // The second version: more apples and a hotter oven; the cinnamon in
    // teaspoons is the same amount, a restatement.
    let second = &entries[1]["changes"];
    assert_eq!(second["recipeId"], 1);
    assert_eq!(second["ingredients"].as_array().map(Vec::len), Some(1));
    assert_eq!(second["steps"][0]["kind"], "edited");
    assert_eq!(
        second["restatements"]["ingredients"]
            .as_array()
            .map(Vec::len),
        Some(1)
    );
    let third = &entries[2]["changes"];
    assert_eq!(
        third["rating"],
        serde_json::json!({"original": 5.0, "make": 4.5})
    );
    assert_eq!(third["steps"][0]["kind"], "added");
}

#[test]
fn an_unchanged_version_prints_no_changes() {
    let output = recipe(["log", VERSIONS[0], VERSIONS[0]]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stdout(&output).ends_with(&format!("version 2: {}\n  no changes\n", VERSIONS[0])),
        "{}",
        stdout(&output)
    );
}

/// Exit status 2, nothing on stdout, and one line on stderr that contains
/// every `expected` part.
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
fn a_broken_file_exits_2_naming_it() {
    let broken = scratch_file(
        "history-broken.json",
        r#"{"recipeName": "Apple Pie", "ingredients": [
             {"ingredientName": "apples", "quantity": "lots"}]}"#,
    );
    let name = broken.to_string_lossy().into_owned();
    assert_fails(
        &["log", VERSIONS[0], &name, VERSIONS[2]],
        &[&format!("{name}: ingredients[0].quantity: "), "lots"],
    );
    assert_fails(
        &[
            "log",
            VERSIONS[0],
            "bins/tests/cli/data/history/no-such.json",
        ],
        &["bins/tests/cli/data/history/no-such.json: cannot read"],
    );
}

#[test]
fn one_file_alone_is_a_usage_error() {
    let output = recipe(["log", VERSIONS[0]]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(stdout(&output), "");
    assert!(
        stderr(&output).contains("2 values required"),
        "{}",
        stderr(&output)
    );
    let output = recipe(["log"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("<FILE>"), "{}", stderr(&output));
}

#[test]
fn colour_only_when_asked_and_help_shows_examples() {
    let coloured = recipe(["log", VERSIONS[0], VERSIONS[1], "--color", "always"]);
    assert!(stdout(&coloured).contains('\u{1b}'));
    let json = recipe([
        "log",
        VERSIONS[0],
        VERSIONS[1],
        "--color",
        "always",
        "--format",
        "json",
    ]);
    assert!(!stdout(&json).contains('\u{1b}'), "JSON is never coloured");

    let help = recipe(["log", "--help"]);
    assert_eq!(help.status.code(), Some(0));
    let text = stdout(&help);
    for part in [
        "recipe log pie.v1.json",
        "git show",
        "Exit status is 0",
        "json",
    ] {
        assert!(text.contains(part), "{part:?} missing from {text}");
    }
}
