//! What the makes of a recipe say when read together: how often it is
//! cooked, how its rating moves, which ingredients and steps the cook keeps
//! changing, and which changes go with better ratings.
//!
//! Everything here is pure: [`recipe_analytics`] and [`overview`] read
//! [`MakeRecord`]s already fetched from a [`RecordStore`](recipe_ports::RecordStore)
//! and never touch a store, so they work the same over SQLite, DynamoDB or
//! memory, and are tested with hand-built records. Each is one pass over the
//! makes' stored differences, with hash maps keyed by ingredient and step:
//! thousands of makes take milliseconds (the figure is in `BENCHMARKS.md`).
//!
//! Only differences count, never restatements: `0.5 TBS` written as
//! `1.5 tsp` is not "less cinnamon".
//!
//! ```
//! use recipe_pipeline::analytics::recipe_analytics;
//! use recipe_ports::records::MakeRecord;
//!
//! let original = recipe_diff::parse_recipe(r#"{"recipeName": "Tea", "recipeId": 1, "rating": 3,
//!     "ingredients": [{"quantity": 1, "measurement": "tsp", "ingredientName": "sugar"}],
//!     "steps": [{"stepText": "Boil water"}, {"stepText": "Steep"}]}"#)?;
//! let cooked = recipe_diff::parse_recipe(r#"{"recipeName": "Tea", "recipeId": 1, "rating": 4,
//!     "ingredients": [{"quantity": 2, "measurement": "tsp", "ingredientName": "sugar"}],
//!     "steps": [{"stepText": "Boil water"}]}"#)?;
//! let make = MakeRecord {
//!     recipe_id: 1,
//!     make_id: 1,
//!     made_at: Some("2026-11-20T08:00:00Z".into()),
//!     notes: None,
//!     recipe_version: 1,
//!     differences: recipe_diff::diff(&original, &cooked),
//!     recipe: cooked,
//!     flat_differences: Vec::new(),
//!     source: None,
//!     recorded_at: "2026-11-20T08:01:00Z".into(),
//! };
//! let analytics = recipe_analytics(&original, &[make]);
//! assert_eq!(analytics.make_count, 1);
//! assert_eq!(analytics.ingredients[0].ingredient, "sugar");
//! assert_eq!(analytics.ingredients[0].more, 1);
//! assert_eq!(analytics.steps[0].skipped, 1);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use recipe_diff::{ChangePart, Recipe, RecipeDiff};
use recipe_ports::aggregate::{MakeAggregate, MakePoint, Sum, labels};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub use recipe_ports::aggregate::MAX_RATING_POINTS;
use recipe_ports::records::MakeRecord;

/// How many entries [`RecipeAnalytics::changes_and_ratings`] keeps.
pub const MAX_RATED_CHANGES: usize = 50;

/// How many makes [`Overview::recent_makes`] lists: as many as each
/// aggregate keeps.
pub const RECENT_MAKES: usize = recipe_ports::aggregate::RECENT_MAKES;

/// What the makes of one recipe say together.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RecipeAnalytics {
    /// The recipe's id.
    pub recipe_id: i64,
    /// The recipe's title.
    pub recipe_name: String,
    /// How many times it was cooked.
    pub make_count: usize,
    /// The original recipe's rating, the baseline the makes compare with.
    pub original_rating: Option<f64>,
    /// Mean rating of the rated makes; `null` when none is rated.
    pub average_rating: Option<f64>,
    /// Mean number of differences per make (a scaling counts once).
    pub average_deviation: f64,
    /// Every make's rating, in the order they were cooked: the rating over
    /// time. At most [`MAX_RATING_POINTS`] points: past that many makes,
    /// one point per period of days, averaged.
    pub ratings: Vec<RatingPoint>,
    /// Ingredients by how many makes changed them, most first.
    pub ingredients: Vec<IngredientTrend>,
    /// Steps by how many makes skipped, edited, moved or added them, most
    /// first.
    pub steps: Vec<StepTrend>,
    /// Each change seen in a rated make, with the mean rating of the makes
    /// that have it and of those that do not; best first, at most
    /// [`MAX_RATED_CHANGES`].
    pub changes_and_ratings: Vec<RatedChange>,
}

/// One make on the rating timeline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RatingPoint {
    /// The make's id.
    pub make_id: i64,
    /// When it was cooked: its `madeAt`, or when it was recorded when the
    /// cook gave no date (RFC 3339).
    pub made_at: String,
    /// The make's rating; `null` when the cook gave none.
    pub rating: Option<f64>,
    /// How many differences it has.
    pub change_count: usize,
    /// The cook's remarks, so a timeline can show them without fetching
    /// every make: at most 280 characters, longer ones cut with `…` (the
    /// make itself has them whole).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    /// How many makes the point stands for: 1, or, once a recipe has more
    /// than [`MAX_RATING_POINTS`] makes, those of its period (then
    /// `rating` is their mean rating, `changeCount` their mean number of
    /// differences rounded, and `makeId` and `madeAt` name the period's
    /// last make).
    #[serde(default = "one")]
    pub makes: usize,
    /// The first day of the point's period (`YYYY-MM-DD`); absent for a
    /// point that is one make.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period_start: Option<String>,
    /// The last day of the point's period; absent for a point that is one
    /// make.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period_end: Option<String>,
}

