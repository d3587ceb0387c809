//! What `recipe backup` and `recipe restore` say about a database's
//! contents, in one wording.

use recipe_embedded::backup::RecordCounts;

/// `3 recipes, 5 versions, 204 makes`; versions are left out of a file
/// from before recipes had versions.
pub fn describe_counts(counts: &RecordCounts) -> String {
    match counts.versions {
        Some(versions) => format!(
            "{} recipes, {versions} versions, {} makes",
            counts.recipes, counts.makes
        ),
        None => format!(
            "{} recipes, {} makes (stored before recipes had versions)",
            counts.recipes, counts.makes
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_read_as_one_line() {
        let counts = RecordCounts {
            recipes: 3,
            versions: Some(5),
            makes: 204,
        };
        assert_eq!(describe_counts(&counts), "3 recipes, 5 versions, 204 makes");
    }
}
