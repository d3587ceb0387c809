//! Free-text ingredient lines, as schema.org `recipeIngredient` holds them.
//!
//! The reading rules are documented on [`parse_ingredient_line`], where
//! users of the crate see them.

use crate::error::{Error, Result};
use crate::model::Ingredient;
use crate::quantity::{
    Problem, Quantity, is_dash, is_fraction_slash, is_vulgar_fraction, parse_quantity,
    subscript_digit, superscript_digit,
};
use crate::units::{KnownUnit, Unit};

/// Reads a line such as `"1 1/2 cups flour, sifted"` into an ingredient
/// (without an id).
///
/// A line reads as `[amount] [unit] [of] name [(aside)] [, note]`:
///
/// | line | quantity | measurement | name | note |
/// | --- | --- | --- | --- | --- |
/// | `1 1/2 cups flour, sifted` | 1 1/2 | `cups` | flour | sifted |
/// | `½ tsp salt` | 1/2 | `tsp` | salt | |
/// | `2 large eggs` | 2 | | large eggs | |
/// | `3 cloves garlic, minced` | 3 | `cloves` | garlic | minced |
/// | `1 (14.5 oz) can diced tomatoes` | 1 | `can` | diced tomatoes | 14.5 oz |
/// | `2-3 tbsp olive oil` | 2-3 | `tbsp` | olive oil | |
/// | `salt to taste` | | | salt | to taste |
/// | `a pinch of salt` | 1 | `pinch` | salt | |
/// | `100g butter` | 100 | `g` | butter | |
/// | `1 tablespoon + 1 teaspoon sugar` | 1 1/3 | `tablespoon` | sugar | 1 tablespoon + 1 teaspoon |
///
/// The choices, and why:
///
/// - **Sizes stay in the name** (`large eggs`): to a baker large and small
///   eggs are different ingredients, and the name is what a cook would say.
/// - **A unit is recognised only when a name follows it**, and only from the
///   convertible units and the common non-convertible ones (`clove`,
///   `pinch`, `can`, …); `whole` describes the ingredient (`1 whole
///   chicken`), so it stays in the name.
/// - **Asides in parentheses go to the note**, before the text after the
///   first comma; notes are joined with `; `.
/// - **`a`/`an` mean one** (`a pinch of salt`), except before vague words
///   (`a few sprigs`), which are no amount at all.
/// - **Sums of one dimension are added up** (`1 cup plus 2 tbsp`) in the
///   first unit, so amounts still compare across units; the sum as written
///   is kept in the note. A sum we cannot add (`1 cup + 1 pinch`) stays in
///   the name, nothing is lost.
/// - **A clearly meant but wrong amount is an error** (`1/0 cup`, `3-2
///   tbsp`), never silently dropped.
///
/// ```
/// let flour = recipe_diff::parse::parse_ingredient_line("2 cups flour, sifted")?;
/// assert_eq!(flour.ingredient_name, "flour");
/// assert_eq!(flour.measurement.as_deref(), Some("cups"));
/// assert_eq!(flour.note.as_deref(), Some("sifted"));
///
/// let tomatoes = recipe_diff::parse::parse_ingredient_line("1 (14.5 oz) can diced tomatoes")?;
/// assert_eq!(tomatoes.quantity.map(|q| q.to_string()).as_deref(), Some("1"));
/// assert_eq!(tomatoes.measurement.as_deref(), Some("can"));
/// assert_eq!(tomatoes.note.as_deref(), Some("14.5 oz"));
///
/// let salt = recipe_diff::parse::parse_ingredient_line("salt to taste")?;
/// assert_eq!((salt.quantity, salt.note.as_deref()), (None, Some("to taste")));
///
/// assert!(recipe_diff::parse::parse_ingredient_line("1/0 cup flour").is_err());
/// # Ok::<(), recipe_diff::Error>(())
/// ```
///
/// # Errors
///
/// [`Error::Invalid`] for an empty line or one that names no ingredient,
/// [`Error::Quantity`] for an amount that cannot be right (`1/0`, `3-2`).
pub fn parse_ingredient_line(line: &str) -> Result<Ingredient> {
    parse_ingredient_line_at(line, &format!("ingredient line {line:?}"))
}

