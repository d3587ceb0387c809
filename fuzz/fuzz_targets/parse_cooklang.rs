//! Raw bytes into the Cooklang reader (run with
//! `fuzz/dicts/cooklang.dict`): the `cooklang` crate's parser, then our
//! mapping of its ingredients, amounts, steps and metadata.
//!
//! Promises checked: no panic; an error names what is wrong; ingredient
//! ids are 1, 2, 3… in order; a rating within 0 to 5; finite, non-negative
//! quantities; the recipe serializes to native JSON that reads back to the
//! same recipe, so a `.cook` file and its JSON compare as equal.

#![no_main]

#[path = "../common/read_promises.rs"]
mod read_promises;

use libfuzzer_sys::fuzz_target;
use recipe_diff::parse::parse_make_cooklang;

use read_promises::check_read;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let read = parse_make_cooklang(text).map(|parsed| parsed.value.recipe);
    if let Ok(recipe) = &read {
        for (ingredient, id) in recipe.ingredients.iter().zip(1..) {
            assert_eq!(ingredient.ingredient_id, Some(id), "ids of {text:?}");
        }
    }
    check_read(text, read);
});
