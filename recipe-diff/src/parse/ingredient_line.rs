//! Free-text ingredient lines, as schema.org `recipeIngredient` holds them.
//!
//! The reading rules are documented on [`parse_ingredient_line`], where
//! users of the crate see them.

use std::sync::Arc;

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
/// A line reads as `[amount] [× item size] [size] [unit] [of] [preparation]
/// name [(aside)] [, preparation or comment]`; what is not the food goes
/// beside it, never lost:
///
/// | line | quantity | measurement | name | size | preparation | note |
/// | --- | --- | --- | --- | --- | --- | --- |
/// | `1 1/2 cups flour, sifted` | 1 1/2 | `cups` | flour | | sifted | |
/// | `2 large onions, thinly sliced` | 2 | | onions | large | thinly sliced | |
/// | `1 large bunch fresh chives` | 1 | `bunch` | fresh chives | large | | |
/// | `3 cloves garlic, minced` | 3 | `cloves` | garlic | | minced | |
/// | `4 celery stalks` | 4 | `stalks` | celery | | | |
/// | `1 (14.5 oz) can diced tomatoes` | 1 | `can` | diced tomatoes | 14.5 oz | | |
/// | `2 x 400g tins chopped tomatoes` | 2 | `tins` | tomatoes | 400g | chopped | |
/// | `2 8-ounce packages cream cheese` | 2 | `packages` | cream cheese | 8-ounce | | |
/// | `10g/½oz fresh tarragon` | 10 | `g` | fresh tarragon | | | ½oz |
/// | `1-inch piece fresh ginger` | 1 | `inch` | fresh ginger | piece | | |
/// | `0,5 dl mayonnaise` | 0.5 | `dl` | mayonnaise | | | |
/// | `Juice of 1 lemon` | 1 | | lemon | | juice of | |
/// | `salt to taste` | | | salt | | | to taste |
/// | `a pinch of salt` | 1 | `pinch` | salt | | | |
/// | `few sprigs fresh mint` | | `sprigs` | fresh mint | | | few |
///
/// The choices, and why:
///
/// - **The name is the food.** Size words (`large`, `heaped`), item sizes
///   (`14 oz`, `2 x 400g`) and preparations (`finely chopped`) are kept in
///   their own fields, so `2 large eggs` and `2 eggs` are one ingredient;
///   a diff compares the size with the name and the preparation with the
///   note, so it still sees every word.
/// - **A unit is recognised only when a name follows it**, from the
///   convertible units (in English and the web's other languages, see
///   [`Unit::parse`]) and the common non-convertible ones (`clove`,
///   `pinch`, `can`, …). Without an amount, only the latter (`handful of
///   parsley`). `whole` describes the ingredient (`1 whole chicken`).
/// - **Amounts are read as cooks write them**: decimal commas (`0,5`),
///   `1½`, ranges with any dash or `to`, a dangling range (`4-`), numbers
///   in words (`One 15-ounce can`), after `about`.
/// - **A second amount in other units** (`10g/½oz`, `¼ cup/4
///   tablespoons`) is kept in the note; the first one counts.
/// - **`a`/`an` mean one** (`a pinch of salt`), except before vague words
///   (`a few sprigs`), which are no amount at all.
/// - **Sums of one dimension are added up** (`1 cup plus 2 tbsp`) in the
///   first unit, so amounts still compare across units; the sum as written
///   is kept in the note.
/// - **A clearly meant but wrong amount is an error** (`1/0 cup`, `3-2
///   tbsp`), never silently dropped. Reading a whole recipe keeps such a
///   line as written instead (see [`Ingredient::unparsed`]).
///
/// ```
/// let onions = recipe_diff::parse::parse_ingredient_line("2 large onions, thinly sliced")?;
/// assert_eq!(&*onions.ingredient_name, "onions");
/// assert_eq!(onions.size.as_deref(), Some("large"));
/// assert_eq!(onions.preparation.as_deref(), Some("thinly sliced"));
///
/// let tomatoes = recipe_diff::parse::parse_ingredient_line("1 (14.5 oz) can diced tomatoes")?;
/// assert_eq!(tomatoes.quantity.map(|q| q.to_string()).as_deref(), Some("1"));
/// assert_eq!(tomatoes.measurement.as_deref(), Some("can"));
/// assert_eq!(tomatoes.size.as_deref(), Some("14.5 oz"));
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
    let line = normalize_line(line);
    let parts = LineParts::split(&line);
    let mut found = Found::default();
    let (body, trailing) = split_trailing_phrase(&parts.body);
    let body = found.leading_prefix(body);

    let (mut quantity, rest) = read_amount(body, path, &mut found)?;
    let mut rest = rest.trim_start().trim_start_matches(is_dash).trim_start();
    if quantity.is_some() {
        // `2 x 400g tins`, `8 x 450g/1lb lobsters`: the count, then the
        // size of each.
        rest = strip_multiplier(rest);
        if let Some((size, after)) = read_item_size(rest) {
            found.size.push(size.to_owned());
            rest = after;
        }
    }
    rest = found.size_words_before_unit(rest);
    let (mut measurement, after_unit) = read_unit(rest, quantity.is_some(), &mut found);
    rest = after_unit;
    if let (Some(first), Some(unit)) = (quantity, measurement.as_deref()) {
        if let Some(sum) = read_sum(first, unit, rest) {
            quantity = Some(sum.total);
            let consumed = rest.len().saturating_sub(sum.rest.len());
            let written = format!(
                "{first} {unit} {}",
                rest.get(..consumed).unwrap_or_default()
            );
            found.notes.push(written.trim().to_owned());
            rest = sum.rest;
        }
    }
    // `1 tsp each ground cinnamon, ginger and nutmeg`.
    if let Some(after) = strip_word(rest, "each") {
        found.notes.push("each".to_owned());
        rest = after;
    }
    let mut name = found.leading_name_words(rest).to_owned();
    if measurement.is_none() {
        if let Some((food, unit)) = trailing_unit(&name) {
            measurement = Some(unit.to_owned());
            name = food.to_owned();
        }
    }
    for aside in parts.asides {
        found.aside(aside, measurement.as_deref());
    }
    found.notes.extend(trailing.map(str::to_owned));
    if let Some(tail) = parts.tail {
        found.tail(&tail);
    }

    let name = name.trim();
    if name.is_empty() {
        return Err(Error::invalid(path, "the line names no ingredient"));
    }
    Ok(Ingredient {
        ingredient_id: None,
        quantity,
        measurement: measurement.map(Arc::from),
        ingredient_name: name.into(),
        size: joined(found.size, " "),
        preparation: joined(found.preparation, ", "),
        note: joined(found.notes, "; "),
        unparsed: false,
    })
}

