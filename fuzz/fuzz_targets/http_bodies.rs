//! Every HTTP body the server accepts, through the functions its handlers
//! call, over the in-memory store:
//!
//! - `POST /recipes` and `PUT /recipes/1`: `record_recipe`;
//! - `POST /recipes/1/makes` by hand, and `POST /makes` by hand and from
//!   the bucket (the recipe named in the body): `record_make`;
//! - `POST /diff`, the body as a pair of documents: `preview`.
//!
//! Each input is one body, sent to every endpoint against a fresh store
//! that holds one recipe (id 1), so the seeds are plain documents. Promises
//! checked: no panic; a refused body yields an error whose message says
//! what is wrong, with the JSON path when the document is at fault; a
//! recorded make's differences rebuild it from the stored original;
//! delivering the same make again stores it once; a refused preview names
//! a path within the body (`.`, or under `original` or `make`), and an
//! accepted one renders in every format.

#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use recipe_diff::apply;
use recipe_pipeline::ingest::{IngestError, MakeOf, RecipeWrite, record_make, record_recipe};
use recipe_pipeline::preview::preview;
use recipe_ports::memory::InMemoryRecordStore;
use recipe_ports::{RecordStore, Source, Written};

/// The original the makes are diffed against.
const PIE: &str = r#"{"recipeName": "Apple Pie", "recipeId": 1, "rating": 4,
    "ingredients": [
        {"ingredientId": 1, "quantity": 1, "measurement": "unit", "ingredientName": "pieCrust"},
        {"ingredientId": 2, "quantity": 5, "measurement": "unit", "ingredientName": "apples"},
        {"ingredientId": 3, "quantity": 0.5, "measurement": "TBS", "ingredientName": "cinnamon"}],
    "steps": [
        {"stepId": 1, "stepText": "Gather ingredients"},
        {"stepId": 2, "stepText": "Pre heat oven to 350 degrees"},
        {"stepId": 3, "stepText": "Make the pie"}]}"#;

/// One runtime per process: building one per input would dominate the run.
fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("a current-thread runtime builds")
    })
}

/// A refusal must say what is wrong, and where when the body is at fault.
fn check_refusal(error: &IngestError, body: &[u8]) {
    assert!(
        !error.to_string().trim().is_empty(),
        "an empty error for {body:?}: {error:?}"
    );
    if matches!(
        error,
        IngestError::Document(_) | IngestError::NotUtf8 { .. }
    ) {
        assert!(error.json_path().is_some(), "no JSON path in {error:?}");
    }
    assert!(
        !matches!(error, IngestError::Store(_)),
        "the in-memory store failed: {error:?}"
    );
}

/// `POST /diff`: the body itself as the pair, and the body as the make
/// of a pair whose original is the fixture, so the seeds (plain
/// documents) reach the diff too.
fn exercise_preview(body: &[u8]) {
    let mut paired = br#"{"original": "#.to_vec();
    paired.extend_from_slice(PIE.as_bytes());
    paired.extend_from_slice(br#", "make": "#);
    paired.extend_from_slice(body);
    paired.push(b'}');
    for pair in [body, &paired[..]] {
        match preview(pair) {
            Ok(changes) => {
                let _ = recipe_diff::render::seed(&changes);
                let _ = recipe_diff::render::text(&changes, recipe_diff::render::TextStyle::Plain);
                assert!(
                    serde_json::to_string(&changes).is_ok(),
                    "the structured diff does not serialize"
                );
            }
            Err(error) => {
                let path = error.json_path();
                assert!(
                    path == "."
                        || ["original", "make"].iter().any(|side| path
                            .strip_prefix(side)
                            .is_some_and(|rest| rest.is_empty()
                                || rest.starts_with('.')
                                || rest.starts_with('['))),
                    "a preview refusal outside the body: {path:?} for {error}"
                );
                assert!(
                    !error.to_string().trim().is_empty(),
                    "an empty error for {pair:?}"
                );
            }
        }
    }
}

async fn exercise(body: &[u8]) {
    exercise_preview(body);
    let store = InMemoryRecordStore::new();
    if let Err(error) = record_recipe(&store, PIE.as_bytes(), RecipeWrite::Create, None, None).await
    {
        panic!("the fixture recipe is refused: {error}");
    }
    let original = match store.latest_version(1).await {
        Ok(Some(original)) => original,
        other => panic!("the fixture recipe is not stored: {other:?}"),
    };

    for write in [
        RecipeWrite::Create,
        RecipeWrite::Upsert,
        RecipeWrite::Replace(1),
    ] {
        match record_recipe(&store, body, write, None, Some("fuzzed")).await {
            Ok(recorded) => {
                // A version is the next one, or the latest when unchanged.
                let latest = store.latest_version(1).await.ok().flatten();
                if recorded.version.recipe_id == 1 {
                    assert_eq!(
                        latest.as_ref(),
                        Some(&recorded.version),
                        "the latest is what was answered"
                    );
                }
            }
            Err(error) => check_refusal(&error, body),
        }
    }

    let bucket = Source::new("bucket", "makes/pie.json", "etag");
    // Each way a make can be identified: by nothing (a new make every
    // time, unless the body names its id), by an idempotency key, by its
    // object version; and each way it names its recipe.
    for (of, source, idempotency_key) in [
        (MakeOf::Recipe(1), None, None),
        (MakeOf::Recipe(1), None, Some("retry-1")),
        (MakeOf::Named, None, None),
        (MakeOf::Named, Some(&bucket), None),
    ] {
        // A fresh store each time: the recipe writes above may have replaced
        // recipe 1, and a make's identity must not clash across sources.
        let store = InMemoryRecordStore::new();
        if let Err(error) = store.put_version(&original).await {
            panic!("the fixture recipe is not stored: {error}");
        }
        match record_make(&store, of, body, source, idempotency_key).await {
            Ok(recorded) => {
                assert_eq!(recorded.written, Written::Created);
                let record = recorded.record;
                assert_eq!(record.recipe_version, 1, "pinned to the only version");
                match apply(&original.recipe, &record.differences) {
                    Ok(rebuilt) => assert_eq!(
                        rebuilt, record.recipe,
                        "the differences do not rebuild the make"
                    ),
                    Err(error) => panic!("the stored differences do not fit the original: {error}"),
                }
                assert_eq!(
                    record.flat_differences,
                    recipe_diff::render::seed(&record.differences),
                    "the stored flat list is not the differences' own"
                );
                match record_make(&store, of, body, source, idempotency_key).await {
                    Ok(again) if again.written == Written::AlreadyExists => {
                        assert_eq!(again.record, record, "a redelivery answers the stored make");
                    }
                    Ok(again) => {
                        assert!(
                            source.is_none() && idempotency_key.is_none(),
                            "a claimed make was stored twice"
                        );
                        assert_eq!(again.written, Written::Created);
                        assert_eq!(again.record.make_id, record.make_id + 1, "the next id");
                    }
                    Err(error) => panic!("delivering the make again is refused: {error}"),
                }
            }
            Err(error) => check_refusal(&error, body),
        }
    }
}

fuzz_target!(|body: &[u8]| {
    runtime().block_on(exercise(body));
});