/// [`parse_ingredient_line`], with errors naming `path` (such as
/// `recipeIngredient[3]`) instead of the line.
pub(crate) fn parse_ingredient_line_at(line: &str, path: &str) -> Result<Ingredient> {
    let line = line
        .trim()
        .trim_start_matches(['•', '·', '*', '▢', '☐', '□', '◦', '▪'])
        .trim();
    if line.is_empty() {
        return Err(Error::invalid(path, "the ingredient line is empty"));
    }
    let parts = LineParts::split(line);
    let collapsed = parts.body.split_whitespace().collect::<Vec<_>>().join(" ");
    let (body, trailing) = split_trailing_phrase(&collapsed);

    let (mut quantity, after_quantity) = read_quantity(body, path)?;
    let (mut measurement, mut rest) = match quantity {
        Some(_) => read_unit(after_quantity),
        None => (None, after_quantity),
    };
    let mut notes = parts.asides;
    if let (Some(first), Some(unit)) = (quantity, measurement.as_deref()) {
        if let Some(sum) = read_sum(first, unit, rest) {
            quantity = Some(sum.total);
            measurement = Some(unit.to_owned());
            let consumed = body.len().saturating_sub(sum.rest.len());
            notes.push(body.get(..consumed).unwrap_or_default().trim().to_owned());
            rest = sum.rest;
        }
    }
    notes.extend(trailing.map(str::to_owned));
    notes.extend(parts.note);
    notes.retain(|note| !note.is_empty());

    let name = rest.trim();
    if name.is_empty() {
        return Err(Error::invalid(path, "the line names no ingredient"));
    }
    Ok(Ingredient {
        ingredient_id: None,
        quantity,
        measurement,
        ingredient_name: name.to_owned(),
        note: (!notes.is_empty()).then(|| notes.join("; ")),
    })
}

/// A line taken apart at its parentheses and first comma.
#[derive(Debug, Default)]
struct LineParts {
    /// Everything outside parentheses, before the first comma.
    body: String,
    /// The contents of each parenthesis, in order.
    asides: Vec<String>,
    /// What follows the first comma (or semicolon), as written.
    note: Option<String>,
}

impl LineParts {
    fn split(line: &str) -> LineParts {
        let mut parts = LineParts::default();
        let mut aside = String::new();
        let mut depth = 0_usize;
        for (index, c) in line.char_indices() {
            match c {
                '(' | '[' => {
                    if depth > 0 {
                        aside.push(c);
                    } else {
                        // Keep the words on either side apart.
                        parts.body.push(' ');
                    }
                    depth += 1;
                }
                ')' | ']' if depth > 0 => {
                    depth -= 1;
                    if depth == 0 {
                        parts.asides.push(aside.trim().to_owned());
                        aside.clear();
                    } else {
                        aside.push(c);
                    }
                }
                // A stray closing bracket is noise.
                ')' | ']' => {}
                ',' | ';' if depth == 0 => {
                    let after = line.get(index + c.len_utf8()..).unwrap_or_default();
                    parts.note = Some(after.trim().to_owned());
                    break;
                }
                _ if depth > 0 => aside.push(c),
                _ => parts.body.push(c),
            }
        }
        if depth > 0 {
            // An unclosed parenthesis: its text is still an aside.
            parts.asides.push(aside.trim().to_owned());
        }
        parts
    }
}

/// Phrases at the end of a line that say how much without an amount, or
/// what the ingredient is for; they belong in the note.
const TRAILING_PHRASES: [&str; 8] = [
    " to taste",
    " as needed",
    " as required",
    " optional",
    " for garnish",
    " for serving",
    " for frying",
    " for greasing",
];

/// Splits `salt to taste` into `salt` and `to taste`.
fn split_trailing_phrase(body: &str) -> (&str, Option<&str>) {
    // ASCII lowercasing keeps byte offsets, so `cut` is valid in `body`.
    let lower = body.to_ascii_lowercase();
    for phrase in TRAILING_PHRASES {
        if lower.ends_with(phrase) {
            let cut = body.len() - phrase.len();
            if let (Some(head), Some(tail)) = (body.get(..cut), body.get(cut..)) {
                if !head.trim().is_empty() {
                    return (head.trim_end(), Some(tail.trim()));
                }
            }
        }
    }
    (body, None)
}