/// The non-empty texts joined, when there is one.
fn joined(texts: Vec<String>, separator: &str) -> Option<Arc<str>> {
    let texts: Vec<String> = texts.into_iter().filter(|t| !t.is_empty()).collect();
    (!texts.is_empty()).then(|| texts.join(separator).into())
}

/// Plain spaces, `x` for `×`, and decimal points for decimal commas
/// (`0,5` is a half; `1,000` is a thousand), so the rest of the reading
/// sees one way of writing each.
fn normalize_line(line: &str) -> String {
    let chars: Vec<char> = line.chars().collect();
    let mut out = String::with_capacity(line.len());
    for (index, &c) in chars.iter().enumerate() {
        let before = index.checked_sub(1).and_then(|i| chars.get(i)).copied();
        let after = chars.get(index + 1).copied();
        match c {
            ',' if before.is_some_and(|b| b.is_ascii_digit())
                && after.is_some_and(|a| a.is_ascii_digit()) =>
            {
                let digits = chars
                    .get(index + 1..)
                    .unwrap_or_default()
                    .iter()
                    .take_while(|d| d.is_ascii_digit())
                    .count();
                // Three digits after the comma are thousands.
                if digits != 3 {
                    out.push('.');
                }
            }
            '×' => out.push('x'),
            c if c.is_whitespace() => {
                if !out.ends_with(' ') {
                    out.push(' ');
                }
            }
            c => out.push(c),
        }
    }
    out.trim().to_owned()
}

/// What a line says beside the food, gathered as it is read.
#[derive(Debug, Default)]
struct Found {
    size: Vec<String>,
    preparation: Vec<String>,
    notes: Vec<String>,
    /// Whether the last remark after the name went to the preparation,
    /// where an `and …` or `or …` after it goes too.
    last_remark_was_preparation: bool,
}

/// Words that say how big each one is, or how full the spoon: kept as the
/// size, not the name or the unit (`2 large onions`, `1 heaped tbsp`).
const SIZE_WORDS: &[&str] = &[
    "large",
    "small",
    "medium",
    "medium-sized",
    "medium-size",
    "big",
    "tiny",
    "extra-large",
    "jumbo",
    "heaped",
    "heaping",
    "level",
    "rounded",
    "generous",
    "good",
    "scant",
    "thick",
    "thin",
    "thumb-sized",
    "thumb-size",
    "large-ish",
    "small-ish",
];

/// Size words that also stay in front of a name (`2 large onions`); the
/// others (`heaped`, `good`, `thick`) only size a unit.
const NAME_SIZE_WORDS: &[&str] = &[
    "large",
    "small",
    "medium",
    "medium-sized",
    "medium-size",
    "big",
    "tiny",
    "extra-large",
    "jumbo",
];

/// Adverbs that start a preparation: `finely chopped`.
const PREPARATION_ADVERBS: &[&str] = &[
    "finely",
    "roughly",
    "thinly",
    "thickly",
    "freshly",
    "coarsely",
    "lightly",
    "very",
    "well",
    "loosely",
    "firmly",
    "freshly-ground",
];

