//! `recipe log FILE…`: the history of a recipe kept as files.
//!
//! The files are the recipe's versions, oldest first (for instance the
//! committed versions of `pie.json`, written out with `git show`). The
//! first is where the history starts; every later one is shown with its
//! changes against the one before, the way `recipe diff` words them.
//! Every file is read before anything is printed, so a bad file prints
//! nothing but its error.

use std::io::{self, Write};
use std::path::PathBuf;

use anstyle::Style;
use clap::{Args, ValueEnum};
use recipe_diff::render::{self, TextStyle};
use recipe_diff::{Recipe, RecipeDiff};
use serde_json::json;

use super::recipe_file::{self, RecipeFileError};
use super::terminal::{ColorWhen, styled_stdout, write_whole};

/// Arguments of `recipe log`.
#[derive(Debug, Clone, Args)]
#[command(after_help = "\
Exit status is 0 when the history was printed, whatever it holds, and 2 on
error, with one line naming the file at fault.

Examples:
  recipe log pie.v1.json pie.v2.json pie.v3.json
  recipe log pie.v1.json pie.v2.json --format json
  # The committed versions of pie.json, oldest first:
  git rev-list --reverse HEAD -- pie.json | nl | while read -r n commit; do
    git show \"$commit:./pie.json\" > \"pie.v$n.json\"; done
  recipe log $(ls -v pie.v*.json) | less -R")]
pub struct LogArgs {
    /// The recipe's versions, oldest first: native JSON, schema.org
    /// Recipe JSON-LD, saved web pages or Cooklang. At least two.
    #[arg(value_name = "FILE", required = true, num_args = 2..)]
    pub files: Vec<PathBuf>,
    /// How to print the history.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// When to colour text: on a terminal only (auto), always or never.
    #[arg(long, value_enum, default_value_t = ColorWhen::Auto)]
    pub color: ColorWhen,
}

/// The renderings `recipe log` can print.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
#[non_exhaustive]
pub enum Format {
    /// Each version under a header, with its changes as `recipe diff`
    /// words them.
    Text,
    /// An array of `{"version", "file", "changes"}`, `changes` being the
    /// structured diff from the version before (`null` for the first).
    Json,
}

/// Why `recipe log` could not finish.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LogError {
    /// A file could not be read or is not a recipe; the message names the
    /// file, its source says why (see [`RecipeFileError`]).
    #[error(transparent)]
    File(#[from] RecipeFileError),
    /// The history could not be written as JSON, which would be a bug.
    #[error("cannot render the history: {0}")]
    Render(#[source] serde_json::Error),
    /// Standard output could not be written.
    #[error("cannot write the output")]
    Write(#[source] io::Error),
}

/// One version of the recipe, as the log shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct Version {
    /// Its number: 1 for the first file given, and so on.
    pub number: usize,
    /// The file it was read from, as given.
    pub file: PathBuf,
    /// The recipe this version is.
    pub recipe: Recipe,
    /// What changed from the version before; `None` for the first, which
    /// has nothing before it.
    pub changes: Option<RecipeDiff>,
}

/// Reads `files`, oldest first, and diffs each version against the one
/// before.
///
/// ```
/// let pie = std::path::PathBuf::from("../examples/data/apple-pie.json");
/// let versions = recipe_bins::cli::log::history(&[pie.clone(), pie])?;
/// assert_eq!(versions.len(), 2);
/// assert_eq!(versions[0].changes, None);
/// assert!(versions[1].changes.as_ref().is_some_and(|c| c.is_empty()));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn history(files: &[PathBuf]) -> Result<Vec<Version>, RecipeFileError> {
    let mut versions: Vec<Version> = Vec::with_capacity(files.len());
    for (number, file) in (1..).zip(files) {
        let recipe = recipe_file::read_recipe(file)?;
        let changes = versions
            .last()
            .map(|before| recipe_diff::diff(&before.recipe, &recipe));
        versions.push(Version {
            number,
            file: file.clone(),
            recipe,
            changes,
        });
    }
    Ok(versions)
}

/// Runs `recipe log`, printing to standard output, coloured as
/// [`styled_stdout`] decides.
pub fn run(args: &LogArgs) -> Result<(), LogError> {
    let (mut out, style) = styled_stdout(args.color);
    run_to(args, style, &mut out)
}

