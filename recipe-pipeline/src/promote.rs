//! Turning a make into the recipe's next version, without HTTP: the whole
//! make, or only some of its changes, merged three-way when the make was
//! cooked from an older version than the latest.
//!
//! `POST /recipes/{recipeId}/versions` is a thin wrapper around
//! [`promote`]. What it does:
//!
//! 1. **What the make brings.** The make's own side (*theirs*) is the make
//!    as cooked ([`MakeRecord::recipe`]), or, when changes are chosen by
//!    the `changeId`s of the make's stored flat list, the version it was
//!    cooked from with only those changes applied
//!    ([`recipe_diff::apply_some`] over the make's stored diff).
//! 2. **Rebased on the latest.** When the make was cooked from the latest
//!    version, the new version is its side as it is. Otherwise it is
//!    [`recipe_diff::merge()`] of base: the make's version, ours: the latest,
//!    theirs: the make's side ([`rebase`]). Conflicts refuse the promotion
//!    ([`PromoteError::Conflicts`]) unless a [`Resolve`] says which side
//!    wins them all.
//! 3. **Written as any version is.** Through [`write_version`], the one
//!    versioned write that `PUT` uses too: when another writer stores a
//!    version first, the latest is read again and the merge made again
//!    against it. A result equal to the latest makes no version.
//!
//! A dry run does 1 and 2 against the latest as read, and writes nothing.

use recipe_diff::render::{SeedDifference, seed};
use recipe_diff::{ChangePart, Conflict, Recipe, RecipeDiff, apply_some, diff, merge};
use recipe_ports::RecordStore;
use recipe_ports::records::{MAX_MAKE_ID, MakeRecord, RecipeVersion};
use serde::{Deserialize, Serialize};

use crate::ingest::{IngestError, RecipeWritten, write_version};

/// Which side a promotion's conflicts take.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Resolve {
    /// The latest version's side: the make's conflicting changes are left
    /// out.
    Ours,
    /// The make's side: its changes replace the latest version's where
    /// the two disagree.
    Theirs,
}

/// A request to promote a make.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Promote {
    /// The make, by its id within the recipe.
    pub from_make: i64,
    /// Only these changes of the make, by the `changeId`s of its stored
    /// flat list; the whole make when `None`.
    pub changes: Option<Vec<u32>>,
    /// What the cook says of the new version.
    pub message: Option<String>,
    /// Compute the result and write nothing.
    pub dry_run: bool,
    /// Which side conflicts take; without it, conflicts refuse the
    /// promotion.
    pub resolve: Option<Resolve>,
}

/// What a promotion did, or on a dry run would do.
#[derive(Debug, Clone, PartialEq)]
pub struct Promoted {
    /// What the write did; `None` on a dry run.
    pub written: Option<RecipeWritten>,
    /// The recipe's latest version after the write: the new one, or the
    /// latest when the promotion changed nothing; `None` on a dry run.
    pub version: Option<RecipeVersion>,
    /// The new version's recipe (on a dry run, what it would be).
    pub recipe: Recipe,
    /// The version the make was cooked from: the merge's base.
    pub make_version: i64,
    /// The latest version it was merged with.
    pub latest_version: i64,
    /// Whether the make was cooked from an older version than the latest,
    /// so that a three-way merge made the result.
    pub merged: bool,
    /// Where the latest version and the make disagreed, resolved as the
    /// request said (on a dry run, found, and resolved only when the
    /// request said how).
    pub conflicts: Vec<Conflict>,
    /// The new version's changes against the latest it follows.
    pub changes: RecipeDiff,
}

