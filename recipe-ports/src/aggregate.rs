//! What the makes of one recipe version add up to, kept as each make is
//! recorded so that analytics never reread the makes.
//!
//! A [`MakeAggregate`] is a commutative summary: [`MakeAggregate::of`]
//! turns one make into its contribution and [`MakeAggregate::absorb`] adds
//! one summary to another, in any order and any grouping, with the same
//! result (up to the last bit of a floating-point sum). A store keeps one
//! per recipe version ([`VersionAggregate`]) and adds a make's
//! contribution in the same write that stores the make for the first time,
//! so a redelivered make, which writes nothing, counts once. The analytics
//! of a recipe are the absorption of its versions' aggregates.
//!
//! What it keeps, and what bounds its size:
//!
//! - counts and sums (makes, rated makes and their ratings, differences):
//!   fixed size;
//! - per ingredient and per step (by name key or text): how the makes
//!   changed it, with the sums behind the mean amount ratios; per change
//!   as the analytics name it (`less sugar`): the sum and count of the
//!   ratings of the makes that have it. These grow with the distinct
//!   changes the cooks made, not with the makes;
//! - per day a make was cooked: its makes, ratings and differences, for the
//!   rating series once there are more than [`MAX_RATING_POINTS`] makes.
//!   This grows with the days the recipe was cooked on (366 a year at
//!   most), not with the makes;
//! - every make as a [`MakePoint`] while the version has at most
//!   [`MAX_RATING_POINTS`] makes (the series is then one point per make,
//!   notes included), dropped past that;
//! - the [`RECENT_MAKES`] newest makes, for the overview.
//!
//! ```
//! use recipe_ports::aggregate::MakeAggregate;
//! use recipe_ports::records::MakeRecord;
//!
//! let original = recipe_diff::parse_recipe(r#"{"recipeName": "Tea", "recipeId": 1,
//!     "ingredients": [{"quantity": 1, "measurement": "tsp", "ingredientName": "sugar"}]}"#)?;
//! let cooked = recipe_diff::parse_recipe(r#"{"recipeName": "Tea", "recipeId": 1, "rating": 4,
//!     "ingredients": [{"quantity": 2, "measurement": "tsp", "ingredientName": "sugar"}]}"#)?;
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
//! let mut total = MakeAggregate::default();
//! total.absorb(&MakeAggregate::of(&make));
//! total.absorb(&MakeAggregate::of(&make));
//! assert_eq!(total.make_count, 2);
//! assert_eq!(total.ingredients["sugar"].more, 2);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::BTreeMap;

use recipe_diff::RecipeDiff;
use recipe_diff::changes::{IngredientChange, IngredientField, StepChange};
use serde::{Deserialize, Serialize};

use crate::records::MakeRecord;

/// How many points the rating series has at most: up to this many makes,
/// one per make; past it, one per period of days.
pub const MAX_RATING_POINTS: usize = 500;

/// How many characters of a make's notes its timeline point keeps: enough
/// for a remark, and it bounds the aggregate (a DynamoDB item is at most
/// 400 KB, and every make of the version rewrites it).
pub const MAX_POINT_NOTES: usize = 280;

/// How many of the newest makes an aggregate keeps, for the overview.
pub const RECENT_MAKES: usize = 10;

/// A kind of change, for grouping and for the symbol a view shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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

/// A sum and how many values went into it: a mean kept incrementally.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Sum {
    /// The sum of the values.
    #[serde(rename = "s")]
    pub sum: f64,
    /// How many values.
    #[serde(rename = "n")]
    pub count: u64,
}

impl Sum {
    /// One value.
    pub fn one(value: f64) -> Self {
        Sum {
            sum: value,
            count: 1,
        }
    }

    /// Adds `other`'s values.
    pub fn absorb(&mut self, other: Sum) {
        self.sum += other.sum;
        self.count += other.count;
    }

    /// The mean; `None` when there is no value.
    pub fn mean(&self) -> Option<f64> {
        (self.count > 0).then(|| self.sum / self.count as f64)
    }
}

/// One make on the rating timeline, as an aggregate keeps it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MakePoint {
    /// The make's id.
    pub make_id: i64,
    /// Its `madeAt`, else when it was recorded.
    pub made_at: String,
    /// Its rating.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rating: Option<f64>,
    /// How many differences it has.
    pub change_count: u64,
    /// The cook's remarks, at most [`MAX_POINT_NOTES`] characters (kept in
    /// [`MakeAggregate::points`] only, where the series shows them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
}

