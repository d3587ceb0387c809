//! Pairs of recipes, built by `arbitrary` from the fuzzer's bytes, through
//! `diff` and `apply`.
//!
//! The invariants are those `recipe-diff/tests/properties.rs` promises:
//!
//! - `diff(a, a)` is empty, with nothing to restate;
//! - `apply(a, diff(a, b)) == b`;
//! - `apply(b, diff(a, b).inverted()) == a`;
//! - `diff(b, a) == diff(a, b).inverted()`;
//! - a diff read back from its JSON still rebuilds `b`.
//!
//! The recipes come from a fuzz-local mirror of the model
//! (`fuzz/common/arbitrary_recipe.rs`) rather than an `arbitrary` feature
//! on `recipe-diff`, which keeps no fuzzing dependency.

#![no_main]

#[path = "../common/arbitrary_recipe.rs"]
mod arbitrary_recipe;

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use recipe_diff::{RecipeDiff, apply, diff};

use arbitrary_recipe::{Edit, FuzzRecipe, edited};

/// The make: edits of the original (usually), or an unrelated recipe.
#[derive(Debug, Arbitrary)]
enum FuzzMake {
    Edited(Vec<Edit>),
    Unrelated(FuzzRecipe),
}

fuzz_target!(|input: (FuzzRecipe, FuzzMake)| {
    let (original, make) = input;
    let a = original.build();
    let b = match make {
        FuzzMake::Edited(edits) => edited(a.clone(), &edits),
        FuzzMake::Unrelated(recipe) => recipe.build(),
    };

    let same = diff(&a, &a);
    assert!(
        same.is_empty() && same.restatements.is_empty(),
        "diff(a, a) is not empty: {same:?}"
    );

    let forward = diff(&a, &b);
    match apply(&a, &forward) {
        Ok(rebuilt) => assert_eq!(rebuilt, b, "apply(a, diff(a, b)) is not b; {forward:?}"),
        Err(error) => panic!("diff(a, b) does not fit a: {error}; {forward:?}"),
    }

    let inverse = forward.clone().inverted();
    match apply(&b, &inverse) {
        Ok(rebuilt) => assert_eq!(rebuilt, a, "the inverse does not rebuild a; {inverse:?}"),
        Err(error) => panic!("the inverse does not fit b: {error}; {inverse:?}"),
    }
    assert_eq!(
        diff(&b, &a),
        inverse,
        "diff(b, a) is not diff(a, b) inverted"
    );

    let json = serde_json::to_string(&forward).expect("a diff serializes");
    let back: RecipeDiff = match serde_json::from_str(&json) {
        Ok(back) => back,
        Err(error) => panic!("the diff's JSON {json} does not read back: {error}"),
    };
    match apply(&a, &back) {
        Ok(rebuilt) => assert_eq!(rebuilt, b, "the diff read from {json} does not rebuild b"),
        Err(error) => panic!("the diff read from {json} does not fit a: {error}"),
    }
});