/// Runs `recipe log`, writing the rendering to `out` in `style`.
///
/// ```
/// use clap::Parser;
/// use recipe_bins::cli::log::run_to;
/// use recipe_bins::cli::{Cli, Command};
/// use recipe_diff::render::TextStyle;
///
/// let pie = "../examples/data/apple-pie.json";
/// let Command::Log(args) = Cli::parse_from(["recipe", "log", pie, pie]).command else {
///     unreachable!("the arguments name the log subcommand");
/// };
/// let mut out = Vec::new();
/// run_to(&args, TextStyle::Plain, &mut out)?;
/// assert!(String::from_utf8(out)?.ends_with("pie.json\n  no changes\n"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn run_to(args: &LogArgs, style: TextStyle, out: &mut dyn Write) -> Result<(), LogError> {
    let versions = history(&args.files)?;
    let rendering = match args.format {
        Format::Text => text(&versions, style),
        Format::Json => json(&versions)?,
    };
    write_whole(out, &rendering).map_err(LogError::Write)
}

/// The history as text: a header per version, then its starting point or
/// its changes, indented under it.
fn text(versions: &[Version], style: TextStyle) -> String {
    let header = |text: String| match style {
        TextStyle::Color => {
            let bold = Style::new().bold();
            format!("{bold}{text}{bold:#}")
        }
        _ => text,
    };
    let mut out = String::new();
    for version in versions {
        if version.number > 1 {
            out.push('\n');
        }
        out.push_str(&header(format!(
            "version {}: {}",
            version.number,
            version.file.display()
        )));
        out.push('\n');
        let body = match &version.changes {
            None => starting_point(&version.recipe),
            Some(changes) if changes.is_empty() => "no changes\n".to_owned(),
            // Our header names the version, so the diff's own header
            // (`recipe 1`) is left out.
            Some(changes) => render::text(
                &RecipeDiff {
                    recipe_id: None,
                    make_id: None,
                    ..changes.clone()
                },
                style,
            ),
        };
        for line in body.lines() {
            out.push_str("  ");
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// What the first version is: `Apple Pie: 3 ingredients, 3 steps`.
fn starting_point(recipe: &Recipe) -> String {
    let count =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    format!(
        "{}: {}, {}\n",
        recipe.recipe_name,
        count(recipe.ingredients.len(), "ingredient", "ingredients"),
        count(recipe.steps.len(), "step", "steps"),
    )
}

/// The history as a JSON array, ending in a newline.
fn json(versions: &[Version]) -> Result<String, LogError> {
    let entries: Vec<serde_json::Value> = versions
        .iter()
        .map(|version| {
            json!({
                "version": version.number,
                "file": version.file.display().to_string(),
                "changes": version.changes,
            })
        })
        .collect();
    let mut text = serde_json::to_string_pretty(&entries).map_err(LogError::Render)?;
    text.push('\n');
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn recipe(json: &str) -> Recipe {
        recipe_diff::parse_recipe(json).unwrap()
    }

    #[test]
    fn the_starting_point_counts_in_words() {
        let tea = recipe(
            r#"{"recipeName": "Tea", "ingredients": [{"ingredientName": "tea"}],
                "steps": [{"stepText": "Boil"}, {"stepText": "Steep"}]}"#,
        );
        assert_eq!(starting_point(&tea), "Tea: 1 ingredient, 2 steps\n");
        assert_eq!(
            starting_point(&Recipe::default()),
            ": 0 ingredients, 0 steps\n"
        );
    }

    #[test]
    fn changes_are_indented_under_their_version() {
        let before = recipe(r#"{"recipeName": "Tea", "recipeId": 7, "rating": 3}"#);
        let after = recipe(r#"{"recipeName": "Tea", "recipeId": 7, "rating": 4}"#);
        let versions = [
            Version {
                number: 1,
                file: "tea.1.json".into(),
                recipe: before.clone(),
                changes: None,
            },
            Version {
                number: 2,
                file: "tea.2.json".into(),
                changes: Some(recipe_diff::diff(&before, &after)),
                recipe: after,
            },
        ];
        assert_eq!(
            text(&versions, TextStyle::Plain),
            "version 1: tea.1.json\n  Tea: 0 ingredients, 0 steps\n\n\
             version 2: tea.2.json\n  ~ rating: 3 → 4\n"
        );
        assert!(text(&versions, TextStyle::Color).contains("\u{1b}[1mversion 2"));
    }
}
