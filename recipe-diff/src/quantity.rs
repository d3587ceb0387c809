//! Quantities: plain numbers, decimals in strings, fractions and ranges.
//!
//! Cooks write amounts in many ways, and recipes copied from the web keep
//! every one of them. [`Quantity`] reads all of these (as text, or as a JSON
//! number or string):
//!
//! | written | read as |
//! | --- | --- |
//! | `1.5`, `"1.5"`, `".5"` | a decimal |
//! | `"1/2"`, `"1⁄2"` (fraction slash), `"¹⁄₂"` | a fraction |
//! | `"1 1/2"`, `"1½"`, `"1 ½"`, `"1-1/2"`, `"1 and 1/2"` | a whole number and a fraction |
//! | `"½"`, `"⅓"`, `"⅞"`, … | every Unicode vulgar fraction |
//! | `"1-2"`, `"1 – 2"`, `"1 to 2"`, `"1 or 2"`, `"1 1/2-2"` | a range |
//!
//! It rejects, with a reason, what is not an amount: empty text, negative or
//! non-finite numbers, a zero denominator, a range that ends below its start,
//! and anything else it cannot read. It never panics, whatever the input.
//!
//! Amounts display the way a cook writes them: `1 1/2`, `1/3`, `3/4`, `2.4`,
//! `1-2`.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::Error;

/// How much of an ingredient: one value, or a range such as `2-3`.
///
/// Equality is exact: two quantities are equal when their ends are the same
/// numbers. Comparing amounts across units, with a tolerance, is the diff's
/// job, not this type's.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Quantity {
    low: f64,
    high: Option<f64>,
}

impl Quantity {
    /// A single amount.
    pub fn new(value: f64) -> Self {
        Quantity {
            low: value,
            high: None,
        }
    }

    /// A range from `low` to `high`.
    ///
    /// A range whose ends are equal is a single amount, and ends given in the
    /// wrong order are swapped, so `low() <= high()` always holds.
    pub fn range(low: f64, high: f64) -> Self {
        let (low, high) = if high < low { (high, low) } else { (low, high) };
        if low == high {
            Quantity::new(low)
        } else {
            Quantity {
                low,
                high: Some(high),
            }
        }
    }

    /// The amount, or the low end of a range.
    pub fn low(&self) -> f64 {
        self.low
    }

    /// The high end of a range; the amount itself when it is not a range.
    pub fn high(&self) -> f64 {
        self.high.unwrap_or(self.low)
    }

    /// Whether this is a range.
    pub fn is_range(&self) -> bool {
        self.high.is_some()
    }

    /// This quantity multiplied by `factor` (both ends of a range).
    pub fn scaled(&self, factor: f64) -> Self {
        match self.high {
            None => Quantity::new(self.low * factor),
            Some(high) => Quantity::range(self.low * factor, high * factor),
        }
    }

    /// Plain decimal text (`0.5`, `2-3`), for machine-facing formats; the
    /// `Display` form is the cook-friendly one (`1/2`).
    ///
    /// ```
    /// use recipe_diff::quantity::Quantity;
    /// assert_eq!(Quantity::new(0.5).decimal(), "0.5");
    /// assert_eq!(Quantity::range(2.0, 3.0).decimal(), "2-3");
    /// assert_eq!(Quantity::new(0.5).to_string(), "1/2");
    /// ```
    pub fn decimal(&self) -> String {
        match self.high {
            None => format!("{}", self.low),
            Some(high) => format!("{}-{}", self.low, high),
        }
    }

    /// The text we serialize a range as: the display form when it reads back
    /// to exactly this quantity (the usual case), otherwise both ends with
    /// every digit, so serialization never loses precision.
    fn exact_text(&self) -> String {
        let friendly = self.to_string();
        if parse_quantity(&friendly) == Ok(*self) {
            return friendly;
        }
        self.decimal()
    }
}