/// Why a make was not promoted.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PromoteError {
    /// The recipe does not exist, the store failed, or what it holds does
    /// not fit together.
    #[error(transparent)]
    Ingest(#[from] IngestError),
    /// The recipe has no make with this id.
    #[error("recipe {recipe_id} has no make {make_id}")]
    UnknownMake {
        /// The recipe.
        recipe_id: i64,
        /// The make asked for.
        make_id: i64,
    },
    /// A `fromMake` no make can have: past 2^53 − 1 either way.
    #[error(
        "fromMake: {0} is out of range: a make id is at most {MAX_MAKE_ID} (2^53 - 1) either way"
    )]
    MakeIdOutOfRange(i64),
    /// A chosen `changeId` is not one of the make's changes.
    #[error("make {make_id} has no change {change_id}")]
    UnknownChange {
        /// The make.
        make_id: i64,
        /// The change asked for.
        change_id: u32,
    },
    /// `changeId`s are numbered from 1.
    #[error("changes: 0 is not a changeId: changes are numbered from 1")]
    ChangeIdZero,
    /// The latest version and the make change the same things
    /// differently, and no [`Resolve`] was given: nothing was written.
    #[error("the make and version {latest_version} change {n} thing(s) differently; choose a side with \"resolve\"", n = conflicts.len())]
    Conflicts {
        /// Where they disagree.
        conflicts: Vec<Conflict>,
        /// The merged recipe, with the latest version's side of each
        /// conflict.
        recipe: Box<Recipe>,
        /// The version the make was cooked from.
        make_version: i64,
        /// The latest version.
        latest_version: i64,
    },
}

/// What [`rebase`] makes: the recipe and the conflicts met on the way.
#[derive(Debug, Clone, PartialEq)]
pub struct Rebased {
    /// The result, with the side `resolve` named (the latest's when none)
    /// in each conflict.
    pub recipe: Recipe,
    /// Where the latest version (ours) and the make (theirs) disagree.
    pub conflicts: Vec<Conflict>,
    /// Whether a three-way merge was needed.
    pub merged: bool,
}

/// The make's side (`theirs`, what the make brings to its version `base`)
/// brought onto `latest`: `theirs` itself when `base` is the latest,
/// otherwise the three-way merge of base, the latest (ours) and theirs.
/// Conflicts keep the latest's side, or the make's with
/// [`Resolve::Theirs`]; they are reported from the latest's side either
/// way (`ours` is the latest's value).
pub fn rebase(
    base: &RecipeVersion,
    latest: &RecipeVersion,
    theirs: &Recipe,
    resolve: Option<Resolve>,
) -> Rebased {
    if base.version == latest.version {
        return Rebased {
            recipe: theirs.clone(),
            conflicts: Vec::new(),
            merged: false,
        };
    }
    let merged = merge(&base.recipe, &latest.recipe, theirs);
    let recipe = if !merged.is_clean() && resolve == Some(Resolve::Theirs) {
        // The same merge seen from the make's side keeps its side of each
        // conflict, and every clean change of both all the same.
        merge(&base.recipe, theirs, &latest.recipe).recipe
    } else {
        merged.recipe
    };
    Rebased {
        recipe,
        conflicts: merged.conflicts,
        merged: true,
    }
}

/// The parts of the make's stored diff that `change_ids` name in its
/// stored flat list.
///
/// Each stored item is found again in the list built from the stored diff
/// by what it says, not by its number, so the ids keep naming what the
/// cook saw even if a later version of the flat list were ordered
/// otherwise.
pub fn chosen_parts(
    record: &MakeRecord,
    change_ids: &[u32],
) -> Result<Vec<ChangePart>, PromoteError> {
    let parts = record.differences.parts();
    let fresh = seed(&record.differences);
    // Makes stored before the flat list was kept are numbered as now.
    let stored = if record.flat_differences.is_empty() {
        &fresh
    } else {
        &record.flat_differences
    };
    change_ids
        .iter()
        .map(|&change_id| {
            if change_id == 0 {
                return Err(PromoteError::ChangeIdZero);
            }
            let item = stored
                .iter()
                .find(|item| item.change_id == change_id)
                .ok_or(PromoteError::UnknownChange {
                    make_id: record.make_id,
                    change_id,
                })?;
            fresh
                .iter()
                .position(|built| says_the_same(built, item))
                .and_then(|position| parts.get(position).copied())
                .ok_or_else(|| {
                    corrupt(
                        record,
                        format!("its change {change_id} is not in its stored differences"),
                    )
                })
        })
        .collect()
}

/// Whether two flat items say the same, whatever their numbers.
fn says_the_same(a: &SeedDifference, b: &SeedDifference) -> bool {
    let mut a = a.clone();
    a.change_id = b.change_id;
    a == *b
}

/// A make whose stored records do not fit together.
fn corrupt(record: &MakeRecord, message: String) -> PromoteError {
    IngestError::Store(recipe_ports::Error::Corrupt {
        what: format!("make {} of recipe {}", record.make_id, record.recipe_id),
        message,
    })
    .into()
}

