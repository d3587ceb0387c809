//! Merging the ingredient lists.
//!
//! Each BASE ingredient is merged field by field (amount, name, note, id)
//! when both sides kept it, whole when a side substituted or removed it.
//! Additions of the same ingredient by both sides are one; the rest are
//! kept, THEIRS's given a fresh id where OURS already uses theirs for a new
//! ingredient. Order is only ever a restatement here: OURS's order, with
//! THEIRS's reorderings and additions placed after their neighbours.

use std::collections::HashSet;

use crate::changes::RecipeDiff;
use crate::diff::{
    amount_ratio, same_amount, same_factor, same_ingredient_name, same_ingredient_names, same_note,
    same_remarks,
};
use crate::model::{Ingredient, Recipe};
use crate::render::{amount, ingredient_line};

use super::lists::{Correspondence, Origin, merged_order};
use super::{Conflict, ConflictPlace, Pick, Sizes, pick};

/// What one side did to a BASE ingredient.
#[derive(Debug, Clone, Copy)]
enum Fate<'a> {
    Removed,
    /// The same ingredient, perhaps changed or restated.
    Kept(&'a Ingredient),
    /// Another ingredient in its place.
    Substituted(&'a Ingredient),
}

/// One side of the merge, brought to the merged size.
struct Side<'a> {
    recipe: &'a Recipe,
    map: Correspondence,
    /// The side's own scaling: amounts it explains are not changes.
    scaling: Option<f64>,
    /// What the side's amounts are multiplied by in the merged recipe.
    to_merged: f64,
}

impl<'a> Side<'a> {
    fn new(
        base: &Recipe,
        diff: &RecipeDiff,
        recipe: &'a Recipe,
        scaling: Option<f64>,
        to_merged: f64,
    ) -> Self {
        Side {
            recipe,
            map: Correspondence::new(
                base.ingredients.len(),
                recipe.ingredients.len(),
                diff.ingredient_edits(),
            ),
            scaling,
            to_merged,
        }
    }

    fn fate(&self, b: usize) -> Fate<'a> {
        let ingredients = &self.recipe.ingredients;
        match self
            .map
            .to_side
            .get(b)
            .copied()
            .flatten()
            .and_then(|s| ingredients.get(s))
        {
            None => Fate::Removed,
            Some(item) if self.map.substituted.get(b).copied().unwrap_or(false) => {
                Fate::Substituted(item)
            }
            Some(item) => Fate::Kept(item),
        }
    }

    /// Whether the side's amount of a kept ingredient differs from BASE's
    /// in substance: not a restatement, nor its own scaling.
    fn amount_changed(&self, base: &Ingredient, item: &Ingredient) -> bool {
        !same_amount(base, item)
            && !self
                .scaling
                .is_some_and(|f| amount_ratio(base, item).is_some_and(|r| same_factor(r, f)))
    }

    /// Whether the side changed a kept ingredient in substance.
    fn changed(&self, base: &Ingredient, item: &Ingredient) -> bool {
        self.amount_changed(base, item)
            || !same_ingredient_names(base, item)
            || !same_remarks(base, item)
    }

    /// `item` at the merged size.
    fn sized(&self, item: &Ingredient) -> Ingredient {
        resized(item, self.to_merged)
    }

    /// `item` at BASE's size: what the two sides' amounts are compared at,
    /// each brought there on its own, so that the answer is the same
    /// whichever side is OURS.
    fn unscaled(&self, item: &Ingredient) -> Ingredient {
        match self.scaling {
            Some(factor) => resized(item, 1.0 / factor),
            None => item.clone(),
        }
    }

    /// Whether OURS's `o` and THEIRS's `t` are alike, at one size.
    fn alike_across(&self, o: &Ingredient, theirs: &Side<'_>, t: &Ingredient) -> bool {
        alike(&self.unscaled(o), &theirs.unscaled(t))
    }

    /// Whether OURS's `o` and THEIRS's `t` hold the same amount, at one
    /// size.
    fn same_amount_across(&self, o: &Ingredient, theirs: &Side<'_>, t: &Ingredient) -> bool {
        same_amount(&self.unscaled(o), &theirs.unscaled(t))
    }
}

/// `item` with its amount multiplied by `factor`.
fn resized(item: &Ingredient, factor: f64) -> Ingredient {
    let mut item = item.clone();
    if factor != 1.0 {
        // An amount past `f64::MAX` is no amount: it stays as written.
        if let Some(scaled) = item
            .quantity
            .map(|q| q.scaled(factor))
            .filter(|q| q.high().is_finite())
        {
            item.quantity = Some(scaled);
        }
    }
    item
}

