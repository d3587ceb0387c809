//! RFC 6902 JSON Patch, built from the structured diff.
//!
//! We do not diff JSON documents generically: we replay the [`RecipeDiff`]
//! on a model of each list, so every operation names the index the item has
//! at the moment that operation runs, and a matched item keeps its identity
//! (a reworded step is a field `replace`, not a remove and an add).

use serde::Serialize;
use serde_json::Value;

use crate::changes::{ListEdit, RecipeDiff};
use crate::error::{Error, Result};
use crate::model::Recipe;

/// One RFC 6902 operation, serialized as the RFC spells it:
/// `{"op": "replace", "path": "/rating", "value": 4.0}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "op", rename_all = "lowercase")]
pub enum PatchOperation {
    /// Inserts `value` at `path` (before the item at that index in a list).
    Add {
        /// JSON Pointer to the new location.
        path: String,
        /// What to insert.
        value: Value,
    },
    /// Deletes what is at `path`.
    Remove {
        /// JSON Pointer to the value to delete.
        path: String,
    },
    /// Swaps what is at `path` for `value`.
    Replace {
        /// JSON Pointer to the value to replace.
        path: String,
        /// The new value.
        value: Value,
    },
    /// Takes the value at `from` out and inserts it at `path`, an index in
    /// the list as it is once `from` is gone.
    Move {
        /// JSON Pointer to the value to move.
        from: String,
        /// JSON Pointer to its new location.
        path: String,
    },
}

/// A JSON Patch that turns `serde_json::to_value(original)` into
/// `serde_json::to_value(apply(original, diff))`, exactly.
///
/// Unlike the other renderings, the patch carries restatements too (a
/// respelled name, renumbered steps): it edits a document, and the document
/// must come out byte for byte. Lists are edited in four passes, each index
/// right at the moment its operation runs: removals from the highest index
/// down; moves of the items that left their relative order; additions in
/// make order; then `replace`, `add` or `remove` of the fields that changed
/// in items found on both sides, at their final indices. A substituted
/// ingredient is replaced whole, since it is another ingredient.
///
/// Fails with [`Error::Mismatch`] when `diff` was not computed from
/// `original`.
///
/// ```
/// use recipe_diff::render::{PatchOperation, patch};
/// use recipe_diff::{diff, parse_recipe};
///
/// let original = parse_recipe(r#"{"recipeName": "Tea", "steps": [
///     {"stepId": 1, "stepText": "Warm the pot"}, {"stepId": 2, "stepText": "Boil water"}]}"#)?;
/// let make = parse_recipe(r#"{"recipeName": "Tea", "steps": [
///     {"stepId": 1, "stepText": "Boil water"}]}"#)?;
/// assert_eq!(
///     patch(&original, &diff(&original, &make))?,
///     [
///         PatchOperation::Remove { path: "/steps/0".into() },
///         PatchOperation::Replace { path: "/steps/0/stepId".into(), value: 1.into() },
///     ],
/// );
/// # Ok::<(), recipe_diff::Error>(())
/// ```
pub fn patch(original: &Recipe, diff: &RecipeDiff) -> Result<Vec<PatchOperation>> {
    // `apply` checks every original value the diff names, so a diff from
    // another recipe fails here with a message naming the first misfit.
    crate::apply(original, diff)?;

    let mut ops = Vec::new();
    if let Some(id) = &diff.restatements.recipe_id {
        optional_field(&mut ops, "recipeId", id.original, id.make)?;
    }
    for name in [&diff.name, &diff.restatements.name].into_iter().flatten() {
        ops.push(PatchOperation::Replace {
            path: pointer(&["recipeName"]),
            value: Value::String(name.make.clone()),
        });
    }
    if let Some(rating) = &diff.rating {
        optional_field(&mut ops, "rating", rating.original, rating.make)?;
    }

    list_operations(
        "ingredients",
        original.ingredients.len(),
        diff.ingredient_edits(),
        &mut ops,
    )?;
    list_operations("steps", original.steps.len(), diff.step_edits(), &mut ops)?;
    Ok(ops)
}