/// What a cook does to an ingredient before it goes in, when written in
/// front of its name (`chopped parsley`). Deliberately a list, not every
/// word in `-ed`: `dried apricots`, `smoked salmon` and `unsalted butter`
/// are other foods, not preparations.
const PREPARATIONS: &[&str] = &[
    "beaten",
    "blanched",
    "boiled",
    "chilled",
    "chopped",
    "cooked",
    "cooled",
    "crumbled",
    "crushed",
    "cubed",
    "deseeded",
    "diced",
    "drained",
    "grated",
    "halved",
    "hard-boiled",
    "julienned",
    "mashed",
    "melted",
    "minced",
    "peeled",
    "picked",
    "pitted",
    "poached",
    "quartered",
    "rinsed",
    "shelled",
    "shredded",
    "sifted",
    "sliced",
    "softened",
    "squeezed",
    "steamed",
    "toasted",
    "torn",
    "trimmed",
    "warmed",
    "zested",
];

/// Words that only say "some": `few sprigs`, `a couple of eggs`.
const VAGUE_WORDS: [&str; 5] = ["few", "little", "bit", "couple", "several"];

fn is_one_of(word: &str, list: &[&str]) -> bool {
    list.iter().any(|w| w.eq_ignore_ascii_case(word))
}

/// The first word of `text` and what follows it.
fn first_word(text: &str) -> (&str, &str) {
    let text = text.trim_start();
    match text.split_once(' ') {
        Some((word, rest)) => (word, rest.trim_start()),
        None => (text, ""),
    }
}

/// `text` after `word` and a space, when it starts with that word.
fn strip_word<'a>(text: &'a str, word: &str) -> Option<&'a str> {
    let (first, rest) = first_word(text);
    (first.eq_ignore_ascii_case(word) && !rest.is_empty()).then_some(rest)
}

/// Whether a word (of a tail or an aside) starts a preparation: a
/// participle (`chopped`, `peeled`), or an adverb before one.
fn is_preparation_word(word: &str) -> bool {
    let word = word.trim_matches(|c: char| !c.is_alphanumeric() && c != '-');
    let lower = word.to_lowercase();
    is_one_of(&lower, PREPARATIONS)
        || is_one_of(&lower, PREPARATION_ADVERBS)
        || matches!(lower.as_str(), "cut" | "ground" | "broken" | "thawed")
        || (lower.len() >= 5 && lower.ends_with("ed") && !lower.ends_with("eed"))
}

