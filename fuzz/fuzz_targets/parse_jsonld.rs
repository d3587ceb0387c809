//! Raw bytes into the schema.org JSON-LD reader, `@graph` documents
//! included (run with `fuzz/dicts/jsonld.dict`).
//!
//! `parse_make` is the entry point: a document the native reader refuses is
//! read as JSON-LD when it looks like JSON-LD. Promises checked: no panic;
//! an error names what is wrong; a recipe read has a rating within 0 to 5
//! and finite, non-negative quantities, and serializes to native JSON that
//! reads back to the same recipe.

#![no_main]

use libfuzzer_sys::fuzz_target;
use recipe_diff::{parse_make, parse_recipe};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let recipe = match parse_make(text) {
        Ok(make) => make.recipe,
        Err(error) => {
            assert!(
                !error.to_string().trim().is_empty(),
                "an empty error for {text:?}"
            );
            return;
        }
    };
    if let Some(rating) = recipe.rating {
        assert!(
            (0.0..=5.0).contains(&rating),
            "rating {rating} read from {text:?}"
        );
    }
    for quantity in recipe.ingredients.iter().filter_map(|i| i.quantity) {
        assert!(
            quantity.low().is_finite() && quantity.high().is_finite() && quantity.low() >= 0.0,
            "quantity {quantity:?} read from {text:?}"
        );
    }
    let json = serde_json::to_string(&recipe).expect("a parsed recipe serializes");
    match parse_recipe(&json) {
        Ok(back) => assert_eq!(
            back, recipe,
            "the native JSON {json} reads back differently"
        ),
        Err(error) => panic!("the native JSON {json} does not read back: {error}"),
    }
});
