//! A reader for the native format that knows its fields, for the documents
//! almost every caller has: well formed, in the shapes the format names.
//!
//! serde reads a document through a visitor for every value and a field
//! identifier for every key; on the benchmark pairs that machinery was
//! most of a parse. This reader goes straight from the bytes to the model:
//! keys are matched where they lie, text without escapes is copied once
//! into its field, numbers are summed as their digits are checked.
//!
//! It answers only when it is sure of the answer serde's reading gives:
//! anything unusual (an error of any kind, a duplicate field, a number too
//! long to be sure of its rounding, a lone surrogate, deep nesting) and it
//! gives up with `None`, and [`super::parse`] reads the document the usual
//! way, which also explains what is wrong. So every value it returns is the
//! one serde's reading returns; the property tests below hold it to that on
//! generated and on damaged documents.

use std::borrow::Cow;
use std::sync::Arc;

use super::{Document, FromWire};
use crate::model::{Ingredient, Step};
use crate::quantity::{Quantity, parse_quantity, quantity_from_number};

/// `json` read as a native document, or `None` when serde's reading should
/// decide.
pub(super) fn read(json: &str) -> Option<Document> {
    let mut reader = Reader { json, at: 0 };
    let document = reader.document()?;
    reader.skip_whitespace();
    (reader.at == json.len()).then_some(document)
}

/// How deep a value of a field this reader does not know may nest: well
/// under serde_json's limit of 128, so a document it refuses is never read
/// here.
const DEEPEST_SKIPPED: usize = 64;

/// A JSON number as serde_json hands it to a visitor.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Number {
    /// A whole number of at most 18 digits, at least zero.
    Unsigned(u64),
    /// A whole number of at most 18 digits, below zero.
    Negative(i64),
    /// A number with a fraction or an exponent, or `-0`.
    Float(f64),
}

impl Number {
    /// The number as the lenient readers of amounts and ratings see it.
    fn as_f64(self) -> f64 {
        match self {
            Number::Unsigned(v) => v as f64,
            Number::Negative(v) => v as f64,
            Number::Float(v) => v,
        }
    }
}

/// A position in the document.
struct Reader<'a> {
    json: &'a str,
    /// The byte read next; always a character boundary between tokens.
    at: usize,
}

impl<'a> Reader<'a> {
    /// The byte at the current position.
    fn peek(&self) -> Option<u8> {
        self.json.as_bytes().get(self.at).copied()
    }

    /// Moves past JSON whitespace: what serde_json skips, no more.
    fn skip_whitespace(&mut self) {
        let bytes = self.json.as_bytes();
        let mut at = self.at;
        while let Some(b' ' | b'\n' | b'\t' | b'\r') = bytes.get(at) {
            at += 1;
        }
        self.at = at;
    }

    /// The next byte after whitespace, consumed.
    fn next_token(&mut self) -> Option<u8> {
        self.skip_whitespace();
        let byte = self.peek()?;
        self.at += 1;
        Some(byte)
    }

    /// Consumes `byte` after whitespace, or gives up.
    fn expect(&mut self, byte: u8) -> Option<()> {
        (self.next_token()? == byte).then_some(())
    }

    /// Consumes `literal` (the rest of `null`, `true`, `false`).
    fn expect_literal(&mut self, literal: &str) -> Option<()> {
        let end = self.at.checked_add(literal.len())?;
        (self.json.as_bytes().get(self.at..end)? == literal.as_bytes()).then(|| self.at = end)
    }

    /// After an object's members or an array's elements: `true` for a comma
    /// (another follows), `false` for the closing `close`.
    fn more(&mut self, close: u8) -> Option<bool> {
        match self.next_token()? {
            b',' => Some(true),
            byte if byte == close => Some(false),
            _ => None,
        }
    }

    /// Reads an object member by member: `member` is called with each key,
    /// the reader just after its colon, and reads the value.
    fn object(&mut self, mut member: impl FnMut(&mut Self, &str) -> Option<()>) -> Option<()> {
        self.expect(b'{')?;
        self.skip_whitespace();
        if self.peek() == Some(b'}') {
            self.at += 1;
            return Some(());
        }
        loop {
            self.expect(b'"')?;
            let key = self.string_body()?;
            self.expect(b':')?;
            member(self, &key)?;
            if !self.more(b'}')? {
                return Some(());
            }
        }
    }

    /// Reads an array, each element with `element` (which reads it whole).
    fn array(&mut self, mut element: impl FnMut(&mut Self) -> Option<()>) -> Option<()> {
        self.expect(b'[')?;
        self.skip_whitespace();
        if self.peek() == Some(b']') {
            self.at += 1;
            return Some(());
        }
        loop {
            element(self)?;
            if !self.more(b']')? {
                return Some(());
            }
        }
    }

