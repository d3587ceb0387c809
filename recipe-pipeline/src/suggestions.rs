//! The changes that went with better ratings, as a proposed next version
//! of the recipe: [`suggestions`]. Pure, like [`crate::analytics`], whose
//! judgement it reuses.
//!
//! - **Which changes.** Every make's changes are its stored differences
//!   from the version it was cooked from, named and grouped as the
//!   analytics name them ([`labelled_changes`]: `less sugar`, `skipped
//!   "Rest the batter"`), and rated as the analytics rate them
//!   ([`recipe_analytics`]). A change is suggested when at least
//!   [`MIN_MAKES`] rated makes have it and they rate higher on average
//!   than the rated makes without it.
//! - **Which amount.** Makes may have "less sugar" in different amounts;
//!   the proposal takes the change as the best-rated make with it made it
//!   (the latest such make on a tie), and names that make and its
//!   `changeId`s, so the change can be promoted on its own.
//! - **The proposal.** The latest version, with each suggested change
//!   merged in, best first: the change alone applied to its make's version
//!   ([`recipe_diff::apply_some`]), then merged three-way onto the
//!   proposal so far (base: that version). A change the latest already
//!   has (the latest differs from the make's version by the same change,
//!   or merging it changes nothing) is left out; one that conflicts with
//!   the latest or with a better suggestion is listed, with its conflicts,
//!   but not in the proposal.
//!
//! It is a hint, like the analytics: makes are few, and a rating says how
//! the whole dish went, not which change made it better.

use std::collections::HashMap;

use recipe_diff::render::{SeedDifference, seed};
use recipe_diff::{ChangePart, Conflict, Recipe, apply_some, diff, merge};
use recipe_ports::records::{MakeRecord, RecipeVersion};
use serde::Serialize;
use utoipa::ToSchema;

use crate::analytics::{ChangeKind, LabelledChange, labelled_changes, recipe_analytics};

/// How many rated makes must have a change before it is suggested.
pub const MIN_MAKES: usize = 2;

/// What [`Suggestions::hint`] says.
pub const HINT: &str = "A hint, not a verdict: these changes went with better ratings in the \
    makes recorded so far, which does not prove they made the dish better. Review the \
    proposal before making it the recipe.";

/// The changes that went with better ratings, and the latest version with
/// them: what `GET /recipes/{recipeId}/suggestions` answers.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Suggestions {
    /// That this is a hint, in words a page can show as they are.
    pub hint: String,
    /// The recipe's id.
    pub recipe_id: i64,
    /// The version the proposal starts from: the latest.
    pub latest_version: i64,
    /// How many makes have a rating: what the averages are over.
    pub rated_makes: usize,
    /// The suggested changes, best first (the largest rating difference).
    pub suggestions: Vec<Suggestion>,
    /// The latest version with every suggestion that is `inProposal`: a
    /// recipe to review, and to store with `PUT /recipes/{recipeId}`, or
    /// change by change with `POST /recipes/{recipeId}/versions`.
    pub proposal: Recipe,
    /// What the proposal changes in the latest version: a list of
    /// `differenceObject`s.
    pub changes: Vec<SeedDifference>,
}

/// One change that went with better ratings, and its evidence.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Suggestion {
    /// The change in words, as the analytics name it: `less sugar`.
    pub change: String,
    /// The kind of change.
    pub kind: ChangeKind,
    /// How many rated makes have it.
    pub makes: usize,
    /// Mean rating of the rated makes that have it.
    pub average_rating_with: f64,
    /// Mean rating of the rated makes that do not.
    pub average_rating_without: f64,
    /// `averageRatingWith - averageRatingWithout`: above zero.
    pub rating_difference: f64,
    /// Whether the proposal has it; `false` when it conflicts with the
    /// latest version or a better suggestion (see `conflicts`).
    pub in_proposal: bool,
    /// Where it conflicts, when it is not in the proposal: `ours` is the
    /// proposal's value, `theirs` the change's.
    pub conflicts: Vec<Conflict>,
    /// The make whose change the proposal takes: the best-rated make with
    /// it.
    pub from_make: i64,
    /// That make's `changeId`s for the change, to promote it on its own:
    /// `POST /recipes/{recipeId}/versions` with `fromMake` and `changes`.
    pub change_ids: Vec<u32>,
    /// Every rated make that has it.
    pub evidence: Vec<Evidence>,
}

