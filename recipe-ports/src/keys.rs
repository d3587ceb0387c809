//! Which keys of the bucket are recipes, which are makes.

/// What a key holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    /// An original recipe (create or update).
    Recipe,
    /// A make of a recipe.
    Make,
    /// Anything else: logged and skipped.
    Other,
}

/// The key prefixes of recipes and makes; configurable, `recipes/` and
/// `makes/` by default.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prefixes {
    /// Prefix of original recipes.
    pub recipes: String,
    /// Prefix of makes.
    pub makes: String,
}

impl Default for Prefixes {
    fn default() -> Self {
        Prefixes {
            recipes: "recipes/".to_owned(),
            makes: "makes/".to_owned(),
        }
    }
}

impl Prefixes {
    /// What `key` holds. Folder markers (keys ending in `/`) are `Other`.
    pub fn classify(&self, key: &str) -> KeyKind {
        if key.ends_with('/') {
            KeyKind::Other
        } else if key.starts_with(&self.makes) {
            KeyKind::Make
        } else if key.starts_with(&self.recipes) {
            KeyKind::Recipe
        } else {
            KeyKind::Other
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_by_prefix() {
        let p = Prefixes::default();
        assert_eq!(p.classify("recipes/pie.json"), KeyKind::Recipe);
        assert_eq!(p.classify("makes/2026/pie.json"), KeyKind::Make);
        assert_eq!(p.classify("makes/"), KeyKind::Other);
        assert_eq!(p.classify("notes.txt"), KeyKind::Other);
    }
}