/// Words after `a`/`an` that make it no amount at all: `a few sprigs`.
const VAGUE_WORDS: [&str; 6] = ["few", "little", "bit", "couple", "dozen", "good"];

/// Reads the amount at the start of `body`: returns it (if any) and the text
/// after it.
fn read_quantity<'a>(body: &'a str, path: &str) -> Result<(Option<Quantity>, &'a str)> {
    if let Some((first, rest)) = body.split_once(' ') {
        if first.eq_ignore_ascii_case("a") || first.eq_ignore_ascii_case("an") {
            let next = rest.split_whitespace().next().unwrap_or_default();
            let vague = VAGUE_WORDS.iter().any(|w| next.eq_ignore_ascii_case(w));
            return Ok(if vague {
                (None, body)
            } else {
                (Some(Quantity::new(1.0)), rest)
            });
        }
    }
    let Some(run_end) = quantity_run_end(body) else {
        return Ok((None, body));
    };
    let candidate = body.get(..run_end).unwrap_or_default();
    // The longest prefix that reads as an amount wins: `1 2-inch piece`
    // is one piece, not an unreadable `1 2-`. But when the whole run is an
    // amount that cannot be right (`1/0`, `3-2`), we say so rather than
    // read less of it.
    let ends = token_ends(candidate);
    for (position, &end) in ends.iter().enumerate().rev() {
        let text = body.get(..end).unwrap_or_default();
        match parse_quantity(text) {
            Ok(quantity) => return Ok((Some(quantity), body.get(end..).unwrap_or_default())),
            Err(Problem::Unreadable) => {}
            Err(problem) if position + 1 == ends.len() => {
                return Err(problem.into_error(path, text.trim()));
            }
            Err(_) => {}
        }
    }
    Err(Problem::Unreadable.into_error(path, candidate.trim()))
}

/// Where the run of characters an amount is made of ends, when `body`
/// starts with one: digits, points, slashes, fractions, dashes, spaces, and
/// `to`/`or` between numbers.
fn quantity_run_end(body: &str) -> Option<usize> {
    if !starts_amount(body) {
        return None;
    }
    let mut index = 0;
    while let Some(c) = body.get(index..).and_then(|rest| rest.chars().next()) {
        if is_amount_char(c) {
            index += c.len_utf8();
        } else if let Some(after) = range_word_end(body, index) {
            index = after;
        } else {
            break;
        }
    }
    Some(index)
}

/// Whether `text` begins like an amount: a digit or fraction, or a point or
/// dash right before a digit (`.5`, and `-1`, which we then reject).
fn starts_amount(text: &str) -> bool {
    let mut chars = text.chars();
    match chars.next() {
        Some(c) if c.is_ascii_digit() || is_vulgar_fraction(c) => true,
        Some(c) if superscript_digit(c).is_some() => true,
        Some(c) if c == '.' || is_dash(c) => chars.next().is_some_and(|d| d.is_ascii_digit()),
        _ => false,
    }
}

fn is_amount_char(c: char) -> bool {
    c.is_ascii_digit()
        || c == '.'
        || c.is_whitespace()
        || is_fraction_slash(c)
        || is_vulgar_fraction(c)
        || is_dash(c)
        || superscript_digit(c).is_some()
        || subscript_digit(c).is_some()
}

/// The end of `to`, `or` or `and` at `index` when it joins two amounts
/// (`1 to 2`, `1 and 1/2`), not when it starts a word (`1 tomato`).
fn range_word_end(body: &str, index: usize) -> Option<usize> {
    let before = body.get(..index)?;
    if !before.ends_with(char::is_whitespace) {
        return None;
    }
    ["to", "or", "and"].iter().find_map(|word| {
        let end = index + word.len();
        let joins = body.get(index..end)?.eq_ignore_ascii_case(word)
            && body
                .get(end..)?
                .strip_prefix(char::is_whitespace)
                .is_some_and(|after| starts_amount(after.trim_start()));
        joins.then_some(end)
    })
}

