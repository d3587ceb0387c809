//! Raw bytes into the saved-page reader (run with `fuzz/dicts/html.dict`):
//! the tree built from html5gum's tokens, the JSON-LD blocks, the
//! microdata items and their visible text.
//!
//! Promises checked: no panic whatever the markup; an error names what is
//! wrong; a recipe read has a rating within 0 to 5 and finite,
//! non-negative quantities, and serializes to native JSON that reads back
//! to the same recipe.

#![no_main]

use libfuzzer_sys::fuzz_target;
use recipe_diff::parse::parse_make_html;
use recipe_diff::parse_recipe;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let recipe = match parse_make_html(text) {
        Ok(parsed) => parsed.value.recipe,
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
