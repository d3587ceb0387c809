//! Properties of `merge` over generated recipes (see `generators`):
//!
//! - merging a side with BASE gives that side, exactly and with no
//!   conflicts: `merge(a, a, b) == b`, `merge(a, b, a) == b`;
//! - the same change on both sides is made once: `merge(a, b, b) == b`;
//! - swapping OURS and THEIRS gives the same conflicts, sides swapped;
//! - a clean merge holds every change of both sides: `diff(ours, merged)`
//!   holds exactly THEIRS's changes that OURS lacked.

use std::collections::BTreeMap;

use proptest::prelude::*;
use recipe_diff::changes::{IngredientChange, IngredientField, StepChange};
use recipe_diff::{Conflict, Ingredient, Recipe, RecipeDiff, diff, merge};

use super::generators::{pair, triple};

/// A name as matching reads it, near enough: case, spacing, punctuation
/// and a plural aside.
fn fold_name(name: &str) -> String {
    let folded: String = name
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect();
    folded.trim_end_matches('s').to_owned()
}

/// A step as alignment reads it: case, spacing and a final full stop aside.
fn fold_text(text: &str) -> String {
    let words = text.split_whitespace().collect::<Vec<_>>().join(" ");
    words.trim_end_matches('.').to_lowercase()
}

/// One difference, described by what it leads to, so that the same
/// change reads alike whichever recipe it was made from: OURS may have
/// restated the item THEIRS changes (another unit, another spelling), and
/// the change is still the same.
/// BASE's name of each ingredient OURS renamed, by OURS's name (folded):
/// a change `diff(ours, merged)` shows under OURS's name is a change of
/// BASE's ingredient.
fn renamed_by(ours: &RecipeDiff) -> BTreeMap<String, String> {
    ours.ingredients
        .iter()
        .filter_map(|change| match change {
            IngredientChange::Modified(m)
                if m.fields.contains(&IngredientField::IngredientName) =>
            {
                Some((
                    fold_name(&m.make.ingredient_name),
                    fold_name(&m.original.ingredient_name),
                ))
            }
            _ => None,
        })
        .collect()
}

