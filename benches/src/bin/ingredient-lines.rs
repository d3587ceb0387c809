//! How well `parse_ingredient_line` reads lines nobody here wrote: the
//! share of hand-labelled lines whose quantity, unit and name agree with
//! the labels, per field and whole.
//!
//! ```text
//! cargo run --release -p recipe-benches --bin ingredient-lines -- ../shared/data/ingredients
//! cargo run --release -p recipe-benches --bin ingredient-lines -- ../shared/data/ingredients --show 20
//! ```
//!
//! The argument is a folder of `*.jsonl` files (or one file) in the format
//! of `shared/data/ingredients/README.md`: one object a line with `input`,
//! `quantity`, `unit` and `name`. We compare the way that README says:
//!
//! - quantity: equal within a relative 1e-6, the low end of a range;
//! - unit: full stops dropped, singular, aliases folded through
//!   [`Unit::parse`] (so `T` is a tablespoon and `t` a teaspoon), size
//!   words (`small bunch`) dropped;
//! - name: lower-cased, accents and punctuation removed, each word made
//!   singular, then equal (and a token F1 for a softer view);
//! - line: all three right.
//!
//! A line the parser refuses is an error and counts as wrong everywhere.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::Parser;
use recipe_diff::parse::parse_ingredient_line;
use recipe_diff::units::Unit;
use serde_json::Value;

/// Measures the ingredient-line parser against labelled data.
#[derive(Debug, Parser)]
struct Args {
    /// A `.jsonl` file, or a folder of them.
    data: PathBuf,
    /// Print up to this many disagreements per field, to see why.
    #[arg(long, default_value_t = 0)]
    show: usize,
}

/// One labelled line.
struct Label {
    input: String,
    quantity: Option<f64>,
    unit: Option<String>,
    name: Option<String>,
}

/// Counts of agreement.
#[derive(Default)]
struct Tally {
    lines: usize,
    errors: usize,
    quantity: usize,
    unit: usize,
    name: usize,
    whole: usize,
    name_f1: f64,
}

fn main() -> Result<()> {
    let args = Args::parse();
    let labels = read_labels(&args.data)?;
    let mut tally = Tally::default();
    let mut shown = [0_usize; 4];
    for label in &labels {
        tally.lines += 1;
        let ingredient = match parse_ingredient_line(&label.input) {
            Ok(ingredient) => ingredient,
            Err(error) => {
                tally.errors += 1;
                if shown[3] < args.show {
                    shown[3] += 1;
                    println!("error    {:?}: {error}", label.input);
                }
                continue;
            }
        };
        let quantity = ingredient.quantity.map(|q| q.low());
        let quantity_ok = match (quantity, label.quantity) {
            (Some(a), Some(b)) => (a - b).abs() <= 1e-6 * a.abs().max(b.abs()).max(1.0),
            (None, None) => true,
            _ => false,
        };
        let unit_ok =
            fold_unit(ingredient.measurement.as_deref()) == fold_unit(label.unit.as_deref());
        let ours = fold_name(&ingredient.ingredient_name);
        let theirs = fold_name(label.name.as_deref().unwrap_or_default());
        let name_ok = ours == theirs;
        tally.name_f1 += token_f1(&ours, &theirs);
        tally.quantity += usize::from(quantity_ok);
        tally.unit += usize::from(unit_ok);
        tally.name += usize::from(name_ok);
        tally.whole += usize::from(quantity_ok && unit_ok && name_ok);
        for (index, ok, ours, theirs) in [
            (
                0,
                quantity_ok,
                format!("{quantity:?}"),
                format!("{:?}", label.quantity),
            ),
            (
                1,
                unit_ok,
                format!("{:?}", ingredient.measurement),
                format!("{:?}", label.unit),
            ),
            (2, name_ok, ours.clone(), theirs.clone()),
        ] {
            if !ok && shown[index] < args.show {
                shown[index] += 1;
                let field = ["quantity", "unit", "name"][index];
                println!("{field:<8} {:?}: ours {ours}, label {theirs}", label.input);
            }
        }
    }
    let share = |n: usize| 100.0 * n as f64 / tally.lines.max(1) as f64;
    println!("lines     {}", tally.lines);
    println!("quantity  {:.1} %", share(tally.quantity));
    println!("unit      {:.1} %", share(tally.unit));
    println!(
        "name      {:.1} %  (token F1 {:.1} %)",
        share(tally.name),
        100.0 * tally.name_f1 / tally.lines.max(1) as f64
    );
    println!("line      {:.1} %", share(tally.whole));
    println!("errors    {}", tally.errors);
    Ok(())
}

