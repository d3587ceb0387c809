//! Merging the methods, by alignment: each side's diff says which of its
//! steps is which BASE step, so an edit follows its step wherever the
//! other side moved it.

use std::cell::OnceCell;

use crate::changes::{RecipeDiff, StepChange};
use crate::diff::same_step_text;
use crate::model::{Recipe, Step};

use super::lists::{Correspondence, Origin, OriginSet, merged_order, shared_predecessor};
use super::{Conflict, ConflictPlace, Pick, choose};

/// Merges the step lists, appending conflicts in BASE order.
pub(super) fn merge_steps(
    (base, ours_diff, ours): (&Recipe, &RecipeDiff, &Recipe),
    (theirs_diff, theirs): (&RecipeDiff, &Recipe),
    conflicts: &mut Vec<Conflict>,
) -> Vec<Step> {
    let ours_map = Correspondence::new(base.steps.len(), ours.steps.len(), ours_diff.step_edits());
    let (ours_edited, theirs_edited) = (
        edited_steps(base, ours_diff),
        edited_steps(base, theirs_diff),
    );
    let theirs_map = Correspondence::new(
        base.steps.len(),
        theirs.steps.len(),
        theirs_diff.step_edits(),
    );

    // A step both sides added, alike, is one addition: OURS's.
    let mut twin_of_theirs: Vec<Option<usize>> = vec![None; theirs.steps.len()];
    for (o, step) in ours.steps.iter().enumerate() {
        if ours_map.to_base.get(o).is_some_and(Option::is_some) {
            continue;
        }
        let twin = (0..theirs.steps.len()).find(|&t| {
            theirs_map.to_base[t].is_none()
                && twin_of_theirs[t].is_none()
                && same_step_text(&step.step_text, &theirs.steps[t].step_text)
        });
        if let Some(t) = twin {
            twin_of_theirs[t] = Some(o);
        }
    }
    let ours_order = ours_map.origins(Origin::Ours);
    let theirs_order = theirs_map.origins(|t| match twin_of_theirs[t] {
        Some(o) => Origin::Ours(o),
        None => Origin::Theirs(t),
    });
    // Which steps each side has, by origin: needed only for a step both
    // sides moved, so built the first time one is met.
    let sets: OnceCell<(OriginSet, OriginSet)> = OnceCell::new();

    let step_of = |recipe: &'_ Recipe, map: &Correspondence, b: usize| -> Option<usize> {
        map.to_side
            .get(b)
            .copied()
            .flatten()
            .filter(|&s| s < recipe.steps.len())
    };
    let mut merged_base: Vec<Option<Step>> = Vec::with_capacity(base.steps.len());
    for (b, step) in base.steps.iter().enumerate() {
        let (o, t) = (step_of(ours, &ours_map, b), step_of(theirs, &theirs_map, b));
        let (ours_moved, theirs_moved) = (ours_map.moved[b], theirs_map.moved[b]);
        let text = |recipe: &Recipe, s: Option<usize>| {
            s.map(|s| recipe.steps[s].step_text.to_string())
                .unwrap_or_default()
        };
        let conflict = |base_text: String, ours_text: String, theirs_text: String| Conflict {
            place: ConflictPlace::Instruction {
                step_id: step.step_id,
            },
            base: base_text,
            ours: ours_text,
            theirs: theirs_text,
        };
        let plain = || conflict(step.step_text.to_string(), text(ours, o), text(theirs, t));
        let (ours_edited, theirs_edited) = (ours_edited[b], theirs_edited[b]);
        merged_base.push(match (o, t) {
            (None, None) => None,
            (None, Some(_)) => {
                if theirs_moved || theirs_edited {
                    conflicts.push(plain());
                }
                None
            }
            (Some(o), None) => {
                if ours_moved || ours_edited {
                    conflicts.push(plain());
                    Some(ours.steps[o].clone())
                } else {
                    None
                }
            }
            (Some(o), Some(t)) => {
                let (os, ts) = (&ours.steps[o], &theirs.steps[t]);
                let choice = choose(
                    (ours_edited, theirs_edited),
                    || os == step,
                    || same_step_text(&os.step_text, &ts.step_text),
                );
                if choice == Pick::Conflict {
                    conflicts.push(plain());
                } else if ours_moved && theirs_moved && {
                    let (ours_set, theirs_set) = sets.get_or_init(|| {
                        (
                            ours_order.iter().copied().collect(),
                            theirs_order.iter().copied().collect(),
                        )
                    });
                    shared_predecessor(&ours_order, Origin::Base(b), theirs_set)
                        != shared_predecessor(&theirs_order, Origin::Base(b), ours_set)
                } {
                    // Both moved it, to different places.
                    conflicts.push(placed(step, b, (o, ours), (t, theirs)));
                }
                // The text from the side that changed it; the id, a label
                // only, OURS's unless OURS kept BASE's.
                Some(Step {
                    step_id: if os.step_id == step.step_id {
                        ts.step_id
                    } else {
                        os.step_id
                    },
                    step_text: if choice == Pick::Theirs { ts } else { os }
                        .step_text
                        .clone(),
                })
            }
        });
    }

    let order = merged_order(
        &ours_order,
        &theirs_order,
        |origin| match origin {
            Origin::Base(b) => merged_base.get(b).is_some_and(Option::is_some),
            Origin::Ours(o) => o < ours.steps.len(),
            Origin::Theirs(t) => t < theirs.steps.len(),
        },
        |b| theirs_map.moved[b] && !ours_map.moved[b],
    );
    // Each BASE step is in the order once: moved out, not copied again.
    let mut steps: Vec<Step> = Vec::with_capacity(order.len());
    for origin in order {
        let step = match origin {
            Origin::Base(b) => merged_base.get_mut(b).and_then(Option::take),
            Origin::Ours(o) => ours.steps.get(o).cloned(),
            Origin::Theirs(t) => theirs.steps.get(t).cloned(),
        };
        steps.extend(step);
    }
    // Both sides number their steps 1, 2, 3…: so does the merge.
    if numbered_in_order(&ours.steps) && numbered_in_order(&theirs.steps) {
        for (id, step) in (1..).zip(&mut steps) {
            step.step_id = Some(id);
        }
    }
    steps
}