impl MakePoint {
    /// The timeline's order: by when it was cooked, then by id, so makes
    /// of the same moment have one order whatever order they came in.
    fn timeline_key(&self) -> (&str, i64) {
        (&self.made_at, self.make_id)
    }
}

/// How the makes changed one ingredient (see the analytics'
/// `IngredientTrend`, which this is the running form of).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IngredientTally {
    /// The ingredient's name: of the spellings seen for its key, the
    /// smallest, so the answer does not depend on which make came first.
    pub name: String,
    /// Changes of it, in any way.
    pub changed: u64,
    /// Makes that used more.
    pub more: u64,
    /// Makes that used less.
    pub less: u64,
    /// The make-over-original amounts of the makes that used more.
    pub more_ratio: Sum,
    /// The make-over-original amounts of the makes that used less.
    pub less_ratio: Sum,
    /// Makes that changed its unit, name or note.
    pub reworded: u64,
    /// Makes that left it out.
    pub left_out: u64,
    /// Makes that added it.
    pub added: u64,
    /// Makes that swapped it for something else.
    pub swapped: u64,
    /// What it was swapped for, by name key.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub swapped_for: BTreeMap<String, NameTally>,
}

/// A name and how many makes used it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NameTally {
    /// The smallest spelling seen.
    pub name: String,
    /// How many makes.
    pub count: u64,
}

/// How the makes changed one step (by its text).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StepTally {
    /// The step's text, its smallest spelling seen.
    pub text: String,
    /// Its smallest position in the original seen, from 1; `None` while
    /// only makes that added it were seen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<u64>,
    /// Changes of it, in any way.
    pub changed: u64,
    /// Makes that skipped it.
    pub skipped: u64,
    /// Makes that reworded it.
    pub edited: u64,
    /// Makes that did it at another point.
    pub moved: u64,
    /// Makes that added it.
    pub added: u64,
}

/// The makes cooked on one day.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DayTally {
    /// How many.
    pub makes: u64,
    /// Their ratings.
    pub ratings: Sum,
    /// Their differences, summed.
    pub changes: u64,
    /// The last of them on the timeline: when, and its id. A period's
    /// point links to it.
    pub last: (String, i64),
}

/// One change as the analytics name it, with the ratings of the rated
/// makes that have it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChangeTally {
    /// The kind of change.
    pub kind: ChangeKind,
    /// The change in words: `less sugar`.
    pub change: String,
    /// The ratings of the rated makes with it, each make once.
    pub ratings: Sum,
}

/// A summary of a set of makes (those of one recipe version, or, absorbed
/// together, of a recipe). See the module documentation.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MakeAggregate {
    /// How many makes.
    pub make_count: u64,
    /// The ratings of the rated makes.
    pub ratings: Sum,
    /// The makes' differences, summed (a scaling counts once).
    pub changes: u64,
    /// When the latest make was cooked (the largest `madeAt`, else
    /// recorded time).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_made_at: Option<String>,
    /// Per ingredient name key.
    #[serde(default)]
    pub ingredients: BTreeMap<String, IngredientTally>,
    /// Per step text key.
    #[serde(default)]
    pub steps: BTreeMap<String, StepTally>,
    /// Per change seen in a rated make, by kind and words (as a list: JSON
    /// maps take only text keys).
    #[serde(default, with = "change_list")]
    pub rated_changes: BTreeMap<(ChangeKind, String), Sum>,
    /// Per day (`YYYY-MM-DD` of when it was cooked).
    #[serde(default)]
    pub days: BTreeMap<String, DayTally>,
    /// Every make, in timeline order, while there are at most
    /// [`MAX_RATING_POINTS`]; empty past that.
    #[serde(default)]
    pub points: Vec<MakePoint>,
    /// The newest makes, newest first, at most [`RECENT_MAKES`], without
    /// their notes.
    #[serde(default)]
    pub recent: Vec<MakePoint>,
}

/// A recipe version's aggregate, as a store keeps it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VersionAggregate {
    /// The recipe's id.
    pub recipe_id: i64,
    /// The version the makes were cooked from.
    pub version: i64,
    /// What they add up to.
    pub aggregate: MakeAggregate,
}

