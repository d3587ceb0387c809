//! Raw bytes into the saved-page reader (run with `fuzz/dicts/html.dict`):
//! the tree built from html5gum's tokens, the JSON-LD blocks, the
//! microdata items and their visible text.
//!
//! Promises checked: no panic whatever the markup; an error names what is
//! wrong; a recipe read has a rating within 0 to 5 and finite,
//! non-negative quantities, and serializes to native JSON that reads back
//! to the same recipe.

#![no_main]

#[path = "../common/read_promises.rs"]
mod read_promises;

use libfuzzer_sys::fuzz_target;
use recipe_diff::parse::parse_make_html;

use read_promises::check_read;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    check_read(
        text,
        parse_make_html(text).map(|parsed| parsed.value.recipe),
    );
});
