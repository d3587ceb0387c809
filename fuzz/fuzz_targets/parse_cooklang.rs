//! Raw bytes into the Cooklang reader (run with
//! `fuzz/dicts/cooklang.dict`): the `cooklang` crate's parser, then our
//! mapping of its ingredients, amounts, steps and metadata.
//!
//! Promises checked: no panic; an error names what is wrong; ingredient
//! ids are 1, 2, 3… in order; a rating within 0 to 5; finite, non-negative
//! quantities; the recipe serializes to native JSON that reads back to the
//! same recipe, so a `.cook` file and its JSON compare as equal.

#![no_main]

use libfuzzer_sys::fuzz_target;
use recipe_diff::parse::parse_make_cooklang;
use recipe_diff::parse_recipe;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let recipe = match parse_make_cooklang(text) {
        Ok(parsed) => parsed.value.recipe,
        Err(error) => {
            assert!(
                !error.to_string().trim().is_empty(),
                "an empty error for {text:?}"
            );
            return;
        }
    };
    for (ingredient, id) in recipe.ingredients.iter().zip(1..) {
        assert_eq!(ingredient.ingredient_id, Some(id), "ids of {text:?}");
        if let Some(quantity) = ingredient.quantity {
            assert!(
                quantity.low().is_finite() && quantity.high().is_finite() && quantity.low() >= 0.0,
                "quantity {quantity:?} read from {text:?}"
            );
        }
    }
    if let Some(rating) = recipe.rating {
        assert!(
            (0.0..=5.0).contains(&rating),
            "rating {rating} read from {text:?}"
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