/// What rebuilding a recipe's aggregates read and wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Rebuilt {
    /// How many makes were read.
    pub makes: u64,
    /// How many version aggregates were written.
    pub versions: u64,
}

impl MakeAggregate {
    /// One make's contribution.
    pub fn of(make: &MakeRecord) -> Self {
        let made_at = make.made_at.as_deref().unwrap_or(&make.recorded_at);
        let change_count = make.differences.change_count() as u64;
        let rating = make.recipe.rating;
        let point = MakePoint {
            make_id: make.make_id,
            made_at: made_at.to_owned(),
            rating,
            change_count,
            notes: make
                .notes
                .as_deref()
                .map(|notes| cut(notes, MAX_POINT_NOTES)),
        };
        let mut aggregate = MakeAggregate {
            make_count: 1,
            ratings: rating.map(Sum::one).unwrap_or_default(),
            changes: change_count,
            last_made_at: Some(made_at.to_owned()),
            recent: vec![MakePoint {
                notes: None,
                ..point.clone()
            }],
            points: vec![point],
            ..MakeAggregate::default()
        };
        aggregate.days.insert(
            day_of(made_at, &make.recorded_at),
            DayTally {
                makes: 1,
                ratings: rating.map(Sum::one).unwrap_or_default(),
                changes: change_count,
                last: (made_at.to_owned(), make.make_id),
            },
        );
        aggregate.tally(&make.differences);
        if let Some(rating) = rating {
            let mut seen: Vec<(ChangeKind, String)> = labels(&make.differences);
            // A make that, say, edits two steps the same way counts once.
            seen.sort();
            seen.dedup();
            for feature in seen {
                aggregate.rated_changes.insert(feature, Sum::one(rating));
            }
        }
        aggregate
    }