/// Merges the ingredient lists, appending conflicts in BASE order, then
/// those of ingredients both sides added.
pub(super) fn merge_ingredients(
    (base, ours_diff, ours): (&Recipe, &RecipeDiff, &Recipe),
    (theirs_diff, theirs): (&RecipeDiff, &Recipe),
    sizes: &Sizes,
    conflicts: &mut Vec<Conflict>,
) -> Vec<Ingredient> {
    let mut ours = Side::new(base, ours_diff, ours, sizes.ours, sizes.ours_to_merged);
    let mut theirs = Side::new(
        base,
        theirs_diff,
        theirs,
        sizes.theirs,
        sizes.theirs_to_merged,
    );
    let twins = pair_new_ingredients(&mut ours, &mut theirs);

    let merged_base: Vec<Option<Ingredient>> = base
        .ingredients
        .iter()
        .enumerate()
        .map(|(b, item)| {
            merge_one(
                item,
                ours.fate(b),
                theirs.fate(b),
                &ours,
                &theirs,
                conflicts,
            )
        })
        .collect();

    // Additions: one ingredient added by both sides is one addition.
    let ours_added: Vec<usize> = additions(&ours);
    let theirs_added: Vec<usize> = additions(&theirs);
    let mut twinned = HashSet::new();
    let mut added_conflicts = Vec::new();
    let mut merged_ours_added: Vec<Option<Ingredient>> = vec![None; ours.recipe.ingredients.len()];
    for &o in &ours_added {
        let item = &ours.recipe.ingredients[o];
        merged_ours_added[o] = Some(match twins.iter().position(|&twin| twin == Some(o)) {
            Some(t) => {
                twinned.insert(o);
                merge_added(
                    item,
                    &theirs.recipe.ingredients[t],
                    &ours,
                    &theirs,
                    &mut added_conflicts,
                )
            }
            None => ours.sized(item),
        });
    }
    // The same conflicts in the same order whichever side is OURS.
    added_conflicts.sort_by(|a: &Conflict, b: &Conflict| {
        let key = |c: &Conflict| {
            (
                c.ours.clone().min(c.theirs.clone()),
                c.ours.clone().max(c.theirs.clone()),
            )
        };
        key(a).cmp(&key(b))
    });
    conflicts.append(&mut added_conflicts);

    // New ids OURS already gives to another new ingredient.
    let base_ids: HashSet<i64> = base
        .ingredients
        .iter()
        .filter_map(|i| i.ingredient_id)
        .collect();
    let ours_new_ids: HashSet<i64> = ours_added
        .iter()
        .filter(|o| !twinned.contains(*o))
        .filter_map(|&o| ours.recipe.ingredients[o].ingredient_id)
        .filter(|id| !base_ids.contains(id))
        .collect();
    let mut next_id = [
        &base.ingredients,
        &ours.recipe.ingredients,
        &theirs.recipe.ingredients,
    ]
    .into_iter()
    .flatten()
    .filter_map(|i| i.ingredient_id)
    .max()
    .and_then(|max| max.checked_add(1));
    let mut merged_theirs_added: Vec<Option<Ingredient>> =
        vec![None; theirs.recipe.ingredients.len()];
    for &t in &theirs_added {
        if twins[t].is_some() {
            continue;
        }
        let mut item = theirs.sized(&theirs.recipe.ingredients[t]);
        if item
            .ingredient_id
            .is_some_and(|id| ours_new_ids.contains(&id))
        {
            item.ingredient_id = next_id;
            next_id = next_id.and_then(|id| id.checked_add(1));
        }
        merged_theirs_added[t] = Some(item);
    }

    let ours_order = ours.map.origins(Origin::Ours);
    let theirs_order = theirs.map.origins(|t| match twins[t] {
        Some(o) => Origin::Ours(o),
        None => Origin::Theirs(t),
    });
    let lookup = |origin: Origin| -> Option<&Ingredient> {
        match origin {
            Origin::Base(b) => merged_base.get(b)?.as_ref(),
            Origin::Ours(o) => merged_ours_added.get(o)?.as_ref(),
            Origin::Theirs(t) => merged_theirs_added.get(t)?.as_ref(),
        }
    };
    let order = merged_order(
        &ours_order,
        &theirs_order,
        |origin| lookup(origin).is_some(),
        |b| {
            theirs.map.moved.get(b).copied().unwrap_or(false)
                && !ours.map.moved.get(b).copied().unwrap_or(false)
        },
    );
    order
        .into_iter()
        .filter_map(|o| lookup(o).cloned())
        .collect()
}

