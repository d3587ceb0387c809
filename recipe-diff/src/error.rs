//! The one error type of this crate.

/// Everything that can go wrong while reading recipes or applying a diff.
///
/// Each variant names the input at fault: a JSON path such as
/// `ingredients[2].quantity`, or a line and column for malformed JSON.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The text is not JSON at all (or is truncated).
    #[error("malformed JSON at line {line}, column {column}: {message}")]
    Json {
        /// 1-based line of the first byte that could not be read.
        line: usize,
        /// 1-based column of that byte.
        column: usize,
        /// What the JSON reader expected.
        message: String,
    },
    /// A field has the wrong type or a value out of range.
    #[error("{path}: {message}")]
    Invalid {
        /// JSON path of the offending value, for example `steps[3].stepText`.
        path: String,
        /// What is wrong with it.
        message: String,
    },
    /// A quantity could not be read as a number, fraction or range.
    #[error("{}cannot read quantity {input:?}: {reason}", at(path))]
    Quantity {
        /// JSON path (or ingredient line) of the quantity.
        path: String,
        /// The text as written.
        input: String,
        /// Why it was not understood.
        reason: String,
    },
    /// A JSON-LD document holds no schema.org `Recipe` node.
    #[error("no schema.org Recipe found in the JSON-LD document")]
    NoRecipe,
    /// A saved web page holds no schema.org Recipe: none of its JSON-LD
    /// blocks holds one and none of its microdata items is one. Read with
    /// the `html` feature; the counts say what was searched.
    #[error(
        "no recipe found in the web page: {json_ld_scripts} JSON-LD block(s) and \
         {microdata_items} microdata item(s), none a schema.org Recipe"
    )]
    NoRecipeInPage {
        /// How many `<script type="application/ld+json">` blocks it has.
        json_ld_scripts: usize,
        /// How many microdata items (`itemscope` elements) it has.
        microdata_items: usize,
    },
    /// A Cooklang document does not parse (read with the `cooklang`
    /// feature).
    #[error("Cooklang at line {line}, column {column}: {message}")]
    Cooklang {
        /// 1-based line of the first mistake.
        line: usize,
        /// 1-based column of that mistake, in characters.
        column: usize,
        /// What the Cooklang parser found wrong.
        message: String,
    },
    /// A diff was applied to a recipe it was not computed from.
    #[error("the diff does not fit this recipe: {0}")]
    Mismatch(String),
}

/// `path: ` before a message, or nothing when there is no path (a quantity
/// read on its own).
fn at(path: &str) -> String {
    if path.is_empty() {
        String::new()
    } else {
        format!("{path}: ")
    }
}

impl Error {
    /// Builds an [`Error::Invalid`] for `path`.
    pub(crate) fn invalid(path: impl Into<String>, message: impl Into<String>) -> Self {
        Error::Invalid {
            path: path.into(),
            message: message.into(),
        }
    }
}

/// A shorthand for results of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::Error;

    #[test]
    fn messages_name_the_path_when_there_is_one() {
        let quantity = |path: &str| Error::Quantity {
            path: path.to_owned(),
            input: "1/0".to_owned(),
            reason: "division by zero".to_owned(),
        };
        assert_eq!(
            quantity("ingredients[2].quantity").to_string(),
            "ingredients[2].quantity: cannot read quantity \"1/0\": division by zero"
        );
        assert_eq!(
            quantity("").to_string(),
            "cannot read quantity \"1/0\": division by zero"
        );
    }
}
