//! `recipe merge BASE OURS THEIRS`: two variants of one recipe combined.
//!
//! Reads the three files (native JSON, schema.org JSON-LD, saved web pages
//! or Cooklang), merges them with [`recipe_diff::merge()`] and prints the
//! result. The outcome follows
//! `git merge-file`: [`Outcome::Clean`] (exit 0), [`Outcome::Conflicts`]
//! (exit 1) when the sides change the same thing differently; errors are
//! exit 2. With conflicts the merged recipe is still complete: every clean
//! change of both sides, and OURS's side of each conflict.

use std::io::{self, Write};
use std::path::PathBuf;

use anstyle::{AnsiColor, Style};
use clap::{Args, ValueEnum};
use recipe_diff::render::{self, TextStyle};
use recipe_diff::{Conflict, ConflictPlace, Merge, Recipe, RecipeDiff};

use super::recipe_file::{self, RecipeFileError};
use super::terminal::{ColorWhen, styled_stdout, write_whole};

/// Arguments of `recipe merge`.
#[derive(Debug, Clone, Args)]
#[command(after_help = "\
Exit status is 0 when the two sides merged cleanly, 1 when they conflict
(the merged recipe then keeps OURS's side of each conflict), 2 on error.

Examples:
  recipe merge pie.json pie.mine.json pie.yours.json
  recipe merge pie.json pie.mine.json pie.yours.json --format json > pie.merged.json")]
pub struct MergeArgs {
    /// The recipe both variants started from.
    pub base: PathBuf,
    /// One variant: the side a conflict keeps.
    pub ours: PathBuf,
    /// The other variant.
    pub theirs: PathBuf,
    /// How to print the merge.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// When to colour text: on a terminal only (auto), always or never.
    #[arg(long, value_enum, default_value_t = ColorWhen::Auto)]
    pub color: ColorWhen,
}

/// The renderings `recipe merge` can print.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
#[non_exhaustive]
pub enum Format {
    /// For a cook: the merged recipe's changes against BASE, then each
    /// conflict with its three sides.
    Text,
    /// `{"recipe": <the merged recipe>, "conflicts": [...]}`.
    Json,
}

/// What the merge found, which decides the exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Every change of both sides merged.
    Clean,
    /// At least one conflict.
    Conflicts,
}

impl Outcome {
    /// The exit status: 0 for a clean merge, 1 with conflicts.
    ///
    /// ```
    /// use recipe_bins::cli::merge::Outcome;
    ///
    /// assert_eq!(Outcome::Conflicts.exit_code(), 1);
    /// ```
    pub fn exit_code(self) -> u8 {
        match self {
            Outcome::Clean => 0,
            Outcome::Conflicts => 1,
        }
    }
}