/// What the make brings to the version it was cooked from: the make as
/// cooked, or that version with only the chosen changes.
pub fn make_side(
    base: &RecipeVersion,
    record: &MakeRecord,
    change_ids: Option<&[u32]>,
) -> Result<Recipe, PromoteError> {
    let mut recipe = match change_ids {
        None => record.recipe.clone(),
        Some(ids) => {
            let parts = chosen_parts(record, ids)?;
            apply_some(&base.recipe, &record.differences, &parts)
                .map_err(|error| corrupt(record, error.to_string()))?
        }
    };
    recipe.recipe_id = Some(base.recipe_id);
    Ok(recipe)
}

/// Promotes a make of recipe `recipe_id` as `request` says: see the
/// [module documentation](self).
pub async fn promote(
    store: &dyn RecordStore,
    recipe_id: i64,
    request: &Promote,
) -> Result<Promoted, PromoteError> {
    let store_error = |error| PromoteError::Ingest(IngestError::Store(error));
    if request.from_make.unsigned_abs() > MAX_MAKE_ID.unsigned_abs() {
        return Err(PromoteError::MakeIdOutOfRange(request.from_make));
    }
    if request.changes.iter().flatten().any(|&id| id == 0) {
        return Err(PromoteError::ChangeIdZero);
    }
    let Some(record) = store
        .make(recipe_id, request.from_make)
        .await
        .map_err(store_error)?
    else {
        if store
            .latest_version(recipe_id)
            .await
            .map_err(store_error)?
            .is_none()
        {
            return Err(IngestError::UnknownRecipe(recipe_id).into());
        }
        return Err(PromoteError::UnknownMake {
            recipe_id,
            make_id: request.from_make,
        });
    };
    let base = store
        .recipe_version(recipe_id, record.recipe_version)
        .await
        .map_err(store_error)?
        .ok_or_else(|| {
            corrupt(
                &record,
                format!("version {} is not stored", record.recipe_version),
            )
        })?;
    let theirs = make_side(&base, &record, request.changes.as_deref())?;

    if request.dry_run {
        let latest = store
            .latest_version(recipe_id)
            .await
            .map_err(store_error)?
            .ok_or(IngestError::UnknownRecipe(recipe_id))?;
        let rebased = rebase(&base, &latest, &theirs, request.resolve);
        let mut recipe = rebased.recipe;
        recipe.recipe_id = Some(recipe_id);
        return Ok(Promoted {
            written: None,
            version: None,
            changes: diff(&latest.recipe, &recipe),
            recipe,
            make_version: base.version,
            latest_version: latest.version,
            merged: rebased.merged,
            conflicts: rebased.conflicts,
        });
    }

    // What the last attempt merged against, and found: a `Taken` version
    // makes the write merge again, against the newer latest.
    let mut against: Option<(RecipeVersion, Rebased)> = None;
    let recorded = write_version(
        store,
        recipe_id,
        None,
        request.message.as_deref(),
        |latest| {
            let latest = latest.ok_or(IngestError::UnknownRecipe(recipe_id))?;
            let rebased = rebase(&base, latest, &theirs, request.resolve);
            if !rebased.conflicts.is_empty() && request.resolve.is_none() {
                let mut recipe = rebased.recipe;
                recipe.recipe_id = Some(recipe_id);
                return Err(PromoteError::Conflicts {
                    conflicts: rebased.conflicts,
                    recipe: Box::new(recipe),
                    make_version: base.version,
                    latest_version: latest.version,
                });
            }
            let recipe = rebased.recipe.clone();
            against = Some((latest.clone(), rebased));
            Ok(recipe)
        },
    )
    .await?;
    let (latest, rebased) = against.ok_or(IngestError::UnknownRecipe(recipe_id))?;
    Ok(Promoted {
        written: Some(recorded.written),
        changes: diff(&latest.recipe, &recorded.version.recipe),
        recipe: recorded.version.recipe.clone(),
        version: Some(recorded.version),
        make_version: base.version,
        latest_version: latest.version,
        merged: rebased.merged,
        conflicts: rebased.conflicts,
    })
}

#[cfg(test)]
mod tests {
    use recipe_diff::parse_recipe;

    use super::*;

