//! Three recipes, built by `arbitrary` from the fuzzer's bytes, through
//! `merge`.
//!
//! The promises are those `recipe-diff/tests/merge/properties.rs` checks:
//!
//! - merging never panics, whatever the three recipes;
//! - merging a side with BASE gives that side, with no conflicts:
//!   `merge(a, a, b) == b` and `merge(a, b, a) == b`;
//! - the same changes on both sides are made once: `merge(a, b, b) == b`;
//! - swapping OURS and THEIRS swaps the sides of the conflicts (the same
//!   conflicts, each mirrored);
//! - a merge reads back from its JSON unchanged.
//!
//! The recipes come from the same fuzz-local mirror of the model as
//! `diff_apply` (`fuzz/common/arbitrary_recipe.rs`), and the two
//! sides are usually edits of BASE, so that the merge meets overlapping
//! changes rather than three unrelated recipes.

#![no_main]

#[path = "../common/arbitrary_recipe.rs"]
mod arbitrary_recipe;

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use recipe_diff::{Conflict, Merge, Recipe, merge};

use arbitrary_recipe::{Edit, FuzzRecipe, edited};

/// A side: edits of BASE (usually), or an unrelated recipe.
#[derive(Debug, Arbitrary)]
enum FuzzSide {
    Edited(Vec<Edit>),
    Unrelated(FuzzRecipe),
}

impl FuzzSide {
    fn build(&self, base: &Recipe) -> Recipe {
        match self {
            FuzzSide::Edited(edits) => edited(base.clone(), edits),
            FuzzSide::Unrelated(recipe) => recipe.build(),
        }
    }
}

fn assert_takes(merged: &Merge, expected: &Recipe, what: &str) {
    assert!(
        merged.is_clean(),
        "{what}: conflicts {:?}",
        merged.conflicts
    );
    assert_eq!(&merged.recipe, expected, "{what} is not the side itself");
}

fuzz_target!(|input: (FuzzRecipe, FuzzSide, FuzzSide)| {
    let (base, ours, theirs) = input;
    let a = base.build();
    let (b, c) = (ours.build(&a), theirs.build(&a));

    assert_takes(&merge(&a, &a, &b), &b, "merge(a, a, b)");
    assert_takes(&merge(&a, &b, &a), &b, "merge(a, b, a)");
    assert_takes(&merge(&a, &b, &b), &b, "merge(a, b, b)");

    let forward = merge(&a, &b, &c);
    let backward = merge(&a, &c, &b);
    // Compared as collections, not lists: when both sides add the same
    // two ingredients under one id and name, their additions can pair
    // crosswise, and a conflict and its mirror image are both in the
    // list. No order read from the conflicts alone is then the same from
    // both sides (a seed in `fuzz/seeds/merge` is such a case).
    let mut swapped: Vec<Conflict> = backward
        .conflicts
        .into_iter()
        .map(Conflict::swapped)
        .collect();
    let mut conflicts = forward.conflicts.clone();
    let in_one_order = |c: &Conflict| format!("{c:?}");
    swapped.sort_by_key(in_one_order);
    conflicts.sort_by_key(in_one_order);
    assert_eq!(
        conflicts, swapped,
        "swapping the sides changes the conflicts"
    );

    let json = serde_json::to_string(&forward).expect("a merge serializes");
    match serde_json::from_str::<Merge>(&json) {
        Ok(back) => assert_eq!(back, forward, "the merge read from {json} differs"),
        Err(error) => panic!("the merge's JSON {json} does not read back: {error}"),
    }
});