/// The operations that turn one list of the original into the make's.
fn list_operations<'a, T: Serialize + 'a>(
    list: &'static str,
    original_len: usize,
    edits: impl Iterator<Item = ListEdit<'a, T>>,
    ops: &mut Vec<PatchOperation>,
) -> Result<()> {
    let mut simulation = ListSimulation::new(list, original_len);
    for edit in edits {
        match edit {
            ListEdit::Add { make_index, item } => simulation.add(make_index, item)?,
            ListEdit::Remove { original_index, .. } => simulation.remove(original_index),
            ListEdit::Replace {
                original_index,
                make_index,
                original,
                make,
                same_item,
            } => simulation.matched(
                original_index,
                make_index,
                original,
                make,
                if same_item {
                    Identity::Same
                } else {
                    Identity::Other
                },
            )?,
        }
    }
    simulation.emit(ops)
}

/// A JSON Pointer from its segments, escaping `~` and `/` (RFC 6901).
fn pointer(segments: &[&str]) -> String {
    let mut path = String::new();
    for segment in segments {
        path.push('/');
        path.push_str(&segment.replace('~', "~0").replace('/', "~1"));
    }
    path
}

fn to_value<T: Serialize>(path: &str, value: &T) -> Result<Value> {
    serde_json::to_value(value).map_err(|e| Error::Invalid {
        path: path.to_owned(),
        message: format!("cannot be written as JSON: {e}"),
    })
}

/// A top-level field that serialization leaves out when it is `None`.
fn optional_field<T: Serialize + PartialEq>(
    ops: &mut Vec<PatchOperation>,
    field: &str,
    before: Option<T>,
    after: Option<T>,
) -> Result<()> {
    let path = pointer(&[field]);
    match (before, after) {
        (None, Some(after)) => ops.push(PatchOperation::Add {
            value: to_value(field, &after)?,
            path,
        }),
        (Some(_), None) => ops.push(PatchOperation::Remove { path }),
        (Some(before), Some(after)) if before != after => ops.push(PatchOperation::Replace {
            value: to_value(field, &after)?,
            path,
        }),
        _ => {}
    }
    Ok(())
}

/// Whether a matched pair is one item (edit its fields) or two (replace it
/// whole).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Identity {
    Same,
    Other,
}

/// An original item that stays, and where it goes.
struct Matched {
    original_index: usize,
    make_index: usize,
    before: Value,
    after: Value,
    identity: Identity,
}

/// Where an item of the make's list comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    Original(usize),
    Added(usize),
}

/// What the diff does to one list, gathered before any operation is
/// emitted so removals, moves and additions can run in a safe order.
struct ListSimulation {
    list: &'static str,
    original_len: usize,
    removed: Vec<usize>,
    matched: Vec<Matched>,
    added: Vec<(usize, Value)>,
}

impl ListSimulation {
    fn new(list: &'static str, original_len: usize) -> Self {
        ListSimulation {
            list,
            original_len,
            removed: Vec::new(),
            matched: Vec::new(),
            added: Vec::new(),
        }
    }

    fn mismatch(&self, what: impl std::fmt::Display) -> Error {
        Error::Mismatch(format!("{}: {what}", self.list))
    }

    fn add<T: Serialize>(&mut self, make_index: usize, item: &T) -> Result<()> {
        let value = to_value(self.list, item)?;
        self.added.push((make_index, value));
        Ok(())
    }

    fn remove(&mut self, original_index: usize) {
        self.removed.push(original_index);
    }

    fn matched<T: Serialize>(
        &mut self,
        original_index: usize,
        make_index: usize,
        before: &T,
        after: &T,
        identity: Identity,
    ) -> Result<()> {
        self.matched.push(Matched {
            original_index,
            make_index,
            before: to_value(self.list, before)?,
            after: to_value(self.list, after)?,
            identity,
        });
        Ok(())
    }