fn read_labels(path: &Path) -> Result<Vec<Label>> {
    let files: Vec<PathBuf> = if path.is_dir() {
        let mut files: Vec<PathBuf> = std::fs::read_dir(path)
            .with_context(|| format!("reading {}", path.display()))?
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "jsonl"))
            .collect();
        files.sort();
        files
    } else {
        vec![path.to_owned()]
    };
    let mut labels = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file)
            .with_context(|| format!("reading {}", file.display()))?;
        for (number, line) in text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
        {
            let value: Value = serde_json::from_str(line)
                .with_context(|| format!("{}:{}", file.display(), number + 1))?;
            let text = |key: &str| value.get(key).and_then(Value::as_str).map(str::to_owned);
            labels.push(Label {
                input: text("input").unwrap_or_default(),
                quantity: value.get("quantity").and_then(Value::as_f64),
                unit: text("unit"),
                name: text("name"),
            });
        }
    }
    Ok(labels)
}

/// Words that size a unit rather than being it (`small bunch`).
const SIZE_WORDS: &[&str] = &[
    "small",
    "large",
    "medium",
    "big",
    "heaped",
    "level",
    "rounded",
    "generous",
    "good",
    "thick",
    "thin",
    "couple",
    "miniature",
    "thumb-sized",
    "round",
    "tiny",
];

/// A unit as the labels' rules compare it.
fn fold_unit(unit: Option<&str>) -> String {
    let Some(unit) = unit else {
        return String::new();
    };
    let kept: Vec<&str> = unit
        .split_whitespace()
        .filter(|w| !SIZE_WORDS.iter().any(|s| s.eq_ignore_ascii_case(w)))
        .collect();
    let unit = kept.join(" ");
    match Unit::parse(&unit) {
        Unit::Known(known) => known.symbol().to_owned(),
        Unit::Other(text) => text,
    }
}

/// A name as the labels' rules compare it.
fn fold_name(name: &str) -> String {
    let plain: String = name
        .chars()
        .flat_map(char::to_lowercase)
        .map(strip_accent)
        .map(|c| {
            if c.is_alphanumeric() || c.is_whitespace() {
                c
            } else {
                ' '
            }
        })
        .collect();
    plain
        .split_whitespace()
        .map(singular)
        .collect::<Vec<_>>()
        .join(" ")
}

fn strip_accent(c: char) -> char {
    match c {
        'à' | 'á' | 'â' | 'ä' | 'ã' | 'å' => 'a',
        'ç' => 'c',
        'è' | 'é' | 'ê' | 'ë' => 'e',
        'ì' | 'í' | 'î' | 'ï' => 'i',
        'ñ' => 'n',
        'ò' | 'ó' | 'ô' | 'ö' | 'õ' => 'o',
        'ù' | 'ú' | 'û' | 'ü' => 'u',
        other => other,
    }
}

fn singular(word: &str) -> String {
    if let Some(stem) = word.strip_suffix("ies").filter(|s| s.len() > 1) {
        return format!("{stem}y");
    }
    if let Some(stem) = word.strip_suffix("ves").filter(|s| s.len() > 1) {
        return format!("{stem}f");
    }
    for suffix in ["ches", "shes", "sses", "xes", "oes"] {
        if word.len() > suffix.len() && word.ends_with(suffix) {
            return word[..word.len() - 2].to_owned();
        }
    }
    match word.strip_suffix('s') {
        Some(stem) if stem.len() > 1 && !stem.ends_with('s') && !stem.ends_with('u') => {
            stem.to_owned()
        }
        _ => word.to_owned(),
    }
}

/// Word overlap of two folded names, as F1.
fn token_f1(ours: &str, theirs: &str) -> f64 {
    let a: Vec<&str> = ours.split_whitespace().collect();
    let b: Vec<&str> = theirs.split_whitespace().collect();
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    let common = a.iter().filter(|w| b.contains(w)).count() as f64;
    if common == 0.0 {
        return 0.0;
    }
    let precision = common / a.len() as f64;
    let recall = common / b.len() as f64;
    2.0 * precision * recall / (precision + recall)
}
