//! Ingredient names reduced to what they mean, for matching.

/// A name folded for comparison: camelCase split, lowercased, punctuation
/// dropped, each word made singular.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NameKey {
    /// The folded words run together, so `pie crust` and `piecrust` agree.
    compact: String,
    /// Where each word ends in `compact`.
    ends: Vec<usize>,
}

impl NameKey {
    /// Folds `name`, in one pass and one buffer: a diff folds every name
    /// of both recipes.
    pub(crate) fn new(name: &str) -> Self {
        let mut key = NameKey {
            compact: String::with_capacity(name.len()),
            ends: Vec::new(),
        };
        let mut start = 0;
        let mut previous: Option<char> = None;
        let mut chars = name.chars().peekable();
        while let Some(c) = chars.next() {
            if !c.is_alphanumeric() {
                key.end_word(&mut start);
            } else {
                let next = chars.peek().copied();
                let starts_word = c.is_uppercase()
                    && match previous {
                        Some(p) if p.is_lowercase() || p.is_ascii_digit() => true,
                        Some(p) if p.is_uppercase() => next.is_some_and(char::is_lowercase),
                        _ => false,
                    };
                if starts_word {
                    key.end_word(&mut start);
                }
                if c.is_ascii() {
                    key.compact.push(c.to_ascii_lowercase());
                } else {
                    key.compact.extend(c.to_lowercase());
                }
            }
            previous = Some(c);
        }
        key.end_word(&mut start);
        key
    }

    /// Closes the word that began at `start`, making it singular.
    fn end_word(&mut self, start: &mut usize) {
        if self.compact.len() > *start {
            singularize(&mut self.compact, *start);
            self.ends.push(self.compact.len());
        }
        *start = self.compact.len();
    }

    fn words(&self) -> impl Iterator<Item = &str> {
        let starts = std::iter::once(0).chain(self.ends.iter().copied());
        starts
            .zip(self.ends.iter().copied())
            .map(|(start, end)| self.compact.get(start..end).unwrap_or_default())
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
        let spelling = strsim::normalized_levenshtein(&self.compact, &other.compact);
        let shared = self
            .words()
            .filter(|w| other.words().any(|o| o == *w))
            .count();
        let fewest = self.ends.len().min(other.ends.len()).max(1);
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

/// Makes the lowercase word at `text[start..]` singular, in place: English
/// plurals in the regular forms recipes use.
fn singularize(text: &mut String, start: usize) {
    let Some(word) = text.get(start..) else {
        return;
    };
    if word.len() <= 3 || !word.is_ascii() || UNCOUNTABLE.contains(&word) {
        return;
    }
    let len = text.len();
    if word.ends_with("ies") {
        text.truncate(len - 3);
        text.push('y');
    } else if ["oes", "ches", "shes", "sses", "xes", "zes"]
        .iter()
        .any(|suffix| word.ends_with(suffix))
    {
        text.truncate(len - 2);
    } else if word.ends_with('s') && !["ss", "us", "is"].iter().any(|s| word.ends_with(s)) {
        text.truncate(len - 1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn camel_case_and_spaces_agree() {
        assert!(NameKey::new("pieCrust").same_as(&NameKey::new("pie crust")));
        assert!(NameKey::new("Pie-Crust").same_as(&NameKey::new("piecrust")));
        let words = |name: &str| {
            NameKey::new(name)
                .words()
                .map(str::to_owned)
                .collect::<Vec<_>>()
        };
        assert_eq!(words("BBQSauce"), ["bbq", "sauce"]);
        assert_eq!(words("egg2Yolks"), ["egg2", "yolk"]);
        assert_eq!(
            words("  Granny-Smith apples, peeled "),
            ["granny", "smith", "apple", "peeled"]
        );
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
            let mut word = plural.to_owned();
            singularize(&mut word, 0);
            assert_eq!(word, one, "{plural}");
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
