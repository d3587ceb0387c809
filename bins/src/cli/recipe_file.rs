//! Reading the recipe files a subcommand is given, in any format the
//! library reads (JSON, schema.org JSON-LD, saved web pages, Cooklang),
//! with errors and warnings that name the file.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use recipe_diff::{Make, Parsed, Recipe, Warning};

/// Why a recipe file cannot be used; each message names the file.
///
/// The messages leave the cause to [`std::error::Error::source`]; print the
/// whole chain (`anyhow`'s `{:#}`) to tell the full story on one line, as in
/// `pie.json: malformed JSON at line 3, column 5: EOF while parsing an object`.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RecipeFileError {
    /// The file could not be read (missing, a directory, not UTF-8, …).
    #[error("{}: cannot read", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why the system refused.
        source: io::Error,
    },
    /// The file is not a recipe: malformed JSON (with line and column), a
    /// value of the wrong type (with its JSON path), a page without a
    /// recipe, or Cooklang that does not parse (with line and column).
    #[error("{}", path.display())]
    Parse {
        /// The file.
        path: PathBuf,
        /// What is wrong, and where in the file.
        source: recipe_diff::Error,
    },
}

impl RecipeFileError {
    /// The file at fault.
    pub fn path(&self) -> &Path {
        match self {
            RecipeFileError::Read { path, .. } | RecipeFileError::Parse { path, .. } => path,
        }
    }
}

/// The formats a recipe file can be in, told apart by [`Format::of`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Format {
    /// Native JSON or schema.org Recipe JSON-LD.
    Json,
    /// A saved web page: the Recipe in its JSON-LD, else its microdata.
    Html,
    /// A Cooklang file.
    Cooklang,
}

impl Format {
    /// The format of the file at `path` holding `text`: a page when its
    /// name ends in `.html` or `.htm` or its text starts with `<` (after a
    /// byte-order mark and white space), Cooklang when its name ends in
    /// `.cook`, JSON otherwise.
    ///
    /// ```
    /// use recipe_bins::cli::recipe_file::Format;
    ///
    /// assert_eq!(Format::of("pie.HTM".as_ref(), ""), Format::Html);
    /// assert_eq!(Format::of("saved".as_ref(), "\u{feff}\n<!doctype html>"), Format::Html);
    /// assert_eq!(Format::of("pie.cook".as_ref(), "Bake @pie{}."), Format::Cooklang);
    /// assert_eq!(Format::of("pie.json".as_ref(), "{}"), Format::Json);
    /// ```
    pub fn of(path: &Path, text: &str) -> Format {
        let extension = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        match extension.as_deref() {
            Some("html" | "htm") => Format::Html,
            Some("cook") => Format::Cooklang,
            _ if recipe_diff::parse::looks_like_html(text) => Format::Html,
            _ => Format::Json,
        }
    }
}

/// Reads a recipe file (native JSON, schema.org Recipe JSON-LD, a saved
/// web page or Cooklang) and prints what was read around in it on
/// standard error, one `warning: FILE: PATH: MESSAGE` line each.
///
/// ```
/// let pie = recipe_bins::cli::recipe_file::read_recipe("../examples/data/apple-pie.json".as_ref())?;
/// assert_eq!(&*pie.recipe_name, "Apple Pie");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn read_recipe(path: &Path) -> Result<Recipe, RecipeFileError> {
    read_make(path).map(|make| make.recipe)
}

/// Reads a make file: a recipe document plus its `makeId`, `madeAt` and
/// `notes`; warnings go to standard error as with [`read_recipe`].
pub fn read_make(path: &Path) -> Result<Make, RecipeFileError> {
    let parsed = read_make_with_warnings(path)?;
    let mut stderr = std::io::stderr().lock();
    // Standard error that cannot be written is no reason to stop.
    let _ = write_warnings(path, &parsed.warnings, &mut stderr);
    Ok(parsed.value)
}

/// Reads a make file in any format, with the warnings about what was
/// read around in it, printing nothing.
///
/// ```
/// use recipe_bins::cli::recipe_file::read_make_with_warnings;
///
/// let parsed = read_make_with_warnings("../recipe-diff/tests/data/pages/microdata.html".as_ref())?;
/// assert_eq!(&*parsed.value.recipe.recipe_name, "Grandma's Pancakes");
/// assert!(parsed.warnings.is_empty());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn read_make_with_warnings(path: &Path) -> Result<Parsed<Make>, RecipeFileError> {
    let text = std::fs::read_to_string(path).map_err(|source| RecipeFileError::Read {
        path: path.to_owned(),
        source,
    })?;
    let parsed = match Format::of(path, &text) {
        Format::Json => recipe_diff::parse_make_with_warnings(&text),
        Format::Html => recipe_diff::parse::parse_make_html(&text),
        Format::Cooklang => recipe_diff::parse::parse_make_cooklang(&text).map(|mut parsed| {
            // A Cooklang recipe is named by its file when it has no title.
            if parsed.value.recipe.recipe_name.is_empty()
                && let Some(stem) = path.file_stem().and_then(|s| s.to_str())
            {
                parsed.value.recipe.recipe_name = stem.into();
            }
            parsed
        }),
    };
    parsed.map_err(|source| RecipeFileError::Parse {
        path: path.to_owned(),
        source,
    })
}

/// Writes each warning as `warning: FILE: PATH: MESSAGE ("INPUT")`.
///
/// ```
/// use recipe_bins::cli::recipe_file::write_warnings;
///
/// let parsed = recipe_diff::parse_recipe_with_warnings(
///     r#"{"@type": "Recipe", "name": "R", "recipeIngredient": ["1/0 cup sugar"]}"#,
/// )?;
/// let mut out = Vec::new();
/// write_warnings("r.json".as_ref(), &parsed.warnings, &mut out)?;
/// assert!(String::from_utf8(out)?.starts_with("warning: r.json: recipeIngredient[0]: kept as written"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn write_warnings(path: &Path, warnings: &[Warning], out: &mut dyn Write) -> io::Result<()> {
    for warning in warnings {
        writeln!(out, "warning: {}: {warning}", path.display())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_name_the_file() {
        let error = RecipeFileError::Parse {
            path: PathBuf::from("pie.json"),
            source: recipe_diff::parse_recipe("{").unwrap_err(),
        };
        assert_eq!(error.to_string(), "pie.json");
        assert_eq!(error.path(), Path::new("pie.json"));
        let cause = std::error::Error::source(&error).map(ToString::to_string);
        assert!(
            cause
                .as_deref()
                .is_some_and(|c| c.starts_with("malformed JSON at line 1")),
            "{cause:?}"
        );
    }

    #[test]
    fn a_missing_file_cannot_be_read() {
        let error = read_recipe(Path::new("no-such-pie.json")).unwrap_err();
        assert!(matches!(error, RecipeFileError::Read { .. }));
        assert_eq!(error.to_string(), "no-such-pie.json: cannot read");
    }
}