impl Found {
    /// `about 150ml water`: the word goes to the note. `Juice of 1 lemon`:
    /// the part before the amount goes to the preparation.
    fn leading_prefix<'a>(&mut self, body: &'a str) -> &'a str {
        for word in [
            "about",
            "approx",
            "approx.",
            "approximately",
            "around",
            "roughly",
        ] {
            if let Some(rest) = strip_word(body, word) {
                if starts_amount(rest) {
                    self.notes.push(first_word(body).0.to_owned());
                    return rest;
                }
            }
        }
        if starts_amount(body) {
            return body;
        }
        // `zest and juice of 2 limes`: a few words, `of`, then an amount.
        let mut offset = 0;
        for (count, word) in body.split(' ').enumerate() {
            if count > 6 {
                break;
            }
            offset += word.len() + 1;
            if word.eq_ignore_ascii_case("of") {
                let rest = body.get(offset.min(body.len())..).unwrap_or_default();
                if starts_amount(rest) || starts_with_number_word(rest) {
                    let prefix = body.get(..offset.saturating_sub(1)).unwrap_or_default();
                    self.preparation.push(prefix.trim().to_owned());
                    return rest;
                }
                break;
            }
        }
        body
    }

    /// Size words before a unit: `1 large bunch`, `2 heaped tbsp`.
    fn size_words_before_unit<'a>(&mut self, mut rest: &'a str) -> &'a str {
        let start = rest;
        let mut words = Vec::new();
        loop {
            let (word, after) = first_word(rest);
            if !is_one_of(word, SIZE_WORDS) || after.is_empty() {
                break;
            }
            words.push(word);
            rest = after;
            let (next, _) = first_word(rest);
            if is_counted_unit(next)
                || matches!(Unit::parse(next), Unit::Known(k) if k != KnownUnit::Each)
            {
                self.size.extend(words.iter().map(|w| (*w).to_owned()));
                return rest;
            }
        }
        start
    }

    /// Size and preparation words at the start of the name: `large`,
    /// `finely chopped`, `crushed`.
    fn leading_name_words<'a>(&mut self, mut rest: &'a str) -> &'a str {
        loop {
            let (word, after) = first_word(rest);
            if after.is_empty() {
                return rest;
            }
            if is_one_of(word, NAME_SIZE_WORDS) {
                self.size.push(word.to_owned());
                rest = after;
            } else if is_one_of(word, PREPARATION_ADVERBS) {
                let (participle, after_participle) = first_word(after);
                if after_participle.is_empty() {
                    return rest;
                }
                self.preparation.push(format!("{word} {participle}"));
                rest = after_participle;
            } else if is_one_of(word, PREPARATIONS) {
                self.preparation.push(word.to_owned());
                rest = after;
            } else if word.eq_ignore_ascii_case("of") {
                rest = after;
            } else {
                return rest;
            }
        }
    }

    /// A parenthesised aside: an amount such as `14 oz` sizes a counted
    /// item (`1 (14 oz) can`); other asides are preparations or notes.
    fn aside(&mut self, aside: String, measurement: Option<&str>) {
        let sizes_an_item = measurement.is_none_or(|m| matches!(Unit::parse(m), Unit::Other(_)));
        if sizes_an_item && starts_amount(&aside) && read_item_size(&format!("{aside} x")).is_some()
        {
            self.size.push(aside);
        } else {
            self.remark(aside);
        }
    }

    /// One remark after the name: a preparation when it starts like one.
    fn remark(&mut self, remark: String) {
        let (word, _) = first_word(&remark);
        self.last_remark_was_preparation = is_preparation_word(word);
        if self.last_remark_was_preparation {
            self.preparation.push(remark);
        } else {
            self.notes.push(remark);
        }
    }

    /// What follows the name's comma: `peeled, cored and quartered`, `such
    /// as Maris Piper, peeled`. Each part is a preparation or a note.
    fn tail(&mut self, tail: &str) {
        let mut depth = 0_usize;
        let mut part = String::new();
        for c in tail.chars() {
            match c {
                '(' | '[' => {
                    depth += 1;
                    part.push(c);
                }
                ')' | ']' => {
                    depth = depth.saturating_sub(1);
                    part.push(c);
                }
                ',' | ';' if depth == 0 => {
                    let done = std::mem::take(&mut part);
                    self.tail_part(&done);
                }
                c => part.push(c),
            }
        }
        self.tail_part(&part);
    }

    fn tail_part(&mut self, part: &str) {
        let part = part.trim();
        if part.is_empty() {
            return;
        }
        let (word, _) = first_word(part);
        // `..., or to taste`, `..., and zest`: joined to the part before.
        let joins = matches!(word.to_lowercase().as_str(), "and" | "or" | "then");
        if joins {
            let last = if self.last_remark_was_preparation {
                self.preparation.last_mut()
            } else {
                self.notes.last_mut()
            };
            if let Some(last) = last {
                last.push_str(", ");
                last.push_str(part);
                return;
            }
        }
        self.remark(part.to_owned());
    }
}

/// `One 15-ounce can`: a number written as a word starts the rest.
fn starts_with_number_word(text: &str) -> bool {
    number_word(first_word(text).0).is_some()
}

/// Numbers cooks write as words.
fn number_word(word: &str) -> Option<f64> {
    const WORDS: [(&str, f64); 13] = [
        ("one", 1.0),
        ("two", 2.0),
        ("three", 3.0),
        ("four", 4.0),
        ("five", 5.0),
        ("six", 6.0),
        ("seven", 7.0),
        ("eight", 8.0),
        ("nine", 9.0),
        ("ten", 10.0),
        ("eleven", 11.0),
        ("twelve", 12.0),
        ("half", 0.5),
    ];
    WORDS
        .iter()
        .find(|(w, _)| w.eq_ignore_ascii_case(word))
        .map(|&(_, value)| value)
}

/// The amount at the start of a line: digits (see [`read_quantity`]), a
/// number in words, `a`/`an`; vague words (`a few`) are no amount and go
/// to the note.
fn read_amount<'a>(
    body: &'a str,
    path: &str,
    found: &mut Found,
) -> Result<(Option<Quantity>, &'a str)> {
    let (first, rest) = first_word(body);
    if !rest.is_empty() {
        let lower = first.to_lowercase();
        if lower == "a" || lower == "an" {
            let (next, after) = first_word(rest);
            if is_one_of(next, &VAGUE_WORDS) {
                found.notes.push(format!("{first} {next}"));
                return Ok((None, strip_word(after, "of").unwrap_or(after)));
            }
            if next.eq_ignore_ascii_case("dozen") && !after.is_empty() {
                return Ok((Some(Quantity::new(12.0)), after));
            }
            // `a good glass`: a size word, not an amount.
            if next.eq_ignore_ascii_case("good") {
                return Ok((None, rest));
            }
            return Ok((Some(Quantity::new(1.0)), rest));
        }
        if is_one_of(first, &VAGUE_WORDS) || lower == "some" {
            found.notes.push(first.to_owned());
            return Ok((None, strip_word(rest, "of").unwrap_or(rest)));
        }
        if let Some(value) = number_word(first) {
            // `half a lemon`.
            let rest = strip_word(rest, "a").unwrap_or(rest);
            return Ok((Some(Quantity::new(value)), rest));
        }
    }
    read_quantity(body, path)
}

