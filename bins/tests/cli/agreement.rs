//! `recipe diff --format seed` and the pipeline's stored differences are
//! the same list, item for item, on the bundled example and on every pair
//! of the diff corpus: a cook reading either sees the same changes under
//! the same `changeId`s.

// A failed read of the corpus fails the test, as it should.
#![allow(clippy::unwrap_used)]

use std::path::Path;

use recipe_pipeline::ingest::{MakeOf, RecipeWrite, record_make, record_recipe};
use recipe_ports::memory::InMemoryRecordStore;
use serde_json::{Value, json};

use super::{recipe, scratch_file, workspace};

/// The pairs: the bundled example, then the corpus, as (name, original,
/// make) documents.
fn pairs() -> Vec<(String, Value, Value)> {
    let read = |path: &Path| -> Value {
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
    };
    let examples = workspace().join("examples/data");
    let mut pairs = vec![(
        "example-apple-pie".to_owned(),
        read(&examples.join("apple-pie.json")),
        read(&examples.join("apple-pie.make.json")),
    )];
    let corpus = workspace().join("recipe-diff/tests/corpus");
    let mut files: Vec<_> = std::fs::read_dir(&corpus)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    for file in files {
        let case = read(&file);
        let name = file.file_stem().unwrap().to_string_lossy().into_owned();
        pairs.push((name, case["original"].clone(), case["make"].clone()));
    }
    pairs
}

#[tokio::test]
async fn the_cli_and_the_pipeline_give_the_same_flat_list() {
    let pairs = pairs();
    assert!(pairs.len() > 50, "the corpus is there: {}", pairs.len());
    let mut with_differences = 0;
    for (name, mut original, mut make) in pairs {
        // The pipeline stores recipes by id: give one to a pair without.
        let recipe_id = original["recipeId"].as_i64().unwrap_or(1);
        original["recipeId"] = json!(recipe_id);
        make["recipeId"] = json!(recipe_id);
        let original_file = scratch_file(&format!("{name}.agreement.json"), &original.to_string());
        let make_file = scratch_file(&format!("{name}.agreement.make.json"), &make.to_string());

        let output = recipe([
            "diff".as_ref(),
            original_file.as_os_str(),
            make_file.as_os_str(),
            "--format".as_ref(),
            "seed".as_ref(),
        ]);
        assert!(
            matches!(output.status.code(), Some(0 | 1)),
            "{name}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let mut printed: Value = serde_json::from_slice(&output.stdout)
            .unwrap_or_else(|e| panic!("{name}: the CLI's list is not JSON: {e}"));

        let store = InMemoryRecordStore::new();
        record_recipe(
            &store,
            original.to_string().as_bytes(),
            RecipeWrite::Create,
            None,
            None,
        )
        .await
        .unwrap_or_else(|e| panic!("{name}: {e}"));
        let stored = record_make(
            &store,
            MakeOf::Recipe(recipe_id),
            make.to_string().as_bytes(),
            None,
            None,
        )
        .await
        .unwrap_or_else(|e| panic!("{name}: {e}"))
        .record;

        // A make without a `makeId` is given one by the pipeline, which
        // the CLI, diffing two files, does not have.
        if make.get("makeId").is_none() {
            for item in printed.as_array_mut().unwrap() {
                item["makeId"] = json!(stored.make_id);
            }
        }
        assert_eq!(
            printed,
            serde_json::to_value(&stored.flat_differences).unwrap(),
            "{name}: the CLI and the pipeline disagree"
        );
        if !stored.flat_differences.is_empty() {
            with_differences += 1;
        }
    }
    assert!(with_differences > 40, "{with_differences} pairs differ");
}