/// A make that has a suggested change.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Evidence {
    /// The make.
    pub make_id: i64,
    /// The version it was cooked from, which the change is judged against.
    pub recipe_version: i64,
    /// Its rating.
    pub rating: f64,
    /// When it was cooked: its `madeAt`, else when it was recorded.
    pub made_at: String,
    /// The change as this make made it: its items of the make's flat
    /// list, with their `changeId`s.
    pub differences: Vec<SeedDifference>,
}

/// The suggestions for a recipe whose latest version is `latest`, from
/// its `makes` (of every version) and the `versions` they were cooked from
/// (by number; a make whose version is missing is left out).
pub fn suggestions(
    latest: &RecipeVersion,
    versions: &HashMap<i64, RecipeVersion>,
    makes: &[MakeRecord],
) -> Suggestions {
    let analytics = recipe_analytics(&latest.recipe, makes);
    let rated: Vec<(&MakeRecord, f64, Vec<LabelledChange>)> = makes
        .iter()
        .filter(|make| versions.contains_key(&make.recipe_version))
        .filter_map(|make| {
            let rating = make.recipe.rating?;
            Some((make, rating, labelled_changes(&make.differences)))
        })
        .collect();

    let mut proposal = latest.recipe.clone();
    let mut found = Vec::new();
    for rated_change in analytics.changes_and_ratings {
        let (Some(without), Some(difference)) = (
            rated_change.average_rating_without,
            rated_change.rating_difference,
        ) else {
            continue;
        };
        if rated_change.makes < MIN_MAKES || difference <= 0.0 {
            continue;
        }
        let same = |labelled: &LabelledChange| {
            labelled.kind == rated_change.kind && labelled.change == rated_change.change
        };
        let mut with: Vec<(&MakeRecord, f64, &LabelledChange)> = rated
            .iter()
            .filter_map(|(make, rating, labelled)| {
                labelled
                    .iter()
                    .find(|l| same(l))
                    .map(|l| (*make, *rating, l))
            })
            .collect();
        // The best-rated first, the latest of those on a tie.
        with.sort_by(|a, b| {
            b.1.total_cmp(&a.1)
                .then_with(|| made_at(b.0).cmp(made_at(a.0)))
                .then_with(|| b.0.make_id.cmp(&a.0.make_id))
        });
        let Some(&(best, _, change)) = with.first() else {
            continue;
        };
        let Some(base) = versions.get(&best.recipe_version) else {
            continue;
        };
        // Already in the latest: it differs from the make's version by
        // the same change.
        if labelled_changes(&diff(&base.recipe, &latest.recipe))
            .iter()
            .any(same)
        {
            continue;
        }
        let Ok(theirs) = apply_some(&base.recipe, &best.differences, &change.parts) else {
            continue;
        };
        let merged = merge(&base.recipe, &proposal, &theirs);
        let in_proposal = merged.is_clean();
        if in_proposal {
            let added = diff(&proposal, &merged.recipe);
            if added.is_empty() {
                // The proposal has it already, from a better suggestion.
                continue;
            }
            proposal = merged.recipe;
        }
        found.push(Suggestion {
            change: rated_change.change.clone(),
            kind: rated_change.kind,
            makes: rated_change.makes,
            average_rating_with: rated_change.average_rating_with,
            average_rating_without: without,
            rating_difference: difference,
            in_proposal,
            conflicts: if in_proposal {
                Vec::new()
            } else {
                merged.conflicts
            },
            from_make: best.make_id,
            change_ids: change_ids(best, &change.parts),
            evidence: with
                .iter()
                .map(|(make, rating, labelled)| Evidence {
                    make_id: make.make_id,
                    recipe_version: make.recipe_version,
                    rating: *rating,
                    made_at: made_at(make).to_owned(),
                    differences: items(make, &labelled.parts),
                })
                .collect(),
        });
    }
    proposal.recipe_id = Some(latest.recipe_id);
    let mut changes = diff(&latest.recipe, &proposal);
    changes.make_id = None;
    Suggestions {
        hint: HINT.to_owned(),
        recipe_id: latest.recipe_id,
        latest_version: latest.version,
        rated_makes: rated.len(),
        suggestions: found,
        changes: seed(&changes),
        proposal,
    }
}

