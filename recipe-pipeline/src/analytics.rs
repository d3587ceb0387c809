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

use std::collections::HashMap;

use recipe_diff::changes::{IngredientChange, IngredientField, StepChange};
use recipe_diff::{ChangePart, Recipe, RecipeDiff};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use recipe_ports::records::MakeRecord;

/// How many entries [`RecipeAnalytics::changes_and_ratings`] keeps.
pub const MAX_RATED_CHANGES: usize = 50;

/// How many makes [`Overview::recent_makes`] lists.
pub const RECENT_MAKES: usize = 10;

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
    /// time.
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
    /// every make.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
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

/// A kind of change, for grouping and for the symbol a view shows.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "camelCase")]
pub enum ChangeKind {
    /// More of an ingredient.
    More,
    /// Less of an ingredient.
    Less,
    /// An ingredient's unit, name or note changed.
    Reworded,
    /// An ingredient left out.
    LeftOut,
    /// An ingredient the original does not have.
    AddedIngredient,
    /// An ingredient swapped for another.
    Swapped,
    /// A step skipped.
    Skipped,
    /// A step reworded.
    Edited,
    /// A step done at another point.
    Moved,
    /// A step the original does not have.
    AddedStep,
    /// The whole recipe at another size.
    Scaled,
    /// The recipe renamed.
    Renamed,
}

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
    /// Every recipe, most made first (then by name).
    pub recipes: Vec<RecipeSummary>,
    /// The latest makes, newest first, at most [`RECENT_MAKES`].
    pub recent_makes: Vec<RecentMake>,
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

/// When a make was cooked: its `madeAt`, else when it was recorded.
///
/// Both are RFC 3339 text; the server writes UTC with `Z`, and so do the
/// cooks we have seen, so text order is time order.
fn made_at(make: &MakeRecord) -> &str {
    make.made_at.as_deref().unwrap_or(&make.recorded_at)
}

fn mean(values: impl IntoIterator<Item = f64>) -> Option<f64> {
    let (sum, n) = values
        .into_iter()
        .fold((0.0, 0usize), |(sum, n), v| (sum + v, n + 1));
    (n > 0).then(|| sum / n as f64)
}

fn average_deviation(makes: &[MakeRecord]) -> f64 {
    mean(makes.iter().map(|m| m.differences.change_count() as f64)).unwrap_or(0.0)
}

/// The key two spellings of one name share.
fn name_key(name: &str) -> String {
    name.trim().to_lowercase()
}

/// Summarises the makes of `recipe`.
///
/// `makes` in any order; only those of this recipe should be passed.
pub fn recipe_analytics(recipe: &Recipe, makes: &[MakeRecord]) -> RecipeAnalytics {
    let mut ordered: Vec<&MakeRecord> = makes.iter().collect();
    ordered.sort_by(|a, b| made_at(a).cmp(made_at(b)));
    let ratings = ordered
        .iter()
        .map(|make| RatingPoint {
            make_id: make.make_id,
            made_at: made_at(make).to_owned(),
            rating: make.recipe.rating,
            change_count: make.differences.change_count(),
            notes: make.notes.clone(),
        })
        .collect();

    let mut ingredients = Tally::<IngredientTrend>::default();
    let mut steps = Tally::<StepTrend>::default();
    // Per (ingredient, whether more), the amount ratios of those makes.
    let mut ratios: HashMap<(String, bool), Vec<f64>> = HashMap::new();
    let mut features = RatingFeatures::default();

    for make in makes {
        let rating = make.recipe.rating;
        let mut seen = Vec::new();
        tally_make(
            &make.differences,
            &mut ingredients,
            &mut steps,
            &mut ratios,
            &mut seen,
        );
        if let Some(rating) = rating {
            features.add(rating, seen);
        }
    }

    let mut ingredients = ingredients.into_sorted(|trend| trend.changed);
    for trend in &mut ingredients {
        let key = name_key(&trend.ingredient);
        for (more, ratio) in [
            (true, &mut trend.more_ratio),
            (false, &mut trend.less_ratio),
        ] {
            *ratio = ratios
                .get(&(key.clone(), more))
                .and_then(|r| mean(r.iter().copied()));
        }
        trend
            .swapped_for
            .sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.name.cmp(&b.name)));
    }

    RecipeAnalytics {
        recipe_id: recipe.recipe_id.unwrap_or_default(),
        recipe_name: recipe.recipe_name.clone(),
        make_count: makes.len(),
        original_rating: recipe.rating,
        average_rating: mean(makes.iter().filter_map(|m| m.recipe.rating)),
        average_deviation: average_deviation(makes),
        ratings,
        ingredients,
        steps: steps.into_sorted(|trend| trend.changed),
        changes_and_ratings: features.into_rated_changes(),
    }
}