/// Why a text is not a quantity; [`Problem::reason`] says it in words.
///
/// Kept apart from [`Error`] so that the ingredient-line reader can tell an
/// unreadable prefix (perhaps not meant as a quantity at all) from a
/// quantity that is clearly meant but wrong, such as `1/0`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Problem {
    /// Nothing but whitespace.
    Empty,
    /// A minus sign in front of an amount.
    Negative,
    /// Too large to represent, or `inf` / `NaN`.
    NotFinite,
    /// A fraction over zero.
    DivisionByZero,
    /// A range whose second end is below its first.
    Backwards {
        /// The first end as written.
        low: f64,
        /// The second end as written.
        high: f64,
    },
    /// Not a number, fraction or range at all.
    Unreadable,
}

impl Problem {
    /// The reason, as [`Error::Quantity`] reports it.
    pub(crate) fn reason(self) -> String {
        match self {
            Problem::Empty => "it is empty".to_owned(),
            Problem::Negative => "an amount cannot be negative".to_owned(),
            Problem::NotFinite => "it is not a finite amount".to_owned(),
            Problem::DivisionByZero => "a fraction cannot have a zero denominator".to_owned(),
            Problem::Backwards { low, high } => format!(
                "the range ends ({}) below where it starts ({})",
                Quantity::new(high),
                Quantity::new(low)
            ),
            Problem::Unreadable => {
                "expected a number, a fraction such as 1 1/2, or a range such as 2-3".to_owned()
            }
        }
    }

    /// This problem as an [`Error::Quantity`] about `input` at `path`.
    pub(crate) fn into_error(self, path: impl Into<String>, input: impl Into<String>) -> Error {
        Error::Quantity {
            path: path.into(),
            input: input.into(),
            reason: self.reason(),
        }
    }
}

/// Reads a quantity; see the [module documentation](self) for what is read.
pub(crate) fn parse_quantity(text: &str) -> Result<Quantity, Problem> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(Problem::Empty);
    }
    // Plain numbers are by far the most common input; Rust's own reader also
    // recognises `inf`, `NaN` and exponents, so those get a precise reason.
    if let Ok(value) = trimmed.parse::<f64>() {
        return checked(value).map(Quantity::new);
    }
    let normalized = normalize(trimmed);
    let tokens: Vec<&str> = normalized.split_whitespace().collect();
    match tokens.split_first() {
        // A leading minus is a negative amount, not the dash of a range.
        Some((&"-", rest)) => match parse_tokens(rest) {
            Ok(_) => Err(Problem::Negative),
            Err(_) => Err(Problem::Unreadable),
        },
        _ => parse_tokens(&tokens),
    }
}

/// The quantity a JSON number is, as [`Deserialize`] reads it, or `None`
/// for a number that is no amount.
pub(crate) fn quantity_from_number(value: f64) -> Option<Quantity> {
    checked(value).ok().map(Quantity::new)
}

/// A finite amount of at least zero, with `-0` read as `0`.
fn checked(value: f64) -> Result<f64, Problem> {
    if !value.is_finite() {
        Err(Problem::NotFinite)
    } else if value < 0.0 {
        Err(Problem::Negative)
    } else {
        // Adding zero turns -0.0 into 0.0, so it never displays as "-0".
        Ok(value + 0.0)
    }
}

/// Rewrites the typographic forms into plain ASCII tokens: vulgar fractions
/// become ` n/d `, every dash becomes a separate ` - ` token, the fraction
/// slash becomes `/`, superscript and subscript digits become digits.
fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut previous_was_digit = false;
    for c in text.chars() {
        if let Some((numerator, denominator)) = vulgar_fraction(c) {
            out.push(' ');
            out.push_str(numerator);
            out.push('/');
            out.push_str(denominator);
            out.push(' ');
        } else if is_fraction_slash(c) {
            out.push('/');
        } else if is_dash(c) {
            out.push_str(" - ");
        } else if let Some(digit) = superscript_digit(c) {
            // `1¹⁄₂` is one and a half: the superscript starts a new token.
            if previous_was_digit {
                out.push(' ');
            }
            out.push(digit);
        } else if let Some(digit) = subscript_digit(c) {
            out.push(digit);
        } else {
            out.push(c);
        }
        previous_was_digit = c.is_ascii_digit();
    }
    out
}

