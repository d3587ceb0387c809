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

    /// [`similarity_from`](Self::similarity_from) computed in full, with no
    /// floor: what that is held to.
    #[cfg(test)]
    pub(crate) fn similarity(&self, other: &NameKey) -> f64 {
        if self.compact.is_empty() || other.compact.is_empty() {
            return 0.0;
        }
        let spelling = strsim::normalized_levenshtein(&self.compact, &other.compact);
        spelling.max(self.containment(other))
    }

    /// How far the words of the name with fewer are found in the other.
    fn containment(&self, other: &NameKey) -> f64 {
        let shared = self
            .words()
            .filter(|w| other.words().any(|o| o == *w))
            .count();
        let fewest = self.ends.len().min(other.ends.len()).max(1);
        if shared == fewest {
            CONTAINED_SCORE
        } else {
            0.8 * shared as f64 / fewest as f64
        }
    }

    /// How alike two names are, from 0 (nothing shared) to 1 (the same),
    /// when that is at least `floor`; else `None`.
    ///
    /// Edit distance catches typos (`cinamon`); word containment catches
    /// qualified names (`apple` and `granny smith apple`). A diff asks
    /// only whether two names are alike enough, so the edit distance, most
    /// of the cost, is left uncomputed when a bound already says it cannot
    /// lift the score to `floor` or past the containment.
    pub(crate) fn similarity_from(&self, other: &NameKey, floor: f64) -> Option<f64> {
        if self.compact.is_empty() || other.compact.is_empty() {
            return (floor <= 0.0).then_some(0.0);
        }
        let containment = self.containment(other);
        let score = match spelling_bound(&self.compact, &other.compact) {
            // The spelling score can reach neither the floor nor the
            // containment score: it would change nothing.
            Some(bound) if bound < floor || bound <= containment => containment,
            _ => strsim::normalized_levenshtein(&self.compact, &other.compact).max(containment),
        };
        (score >= floor).then_some(score)
    }
}

/// An upper bound on `strsim::normalized_levenshtein(a, b)` of two
/// non-empty ASCII texts, by the same formula from a lower bound on the
/// distance: an alignment matches at most the characters the two share (as
/// multisets), and every other character of the longer text costs an edit.
/// `None` for other texts, and for a text too long to count in a `u16`.
fn spelling_bound(a: &str, b: &str) -> Option<f64> {
    if !a.is_ascii() || !b.is_ascii() || a.len() > usize::from(u16::MAX) {
        return None;
    }
    let mut counts = [0u16; 128];
    for byte in a.bytes() {
        counts[usize::from(byte)] += 1;
    }
    let mut shared = 0usize;
    for byte in b.bytes() {
        let count = &mut counts[usize::from(byte)];
        if *count > 0 {
            *count -= 1;
            shared += 1;
        }
    }
    let longest = a.len().max(b.len());
    let fewest_edits = longest - shared;
    Some(1.0 - (fewest_edits as f64) / (longest as f64))
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

    proptest::proptest! {
        /// The bound never cuts a score that reaches the floor, and a
        /// score it lets through is the exact one.
        #[test]
        fn bounded_similarity_is_exact_above_its_floor(
            a in "[a-cA-C ]{0,12}", b in "[a-cA-C ]{0,12}", floor in 0.0f64..1.0,
        ) {
            let (a, b) = (NameKey::new(&a), NameKey::new(&b));
            let exact = a.similarity(&b);
            let bounded = a.similarity_from(&b, floor);
            proptest::prop_assert_eq!(bounded, (exact >= floor).then_some(exact));
            let bound = spelling_bound(&a.compact, &b.compact);
            if let Some(bound) = bound.filter(|_| !a.compact.is_empty() && !b.compact.is_empty()) {
                proptest::prop_assert!(
                    bound >= strsim::normalized_levenshtein(&a.compact, &b.compact)
                );
            }
        }
    }

    #[test]
    fn a_name_too_long_to_count_has_no_bound() {
        let long = "a".repeat(usize::from(u16::MAX) + 1);
        assert_eq!(spelling_bound(&long, "a"), None);
        assert!(spelling_bound(&long[1..], "a").is_some());
    }

    #[test]
    fn unlike_names_skip_the_edit_distance_and_agree() {
        let (milk, cream) = (NameKey::new("coconut milk"), NameKey::new("heavy cream"));
        let bound = spelling_bound(&milk.compact, &cream.compact).unwrap_or(1.0);
        assert!(bound < 0.7, "the bound rules the pair out: {bound}");
        assert_eq!(milk.similarity_from(&cream, 0.7), None);
        assert!(
            strsim::normalized_levenshtein(&milk.compact, &cream.compact) < 0.7,
            "and the distance agrees"
        );
    }
}