    /// The document's members into a [`Document`].
    fn document(&mut self) -> Option<Document> {
        let mut seen = Seen::default();
        let mut recipe_name = None;
        let (mut recipe_id, mut make_id, mut recipe_version) = (None, None, None);
        let mut rating = None;
        let (mut ingredients, mut steps) = (Vec::new(), Vec::new());
        let (mut made_at, mut notes) = (None, None);
        self.object(|reader, key| {
            match key {
                "recipeName" => {
                    seen.first(0)?;
                    recipe_name = Some(Arc::from(&*reader.text()?));
                }
                "recipeId" => {
                    seen.first(1)?;
                    recipe_id = reader.lenient_id()?;
                }
                "rating" => {
                    seen.first(2)?;
                    rating = reader.lenient_number()?;
                }
                "ingredients" => {
                    seen.first(3)?;
                    ingredients = reader.list(Reader::ingredient)?;
                }
                "steps" => {
                    seen.first(4)?;
                    steps = reader.list(Reader::step)?;
                }
                "makeId" => {
                    seen.first(5)?;
                    make_id = reader.lenient_id()?;
                }
                "recipeVersion" => {
                    seen.first(6)?;
                    recipe_version = reader.lenient_id()?;
                }
                "madeAt" => {
                    seen.first(7)?;
                    made_at = reader.optional_text()?;
                }
                "notes" => {
                    seen.first(8)?;
                    notes = reader.optional_text()?;
                }
                _ => reader.skip_value(0)?,
            }
            Some(())
        })?;
        Some(Document {
            recipe_name: recipe_name?,
            recipe_id,
            rating,
            ingredients,
            steps,
            make_id,
            recipe_version,
            made_at,
            notes,
        })
    }

    /// A list of ingredients or steps, with the room serde's reading makes.
    fn list<T: FromWire>(&mut self, item: fn(&mut Self) -> Option<T>) -> Option<Vec<T>> {
        let mut items = Vec::with_capacity(T::CAPACITY_GUESS);
        self.array(|reader| {
            items.push(item(reader)?);
            Some(())
        })?;
        Some(items)
    }

    /// One ingredient object.
    fn ingredient(&mut self) -> Option<Ingredient> {
        let mut seen = Seen::default();
        let mut ingredient = Ingredient::default();
        let mut named = false;
        self.object(|reader, key| {
            match key {
                "ingredientId" => {
                    seen.first(0)?;
                    ingredient.ingredient_id = reader.lenient_id()?;
                }
                "quantity" => {
                    seen.first(1)?;
                    ingredient.quantity = reader.quantity()?;
                }
                "measurement" => {
                    seen.first(2)?;
                    ingredient.measurement = reader.non_blank()?;
                }
                "ingredientName" => {
                    seen.first(3)?;
                    ingredient.ingredient_name = Arc::from(&*reader.text()?);
                    named = true;
                }
                "size" => {
                    seen.first(4)?;
                    ingredient.size = reader.non_blank()?;
                }
                "preparation" => {
                    seen.first(5)?;
                    ingredient.preparation = reader.non_blank()?;
                }
                "note" => {
                    seen.first(6)?;
                    ingredient.note = reader.non_blank()?;
                }
                "unparsed" => {
                    seen.first(7)?;
                    ingredient.unparsed = reader.boolean()?;
                }
                _ => reader.skip_value(0)?,
            }
            Some(())
        })?;
        named.then_some(ingredient)
    }

    /// One step object.
    fn step(&mut self) -> Option<Step> {
        let mut seen = Seen::default();
        let (mut step_id, mut step_text) = (None, None);
        self.object(|reader, key| {
            match key {
                "stepId" => {
                    seen.first(0)?;
                    step_id = reader.lenient_id()?;
                }
                "stepText" => {
                    seen.first(1)?;
                    step_text = Some(Arc::from(&*reader.text()?));
                }
                _ => reader.skip_value(0)?,
            }
            Some(())
        })?;
        Some(Step {
            step_id,
            step_text: step_text?,
        })
    }

    /// `null` (the `n` already read) as `None`.
    fn null_rest(&mut self) -> Option<()> {
        self.expect_literal("ull")
    }