fn one() -> usize {
    1
}

/// How the makes changed one ingredient.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct IngredientTrend {
    /// The ingredient as the original names it (as the make names it for
    /// an ingredient the original does not have).
    pub ingredient: String,
    /// How many makes changed it in any way.
    pub changed: usize,
    /// Makes that used more of it.
    pub more: usize,
    /// Makes that used less of it.
    pub less: usize,
    /// How much more, when more: the mean make-over-original amount of the
    /// makes that used more (1.5 is half as much again).
    pub more_ratio: Option<f64>,
    /// How much less, when less: the mean make-over-original amount of the
    /// makes that used less (0.5 is half).
    pub less_ratio: Option<f64>,
    /// Makes that changed its unit, name or note without a comparable
    /// amount.
    pub reworded: usize,
    /// Makes that left it out.
    pub left_out: usize,
    /// Makes that added it (it is not in the original).
    pub added: usize,
    /// Makes that swapped it for something else.
    pub swapped: usize,
    /// What it was swapped for, most often first.
    pub swapped_for: Vec<NameCount>,
}

/// A name and how many makes used it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NameCount {
    /// The ingredient as the make names it.
    pub name: String,
    /// How many makes.
    pub count: usize,
}

/// How the makes changed one step.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StepTrend {
    /// The step's text in the original (in the make for an added step).
    pub step: String,
    /// Its position in the original, from 1; `null` for an added step.
    pub position: Option<usize>,
    /// How many makes changed it in any way.
    pub changed: usize,
    /// Makes that skipped it.
    pub skipped: usize,
    /// Makes that reworded it.
    pub edited: usize,
    /// Makes that did it at another point.
    pub moved: usize,
    /// Makes that added it (it is not in the original).
    pub added: usize,
}

/// One kind of change, and the ratings of the makes with and without it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RatedChange {
    /// What changed, in words: `more cinnamon`, `skipped "Rest the batter"`.
    pub change: String,
    /// The kind of change.
    pub kind: ChangeKind,
    /// How many rated makes have it.
    pub makes: usize,
    /// Mean rating of the rated makes that have it.
    pub average_rating_with: f64,
    /// Mean rating of the rated makes that do not; `null` when every rated
    /// make has it.
    pub average_rating_without: Option<f64>,
    /// `averageRatingWith - averageRatingWithout`: positive when the change
    /// goes with better ratings. `null` when there is nothing to compare.
    pub rating_difference: Option<f64>,
}

pub use recipe_ports::aggregate::ChangeKind;

/// Across every recipe: what is cooked most, how far makes stray, what was
/// cooked lately.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Overview {
    /// How many recipes there are.
    pub recipe_count: usize,
    /// How many makes there are, over all recipes.
    pub make_count: usize,
    /// Mean number of differences per make, over all makes; 0 when there
    /// are none.
    pub average_deviation: f64,
    /// Every recipe, most made first (then by name); over HTTP, one page
    /// of them (see [`Overview::page`]).
    pub recipes: Vec<RecipeSummary>,
    /// The latest makes, newest first, at most [`RECENT_MAKES`].
    pub recent_makes: Vec<RecentMake>,
    /// The `cursor` of the next page of `recipes`; `null` on the last.
    #[serde(default)]
    pub next_cursor: Option<String>,
}

impl Overview {
    /// The overview with `limit` of its recipes from the `offset`th (in
    /// its most-made-first order), and the cursor of the next page: the
    /// offset past them, while recipes remain. The counts and the latest
    /// makes stay those of every recipe.
    #[must_use]
    pub fn page(mut self, offset: usize, limit: usize) -> Overview {
        let end = offset.saturating_add(limit).min(self.recipes.len());
        let start = offset.min(end);
        self.next_cursor = (end < self.recipes.len()).then(|| end.to_string());
        self.recipes.truncate(end);
        self.recipes.drain(..start);
        self
    }
}

/// One recipe in the [`Overview`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RecipeSummary {
    /// The recipe's id.
    pub recipe_id: i64,
    /// Its title.
    pub recipe_name: String,
    /// The original's rating.
    pub original_rating: Option<f64>,
    /// How many times it was cooked.
    pub make_count: usize,
    /// Mean rating of its rated makes.
    pub average_rating: Option<f64>,
    /// Mean number of differences per make; 0 when never made.
    pub average_deviation: f64,
    /// When it was last cooked (RFC 3339).
    pub last_made_at: Option<String>,
}