    /// Where each item of the make's list comes from: `apply`'s placement,
    /// where original items the diff does not mention fill the free slots
    /// in their order.
    fn target(&self) -> Result<Vec<Source>> {
        let mut mentioned = vec![false; self.original_len];
        let originals = self
            .removed
            .iter()
            .chain(self.matched.iter().map(|m| &m.original_index));
        for &o in originals {
            match mentioned.get_mut(o) {
                Some(seen @ false) => *seen = true,
                Some(true) => return Err(self.mismatch(format!("item {o} is named twice"))),
                None => return Err(self.mismatch(format!("item {o} does not exist"))),
            }
        }
        let len = self.original_len - self.removed.len() + self.added.len();
        let mut slots: Vec<Option<Source>> = vec![None; len];
        let placed = self
            .matched
            .iter()
            .map(|m| (m.make_index, Source::Original(m.original_index)))
            .chain(
                self.added
                    .iter()
                    .enumerate()
                    .map(|(k, (m, _))| (*m, Source::Added(k))),
            );
        for (m, source) in placed {
            match slots.get_mut(m) {
                Some(slot @ None) => *slot = Some(source),
                Some(Some(_)) => return Err(self.mismatch(format!("two items at {m}"))),
                None => return Err(self.mismatch(format!("position {m} is past the end"))),
            }
        }
        let mut kept = (0..self.original_len).filter(|&o| mentioned.get(o) == Some(&false));
        slots
            .into_iter()
            .map(|slot| slot.or_else(|| kept.next().map(Source::Original)))
            .collect::<Option<Vec<Source>>>()
            .filter(|_| kept.next().is_none())
            .ok_or_else(|| self.mismatch("the items do not add up"))
    }

    fn emit(self, ops: &mut Vec<PatchOperation>) -> Result<()> {
        let target = self.target()?;
        let at = |index: usize| pointer(&[self.list, &index.to_string()]);

        // 1. Removals, highest index first, so the indices still to come are
        // untouched by the ones already gone.
        let mut removed = self.removed.clone();
        removed.sort_unstable();
        for &o in removed.iter().rev() {
            ops.push(PatchOperation::Remove { path: at(o) });
        }
        let mut current: Vec<usize> = (0..self.original_len)
            .filter(|o| removed.binary_search(o).is_err())
            .collect();

        // 2. Moves. The survivors must end in `order`; the longest run of
        // them already in that order stays put, each other one is taken
        // out and put back right after its nearest settled predecessor.
        let order: Vec<usize> = target
            .iter()
            .filter_map(|source| match source {
                Source::Original(o) => Some(*o),
                Source::Added(_) => None,
            })
            .collect();
        let rank = |o: usize| order.iter().position(|&x| x == o);
        let ranks: Vec<usize> = current
            .iter()
            .map(|&o| rank(o).ok_or_else(|| self.mismatch(format!("item {o} has no place"))))
            .collect::<Result<_>>()?;
        let anchored = longest_increasing(&ranks);
        let mut settled = vec![false; order.len()];
        for (&r, keep) in ranks.iter().zip(&anchored) {
            if let Some(s) = settled.get_mut(r) {
                *s = *keep;
            }
        }
        for (r, &o) in order.iter().enumerate() {
            if settled.get(r) == Some(&true) {
                continue;
            }
            let from = position(&current, o).ok_or_else(|| self.mismatch("lost an item"))?;
            current.remove(from);
            let predecessor = order
                .get(..r)
                .unwrap_or_default()
                .iter()
                .zip(&settled)
                .rev()
                .find(|(_, settled)| **settled)
                .map(|(&p, _)| p);
            let to = match predecessor {
                Some(p) => position(&current, p).map_or(0, |i| i + 1),
                None => 0,
            };
            current.insert(to, o);
            if let Some(s) = settled.get_mut(r) {
                *s = true;
            }
            if from != to {
                ops.push(PatchOperation::Move {
                    from: at(from),
                    path: at(to),
                });
            }
        }

        // 3. Additions in make order: every slot before each one is final.
        let mut added = self.added.iter().collect::<Vec<_>>();
        added.sort_by_key(|(m, _)| *m);
        for (m, value) in added {
            ops.push(PatchOperation::Add {
                path: at(*m),
                value: value.clone(),
            });
        }

        // 4. Fields of the items that stayed, at their final indices.
        let mut matched = self.matched.iter().collect::<Vec<_>>();
        matched.sort_by_key(|m| m.make_index);
        for m in matched {
            if m.before == m.after {
                continue;
            }
            let index = m.make_index.to_string();
            match (&m.before, &m.after, m.identity) {
                (Value::Object(before), Value::Object(after), Identity::Same) => {
                    field_ops(ops, self.list, &index, before, after);
                }
                _ => ops.push(PatchOperation::Replace {
                    path: at(m.make_index),
                    value: m.after.clone(),
                }),
            }
        }
        Ok(())
    }
}