/// The Unicode vulgar fractions, as numerator and denominator.
fn vulgar_fraction(c: char) -> Option<(&'static str, &'static str)> {
    Some(match c {
        '¼' => ("1", "4"),
        '½' => ("1", "2"),
        '¾' => ("3", "4"),
        '⅐' => ("1", "7"),
        '⅑' => ("1", "9"),
        '⅒' => ("1", "10"),
        '⅓' => ("1", "3"),
        '⅔' => ("2", "3"),
        '⅕' => ("1", "5"),
        '⅖' => ("2", "5"),
        '⅗' => ("3", "5"),
        '⅘' => ("4", "5"),
        '⅙' => ("1", "6"),
        '⅚' => ("5", "6"),
        '⅛' => ("1", "8"),
        '⅜' => ("3", "8"),
        '⅝' => ("5", "8"),
        '⅞' => ("7", "8"),
        '↉' => ("0", "3"),
        _ => return None,
    })
}

/// Whether `c` is a vulgar fraction character such as `½`.
pub(crate) fn is_vulgar_fraction(c: char) -> bool {
    vulgar_fraction(c).is_some()
}

/// The slashes people put between numerator and denominator.
pub(crate) fn is_fraction_slash(c: char) -> bool {
    // U+2044 FRACTION SLASH, U+2215 DIVISION SLASH.
    matches!(c, '/' | '\u{2044}' | '\u{2215}')
}

/// The dashes people put between the ends of a range (or before a negative
/// number): hyphen-minus, hyphens, figure, en and em dashes, minus signs.
pub(crate) fn is_dash(c: char) -> bool {
    matches!(
        c,
        '-' | '\u{2010}'
            | '\u{2011}'
            | '\u{2012}'
            | '\u{2013}'
            | '\u{2014}'
            | '\u{2015}'
            | '\u{2212}'
            | '\u{FE63}'
            | '\u{FF0D}'
    )
}

/// `⁰`–`⁹` as ASCII digits.
pub(crate) fn superscript_digit(c: char) -> Option<char> {
    Some(match c {
        '⁰' => '0',
        '¹' => '1',
        '²' => '2',
        '³' => '3',
        '⁴' => '4',
        '⁵' => '5',
        '⁶' => '6',
        '⁷' => '7',
        '⁸' => '8',
        '⁹' => '9',
        _ => return None,
    })
}

/// `₀`–`₉` as ASCII digits.
pub(crate) fn subscript_digit(c: char) -> Option<char> {
    let offset = u32::from(c).checked_sub(u32::from('₀'))?;
    (offset < 10)
        .then(|| char::from_digit(offset, 10))
        .flatten()
}

/// How the parts of a range are joined.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Separator {
    /// `-` and the other dashes; also joins `1-1/2`.
    Dash,
    /// `to`, `or`.
    Word,
}

/// Reads normalized tokens: one amount, or two amounts joined by a separator.
fn parse_tokens(tokens: &[&str]) -> Result<Quantity, Problem> {
    if tokens.is_empty() {
        return Err(Problem::Empty);
    }
    // Split into amounts at the separators.
    let mut amounts: Vec<&[&str]> = Vec::new();
    let mut separators: Vec<Separator> = Vec::new();
    let mut start = 0;
    for (index, token) in tokens.iter().enumerate() {
        let separator = if *token == "-" {
            Some(Separator::Dash)
        } else if token.eq_ignore_ascii_case("to") || token.eq_ignore_ascii_case("or") {
            Some(Separator::Word)
        } else {
            None
        };
        if let Some(separator) = separator {
            amounts.push(tokens.get(start..index).unwrap_or_default());
            separators.push(separator);
            start = index + 1;
        }
    }
    amounts.push(tokens.get(start..).unwrap_or_default());
    if amounts.iter().any(|amount| amount.is_empty()) {
        // "--", "1-", "to 2": a separator with nothing on one side.
        return Err(Problem::Unreadable);
    }

    let mut values: Vec<f64> = Vec::with_capacity(2);
    let mut index = 0;
    while let Some(amount) = amounts.get(index) {
        // US recipes write one and a half as `1-1/2`. Read as a range it
        // would end below its start, so reading it as a mixed number never
        // changes the meaning of a valid range.
        if separators.get(index) == Some(&Separator::Dash) {
            if let Some(mixed) = amounts
                .get(index + 1)
                .and_then(|next| dashed_mixed_number(amount, next))
            {
                values.push(mixed?);
                index += 2;
                continue;
            }
        }
        values.push(parse_amount(amount)?);
        index += 1;
    }
    match values.as_slice() {
        [value] => Ok(Quantity::new(*value)),
        [low, high] if high < low => Err(Problem::Backwards {
            low: *low,
            high: *high,
        }),
        [low, high] => Ok(Quantity::range(*low, *high)),
        _ => Err(Problem::Unreadable),
    }
}