/// One make in [`Overview::recent_makes`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RecentMake {
    /// The recipe's id.
    pub recipe_id: i64,
    /// The recipe's title.
    pub recipe_name: String,
    /// The make's id.
    pub make_id: i64,
    /// When it was cooked (its `madeAt`, else when it was recorded).
    pub made_at: String,
    /// Its rating.
    pub rating: Option<f64>,
    /// How many differences it has.
    pub change_count: usize,
}

/// Summarises the makes of `recipe`, read from all of them: the same
/// answer as [`analytics_of`] over their [`MakeAggregate`].
///
/// `makes` in any order; only those of this recipe should be passed.
pub fn recipe_analytics(recipe: &Recipe, makes: &[MakeRecord]) -> RecipeAnalytics {
    analytics_of(recipe, &MakeAggregate::of_makes(makes))
}

/// Summarises the makes `aggregate` adds up to, for `recipe` (whose name,
/// id and rating the answer carries). The work is proportional to what
/// the aggregate holds (distinct changes, days cooked on, at most
/// [`MAX_RATING_POINTS`] makes), never to the number of makes.
pub fn analytics_of(recipe: &Recipe, aggregate: &MakeAggregate) -> RecipeAnalytics {
    let mut ingredients: Vec<IngredientTrend> = aggregate
        .ingredients
        .values()
        .map(|tally| IngredientTrend {
            ingredient: tally.name.clone(),
            changed: count(tally.changed),
            more: count(tally.more),
            less: count(tally.less),
            more_ratio: tally.more_ratio.mean(),
            less_ratio: tally.less_ratio.mean(),
            reworded: count(tally.reworded),
            left_out: count(tally.left_out),
            added: count(tally.added),
            swapped: count(tally.swapped),
            swapped_for: {
                let mut names: Vec<NameCount> = tally
                    .swapped_for
                    .values()
                    .map(|n| NameCount {
                        name: n.name.clone(),
                        count: count(n.count),
                    })
                    .collect();
                names.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.name.cmp(&b.name)));
                names
            },
        })
        .collect();
    // Most changed first; ties by name key (the maps' order), so the
    // order does not depend on which make came first.
    ingredients.sort_by_key(|trend| std::cmp::Reverse(trend.changed));
    let mut steps: Vec<StepTrend> = aggregate
        .steps
        .values()
        .map(|tally| StepTrend {
            step: tally.text.clone(),
            position: tally.position.map(count),
            changed: count(tally.changed),
            skipped: count(tally.skipped),
            edited: count(tally.edited),
            moved: count(tally.moved),
            added: count(tally.added),
        })
        .collect();
    steps.sort_by_key(|trend| std::cmp::Reverse(trend.changed));

    RecipeAnalytics {
        recipe_id: recipe.recipe_id.unwrap_or_default(),
        recipe_name: recipe.recipe_name.to_string(),
        make_count: count(aggregate.make_count),
        original_rating: recipe.rating,
        average_rating: aggregate.ratings.mean(),
        average_deviation: average_deviation(aggregate),
        ratings: rating_series(aggregate),
        ingredients,
        steps,
        changes_and_ratings: rated_changes(aggregate),
    }
}

/// A count as the answer's `usize`; counts of makes fit.
fn count(n: u64) -> usize {
    usize::try_from(n).unwrap_or(usize::MAX)
}

fn average_deviation(aggregate: &MakeAggregate) -> f64 {
    if aggregate.make_count == 0 {
        0.0
    } else {
        aggregate.changes as f64 / aggregate.make_count as f64
    }
}

/// The rating over time: one point per make up to [`MAX_RATING_POINTS`]
/// makes; past that, the days cooked on in order, grouped into at most
/// [`MAX_RATING_POINTS`] periods of consecutive days, each point the mean
/// of its period.
fn rating_series(aggregate: &MakeAggregate) -> Vec<RatingPoint> {
    let complete = aggregate.points.len() as u64 == aggregate.make_count;
    if complete {
        return aggregate
            .points
            .iter()
            .map(|point| RatingPoint {
                make_id: point.make_id,
                made_at: point.made_at.clone(),
                rating: point.rating,
                change_count: count(point.change_count),
                notes: point.notes.clone(),
                makes: 1,
                period_start: None,
                period_end: None,
            })
            .collect();
    }
    let days: Vec<(&String, &recipe_ports::aggregate::DayTally)> = aggregate.days.iter().collect();
    let per_period = days.len().div_ceil(MAX_RATING_POINTS).max(1);
    days.chunks(per_period)
        .filter_map(|period| {
            let (first_day, _) = period.first()?;
            let (last_day, _) = period.last()?;
            let (mut makes, mut ratings, mut changes) = (0u64, Sum::default(), 0u64);
            let mut last = &period.first()?.1.last;
            for (_, day) in period {
                makes += day.makes;
                ratings.absorb(day.ratings);
                changes += day.changes;
                if day.last > *last {
                    last = &day.last;
                }
            }
            // Rounded to the nearest whole number of differences.
            let mean_changes = count((changes + makes / 2).checked_div(makes).unwrap_or(0));
            Some(RatingPoint {
                make_id: last.1,
                made_at: last.0.clone(),
                rating: ratings.mean(),
                change_count: mean_changes,
                notes: None,
                makes: count(makes),
                period_start: Some((*first_day).clone()),
                period_end: Some((*last_day).clone()),
            })
        })
        .collect()
}