/// What `d` changes, each change as a comparable description. A change of
/// an ingredient's amount or note names the ingredient by its name before
/// the change, read through `base_names` (see [`renamed_by`]), so the same
/// amount given to two ingredients is two changes.
fn descriptions(d: &RecipeDiff, base_names: &BTreeMap<String, String>) -> BTreeMap<String, usize> {
    let fold = fold_name;
    let base_name = |i: &Ingredient| {
        let name = fold(&i.ingredient_name);
        base_names.get(&name).cloned().unwrap_or(name)
    };
    let modified = |original: &Ingredient, make: &Ingredient| {
        format!(
            "ingredient amount {} -> {:?} {:?}",
            base_name(original),
            make.quantity,
            // The unit understood, not as written: `unit` and none are
            // both a count.
            make.unit()
        )
    };
    let text = fold_text;
    let mut all = Vec::new();
    if let Some(name) = &d.name {
        all.push(format!("name -> {}", text(&name.make)));
    }
    if let Some(rating) = &d.rating {
        all.push(format!("rating -> {:?}", rating.make));
    }
    // Whether a change of every amount is one scaling depends on what else
    // the recipe holds (an amount of 0 stays 0), so the same changes read
    // as a scaling from one recipe and one by one from another: we list
    // the amounts a scaling explains one by one.
    if d.scaling.is_some() {
        for pair in &d.restatements.ingredients {
            if (pair.original.quantity, &pair.original.measurement)
                != (pair.make.quantity, &pair.make.measurement)
            {
                all.push(modified(&pair.original, &pair.make));
            }
        }
    }
    // Whether a removal and an addition are one substitution depends on
    // where they stand, which OURS's other changes can shift: we list a
    // substitution as the removal and the addition it is.
    // Names are distinct in every recipe compared (see the property), so
    // the name says which line went; ids may be restated on either side.
    let removed = |i: &Ingredient| format!("ingredient removed {}", base_name(i));
    let added = |i: &Ingredient| format!("ingredient added {}", fold(&i.ingredient_name));
    for change in &d.ingredients {
        match change {
            IngredientChange::Added { ingredient, .. } => all.push(added(ingredient)),
            IngredientChange::Removed { ingredient, .. } => all.push(removed(ingredient)),
            IngredientChange::Substituted(pair) => {
                all.push(removed(&pair.original));
                all.push(added(&pair.make));
            }
            // Each changed field on its own: the merge takes one side's
            // amount and the other's name.
            IngredientChange::Modified(m) => {
                if m.fields.contains(&IngredientField::Quantity)
                    || m.fields.contains(&IngredientField::Measurement)
                {
                    // Renamed too: the change is about the new name.
                    let named = if m.fields.contains(&IngredientField::IngredientName) {
                        &m.make
                    } else {
                        &m.original
                    };
                    all.push(modified(named, &m.make));
                }
                if m.fields.contains(&IngredientField::IngredientName) {
                    all.push(format!(
                        "ingredient renamed {}",
                        fold(&m.make.ingredient_name)
                    ));
                }
                if m.fields.contains(&IngredientField::Note) {
                    let named = if m.fields.contains(&IngredientField::IngredientName) {
                        &m.make
                    } else {
                        &m.original
                    };
                    all.push(format!(
                        "ingredient noted {} {:?}",
                        base_name(named),
                        m.make.note
                    ));
                }
            }
        }
    }
    // Whether a removed and an added step are one step reworded depends
    // on what else changed around them: we list an edit as the removal and
    // the addition it is.
    for change in &d.steps {
        match change {
            StepChange::Added { step, .. } => {
                all.push(format!("step added {}", text(&step.step_text)));
            }
            StepChange::Removed { step, .. } => {
                all.push(format!("step removed {}", text(&step.step_text)));
            }
            StepChange::Edited(e) => {
                all.push(format!("step removed {}", text(&e.original.step_text)));
                all.push(format!("step added {}", text(&e.make.step_text)));
            }
            // A move is a relation between steps, not a fact about one:
            // when OURS removed the step it was moved past, it is no move
            // at all, and which of two swapped steps moved is a matter of
            // reading. Moves are checked where there is one reading: by
            // `merge(a, a, b) == b` and by the corpus.
            StepChange::Moved(_) => {}
        }
    }
    let mut counts = BTreeMap::new();
    for line in all {
        *counts.entry(line).or_insert(0) += 1;
    }
    counts
}

/// `a` less `b`, as multisets.
fn less(a: &BTreeMap<String, usize>, b: &BTreeMap<String, usize>) -> BTreeMap<String, usize> {
    a.iter()
        .filter_map(|(k, &n)| {
            let left = n.saturating_sub(b.get(k).copied().unwrap_or(0));
            (left > 0).then(|| (k.clone(), left))
        })
        .collect()
}

/// Whether `a` edits a step that `b` moves.
fn edits_meet_moves(a: &RecipeDiff, b: &RecipeDiff) -> bool {
    let moved: Vec<&str> = b
        .steps
        .iter()
        .filter_map(|change| match change {
            StepChange::Moved(pair) => Some(pair.original.step_text.as_ref()),
            StepChange::Edited(e) if e.moved => Some(e.original.step_text.as_ref()),
            _ => None,
        })
        .collect();
    a.steps.iter().any(|change| {
        matches!(change, StepChange::Edited(e) if moved.contains(&e.original.step_text.as_ref()))
    })
}

fn has_subnormal_amount(ingredient: &Ingredient) -> bool {
    ingredient
        .quantity
        .is_some_and(|q| [q.low(), q.high()].iter().any(|v| v.is_subnormal()))
}

fn distinct(items: impl Iterator<Item = String>) -> bool {
    let mut seen = std::collections::BTreeSet::new();
    items.into_iter().all(|item| seen.insert(item))
}

fn swapped(conflicts: Vec<Conflict>) -> Vec<Conflict> {
    conflicts.into_iter().map(Conflict::swapped).collect()
}

fn show(r: &Recipe) -> String {
    serde_json::to_string_pretty(r).unwrap_or_default()
}