    /// A string: the only thing a `String` field takes.
    fn text(&mut self) -> Option<Cow<'a, str>> {
        self.expect(b'"')?;
        self.string_body()
    }

    /// A string or null, its text as it lies when it has no escapes.
    fn nullable_text(&mut self) -> Option<Option<Cow<'a, str>>> {
        match self.next_token()? {
            b'n' => self.null_rest().map(|()| None),
            b'"' => self.string_body().map(Some),
            _ => None,
        }
    }

    /// A string or null, as `Option<String>` reads it.
    fn optional_text(&mut self) -> Option<Option<String>> {
        Some(self.nullable_text()?.map(Cow::into_owned))
    }

    /// A string or null where blank text means absent, as `non_blank` reads
    /// it.
    fn non_blank(&mut self) -> Option<Option<Arc<str>>> {
        let text = self.nullable_text()?;
        Some(
            text.filter(|text| !text.trim().is_empty())
                .map(|text| Arc::from(&*text)),
        )
    }

    /// `true` or `false`.
    fn boolean(&mut self) -> Option<bool> {
        match self.next_token()? {
            b't' => self.expect_literal("rue").map(|()| true),
            b'f' => self.expect_literal("alse").map(|()| false),
            _ => None,
        }
    }

    /// An id as `lenient_id` reads it: a whole number, a float that is one,
    /// numeric text, or null.
    fn lenient_id(&mut self) -> Option<Option<i64>> {
        match self.scalar()? {
            Scalar::Null => Some(None),
            Scalar::Number(Number::Unsigned(v)) => i64::try_from(v).ok().map(Some),
            Scalar::Number(Number::Negative(v)) => Some(Some(v)),
            Scalar::Number(Number::Float(v)) => {
                // As `lenient_id`: only an exact whole float names an id.
                (v.fract() == 0.0 && v.abs() <= 9_007_199_254_740_992.0).then_some(Some(v as i64))
            }
            Scalar::Text(text) => text.trim().parse().ok().map(Some),
        }
    }

    /// A number as `lenient_number` reads it: a number, numeric text, or
    /// null.
    fn lenient_number(&mut self) -> Option<Option<f64>> {
        match self.scalar()? {
            Scalar::Null => Some(None),
            Scalar::Number(number) => Some(Some(number.as_f64())),
            Scalar::Text(text) => text
                .trim()
                .parse::<f64>()
                .ok()
                .filter(|n| n.is_finite())
                .map(Some),
        }
    }

    /// An amount as `Option<Quantity>` reads it: null, a number, or text.
    fn quantity(&mut self) -> Option<Option<Quantity>> {
        match self.scalar()? {
            Scalar::Null => Some(None),
            Scalar::Number(number) => quantity_from_number(number.as_f64()).map(Some),
            Scalar::Text(text) => parse_quantity(&text).ok().map(Some),
        }
    }

    /// Null, a number or a string: what the lenient fields take.
    fn scalar(&mut self) -> Option<Scalar<'a>> {
        self.skip_whitespace();
        match self.peek()? {
            b'n' => {
                self.at += 1;
                self.null_rest().map(|()| Scalar::Null)
            }
            b'"' => {
                self.at += 1;
                self.string_body().map(Scalar::Text)
            }
            _ => self.number().map(Scalar::Number),
        }
    }

    /// A number as serde_json reads it, or `None` where its value could
    /// differ from ours or the text is not a JSON number.
    fn number(&mut self) -> Option<Number> {
        let bytes = self.json.as_bytes();
        let start = self.at;
        let negative = bytes.get(start) == Some(&b'-');
        let whole_start = start + usize::from(negative);
        // The whole digits' value is summed as they are checked; it is used
        // only when there are at most 18 of them, so it cannot overflow.
        let mut at = whole_start;
        let mut magnitude: u64 = 0;
        while let Some(digit) = bytes.get(at).and_then(|b| b.checked_sub(b'0')) {
            if digit > 9 {
                break;
            }
            magnitude = magnitude.wrapping_mul(10).wrapping_add(u64::from(digit));
            at += 1;
        }
        let whole_digits = at - whole_start;
        if let Some(b'.' | b'e' | b'E') = bytes.get(at) {
            return self.float(start);
        }
        // JSON allows no leading zero (`01`) and needs a digit.
        if whole_digits == 0 || (whole_digits > 1 && bytes.get(whole_start) == Some(&b'0')) {
            return None;
        }
        if whole_digits > 18 {
            // Past u64, serde_json reads a float.
            return None;
        }
        self.at = at;
        match (negative, magnitude) {
            (false, _) => Some(Number::Unsigned(magnitude)),
            // serde_json reads `-0` as the float -0.0.
            (true, 0) => Some(Number::Float(-0.0)),
            (true, _) => i64::try_from(magnitude).ok().map(|v| Number::Negative(-v)),
        }
    }

    /// A number with a fraction or an exponent, from its first byte.
    fn float(&mut self, start: usize) -> Option<Number> {
        let form = NumberForm::at(self.json.as_bytes(), start)?;
        let text = self.json.get(start..form.end)?;
        // serde_json (with `float_roundtrip`) and Rust both round correctly;
        // long texts and large exponents are left to serde_json, so nothing
        // here depends on the corners of either.
        if text.len() > 24 || form.exponent_digits > 2 {
            return None;
        }
        let value: f64 = text.parse().ok()?;
        self.at = form.end;
        value.is_finite().then_some(Number::Float(value))
    }

    /// A string's text, the opening quote already read: borrowed when it
    /// has no escapes, as most have.
    fn string_body(&mut self) -> Option<Cow<'a, str>> {
        let start = self.at;
        let bytes = self.json.as_bytes();
        let end = start + plain_run(bytes.get(start..)?);
        match bytes.get(end)? {
            b'"' => {
                self.at = end + 1;
                Some(Cow::Borrowed(self.json.get(start..end)?))
            }
            b'\\' => {
                let mut text = String::with_capacity(end - start + 16);
                text.push_str(self.json.get(start..end)?);
                self.at = end;
                self.escaped_rest(&mut text)?;
                Some(Cow::Owned(text))
            }
            // A control character: serde_json refuses it.
            _ => None,
        }
    }

    /// The rest of a string with escapes, from a backslash, into `text`.
    fn escaped_rest(&mut self, text: &mut String) -> Option<()> {
        let bytes = self.json.as_bytes();
        loop {
            match bytes.get(self.at)? {
                b'"' => {
                    self.at += 1;
                    return Some(());
                }
                b'\\' => {
                    self.at += 1;
                    let escape = *bytes.get(self.at)?;
                    self.at += 1;
                    text.push(match escape {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => self.unicode_escape()?,
                        _ => return None,
                    });
                }
                _ => {
                    let start = self.at;
                    let end = start + plain_run(bytes.get(start..)?);
                    if end == start {
                        // A control character.
                        return None;
                    }
                    text.push_str(self.json.get(start..end)?);
                    self.at = end;
                }
            }
        }
    }

    /// The character of a `\uXXXX` escape, the `\u` read; a surrogate pair
    /// is one character, and anything else about surrogates is left to
    /// serde_json.
    fn unicode_escape(&mut self) -> Option<char> {
        let first = self.hex4()?;
        match first {
            0xD800..=0xDBFF => {
                self.expect_literal("\\u")?;
                let second = self.hex4()?;
                if !(0xDC00..=0xDFFF).contains(&second) {
                    return None;
                }
                let code = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00);
                char::from_u32(code)
            }
            _ => char::from_u32(first),
        }
    }

    /// Four hex digits.
    fn hex4(&mut self) -> Option<u32> {
        let end = self.at.checked_add(4)?;
        let digits = self.json.get(self.at..end)?;
        if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        self.at = end;
        u32::from_str_radix(digits, 16).ok()
    }

    /// Moves past a value of a field this reader does not know, checking
    /// that it is JSON as serde_json would.
    fn skip_value(&mut self, depth: usize) -> Option<()> {
        if depth > DEEPEST_SKIPPED {
            return None;
        }
        self.skip_whitespace();
        match self.peek()? {
            b'{' => self.object(|reader, _| reader.skip_value(depth + 1)),
            b'[' => self.array(|reader| reader.skip_value(depth + 1)),
            b'"' => {
                self.at += 1;
                self.string_body().map(drop)
            }
            b'n' => {
                self.at += 1;
                self.null_rest()
            }
            b't' | b'f' => self.boolean().map(drop),
            _ => self.skip_number(),
        }
    }

    /// Moves past a number of any size: an unknown field's number is only
    /// checked for its form, as serde_json checks it.
    fn skip_number(&mut self) -> Option<()> {
        self.at = NumberForm::at(self.json.as_bytes(), self.at)?.end;
        Some(())
    }
}