/// Each change seen in a rated make, with the mean rating of the makes
/// that have it and of those that do not: best first, at most
/// [`MAX_RATED_CHANGES`].
fn rated_changes(aggregate: &MakeAggregate) -> Vec<RatedChange> {
    let (total_sum, total_n) = (aggregate.ratings.sum, count(aggregate.ratings.count));
    let mut changes: Vec<RatedChange> = aggregate
        .rated_changes
        .iter()
        .filter(|(_, ratings)| ratings.count > 0)
        .map(|((kind, change), ratings)| {
            let n = count(ratings.count);
            let with = ratings.sum / n as f64;
            let without = (total_n > n).then(|| (total_sum - ratings.sum) / (total_n - n) as f64);
            RatedChange {
                change: change.clone(),
                kind: *kind,
                makes: n,
                average_rating_with: with,
                average_rating_without: without,
                rating_difference: without.map(|w| with - w),
            }
        })
        .collect();
    // Best first; changes with nothing to compare last; then the most
    // common; then by name, so the order is stable.
    changes.sort_by(|a, b| {
        let by_difference = match (a.rating_difference, b.rating_difference) {
            (Some(x), Some(y)) => y.total_cmp(&x),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        };
        by_difference
            .then_with(|| b.makes.cmp(&a.makes))
            .then_with(|| a.change.cmp(&b.change))
    });
    changes.truncate(MAX_RATED_CHANGES);
    changes
}

/// One change of a make as the analytics name it, and where it is in the
/// make's diff.
#[derive(Debug, Clone, PartialEq)]
pub struct LabelledChange {
    /// The kind of change.
    pub kind: ChangeKind,
    /// The change in words (`less sugar`): makes whose changes have the
    /// same kind and words have "the same change", whatever the amounts.
    pub change: String,
    /// The parts of the diff it is, as `changeId`s name them: one, or one
    /// per changed field of a modified ingredient.
    pub parts: Vec<ChangePart>,
}

/// The changes of `diff` as the analytics name and group them (see
/// [`labels`]), each with the parts of the diff it is.
pub fn labelled_changes(diff: &RecipeDiff) -> Vec<LabelledChange> {
    let parts = diff.parts();
    let mut wheres = Vec::new();
    if diff.scaling.is_some() {
        wheres.push(vec![ChangePart::Scaling]);
    }
    if diff.name.is_some() {
        wheres.push(vec![ChangePart::Name]);
    }
    for index in 0..diff.ingredients.len() {
        wheres.push(
            parts
                .iter()
                .filter(
                    |part| matches!(part, ChangePart::Ingredient { index: i, .. } if *i == index),
                )
                .copied()
                .collect(),
        );
    }
    for index in 0..diff.steps.len() {
        wheres.push(vec![ChangePart::Step { index }]);
    }
    // `labels` names the same changes in the same order.
    labels(diff)
        .into_iter()
        .zip(wheres)
        .map(|((kind, change), parts)| LabelledChange {
            kind,
            change,
            parts,
        })
        .collect()
}

/// Summarises every recipe with its makes: most made first, and the
/// latest makes over all recipes. The same answer as [`overview_of`] over
/// the makes' aggregates.
pub fn overview<'a>(recipes: impl IntoIterator<Item = (&'a Recipe, &'a [MakeRecord])>) -> Overview {
    let aggregated: Vec<(&Recipe, MakeAggregate)> = recipes
        .into_iter()
        .map(|(recipe, makes)| (recipe, MakeAggregate::of_makes(makes)))
        .collect();
    overview_of(
        aggregated
            .iter()
            .map(|(recipe, aggregate)| (*recipe, aggregate)),
    )
}