/// When a make was cooked, as the analytics order makes.
fn made_at(make: &MakeRecord) -> &str {
    make.made_at.as_deref().unwrap_or(&make.recorded_at)
}

/// The items of the make's flat list that are `parts` of its diff: the
/// list as stored, numbered as the make keeps them.
fn items(make: &MakeRecord, parts: &[ChangePart]) -> Vec<SeedDifference> {
    let all = make.differences.parts();
    let fresh = seed(&make.differences);
    let stored = if make.flat_differences.len() == fresh.len() {
        &make.flat_differences
    } else {
        &fresh
    };
    all.iter()
        .zip(stored)
        .filter(|(part, _)| parts.contains(part))
        .map(|(_, item)| item.clone())
        .collect()
}

/// The `changeId`s of `parts` in the make's flat list.
fn change_ids(make: &MakeRecord, parts: &[ChangePart]) -> Vec<u32> {
    items(make, parts)
        .iter()
        .map(|item| item.change_id)
        .collect()
}

#[cfg(test)]
mod tests {
    use recipe_diff::parse_recipe;

    use super::*;

    const CAKE: &str = r#"{"recipeName": "Cake", "recipeId": 1, "rating": 4,
        "ingredients": [
          {"ingredientId": 1, "quantity": 2, "measurement": "cup", "ingredientName": "flour"},
          {"ingredientId": 2, "quantity": 1, "measurement": "cup", "ingredientName": "sugar"},
          {"ingredientId": 3, "quantity": 1, "measurement": "tsp", "ingredientName": "salt"}],
        "steps": [{"stepId": 1, "stepText": "Mix"}, {"stepId": 2, "stepText": "Rest"},
                  {"stepId": 3, "stepText": "Bake"}]}"#;

    fn version(number: i64, edit: impl FnOnce(&mut Recipe)) -> RecipeVersion {
        let mut recipe = parse_recipe(CAKE).unwrap();
        edit(&mut recipe);
        RecipeVersion {
            recipe_id: 1,
            version: number,
            recipe,
            created_at: "2026-12-01T00:00:00.000Z".into(),
            source: None,
            message: None,
            changes: 0,
        }
    }

    fn make(
        id: i64,
        base: &RecipeVersion,
        rating: f64,
        edit: impl FnOnce(&mut Recipe),
    ) -> MakeRecord {
        let mut cooked = base.recipe.clone();
        cooked.rating = Some(rating);
        edit(&mut cooked);
        MakeRecord {
            recipe_id: 1,
            make_id: 0,
            made_at: Some(format!("2026-11-{id:02}T08:00:00Z")),
            notes: None,
            differences: diff(&base.recipe, &cooked),
            recipe: cooked,
            recipe_version: base.version,
            flat_differences: Vec::new(),
            source: None,
            recorded_at: "2026-12-01T00:00:00Z".into(),
        }
        .numbered(id)
    }

    fn sugar(cups: &str) -> impl FnOnce(&mut Recipe) {
        let cups = cups.to_owned();
        move |r: &mut Recipe| r.ingredients[1].quantity = Some(cups.parse().unwrap())
    }

    fn versions(list: &[&RecipeVersion]) -> HashMap<i64, RecipeVersion> {
        list.iter().map(|v| (v.version, (*v).clone())).collect()
    }

    #[test]
    fn less_sugar_in_the_better_makes_is_suggested_with_its_evidence() {
        let v1 = version(1, |_| {});
        let makes = [
            make(1, &v1, 5.0, sugar("0.5")),
            make(2, &v1, 4.5, sugar("0.75")),
            make(3, &v1, 3.0, |_| {}),
            make(4, &v1, 3.0, |r| {
                r.steps[1].step_text = "Rest for an hour".into();
            }),
        ];
        let found = suggestions(&v1, &versions(&[&v1]), &makes);
        assert_eq!(found.rated_makes, 4);
        assert_eq!(found.suggestions.len(), 1, "{:#?}", found.suggestions);
        let less = &found.suggestions[0];
        assert_eq!(
            (less.change.as_str(), less.kind),
            ("less sugar", ChangeKind::Less)
        );
        assert_eq!(less.makes, 2);
        assert_eq!(
            (less.average_rating_with, less.average_rating_without),
            (4.75, 3.0)
        );
        assert!(less.in_proposal);
        assert_eq!((less.from_make, less.change_ids.as_slice()), (1, &[2][..]));
        let evidence: Vec<(i64, f64)> = less
            .evidence
            .iter()
            .map(|e| (e.make_id, e.rating))
            .collect();
        assert_eq!(evidence, [(1, 5.0), (2, 4.5)]);
        assert_eq!(less.evidence[1].differences[0].difference.make, "0.75");
        assert_eq!(
            found.proposal.ingredients[1].quantity,
            Some("0.5".parse().unwrap()),
            "the best-rated make's amount"
        );
        assert_eq!(
            found.proposal.rating, v1.recipe.rating,
            "ratings are not changes"
        );
        assert_eq!(found.changes.len(), 1);
        assert!(found.hint.starts_with("A hint"));
    }

    #[test]
    fn makes_of_older_versions_are_judged_against_their_own_and_merged_onto_the_latest() {
        let v1 = version(1, |_| {});
        let v2 = version(2, |r| {
            r.steps.remove(1);
        });
        let makes = [
            make(1, &v1, 5.0, sugar("0.5")),
            make(2, &v2, 5.0, sugar("0.5")),
            make(3, &v2, 3.0, |_| {}),
        ];
        let found = suggestions(&v2, &versions(&[&v1, &v2]), &makes);
        assert_eq!(found.suggestions.len(), 1);
        assert_eq!(found.proposal.steps.len(), 2, "version 2's change kept");
        assert_eq!(
            found.proposal.ingredients[1].quantity,
            Some("0.5".parse().unwrap())
        );
    }

    #[test]
    fn a_change_the_latest_has_is_left_out() {
        let v1 = version(1, |_| {});
        let v2 = version(2, sugar("0.6"));
        let makes = [
            make(1, &v1, 5.0, sugar("0.5")),
            make(2, &v1, 5.0, sugar("0.5")),
            make(3, &v1, 3.0, |_| {}),
        ];
        let found = suggestions(&v2, &versions(&[&v1, &v2]), &makes);
        assert!(found.suggestions.is_empty(), "{:#?}", found.suggestions);
        assert_eq!(found.proposal, v2.recipe);
        assert!(found.changes.is_empty());
    }

    #[test]
    fn one_make_or_worse_ratings_suggest_nothing() {
        let v1 = version(1, |_| {});
        let makes = [
            make(1, &v1, 5.0, sugar("0.5")),
            make(2, &v1, 2.0, sugar("2")),
            make(3, &v1, 2.5, sugar("2")),
            make(4, &v1, 4.0, |_| {}),
        ];
        let found = suggestions(&v1, &versions(&[&v1]), &makes);
        assert!(found.suggestions.is_empty(), "{:#?}", found.suggestions);
    }
}