/// Pairs the new ingredients of both sides that are one ingredient: for
/// each of THEIRS's ingredients, OURS's twin.
///
/// A new ingredient is an addition or a substitute. A substitute whose
/// twin the other side brings otherwise (as an addition, or in place of
/// another BASE ingredient) is read as the removal and the addition it
/// is, so the one ingredient is added once.
fn pair_new_ingredients(ours: &mut Side<'_>, theirs: &mut Side<'_>) -> Vec<Option<usize>> {
    let new_items = |side: &Side<'_>| -> Vec<(usize, Option<usize>)> {
        side.map
            .to_base
            .iter()
            .enumerate()
            .filter_map(|(s, b)| match *b {
                None => Some((s, None)),
                Some(b) if side.map.substituted.get(b).copied().unwrap_or(false) => {
                    Some((s, Some(b)))
                }
                Some(_) => None,
            })
            .collect()
    };
    let (ours_new, theirs_new) = (new_items(ours), new_items(theirs));
    let mut twins = vec![None; theirs.recipe.ingredients.len()];
    let mut paired = HashSet::new();
    let mut detach = (Vec::new(), Vec::new());
    // One substitution made by both sides stays one: neither is paired
    // with anything else.
    let mut reserved = HashSet::new();
    for &(o, ours_base) in &ours_new {
        let Some(b) = ours_base else { continue };
        let name = &ours.recipe.ingredients[o].ingredient_name;
        if let Some(&(t, _)) = theirs_new.iter().find(|&&(t, theirs_base)| {
            theirs_base == Some(b)
                && same_ingredient_name(name, &theirs.recipe.ingredients[t].ingredient_name)
        }) {
            paired.insert(o);
            reserved.insert(t);
        }
    }
    // Additions with additions first, alike ones before those alike in
    // name only, then substitutes with what is left.
    for (substitutes, whole) in [(false, true), (false, false), (true, false)] {
        for &(o, ours_base) in &ours_new {
            if paired.contains(&o) {
                continue;
            }
            let name = &ours.recipe.ingredients[o].ingredient_name;
            let twin = theirs_new.iter().find(|&&(t, theirs_base)| {
                twins[t].is_none()
                    && !reserved.contains(&t)
                    && (ours_base.is_some() || theirs_base.is_some()) == substitutes
                    && !(ours_base.is_some() && ours_base == theirs_base)
                    && same_ingredient_name(name, &theirs.recipe.ingredients[t].ingredient_name)
                    && (!whole
                        || ours.alike_across(
                            &ours.recipe.ingredients[o],
                            theirs,
                            &theirs.recipe.ingredients[t],
                        ))
            });
            if let Some(&(t, theirs_base)) = twin {
                twins[t] = Some(o);
                paired.insert(o);
                if ours_base.is_some() {
                    detach.0.push(o);
                }
                if theirs_base.is_some() {
                    detach.1.push(t);
                }
            }
        }
    }
    for o in detach.0 {
        ours.map.detach(o);
    }
    for t in detach.1 {
        theirs.map.detach(t);
    }
    twins
}

/// Positions of the side's ingredients that stand for no BASE ingredient.
fn additions(side: &Side<'_>) -> Vec<usize> {
    side.map
        .to_base
        .iter()
        .enumerate()
        .filter(|(_, b)| b.is_none())
        .map(|(s, _)| s)
        .collect()
}