/// The form of a JSON number: where it ends, and how long its exponent is.
struct NumberForm {
    /// The byte after its last.
    end: usize,
    /// Digits of the exponent, zero without one.
    exponent_digits: usize,
}

impl NumberForm {
    /// The number starting at `start`, by JSON's grammar: an optional
    /// minus, whole digits without a leading zero, an optional fraction and
    /// exponent each with at least one digit; `None` for anything else.
    fn at(bytes: &[u8], start: usize) -> Option<NumberForm> {
        let digits_from = |mut at: usize| {
            while bytes.get(at).is_some_and(u8::is_ascii_digit) {
                at += 1;
            }
            at
        };
        let negative = bytes.get(start) == Some(&b'-');
        let whole_start = start + usize::from(negative);
        let mut end = digits_from(whole_start);
        let whole_digits = end - whole_start;
        if whole_digits == 0 || (whole_digits > 1 && bytes.get(whole_start) == Some(&b'0')) {
            return None;
        }
        if bytes.get(end) == Some(&b'.') {
            let after = digits_from(end + 1);
            if after == end + 1 {
                return None;
            }
            end = after;
        }
        let mut exponent_digits = 0;
        if let Some(b'e' | b'E') = bytes.get(end) {
            let sign = usize::from(matches!(bytes.get(end + 1), Some(b'+' | b'-')));
            let first = end + 1 + sign;
            end = digits_from(first);
            exponent_digits = end - first;
            if exponent_digits == 0 {
                return None;
            }
        }
        Some(NumberForm {
            end,
            exponent_digits,
        })
    }
}

/// What a lenient field holds.
enum Scalar<'a> {
    Null,
    Number(Number),
    Text(Cow<'a, str>),
}

/// The fields of one object read so far: serde's derive refuses a field
/// given twice, so this reader gives up on one.
#[derive(Default)]
struct Seen(u16);