/// `x 400g` without its `x` (also `x400g`), when `text` starts with one.
fn strip_multiplier(text: &str) -> &str {
    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        (Some('x' | 'X'), Some(' ')) => chars.as_str().trim_start(),
        (Some('x' | 'X'), Some(c)) if c.is_ascii_digit() => text.get(1..).unwrap_or(text),
        _ => text,
    }
}

/// An item size at the start of `text`: an amount and a unit, with any
/// second amount in other units (`400g`, `8-ounce`, `450g/1lb`, `14 oz`),
/// when a name follows. Returns it as written and what follows.
fn read_item_size(text: &str) -> Option<(&str, &str)> {
    if !starts_amount(text) {
        return None;
    }
    let (_, after_amount) = read_quantity(text, "").ok()?;
    let after_amount = after_amount
        .trim_start()
        .trim_start_matches(is_dash)
        .trim_start();
    let (unit, rest) = first_word(after_amount);
    let (unit, alternative) = match unit.split_once('/') {
        Some((unit, alternative)) => (unit, Some(alternative)),
        None => (unit, None),
    };
    let is_size_unit = matches!(Unit::parse(unit), Unit::Known(known) if known != KnownUnit::Each)
        || is_length_unit(unit);
    if !is_size_unit || rest.is_empty() {
        return None;
    }
    let mut rest = rest;
    if alternative.is_some() {
        rest = skip_alternative_pieces(rest);
    }
    let consumed = text.len().checked_sub(rest.len())?;
    Some((text.get(..consumed)?.trim(), rest))
}

/// Units of length, which size a piece (`2.5cm piece of ginger`).
fn is_length_unit(word: &str) -> bool {
    matches!(
        word.trim_end_matches('.').to_lowercase().as_str(),
        "cm" | "mm"
            | "in"
            | "inch"
            | "inches"
            | "centimetre"
            | "centimetres"
            | "centimeter"
            | "centimeters"
    )
}

/// Skips the rest of a second amount (`1lb 2oz`, `2½ pints`, `5fl oz`):
/// words made of digits and unit letters, or unit words.
fn skip_alternative_pieces(mut text: &str) -> &str {
    loop {
        let (word, after) = first_word(text);
        if word.is_empty() || after.is_empty() {
            return text;
        }
        let letters = word.trim_start_matches(|c: char| !c.is_alphabetic());
        let is_piece = if letters.len() == word.len() {
            // A unit on its own, after an amount: `2½ pints`, `5fl oz`.
            is_alternative_unit(word)
        } else {
            letters.is_empty() || is_alternative_unit(letters)
        };
        if !is_piece {
            return text;
        }
        text = after;
    }
}

fn is_alternative_unit(word: &str) -> bool {
    word.eq_ignore_ascii_case("fl")
        || is_length_unit(word)
        || matches!(Unit::parse(word), Unit::Known(known) if known != KnownUnit::Each)
}

/// A unit written after the name (`4 celery stalks`, `2 garlic cloves`).
fn trailing_unit(name: &str) -> Option<(&str, &str)> {
    let (food, last) = name.trim().rsplit_once(' ')?;
    let canonical = match Unit::parse(last) {
        Unit::Other(canonical) => canonical,
        Unit::Known(_) => return None,
    };
    matches!(canonical.as_str(), "clove" | "stalk" | "rasher").then_some((food.trim_end(), last))
}

/// A line taken apart at its parentheses and first comma.
#[derive(Debug, Default)]
struct LineParts {
    /// Everything outside parentheses, before the first comma.
    body: String,
    /// The contents of each parenthesis, in order.
    asides: Vec<String>,
    /// What follows the first comma (or semicolon), as written.
    tail: Option<String>,
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
                    // `1, 14 oz can`: a comma after the count alone.
                    let count_only = !parts.body.trim().is_empty()
                        && parts.body.trim().chars().all(is_amount_char);
                    // `chicken stock, or vegetable stock`: an alternative
                    // is part of the name.
                    let alternative = c == ','
                        && strip_word(after, "or").is_some()
                        && !after.trim_start().to_lowercase().starts_with("or to ");
                    if count_only || alternative {
                        parts.body.push(' ');
                        continue;
                    }
                    parts.tail = Some(after.trim().to_owned());
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
        parts.asides.retain(|aside| !aside.is_empty());
        parts.body = parts.body.split_whitespace().collect::<Vec<_>>().join(" ");
        parts
    }
}