/// A conflict over where a step is done: each side's position (from 1)
/// and text.
fn placed(
    step: &Step,
    b: usize,
    (o, ours): (usize, &Recipe),
    (t, theirs): (usize, &Recipe),
) -> Conflict {
    let at = |index: usize, text: &str| format!("step {}: {text}", index + 1);
    Conflict {
        place: ConflictPlace::Instruction {
            step_id: step.step_id,
        },
        base: at(b, &step.step_text),
        ours: at(o, &ours.steps[o].step_text),
        theirs: at(t, &theirs.steps[t].step_text),
    }
}

/// For each BASE step, whether a side changed its text in substance: the
/// steps its diff pairs as edited. A diff pairs steps whose texts agree
/// once folded before it looks for edits (as restated or moved), so an
/// edited pair always differs in substance; every other step the side
/// has is kept, restated or moved.
fn edited_steps(base: &Recipe, diff: &RecipeDiff) -> Vec<bool> {
    let mut edited = vec![false; base.steps.len()];
    for change in &diff.steps {
        if let StepChange::Edited(step) = change
            && let Some(slot) = edited.get_mut(step.original_index)
        {
            debug_assert!(!same_step_text(
                &step.original.step_text,
                &step.make.step_text
            ));
            *slot = true;
        }
    }
    edited
}

/// Whether the steps are numbered 1, 2, 3… in order.
fn numbered_in_order(steps: &[Step]) -> bool {
    (1..).zip(steps).all(|(id, step)| step.step_id == Some(id))
}