impl Seen {
    /// Marks field `index` read, or gives up when it was already.
    fn first(&mut self, index: u8) -> Option<()> {
        let bit = 1u16 << index;
        if self.0 & bit != 0 {
            return None;
        }
        self.0 |= bit;
        Some(())
    }
}

/// How many bytes of `bytes` a string holds as they are: up to its closing
/// quote, a backslash or a control character. Eight bytes are looked at in
/// one word, as serde_json does (see [`specials`]); the last few of the
/// document one at a time.
fn plain_run(bytes: &[u8]) -> usize {
    let mut at = 0;
    while let Some(window) = bytes.get(at..at + 8) {
        let mut word = [0; 8];
        word.copy_from_slice(window);
        let found = specials(u64::from_le_bytes(word));
        if found != 0 {
            return at + (found.trailing_zeros() / 8) as usize;
        }
        at += 8;
    }
    let tail = bytes.get(at..).unwrap_or_default();
    at + tail
        .iter()
        .position(|&b| b == b'"' || b == b'\\' || b < 0x20)
        .unwrap_or(tail.len())
}

/// The high bit of each byte of `word` that ends a plain run (a quote, a
/// backslash, a control character), and perhaps of bytes after the first
/// such: a borrow runs only upwards from a byte that matches, so the
/// lowest bit set is always exact, which is all [`plain_run`] reads.
///
/// A byte is below 0x20 when subtracting 0x20 borrows into its high bit,
/// and is a quote or a backslash when, xored with one, subtracting one
/// does; bytes with the high bit already set are none of these (`!word`).
fn specials(word: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let control = word.wrapping_sub(ONES * 0x20);
    let quote = (word ^ (ONES * u64::from(b'"'))).wrapping_sub(ONES);
    let backslash = (word ^ (ONES * u64::from(b'\\'))).wrapping_sub(ONES);
    (control | quote | backslash) & !word & HIGHS
}

#[cfg(test)]
mod tests {
    use std::fmt::Write as _;
    use std::path::Path;

    use proptest::prelude::*;

    use super::*;

    /// serde's reading of `json`, where it reads one.
    fn serde_reading(json: &str) -> Option<Document> {
        serde_json::from_str::<Document>(json).ok()
    }

