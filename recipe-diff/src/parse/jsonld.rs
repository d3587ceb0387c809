//! schema.org `Recipe` JSON-LD, as web pages embed it.
//!
//! We find the Recipe node wherever sites put it: the document itself, a
//! top-level array of nodes, a `@graph`, or a page's `mainEntity`. Its
//! `@type` may be `"Recipe"`, an array such as `["Recipe", "NewsArticle"]`,
//! or a full IRI such as `http://schema.org/Recipe`. From it we read:
//!
//! - `name` (or `headline` when the name is missing);
//! - `recipeIngredient`, or the legacy `ingredients`, each line read by
//!   [`parse_ingredient_line`](super::parse_ingredient_line); blank lines
//!   and headings such as `For the sauce:` are skipped;
//! - `recipeInstructions`: text (split into steps at line breaks), an array
//!   of texts, `HowToStep`s (their `text`, else their `name`), and
//!   `HowToSection`s, whose steps are flattened in order;
//! - `aggregateRating.ratingValue`, scaled to 0–5 when `bestRating` is not 5.
//!
//! Texts lose their HTML tags and have their entities decoded (`&amp;`,
//! `&#39;`, `&nbsp;`). Ingredient and step ids are 1-based positions: an
//! ingredient's id is its position in the document's list, so a skipped
//! heading leaves a gap rather than renumbering what follows.
//!
//! `identifier` and `@id` are not recipe ids: they are page URLs or
//! publisher codes, not the cook's numbering, so `recipe_id` stays `None`.

use serde_json::{Map, Value};

use crate::error::{Error, Result};
use crate::model::{Ingredient, Make, Recipe, Step};

use super::ingredient_line::parse_ingredient_line_at;
use super::{Parsed, Warning, reason};

/// Reads `json` as JSON-LD when it looks like JSON-LD; `None` otherwise, so
/// the caller can report its own format's error.
pub(super) fn parse_if_jsonld(json: &str) -> Option<Result<Parsed<Make>>> {
    let value: Value = serde_json::from_str(json).ok()?;
    looks_like_jsonld(&value).then(|| parse_document(&value))
}

/// Whether the document is JSON-LD (or a bare schema.org Recipe node), as
/// opposed to a native document with mistakes in it.
fn looks_like_jsonld(value: &Value) -> bool {
    match value {
        Value::Object(node) => is_node(node),
        Value::Array(nodes) => nodes.iter().any(|n| n.as_object().is_some_and(is_node)),
        _ => false,
    }
}

/// A JSON-LD node has keywords (`@context`, `@type`, `@graph`); a Recipe
/// node pasted without them still has the Recipe's own properties.
fn is_node(node: &Map<String, Value>) -> bool {
    node.keys().any(|key| key.starts_with('@'))
        || node.contains_key("recipeIngredient")
        || node.contains_key("recipeInstructions")
}

/// Reads the Recipe node of a JSON-LD document. Only a document without a
/// Recipe, or a Recipe without a name, is an error: what cannot be read
/// inside a Recipe is read around, with a [`Warning`].
pub(super) fn parse_document(value: &Value) -> Result<Parsed<Make>> {
    let (path, node) = find_recipe(value, String::new()).ok_or(Error::NoRecipe)?;
    let mut node = RecipeNode {
        node,
        path,
        warnings: Vec::new(),
    };
    let recipe_name = node.name()?;
    let ingredients = node.ingredients();
    let steps = node.steps();
    let recipe = Recipe {
        recipe_name: recipe_name.into(),
        recipe_id: None,
        rating: node.rating(),
        ingredients,
        steps,
    };
    Ok(Parsed {
        value: Make {
            recipe,
            ..Make::default()
        },
        warnings: node.warnings,
    })
}

/// The first Recipe node, depth first, with its JSON path (empty for the
/// document itself, `@graph[2]` inside a graph).
fn find_recipe(value: &Value, path: String) -> Option<(String, &Map<String, Value>)> {
    match value {
        Value::Array(nodes) => nodes
            .iter()
            .enumerate()
            .find_map(|(index, node)| find_recipe(node, format!("{path}[{index}]"))),
        Value::Object(node) => {
            if is_recipe(node) {
                return Some((path, node));
            }
            ["@graph", "mainEntity"].iter().find_map(|key| {
                node.get(*key)
                    .and_then(|inner| find_recipe(inner, join(&path, key)))
            })
        }
        _ => None,
    }
}

/// Whether a node is a Recipe: by its `@type`, or, without one, by having
/// a Recipe's properties.
fn is_recipe(node: &Map<String, Value>) -> bool {
    match node.get("@type") {
        Some(Value::String(name)) => is_recipe_type(name),
        Some(Value::Array(names)) => names.iter().filter_map(Value::as_str).any(is_recipe_type),
        None => node.contains_key("recipeIngredient") || node.contains_key("recipeInstructions"),
        Some(_) => false,
    }
}