    const PIE: &str = r#"{"recipeName": "Pie", "recipeId": 1, "rating": 4,
        "ingredients": [
          {"ingredientId": 1, "quantity": 2, "measurement": "cup", "ingredientName": "flour"},
          {"ingredientId": 2, "quantity": 1, "measurement": "cup", "ingredientName": "sugar"}],
        "steps": [{"stepId": 1, "stepText": "Mix"}, {"stepId": 2, "stepText": "Rest"},
                  {"stepId": 3, "stepText": "Bake"}]}"#;

    fn version(number: i64, edit: impl FnOnce(&mut Recipe)) -> RecipeVersion {
        let mut recipe = parse_recipe(PIE).unwrap();
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

    fn make_of(base: &RecipeVersion, edit: impl FnOnce(&mut Recipe)) -> MakeRecord {
        let mut cooked = base.recipe.clone();
        edit(&mut cooked);
        MakeRecord {
            recipe_id: 1,
            make_id: 0,
            made_at: None,
            notes: Some("windy day".into()),
            differences: diff(&base.recipe, &cooked),
            recipe: cooked,
            recipe_version: base.version,
            flat_differences: Vec::new(),
            source: None,
            recorded_at: "2026-12-01T00:00:00.000Z".into(),
        }
        .numbered(1)
    }

    fn sugar(cups: &str) -> impl FnOnce(&mut Recipe) {
        let cups = cups.to_owned();
        move |r: &mut Recipe| r.ingredients[1].quantity = Some(cups.parse().unwrap())
    }

    #[test]
    fn a_make_of_the_latest_is_the_new_version_as_cooked() {
        let v1 = version(1, |_| {});
        let make = make_of(&v1, sugar("0.5"));
        let theirs = make_side(&v1, &make, None).unwrap();
        let rebased = rebase(&v1, &v1, &theirs, None);
        assert!(!rebased.merged);
        assert_eq!(rebased.recipe, make.recipe);
    }

    #[test]
    fn an_older_make_is_merged_with_the_latest() {
        let v1 = version(1, |_| {});
        let v2 = version(2, |r| {
            r.steps.remove(1);
        });
        let make = make_of(&v1, sugar("0.5"));
        let theirs = make_side(&v1, &make, None).unwrap();
        let rebased = rebase(&v1, &v2, &theirs, None);
        assert!(rebased.merged && rebased.conflicts.is_empty());
        assert_eq!(rebased.recipe.steps.len(), 2, "version 2's change kept");
        assert_eq!(
            rebased.recipe.ingredients[1].quantity,
            Some("0.5".parse().unwrap()),
            "the make's change added"
        );
    }

    #[test]
    fn conflicts_keep_the_side_resolve_names() {
        let v1 = version(1, |_| {});
        let v2 = version(2, sugar("0.75"));
        let make = make_of(&v1, sugar("0.5"));
        let theirs = make_side(&v1, &make, None).unwrap();
        let amount = |rebased: &Rebased| rebased.recipe.ingredients[1].quantity;
        let ours = rebase(&v1, &v2, &theirs, None);
        assert_eq!(ours.conflicts.len(), 1);
        assert_eq!(
            (
                ours.conflicts[0].ours.as_str(),
                ours.conflicts[0].theirs.as_str()
            ),
            ("3/4 cup", "1/2 cup")
        );
        assert_eq!(amount(&ours), Some("0.75".parse().unwrap()));
        let theirs = rebase(&v1, &v2, &theirs, Some(Resolve::Theirs));
        assert_eq!(
            theirs.conflicts, ours.conflicts,
            "reported from the latest's side"
        );
        assert_eq!(amount(&theirs), Some("0.5".parse().unwrap()));
    }

    #[test]
    fn chosen_changes_are_found_by_their_stored_ids() {
        let v1 = version(1, |_| {});
        let make = make_of(&v1, |r| {
            r.rating = Some(5.0);
            r.ingredients[1].quantity = Some("0.5".parse().unwrap());
            r.steps.remove(1);
        });
        assert_eq!(make.flat_differences.len(), 3);
        let theirs = make_side(&v1, &make, Some(&[2, 3])).unwrap();
        assert_eq!(theirs.rating, Some(4.0));
        assert_eq!(diff(&v1.recipe, &theirs).change_count(), 2);
        assert!(matches!(
            make_side(&v1, &make, Some(&[4])),
            Err(PromoteError::UnknownChange {
                make_id: 1,
                change_id: 4
            })
        ));
        assert!(matches!(
            chosen_parts(&make, &[0]),
            Err(PromoteError::ChangeIdZero)
        ));
    }
}