/// Summarises every recipe with what its makes add up to: most made
/// first, and the latest makes over all recipes (each aggregate keeps its
/// newest few).
pub fn overview_of<'a>(
    recipes: impl IntoIterator<Item = (&'a Recipe, &'a MakeAggregate)>,
) -> Overview {
    let mut summaries = Vec::new();
    let mut recent: Vec<(&Recipe, &MakePoint)> = Vec::new();
    let (mut changes, mut make_count) = (0u64, 0u64);
    for (recipe, aggregate) in recipes {
        make_count += aggregate.make_count;
        changes += aggregate.changes;
        summaries.push(RecipeSummary {
            recipe_id: recipe.recipe_id.unwrap_or_default(),
            recipe_name: recipe.recipe_name.to_string(),
            original_rating: recipe.rating,
            make_count: count(aggregate.make_count),
            average_rating: aggregate.ratings.mean(),
            average_deviation: average_deviation(aggregate),
            last_made_at: aggregate.last_made_at.clone(),
        });
        recent.extend(aggregate.recent.iter().map(|point| (recipe, point)));
        // Keep only the newest few as we go, so memory stays small
        // whatever the store holds.
        if recent.len() > 4 * RECENT_MAKES {
            keep_newest(&mut recent);
        }
    }
    keep_newest(&mut recent);
    summaries.sort_by(|a, b| {
        b.make_count
            .cmp(&a.make_count)
            .then_with(|| a.recipe_name.cmp(&b.recipe_name))
    });
    Overview {
        recipe_count: summaries.len(),
        make_count: count(make_count),
        average_deviation: if make_count == 0 {
            0.0
        } else {
            changes as f64 / make_count as f64
        },
        recipes: summaries,
        next_cursor: None,
        recent_makes: recent
            .into_iter()
            .map(|(recipe, make)| RecentMake {
                recipe_id: recipe.recipe_id.unwrap_or_default(),
                recipe_name: recipe.recipe_name.to_string(),
                make_id: make.make_id,
                made_at: make.made_at.clone(),
                rating: make.rating,
                change_count: count(make.change_count),
            })
            .collect(),
    }
}