/// `Recipe`, `schema:Recipe`, `http://schema.org/Recipe`, `https://schema.org/Recipe/`.
fn is_recipe_type(name: &str) -> bool {
    has_type_name(name, "Recipe")
}

/// Whether the type `name`, possibly an IRI or prefixed, ends in `wanted`.
fn has_type_name(name: &str, wanted: &str) -> bool {
    let name = name.trim().trim_end_matches('/');
    let local = name.rsplit(['/', '#', ':']).next().unwrap_or(name);
    local.eq_ignore_ascii_case(wanted)
}

/// Whether a node's `@type` (a string or an array) is one of `wanted`.
fn has_type(node: &Map<String, Value>, wanted: &[&str]) -> bool {
    let matches = |name: &str| wanted.iter().any(|w| has_type_name(name, w));
    match node.get("@type") {
        Some(Value::String(name)) => matches(name),
        Some(Value::Array(names)) => names.iter().filter_map(Value::as_str).any(matches),
        _ => false,
    }
}

/// `path.key`, or `key` at the top.
fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

/// A position as a 1-based id.
fn id(position: usize) -> Option<i64> {
    i64::try_from(position).ok()?.checked_add(1)
}

/// The Recipe node and where it is in the document, for error paths, and
/// what we read around so far.
struct RecipeNode<'a> {
    node: &'a Map<String, Value>,
    path: String,
    warnings: Vec<Warning>,
}

impl RecipeNode<'_> {
    fn path(&self, key: &str) -> String {
        join(&self.path, key)
    }

    fn warn(&mut self, path: impl Into<String>, input: &Value, message: impl Into<String>) {
        let input = match input {
            Value::String(text) => text.clone(),
            other => other.to_string(),
        };
        self.warnings.push(Warning {
            path: path.into(),
            input,
            message: message.into(),
        });
    }

    fn name(&self) -> Result<String> {
        for key in ["name", "headline"] {
            let text = match self.node.get(key) {
                None | Some(Value::Null) => continue,
                Some(Value::String(text)) => text,
                // Some sites give one name per language; the first will do.
                Some(Value::Array(texts)) => match texts.iter().find_map(Value::as_str) {
                    Some(text) => text,
                    None => continue,
                },
                Some(_) => {
                    return Err(Error::invalid(
                        self.path(key),
                        "expected the recipe's name as text",
                    ));
                }
            };
            let name = clean_line(text);
            if !name.is_empty() {
                return Ok(name);
            }
        }
        Err(Error::invalid(self.path("name"), "a Recipe needs a name"))
    }

    fn ingredients(&mut self) -> Vec<Ingredient> {
        let node = self.node;
        let Some((key, value)) = ["recipeIngredient", "ingredients"]
            .iter()
            .find_map(|key| Some((*key, node.get(*key).filter(|v| !v.is_null())?)))
        else {
            return Vec::new();
        };
        let base = self.path(key);
        let mut ingredients = Vec::new();
        match value {
            Value::Array(lines) => {
                for (position, line) in lines.iter().enumerate() {
                    let path = format!("{base}[{position}]");
                    let text = match line {
                        Value::String(line) => clean_line(line),
                        Value::Null => continue,
                        // `3` for three eggs, or a `HowToSupply` node: the
                        // text they hold is still a line.
                        Value::Number(number) => number.to_string(),
                        Value::Object(item) => match ["text", "name"]
                            .iter()
                            .find_map(|k| item.get(*k).and_then(Value::as_str))
                        {
                            Some(text) => clean_line(text),
                            None => {
                                self.warn(path, line, "skipped: not an ingredient line");
                                continue;
                            }
                        },
                        _ => {
                            self.warn(path, line, "skipped: not an ingredient line");
                            continue;
                        }
                    };
                    ingredients.extend(self.ingredient(&text, position, &path));
                }
            }
            // One text holding every line.
            Value::String(text) => {
                for (position, line) in clean_lines(text).iter().enumerate() {
                    let path = format!("{base} (line {})", position + 1);
                    ingredients.extend(self.ingredient(line, position, &path));
                }
            }
            _ => self.warn(base, value, "skipped: not a list of ingredient lines"),
        }
        ingredients
    }

    /// One ingredient line at `position` (0-based) of the list; `None` for
    /// a blank line or a heading such as `For the sauce:`. A line we cannot
    /// understand is kept as written, with a warning.
    fn ingredient(&mut self, line: &str, position: usize, path: &str) -> Option<Ingredient> {
        if line.is_empty() || line.ends_with(':') {
            return None;
        }
        let mut ingredient = match parse_ingredient_line_at(line, path) {
            Ok(ingredient) => ingredient,
            Err(error) => {
                self.warnings.push(Warning {
                    path: path.to_owned(),
                    input: line.to_owned(),
                    message: format!("kept as written: {}", reason(&error)),
                });
                Ingredient::as_written(line)
            }
        };
        ingredient.ingredient_id = id(position);
        Some(ingredient)
    }

    fn steps(&mut self) -> Vec<Step> {
        let mut texts = Vec::new();
        if let Some(value) = self.node.get("recipeInstructions") {
            let path = self.path("recipeInstructions");
            collect_steps(value, &path, &mut texts, &mut self.warnings);
        }
        texts
            .into_iter()
            .enumerate()
            .map(|(position, step_text)| Step {
                step_id: id(position),
                step_text: step_text.into(),
            })
            .collect()
    }

    /// The rating out of 5; a rating we cannot read is left out, with a
    /// warning, and an empty list of ratings is no rating.
    fn rating(&mut self) -> Option<f64> {
        let path = self.path("aggregateRating");
        let value = self.node.get("aggregateRating")?;
        match read_rating(value, &path) {
            Ok(rating) => rating,
            Err(error) => {
                let (path, input) = match &error {
                    // The value at fault: `ratingValue` or `bestRating` of
                    // the rating (the first, in a list).
                    Error::Invalid { path, .. } => {
                        let rating = match value {
                            Value::Array(ratings) => ratings.first().unwrap_or(value),
                            _ => value,
                        };
                        let key = path.rsplit('.').next().unwrap_or_default();
                        (path.clone(), rating.get(key).unwrap_or(value).clone())
                    }
                    _ => (path, value.clone()),
                };
                self.warn(path, &input, format!("rating left out: {}", reason(&error)));
                None
            }
        }
    }
}