/// Why `recipe merge` could not finish.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MergeError {
    /// A file could not be read or is not a recipe; the message names the
    /// file, its source says why (see [`RecipeFileError`]).
    #[error(transparent)]
    File(#[from] RecipeFileError),
    /// The merge could not be written as JSON, which would be a bug.
    #[error("cannot render the merge: {0}")]
    Render(#[source] serde_json::Error),
    /// Standard output could not be written.
    #[error("cannot write the output")]
    Write(#[source] io::Error),
}

/// Runs `recipe merge`, printing to standard output, coloured as
/// [`styled_stdout`] decides.
pub fn run(args: &MergeArgs) -> Result<Outcome, MergeError> {
    let (mut out, style) = styled_stdout(args.color);
    run_to(args, style, &mut out)
}

/// Runs `recipe merge`, writing the rendering to `out` in `style`.
///
/// ```
/// use clap::Parser;
/// use recipe_bins::cli::merge::{Outcome, run_to};
/// use recipe_bins::cli::{Cli, Command};
/// use recipe_diff::render::TextStyle;
///
/// let pie = "../examples/data/apple-pie.json";
/// let Command::Merge(args) = Cli::parse_from(["recipe", "merge", pie, pie, pie]).command else {
///     unreachable!("the arguments name the merge subcommand");
/// };
/// let mut out = Vec::new();
/// assert_eq!(run_to(&args, TextStyle::Plain, &mut out)?, Outcome::Clean);
/// assert_eq!(String::from_utf8(out)?, "merged cleanly: no changes to the base\n");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn run_to(
    args: &MergeArgs,
    style: TextStyle,
    out: &mut dyn Write,
) -> Result<Outcome, MergeError> {
    let base = recipe_file::read_recipe(&args.base)?;
    let ours = recipe_file::read_recipe(&args.ours)?;
    let theirs = recipe_file::read_recipe(&args.theirs)?;
    let merged = recipe_diff::merge(&base, &ours, &theirs);
    let rendering = match args.format {
        Format::Text => text(&base, &merged, style),
        Format::Json => {
            let mut json = serde_json::to_string_pretty(&merged).map_err(MergeError::Render)?;
            json.push('\n');
            json
        }
    };
    write_whole(out, &rendering).map_err(MergeError::Write)?;
    Ok(if merged.is_clean() {
        Outcome::Clean
    } else {
        Outcome::Conflicts
    })
}

/// The merge for a cook: a summary line, the merged recipe's changes
/// against BASE as `recipe diff` words them, and each conflict with its
/// three sides.
fn text(base: &Recipe, merged: &Merge, style: TextStyle) -> String {
    let paint = |role: Style, text: &str| match style {
        TextStyle::Color => format!("{role}{text}{role:#}"),
        _ => text.to_owned(),
    };
    let bold = Style::new().bold();
    let changes = RecipeDiff {
        // The summary line says what the changes are against.
        recipe_id: None,
        make_id: None,
        ..recipe_diff::diff(base, &merged.recipe)
    };
    let conflicts = merged.conflicts.len();
    let mut out = match (changes.is_empty(), conflicts) {
        (true, 0) => return "merged cleanly: no changes to the base\n".to_owned(),
        (false, 0) => paint(bold, "merged cleanly; changes to the base:"),
        (true, n) => paint(bold, &format!("{}; no changes to the base", count(n))),
        (false, n) => paint(
            bold,
            &format!("{}; changes to the base, OURS's side kept:", count(n)),
        ),
    };
    out.push('\n');
    if !changes.is_empty() {
        for line in render::text(&changes, style).lines() {
            out.push_str("  ");
            out.push_str(line);
            out.push('\n');
        }
    }
    for conflict in &merged.conflicts {
        out.push('\n');
        let marker = paint(Style::new().fg_color(Some(AnsiColor::Yellow.into())), "!");
        out.push_str(&format!(
            "{marker} {}\n",
            paint(bold, &format!("conflict: {}", place(base, conflict)))
        ));
        for (side, value) in [
            ("base:  ", &conflict.base),
            ("ours:  ", &conflict.ours),
            ("theirs:", &conflict.theirs),
        ] {
            let kept = if side.starts_with("ours") {
                "  (kept)"
            } else {
                ""
            };
            let quoted = matches!(conflict.place, ConflictPlace::Instruction { .. });
            out.push_str(&format!(
                "    {side} {}{kept}\n",
                shown(value, &conflict.base, side, quoted)
            ));
        }
    }
    out
}

/// `1 conflict`, `2 conflicts`.
fn count(n: usize) -> String {
    format!("{n} conflict{}", if n == 1 { "" } else { "s" })
}

/// What a conflict is about, as a cook names it: the ingredient by BASE's
/// name (a conflict carries only its id), the step by its number.
fn place(base: &Recipe, conflict: &Conflict) -> String {
    match conflict.place {
        ConflictPlace::Ingredient {
            ingredient_id: Some(id),
        } => base
            .ingredients
            .iter()
            .find(|ingredient| ingredient.ingredient_id == Some(id))
            .map_or_else(
                || format!("ingredient {id}"),
                |ingredient| format!("{} (ingredient {id})", ingredient.ingredient_name),
            ),
        // Two scalings are the one conflict whose sides are factors.
        ConflictPlace::Ingredient {
            ingredient_id: None,
        } if conflict.base.starts_with('×') => "the recipe's size".to_owned(),
        ConflictPlace::Ingredient {
            ingredient_id: None,
        } => "an ingredient".to_owned(),
        ConflictPlace::Instruction { step_id: Some(id) } => format!("step {id}"),
        ConflictPlace::Instruction { step_id: None } => "a step".to_owned(),
        ConflictPlace::Rating => "the rating".to_owned(),
        ConflictPlace::Name => "the name".to_owned(),
    }
}

/// A side's value, `quoted` when it is a step's text; what is missing
/// said in words.
fn shown(value: &str, base: &str, side: &str, quoted: bool) -> String {
    if value.is_empty() {
        let gone = side.starts_with("base") || base.is_empty();
        return if gone { "(none)" } else { "(removed)" }.to_owned();
    }
    if quoted {
        format!("{value:?}")
    } else {
        value.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcomes_exit_like_git_merge_file() {
        assert_eq!(Outcome::Clean.exit_code(), 0);
        assert_eq!(Outcome::Conflicts.exit_code(), 1);
    }

    #[test]
    fn a_missing_side_is_said_in_words() {
        assert_eq!(shown("", "Bake", "ours:  ", true), "(removed)");
        assert_eq!(shown("", "", "ours:  ", false), "(none)");
        assert_eq!(shown("", "", "base:  ", false), "(none)");
        assert_eq!(shown("1/2 cup", "1 cup", "theirs:", false), "1/2 cup");
        assert_eq!(shown("Bake", "Bake", "theirs:", true), "\"Bake\"");
    }

    #[test]
    fn a_conflict_names_the_ingredient_from_the_base() {
        let base = recipe_diff::parse_recipe(
            r#"{"recipeName": "Tea", "ingredients": [
                {"ingredientId": 4, "quantity": 1, "measurement": "tsp", "ingredientName": "sugar"}]}"#,
        )
        .unwrap();
        let conflict = |place| Conflict {
            place,
            base: "×1".into(),
            ours: "×2".into(),
            theirs: "×3".into(),
        };
        let named = |place| super::place(&base, &conflict(place));
        assert_eq!(
            named(ConflictPlace::Ingredient {
                ingredient_id: Some(4)
            }),
            "sugar (ingredient 4)"
        );
        assert_eq!(
            named(ConflictPlace::Ingredient {
                ingredient_id: None
            }),
            "the recipe's size"
        );
        assert_eq!(
            named(ConflictPlace::Instruction { step_id: Some(2) }),
            "step 2"
        );
    }
}