/// Byte offsets where each whitespace-separated token of `text` ends.
fn token_ends(text: &str) -> Vec<usize> {
    let mut ends = Vec::new();
    let mut in_token = false;
    for (index, c) in text.char_indices() {
        if c.is_whitespace() {
            if in_token {
                ends.push(index);
            }
            in_token = false;
        } else {
            in_token = true;
        }
    }
    if in_token {
        ends.push(text.len());
    }
    ends
}

/// Units that do not convert but are clearly units when they follow an
/// amount (`3 cloves garlic`), in their canonical singular.
const COUNTED_UNITS: &[&str] = &[
    "bag",
    "block",
    "bottle",
    "box",
    "bulb",
    "bunch",
    "can",
    "carton",
    "clove",
    "container",
    "cube",
    "dash",
    "dollop",
    "drop",
    "ear",
    "envelope",
    "fillet",
    "glass",
    "handful",
    "head",
    "inch",
    "jar",
    "knob",
    "leaf",
    "link",
    "loaf",
    "pack",
    "package",
    "packet",
    "pinch",
    "pkg",
    "pot",
    "rib",
    "scoop",
    "sheet",
    "slice",
    "splash",
    "sprig",
    "square",
    "stalk",
    "stick",
    "tin",
];

/// Whether a word after an amount is its unit.
fn is_unit_word(word: &str) -> bool {
    match Unit::parse(word) {
        // `whole` describes the ingredient: `1 whole chicken`.
        Unit::Known(KnownUnit::Each) => !word.eq_ignore_ascii_case("whole"),
        Unit::Known(_) => true,
        Unit::Other(canonical) => COUNTED_UNITS.contains(&canonical.as_str()),
    }
}

/// Reads the unit after an amount, as written; drops an `of` after it.
/// Returns the unit (if any) and the text after it.
fn read_unit(text: &str) -> (Option<String>, &str) {
    let text = text.trim_start();
    let mut words = text.split(' ');
    let first = words.next().unwrap_or_default();
    let second = words.next().unwrap_or_default();
    let after_first = text.get(first.len()..).unwrap_or_default().trim_start();
    let after_second = after_first
        .get(second.len()..)
        .unwrap_or_default()
        .trim_start();
    // Two-word units first: `fl oz`, `fluid ounces`.
    let two_words = format!("{first} {second}");
    let (unit, rest) = if !second.is_empty()
        && !after_second.is_empty()
        && !is_unit_word(first)
        && matches!(Unit::parse(&two_words), Unit::Known(_))
    {
        (two_words, after_second)
    } else if !after_first.is_empty() && is_unit_word(first) {
        (first.to_owned(), after_first)
    } else {
        return (None, text);
    };
    // `1 cup of milk`, `a pinch of salt`.
    let rest = match rest.split_once(' ') {
        Some((of, name)) if of.eq_ignore_ascii_case("of") && !name.trim().is_empty() => name,
        _ => rest,
    };
    (Some(unit), rest)
}

/// A second amount added to the first: `1 cup plus 2 tbsp flour`.
struct Sum<'a> {
    /// Both amounts, in the first amount's unit.
    total: Quantity,
    /// The text after the second unit.
    rest: &'a str,
}

