//! `recipe diff ORIGINAL MAKE`: what a cook did differently.
//!
//! Reads both files (native JSON, schema.org JSON-LD, a saved web page or
//! Cooklang; see [`recipe_file`]), diffs them with
//! [`recipe_diff::diff_make`] and prints one rendering. The outcome follows
//! `diff(1)`: [`Outcome::Same`] (exit 0) when only the form differs,
//! [`Outcome::Different`] (exit 1) otherwise; errors are exit 2.

use std::io::{self, Write};
use std::path::PathBuf;

use clap::{Args, ValueEnum};
use recipe_diff::render::{self, TextStyle};
use recipe_diff::{Recipe, RecipeDiff};

use super::recipe_file::{self, RecipeFileError};
use super::terminal::{styled_stdout, write_whole};

pub use super::terminal::ColorWhen;

/// Arguments of `recipe diff`.
#[derive(Debug, Clone, Args)]
#[command(after_help = "\
Exit status is 0 when the make has no difference, 1 when it has, 2 on error.

Examples:
  recipe diff examples/data/apple-pie.json examples/data/apple-pie.make.json
  recipe diff pie.json pie.make.json --format patch > pie.patch.json")]
pub struct DiffArgs {
    /// The recipe as written: native JSON, schema.org Recipe JSON-LD, a
    /// saved web page (`.html`) or Cooklang (`.cook`).
    pub original: PathBuf,
    /// The make: the recipe as it was actually cooked, in any of the same
    /// formats.
    pub make: PathBuf,
    /// How to print the differences.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// When to colour text: on a terminal only (auto), always or never.
    #[arg(long, value_enum, default_value_t = ColorWhen::Auto)]
    pub color: ColorWhen,
}

/// The renderings `recipe diff` can print.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
#[non_exhaustive]
pub enum Format {
    /// A summary for a cook, one line per difference.
    Text,
    /// The full structured diff, restatements included.
    Json,
    /// The original project's flat list of differences.
    Seed,
    /// An RFC 6902 JSON Patch from the original's JSON to the make's.
    Patch,
}

/// What the comparison found, which decides the exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// No difference a cook would call one (restatements aside).
    Same,
    /// At least one difference.
    Different,
}

impl Outcome {
    /// The exit status `diff(1)` would give: 0 for same, 1 for different.
    ///
    /// ```
    /// use recipe_bins::cli::diff::Outcome;
    ///
    /// assert_eq!(Outcome::Different.exit_code(), 1);
    /// ```
    pub fn exit_code(self) -> u8 {
        match self {
            Outcome::Same => 0,
            Outcome::Different => 1,
        }
    }
}

/// Why `recipe diff` could not finish; each message names what is at
/// fault.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DiffError {
    /// A file could not be read or is not a recipe; the message names the
    /// file, its source says why (see [`RecipeFileError`]).
    #[error(transparent)]
    File(#[from] RecipeFileError),
    /// The rendering failed; the diff did not fit its own original, which
    /// would be a bug in the diff.
    #[error("cannot render the differences: {0}")]
    Render(String),
    /// Standard output could not be written.
    #[error("cannot write the output")]
    Write(#[source] io::Error),
}

/// Runs `recipe diff`, printing to standard output, coloured as
/// [`styled_stdout`] decides.
pub fn run(args: &DiffArgs) -> Result<Outcome, DiffError> {
    let (mut out, style) = styled_stdout(args.color);
    run_to(args, style, &mut out)
}

/// Runs `recipe diff`, writing the rendering to `out` in `style`.
///
/// ```
/// use clap::Parser;
/// use recipe_bins::cli::diff::{Outcome, run_to};
/// use recipe_bins::cli::{Cli, Command};
/// use recipe_diff::render::TextStyle;
///
/// let pie = "../examples/data/apple-pie.json";
/// let Command::Diff(args) = Cli::parse_from(["recipe", "diff", pie, pie]).command else {
///     unreachable!("the arguments name the diff subcommand");
/// };
/// let mut out = Vec::new();
/// assert_eq!(run_to(&args, TextStyle::Plain, &mut out)?, Outcome::Same);
/// assert_eq!(String::from_utf8(out)?, "recipe 1: no differences\n");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn run_to(
    args: &DiffArgs,
    style: TextStyle,
    out: &mut dyn Write,
) -> Result<Outcome, DiffError> {
    let original = recipe_file::read_recipe(&args.original)?;
    let make = recipe_file::read_make(&args.make)?;
    let diff = recipe_diff::diff_make(&original, &make);
    let rendering = rendering(args.format, style, &original, &diff)?;
    write_whole(out, &rendering).map_err(DiffError::Write)?;
    Ok(if diff.is_empty() {
        Outcome::Same
    } else {
        Outcome::Different
    })
}

/// The chosen rendering, ending in a newline.
fn rendering(
    format: Format,
    style: TextStyle,
    original: &Recipe,
    diff: &RecipeDiff,
) -> Result<String, DiffError> {
    let json = |value: Result<String, serde_json::Error>| {
        value
            .map(|mut text| {
                text.push('\n');
                text
            })
            .map_err(|e| DiffError::Render(e.to_string()))
    };
    match format {
        Format::Text => Ok(render::text(diff, style)),
        Format::Json => json(Ok(render::json(diff))),
        Format::Seed => json(serde_json::to_string_pretty(&render::seed(diff))),
        Format::Patch => {
            let patch =
                render::patch(original, diff).map_err(|e| DiffError::Render(e.to_string()))?;
            json(serde_json::to_string_pretty(&patch))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcomes_exit_like_diff() {
        assert_eq!(Outcome::Same.exit_code(), 0);
        assert_eq!(Outcome::Different.exit_code(), 1);
    }

    #[test]
    fn errors_name_the_file() {
        let error = DiffError::from(RecipeFileError::Parse {
            path: PathBuf::from("pie.json"),
            source: recipe_diff::parse_recipe("{").unwrap_err(),
        });
        assert_eq!(error.to_string(), "pie.json");
        let cause = std::error::Error::source(&error).map(ToString::to_string);
        assert!(
            cause
                .as_deref()
                .is_some_and(|c| c.starts_with("malformed JSON at line 1")),
            "{cause:?}"
        );
    }
}