proptest! {
    // The clean-merge property sets aside many drawn triples (scalings,
    // repeated names, edits that meet moves, merges with conflicts): about
    // two for each one it keeps, near proptest's default limit of 1,024
    // rejects for 512 cases, so some seeds failed on the limit alone.
    #![proptest_config(ProptestConfig {
        cases: 512,
        max_global_rejects: 16_384,
        ..ProptestConfig::default()
    })]

    #[test]
    fn taking_theirs_over_an_untouched_base_gives_theirs((a, b) in pair()) {
        let merged = merge(&a, &a, &b);
        prop_assert!(merged.is_clean(), "{:?}", merged.conflicts);
        prop_assert_eq!(&merged.recipe, &b, "{}", show(&merged.recipe));
    }

    #[test]
    fn keeping_ours_over_an_untouched_theirs_gives_ours((a, b) in pair()) {
        let merged = merge(&a, &b, &a);
        prop_assert!(merged.is_clean(), "{:?}", merged.conflicts);
        prop_assert_eq!(&merged.recipe, &b, "{}", show(&merged.recipe));
    }

    #[test]
    fn the_same_changes_on_both_sides_are_made_once((a, b) in pair()) {
        let merged = merge(&a, &b, &b);
        prop_assert!(merged.is_clean(), "{:?}", merged.conflicts);
        prop_assert_eq!(&merged.recipe, &b, "{}", show(&merged.recipe));
    }

    #[test]
    fn swapping_the_sides_swaps_the_conflicts((base, ours, theirs) in triple()) {
        let forward = merge(&base, &ours, &theirs);
        let backward = merge(&base, &theirs, &ours);
        prop_assert_eq!(forward.conflicts, swapped(backward.conflicts));
    }

    #[test]
    fn a_clean_merge_adds_to_ours_what_theirs_changed((base, ours, theirs) in triple()) {
        let ours_diff = diff(&base, &ours);
        let theirs_diff = diff(&base, &theirs);
        // A scaling brings the other side's changes to its size, so they
        // are the same changes at another size: not comparable as written.
        prop_assume!(ours_diff.scaling.is_none() && theirs_diff.scaling.is_none());
        // Two alike steps or ingredients in a recipe are told apart by
        // position only, and a change of one reads as a change of the
        // other once OURS moved things: which one a change is about is
        // then not something descriptions can compare.
        prop_assume!(distinct(base.steps.iter().map(|s| fold_text(&s.step_text))));
        for recipe in [&base, &ours, &theirs] {
            prop_assume!(distinct(recipe.ingredients.iter().map(|i| fold_name(&i.ingredient_name))));
            // Amounts below the smallest normal number are zero as a diff
            // judges them (its tolerance has that floor), so one side's
            // 5e-324 and the other's 0 are the same change; descriptions
            // compare them as written and would call them two.
            prop_assume!(!recipe.ingredients.iter().any(has_subnormal_amount));
        }
        // A step one side edits and the other moves is the edited step,
        // moved: its move reads with other words from OURS. The corpus
        // checks that case by hand.
        prop_assume!(!edits_meet_moves(&ours_diff, &theirs_diff));
        prop_assume!(!edits_meet_moves(&theirs_diff, &ours_diff));
        let merged = merge(&base, &ours, &theirs);
        prop_assume!(merged.is_clean());
        // The same holds of the merged recipe: one side's new line and the
        // other's renamed one may meet under one name.
        prop_assume!(distinct(merged.recipe.ingredients.iter().map(|i| fold_name(&i.ingredient_name))));
        for recipe in [&ours, &theirs, &merged.recipe] {
            prop_assume!(distinct(recipe.steps.iter().map(|s| fold_text(&s.step_text))));
        }
        let none = BTreeMap::new();
        let missing = less(&descriptions(&theirs_diff, &none), &descriptions(&ours_diff, &none));
        let added = descriptions(&diff(&ours, &merged.recipe), &renamed_by(&ours_diff));
        prop_assert_eq!(added, missing, "merged: {}", show(&merged.recipe));
    }
}