fn position(list: &[usize], item: usize) -> Option<usize> {
    list.iter().position(|&x| x == item)
}

/// `replace`, `add` and `remove` for the fields of one item, in key order
/// so the patch does not depend on how serde_json orders maps.
fn field_ops(
    ops: &mut Vec<PatchOperation>,
    list: &str,
    index: &str,
    before: &serde_json::Map<String, Value>,
    after: &serde_json::Map<String, Value>,
) {
    let mut keys: Vec<&String> = before.keys().chain(after.keys()).collect();
    keys.sort_unstable();
    keys.dedup();
    for key in keys {
        let path = pointer(&[list, index, key]);
        match (before.get(key), after.get(key)) {
            (Some(old), Some(new)) if old != new => ops.push(PatchOperation::Replace {
                path,
                value: new.clone(),
            }),
            (None, Some(new)) => ops.push(PatchOperation::Add {
                path,
                value: new.clone(),
            }),
            (Some(_), None) => ops.push(PatchOperation::Remove { path }),
            _ => {}
        }
    }
}

/// Marks a longest strictly increasing subsequence of `values`: the items
/// that can stay where they are while the others move around them.
fn longest_increasing(values: &[usize]) -> Vec<bool> {
    // Patience sorting: `tails[k]` ends the best run of length k + 1 found
    // so far; `previous` links each item to the one before it in its run.
    let mut tails: Vec<usize> = Vec::new();
    let mut previous: Vec<Option<usize>> = Vec::with_capacity(values.len());
    for (i, &value) in values.iter().enumerate() {
        let at = tails.partition_point(|&t| values.get(t).is_some_and(|&v| v < value));
        previous.push(at.checked_sub(1).and_then(|p| tails.get(p).copied()));
        match tails.get_mut(at) {
            Some(tail) => *tail = i,
            None => tails.push(i),
        }
    }
    let mut keep = vec![false; values.len()];
    let mut cursor = tails.last().copied();
    while let Some(i) = cursor {
        if let Some(k) = keep.get_mut(i) {
            *k = true;
        }
        cursor = previous.get(i).copied().flatten();
    }
    keep
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Ingredient, Step};
    use crate::quantity::Quantity;
    use crate::{apply, diff};

    #[test]
    fn pointers_escape_tilde_and_slash() {
        assert_eq!(pointer(&["a/b", "m~n", "0"]), "/a~1b/m~0n/0");
        assert_eq!(pointer(&[]), "");
    }

    #[test]
    fn operations_serialize_as_the_rfc_spells_them() {
        let ops = [
            PatchOperation::Move {
                from: "/steps/0".into(),
                path: "/steps/2".into(),
            },
            PatchOperation::Remove {
                path: "/rating".into(),
            },
        ];
        assert_eq!(
            serde_json::to_value(ops).unwrap(),
            serde_json::json!([
                {"op": "move", "from": "/steps/0", "path": "/steps/2"},
                {"op": "remove", "path": "/rating"},
            ])
        );
    }

    #[test]
    fn longest_increasing_keeps_the_ordered_run() {
        assert_eq!(longest_increasing(&[]), Vec::<bool>::new());
        assert_eq!(longest_increasing(&[0, 1, 2]), [true; 3]);
        assert_eq!(longest_increasing(&[2, 0, 1]), [false, true, true]);
        assert_eq!(
            longest_increasing(&[1, 0]).iter().filter(|k| **k).count(),
            1
        );
    }

    fn steps(texts: &[&str]) -> Vec<Step> {
        texts
            .iter()
            .zip(1..)
            .map(|(text, id)| Step {
                step_id: Some(id),
                step_text: (*text).into(),
            })
            .collect()
    }

    fn recipe(step_texts: &[&str]) -> Recipe {
        Recipe {
            recipe_name: "Pie".into(),
            steps: steps(step_texts),
            ..Recipe::default()
        }
    }

    /// Runs the patch with the json-patch crate and compares with the make.
    fn assert_patch_rebuilds(original: &Recipe, make: &Recipe) -> Vec<PatchOperation> {
        let changes = diff(original, make);
        let ops = patch(original, &changes).unwrap();
        let wire: json_patch::Patch = serde_json::from_value(serde_json::to_value(&ops).unwrap())
            .expect("our operations read as RFC 6902");
        let mut document = serde_json::to_value(original).unwrap();
        json_patch::patch(&mut document, &wire).unwrap_or_else(|e| panic!("{e}: {ops:#?}"));
        assert_eq!(
            document,
            serde_json::to_value(apply(original, &changes).unwrap()).unwrap()
        );
        assert_eq!(document, serde_json::to_value(make).unwrap(), "{ops:#?}");
        ops
    }

    #[test]
    fn a_moved_step_is_one_move() {
        let ops = assert_patch_rebuilds(&recipe(&["a a", "b b", "c c"]), &{
            let mut make = recipe(&["b b", "c c", "a a"]);
            make.steps = vec![
                Step {
                    step_id: Some(2),
                    step_text: "b b".into(),
                },
                Step {
                    step_id: Some(3),
                    step_text: "c c".into(),
                },
                Step {
                    step_id: Some(1),
                    step_text: "a a".into(),
                },
            ];
            make
        });
        assert_eq!(
            ops,
            [PatchOperation::Move {
                from: "/steps/0".into(),
                path: "/steps/2".into()
            }]
        );
    }

    #[test]
    fn a_reversed_method_needs_only_moves_and_renumbering() {
        let ops = assert_patch_rebuilds(
            &recipe(&["one step", "two steps", "three steps", "four steps"]),
            &recipe(&["four steps", "three steps", "two steps", "one step"]),
        );
        let moves = ops
            .iter()
            .filter(|op| matches!(op, PatchOperation::Move { .. }))
            .count();
        assert_eq!(moves, 3);
        assert!(ops.iter().all(|op| match op {
            PatchOperation::Move { .. } => true,
            PatchOperation::Replace { path, .. } => path.ends_with("/stepId"),
            _ => false,
        }));
    }

    #[test]
    fn removals_additions_and_edits_rebuild_the_make() {
        assert_patch_rebuilds(
            &recipe(&[
                "Gather",
                "Pre heat oven",
                "Mix apples and sugar",
                "Bake 40 minutes",
            ]),
            &recipe(&[
                "Gather",
                "Mix apples with brown sugar",
                "Chill the dough",
                "Bake 45 minutes",
                "Let it cool",
            ]),
        );
    }

    #[test]
    fn an_edited_step_is_a_field_replace() {
        let ops = assert_patch_rebuilds(
            &recipe(&["Gather", "Bake 40 minutes"]),
            &recipe(&["Gather", "Bake 45 minutes"]),
        );
        assert_eq!(
            ops,
            [PatchOperation::Replace {
                path: "/steps/1/stepText".into(),
                value: "Bake 45 minutes".into()
            }]
        );
    }

    fn ingredient(id: i64, quantity: f64, measurement: &str, name: &str) -> Ingredient {
        Ingredient {
            ingredient_id: Some(id),
            quantity: Some(Quantity::new(quantity)),
            measurement: Some(measurement.into()),
            ingredient_name: name.into(),
            note: None,
            ..Ingredient::default()
        }
    }

    #[test]
    fn substitutions_scaling_and_top_level_fields_rebuild_the_make() {
        let original = Recipe {
            recipe_name: "Shortbread".into(),
            recipe_id: Some(4),
            rating: Some(3.0),
            ingredients: vec![
                ingredient(1, 100.0, "g", "butter"),
                ingredient(2, 200.0, "g", "flour"),
                ingredient(3, 50.0, "g", "sugar"),
            ],
            steps: steps(&["Rub butter into flour", "Bake"]),
        };
        let substituted = Recipe {
            recipe_name: "Vegan shortbread".into(),
            recipe_id: None,
            rating: None,
            ingredients: vec![
                ingredient(7, 100.0, "g", "margarine"),
                ingredient(2, 200.0, "g", "flour"),
                ingredient(3, 50.0, "g", "sugar"),
            ],
            ..original.clone()
        };
        let ops = assert_patch_rebuilds(&original, &substituted);
        assert!(ops.contains(&PatchOperation::Replace {
            path: "/ingredients/0".into(),
            value: serde_json::to_value(&substituted.ingredients[0]).unwrap(),
        }));

        let doubled = Recipe {
            ingredients: original
                .ingredients
                .iter()
                .map(|i| Ingredient {
                    quantity: i.quantity.map(|q| q.scaled(2.0)),
                    ..i.clone()
                })
                .collect(),
            rating: Some(5.0),
            ..original.clone()
        };
        let ops = assert_patch_rebuilds(&original, &doubled);
        assert_eq!(ops.len(), 4, "rating and three quantities: {ops:#?}");
        assert_patch_rebuilds(&doubled, &original);
        assert_patch_rebuilds(&substituted, &original);
    }

    #[test]
    fn reordered_and_respelled_ingredients_rebuild_the_make() {
        let original = Recipe {
            recipe_name: "Pie".into(),
            ingredients: vec![
                ingredient(1, 1.0, "unit", "pieCrust"),
                ingredient(2, 5.0, "unit", "apples"),
                ingredient(3, 0.5, "TBS", "cinnamon"),
                ingredient(4, 1.0, "pinch", "salt"),
            ],
            ..Recipe::default()
        };
        let make = Recipe {
            ingredients: vec![
                ingredient(3, 1.5, "tsp", "cinnamon"),
                ingredient(2, 5.0, "unit", "apples"),
                ingredient(9, 1.0, "tsp", "vanilla"),
                ingredient(1, 1.0, "unit", "pie crust"),
            ],
            ..original.clone()
        };
        assert_patch_rebuilds(&original, &make);
        assert_patch_rebuilds(&make, &original);
    }

    #[test]
    fn a_diff_from_another_recipe_is_refused() {
        let original = recipe(&["a", "b"]);
        let changes = diff(&original, &recipe(&["a"]));
        assert!(matches!(
            patch(&recipe(&["x", "y"]), &changes),
            Err(Error::Mismatch(_))
        ));
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        const WORDS: [&str; 8] = [
            "gather the apples",
            "peel the apples",
            "slice the apples thin",
            "pre heat the oven",
            "roll out the crust",
            "fill the crust",
            "bake for forty minutes",
            "let it cool",
        ];

        fn method() -> impl Strategy<Value = Vec<String>> {
            prop::collection::vec(
                (0..WORDS.len(), any::<bool>()).prop_map(|(i, tweak)| {
                    let text = WORDS.get(i).copied().unwrap_or_default();
                    if tweak {
                        format!("{text} gently")
                    } else {
                        text.to_owned()
                    }
                }),
                0..7,
            )
        }

        const PANTRY: [(&str, &str); 6] = [
            ("butter", "g"),
            ("margarine", "g"),
            ("flour", "cup"),
            ("sugar", "TBS"),
            ("cinnamon", "tsp"),
            ("apples", "unit"),
        ];

        fn ingredients() -> impl Strategy<Value = Vec<Ingredient>> {
            prop::collection::vec((0..PANTRY.len(), 1..4u8, 0..3i64), 0..6).prop_map(|lines| {
                lines
                    .into_iter()
                    .map(|(i, amount, id)| {
                        let (name, unit) = PANTRY.get(i).copied().unwrap_or_default();
                        ingredient(id, f64::from(amount) / 2.0, unit, name)
                    })
                    .collect()
            })
        }

        proptest! {
            #[test]
            fn every_ingredient_patch_rebuilds_the_make(original in ingredients(), make in ingredients()) {
                let as_recipe = |ingredients: Vec<Ingredient>| Recipe {
                    recipe_name: "Pie".into(),
                    ingredients,
                    ..Recipe::default()
                };
                let (original, make) = (as_recipe(original), as_recipe(make));
                assert_patch_rebuilds(&original, &make);
                let doubled = as_recipe(original.ingredients.iter().map(|i| Ingredient {
                    quantity: i.quantity.map(|q| q.scaled(2.0)),
                    ..i.clone()
                }).rev().collect());
                assert_patch_rebuilds(&original, &doubled);
            }

            #[test]
            fn every_patch_rebuilds_the_make(original in method(), make in method(), rating in 0..3u8) {
                let as_recipe = |texts: &[String], rating: Option<f64>| Recipe {
                    recipe_name: "Pie".into(),
                    rating,
                    steps: steps(&texts.iter().map(String::as_str).collect::<Vec<_>>()),
                    ..Recipe::default()
                };
                let original = as_recipe(&original, Some(4.0));
                let make = as_recipe(&make, (rating > 0).then_some(f64::from(rating)));
                assert_patch_rebuilds(&original, &make);
            }
        }
    }
}
