//! Reading the recipe files a subcommand is given, with errors that name
//! the file.

use std::io;
use std::path::{Path, PathBuf};

use recipe_diff::{Make, Recipe};

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
    /// The file is not a recipe: malformed JSON (with line and column) or a
    /// value of the wrong type (with its JSON path).
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

/// Reads a recipe file: native JSON or schema.org Recipe JSON-LD.
///
/// ```
/// let pie = recipe_bins::cli::recipe_file::read_recipe("../examples/data/apple-pie.json".as_ref())?;
/// assert_eq!(pie.recipe_name, "Apple Pie");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn read_recipe(path: &Path) -> Result<Recipe, RecipeFileError> {
    read(path, recipe_diff::parse_recipe)
}

/// Reads a make file: a recipe document plus its `makeId`, `madeAt` and
/// `notes`.
pub fn read_make(path: &Path) -> Result<Make, RecipeFileError> {
    read(path, recipe_diff::parse_make)
}

fn read<T>(
    path: &Path,
    parse: impl FnOnce(&str) -> recipe_diff::Result<T>,
) -> Result<T, RecipeFileError> {
    let text = std::fs::read_to_string(path).map_err(|source| RecipeFileError::Read {
        path: path.to_owned(),
        source,
    })?;
    parse(&text).map_err(|source| RecipeFileError::Parse {
        path: path.to_owned(),
        source,
    })
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