/// The merged BASE ingredient, or `None` when it is removed.
fn merge_one(
    base: &Ingredient,
    ours_fate: Fate<'_>,
    theirs_fate: Fate<'_>,
    ours: &Side<'_>,
    theirs: &Side<'_>,
    conflicts: &mut Vec<Conflict>,
) -> Option<Ingredient> {
    let line = |fate: Fate<'_>| match fate {
        Fate::Removed => String::new(),
        Fate::Kept(item) | Fate::Substituted(item) => ingredient_line(item),
    };
    let conflict = |conflicts: &mut Vec<Conflict>| {
        conflicts.push(Conflict {
            place: ConflictPlace::Ingredient {
                ingredient_id: base.ingredient_id,
            },
            base: ingredient_line(base),
            ours: line(ours_fate),
            theirs: line(theirs_fate),
        });
    };
    match (ours_fate, theirs_fate) {
        (Fate::Removed, Fate::Removed) => None,
        (Fate::Removed, Fate::Kept(t)) => {
            if theirs.changed(base, t) {
                conflict(conflicts);
            }
            None
        }
        (Fate::Removed, Fate::Substituted(_)) => {
            conflict(conflicts);
            None
        }
        (Fate::Kept(o), Fate::Removed) => {
            if ours.changed(base, o) {
                conflict(conflicts);
                Some(ours.sized(o))
            } else {
                None
            }
        }
        (Fate::Substituted(o), Fate::Removed) => {
            conflict(conflicts);
            Some(ours.sized(o))
        }
        (Fate::Substituted(o), Fate::Substituted(t)) => {
            if !ours.alike_across(o, theirs, t) {
                conflict(conflicts);
            }
            Some(ours.sized(o))
        }
        (Fate::Substituted(o), Fate::Kept(t)) => {
            if theirs.changed(base, t) {
                conflict(conflicts);
            }
            Some(ours.sized(o))
        }
        (Fate::Kept(o), Fate::Substituted(t)) => {
            if ours.changed(base, o) {
                conflict(conflicts);
                Some(ours.sized(o))
            } else {
                Some(theirs.sized(t))
            }
        }
        (Fate::Kept(o), Fate::Kept(t)) => Some(merge_fields(base, o, t, ours, theirs, conflicts)),
    }
}

/// Two ingredients that are the same to a cook: name, amount and note.
fn alike(a: &Ingredient, b: &Ingredient) -> bool {
    same_ingredient_names(a, b) && same_amount(a, b) && same_remarks(a, b)
}

/// A BASE ingredient both sides kept, merged field by field.
fn merge_fields(
    base: &Ingredient,
    o: &Ingredient,
    t: &Ingredient,
    ours: &Side<'_>,
    theirs: &Side<'_>,
    conflicts: &mut Vec<Conflict>,
) -> Ingredient {
    let (sized_o, sized_t) = (ours.sized(o), theirs.sized(t));
    let amount_pick = match (ours.amount_changed(base, o), theirs.amount_changed(base, t)) {
        (false, false) if o.quantity == base.quantity && o.measurement == base.measurement => {
            Pick::Theirs
        }
        (false, false) | (true, false) => Pick::Ours,
        (false, true) => Pick::Theirs,
        (true, true) if ours.same_amount_across(o, theirs, t) => Pick::Ours,
        (true, true) => Pick::Conflict,
    };
    // The size goes with the name and the preparation with the note, as
    // a diff compares them.
    let named = |i: &Ingredient| (i.ingredient_name.clone(), i.size.clone(), i.unparsed);
    let name_pick = pick(&named(base), &named(o), &named(t), |a, b| {
        same_ingredient_name(&a.0, &b.0) && same_note(&a.1, &b.1)
    });
    let remarked = |i: &Ingredient| (i.preparation.clone(), i.note.clone());
    let note_pick = pick(&remarked(base), &remarked(o), &remarked(t), |a, b| {
        same_note(&a.0, &b.0) && same_note(&a.1, &b.1)
    });

    let choose = |p: Pick| {
        if p == Pick::Theirs {
            &sized_t
        } else {
            &sized_o
        }
    };
    let amount_from = choose(amount_pick);
    let merged = Ingredient {
        ingredient_id: if o.ingredient_id == base.ingredient_id {
            t.ingredient_id
        } else {
            o.ingredient_id
        },
        quantity: amount_from.quantity,
        measurement: amount_from.measurement.clone(),
        ingredient_name: choose(name_pick).ingredient_name.clone(),
        size: choose(name_pick).size.clone(),
        unparsed: choose(name_pick).unparsed,
        preparation: choose(note_pick).preparation.clone(),
        note: choose(note_pick).note.clone(),
    };

    let conflicting = [amount_pick, name_pick, note_pick].map(|p| p == Pick::Conflict);
    if conflicting.contains(&true) {
        // An amount alone reads as amounts ("2 cup"); anything more as
        // whole lines, so the reader sees every field that disagrees.
        let show = |i: &Ingredient| {
            if conflicting == [true, false, false] {
                amount(i)
            } else {
                ingredient_line(i)
            }
        };
        conflicts.push(Conflict {
            place: ConflictPlace::Ingredient {
                ingredient_id: base.ingredient_id,
            },
            base: show(base),
            ours: show(o),
            theirs: show(t),
        });
    }
    merged
}