/// Sorts newest first (then by recipe id and make id, so makes of one
/// moment have one order) and keeps [`RECENT_MAKES`].
fn keep_newest(makes: &mut Vec<(&Recipe, &MakePoint)>) {
    makes.sort_by(|(ra, a), (rb, b)| {
        b.made_at
            .cmp(&a.made_at)
            .then_with(|| rb.recipe_id.cmp(&ra.recipe_id))
            .then_with(|| b.make_id.cmp(&a.make_id))
    });
    makes.truncate(RECENT_MAKES);
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    fn overview_of_names(names: &[&str]) -> Overview {
        let recipes: Vec<Recipe> = names
            .iter()
            .enumerate()
            .map(|(i, name)| Recipe {
                recipe_id: Some(i as i64 + 1),
                recipe_name: (*name).into(),
                ..Recipe::default()
            })
            .collect();
        let none = MakeAggregate::default();
        overview_of(recipes.iter().map(|recipe| (recipe, &none)))
    }

    #[test]
    fn an_overview_pages_its_recipes_and_keeps_the_totals() {
        let whole = overview_of_names(&["a", "b", "c", "d", "e"]);
        let names = |o: &Overview| {
            o.recipes
                .iter()
                .map(|r| r.recipe_name.clone())
                .collect::<Vec<_>>()
        };
        let first = whole.clone().page(0, 2);
        assert_eq!(
            (names(&first), first.next_cursor.as_deref()),
            (vec!["a".to_owned(), "b".to_owned()], Some("2"))
        );
        assert_eq!(first.recipe_count, 5, "the totals are every recipe's");
        let last = whole.clone().page(4, 2);
        assert_eq!(
            (names(&last), last.next_cursor),
            (vec!["e".to_owned()], None)
        );
        let past = whole.clone().page(9, 2);
        assert!(past.recipes.is_empty() && past.next_cursor.is_none());
        let all = whole.page(0, 5);
        assert_eq!((all.recipes.len(), all.next_cursor), (5, None));
    }

    use recipe_diff::{Ingredient, Step, diff};

    use super::*;

    fn ingredient(id: i64, quantity: f64, unit: &str, name: &str) -> Ingredient {
        Ingredient {
            ingredient_id: Some(id),
            quantity: Some(recipe_diff::quantity::Quantity::new(quantity)),
            measurement: Some(unit.into()),
            ingredient_name: name.into(),
            note: None,
            ..Ingredient::default()
        }
    }

    fn step(id: i64, text: &str) -> Step {
        Step {
            step_id: Some(id),
            step_text: text.into(),
        }
    }

    fn pancakes() -> Recipe {
        Recipe {
            recipe_name: "Pancakes".into(),
            recipe_id: Some(2),
            rating: Some(4.0),
            ingredients: vec![
                ingredient(1, 2.0, "cup", "flour"),
                ingredient(2, 2.0, "tbsp", "sugar"),
                ingredient(3, 2.0, "cup", "buttermilk"),
            ],
            steps: vec![
                step(1, "Whisk the dry ingredients"),
                step(2, "Rest the batter for 10 minutes"),
                step(3, "Cook on a hot griddle"),
            ],
        }
    }

    fn make(original: &Recipe, id: i64, at: &str, edit: impl FnOnce(&mut Recipe)) -> MakeRecord {
        let mut cooked = original.clone();
        edit(&mut cooked);
        MakeRecord {
            recipe_version: 1,
            recipe_id: 2,
            make_id: id,
            made_at: Some(at.into()),
            notes: None,
            differences: diff(original, &cooked),
            recipe: cooked,
            flat_differences: Vec::new(),
            source: None,
            recorded_at: "2026-12-01T00:00:00Z".into(),
        }
    }

    fn makes(original: &Recipe) -> Vec<MakeRecord> {
        vec![
            // Listed out of order: the timeline sorts by date.
            make(original, 2, "2026-11-22T08:00:00Z", |r| {
                r.rating = Some(5.0);
                r.ingredients[1].quantity = Some(recipe_diff::quantity::Quantity::new(3.0));
                r.steps.remove(1);
            }),
            make(original, 1, "2026-11-21T08:00:00Z", |r| {
                r.rating = Some(3.0);
                r.ingredients[2] = ingredient(3, 2.0, "cup", "milk");
            }),
            make(original, 3, "2026-11-23T08:00:00Z", |r| {
                r.rating = Some(5.0);
                r.ingredients[1].quantity = Some(recipe_diff::quantity::Quantity::new(1.0));
                r.steps.remove(1);
                r.steps[1].step_text = "Cook on a very hot griddle".into();
            }),
            make(original, 4, "2026-11-24T08:00:00Z", |_| {}),
        ]
    }

    #[test]
    fn counts_makes_and_orders_ratings_by_date() {
        let recipe = pancakes();
        let analytics = recipe_analytics(&recipe, &makes(&recipe));
        assert_eq!(analytics.make_count, 4);
        assert_eq!(analytics.original_rating, Some(4.0));
        let order: Vec<i64> = analytics.ratings.iter().map(|p| p.make_id).collect();
        assert_eq!(order, [1, 2, 3, 4]);
        let ratings: Vec<Option<f64>> = analytics.ratings.iter().map(|p| p.rating).collect();
        assert_eq!(ratings, [Some(3.0), Some(5.0), Some(5.0), Some(4.0)]);
        assert_eq!(analytics.average_rating, Some(4.25));
        // a: rating + swap = 2; b: rating + more + skip = 3;
        // c: rating + less + skip + edit = 4; d: nothing.
        assert_eq!(analytics.average_deviation, 9.0 / 4.0);
    }

    #[test]
    fn ingredients_say_which_way_they_changed() {
        let recipe = pancakes();
        let analytics = recipe_analytics(&recipe, &makes(&recipe));
        let sugar = &analytics.ingredients[0];
        assert_eq!(sugar.ingredient, "sugar");
        assert_eq!((sugar.changed, sugar.more, sugar.less), (2, 1, 1));
        assert_eq!((sugar.more_ratio, sugar.less_ratio), (Some(1.5), Some(0.5)));
        let buttermilk = &analytics.ingredients[1];
        assert_eq!(buttermilk.ingredient, "buttermilk");
        assert_eq!(buttermilk.swapped, 1);
        assert_eq!(
            buttermilk.swapped_for,
            [NameCount {
                name: "milk".into(),
                count: 1
            }]
        );
        assert_eq!(analytics.ingredients.len(), 2, "flour never changed");
    }

    #[test]
    fn steps_say_how_often_they_were_skipped_or_edited() {
        let recipe = pancakes();
        let analytics = recipe_analytics(&recipe, &makes(&recipe));
        let rest = &analytics.steps[0];
        assert_eq!(rest.step, "Rest the batter for 10 minutes");
        assert_eq!((rest.position, rest.skipped, rest.changed), (Some(2), 2, 2));
        let cook = &analytics.steps[1];
        assert_eq!((cook.position, cook.edited), (Some(3), 1));
    }

    #[test]
    fn changes_are_ranked_by_the_ratings_that_go_with_them() {
        let recipe = pancakes();
        let analytics = recipe_analytics(&recipe, &makes(&recipe));
        let first = &analytics.changes_and_ratings[0];
        // Skipping the rest: makes b and c (5, 5) against a and d (3, 4).
        assert_eq!(first.kind, ChangeKind::Skipped);
        assert_eq!(first.change, "skipped \"Rest the batter for 10 minutes\"");
        assert_eq!(first.makes, 2);
        assert_eq!(first.average_rating_with, 5.0);
        assert_eq!(first.average_rating_without, Some(3.5));
        assert_eq!(first.rating_difference, Some(1.5));
        let last = analytics.changes_and_ratings.last().unwrap();
        assert_eq!(last.change, "buttermilk swapped for milk");
        assert_eq!(last.rating_difference, Some(3.0 - 14.0 / 3.0));
    }

    #[test]
    fn a_recipe_never_made_has_empty_analytics() {
        let analytics = recipe_analytics(&pancakes(), &[]);
        assert_eq!(analytics.make_count, 0);
        assert_eq!(analytics.average_rating, None);
        assert_eq!(analytics.average_deviation, 0.0);
        assert!(analytics.ratings.is_empty() && analytics.changes_and_ratings.is_empty());
    }

    #[test]
    fn restatements_are_not_changes() {
        let recipe = pancakes();
        // 2 tbsp of sugar written as 6 tsp.
        let same = make(&recipe, 9, "2026-11-21T08:00:00Z", |r| {
            r.ingredients[1] = ingredient(2, 6.0, "tsp", "sugar");
        });
        let analytics = recipe_analytics(&recipe, &[same]);
        assert!(
            analytics.ingredients.is_empty(),
            "{:?}",
            analytics.ingredients
        );
        assert_eq!(analytics.average_deviation, 0.0);
    }

    #[test]
    fn the_overview_ranks_recipes_and_lists_recent_makes() {
        let pancakes = pancakes();
        let pancake_makes = makes(&pancakes);
        let pie = Recipe {
            recipe_name: "Pie".into(),
            recipe_id: Some(1),
            ..Recipe::default()
        };
        let overview = overview([(&pie, &[][..]), (&pancakes, &pancake_makes[..])]);
        assert_eq!((overview.recipe_count, overview.make_count), (2, 4));
        assert_eq!(overview.average_deviation, 9.0 / 4.0);
        assert_eq!(overview.recipes[0].recipe_name, "Pancakes");
        assert_eq!(overview.recipes[0].make_count, 4);
        assert_eq!(
            overview.recipes[0].last_made_at.as_deref(),
            Some("2026-11-24T08:00:00Z")
        );
        assert_eq!(overview.recipes[1].make_count, 0);
        let recent: Vec<i64> = overview.recent_makes.iter().map(|m| m.make_id).collect();
        assert_eq!(recent, [4, 3, 2, 1]);
        assert_eq!(overview.recent_makes[0].recipe_name, "Pancakes");
    }

    /// Not a benchmark with statistics, a figure: the time to summarise
    /// 5,000 makes, printed with `--nocapture`. Nothing is asserted about
    /// time, so a busy machine cannot fail it.
    #[test]
    fn thousands_of_makes_take_milliseconds() {
        let recipe = pancakes();
        let variants = makes(&recipe);
        let many: Vec<MakeRecord> = (0..5_000)
            .map(|i| {
                let mut make = variants[i % variants.len()].clone();
                make.make_id = i as i64;
                make.made_at = Some(format!(
                    "2026-{:02}-{:02}T08:00:00Z",
                    1 + i % 12,
                    1 + i % 28
                ));
                make
            })
            .collect();
        let started = Instant::now();
        let analytics = recipe_analytics(&recipe, &many);
        let per_recipe = started.elapsed();
        let started = Instant::now();
        let summary = overview([(&recipe, &many[..])]);
        let across = started.elapsed();
        eprintln!(
            "analytics over 5,000 makes: recipe {per_recipe:?}, overview {across:?} (debug build)"
        );
        assert_eq!(analytics.make_count, 5_000);
        assert_eq!(analytics.steps[0].skipped, 2_500);
        assert_eq!(summary.recent_makes.len(), RECENT_MAKES);
    }

    /// A make of [`pancakes`] for the property: which of five changes it
    /// makes (a bit each), its rating in half steps, its day and version.
    fn spec_make(original: &Recipe, spec: (u8, Option<u8>, u16, i64)) -> MakeRecord {
        let (changes, rating, day, version) = spec;
        let mut cooked = original.clone();
        cooked.rating = rating.map(|halves| f64::from(halves) / 2.0);
        // Amounts doubled or halved: ratios 2 and 0.5 are exact, so sums
        // of them do not depend on the order they are added in.
        if changes & 1 != 0 {
            cooked.ingredients[0].quantity = Some(recipe_diff::quantity::Quantity::new(4.0));
        }
        if changes & 2 != 0 {
            cooked.ingredients[1].quantity = Some(recipe_diff::quantity::Quantity::new(1.0));
        }
        if changes & 4 != 0 {
            cooked.ingredients[2] = ingredient(3, 2.0, "cup", "Milk");
        }
        if changes & 16 != 0 {
            cooked.steps[2].step_text = "Cook on a very hot griddle".into();
        }
        if changes & 8 != 0 {
            cooked.steps.remove(1);
        }
        MakeRecord {
            recipe_version: version,
            recipe_id: 2,
            make_id: 0,
            made_at: Some(format!(
                "2026-{:02}-{:02}T08:00:00Z",
                1 + (day / 28) % 12,
                1 + day % 28
            )),
            notes: (changes % 3 == 0).then(|| format!("note {changes}")),
            differences: diff(original, &cooked),
            recipe: cooked,
            flat_differences: Vec::new(),
            source: None,
            recorded_at: "2026-12-01T00:00:00Z".into(),
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(48))]

        /// Makes stored in any order, some of them redelivered (a named
        /// id or a claim seen before), of two versions: the analytics
        /// answered from the aggregates the store kept equal those
        /// computed from every stored make, and their headline numbers
        /// are those of the makes read one by one.
        #[test]
        fn analytics_from_kept_aggregates_equal_those_from_every_make(
            writes in proptest::collection::vec(
                (
                    (0u8..32, proptest::option::of(0u8..=10), 0u16..400, 1i64..=2),
                    0u8..3,
                    1i64..900,
                ),
                0..700,
            )
        ) {
            use recipe_ports::RecordStore;
            use recipe_ports::memory::InMemoryRecordStore;
            use recipe_ports::records::{Claim, MakeIdentity};

            let recipe = pancakes();
            let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
            let store = InMemoryRecordStore::new();
            let (kept, makes) = runtime.block_on(async {
                for (spec, how, id) in &writes {
                    let identity = match how {
                        0 => MakeIdentity::Named(*id),
                        1 => MakeIdentity::Claimed(Claim {
                            key: format!("s3-{}", id % 50),
                            fingerprint: String::new(),
                        }),
                        _ => MakeIdentity::Next,
                    };
                    store.put_make(&identity, &spec_make(&recipe, *spec)).await.unwrap();
                }
                (store.aggregates(2).await.unwrap(), store.makes(2).await.unwrap())
            });
            let mut total = MakeAggregate::default();
            for version in &kept {
                total.absorb(&version.aggregate);
            }
            let from_aggregates = analytics_of(&recipe, &total);
            let from_makes = recipe_analytics(&recipe, &makes);
            proptest::prop_assert_eq!(&from_aggregates, &from_makes);

            // The headline numbers, from the makes themselves.
            proptest::prop_assert_eq!(from_aggregates.make_count, makes.len());
            let rated: Vec<f64> = makes.iter().filter_map(|m| m.recipe.rating).collect();
            let mean = (!rated.is_empty()).then(|| rated.iter().sum::<f64>() / rated.len() as f64);
            proptest::prop_assert_eq!(from_aggregates.average_rating, mean);
            let changes: usize = makes.iter().map(|m| m.differences.change_count()).sum();
            let deviation = if makes.is_empty() { 0.0 } else { changes as f64 / makes.len() as f64 };
            proptest::prop_assert_eq!(from_aggregates.average_deviation, deviation);
            proptest::prop_assert!(from_aggregates.ratings.len() <= MAX_RATING_POINTS);
            let points: usize = from_aggregates.ratings.iter().map(|p| p.makes).sum();
            proptest::prop_assert_eq!(points, makes.len());
            if makes.len() <= MAX_RATING_POINTS {
                let mut order: Vec<(String, i64)> = makes
                    .iter()
                    .map(|m| (m.made_at.clone().unwrap_or_default(), m.make_id))
                    .collect();
                order.sort();
                let series: Vec<(String, i64)> = from_aggregates
                    .ratings
                    .iter()
                    .map(|p| (p.made_at.clone(), p.make_id))
                    .collect();
                proptest::prop_assert_eq!(series, order);
            }
            let skipped = makes.iter().filter(|m| m.recipe.steps.len() == 2).count();
            let rest = from_aggregates
                .steps
                .iter()
                .find(|s| s.step == "Rest the batter for 10 minutes")
                .map_or(0, |s| s.skipped);
            proptest::prop_assert_eq!(rest, skipped);
            let versions: Vec<i64> = kept.iter().map(|v| v.version).collect();
            let mut stored: Vec<i64> = makes.iter().map(|m| m.recipe_version).collect();
            stored.sort_unstable();
            stored.dedup();
            proptest::prop_assert_eq!(versions, stored);
        }
    }

    #[test]
    fn past_the_bound_the_series_is_one_point_per_period() {
        let recipe = pancakes();
        // 1,200 makes over 600 days: more days than points, two days a
        // period.
        let makes: Vec<MakeRecord> = (0..1_200u16)
            .map(|n| {
                let mut make = spec_make(&recipe, (0, Some(8), 0, 1));
                make.make_id = i64::from(n);
                let day = n % 600;
                make.made_at = Some(format!(
                    "{}-{:02}-{:02}T08:00:00Z",
                    2024 + day / 300,
                    1 + (day % 300) / 25,
                    1 + day % 25
                ));
                make
            })
            .collect();
        let analytics = recipe_analytics(&recipe, &makes);
        assert_eq!(analytics.ratings.len(), 300);
        let first = &analytics.ratings[0];
        assert_eq!(first.makes, 4);
        assert_eq!(first.rating, Some(4.0));
        assert_eq!(first.period_start.as_deref(), Some("2024-01-01"));
        assert_eq!(first.period_end.as_deref(), Some("2024-01-02"));
        assert_eq!(first.made_at, "2024-01-02T08:00:00Z");
        assert_eq!(first.make_id, 601);
    }
}
