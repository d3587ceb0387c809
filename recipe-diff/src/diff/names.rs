//! Ingredient names reduced to what they mean, for matching.

/// A name folded for comparison: camelCase split, lowercased, punctuation
/// dropped, each word made singular.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NameKey {
    /// The folded words, in order.
    words: Vec<String>,
    /// The words run together, so `pie crust` and `piecrust` agree.
    compact: String,
}

impl NameKey {
    /// Folds `name`.
    pub(crate) fn new(name: &str) -> Self {
        let words: Vec<String> = split_words(name)
            .into_iter()
            .map(|w| singular(&w.to_lowercase()))
            .collect();
        let compact = words.concat();
        NameKey { words, compact }
    }

    /// Whether two names mean the same ingredient outright.
    pub(crate) fn same_as(&self, other: &NameKey) -> bool {
        self.compact == other.compact
    }

    /// How alike two names are, from 0 (nothing shared) to 1 (the same).
    ///
    /// Edit distance catches typos (`cinamon`); word containment catches
    /// qualified names (`apple` and `granny smith apple`).
    pub(crate) fn similarity(&self, other: &NameKey) -> f64 {
        if self.compact.is_empty() || other.compact.is_empty() {
            return 0.0;
        }
        let spelling = strsim::normalized_damerau_levenshtein(&self.compact, &other.compact);
        let shared = self
            .words
            .iter()
            .filter(|w| other.words.contains(w))
            .count();
        let fewest = self.words.len().min(other.words.len()).max(1);
        let containment = if shared == fewest {
            CONTAINED_SCORE
        } else {
            0.8 * shared as f64 / fewest as f64
        };
        spelling.max(containment)
    }
}

/// The score we give a name whose every word appears in the other name.
const CONTAINED_SCORE: f64 = 0.85;

/// Splits on anything that is not a letter or digit, and inside camelCase
/// (`pieCrust`, `BBQSauce`).
fn split_words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let chars: Vec<char> = name.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_alphanumeric() {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            continue;
        }
        let previous = i.checked_sub(1).and_then(|p| chars.get(p)).copied();
        let next = chars.get(i + 1).copied();
        let starts_word = c.is_uppercase()
            && match previous {
                Some(p) if p.is_lowercase() || p.is_ascii_digit() => true,
                Some(p) if p.is_uppercase() => next.is_some_and(char::is_lowercase),
                _ => false,
            };
        if starts_word && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        current.push(c);
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// Words that end like plurals but are not.
const UNCOUNTABLE: [&str; 8] = [
    "molasses",
    "couscous",
    "hummus",
    "asparagus",
    "citrus",
    "swiss",
    "grits",
    "oats",
];

/// English plural to singular, for the regular cases recipes use.
fn singular(word: &str) -> String {
    let len = word.chars().count();
    if len <= 3 || !word.is_ascii() || UNCOUNTABLE.contains(&word) {
        return word.to_owned();
    }
    if let Some(stem) = word.strip_suffix("ies") {
        return format!("{stem}y");
    }
    for suffix in ["oes", "ches", "shes", "sses", "xes", "zes"] {
        if word.ends_with(suffix) {
            return word[..word.len() - 2].to_owned();
        }
    }
    if word.ends_with("ss") || word.ends_with("us") || word.ends_with("is") {
        return word.to_owned();
    }
    word.strip_suffix('s').unwrap_or(word).to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn camel_case_and_spaces_agree() {
        assert!(NameKey::new("pieCrust").same_as(&NameKey::new("pie crust")));
        assert!(NameKey::new("Pie-Crust").same_as(&NameKey::new("piecrust")));
        assert_eq!(split_words("BBQSauce"), ["BBQ", "Sauce"]);
        assert_eq!(split_words("egg2Yolks"), ["egg2", "Yolks"]);
    }

    #[test]
    fn plurals_fold() {
        for (plural, one) in [
            ("apples", "apple"),
            ("berries", "berry"),
            ("tomatoes", "tomato"),
            ("peaches", "peach"),
            ("radishes", "radish"),
            ("molasses", "molasses"),
            ("couscous", "couscous"),
            ("eggs", "egg"),
            ("glasses", "glass"),
        ] {
            assert_eq!(singular(plural), one, "{plural}");
        }
        assert!(NameKey::new("Apples").same_as(&NameKey::new("apple")));
    }

    #[test]
    fn similarity_ranks_related_names() {
        let apple = NameKey::new("apples");
        assert!(apple.similarity(&NameKey::new("Granny Smith apples")) >= 0.8);
        assert!(NameKey::new("cinnamon").similarity(&NameKey::new("cinamon")) > 0.8);
        assert!(NameKey::new("butter").similarity(&NameKey::new("margarine")) < 0.5);
        assert_eq!(NameKey::new("").similarity(&apple), 0.0);
    }
}