/// An `aggregateRating` value as a rating out of 5.
fn read_rating(value: &Value, path: &str) -> Result<Option<f64>> {
    let (value, best) = match value {
        Value::Null => return Ok(None),
        Value::Object(rating) => (rating.get("ratingValue"), rating.get("bestRating")),
        // Some sites give a list, often empty; the first rating will do.
        Value::Array(ratings) => {
            return match ratings.iter().find(|r| !r.is_null()) {
                Some(first) => read_rating(first, &format!("{path}[0]")),
                None => Ok(None),
            };
        }
        // A bare number or text: a rating out of 5.
        value @ (Value::Number(_) | Value::String(_)) => (Some(value), None),
        Value::Bool(_) => return Err(Error::invalid(path, "expected an AggregateRating")),
    };
    let value_path = format!("{path}.ratingValue");
    let Some(value) = number(value, &value_path)? else {
        return Ok(None);
    };
    let best_path = format!("{path}.bestRating");
    let best = number(best, &best_path)?.unwrap_or(5.0);
    if best <= 0.0 {
        return Err(Error::invalid(
            best_path,
            format!("bestRating {best} is not above zero"),
        ));
    }
    if !(0.0..=best).contains(&value) {
        return Err(Error::invalid(
            value_path,
            format!("rating {value} is outside 0 to {best}"),
        ));
    }
    // Only rescale when needed, so a 4.7 out of 5 stays exactly 4.7.
    Ok(Some(if best == 5.0 {
        value
    } else {
        value * 5.0 / best
    }))
}

/// A number, or a number as text (`"4.5"`, `"4,5"`); `None` when absent.
fn number(value: Option<&Value>, path: &str) -> Result<Option<f64>> {
    let parsed = match value {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Number(number)) => number.as_f64(),
        Some(Value::String(text)) => {
            let text = text.trim();
            if text.is_empty() {
                return Ok(None);
            }
            text.parse::<f64>()
                .or_else(|_| text.replace(',', ".").parse::<f64>())
                .ok()
        }
        Some(_) => None,
    };
    match parsed.filter(|n| n.is_finite()) {
        Some(number) => Ok(Some(number)),
        None => Err(Error::invalid(
            path,
            format!(
                "expected a number, found {}",
                value.map_or(Value::Null, Clone::clone)
            ),
        )),
    }
}

/// Appends the steps in `value` to `steps`, flattening sections in order.
/// What cannot be a step is skipped, with a warning.
fn collect_steps(value: &Value, path: &str, steps: &mut Vec<String>, warnings: &mut Vec<Warning>) {
    match value {
        Value::Null => {}
        // Bare text is split at line breaks: sites put whole methods in one
        // string, often numbered.
        Value::String(text) => steps.extend(
            clean_lines(text)
                .iter()
                .map(|line| strip_step_number(line).to_owned())
                .filter(|line| !line.is_empty()),
        ),
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                collect_steps(item, &format!("{path}[{index}]"), steps, warnings);
            }
        }
        Value::Object(node) => {
            let items = node.get("itemListElement");
            if has_type(node, &["HowToSection", "ItemList"]) {
                if let Some(items) = items {
                    collect_steps(items, &join(path, "itemListElement"), steps, warnings);
                }
                return;
            }
            // A HowToStep (or HowToDirection, HowToTip, an untyped step) is
            // one step by definition, whatever line breaks its text has.
            let text = ["text", "name"]
                .iter()
                .find_map(|key| node.get(*key).and_then(Value::as_str));
            match (text, items) {
                (Some(text), _) => {
                    let text = clean_line(text);
                    if !text.is_empty() {
                        steps.push(text);
                    }
                }
                // A step made of directions.
                (None, Some(items)) => {
                    collect_steps(items, &join(path, "itemListElement"), steps, warnings);
                }
                (None, None) => warnings.push(Warning {
                    path: path.to_owned(),
                    input: value.to_string(),
                    message: "skipped: a HowToStep needs a text or a name".to_owned(),
                }),
            }
        }
        Value::Bool(_) | Value::Number(_) => warnings.push(Warning {
            path: path.to_owned(),
            input: value.to_string(),
            message: "skipped: expected text, a HowToStep or a HowToSection".to_owned(),
        }),
    }
}