/// `whole` and `fraction` as one mixed number, when they have that shape: a
/// whole number of at least one, and a bare fraction below one.
fn dashed_mixed_number(whole: &[&str], fraction: &[&str]) -> Option<Result<f64, Problem>> {
    let ([whole], [fraction]) = (whole, fraction) else {
        return None;
    };
    if !is_whole_number(whole) || !fraction.contains('/') {
        return None;
    }
    let whole = decimal(whole).ok()?;
    let fraction = number(fraction).ok()?;
    (whole >= 1.0 && fraction < 1.0).then(|| checked(whole + fraction))
}

/// One amount: `N`, `N/D`, or a mixed number `W N/D` (also `W and N/D`).
fn parse_amount(tokens: &[&str]) -> Result<f64, Problem> {
    match tokens {
        [single] => number(single),
        [whole, fraction] => mixed_number(whole, fraction),
        [whole, and, fraction] if and.eq_ignore_ascii_case("and") => mixed_number(whole, fraction),
        _ => Err(Problem::Unreadable),
    }
}

/// `W N/D`: a whole number, then a fraction.
fn mixed_number(whole: &str, fraction: &str) -> Result<f64, Problem> {
    if is_whole_number(whole) && fraction.contains('/') {
        checked(decimal(whole)? + number(fraction)?)
    } else {
        Err(Problem::Unreadable)
    }
}

/// A decimal or a fraction `N/D`.
fn number(token: &str) -> Result<f64, Problem> {
    match token.split_once('/') {
        Some((numerator, denominator)) => {
            let numerator = decimal(numerator)?;
            let denominator = decimal(denominator)?;
            if denominator == 0.0 {
                return Err(Problem::DivisionByZero);
            }
            checked(numerator / denominator)
        }
        None => decimal(token),
    }
}

/// Digits only, such as the `1` of `1 1/2`.
fn is_whole_number(token: &str) -> bool {
    !token.is_empty() && token.bytes().all(|b| b.is_ascii_digit())
}

/// Plain decimal notation: digits with at most one point (`2`, `2.5`, `.5`,
/// `2.`). No signs, exponents or words: those are not how cooks write.
fn decimal(token: &str) -> Result<f64, Problem> {
    let digits = token.bytes().filter(u8::is_ascii_digit).count();
    let points = token.bytes().filter(|&b| b == b'.').count();
    if digits == 0 || points > 1 || digits + points != token.len() {
        return Err(Problem::Unreadable);
    }
    // Only digits and one point remain, which Rust always reads; a very long
    // run of digits reads as infinity, which `checked` rejects.
    let value = token.parse::<f64>().map_err(|_| Problem::Unreadable)?;
    checked(value)
}

impl FromStr for Quantity {
    type Err = Error;

    /// Reads a quantity. The error's `path` is empty: callers that know
    /// where the text came from fill it in.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        parse_quantity(text).map_err(|problem| problem.into_error("", text))
    }
}

/// Fractional parts within this distance of a cook's fraction display as
/// that fraction: `0.333` is `1/3`, but `0.33` stays `0.33`.
const FRACTION_TOLERANCE: f64 = 1e-3;

/// The denominators cooks use, smallest first so fractions come out reduced
/// (`2/4` is found as `1/2`).
const DENOMINATORS: [f64; 4] = [2.0, 3.0, 4.0, 8.0];