/// Adds `+ 1 tsp` or `plus 2 tbsp` at the start of `rest` to `first`, when
/// both units are known and of one dimension.
fn read_sum<'a>(first: Quantity, unit: &str, rest: &'a str) -> Option<Sum<'a>> {
    let rest = rest.trim_start();
    let after_plus = match rest.strip_prefix('+') {
        Some(after) => after,
        None => {
            let (word, after) = rest.split_once(' ')?;
            word.eq_ignore_ascii_case("plus").then_some(after)?
        }
    };
    // An unreadable second amount is not our business here: the text stays
    // in the name.
    let (second, after_second) = read_quantity(after_plus.trim_start(), "").ok()?;
    let second = second?;
    let (second_unit, rest) = read_unit(after_second);
    let (Unit::Known(first_unit), Unit::Known(second_unit)) =
        (Unit::parse(unit), Unit::parse(&second_unit?))
    else {
        return None;
    };
    if first_unit.dimension() != second_unit.dimension() {
        return None;
    }
    let factor = second_unit.in_base_units() / first_unit.in_base_units();
    let total = Quantity::range(
        first.low() + second.low() * factor,
        first.high() + second.high() * factor,
    );
    Some(Sum { total, rest })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A line and what it should read as: quantity (display form),
    /// measurement, name, note.
    type Case<'a> = (
        &'a str,
        Option<&'a str>,
        Option<&'a str>,
        &'a str,
        Option<&'a str>,
    );

    #[test]
    fn reads_the_lines_web_recipes_hold() {
        let cases: &[Case<'_>] = &[
            (
                "1 1/2 cups flour, sifted",
                Some("1 1/2"),
                Some("cups"),
                "flour",
                Some("sifted"),
            ),
            ("½ tsp salt", Some("1/2"), Some("tsp"), "salt", None),
            ("1½ cups sugar", Some("1 1/2"), Some("cups"), "sugar", None),
            ("1-1/2 cups milk", Some("1 1/2"), Some("cups"), "milk", None),
            (
                "1 and 1/2 cups milk",
                Some("1 1/2"),
                Some("cups"),
                "milk",
                None,
            ),
            (
                "2 eggs and 1 yolk",
                Some("2"),
                None,
                "eggs and 1 yolk",
                None,
            ),
            ("½-1 tsp salt", Some("1/2-1"), Some("tsp"), "salt", None),
            (
                "1/2 cup (1 stick) butter, softened",
                Some("1/2"),
                Some("cup"),
                "butter",
                Some("1 stick; softened"),
            ),
            ("2 lbs. potatoes", Some("2"), Some("lbs."), "potatoes", None),
            ("2 large eggs", Some("2"), None, "large eggs", None),
            (
                "3 cloves garlic, minced",
                Some("3"),
                Some("cloves"),
                "garlic",
                Some("minced"),
            ),
            (
                "1 (14.5 oz) can diced tomatoes",
                Some("1"),
                Some("can"),
                "diced tomatoes",
                Some("14.5 oz"),
            ),
            (
                "1 (14.5 oz) can diced tomatoes, drained",
                Some("1"),
                Some("can"),
                "diced tomatoes",
                Some("14.5 oz; drained"),
            ),
            (
                "2-3 tbsp olive oil",
                Some("2-3"),
                Some("tbsp"),
                "olive oil",
                None,
            ),
            (
                "2 – 3 Tbsp. olive oil",
                Some("2-3"),
                Some("Tbsp."),
                "olive oil",
                None,
            ),
            (
                "1 to 2 tsp chili flakes",
                Some("1-2"),
                Some("tsp"),
                "chili flakes",
                None,
            ),
            ("2 or 3 tomatoes", Some("2-3"), None, "tomatoes", None),
            ("1 tomato", Some("1"), None, "tomato", None),
            ("salt to taste", None, None, "salt", Some("to taste")),
            ("Salt, to taste", None, None, "Salt", Some("to taste")),
            (
                "salt and pepper to taste",
                None,
                None,
                "salt and pepper",
                Some("to taste"),
            ),
            ("a pinch of salt", Some("1"), Some("pinch"), "salt", None),
            (
                "An onion, chopped",
                Some("1"),
                None,
                "onion",
                Some("chopped"),
            ),
            ("a few sprigs thyme", None, None, "a few sprigs thyme", None),
            ("1 cup of milk", Some("1"), Some("cup"), "milk", None),
            ("100g butter", Some("100"), Some("g"), "butter", None),
            ("250 ml water", Some("250"), Some("ml"), "water", None),
            ("8 fl oz cream", Some("8"), Some("fl oz"), "cream", None),
            ("8 fl. oz. cream", Some("8"), Some("fl. oz."), "cream", None),
            (
                "2 fluid ounces rum",
                Some("2"),
                Some("fluid ounces"),
                "rum",
                None,
            ),
            ("1 T butter", Some("1"), Some("T"), "butter", None),
            ("1 t salt", Some("1"), Some("t"), "salt", None),
            (
                "1 lb ground beef",
                Some("1"),
                Some("lb"),
                "ground beef",
                None,
            ),
            ("1 whole chicken", Some("1"), None, "whole chicken", None),
            (
                "1 2-inch piece ginger",
                Some("1"),
                None,
                "2-inch piece ginger",
                None,
            ),
            ("2 cups", Some("2"), None, "cups", None),
            (
                "1 cup flour (sifted), plus more for dusting",
                Some("1"),
                Some("cup"),
                "flour",
                Some("sifted; plus more for dusting"),
            ),
            ("▢ 2 tbsp honey", Some("2"), Some("tbsp"), "honey", None),
            (
                "1 tablespoon + 1 teaspoon sugar",
                Some("1 1/3"),
                Some("tablespoon"),
                "sugar",
                Some("1 tablespoon + 1 teaspoon"),
            ),
            (
                "1 cup plus 2 tablespoons flour",
                Some("1 1/8"),
                Some("cup"),
                "flour",
                Some("1 cup plus 2 tablespoons"),
            ),
            (
                "1 cup + 1 pinch salt",
                Some("1"),
                Some("cup"),
                "+ 1 pinch salt",
                None,
            ),
            (
                "Parmesan (optional)",
                None,
                None,
                "Parmesan",
                Some("optional"),
            ),
            (
                "fresh basil for garnish",
                None,
                None,
                "fresh basil",
                Some("for garnish"),
            ),
        ];
        for (line, quantity, measurement, name, note) in cases {
            let ingredient = match parse_ingredient_line(line) {
                Ok(ingredient) => ingredient,
                Err(error) => panic!("{line:?}: {error}"),
            };
            let shown = ingredient.quantity.map(|q| q.to_string());
            assert_eq!(shown.as_deref(), *quantity, "quantity of {line:?}");
            assert_eq!(
                ingredient.measurement.as_deref(),
                *measurement,
                "measurement of {line:?}"
            );
            assert_eq!(ingredient.ingredient_name, *name, "name of {line:?}");
            assert_eq!(ingredient.note.as_deref(), *note, "note of {line:?}");
            assert_eq!(ingredient.ingredient_id, None);
        }
    }

    #[test]
    fn the_unclosed_aside_is_kept() {
        let ingredient = parse_ingredient_line("3 eggs (beaten").unwrap();
        assert_eq!(ingredient.ingredient_name, "eggs");
        assert_eq!(ingredient.note.as_deref(), Some("beaten"));
    }

    #[test]
    fn sums_keep_ranges_and_units() {
        let ingredient = parse_ingredient_line("1-2 cups + 4 tbsp stock").unwrap();
        let quantity = ingredient.quantity.unwrap();
        assert!((quantity.low() - 1.25).abs() < 1e-12);
        assert!((quantity.high() - 2.25).abs() < 1e-12);
        assert_eq!(ingredient.unit(), Unit::Known(KnownUnit::Cup));
    }

    #[test]
    fn rejects_empty_lines_and_wrong_amounts() {
        let error = parse_ingredient_line("   ").unwrap_err();
        assert_eq!(
            error.to_string(),
            "ingredient line \"   \": the ingredient line is empty"
        );
        let error = parse_ingredient_line_at("1/0 cup flour", "recipeIngredient[3]").unwrap_err();
        assert_eq!(
            error.to_string(),
            "recipeIngredient[3]: cannot read quantity \"1/0\": \
             a fraction cannot have a zero denominator"
        );
        for line in [
            "3-2 tbsp oil",
            "-1 cup flour",
            "1//2 cup flour",
            "1.2.3 g salt",
        ] {
            let error = parse_ingredient_line(line).unwrap_err();
            assert!(matches!(error, Error::Quantity { .. }), "{line:?}: {error}");
        }
        for line in ["2", "(optional)", ", to taste"] {
            let error = parse_ingredient_line(line).unwrap_err();
            assert!(matches!(error, Error::Invalid { .. }), "{line:?}: {error}");
        }
    }

    proptest! {
        #[test]
        fn never_panics(line in prop_oneof![
            "[0-9 ./½⅓–a-z(),+-]{0,24}",
            any::<String>(),
        ]) {
            let _ = parse_ingredient_line(&line);
        }
    }
}