/// `1. Preheat`, `2) Mix`, `Step 3: Bake` without their numbers; a line
/// that only starts with a number (`350 degrees`) is left alone.
fn strip_step_number(line: &str) -> &str {
    let unprefixed = match line.get(..5) {
        Some(word) if word.eq_ignore_ascii_case("step ") => line.get(5..).unwrap_or_default(),
        _ => line,
    };
    let digits = unprefixed.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || digits > 3 {
        return line;
    }
    let after = unprefixed.get(digits..).unwrap_or_default();
    let mut chars = after.chars();
    match (chars.next(), chars.next()) {
        (Some('.' | ')' | ':'), Some(c)) if c.is_whitespace() => chars.as_str().trim_start(),
        (Some('.' | ')' | ':'), None) => "",
        // `Step 3 Bake`: the word says it is a number.
        (Some(c), _) if c.is_whitespace() && unprefixed.len() < line.len() => after.trim_start(),
        _ => line,
    }
}

/// One line of text: HTML removed, entities decoded, whitespace collapsed.
fn clean_line(html: &str) -> String {
    collapse_whitespace(&html_to_text(html))
}

/// Lines of text (block tags such as `<p>` and `<br>` end lines), each
/// cleaned like [`clean_line`], blank lines dropped.
fn clean_lines(html: &str) -> Vec<String> {
    html_to_text(html)
        .split(['\n', '\r'])
        .map(collapse_whitespace)
        .filter(|line| !line.is_empty())
        .collect()
}

fn collapse_whitespace(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Tags that end a line of text.
const BLOCK_TAGS: [&str; 18] = [
    "p",
    "br",
    "div",
    "li",
    "ol",
    "ul",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "tr",
    "hr",
    "section",
    "article",
    "blockquote",
    "table",
];

/// Removes tags (a block tag becomes a line break) and decodes entities.
/// A `<` that does not start a tag (`< 5 minutes`) is kept as text.
fn html_to_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    // Once no `>` is left, no later `<` can open a tag; remembering that
    // keeps the scan linear on text full of `<`.
    let mut closing_left = true;
    while let Some(index) = rest.find(['<', '&']) {
        out.push_str(rest.get(..index).unwrap_or_default());
        let tail = rest.get(index..).unwrap_or_default();
        let consumed = if tail.starts_with('<') {
            match tag(tail, &mut closing_left) {
                Some((length, is_block)) => {
                    if is_block {
                        out.push('\n');
                    }
                    length
                }
                None => {
                    out.push('<');
                    1
                }
            }
        } else {
            match entity(tail) {
                Some((length, decoded)) => {
                    out.push(decoded);
                    length
                }
                None => {
                    out.push('&');
                    1
                }
            }
        };
        rest = tail.get(consumed..).unwrap_or_default();
    }
    out.push_str(rest);
    out
}

/// The length of the tag at the start of `text` and whether it ends a line.
fn tag(text: &str, closing_left: &mut bool) -> Option<(usize, bool)> {
    let inner = text.get(1..)?;
    if !inner.starts_with(|c: char| c.is_ascii_alphabetic() || c == '/' || c == '!') {
        return None;
    }
    if !*closing_left {
        return None;
    }
    let Some(close) = text.find('>') else {
        *closing_left = false;
        return None;
    };
    let name: String = inner
        .trim_start_matches('/')
        .chars()
        .take_while(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    Some((close + 1, BLOCK_TAGS.contains(&name.as_str())))
}

/// The length of the entity at the start of `text` and its character.
fn entity(text: &str) -> Option<(usize, char)> {
    // The longest entity we know, `&#x10FFFF;`, is ten bytes.
    let semicolon = text
        .get(1..)?
        .char_indices()
        .take(12)
        .find(|&(_, c)| c == ';')?
        .0
        + 1;
    let name = text.get(1..semicolon)?;
    let decoded = match name.strip_prefix('#') {
        Some(number) => {
            let code = match number.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => number.parse::<u32>().ok()?,
            };
            char::from_u32(code).filter(|&c| c != '\0')?
        }
        None => named_entity(name)?,
    };
    Some((semicolon + 1, decoded))
}