/// Adds one make's differences to the tallies, and lists its changes as
/// (kind, words) in `seen`.
fn tally_make(
    diff: &RecipeDiff,
    ingredients: &mut Tally<IngredientTrend>,
    steps: &mut Tally<StepTrend>,
    ratios: &mut HashMap<(String, bool), Vec<f64>>,
    seen: &mut Vec<(ChangeKind, String)>,
) {
    for change in &diff.ingredients {
        let (kind, _) = ingredient_label(change);
        match change {
            IngredientChange::Added { ingredient, .. } => {
                ingredients
                    .entry(&ingredient.ingredient_name, IngredientTrend::new)
                    .added += 1;
            }
            IngredientChange::Removed { ingredient, .. } => {
                ingredients
                    .entry(&ingredient.ingredient_name, IngredientTrend::new)
                    .left_out += 1;
            }
            IngredientChange::Substituted(pair) => {
                let name = &pair.original.ingredient_name;
                let with = &pair.make.ingredient_name;
                let trend = ingredients.entry(name, IngredientTrend::new);
                trend.swapped += 1;
                match trend
                    .swapped_for
                    .iter_mut()
                    .find(|n| name_key(&n.name) == name_key(with))
                {
                    Some(entry) => entry.count += 1,
                    None => trend.swapped_for.push(NameCount {
                        name: with.clone(),
                        count: 1,
                    }),
                }
            }
            IngredientChange::Modified(m) => {
                let name = &m.original.ingredient_name;
                let trend = ingredients.entry(name, IngredientTrend::new);
                let ratio = m.ratio.unwrap_or(1.0);
                match kind {
                    ChangeKind::More => {
                        trend.more += 1;
                        ratios
                            .entry((name_key(name), true))
                            .or_default()
                            .push(ratio);
                    }
                    ChangeKind::Less => {
                        trend.less += 1;
                        ratios
                            .entry((name_key(name), false))
                            .or_default()
                            .push(ratio);
                    }
                    _ => trend.reworded += 1,
                }
            }
        }
    }
    for (change, original_index) in diff.steps.iter().map(|c| (c, step_position(c))) {
        let (kind, _) = step_label(change);
        let text = match change {
            StepChange::Added { step, .. } | StepChange::Removed { step, .. } => &step.step_text,
            StepChange::Edited(e) => &e.original.step_text,
            StepChange::Moved(pair) => &pair.original.step_text,
        };
        let trend = steps.entry(text, |step| StepTrend::new(step, original_index));
        match kind {
            ChangeKind::AddedStep => trend.added += 1,
            ChangeKind::Skipped => trend.skipped += 1,
            ChangeKind::Moved => trend.moved += 1,
            _ => trend.edited += 1,
        }
    }
    seen.extend(
        labelled_changes(diff)
            .into_iter()
            .map(|labelled| (labelled.kind, labelled.change)),
    );
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

/// The changes of `diff` as the analytics name and group them: a scaling,
/// a renaming, each ingredient and each step change. A rating is what the
/// changes are judged by, not a change.
pub fn labelled_changes(diff: &RecipeDiff) -> Vec<LabelledChange> {
    let parts = diff.parts();
    let mut labelled = Vec::new();
    if let Some(scaling) = diff.scaling {
        labelled.push(LabelledChange {
            kind: ChangeKind::Scaled,
            change: format!("scaled ×{}", round2(scaling.factor)),
            parts: vec![ChangePart::Scaling],
        });
    }
    if let Some(name) = &diff.name {
        labelled.push(LabelledChange {
            kind: ChangeKind::Renamed,
            change: format!("renamed to {:?}", name.make),
            parts: vec![ChangePart::Name],
        });
    }
    for (index, change) in diff.ingredients.iter().enumerate() {
        let (kind, words) = ingredient_label(change);
        labelled.push(LabelledChange {
            kind,
            change: words,
            parts: parts
                .iter()
                .filter(
                    |part| matches!(part, ChangePart::Ingredient { index: i, .. } if *i == index),
                )
                .copied()
                .collect(),
        });
    }
    for (index, change) in diff.steps.iter().enumerate() {
        let (kind, words) = step_label(change);
        labelled.push(LabelledChange {
            kind,
            change: words,
            parts: vec![ChangePart::Step { index }],
        });
    }
    labelled
}

/// An ingredient change's kind and words.
fn ingredient_label(change: &IngredientChange) -> (ChangeKind, String) {
    match change {
        IngredientChange::Added { ingredient, .. } => (
            ChangeKind::AddedIngredient,
            format!("added {}", ingredient.ingredient_name),
        ),
        IngredientChange::Removed { ingredient, .. } => (
            ChangeKind::LeftOut,
            format!("left out {}", ingredient.ingredient_name),
        ),
        IngredientChange::Substituted(pair) => (
            ChangeKind::Swapped,
            format!(
                "{} swapped for {}",
                pair.original.ingredient_name, pair.make.ingredient_name
            ),
        ),
        IngredientChange::Modified(m) => {
            let name = &m.original.ingredient_name;
            let amount_changed = m.fields.contains(&IngredientField::Quantity);
            match m.ratio.filter(|_| amount_changed) {
                Some(ratio) if ratio > 1.0 => (ChangeKind::More, format!("more {name}")),
                Some(ratio) if ratio < 1.0 => (ChangeKind::Less, format!("less {name}")),
                // Another unit, name or note, or an amount in a unit
                // that does not compare.
                _ => (ChangeKind::Reworded, format!("{name} written differently")),
            }
        }
    }
}

/// A step's position in the original, from 1; `None` for an added step.
fn step_position(change: &StepChange) -> Option<usize> {
    match change {
        StepChange::Added { .. } => None,
        StepChange::Removed { original_index, .. } => Some(original_index + 1),
        StepChange::Edited(e) => Some(e.original_index + 1),
        StepChange::Moved(pair) => Some(pair.original_index + 1),
    }
}

/// A step change's kind and words.
fn step_label(change: &StepChange) -> (ChangeKind, String) {
    let (text, kind, verb) = match change {
        StepChange::Added { step, .. } => (&step.step_text, ChangeKind::AddedStep, "added step"),
        StepChange::Removed { step, .. } => (&step.step_text, ChangeKind::Skipped, "skipped"),
        StepChange::Edited(e) => (&e.original.step_text, ChangeKind::Edited, "edited"),
        StepChange::Moved(pair) => (&pair.original.step_text, ChangeKind::Moved, "moved"),
    };
    (kind, format!("{verb} {:?}", short(text)))
}

fn round2(value: f64) -> f64 {
    (value * 100.0).round() / 100.0
}

/// A step's text cut to a label's length, on a character boundary.
fn short(text: &str) -> String {
    const MAX: usize = 40;
    match text.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}…", text[..cut].trim_end()),
        None => text.to_owned(),
    }
}