/// Writes one amount the way a cook writes it.
fn write_amount(f: &mut fmt::Formatter<'_>, value: f64) -> fmt::Result {
    if !value.is_finite() {
        return write!(f, "{value}");
    }
    let (sign, value) = if value < 0.0 {
        ("-", -value)
    } else {
        ("", value)
    };
    let whole = value.trunc();
    let fraction = value - whole;
    for denominator in DENOMINATORS {
        let numerator = (fraction * denominator).round();
        if (fraction - numerator / denominator).abs() > FRACTION_TOLERANCE {
            continue;
        }
        if numerator == 0.0 {
            // A tiny non-zero amount must not display as 0.
            if whole == 0.0 && value != 0.0 {
                break;
            }
            return write!(f, "{sign}{whole:.0}");
        }
        if numerator == denominator {
            return write!(f, "{sign}{:.0}", whole + 1.0);
        }
        return if whole == 0.0 {
            write!(f, "{sign}{numerator:.0}/{denominator:.0}")
        } else {
            write!(f, "{sign}{whole:.0} {numerator:.0}/{denominator:.0}")
        };
    }
    write!(f, "{sign}{}", short_decimal(value))
}

/// A decimal short enough to read: three decimals are finer than any spoon
/// or kitchen scale, and amounts below 0.1 keep three significant digits.
fn short_decimal(value: f64) -> String {
    let decimals = if value >= 0.1 {
        3
    } else {
        // The saturating cast is fine: the count is capped right after.
        let leading_zeros = (-value.log10()).floor() as usize;
        (leading_zeros + 3).min(20)
    };
    let text = format!("{value:.decimals$}");
    let trimmed = if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.')
    } else {
        text.as_str()
    };
    if trimmed == "0" && value != 0.0 {
        // Smaller than we would round to: show every digit instead of 0.
        format!("{value}")
    } else {
        trimmed.to_owned()
    }
}

impl fmt::Display for Quantity {
    /// `1/2`, `1 1/2`, `1/3`, `2.4`, and ranges as `1-2`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_amount(f, self.low)?;
        if let Some(high) = self.high {
            f.write_str("-")?;
            write_amount(f, high)?;
        }
        Ok(())
    }
}

/// Whole numbers up to this bound serialize as JSON integers: every integer
/// below 2^53 is exactly representable as an `f64`.
const LARGEST_EXACT_INTEGER: f64 = 9_007_199_254_740_992.0;

impl Serialize for Quantity {
    /// A single amount is a JSON number (an integer when it is whole, as
    /// cooks write `5`, not `5.0`); a range is its display string, which
    /// reads back to an equal quantity.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.high {
            None if self.low.fract() == 0.0 && (0.0..LARGEST_EXACT_INTEGER).contains(&self.low) => {
                // Exact: whole, non-negative and below 2^53.
                serializer.serialize_u64(self.low as u64)
            }
            None => serializer.serialize_f64(self.low),
            Some(_) => serializer.serialize_str(&self.exact_text()),
        }
    }
}

impl<'de> Deserialize<'de> for Quantity {
    /// Reads a JSON number or any text [`FromStr`] reads.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct QuantityVisitor;

        impl serde::de::Visitor<'_> for QuantityVisitor {
            type Value = Quantity;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a number or a string such as \"1 1/2\"")
            }

            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Quantity, E> {
                checked(v).map(Quantity::new).map_err(|problem| {
                    E::custom(format!("cannot read quantity {v}: {}", problem.reason()))
                })
            }

            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Quantity, E> {
                self.visit_f64(v as f64)
            }

            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Quantity, E> {
                self.visit_f64(v as f64)
            }

            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Quantity, E> {
                parse_quantity(v).map_err(|problem| {
                    E::custom(format!("cannot read quantity {v:?}: {}", problem.reason()))
                })
            }
        }

        deserializer.deserialize_any(QuantityVisitor)
    }
}