/// The named entities recipe pages use.
fn named_entity(name: &str) -> Option<char> {
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" | "ensp" | "emsp" | "thinsp" => ' ',
        "ndash" => '–',
        "mdash" => '—',
        "minus" => '−',
        "lsquo" => '‘',
        "rsquo" => '’',
        "ldquo" => '“',
        "rdquo" => '”',
        "laquo" => '«',
        "raquo" => '»',
        "hellip" => '…',
        "bull" => '•',
        "middot" => '·',
        "deg" => '°',
        "times" => '×',
        "frasl" => '⁄',
        "frac12" | "half" => '½',
        "frac14" => '¼',
        "frac34" => '¾',
        "frac13" => '⅓',
        "frac23" => '⅔',
        "frac18" => '⅛',
        "frac38" => '⅜',
        "frac58" => '⅝',
        "frac78" => '⅞',
        "copy" => '©',
        "reg" => '®',
        "trade" => '™',
        "aacute" => 'á',
        "agrave" => 'à',
        "acirc" => 'â',
        "auml" => 'ä',
        "eacute" => 'é',
        "Eacute" => 'É',
        "egrave" => 'è',
        "ecirc" => 'ê',
        "euml" => 'ë',
        "iacute" => 'í',
        "icirc" => 'î',
        "iuml" => 'ï',
        "oacute" => 'ó',
        "ocirc" => 'ô',
        "ouml" => 'ö',
        "uacute" => 'ú',
        "ucirc" => 'û',
        "uuml" => 'ü',
        "ccedil" => 'ç',
        "ntilde" => 'ñ',
        "szlig" => 'ß',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::{parse_make, parse_recipe, parse_recipe_with_warnings};

    const PLAIN: &str = include_str!("../../tests/data/jsonld/plain.json");
    const GRAPH: &str = include_str!("../../tests/data/jsonld/graph.json");
    const STRING_INSTRUCTIONS: &str =
        include_str!("../../tests/data/jsonld/string_instructions.json");
    const MIXED_TYPE: &str = include_str!("../../tests/data/jsonld/mixed_type.json");

    fn recipe(json: &str) -> Recipe {
        match parse_recipe(json) {
            Ok(recipe) => recipe,
            Err(error) => panic!("should parse: {error}"),
        }
    }

    fn failure(json: &str) -> String {
        match parse_recipe(json) {
            Ok(recipe) => panic!("should fail, read {recipe:?}"),
            Err(error) => error.to_string(),
        }
    }

    fn texts(recipe: &Recipe) -> Vec<&str> {
        recipe.steps.iter().map(|s| s.step_text.as_ref()).collect()
    }

    /// Each ingredient as `id: quantity | measurement | name | note`.
    fn lines(recipe: &Recipe) -> Vec<String> {
        recipe
            .ingredients
            .iter()
            .map(|i| {
                format!(
                    "{}: {} | {} | {} | {}",
                    i.ingredient_id.unwrap_or_default(),
                    i.quantity.map(|q| q.to_string()).unwrap_or_default(),
                    i.measurement.as_deref().unwrap_or_default(),
                    i.full_name(),
                    i.remarks().unwrap_or_default(),
                )
            })
            .collect()
    }

    #[test]
    fn reads_a_plain_recipe() {
        let recipe = recipe(PLAIN);
        assert_eq!(&*recipe.recipe_name, "Classic Banana Bread");
        // `identifier` and `@id` are the publisher's, not the cook's ids.
        assert_eq!(recipe.recipe_id, None);
        assert_eq!(recipe.rating, Some(4.7));
        assert_eq!(
            lines(&recipe),
            [
                "1: 3 |  | ripe bananas | mashed",
                "2: 1/3 | cup | butter | melted",
                "3: 1 | tsp | baking soda | ",
                "4: 1 | pinch | salt | ",
                "5: 3/4 | cup | sugar | ",
                "6: 1 |  | large egg | beaten",
                "7: 1 | tsp | vanilla extract | ",
                "8: 1 1/2 | cups | all-purpose flour | ",
            ]
        );
        assert_eq!(
            texts(&recipe),
            [
                "Preheat the oven to 350°F (175°C) and butter a 4x8-inch loaf pan.",
                "In a mixing bowl, mash the bananas with a fork until smooth.",
                "Stir in the melted butter, then the baking soda and salt.",
                "Mix in the sugar, beaten egg & vanilla extract.",
                "Mix in the flour. Pour the batter into the pan and bake for 55–65 minutes.",
            ]
        );
        let ids: Vec<_> = recipe.steps.iter().map(|s| s.step_id).collect();
        assert_eq!(ids, [Some(1), Some(2), Some(3), Some(4), Some(5)]);
    }

    #[test]
    fn reads_a_graph_with_sections() {
        let recipe = recipe(GRAPH);
        assert_eq!(&*recipe.recipe_name, "Weeknight Tomato Spaghetti");
        assert_eq!(recipe.recipe_id, None);
        // 9 out of 10.
        assert_eq!(recipe.rating, Some(4.5));
        assert_eq!(
            lines(&recipe),
            [
                "1: 1 | lb | spaghetti | ",
                // 2 is the heading "For the sauce:".
                "3: 2-3 | tbsp | olive oil | ",
                "4: 3 | cloves | garlic | minced",
                "5: 1/2 | tsp | red pepper flakes | ",
                "6: 1 | can | 14.5 oz tomatoes | diced, drained",
                "7: 1 1/3 | tablespoon | sugar | 1 tablespoon + 1 teaspoon",
                "8:  |  | salt | to taste",
                "9:  |  | Parmesan | to serve",
            ]
        );
        assert_eq!(
            texts(&recipe),
            [
                "Heat the olive oil in a large skillet over medium heat.",
                "Add the garlic and pepper flakes; cook until fragrant, about 1 minute.",
                "Stir in the tomatoes & sugar and simmer 15 minutes. Season with salt.",
                "Cook the spaghetti in well-salted water until al dente.",
                "Toss the pasta with the sauce. Don't skimp on the Parmesan!",
            ]
        );
        let ids: Vec<_> = recipe.steps.iter().filter_map(|s| s.step_id).collect();
        assert_eq!(ids, [1, 2, 3, 4, 5]);
    }

    #[test]
    fn reads_instructions_given_as_one_text() {
        let recipe = recipe(STRING_INSTRUCTIONS);
        assert_eq!(&*recipe.recipe_name, "Simple Pancakes");
        assert_eq!(recipe.rating, Some(4.0));
        assert_eq!(
            lines(&recipe),
            [
                "1: 1 1/2 | cups | flour | ",
                "2: 3 1/2 | tsp | baking powder | ",
                "3: 1 | tbsp | sugar | ",
                "4: 1 1/4 | cups | milk | ",
                "5: 1 |  | egg | ",
                "6: 3 | tbsp | butter | melted",
            ]
        );
        assert_eq!(
            texts(&recipe),
            [
                "Whisk the flour, baking powder and sugar in a bowl.",
                "Make a well; pour in the milk, egg and melted butter. Mix until smooth.",
                "Heat a lightly oiled griddle over medium-high heat.",
                "Pour about ¼ cup of batter per pancake; brown on both sides.",
            ]
        );
    }

    #[test]
    fn reads_a_recipe_with_several_types_and_html() {
        let recipe = recipe(MIXED_TYPE);
        assert_eq!(&*recipe.recipe_name, "Mom's Lemon Bars");
        assert_eq!(recipe.rating, Some(4.5));
        assert_eq!(recipe.ingredients.len(), 5);
        assert_eq!(
            lines(&recipe).first().map(String::as_str),
            Some("1: 2 | cups | all-purpose flour | divided")
        );
        assert_eq!(
            texts(&recipe),
            [
                "Heat the oven to 350°F.",
                "Press the crust into the pan.",
                "Bake 20 minutes, until golden.",
                "Whisk the eggs, sugar, lemon juice & zest; pour over the crust.",
                "Bake 25 minutes more. Dust with powdered sugar.",
            ]
        );
    }

    #[test]
    fn reads_a_top_level_array_and_full_iri_types() {
        let recipe = recipe(
            r#"[{"@type": "WebPage", "name": "Page"},
                {"@context": "http://schema.org", "@type": "https://schema.org/Recipe/",
                 "name": "Tea", "recipeIngredient": ["1 tea bag", "250 ml water"],
                 "recipeInstructions": {"@type": "HowToStep", "text": "Steep."}}]"#,
        );
        assert_eq!(&*recipe.recipe_name, "Tea");
        assert_eq!(recipe.ingredients.len(), 2);
        assert_eq!(texts(&recipe), ["Steep."]);
    }

    #[test]
    fn finds_a_recipe_as_main_entity() {
        let recipe = recipe(
            r#"{"@context": "https://schema.org", "@type": "WebPage",
                "mainEntity": {"@type": "schema:Recipe", "name": "Toast"}}"#,
        );
        assert_eq!(&*recipe.recipe_name, "Toast");
        assert!(recipe.ingredients.is_empty() && recipe.steps.is_empty());
    }

    #[test]
    fn html_is_removed_and_entities_decoded() {
        assert_eq!(
            clean_line("<b>Don&#39;t</b> stir&nbsp;&amp;&#x2019;&frac12;&bogus; &lt;p&gt; a < b &"),
            "Don't stir &’½&bogus; <p> a < b &"
        );
        assert_eq!(
            clean_lines("<p>One</p><p>Two<br/>Three</p>\r\n\nFour"),
            ["One", "Two", "Three", "Four"]
        );
        assert_eq!(
            clean_line("<unclosed and &#0; &#xD800; &#99999999999;"),
            "<unclosed and &#0; &#xD800; &#99999999999;"
        );
        // Many `<` without any `>` stay text, quickly.
        let many = "<a".repeat(100_000);
        assert_eq!(clean_line(&many).len(), many.len());
    }

    #[test]
    fn step_numbers_are_stripped_from_text() {
        assert_eq!(strip_step_number("1. Preheat"), "Preheat");
        assert_eq!(strip_step_number("12) Mix"), "Mix");
        assert_eq!(strip_step_number("Step 3: Bake"), "Bake");
        assert_eq!(strip_step_number("step 4 Serve"), "Serve");
        assert_eq!(strip_step_number("350 degrees"), "350 degrees");
        assert_eq!(strip_step_number("1.5 cups"), "1.5 cups");
        assert_eq!(strip_step_number("Stepping"), "Stepping");
        assert_eq!(strip_step_number("ß1. é"), "ß1. é");
    }

    #[test]
    fn ratings_are_scaled_to_five() {
        let rated = |rating: &str| {
            parse_recipe_with_warnings(&format!(
                r#"{{"@type": "Recipe", "name": "R", "aggregateRating": {rating}}}"#
            ))
            .map(|parsed| {
                let warnings: Vec<String> = parsed.warnings.iter().map(|w| w.to_string()).collect();
                (parsed.value.rating, warnings)
            })
        };
        let clean = |rating: Option<f64>| Ok((rating, Vec::<String>::new()));
        assert_eq!(rated(r#"{"ratingValue": 4.2}"#), clean(Some(4.2)));
        assert_eq!(rated(r#"{"ratingValue": "4,5"}"#), clean(Some(4.5)));
        assert_eq!(
            rated(r#"{"ratingValue": 80, "bestRating": 100}"#),
            clean(Some(4.0))
        );
        assert_eq!(
            rated(r#"{"ratingValue": 3, "bestRating": "5"}"#),
            clean(Some(3.0))
        );
        assert_eq!(rated(r#"{"ratingCount": 0}"#), clean(None));
        assert_eq!(rated("4"), clean(Some(4.0)));
        assert_eq!(rated("null"), clean(None));
        // An empty list is no rating; a list gives its first.
        assert_eq!(rated("[]"), clean(None));
        assert_eq!(rated(r#"[{"ratingValue": 4}]"#), clean(Some(4.0)));
        // A rating we cannot read is left out, with a warning.
        assert_eq!(
            rated(r#"{"ratingValue": 7}"#),
            Ok((
                None,
                vec![
                    "aggregateRating.ratingValue: rating left out: rating 7 is outside 0 to 5 \
                     (\"7\")"
                        .to_owned()
                ]
            ))
        );
        let (rating, warnings) = rated(r#"{"ratingValue": "great"}"#).unwrap();
        assert_eq!(rating, None);
        assert!(
            warnings[0].starts_with(
                "aggregateRating.ratingValue: rating left out: expected a number, found \"great\""
            ),
            "{warnings:?}"
        );
        let (rating, warnings) = rated(r#"{"ratingValue": 1, "bestRating": 0}"#).unwrap();
        assert_eq!(rating, None);
        assert!(
            warnings[0].starts_with("aggregateRating.bestRating:"),
            "{warnings:?}"
        );
        assert_eq!(rated("true").unwrap().1.len(), 1);
    }

    #[test]
    fn what_cannot_be_read_is_read_around_with_warnings_naming_the_json_path() {
        let parsed = parse_recipe_with_warnings(
            r#"{"@graph": [{"@type": "WebPage"},
                {"@type": "Recipe", "name": "R",
                 "recipeIngredient": ["1 cup a", "2 cups b", "1/0 cup c", 3, true, {"name": "1 egg"}],
                 "recipeInstructions": [
                    {"@type": "HowToSection", "itemListElement": [{"@type": "HowToStep", "text": "ok"}, 3]},
                    {"@type": "HowToStep"}]}]}"#,
        )
        .unwrap();
        let recipe = &parsed.value;
        assert_eq!(
            lines(recipe),
            [
                "1: 1 | cup | a | ",
                "2: 2 | cups | b | ",
                "3:  |  | 1/0 cup c | ",
                "4:  |  | 3 | ",
                "6: 1 |  | egg | ",
            ]
        );
        let unparsed: Vec<bool> = recipe.ingredients.iter().map(|i| i.unparsed).collect();
        assert_eq!(unparsed, [false, false, true, true, false]);
        assert_eq!(texts(recipe), ["ok"]);
        let warnings: Vec<String> = parsed.warnings.iter().map(|w| w.to_string()).collect();
        assert_eq!(
            warnings,
            [
                "@graph[1].recipeIngredient[2]: kept as written: cannot read quantity \"1/0\": \
                 a fraction cannot have a zero denominator (\"1/0 cup c\")",
                "@graph[1].recipeIngredient[3]: kept as written: the line names no ingredient (\"3\")",
                "@graph[1].recipeIngredient[4]: skipped: not an ingredient line (\"true\")",
                "@graph[1].recipeInstructions[0].itemListElement[1]: \
                 skipped: expected text, a HowToStep or a HowToSection (\"3\")",
                "@graph[1].recipeInstructions[1]: skipped: a HowToStep needs a text or a name \
                 (\"{\\\"@type\\\":\\\"HowToStep\\\"}\")",
            ]
        );
        // The unparsed line is kept in the native JSON, flagged.
        let json = serde_json::to_value(&recipe.ingredients[2]).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"ingredientId": 3, "ingredientName": "1/0 cup c", "unparsed": true})
        );
        // Only what is not a recipe is an error.
        let error = failure(r#"{"@type": "Recipe", "recipeIngredient": []}"#);
        assert_eq!(error, "name: a Recipe needs a name");
    }

    #[test]
    fn the_lines_of_issue_16_parse() {
        let document = serde_json::json!({
            "@type": "Recipe", "name": "R", "aggregateRating": [],
            "recipeIngredient": [
                "0,5 tsk Cayennepeppar", "2,5 msk kakao", "1,1 l Gemüsebouillon",
                "0,5 dl mayonnaise", "0,5 Bund Frühlingszwiebel",
                "1, 14 oz can of sweetened condensed milk", "4- (8-ounce) Ramekins",
            ],
        });
        let parsed = parse_recipe_with_warnings(&document.to_string()).unwrap();
        assert!(parsed.warnings.is_empty(), "{:?}", parsed.warnings);
        assert_eq!(parsed.value.rating, None);
        assert_eq!(
            lines(&parsed.value),
            [
                "1: 1/2 | tsk | Cayennepeppar | ",
                "2: 2 1/2 | msk | kakao | ",
                "3: 1.1 | l | Gemüsebouillon | ",
                "4: 1/2 | dl | mayonnaise | ",
                "5: 1/2 | Bund | Frühlingszwiebel | ",
                "6: 1 | can | 14 oz sweetened condensed milk | ",
                "7: 4 |  | 8-ounce Ramekins | ",
            ]
        );
    }

    #[test]
    fn a_document_without_a_recipe_is_no_recipe() {
        let graph = r#"{"@context": "https://schema.org", "@graph": [{"@type": "WebPage", "name": "Home"}]}"#;
        assert_eq!(parse_recipe(graph), Err(Error::NoRecipe));
        assert_eq!(
            parse_recipe(r#"[{"@type": "Person"}]"#),
            Err(Error::NoRecipe)
        );
    }

    #[test]
    fn other_documents_keep_the_native_error() {
        // Neither native nor JSON-LD: the native error says what is missing.
        for json in [r#"{"name": "x"}"#, "[1, 2]", r#""text""#, "[]"] {
            let error = parse_recipe(json).unwrap_err();
            assert_ne!(error, Error::NoRecipe, "{json}");
            assert!(parse_if_jsonld(json).is_none(), "{json}");
        }
        assert!(parse_if_jsonld("{not json").is_none());
    }

    #[test]
    fn blank_and_heading_lines_are_skipped_but_ids_keep_positions() {
        let recipe = recipe(
            r#"{"@type": "Recipe", "name": "R",
                "recipeIngredient": ["", "For the crust:", null, "2 eggs", "  "],
                "recipeInstructions": "  \n\n1. Mix.\n<br>\n2) Bake."}"#,
        );
        assert_eq!(lines(&recipe), ["4: 2 |  | eggs | "]);
        assert_eq!(texts(&recipe), ["Mix.", "Bake."]);
    }

    #[test]
    fn legacy_ingredients_and_single_text_lists() {
        let recipe = recipe(
            r#"{"@type": "Recipe", "name": "R", "ingredients": "1 cup rice\n2 cups water"}"#,
        );
        assert_eq!(
            lines(&recipe),
            ["1: 1 | cup | rice | ", "2: 2 | cups | water | "]
        );
        let parsed = parse_recipe_with_warnings(
            r#"{"@type": "Recipe", "name": "R", "ingredients": "1 cup rice\n-2 cups water"}"#,
        )
        .unwrap();
        assert_eq!(
            lines(&parsed.value),
            ["1: 1 | cup | rice | ", "2:  |  | -2 cups water | "]
        );
        assert!(
            parsed.warnings[0]
                .to_string()
                .starts_with("ingredients (line 2): kept as written: cannot read quantity"),
            "{:?}",
            parsed.warnings
        );
    }

    proptest::proptest! {
        #[test]
        fn never_panics(text in proptest::prop_oneof![
            "[<>&#;xa-z0-9/ .\n]{0,40}",
            proptest::arbitrary::any::<String>(),
        ]) {
            let _ = clean_lines(&text);
            let document = serde_json::json!({
                "@graph": [{
                    "@type": ["Recipe"],
                    "name": text,
                    "recipeIngredient": [text, text],
                    "ingredients": text,
                    "recipeInstructions": [text, {"@type": "HowToSection", "itemListElement": text}],
                    "aggregateRating": {"ratingValue": text, "bestRating": text},
                }]
            });
            let _ = parse_recipe(&document.to_string());
        }
    }

    #[test]
    fn a_make_from_jsonld_has_no_make_fields() {
        let make = parse_make(PLAIN).unwrap();
        assert_eq!((make.make_id, make.made_at, make.notes), (None, None, None));
    }
}
