//! Raw bytes into the native reader (`parse_recipe`, `parse_make`).
//!
//! Promises checked: reading never panics; both entry points agree; an
//! error names what is wrong; a recipe that reads serializes to canonical
//! JSON that reads back to the same recipe (as `tests/properties.rs`
//! promises for generated recipes).

#![no_main]

use libfuzzer_sys::fuzz_target;
use recipe_diff::{parse_make, parse_recipe};

fuzz_target!(|data: &[u8]| {
    // Every caller holds text: the server refuses other bytes before parsing.
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let make = parse_make(text);
    let recipe = parse_recipe(text);
    match (&make, &recipe) {
        (Ok(make), Ok(recipe)) => assert_eq!(&make.recipe, recipe, "the entry points disagree"),
        (Err(make_error), Err(recipe_error)) => {
            assert_eq!(make_error, recipe_error, "the entry points disagree");
            assert!(
                !make_error.to_string().trim().is_empty(),
                "an empty error for {text:?}"
            );
        }
        _ => panic!("one entry point read {text:?}, the other refused it"),
    }
    if let Ok(recipe) = recipe {
        let json = serde_json::to_string(&recipe).expect("a parsed recipe serializes");
        match parse_recipe(&json) {
            Ok(back) => assert_eq!(
                back, recipe,
                "the canonical JSON {json} reads back differently"
            ),
            Err(error) => panic!("the canonical JSON {json} does not read back: {error}"),
        }
    }
});