    /// The aggregate of `makes`, folded in the order given.
    pub fn of_makes<'a>(makes: impl IntoIterator<Item = &'a MakeRecord>) -> Self {
        let mut total = MakeAggregate::default();
        for make in makes {
            total.absorb(&MakeAggregate::of(make));
        }
        total
    }

    /// The aggregates of `makes` per recipe version, by version.
    pub fn by_version<'a>(
        recipe_id: i64,
        makes: impl IntoIterator<Item = &'a MakeRecord>,
    ) -> Vec<VersionAggregate> {
        let mut versions: BTreeMap<i64, MakeAggregate> = BTreeMap::new();
        for make in makes {
            versions
                .entry(make.recipe_version)
                .or_default()
                .absorb(&MakeAggregate::of(make));
        }
        versions
            .into_iter()
            .map(|(version, aggregate)| VersionAggregate {
                recipe_id,
                version,
                aggregate,
            })
            .collect()
    }

    /// Adds `other`'s makes to these.
    pub fn absorb(&mut self, other: &MakeAggregate) {
        self.make_count += other.make_count;
        self.ratings.absorb(other.ratings);
        self.changes += other.changes;
        self.last_made_at = match (self.last_made_at.take(), &other.last_made_at) {
            (Some(mine), Some(theirs)) => Some(mine.max(theirs.clone())),
            (mine, theirs) => mine.or_else(|| theirs.clone()),
        };
        for (key, theirs) in &other.ingredients {
            let mine = self
                .ingredients
                .entry(key.clone())
                .or_insert_with(|| IngredientTally {
                    name: theirs.name.clone(),
                    ..IngredientTally::default()
                });
            mine.absorb(theirs);
        }
        for (key, theirs) in &other.steps {
            let mine = self.steps.entry(key.clone()).or_insert_with(|| StepTally {
                text: theirs.text.clone(),
                position: theirs.position,
                ..StepTally::default()
            });
            mine.absorb(theirs);
        }
        for (feature, ratings) in &other.rated_changes {
            self.rated_changes
                .entry(feature.clone())
                .or_default()
                .absorb(*ratings);
        }
        for (day, theirs) in &other.days {
            let mine = self.days.entry(day.clone()).or_default();
            mine.makes += theirs.makes;
            mine.ratings.absorb(theirs.ratings);
            mine.changes += theirs.changes;
            if theirs.last > mine.last {
                mine.last = theirs.last.clone();
            }
        }
        if self.make_count as usize > MAX_RATING_POINTS {
            // Past the bound the series is read from the days: the points
            // would only grow.
            self.points.clear();
        } else {
            self.points.extend(other.points.iter().cloned());
            self.points
                .sort_by(|a, b| a.timeline_key().cmp(&b.timeline_key()));
        }
        self.recent.extend(other.recent.iter().cloned());
        self.recent
            .sort_by(|a, b| b.timeline_key().cmp(&a.timeline_key()));
        self.recent.truncate(RECENT_MAKES);
    }

    /// Counts one make's differences per ingredient and per step.
    fn tally(&mut self, diff: &RecipeDiff) {
        for change in &diff.ingredients {
            let (kind, _) = ingredient_label(change);
            let (name, tally_name) = match change {
                IngredientChange::Added { ingredient, .. }
                | IngredientChange::Removed { ingredient, .. } => {
                    (&ingredient.ingredient_name, None)
                }
                IngredientChange::Substituted(pair) => (
                    &pair.original.ingredient_name,
                    Some(&pair.make.ingredient_name),
                ),
                IngredientChange::Modified(m) => (&m.original.ingredient_name, None),
            };
            let mut tally = IngredientTally {
                name: name.to_string(),
                changed: 1,
                ..IngredientTally::default()
            };
            match (change, kind) {
                (IngredientChange::Added { .. }, _) => tally.added = 1,
                (IngredientChange::Removed { .. }, _) => tally.left_out = 1,
                (IngredientChange::Substituted(_), _) => {
                    tally.swapped = 1;
                    if let Some(with) = tally_name {
                        tally.swapped_for.insert(
                            name_key(with),
                            NameTally {
                                name: with.to_string(),
                                count: 1,
                            },
                        );
                    }
                }
                (IngredientChange::Modified(m), ChangeKind::More) => {
                    tally.more = 1;
                    tally.more_ratio = Sum::one(m.ratio.unwrap_or(1.0));
                }
                (IngredientChange::Modified(m), ChangeKind::Less) => {
                    tally.less = 1;
                    tally.less_ratio = Sum::one(m.ratio.unwrap_or(1.0));
                }
                (IngredientChange::Modified(_), _) => tally.reworded = 1,
            }
            let key = name_key(name);
            match self.ingredients.get_mut(&key) {
                Some(mine) => mine.absorb(&tally),
                None => {
                    self.ingredients.insert(key, tally);
                }
            }
        }
        for change in &diff.steps {
            let (kind, _) = step_label(change);
            let text = match change {
                StepChange::Added { step, .. } | StepChange::Removed { step, .. } => {
                    &step.step_text
                }
                StepChange::Edited(e) => &e.original.step_text,
                StepChange::Moved(pair) => &pair.original.step_text,
            };
            let mut tally = StepTally {
                text: text.to_string(),
                position: step_position(change).map(|p| p as u64),
                changed: 1,
                ..StepTally::default()
            };
            match kind {
                ChangeKind::AddedStep => tally.added = 1,
                ChangeKind::Skipped => tally.skipped = 1,
                ChangeKind::Moved => tally.moved = 1,
                _ => tally.edited = 1,
            }
            let key = name_key(text);
            match self.steps.get_mut(&key) {
                Some(mine) => mine.absorb(&tally),
                None => {
                    self.steps.insert(key, tally);
                }
            }
        }
    }
}

impl IngredientTally {
    fn absorb(&mut self, other: &IngredientTally) {
        if other.name < self.name {
            self.name.clone_from(&other.name);
        }
        self.changed += other.changed;
        self.more += other.more;
        self.less += other.less;
        self.more_ratio.absorb(other.more_ratio);
        self.less_ratio.absorb(other.less_ratio);
        self.reworded += other.reworded;
        self.left_out += other.left_out;
        self.added += other.added;
        self.swapped += other.swapped;
        for (key, theirs) in &other.swapped_for {
            let mine = self
                .swapped_for
                .entry(key.clone())
                .or_insert_with(|| NameTally {
                    name: theirs.name.clone(),
                    count: 0,
                });
            if theirs.name < mine.name {
                mine.name.clone_from(&theirs.name);
            }
            mine.count += theirs.count;
        }
    }
}

