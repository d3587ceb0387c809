//! The hand-written corpus: original/make pairs with the differences a cook
//! would name, in `tests/corpus/NN-short-name.json`.
//!
//! Each case file holds `description` (why the case matters), `original` (a
//! recipe), `make` (the recipe as cooked, with optional make fields),
//! `expected` (the differences, one string each, in the diff's order) and,
//! when the engine is known to disagree with the rules, `knownIssue` (a short
//! reason). The expectations were written from the rules in
//! `shared/design.md`, not copied from the engine's output.
//!
//! ## The summary form
//!
//! [`summarize`] turns a [`RecipeDiff`] into one line per difference, in the
//! diff's order: name, rating, scaling, ingredients, steps. Restatements
//! (respellings, unit conversions, renumbering, reordering, amounts explained
//! by the scaling) are not differences and never appear.
//!
//! | difference | line |
//! | --- | --- |
//! | recipe renamed | `name: Apple Pie -> Apple Tart` |
//! | rating | `rating: 5 -> 4`, `rating: none -> 4`, `rating: 3 -> none` |
//! | scaling | `scaled x2`, `scaled x0.5` |
//! | ingredient added / removed | `ingredient added vanilla extract`, `ingredient removed honey` |
//! | substitution | `ingredient substituted butter -> margarine` |
//! | modification | `ingredient modified NAME: PART, PART` (original name) |
//! | step removed / added | `step removed 2: TEXT` (original position), `step added 4: TEXT` (make position) |
//! | step edited | `step edited 4: Bake for [-20-]{+25+} minutes` |
//! | step moved | `step moved 1 -> 3: TEXT` (original text) |
//! | step moved and reworded | `step moved and edited 1 -> 4: WORDS` |
//!
//! The parts of a modification, in the engine's field order:
//!
//! - `quantity 1 cup -> 1.5 cup (x1.5)` when only the number changed,
//!   `unit 2 tsp -> 2 tbsp (x3)` when only the unit did, `amount 113 g ->
//!   0.5 cup` when both did; the ratio (make over original) is shown when the
//!   two amounts share a dimension; an ingredient with no amount shows `none`;
//! - `name apples -> Granny Smith apples`;
//! - `note softened -> melted` (`none` for a missing note).
//!
//! Ingredient and step lines keep the diff's order: removals and changes by
//! original position, additions by make position; at the same number a
//! removal comes first, then a change, then an addition. Step positions are
//! 1-based. Numbers print with at most three decimals.
//! In word changes, kept text prints as is, dropped words as `[-words-]` and
//! new words as `{+words+}`, with the spaces around a changed run kept
//! outside its brackets (so where the engine attaches a space does not
//! matter), and a change of spacing alone shown as its new spacing.
//!
//! ## What else every case checks
//!
//! - `apply(original, diff)` rebuilds the make's recipe, and
//!   `apply(make, diff.inverted())` rebuilds the original;
//! - `diff(original, original)` and `diff(make, make)` are empty, without
//!   even a restatement;
//! - the diff's serde JSON reads back to the same diff;
//! - the diff names the original's `recipeId` and the make's `makeId`.
//!
//! A case marked `knownIssue` must still miss its expectation (or fail to
//! parse), so the marker cannot go stale once the engine is fixed; the
//! invariants above must hold for it all the same.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use recipe_diff::changes::{
    IngredientChange, IngredientField, ModifiedIngredient, StepChange, WordChange, WordOp,
};
use recipe_diff::{Ingredient, RecipeDiff, apply, diff, diff_make, parse_make, parse_recipe};
use serde::Deserialize;
use serde_json::Value;

/// The issue asks for at least 30 pairs; we keep a few more.
const MINIMUM_CASES: usize = 34;

/// One corpus file.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Case {
    description: String,
    original: Value,
    make: Value,
    expected: Vec<String>,
    #[serde(default)]
    known_issue: Option<String>,
}

// ---------------------------------------------------------------------------
// The summary form.