/// Phrases at the end of a line that say how much without an amount, or
/// what the ingredient is for; they belong in the note.
const TRAILING_PHRASES: [&str; 14] = [
    " to taste",
    " as needed",
    " as required",
    " optional",
    " for garnish",
    " for serving",
    " for frying",
    " for greasing",
    " to serve",
    " to garnish",
    " to decorate",
    " for dusting",
    " for drizzling",
    " to finish",
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

/// Reads the amount at the start of `body`: returns it (if any) and the text
/// after it.
fn read_quantity<'a>(body: &'a str, path: &str) -> Result<(Option<Quantity>, &'a str)> {
    let Some(run_end) = quantity_run_end(body) else {
        return Ok((None, body));
    };
    // A dangling dash ends no range: `4- ramekins`, `1-inch piece`.
    let run_end = body
        .get(..run_end)
        .unwrap_or_default()
        .trim_end()
        .trim_end_matches(is_dash)
        .trim_end()
        .len();
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
/// amount (`3 cloves garlic`), in their canonical singular. Lengths are
/// here too: they size a piece (`2.5cm piece of ginger`).
const COUNTED_UNITS: &[&str] = &[
    "bag",
    "bar",
    "becher",
    "block",
    "bottle",
    "box",
    "bulb",
    "bunch",
    "can",
    "carton",
    "centimetre",
    "chunk",
    "clove",
    "cm",
    "container",
    "cube",
    "dash",
    "dessertspoon",
    "dollop",
    "drizzle",
    "drop",
    "ear",
    "envelope",
    "fillet",
    "glass",
    "glug",
    "handful",
    "head",
    "inch",
    "jar",
    "knob",
    "leaf",
    "link",
    "loaf",
    "messerspitze",
    "mm",
    "msp",
    "pack",
    "package",
    "packet",
    "pinch",
    "pkg",
    "portion",
    "pot",
    "punnet",
    "rasher",
    "rib",
    "sachet",
    "scoop",
    "shake",
    "sheet",
    "slice",
    "splash",
    "sprig",
    "square",
    "stalk",
    "stem",
    "stick",
    "strip",
    "tin",
    "tub",
    "wedge",
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

/// Whether a word is a unit even with no amount before it (`handful of
/// parsley`, `sprig fresh mint`): only the non-convertible ones, since a
/// bare `c` or `l` starting a line is more likely a word.
fn is_counted_unit(word: &str) -> bool {
    matches!(Unit::parse(word), Unit::Other(canonical) if COUNTED_UNITS.contains(&canonical.as_str()))
}

/// Reads the unit after an amount (or, for counted units, without one),
/// as written; drops an `of` after it. A second amount in other units
/// after a slash (`g/½oz`) goes to the note. Returns the unit (if any) and
/// the text after it.
fn read_unit<'a>(
    text: &'a str,
    has_quantity: bool,
    found: &mut Found,
) -> (Option<String>, &'a str) {
    let text = text.trim_start();
    let words: Vec<&str> = text.split(' ').take(3).collect();
    // Units of several words first: `fl oz`, `c. à soupe`, `colher de sopa`.
    for count in [3, 2] {
        let Some(phrase) = words.get(..count) else {
            continue;
        };
        let phrase = phrase.join(" ");
        let rest = text.get(phrase.len()..).unwrap_or_default().trim_start();
        // `fl oz`, but not `2 cups oz…`: a two-word unit whose first word
        // is a unit itself is that unit and a word.
        let first_is_unit = count == 2 && words.first().is_some_and(|w| is_unit_word(w));
        if has_quantity
            && !rest.is_empty()
            && !first_is_unit
            && matches!(Unit::parse(&phrase), Unit::Known(known) if known != KnownUnit::Each)
        {
            return (Some(phrase), after_unit(rest, found, false));
        }
    }
    let (first, rest) = first_word(text);
    let (unit, alternative) = match first.split_once('/') {
        Some((unit, alternative)) if !unit.is_empty() => (unit, Some(alternative)),
        _ => (first, None),
    };
    let accepted = if has_quantity {
        is_unit_word(unit)
    } else {
        is_counted_unit(unit)
    };
    if !accepted || rest.is_empty() {
        return (None, text);
    }
    let mut rest = rest;
    if let Some(alternative) = alternative {
        let after = skip_alternative_pieces(rest);
        let consumed = rest.len() - after.len();
        let written = format!("{alternative} {}", rest.get(..consumed).unwrap_or_default());
        found.notes.push(written.trim().to_owned());
        rest = after;
    } else if let Some(after) = rest.strip_prefix("/ ").or_else(|| rest.strip_prefix('/')) {
        // `10 g / ½ oz`.
        let after_amount = skip_alternative_pieces(after.trim_start());
        let consumed = after.len() - after_amount.len();
        found
            .notes
            .push(after.get(..consumed).unwrap_or_default().trim().to_owned());
        rest = after_amount;
    }
    (
        Some(unit.to_owned()),
        after_unit(rest, found, is_length_unit(unit)),
    )
}

/// The text after a unit: without `of`, and for a length without the
/// `piece` it measures (`2.5cm piece of ginger`), which is its size.
fn after_unit<'a>(rest: &'a str, found: &mut Found, length: bool) -> &'a str {
    let mut rest = rest;
    if length {
        let (word, after) = first_word(rest);
        if !after.is_empty() && is_one_of(word, &["piece", "pieces", "chunk", "knob", "stick"]) {
            found.size.push(word.to_owned());
            rest = after;
        }
    }
    // `1 cup of milk`, `a pinch of salt`.
    strip_word(rest, "of").unwrap_or(rest)
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
    let (second_unit, rest) = read_unit(after_second, true, &mut Found::default());
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

    /// Each line and what it reads as: `quantity | measurement | name |
    /// size | preparation | note`, empty for none.
    const LINES: &[(&str, &str)] = &[
        (
            "1 1/2 cups flour, sifted",
            "1 1/2 | cups | flour |  | sifted | ",
        ),
        ("½ tsp salt", "1/2 | tsp | salt |  |  | "),
        ("1½ cups sugar", "1 1/2 | cups | sugar |  |  | "),
        ("1-1/2 cups milk", "1 1/2 | cups | milk |  |  | "),
        ("1 and 1/2 cups milk", "1 1/2 | cups | milk |  |  | "),
        ("2 eggs and 1 yolk", "2 |  | eggs and 1 yolk |  |  | "),
        ("½-1 tsp salt", "1/2-1 | tsp | salt |  |  | "),
        (
            "1/2 cup (1 stick) butter, softened",
            "1/2 | cup | butter |  | softened | 1 stick",
        ),
        ("2 lbs. potatoes", "2 | lbs. | potatoes |  |  | "),
        ("2 large eggs", "2 |  | eggs | large |  | "),
        (
            "3 cloves garlic, minced",
            "3 | cloves | garlic |  | minced | ",
        ),
        (
            "4 garlic cloves, crushed",
            "4 | cloves | garlic |  | crushed | ",
        ),
        ("4 celery stalks", "4 | stalks | celery |  |  | "),
        (
            "1 (14.5 oz) can diced tomatoes, drained",
            "1 | can | tomatoes | 14.5 oz | diced, drained | ",
        ),
        ("2-3 tbsp olive oil", "2-3 | tbsp | olive oil |  |  | "),
        ("2 – 3 Tbsp. olive oil", "2-3 | Tbsp. | olive oil |  |  | "),
        ("2–3 tbsp olive oil", "2-3 | tbsp | olive oil |  |  | "),
        (
            "1 to 2 tsp chili flakes",
            "1-2 | tsp | chili flakes |  |  | ",
        ),
        ("2 or 3 tomatoes", "2-3 |  | tomatoes |  |  | "),
        ("1 tomato", "1 |  | tomato |  |  | "),
        ("salt to taste", " |  | salt |  |  | to taste"),
        ("Salt, to taste", " |  | Salt |  |  | to taste"),
        (
            "salt and pepper to taste",
            " |  | salt and pepper |  |  | to taste",
        ),
        ("a pinch of salt", "1 | pinch | salt |  |  | "),
        ("An onion, chopped", "1 |  | onion |  | chopped | "),
        ("a few sprigs thyme", " | sprigs | thyme |  |  | a few"),
        (
            "few sprigs fresh mint",
            " | sprigs | fresh mint |  |  | few",
        ),
        (
            "handful of fresh parsley",
            " | handful | fresh parsley |  |  | ",
        ),
        ("1 cup of milk", "1 | cup | milk |  |  | "),
        ("100g butter", "100 | g | butter |  |  | "),
        ("250 ml water", "250 | ml | water |  |  | "),
        ("8 fl oz cream", "8 | fl oz | cream |  |  | "),
        ("8 fl. oz. cream", "8 | fl. oz. | cream |  |  | "),
        ("2 fluid ounces rum", "2 | fluid ounces | rum |  |  | "),
        ("1 T butter", "1 | T | butter |  |  | "),
        ("1 t salt", "1 | t | salt |  |  | "),
        ("1 lb ground beef", "1 | lb | ground beef |  |  | "),
        ("1 whole chicken", "1 |  | whole chicken |  |  | "),
        ("1 2-inch piece ginger", "1 | piece | ginger | 2-inch |  | "),
        (
            "1-inch piece fresh ginger",
            "1 | inch | fresh ginger | piece |  | ",
        ),
        ("2 cups", "2 |  | cups |  |  | "),
        (
            "1 cup flour (sifted), plus more for dusting",
            "1 | cup | flour |  | sifted | plus more for dusting",
        ),
        ("▢ 2 tbsp honey", "2 | tbsp | honey |  |  | "),
        (
            "1 tablespoon + 1 teaspoon sugar",
            "1 1/3 | tablespoon | sugar |  |  | 1 tablespoon + 1 teaspoon",
        ),
        (
            "1 cup plus 2 tablespoons flour",
            "1 1/8 | cup | flour |  |  | 1 cup plus 2 tablespoons",
        ),
        ("1 cup + 1 pinch salt", "1 | cup | + 1 pinch salt |  |  | "),
        ("Parmesan (optional)", " |  | Parmesan |  |  | optional"),
        (
            "fresh basil for garnish",
            " |  | fresh basil |  |  | for garnish",
        ),
        // The lines of issue 16.
        (
            "0,5 tsk Cayennepeppar",
            "1/2 | tsk | Cayennepeppar |  |  | ",
        ),
        ("2,5 msk kakao", "2 1/2 | msk | kakao |  |  | "),
        ("1,1 l Gemüsebouillon", "1.1 | l | Gemüsebouillon |  |  | "),
        ("0,5 dl mayonnaise", "1/2 | dl | mayonnaise |  |  | "),
        (
            "0,5 Bund Frühlingszwiebel",
            "1/2 | Bund | Frühlingszwiebel |  |  | ",
        ),
        (
            "1, 14 oz can of sweetened condensed milk",
            "1 | can | sweetened condensed milk | 14 oz |  | ",
        ),
        ("4- (8-ounce) Ramekins", "4 |  | Ramekins | 8-ounce |  | "),
        ("1,000 g flour", "1000 | g | flour |  |  | "),
        (
            "2 x 400g tins chopped tomatoes",
            "2 | tins | tomatoes | 400g | chopped | ",
        ),
        (
            "2 x 400 g tins tomatoes",
            "2 | tins | tomatoes | 400 g |  | ",
        ),
        (
            "8 x 450g/1lb live lobsters",
            "8 |  | live lobsters | 450g/1lb |  | ",
        ),
        (
            "2 8-ounce packages cream cheese",
            "2 | packages | cream cheese | 8-ounce |  | ",
        ),
        (
            "One 15-ounce can black beans",
            "1 | can | black beans | 15-ounce |  | ",
        ),
        (
            "About 3½ to 4 cups stock",
            "3 1/2-4 | cups | stock |  |  | About",
        ),
        ("Juice of 1 lemon", "1 |  | lemon |  | Juice of | "),
        (
            "10g/½oz fresh tarragon, leaves only",
            "10 | g | fresh tarragon |  |  | ½oz; leaves only",
        ),
        (
            "¼ cup/4 tablespoons butter",
            "1/4 | cup | butter |  |  | 4 tablespoons",
        ),
        ("500g/1lb 2oz sugar", "500 | g | sugar |  |  | 1lb 2oz"),
        (
            "2 large onions, thinly sliced",
            "2 |  | onions | large | thinly sliced | ",
        ),
        (
            "1 large bunch fresh chives",
            "1 | bunch | fresh chives | large |  | ",
        ),
        ("2 heaped tbsp flour", "2 | tbsp | flour | heaped |  | "),
        (
            "2 tbsp finely chopped parsley",
            "2 | tbsp | parsley |  | finely chopped | ",
        ),
        ("3 rashers bacon", "3 | rashers | bacon |  |  | "),
        (
            "chicken stock, or vegetable stock, warmed",
            " |  | chicken stock or vegetable stock |  | warmed | ",
        ),
        (
            "a good glass of dry cider",
            " | glass | dry cider | good |  | ",
        ),
        (
            "1 tsp each ground cinnamon and ginger",
            "1 | tsp | ground cinnamon and ginger |  |  | each",
        ),
    ];

    fn shown(ingredient: &Ingredient) -> String {
        let text = |t: &Option<Arc<str>>| t.as_deref().unwrap_or_default().to_owned();
        format!(
            "{} | {} | {} | {} | {} | {}",
            ingredient
                .quantity
                .map(|q| q.to_string())
                .unwrap_or_default(),
            text(&ingredient.measurement),
            ingredient.ingredient_name,
            text(&ingredient.size),
            text(&ingredient.preparation),
            text(&ingredient.note),
        )
    }

    #[test]
    fn reads_the_lines_web_recipes_hold() {
        let mut wrong = Vec::new();
        for (line, expected) in LINES {
            match parse_ingredient_line(line) {
                Ok(ingredient) => {
                    assert_eq!(ingredient.ingredient_id, None);
                    let shown = shown(&ingredient);
                    if shown != *expected {
                        wrong.push(format!("{line:?}\n   read {shown:?}\n   want {expected:?}"));
                    }
                }
                Err(error) => wrong.push(format!("{line:?}: {error}")),
            }
        }
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }

    #[test]
    fn the_unclosed_aside_is_kept() {
        let ingredient = parse_ingredient_line("3 eggs (beaten").unwrap();
        assert_eq!(&*ingredient.ingredient_name, "eggs");
        assert_eq!(ingredient.preparation.as_deref(), Some("beaten"));
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