/// A trend with a `changed` total, counted once per change.
trait Trend {
    fn count_change(&mut self);
}

/// Trends by name key, in first-seen order.
struct Tally<T> {
    index: HashMap<String, usize>,
    trends: Vec<T>,
}

impl<T> Default for Tally<T> {
    fn default() -> Self {
        Tally {
            index: HashMap::new(),
            trends: Vec::new(),
        }
    }
}

impl<T: Trend> Tally<T> {
    /// The trend for `name`, created with `new` when first seen, with one
    /// more change counted.
    fn entry(&mut self, name: &str, new: impl FnOnce(&str) -> T) -> &mut T {
        let key = name_key(name);
        let at = match self.index.get(&key) {
            Some(&at) => at,
            None => {
                self.trends.push(new(name));
                self.index.insert(key, self.trends.len() - 1);
                self.trends.len() - 1
            }
        };
        let trend = &mut self.trends[at];
        trend.count_change();
        trend
    }

    /// Most changed first; ties keep first-seen order.
    fn into_sorted(self, changed: impl Fn(&T) -> usize) -> Vec<T> {
        let mut trends = self.trends;
        trends.sort_by_key(|t| std::cmp::Reverse(changed(t)));
        trends
    }
}

impl IngredientTrend {
    fn new(name: &str) -> Self {
        IngredientTrend {
            ingredient: name.to_owned(),
            changed: 0,
            more: 0,
            less: 0,
            more_ratio: None,
            less_ratio: None,
            reworded: 0,
            left_out: 0,
            added: 0,
            swapped: 0,
            swapped_for: Vec::new(),
        }
    }
}