/// One ingredient both sides added: OURS's, with a conflict when the two
/// differ in amount or note.
fn merge_added(
    o: &Ingredient,
    t: &Ingredient,
    ours: &Side<'_>,
    theirs: &Side<'_>,
    conflicts: &mut Vec<Conflict>,
) -> Ingredient {
    if !ours.same_amount_across(o, theirs, t) || !same_remarks(o, t) {
        let show = |i: &Ingredient| {
            if same_remarks(o, t) {
                amount(i)
            } else {
                ingredient_line(i)
            }
        };
        conflicts.push(Conflict {
            place: ConflictPlace::Ingredient {
                ingredient_id: None,
            },
            base: String::new(),
            ours: show(o),
            theirs: show(t),
        });
    }
    ours.sized(o)
}

#[cfg(test)]
mod tests {
    use crate::model::{Ingredient, Recipe};
    use crate::quantity::Quantity;
    use crate::{Conflict, merge};

    fn recipe(ingredients: &[(f64, &str)]) -> Recipe {
        Recipe {
            recipe_name: "Soup".into(),
            ingredients: ingredients
                .iter()
                .map(|&(quantity, name)| Ingredient {
                    quantity: Some(Quantity::new(quantity)),
                    measurement: Some("g".into()),
                    ingredient_name: name.into(),
                    ..Ingredient::default()
                })
                .collect(),
            ..Recipe::default()
        }
    }

    #[test]
    fn amounts_compare_at_bases_size_whatever_the_scalings() {
        // OURS doubles and adds 2 g of pepper, THEIRS halves and adds
        // 0.5 g: the same pepper at each side's size, so one addition,
        // and the one conflict is the scaling. The `merge` fuzz target
        // found that bringing THEIRS's amounts to OURS's size before
        // comparing answered differently with the sides swapped, at the
        // edges of `f64` (seed `regression-two-scalings-at-the-edges`):
        // each side's amount now goes to BASE's size on its own.
        let base = recipe(&[(1.0, "leek"), (2.0, "salt")]);
        let ours = recipe(&[(2.0, "leek"), (4.0, "salt"), (2.0, "pepper")]);
        let theirs = recipe(&[(0.5, "leek"), (1.0, "salt"), (0.5, "pepper")]);
        let forward = merge(&base, &ours, &theirs);
        assert_eq!(forward.recipe, ours);
        assert_eq!(forward.conflicts.len(), 1, "{:?}", forward.conflicts);
        assert_eq!(forward.conflicts[0].theirs, "×½");
        let backward: Vec<Conflict> = merge(&base, &theirs, &ours)
            .conflicts
            .into_iter()
            .map(Conflict::swapped)
            .collect();
        assert_eq!(forward.conflicts, backward);
    }

    #[test]
    fn mirrored_additions_pair_alike_ones_first() {
        // Found by the `merge` fuzz target: OURS adds 1 g then 2 g of
        // salt, THEIRS 2 g then 1 g. Paired by position they conflicted
        // twice, in an order that depended on which side was OURS.
        let base = recipe(&[(100.0, "leek")]);
        let ours = recipe(&[(100.0, "leek"), (1.0, "salt"), (2.0, "salt")]);
        let theirs = recipe(&[(100.0, "leek"), (2.0, "salt"), (1.0, "salt")]);
        let merged = merge(&base, &ours, &theirs);
        assert_eq!(merged.conflicts, Vec::<Conflict>::new());
        assert_eq!(merged.recipe, ours);
    }

    #[test]
    fn an_ingredient_one_side_adds_and_the_other_swaps_in_is_added_once() {
        // THEIRS's diff reads its onion as standing in for the leek; OURS
        // added the onion next to the leek. One onion, and no leek.
        let base = recipe(&[(100.0, "leek"), (5.0, "salt")]);
        let ours = recipe(&[(100.0, "leek"), (50.0, "onion"), (5.0, "salt")]);
        let theirs = recipe(&[(50.0, "onion"), (5.0, "salt")]);
        let merged = merge(&base, &ours, &theirs);
        assert!(merged.is_clean(), "{:?}", merged.conflicts);
        assert_eq!(merged.recipe, theirs);
    }
}