    /// Every document in `folder` (and the documents of each corpus case in
    /// it) is read here, to what serde reads.
    fn documents_in(folder: &Path) -> Vec<(String, String)> {
        let mut documents = Vec::new();
        let entries = std::fs::read_dir(folder)
            .unwrap_or_else(|error| panic!("reading {}: {error}", folder.display()));
        for entry in entries {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "json") {
                let text = std::fs::read_to_string(&path).unwrap();
                let name = path.display().to_string();
                match serde_json::from_str::<serde_json::Value>(&text) {
                    Ok(serde_json::Value::Object(case)) if case.contains_key("original") => {
                        for side in ["original", "make"] {
                            documents.push((format!("{name} {side}"), case[side].to_string()));
                            let pretty = serde_json::to_string_pretty(&case[side]).unwrap();
                            documents.push((format!("{name} {side}, indented"), pretty));
                        }
                    }
                    _ => documents.push((name, text)),
                }
            }
        }
        assert!(
            !documents.is_empty(),
            "no documents in {}",
            folder.display()
        );
        documents
    }

    /// The benchmark pairs and the diff corpus: all read here (none is left
    /// to serde), to what serde reads; the fuzzing seeds, some of them
    /// broken on purpose, to what serde reads or not at all.
    #[test]
    fn real_documents_are_read_here_as_serde_reads_them() {
        let crate_root = Path::new(env!("CARGO_MANIFEST_DIR"));
        for folder in [
            crate_root.join("../benches/fixtures"),
            crate_root.join("tests/corpus"),
        ] {
            for (name, json) in documents_in(&folder) {
                let expected = serde_reading(&json);
                assert!(expected.is_some(), "{name}: serde refuses it");
                assert_eq!(read(&json), expected, "{name}");
            }
        }
        for (name, json) in documents_in(&crate_root.join("../fuzz/seeds/parse_native")) {
            if let Some(document) = read(&json) {
                assert_eq!(Some(document), serde_reading(&json), "{name}");
            }
        }
    }

    /// What serde's reading refuses or reads differently is left to it.
    #[test]
    fn what_serde_decides_is_left_to_it() {
        for json in [
            // Not a document, or not only one.
            "",
            "[]",
            r#"{"recipeName": "a"} {}"#,
            r#"{"recipeName": "a",}"#,
            // Missing, doubled or mistyped fields.
            r#"{"recipeId": 1}"#,
            r#"{"recipeName": "a", "recipeName": "b"}"#,
            r#"{"recipeName": null}"#,
            r#"{"recipeName": "a", "ingredients": null}"#,
            r#"{"recipeName": "a", "ingredients": [{"quantity": 1}]}"#,
            r#"{"recipeName": "a", "ingredients": [{"ingredientName": "x", "unparsed": null}]}"#,
            r#"{"recipeName": "a", "steps": [["x"]]}"#,
            r#"{"recipeName": "a", "recipeId": true}"#,
            r#"{"recipeName": "a", "recipeId": "seven"}"#,
            r#"{"recipeName": "a", "recipeId": 7.5}"#,
            r#"{"recipeName": "a", "recipeId": 18446744073709551615}"#,
            // Numbers serde reads as floats, or refuses.
            r#"{"recipeName": "a", "rating": 01}"#,
            r#"{"recipeName": "a", "rating": 1.}"#,
            r#"{"recipeName": "a", "rating": 1e400}"#,
            r#"{"recipeName": "a", "rating": 1234567890123456789012}"#,
            r#"{"recipeName": "a", "ingredients": [{"ingredientName": "x", "quantity": -1}]}"#,
            // Strings serde refuses.
            "{\"recipeName\": \"a\tb\"}",
            r#"{"recipeName": "a\qb"}"#,
            r#"{"recipeName": "\ud800"}"#,
            r#"{"recipeName": "\udc00\ud800"}"#,
            // Unknown fields must still be JSON.
            r#"{"recipeName": "a", "x": [1, 2,]}"#,
            r#"{"recipeName": "a", "x": tru}"#,
            r#"{"recipeName": "a", "x": "\u12"}"#,
        ] {
            assert_eq!(read(json), None, "{json}");
        }
        let deep = format!(
            r#"{{"recipeName": "a", "x": {}{}}}"#,
            "[".repeat(DEEPEST_SKIPPED + 2),
            "]".repeat(DEEPEST_SKIPPED + 2)
        );
        assert_eq!(read(&deep), None);
    }

    /// The lenient fields, escapes and unknown fields, read as serde reads
    /// them.
    #[test]
    fn lenient_fields_and_escapes_read_as_serde_reads_them() {
        let json = r#"{
            "recipeName": "Cr\u00e8me \"br\u00fbl\u00e9e\" \ud83c\udf6e\/\\\n",
            "recipeId": " 12 ", "rating": "4.5", "makeId": 7.0, "recipeVersion": null,
            "madeAt": "2026-12-04", "notes": "  ",
            "source": {"url": "https://example.com", "tags": [1, -2.5e3, true, null, "x"]},
            "ingredients": [
                {"ingredientId": "3", "quantity": "1 1/2", "measurement": " ", "ingredientName": "cream",
                 "size": "", "preparation": null, "note": "cold", "unparsed": false, "extra": {}},
                {"quantity": 0.25, "ingredientName": "sugar", "unparsed": true},
                {"quantity": 2E2, "ingredientName": "milk", "measurement": "ml"}
            ],
            "steps": [{"stepId": 1, "stepText": "Heat\tgently."}, {"stepText": ""}]
        }"#;
        let document = read(json).expect("read here");
        assert_eq!(Some(&document), serde_reading(json).as_ref());
        assert_eq!(&*document.recipe_name, "Crème \"brûlée\" 🍮/\\\n");
        assert_eq!(document.recipe_id, Some(12));
        assert_eq!(document.rating, Some(4.5));
        assert_eq!(document.make_id, Some(7));
        assert_eq!(document.notes.as_deref(), Some("  "));
        assert_eq!(document.ingredients[0].measurement, None);
        assert_eq!(document.ingredients[0].quantity.map(|q| q.low()), Some(1.5));
        assert_eq!(
            document.ingredients[2].quantity.map(|q| q.low()),
            Some(200.0)
        );
        assert_eq!(&*document.steps[0].step_text, "Heat\tgently.");
    }

    /// A word's end is found wherever in it the special byte is, and past
    /// any byte that is not one.
    #[test]
    fn plain_runs_end_at_the_first_special_byte() {
        for length in 0..40 {
            let plain = "é".repeat(length / 2) + &"a".repeat(length % 2);
            for end in ["\"", "\\", "\u{1}", "\u{1f}"] {
                let text = format!("{plain}{end}\"tail");
                assert_eq!(plain_run(text.as_bytes()), plain.len(), "{text:?}");
            }
            assert_eq!(plain_run(plain.as_bytes()), plain.len());
        }
        // Bytes just beside the special ones are plain.
        let near = "\u{20}!#[]^\u{7f}\u{80}";
        assert_eq!(plain_run(near.as_bytes()), near.len());
    }

    /// A JSON text written with a stream of choices: where to put
    /// whitespace and which escapes to use.
    struct Writer {
        out: String,
        choices: Vec<u8>,
        next: usize,
    }

    impl Writer {
        fn choose(&mut self, among: u8) -> u8 {
            let choice = self.choices.get(self.next).copied().unwrap_or(0);
            self.next += 1;
            choice % among
        }

        fn space(&mut self) {
            let space = [" ", "", "\n  ", "\t", "\r\n", ""][usize::from(self.choose(6))];
            self.out.push_str(space);
        }

        fn string(&mut self, text: &str) {
            self.out.push('"');
            for c in text.chars() {
                match (c, self.choose(4)) {
                    ('"', _) => self.out.push_str("\\\""),
                    ('\\', _) => self.out.push_str("\\\\"),
                    ('/', 0) => self.out.push_str("\\/"),
                    ('\n', 0) => self.out.push_str("\\n"),
                    // Now and then a raw control character, which serde
                    // refuses.
                    (c, 1) if u32::from(c) < 0x20 && self.choose(8) == 0 => self.out.push(c),
                    (c, _) if u32::from(c) < 0x20 => {
                        let _ = write!(self.out, "\\u{:04x}", u32::from(c));
                    }
                    (c, 0) => {
                        let mut units = [0; 2];
                        for unit in c.encode_utf16(&mut units) {
                            let _ = write!(self.out, "\\u{unit:04X}");
                        }
                    }
                    (c, _) => self.out.push(c),
                }
            }
            self.out.push('"');
        }

        fn value(&mut self, value: &Value) {
            self.space();
            match value {
                Value::Raw(raw) => self.out.push_str(raw),
                Value::Text(text) => self.string(text),
                Value::Array(items) => {
                    self.out.push('[');
                    for (i, item) in items.iter().enumerate() {
                        if i > 0 {
                            self.out.push(',');
                        }
                        self.value(item);
                    }
                    self.space();
                    self.out.push(']');
                }
                Value::Object(members) => {
                    self.out.push('{');
                    for (i, (key, item)) in members.iter().enumerate() {
                        if i > 0 {
                            self.out.push(',');
                        }
                        self.space();
                        self.string(key);
                        self.space();
                        self.out.push(':');
                        self.value(item);
                    }
                    self.space();
                    self.out.push('}');
                }
            }
            self.space();
        }
    }

    /// A JSON value to write.
    #[derive(Debug, Clone)]
    enum Value {
        /// Written as it is: a number, a literal.
        Raw(String),
        Text(String),
        Array(Vec<Value>),
        Object(Vec<(String, Value)>),
    }

    /// Text with the characters JSON strings make hard.
    fn text() -> impl Strategy<Value = String> {
        let char = prop_oneof![
            4 => proptest::char::range('a', 'z'),
            1 => Just(' '),
            1 => prop::sample::select(vec!['"', '\\', '/', '\n', '\t', '\u{1}', 'é', '½', '🍮', '\u{7f}']),
            1 => any::<char>(),
        ];
        prop::collection::vec(char, 0..12).prop_map(|chars| chars.into_iter().collect())
    }

    /// Numbers as this reader reads them: whole ones of up to 18 digits,
    /// and short decimals.
    fn number() -> impl Strategy<Value = String> {
        prop_oneof![
            (-1000i64..100_000).prop_map(|n| if n == 0 {
                "0".to_owned()
            } else {
                n.to_string()
            }),
            (0u64..=999_999_999_999_999_999).prop_map(|n| n.to_string()),
            (-50i32..50, 0u32..100_000, 1usize..6).prop_map(|(whole, fraction, digits)| {
                let fraction = format!("{fraction:05}");
                let sign = if whole < 0 { "-" } else { "" };
                format!(
                    "{sign}{}.{}",
                    whole.unsigned_abs(),
                    &fraction[..digits.min(5)]
                )
            }),
            (
                1u32..100,
                prop::sample::select(vec!["e2", "E-1", "e+0", "e10"])
            )
                .prop_map(|(n, exponent)| format!("{n}{exponent}")),
        ]
    }

    /// A value of the wrong kind for a field, now and then.
    fn wrong() -> impl Strategy<Value = Value> {
        prop_oneof![
            Just(Value::Raw("true".to_owned())),
            Just(Value::Raw("-0".to_owned())),
            Just(Value::Text("seven".to_owned())),
            Just(Value::Array(Vec::new())),
            number().prop_map(|n| Value::Raw(format!("-{}", n.trim_start_matches('-')))),
        ]
    }

    /// An id: whole numbers mostly, as numbers or text, or null.
    fn id() -> impl Strategy<Value = Value> {
        prop_oneof![
            8 => (0u64..=999_999_999_999_999_999).prop_map(|n| Value::Raw(n.to_string())),
            2 => (1u32..1000).prop_map(|n| Value::Text(format!(" {n}"))),
            1 => Just(Value::Raw("7.0".to_owned())),
            1 => Just(Value::Raw("null".to_owned())),
            1 => wrong(),
        ]
    }

    /// A number field's value (a rating, an amount): numbers mostly, as
    /// numbers or text, or null.
    fn amount() -> impl Strategy<Value = Value> {
        prop_oneof![
            8 => number().prop_map(Value::Raw),
            2 => prop::sample::select(vec!["1 1/2", "½", "2-3", "0.5", " 3 ", "1e2"])
                .prop_map(|text| Value::Text(text.to_owned())),
            1 => Just(Value::Raw("null".to_owned())),
            1 => wrong(),
        ]
    }

    /// A boolean field's value.
    fn flag() -> impl Strategy<Value = Value> {
        prop_oneof![
            8 => prop::sample::select(vec!["true", "false"]).prop_map(|b| Value::Raw(b.to_owned())),
            1 => wrong(),
        ]
    }

    /// A string field's value: text mostly, sometimes null.
    fn text_value() -> impl Strategy<Value = Value> {
        prop_oneof![
            12 => text().prop_map(Value::Text),
            1 => Just(Value::Raw("null".to_owned())),
            1 => wrong(),
        ]
    }

    /// Any JSON value, nested a little.
    fn any_value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            number().prop_map(Value::Raw),
            text().prop_map(Value::Text),
            prop::sample::select(vec!["true", "false", "null"])
                .prop_map(|b| Value::Raw(b.to_owned())),
        ];
        leaf.prop_recursive(3, 12, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                prop::collection::vec((text(), inner), 0..4).prop_map(Value::Object),
            ]
        })
    }

    /// An object with `fields` (the first one nearly always there, the
    /// others as often as not), a few unknown members, in any order, now
    /// and then one member twice.
    fn object(fields: Vec<(&'static str, BoxedStrategy<Value>)>) -> BoxedStrategy<Value> {
        let known: Vec<_> = fields
            .into_iter()
            .enumerate()
            .map(|(i, (key, value))| {
                let present = if i == 0 { 0.97 } else { 0.5 };
                prop::option::weighted(present, value.prop_map(move |v| (key.to_owned(), v)))
            })
            .collect();
        let unknown = prop::collection::vec((text(), any_value()), 0..3);
        (known, unknown, any::<prop::sample::Index>(), 0u8..20)
            .prop_flat_map(|(known, unknown, doubled, chance)| {
                let mut members: Vec<_> = known.into_iter().flatten().chain(unknown).collect();
                if chance == 0 && !members.is_empty() {
                    let again = members[doubled.index(members.len())].clone();
                    members.push(again);
                }
                Just(members).prop_shuffle()
            })
            .prop_map(Value::Object)
            .boxed()
    }

    fn ingredient() -> BoxedStrategy<Value> {
        object(vec![
            ("ingredientName", text_value().boxed()),
            ("ingredientId", id().boxed()),
            ("quantity", amount().boxed()),
            ("measurement", text_value().boxed()),
            ("size", text_value().boxed()),
            ("preparation", text_value().boxed()),
            ("note", text_value().boxed()),
            ("unparsed", flag().boxed()),
        ])
    }

    fn step() -> BoxedStrategy<Value> {
        object(vec![
            ("stepText", text_value().boxed()),
            ("stepId", id().boxed()),
        ])
    }

    /// A list field: a list of its items mostly.
    fn list(item: BoxedStrategy<Value>) -> BoxedStrategy<Value> {
        prop_oneof![
            12 => prop::collection::vec(item, 0..4).prop_map(Value::Array),
            1 => wrong(),
        ]
        .boxed()
    }

    fn document() -> BoxedStrategy<Value> {
        object(vec![
            ("recipeName", text_value().boxed()),
            ("recipeId", id().boxed()),
            ("rating", amount().boxed()),
            ("ingredients", list(ingredient())),
            ("steps", list(step())),
            ("makeId", id().boxed()),
            ("recipeVersion", id().boxed()),
            ("madeAt", text_value().boxed()),
            ("notes", text_value().boxed()),
        ])
    }

    /// A generated document as text.
    fn written() -> impl Strategy<Value = String> {
        (document(), prop::collection::vec(any::<u8>(), 0..512)).prop_map(|(value, choices)| {
            let mut writer = Writer {
                out: String::new(),
                choices,
                next: 0,
            };
            writer.value(&value);
            writer.out
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]

        /// On documents whose numbers it reads and whose escapes are whole
        /// characters, this reader answers exactly when serde's reading
        /// reads a document, with that document.
        #[test]
        fn reads_what_serde_reads(json in written()) {
            prop_assert_eq!(read(&json), serde_reading(&json), "{}", json);
        }

        /// Damaged anywhere, a document this reader still reads is the one
        /// serde's reading reads.
        #[test]
        fn damaged_documents_are_read_as_serde_reads_them_or_left_to_it(
            json in written(),
            at in any::<prop::sample::Index>(),
            damage in 0u8..3,
            byte in prop::sample::select(b"{}[],:\"\\ 0-.eE/un\x01".to_vec()),
        ) {
            let mut bytes = json.into_bytes();
            let at = at.index(bytes.len() + 1);
            match damage {
                0 => bytes.truncate(at),
                1 => bytes.insert(at, byte),
                _ => {
                    if at < bytes.len() {
                        bytes.remove(at);
                    }
                }
            }
            // Damage may split a character: such bytes are no text.
            if let Ok(json) = String::from_utf8(bytes) {
                if let Some(document) = read(&json) {
                    prop_assert_eq!(Some(document), serde_reading(&json), "{}", json);
                }
            }
        }
    }
}