/// One line per difference, in the diff's order (see the module docs).
fn summarize(diff: &RecipeDiff) -> Vec<String> {
    let mut lines = Vec::new();
    if let Some(name) = &diff.name {
        lines.push(format!("name: {} -> {}", name.original, name.make));
    }
    if let Some(rating) = &diff.rating {
        lines.push(format!(
            "rating: {} -> {}",
            optional_number(rating.original),
            optional_number(rating.make)
        ));
    }
    if let Some(scaling) = &diff.scaling {
        lines.push(format!("scaled x{}", number(scaling.factor)));
    }
    for change in &diff.ingredients {
        lines.push(match change {
            IngredientChange::Added { ingredient, .. } => {
                format!("ingredient added {}", ingredient.ingredient_name)
            }
            IngredientChange::Removed { ingredient, .. } => {
                format!("ingredient removed {}", ingredient.ingredient_name)
            }
            IngredientChange::Substituted(pair) => format!(
                "ingredient substituted {} -> {}",
                pair.original.ingredient_name, pair.make.ingredient_name
            ),
            IngredientChange::Modified(modified) => modification(modified),
        });
    }
    for change in &diff.steps {
        lines.push(match change {
            StepChange::Added { make_index, step } => {
                format!("step added {}: {}", make_index + 1, step.step_text)
            }
            StepChange::Removed {
                original_index,
                step,
            } => format!("step removed {}: {}", original_index + 1, step.step_text),
            StepChange::Moved(pair) => format!(
                "step moved {} -> {}: {}",
                pair.original_index + 1,
                pair.make_index + 1,
                pair.original.step_text
            ),
            StepChange::Edited(edit) if edit.moved => format!(
                "step moved and edited {} -> {}: {}",
                edit.original_index + 1,
                edit.make_index + 1,
                words(&edit.words)
            ),
            StepChange::Edited(edit) => {
                format!(
                    "step edited {}: {}",
                    edit.original_index + 1,
                    words(&edit.words)
                )
            }
        });
    }
    lines
}

fn modification(modified: &ModifiedIngredient) -> String {
    let (before, after) = (&modified.original, &modified.make);
    let fields = &modified.fields;
    let mut parts = Vec::new();
    let amount_label = match (
        fields.contains(&IngredientField::Quantity),
        fields.contains(&IngredientField::Measurement),
    ) {
        (true, true) => Some("amount"),
        (true, false) => Some("quantity"),
        (false, true) => Some("unit"),
        (false, false) => None,
    };
    if let Some(label) = amount_label {
        let mut part = format!("{label} {} -> {}", amount(before), amount(after));
        if let Some(ratio) = modified.ratio {
            write!(part, " (x{})", number(ratio)).expect("writing to a String cannot fail");
        }
        parts.push(part);
    }
    if fields.contains(&IngredientField::IngredientName) {
        parts.push(format!(
            "name {} -> {}",
            before.ingredient_name, after.ingredient_name
        ));
    }
    if fields.contains(&IngredientField::Note) {
        parts.push(format!(
            "note {} -> {}",
            before.note.as_deref().unwrap_or("none"),
            after.note.as_deref().unwrap_or("none")
        ));
    }
    format!(
        "ingredient modified {}: {}",
        before.ingredient_name,
        parts.join(", ")
    )
}

/// `1.5 cup`, `2-3 clove`, `2` (a bare count), or `none`.
fn amount(ingredient: &Ingredient) -> String {
    let quantity = ingredient.quantity.map(|q| {
        if q.is_range() {
            format!("{}-{}", number(q.low()), number(q.high()))
        } else {
            number(q.low())
        }
    });
    match (quantity, ingredient.measurement.as_deref()) {
        (Some(q), Some(m)) => format!("{q} {m}"),
        (Some(q), None) => q,
        (None, Some(m)) => m.to_owned(),
        (None, None) => "none".to_owned(),
    }
}

/// At most three decimals, trailing zeros dropped: `2`, `1.5`, `0.333`.
fn number(value: f64) -> String {
    let text = format!("{value:.3}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" {
        "0".to_owned()
    } else {
        text.to_owned()
    }
}

fn optional_number(value: Option<f64>) -> String {
    value.map_or_else(|| "none".to_owned(), number)
}

/// Word runs with `[-dropped-]` and `{+new+}` markers, spaces kept outside.
fn words(runs: &[WordChange]) -> String {
    let mut text = String::new();
    for run in runs {
        let (open, close) = match run.op {
            WordOp::Equal => {
                text.push_str(&run.text);
                continue;
            }
            WordOp::Delete => ("[-", "-]"),
            WordOp::Insert => ("{+", "+}"),
        };
        let trimmed = run.text.trim();
        if trimmed.is_empty() {
            // A change of spacing alone: show the spacing the make has.
            if run.op == WordOp::Insert {
                text.push_str(&run.text);
            }
            continue;
        }
        let leading = &run.text[..run.text.len() - run.text.trim_start().len()];
        let trailing = &run.text[run.text.trim_end().len()..];
        text.push_str(leading);
        text.push_str(open);
        text.push_str(trimmed);
        text.push_str(close);
        text.push_str(trailing);
    }
    text
}

// ---------------------------------------------------------------------------
// Running the corpus.

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("corpus")
}