impl Trend for IngredientTrend {
    fn count_change(&mut self) {
        self.changed += 1;
    }
}

impl StepTrend {
    fn new(text: &str, position: Option<usize>) -> Self {
        StepTrend {
            step: text.to_owned(),
            position,
            changed: 0,
            skipped: 0,
            edited: 0,
            moved: 0,
            added: 0,
        }
    }
}

impl Trend for StepTrend {
    fn count_change(&mut self) {
        self.changed += 1;
    }
}

/// Ratings of the makes that have each change.
#[derive(Default)]
struct RatingFeatures {
    /// Sum and count of every rated make.
    total: (f64, usize),
    /// Per (kind, words): the label, the sum and count of the ratings of
    /// the makes with it.
    with: HashMap<(ChangeKind, String), (f64, usize)>,
}

impl RatingFeatures {
    fn add(&mut self, rating: f64, mut seen: Vec<(ChangeKind, String)>) {
        self.total.0 += rating;
        self.total.1 += 1;
        // A make that, say, edits two steps the same way counts once.
        seen.sort();
        seen.dedup();
        for feature in seen {
            let entry = self.with.entry(feature).or_default();
            entry.0 += rating;
            entry.1 += 1;
        }
    }

    fn into_rated_changes(self) -> Vec<RatedChange> {
        let (total_sum, total_n) = self.total;
        let mut changes: Vec<RatedChange> = self
            .with
            .into_iter()
            .map(|((kind, change), (sum, n))| {
                let with = sum / n as f64;
                let without = (total_n > n).then(|| (total_sum - sum) / (total_n - n) as f64);
                RatedChange {
                    change,
                    kind,
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
}

/// Summarises every recipe with its makes: most made first, and the
/// latest makes over all recipes.
pub fn overview<'a>(recipes: impl IntoIterator<Item = (&'a Recipe, &'a [MakeRecord])>) -> Overview {
    let mut summaries = Vec::new();
    let mut recent: Vec<(&Recipe, &MakeRecord)> = Vec::new();
    let (mut deviation_sum, mut make_count) = (0usize, 0usize);
    for (recipe, makes) in recipes {
        make_count += makes.len();
        deviation_sum += makes
            .iter()
            .map(|m| m.differences.change_count())
            .sum::<usize>();
        summaries.push(RecipeSummary {
            recipe_id: recipe.recipe_id.unwrap_or_default(),
            recipe_name: recipe.recipe_name.clone(),
            original_rating: recipe.rating,
            make_count: makes.len(),
            average_rating: mean(makes.iter().filter_map(|m| m.recipe.rating)),
            average_deviation: average_deviation(makes),
            last_made_at: makes.iter().map(made_at).max().map(str::to_owned),
        });
        // Keep only the newest few as we go, so memory stays small
        // whatever the store holds.
        recent.extend(makes.iter().map(|m| (recipe, m)));
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
        make_count,
        average_deviation: if make_count == 0 {
            0.0
        } else {
            deviation_sum as f64 / make_count as f64
        },
        recipes: summaries,
        recent_makes: recent
            .into_iter()
            .map(|(recipe, make)| RecentMake {
                recipe_id: make.recipe_id,
                recipe_name: recipe.recipe_name.clone(),
                make_id: make.make_id,
                made_at: made_at(make).to_owned(),
                rating: make.recipe.rating,
                change_count: make.differences.change_count(),
            })
            .collect(),
    }
}

/// Sorts newest first and keeps [`RECENT_MAKES`].
fn keep_newest(makes: &mut Vec<(&Recipe, &MakeRecord)>) {
    makes.sort_by(|(_, a), (_, b)| made_at(b).cmp(made_at(a)));
    makes.truncate(RECENT_MAKES);
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

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
}
