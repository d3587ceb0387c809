//! Raw bytes into the schema.org JSON-LD reader, `@graph` documents
//! included (run with `fuzz/dicts/jsonld.dict`).
//!
//! `parse_make` is the entry point: a document the native reader refuses is
//! read as JSON-LD when it looks like JSON-LD. Promises checked: no panic;
//! an error names what is wrong; a recipe read has a rating within 0 to 5
//! and finite, non-negative quantities, and serializes to native JSON that
//! reads back to the same recipe.

#![no_main]

#[path = "../common/read_promises.rs"]
mod read_promises;

use libfuzzer_sys::fuzz_target;
use recipe_diff::parse_make;

use read_promises::check_read;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    check_read(text, parse_make(text).map(|make| make.recipe));
});