fn case_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(corpus_dir())
        .expect("tests/corpus exists")
        .map(|entry| entry.expect("readable directory entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
}

fn load(path: &Path) -> Case {
    let text = fs::read_to_string(path).expect("readable case file");
    serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{}: not a corpus case: {e}", path.display()))
}

/// What went wrong with one case.
#[derive(Debug, Default)]
struct Problems {
    /// The case could not be read, or its differences are not the expected
    /// ones: what a `knownIssue` may excuse.
    expectation: Vec<String>,
    /// An invariant of every diff broke (apply, inversion, emptiness, serde):
    /// never excused.
    invariants: Vec<String>,
}

impl Problems {
    fn is_empty(&self) -> bool {
        self.expectation.is_empty() && self.invariants.is_empty()
    }

    fn all(&self) -> impl Iterator<Item = &String> {
        self.expectation.iter().chain(&self.invariants)
    }
}

/// Everything wrong with one case; empty when it passes.
fn problems(case: &Case) -> Problems {
    let mut problems = Problems::default();
    let original = match parse_recipe(&case.original.to_string()) {
        Ok(recipe) => recipe,
        Err(e) => {
            problems
                .expectation
                .push(format!("original does not parse: {e}"));
            return problems;
        }
    };
    let make = match parse_make(&case.make.to_string()) {
        Ok(make) => make,
        Err(e) => {
            problems
                .expectation
                .push(format!("make does not parse: {e}"));
            return problems;
        }
    };
    let changes = diff_make(&original, &make);

    let actual = summarize(&changes);
    if actual != case.expected {
        problems.expectation.push(format!(
            "differences\n      expected: {:#?}\n      actual:   {:#?}",
            case.expected, actual
        ));
    }
    let broken = &mut problems.invariants;
    match apply(&original, &changes) {
        Ok(rebuilt) if rebuilt == make.recipe => {}
        Ok(rebuilt) => broken.push(format!(
            "apply(original, diff) is not the make:\n      {rebuilt:?}"
        )),
        Err(e) => broken.push(format!("apply(original, diff) fails: {e}")),
    }
    match apply(&make.recipe, &changes.clone().inverted()) {
        Ok(rebuilt) if rebuilt == original => {}
        Ok(rebuilt) => broken.push(format!(
            "apply(make, diff.inverted()) is not the original:\n      {rebuilt:?}"
        )),
        Err(e) => broken.push(format!("apply(make, diff.inverted()) fails: {e}")),
    }
    for (side, recipe) in [("original", &original), ("make", &make.recipe)] {
        let same = diff(recipe, recipe);
        let nothing = RecipeDiff {
            recipe_id: recipe.recipe_id,
            ..RecipeDiff::default()
        };
        if same != nothing {
            broken.push(format!("diff({side}, {side}) is not empty: {same:?}"));
        }
    }
    let json = serde_json::to_string(&changes).expect("a diff serializes");
    match serde_json::from_str::<RecipeDiff>(&json) {
        Ok(read) if read == changes => {}
        Ok(read) => broken.push(format!("serde round trip changed the diff: {read:?}")),
        Err(e) => broken.push(format!("serde round trip fails: {e}\n      {json}")),
    }
    if changes.recipe_id != original.recipe_id || changes.make_id != make.make_id {
        broken.push(format!(
            "diff names recipe {:?} make {:?}, expected recipe {:?} make {:?}",
            changes.recipe_id, changes.make_id, original.recipe_id, make.make_id
        ));
    }
    problems
}

#[test]
fn corpus_cases_match_their_expected_differences() {
    let files = case_files();
    assert!(
        files.len() >= MINIMUM_CASES,
        "the corpus has {} cases, we keep at least {MINIMUM_CASES}",
        files.len()
    );
    let mut report = String::new();
    let mut known = 0;
    for path in &files {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .expect("UTF-8 file name");
        let case = load(path);
        let problems = problems(&case);
        let failing = match &case.known_issue {
            None if problems.is_empty() => continue,
            None => format!("{name}: {}", case.description.trim()),
            Some(issue) if problems.expectation.is_empty() => {
                format!("{name}: meets its expectation now; remove its knownIssue ({issue})")
            }
            Some(issue) => {
                known += 1;
                println!("{name}: known issue ({issue}), still failing:");
                for problem in &problems.expectation {
                    println!("    - {problem}");
                }
                if problems.invariants.is_empty() {
                    continue;
                }
                format!("{name}: besides its known issue, an invariant broke")
            }
        };
        writeln!(report, "{failing}").expect("writing to a String cannot fail");
        for problem in problems.all() {
            writeln!(report, "    - {problem}").expect("writing to a String cannot fail");
        }
    }
    println!("{} cases, {known} marked as known issues", files.len());
    assert!(report.is_empty(), "corpus mismatches:\n{report}");
}

#[test]
fn case_files_are_named_and_described() {
    for path in case_files() {
        let name = path
            .file_stem()
            .and_then(|n| n.to_str())
            .expect("UTF-8 file name");
        let (number, short) = name.split_at_checked(2).expect("NN-short-name");
        assert!(
            number.chars().all(|c| c.is_ascii_digit()) && short.starts_with('-'),
            "{name}: expected NN-short-name.json"
        );
        let case = load(&path);
        assert!(
            !case.description.trim().is_empty(),
            "{name}: say why the case matters"
        );
        assert!(
            case.known_issue
                .as_deref()
                .is_none_or(|i| !i.trim().is_empty()),
            "{name}: an empty knownIssue"
        );
    }
}

#[test]
fn the_summary_form_is_stable() {
    assert_eq!(number(2.0), "2");
    assert_eq!(number(0.5), "0.5");
    assert_eq!(number(1.0 / 3.0), "0.333");
    assert_eq!(number(3.000_000_1), "3");
    let runs = |parts: &[(WordOp, &str)]| -> Vec<WordChange> {
        parts
            .iter()
            .map(|&(op, text)| WordChange {
                op,
                text: text.to_owned(),
            })
            .collect()
    };
    let a = runs(&[
        (WordOp::Equal, "Bake"),
        (WordOp::Insert, " covered"),
        (WordOp::Equal, " for "),
        (WordOp::Delete, "20"),
        (WordOp::Insert, "25"),
        (WordOp::Equal, " minutes"),
    ]);
    let b = runs(&[
        (WordOp::Equal, "Bake "),
        (WordOp::Insert, "covered "),
        (WordOp::Equal, "for "),
        (WordOp::Delete, "20"),
        (WordOp::Insert, "25"),
        (WordOp::Equal, " minutes"),
    ]);
    assert_eq!(words(&a), "Bake {+covered+} for [-20-]{+25+} minutes");
    assert_eq!(words(&a), words(&b));
}

/// Issue 16: a unit written in another language is the same unit, so a
/// recipe read from a page in that language and the cook's own in English
/// show no difference.
#[test]
fn units_in_the_webs_languages_are_no_difference() {
    let page = |line: &str| {
        let document = serde_json::json!({
            "@type": "Recipe", "name": "R", "recipeIngredient": [line],
        });
        recipe_diff::parse_recipe(&document.to_string()).expect("the page is a recipe")
    };
    let tbsp = page("1 tbsp sugar");
    for line in [
        "1 EL sugar",
        "1 c. à soupe sugar",
        "1 cuil. à soupe sugar",
        "1 cucharada sugar",
        "1 cucchiaio sugar",
        "1 el sugar",
        "1 msk sugar",
        "1 spsk sugar",
        "1 ss sugar",
        "1 colher de sopa sugar",
        "3 tsk sugar",
        "3 TL sugar",
        "3 tsp sugar",
    ] {
        let changes = recipe_diff::diff(&tbsp, &page(line));
        assert!(changes.is_empty(), "{line:?}: {changes:#?}");
    }
    let changes = recipe_diff::diff(&page("1 msk sugar"), &page("3 tsk sugar"));
    assert!(changes.is_empty() && !changes.restatements.is_empty());
    assert!(recipe_diff::diff(&page("1 dl milk"), &page("100 ml milk")).is_empty());
    assert!(!recipe_diff::diff(&page("1 dl milk"), &page("1 l milk")).is_empty());
    // `cc` stays the cubic centimetre.
    assert!(recipe_diff::diff(&page("5 cc milk"), &page("5 ml milk")).is_empty());
}