impl StepTally {
    fn absorb(&mut self, other: &StepTally) {
        if other.text < self.text {
            self.text.clone_from(&other.text);
        }
        self.position = match (self.position, other.position) {
            (Some(mine), Some(theirs)) => Some(mine.min(theirs)),
            (mine, theirs) => mine.or(theirs),
        };
        self.changed += other.changed;
        self.skipped += other.skipped;
        self.edited += other.edited;
        self.moved += other.moved;
        self.added += other.added;
    }
}

/// The day a make was cooked on: the date its `madeAt` starts with, else
/// the date it was recorded (a `madeAt` that is no date still has a day).
fn day_of(made_at: &str, recorded_at: &str) -> String {
    let date = |text: &str| {
        let day = text.get(..10)?;
        let bytes = day.as_bytes();
        let shaped = bytes.iter().enumerate().all(|(i, b)| match i {
            4 | 7 => *b == b'-',
            _ => b.is_ascii_digit(),
        });
        shaped.then(|| day.to_owned())
    };
    date(made_at)
        .or_else(|| date(recorded_at))
        .unwrap_or_default()
}

/// The kind and words of every change of `diff`, as the analytics name
/// them: a scaling, a renaming, each ingredient and each step change. A
/// rating is what the changes are judged by, not a change.
pub fn labels(diff: &RecipeDiff) -> Vec<(ChangeKind, String)> {
    let mut labelled = Vec::new();
    if let Some(scaling) = diff.scaling {
        labelled.push((
            ChangeKind::Scaled,
            format!("scaled ×{}", round2(scaling.factor)),
        ));
    }
    if let Some(name) = &diff.name {
        labelled.push((ChangeKind::Renamed, format!("renamed to {:?}", name.make)));
    }
    labelled.extend(diff.ingredients.iter().map(ingredient_label));
    labelled.extend(diff.steps.iter().map(step_label));
    labelled
}

/// The key two spellings of one name share.
pub fn name_key(name: &str) -> String {
    name.trim().to_lowercase()
}

/// An ingredient change's kind and words.
pub fn ingredient_label(change: &IngredientChange) -> (ChangeKind, String) {
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
pub fn step_position(change: &StepChange) -> Option<usize> {
    match change {
        StepChange::Added { .. } => None,
        StepChange::Removed { original_index, .. } => Some(original_index + 1),
        StepChange::Edited(e) => Some(e.original_index + 1),
        StepChange::Moved(pair) => Some(pair.original_index + 1),
    }
}

/// A step change's kind and words.
pub fn step_label(change: &StepChange) -> (ChangeKind, String) {
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
    cut(text, 40)
}

/// `text` cut to `max` characters and an ellipsis, on a character
/// boundary; whole when it is no longer.
fn cut(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", text[..at].trim_end()),
        None => text.to_owned(),
    }
}

/// [`MakeAggregate::rated_changes`] as a JSON list of
/// [`ChangeTally`]s.
mod change_list {
    use std::collections::BTreeMap;

    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use super::{ChangeKind, ChangeTally, Sum};

    pub(super) fn serialize<S: Serializer>(
        map: &BTreeMap<(ChangeKind, String), Sum>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        map.iter()
            .map(|((kind, change), ratings)| ChangeTally {
                kind: *kind,
                change: change.clone(),
                ratings: *ratings,
            })
            .collect::<Vec<_>>()
            .serialize(serializer)
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<BTreeMap<(ChangeKind, String), Sum>, D::Error> {
        let list = Vec::<ChangeTally>::deserialize(deserializer)?;
        let mut map = BTreeMap::new();
        for tally in list {
            map.entry((tally.kind, tally.change))
                .or_insert_with(Sum::default)
                .absorb(tally.ratings);
        }
        Ok(map)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_come_from_dates_and_fall_back_to_the_recorded_day() {
        assert_eq!(day_of("2026-11-20T08:00:00Z", "x"), "2026-11-20");
        assert_eq!(day_of("yesterday", "2026-12-01T00:00:00Z"), "2026-12-01");
        assert_eq!(day_of("é", "ü"), "");
    }

    #[test]
    fn sums_know_their_mean() {
        let mut sum = Sum::default();
        assert_eq!(sum.mean(), None);
        sum.absorb(Sum::one(3.0));
        sum.absorb(Sum::one(4.0));
        assert_eq!(sum.mean(), Some(3.5));
    }
}