/// The JSON form [`Serialize`] writes and [`Deserialize`] reads, which a
/// derive cannot see through the hand-written impls.
#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for Quantity {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{
            KnownFormat, ObjectBuilder, OneOfBuilder, SchemaFormat, Type,
        };
        OneOfBuilder::new()
            .description(Some(
                "An amount: a number, or text such as `\"1 1/2\"`, `\"½\"` or a range \
                 `\"2-3\"`. Responses give a number, or text for a range.",
            ))
            .item(
                ObjectBuilder::new()
                    .schema_type(Type::Number)
                    .format(Some(SchemaFormat::KnownFormat(KnownFormat::Double)))
                    .description(Some("A single amount.")),
            )
            .item(
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .description(Some("A fraction, a decimal in text, or a range.")),
            )
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for Quantity {
    fn name() -> std::borrow::Cow<'static, str> {
        std::borrow::Cow::Borrowed("Quantity")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn parsed(text: &str) -> Quantity {
        match text.parse::<Quantity>() {
            Ok(quantity) => quantity,
            Err(error) => panic!("{text:?} should parse: {error}"),
        }
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
    }

    #[test]
    fn reads_every_written_form() {
        let cases: &[(&str, f64, f64)] = &[
            ("1.5", 1.5, 1.5),
            ("  2 ", 2.0, 2.0),
            (".5", 0.5, 0.5),
            ("2.", 2.0, 2.0),
            ("0", 0.0, 0.0),
            ("-0", 0.0, 0.0),
            ("1/2", 0.5, 0.5),
            ("3/4", 0.75, 0.75),
            ("1 1/2", 1.5, 1.5),
            ("1  1/2", 1.5, 1.5),
            ("½", 0.5, 0.5),
            ("1½", 1.5, 1.5),
            ("1 ½", 1.5, 1.5),
            ("1\u{a0}½", 1.5, 1.5),
            ("1⁄2", 0.5, 0.5),
            ("1 1⁄2", 1.5, 1.5),
            ("1∕4", 0.25, 0.25),
            ("¹⁄₂", 0.5, 0.5),
            ("1¹⁄₂", 1.5, 1.5),
            ("1-1/2", 1.5, 1.5),
            ("1 and 1/2", 1.5, 1.5),
            ("2 AND ¾", 2.75, 2.75),
            ("1 and 1/2 to 2", 1.5, 2.0),
            ("2-3/4", 2.75, 2.75),
            ("1-2", 1.0, 2.0),
            ("1 - 2", 1.0, 2.0),
            ("1 – 2", 1.0, 2.0),
            ("1—2", 1.0, 2.0),
            ("1 to 2", 1.0, 2.0),
            ("1 TO 2", 1.0, 2.0),
            ("1 or 2", 1.0, 2.0),
            ("1 1/2-2", 1.5, 2.0),
            ("1 1/2 - 2 1/2", 1.5, 2.5),
            ("1-1/2-2", 1.5, 2.0),
            ("1-1/2 to 2-1/2", 1.5, 2.5),
            ("½-1", 0.5, 1.0),
            ("0-1/2", 0.0, 0.5),
            ("2-2", 2.0, 2.0),
            ("1e3", 1000.0, 1000.0),
            ("+3", 3.0, 3.0),
        ];
        for &(text, low, high) in cases {
            let quantity = parsed(text);
            assert!(
                close(quantity.low(), low) && close(quantity.high(), high),
                "{text:?} read as {quantity:?}, expected {low}-{high}"
            );
            assert_eq!(quantity.is_range(), low != high, "{text:?}");
        }
    }

    #[test]
    fn reads_every_vulgar_fraction() {
        let cases = [
            ('¼', 0.25),
            ('½', 0.5),
            ('¾', 0.75),
            ('⅐', 1.0 / 7.0),
            ('⅑', 1.0 / 9.0),
            ('⅒', 0.1),
            ('⅓', 1.0 / 3.0),
            ('⅔', 2.0 / 3.0),
            ('⅕', 0.2),
            ('⅖', 0.4),
            ('⅗', 0.6),
            ('⅘', 0.8),
            ('⅙', 1.0 / 6.0),
            ('⅚', 5.0 / 6.0),
            ('⅛', 0.125),
            ('⅜', 0.375),
            ('⅝', 0.625),
            ('⅞', 0.875),
            ('↉', 0.0),
        ];
        for (glyph, value) in cases {
            assert!(close(parsed(&glyph.to_string()).low(), value), "{glyph}");
            assert!(
                close(parsed(&format!("2{glyph}")).low(), 2.0 + value),
                "{glyph}"
            );
        }
    }

    #[test]
    fn rejects_what_is_not_an_amount_with_a_reason() {
        let cases: &[(&str, Problem)] = &[
            ("", Problem::Empty),
            ("   ", Problem::Empty),
            ("-1", Problem::Negative),
            ("- 1/2", Problem::Negative),
            ("−2", Problem::Negative),
            ("-1-2", Problem::Negative),
            ("inf", Problem::NotFinite),
            ("NaN", Problem::NotFinite),
            ("1e400", Problem::NotFinite),
            ("1/0", Problem::DivisionByZero),
            ("0/0", Problem::DivisionByZero),
            ("1 1/0", Problem::DivisionByZero),
            (
                "3-2",
                Problem::Backwards {
                    low: 3.0,
                    high: 2.0,
                },
            ),
            (
                "2 to 1/2",
                Problem::Backwards {
                    low: 2.0,
                    high: 0.5,
                },
            ),
            ("abc", Problem::Unreadable),
            ("/", Problem::Unreadable),
            ("1//2", Problem::Unreadable),
            ("1/2/3", Problem::Unreadable),
            ("--", Problem::Unreadable),
            ("-", Problem::Unreadable),
            ("1-", Problem::Unreadable),
            ("to 2", Problem::Unreadable),
            ("1-2-3", Problem::Unreadable),
            ("1.2.3", Problem::Unreadable),
            ("1 2", Problem::Unreadable),
            ("½ ½", Problem::Unreadable),
            ("1 and 2", Problem::Unreadable),
            ("1 plus 1/2", Problem::Unreadable),
            ("1 cup", Problem::Unreadable),
            ("1,5", Problem::Unreadable),
            ("٣", Problem::Unreadable),
        ];
        for (text, problem) in cases {
            assert_eq!(parse_quantity(text), Err(*problem), "{text:?}");
        }
    }

    #[test]
    fn huge_digit_runs_are_not_finite() {
        let digits = "9".repeat(400);
        assert_eq!(parse_quantity(&digits), Err(Problem::NotFinite));
        assert_eq!(
            parse_quantity(&format!("1/{digits}")),
            Err(Problem::NotFinite)
        );
    }

    #[test]
    fn errors_name_the_input_and_the_reason() {
        let error = "1/0".parse::<Quantity>().unwrap_err();
        assert_eq!(
            error,
            Error::Quantity {
                path: String::new(),
                input: "1/0".to_owned(),
                reason: "a fraction cannot have a zero denominator".to_owned(),
            }
        );
        let error = "3-2".parse::<Quantity>().unwrap_err().to_string();
        assert!(error.contains("the range ends (2) below where it starts (3)"));
    }

    #[test]
    fn displays_the_way_cooks_write() {
        let cases: &[(Quantity, &str)] = &[
            (Quantity::new(0.0), "0"),
            (Quantity::new(2.0), "2"),
            (Quantity::new(0.5), "1/2"),
            (Quantity::new(1.5), "1 1/2"),
            (Quantity::new(1.0 / 3.0), "1/3"),
            (Quantity::new(0.333), "1/3"),
            (Quantity::new(2.0 / 3.0), "2/3"),
            (Quantity::new(1.0 + 2.0 / 3.0), "1 2/3"),
            (Quantity::new(0.25), "1/4"),
            (Quantity::new(0.75), "3/4"),
            (Quantity::new(0.125), "1/8"),
            (Quantity::new(0.375), "3/8"),
            (Quantity::new(2.875), "2 7/8"),
            (Quantity::new(0.33), "0.33"),
            (Quantity::new(2.4), "2.4"),
            (Quantity::new(2.400_000_000_1), "2.4"),
            (Quantity::new(0.1 + 0.2), "0.3"),
            (Quantity::new(1.999_99), "2"),
            (Quantity::new(453.592_37), "453.592"),
            (Quantity::new(0.0005), "0.0005"),
            (Quantity::new(0.012_345), "0.0123"),
            (Quantity::new(1e-30), "0.000000000000000000000000000001"),
            (Quantity::new(1e20), "100000000000000000000"),
            (Quantity::new(-1.5), "-1 1/2"),
            (Quantity::range(1.0, 2.0), "1-2"),
            (Quantity::range(1.5, 2.0), "1 1/2-2"),
            (Quantity::range(0.5, 1.0), "1/2-1"),
            (Quantity::new(f64::NAN), "NaN"),
            (Quantity::new(f64::INFINITY), "inf"),
        ];
        for (quantity, text) in cases {
            assert_eq!(quantity.to_string(), *text, "{quantity:?}");
        }
    }

    #[test]
    fn ranges_are_ordered_and_collapse_when_equal() {
        let range = Quantity::range(3.0, 2.0);
        assert_eq!((range.low(), range.high()), (2.0, 3.0));
        assert!(!Quantity::range(2.0, 2.0).is_range());
        assert_eq!(Quantity::new(2.0).high(), 2.0);
    }

    #[test]
    fn scaling_multiplies_both_ends() {
        let range = Quantity::range(1.0, 2.0).scaled(1.5);
        assert_eq!((range.low(), range.high()), (1.5, 3.0));
        assert_eq!(Quantity::new(0.5).scaled(3.0), Quantity::new(1.5));
        assert!(!Quantity::range(1.0, 2.0).scaled(0.0).is_range());
    }

    #[test]
    fn serializes_canonically() {
        let json = |q: Quantity| serde_json::to_string(&q).unwrap();
        assert_eq!(json(Quantity::new(5.0)), "5");
        assert_eq!(json(Quantity::new(1.5)), "1.5");
        assert_eq!(json(Quantity::new(1e300)), "1e+300");
        assert_eq!(json(Quantity::range(1.5, 2.0)), "\"1 1/2-2\"");
        // Float noise falls back to every digit, so the value survives.
        let noisy = Quantity::range(0.1 + 0.2, 1.0);
        assert_eq!(json(noisy), "\"0.30000000000000004-1\"");
    }

    #[test]
    fn deserializes_tolerantly() {
        let read = |json: &str| serde_json::from_str::<Quantity>(json);
        assert_eq!(read("1.5").unwrap(), Quantity::new(1.5));
        assert_eq!(read("2").unwrap(), Quantity::new(2.0));
        assert_eq!(read("\"1 1/2\"").unwrap(), Quantity::new(1.5));
        assert_eq!(read("\"½\"").unwrap(), Quantity::new(0.5));
        assert_eq!(read("\"2-3\"").unwrap(), Quantity::range(2.0, 3.0));
        let error = read("-1").unwrap_err().to_string();
        assert!(error.contains("cannot be negative"), "{error}");
        let error = read("\"1/0\"").unwrap_err().to_string();
        assert!(error.contains("zero denominator"), "{error}");
        assert!(read("true").is_err());
    }

    /// Any printable-ish text, weighted towards the characters quantities use.
    fn quantity_like_text() -> impl Strategy<Value = String> {
        prop_oneof![
            "[0-9 ./⁄½⅓¼¾⅞¹₂–—−-]{0,12}",
            "[0-9]{1,3}( [0-9]/[0-9])?( ?(-|to|or) ?[0-9]{1,3}(/[0-9])?)?",
            any::<String>(),
        ]
    }

    proptest! {
        #[test]
        fn never_panics(text in quantity_like_text()) {
            if let Ok(quantity) = parse_quantity(&text) {
                let _ = quantity.to_string();
                prop_assert!(quantity.low() >= 0.0 && quantity.low() <= quantity.high());
            }
        }

        #[test]
        fn serialization_round_trips(
            low in 0.0..1e6_f64,
            extra in prop_oneof![Just(0.0), 0.0..1e3_f64],
        ) {
            let quantity = Quantity::range(low, low + extra);
            let json = serde_json::to_string(&quantity).unwrap();
            let back: Quantity = serde_json::from_str(&json).unwrap();
            if quantity.is_range() {
                // Ranges travel as text, which we read exactly.
                prop_assert_eq!(back, quantity);
            } else {
                // serde_json reads numbers to within one unit in the last
                // place unless its `float_roundtrip` feature is on.
                prop_assert!((back.low() - quantity.low()).abs() <= 1e-15 * quantity.low());
            }
        }

        #[test]
        fn display_reads_back_close(value in 0.0..1e4_f64) {
            let shown = Quantity::new(value).to_string();
            let back = parse_quantity(&shown).unwrap();
            prop_assert!((back.low() - value).abs() <= 1e-3 * value.max(1.0), "{} → {}", value, shown);
        }
    }
}
