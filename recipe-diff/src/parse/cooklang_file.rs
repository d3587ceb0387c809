//! Cooklang (`.cook`) files, read with the [`cooklang`] crate into the
//! model. What a user sees is documented on [`parse_recipe_cooklang`].

use std::sync::Arc;

use cooklang::quantity::{Number, Quantity as CookQuantity, Value as CookValue};
use cooklang::{Content, Converter, CooklangParser, Extensions, Item};
use serde_json::Value;

use super::{Parsed, Warning};
use crate::error::{Error, Result};
use crate::model::{Ingredient, Make, Recipe, Step};
use crate::quantity::Quantity;
use crate::units::{KnownUnit, Unit};

/// Reads a Cooklang file into a recipe.
///
/// [Cooklang](https://cooklang.org/docs/spec/) writes a recipe as its
/// method, with the ingredients marked where they are used:
///
/// ```text
/// ---
/// title: Easy Pancakes
/// servings: 4
/// ---
/// Crack the @eggs{3} into a #blender{}, add the @flour{125%g} and blitz.
/// Leave to stand for ~{15%minutes}.
/// ```
///
/// We read it into the model this way:
///
/// - **the name** is the `title` metadata (YAML front matter or the older
///   `>> title: …` lines); a file without one has an empty name, which a
///   tool that knows the file's name fills in. `recipeId`, `rating`,
///   `makeId`, `recipeVersion`, `madeAt` and `notes` are read from the
///   metadata as from a JSON document; `servings` has no place in the
///   model (a scaled make shows as a scaling anyway);
/// - **ingredients** in the order they first appear, with ids 1, 2, 3 in
///   that order. The amount's number becomes the quantity and its unit the
///   measurement, so the amounts compare like every other format's:
///   `@sugar{2%tbsp}` and `@sugar{6%tsp}` are the same amount. An
///   ingredient used in several places (`@salt` twice, or a reference
///   `@&salt`) is one ingredient, its amounts added up when they can be
///   (the same unit, or units of one dimension); amounts that cannot be
///   added (`@salt{1%pinch}` and `@salt{2%g}`) stay separate ingredients.
///   An amount in words (`@salt{a pinch}`) is kept as the ingredient's
///   note, and so is a Cooklang note (`@onion{1}(diced)`);
/// - **steps**, one per Cooklang step (paragraph), numbered on through
///   sections, with the markup rendered as words: an ingredient or a piece
///   of cookware by its name (its alias when it has one), a timer by its
///   duration (`15 minutes`), or its name when it has none. Amounts stay
///   out of the text, so a changed amount is one ingredient change rather
///   than a step edit too.
///
/// The parser runs with the Cooklang extensions that keep the files of
/// the specification readable as written and add what cooks use:
/// modifiers and references (`@&salt`, `@?parsley`), aliases
/// (`@white wine|wine{}`), ranges (`@eggs{2-3}`), intermediate
/// preparations and the `>> [mode]` keys. Inline quantities and unit
/// checks are left out: units are ours to read.
///
/// # Example
///
/// ```
/// use recipe_diff::parse::parse_recipe_cooklang;
///
/// let parsed = parse_recipe_cooklang("\
/// ---
/// title: Sweet Tea
/// ---
/// Steep the @tea bag{1} in @water{250%ml} for ~{3%minutes}.
///
/// Stir in the @sugar{2%tbsp}.
/// ")?;
/// let tea = &parsed.value;
/// assert_eq!(&*tea.recipe_name, "Sweet Tea");
/// assert_eq!(&*tea.ingredients[1].ingredient_name, "water");
/// assert_eq!(tea.ingredients[1].measurement.as_deref(), Some("ml"));
/// assert_eq!(tea.ingredients[2].ingredient_id, Some(3));
/// assert_eq!(&*tea.steps[0].step_text, "Steep the tea bag in water for 3 minutes.");
/// assert_eq!(&*tea.steps[1].step_text, "Stir in the sugar.");
///
/// // Two tablespoons are six teaspoons: no difference.
/// let teaspoons = parse_recipe_cooklang(
///     "---\ntitle: Sweet Tea\n---\nSteep the @tea bag{1} in @water{250%ml} for ~{3%minutes}.\n\n\
///      Stir in the @sugar{6%tsp}.\n",
/// )?;
/// assert!(recipe_diff::diff(tea, &teaspoons.value).is_empty());
/// # Ok::<(), recipe_diff::Error>(())
/// ```
///
/// # Errors
///
/// [`Error::Cooklang`], with its line and column, for a file the Cooklang
/// parser refuses (such as `@water{1/0%cup}`, an amount it cannot read).
/// What we read around, such as a rating out of range, is a [`Warning`],
/// and so is each warning of the Cooklang parser.
pub fn parse_recipe_cooklang(text: &str) -> Result<Parsed<Recipe>> {
    parse_make_cooklang(text).map(|parsed| parsed.map(|make| make.recipe))
}

/// [`parse_recipe_cooklang`], with the make's fields (`makeId`,
/// `recipeVersion`, `madeAt`, `notes`) read from the metadata too.
///
/// # Errors
///
/// As [`parse_recipe_cooklang`].
pub fn parse_make_cooklang(text: &str) -> Result<Parsed<Make>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let text = &without_odd_escapes(text);
    // No units of Cooklang's own: ours read every format alike.
    let parser = CooklangParser::new(extensions(), Converter::empty());
    let (output, report) = parser.parse(text).into_tuple();
    let lines = LineIndex::new(text);
    let mut warnings = Vec::new();
    for diagnostic in report.iter() {
        let at = diagnostic
            .labels
            .first()
            .map_or(0, |(span, _)| span.start());
        if diagnostic.is_error() {
            let (line, column) = lines.position(text, at);
            return Err(Error::Cooklang {
                line,
                column,
                message: diagnostic.message.to_string(),
            });
        }
        if IGNORED_WARNINGS
            .iter()
            .any(|start| diagnostic.message.starts_with(start))
        {
            continue;
        }
        let (line, _) = lines.position(text, at);
        let input = diagnostic
            .labels
            .first()
            .and_then(|(span, _)| text.get(span.range()))
            .unwrap_or_default();
        warnings.push(Warning {
            path: format!("line {line}"),
            input: input.to_owned(),
            message: diagnostic.message.to_string(),
        });
    }
    let Some(cook) = output else {
        // The parser gives no recipe only with an error, reported above.
        return Err(Error::Cooklang {
            line: 1,
            column: 1,
            message: "the Cooklang parser gave no recipe".to_owned(),
        });
    };
    let mut reader = Reader {
        warnings,
        ingredients: Vec::new(),
        keys: Vec::new(),
    };
    // Metadata values are YAML; as JSON we read them without naming the
    // YAML crate.
    let meta = |key: &str| {
        cook.metadata
            .get(key)
            .and_then(|value| serde_json::to_value(value).ok())
    };
    let recipe_name = cook
        .metadata
        .title()
        .map(str::to_owned)
        .or_else(|| meta("recipeName").and_then(|v| v.as_str().map(str::to_owned)))
        .unwrap_or_default()
        .trim()
        .to_owned();
    let recipe_id = reader.id(meta("recipeId"), "recipeId");
    let rating = reader.rating(meta("rating"));
    let make_id = reader.id(meta("makeId"), "makeId");
    let recipe_version = reader.id(meta("recipeVersion"), "recipeVersion");
    let text_of = |key: &str| {
        meta(key)
            .as_ref()
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|text| !text.is_empty())
            .map(str::to_owned)
    };
    let (made_at, notes) = (text_of("madeAt"), text_of("notes"));

    for (index, ingredient) in cook.ingredients.iter().enumerate() {
        // A reference to a step's result (`@&(=1)dough`) is no ingredient
        // of its own.
        if ingredient.relation.is_intermediate_reference() {
            continue;
        }
        reader.add(
            index,
            &ingredient.name,
            ingredient.quantity.as_ref(),
            ingredient.note.as_deref(),
        );
    }
    let steps = steps(&cook);
    let ingredients = reader
        .ingredients
        .into_iter()
        .zip(1..)
        .map(|(mut ingredient, id)| {
            ingredient.ingredient_id = Some(id);
            ingredient
        })
        .collect();
    Ok(Parsed {
        value: Make {
            recipe: Recipe {
                recipe_name: recipe_name.into(),
                recipe_id,
                rating,
                ingredients,
                steps,
            },
            make_id,
            recipe_version,
            made_at,
            notes,
        },
        warnings: reader.warnings,
    })
}

/// `text` without the backslashes that escape nothing or a non-ASCII
/// character. The parser drops them all the same (`\é` reads `é`), but a
/// debug assertion of cooklang 0.19 expects an escape to be two bytes and
/// fails on these, so builds with debug assertions (tests, fuzzing) would
/// panic where a release build reads on.
fn without_odd_escapes(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains('\\') {
        return text.into();
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.peek() {
            Some(next) if next.is_ascii() => {
                out.push(c);
                out.extend(chars.next());
            }
            _ => {}
        }
    }
    out.into()
}

/// Warnings of the Cooklang parser that say nothing about what we read:
/// its nudge towards YAML front matter is about style, and its checks of
/// metadata values (`>> servings: 2` is text to it, not a number) concern
/// keys we either ignore or check ourselves.
const IGNORED_WARNINGS: [&str; 2] = ["The '>>' syntax", "Unsupported value for key"];

/// The Cooklang extensions we read (see [`parse_recipe_cooklang`]).
fn extensions() -> Extensions {
    Extensions::COMPONENT_MODIFIERS
        | Extensions::COMPONENT_ALIAS
        | Extensions::RANGE_VALUES
        | Extensions::MODES
        | Extensions::INTERMEDIATE_PREPARATIONS
}

/// What we have read so far.
struct Reader {
    warnings: Vec<Warning>,
    /// Ingredients in order of first appearance, without ids yet.
    ingredients: Vec<Ingredient>,
    /// Each ingredient's name folded, to find its later mentions.
    keys: Vec<String>,
}

impl Reader {
    /// A whole number from the metadata (`7` or `"7"`); anything else is
    /// left out, with a warning.
    fn id(&mut self, value: Option<Value>, key: &str) -> Option<i64> {
        let value = value?;
        let id = value
            .as_i64()
            .or_else(|| value.as_str().and_then(|text| text.trim().parse().ok()));
        if id.is_none() {
            self.warn(key, &value, "left out: expected a whole number");
        }
        id
    }

    /// The rating from 0 to 5 (a number or numeric text); anything else is
    /// left out, with a warning.
    fn rating(&mut self, value: Option<Value>) -> Option<f64> {
        let value = value?;
        let number = value.as_f64().or_else(|| {
            value
                .as_str()
                .and_then(|text| text.trim().replace(',', ".").parse::<f64>().ok())
        });
        match number {
            Some(rating) if (0.0..=5.0).contains(&rating) => Some(rating),
            Some(rating) => {
                self.warn(
                    "rating",
                    &value,
                    format!("rating left out: rating {rating} is outside 0 to 5"),
                );
                None
            }
            None => {
                self.warn("rating", &value, "rating left out: expected a number");
                None
            }
        }
    }

    fn warn(&mut self, key: &str, value: &Value, message: impl Into<String>) {
        let input = match value {
            Value::String(text) => text.clone(),
            other => other.to_string(),
        };
        self.warnings.push(Warning {
            path: format!("metadata {key}"),
            input,
            message: message.into(),
        });
    }

    /// One mention of an ingredient: a new ingredient, or more of one
    /// already read.
    fn add(
        &mut self,
        index: usize,
        name: &str,
        quantity: Option<&CookQuantity>,
        note: Option<&str>,
    ) {
        let name = name.trim();
        let (amount, written) = match quantity {
            Some(quantity) => self.amount(index, name, quantity),
            None => (None, None),
        };
        // Blank texts are no text, as in the native format, so that a
        // recipe reads back from its JSON unchanged.
        let measurement = amount
            .as_ref()
            .and_then(|_| quantity.and_then(CookQuantity::unit))
            .map(str::trim)
            .filter(|unit| !unit.is_empty())
            .map(str::to_owned);
        let key = name.to_lowercase();
        let notes: Vec<&str> = written
            .as_deref()
            .into_iter()
            .chain(note)
            .map(str::trim)
            .filter(|text| !text.is_empty())
            .collect();
        let note = (!notes.is_empty()).then(|| notes.join("; "));
        if note.is_none() {
            let earlier = self
                .keys
                .iter()
                .zip(&mut self.ingredients)
                .filter(|(known, _)| **known == key)
                .map(|(_, ingredient)| ingredient)
                .find(|ingredient| ingredient.note.is_none());
            if let Some(earlier) = earlier {
                if add_to(earlier, amount, measurement.as_deref()) {
                    return;
                }
            }
        }
        self.keys.push(key);
        self.ingredients.push(Ingredient {
            ingredient_id: None,
            quantity: amount,
            measurement: measurement.map(Arc::from),
            ingredient_name: name.into(),
            size: None,
            preparation: None,
            note: note.map(Arc::from),
            unparsed: false,
        });
    }

    /// An amount as a quantity; an amount in words, or one we cannot
    /// take as a quantity, is kept as text for the note.
    fn amount(
        &mut self,
        index: usize,
        name: &str,
        quantity: &CookQuantity,
    ) -> (Option<Quantity>, Option<String>) {
        let number = |n: Number| Some(n.value()).filter(|v| v.is_finite() && *v >= 0.0);
        let amount = match quantity.value() {
            CookValue::Number(n) => number(*n).map(Quantity::new),
            CookValue::Range { start, end } => number(*start)
                .zip(number(*end))
                .map(|(low, high)| Quantity::range(low, high)),
            // `2-3` without the range extension, `1 1/2`: our reader
            // takes what cooks write.
            CookValue::Text(text) => text.parse::<Quantity>().ok(),
        };
        if amount.is_some() {
            return (amount, None);
        }
        if let CookValue::Number(_) | CookValue::Range { .. } = quantity.value() {
            self.warnings.push(Warning {
                path: format!("ingredient {} ({name})", index + 1),
                input: quantity.to_string(),
                message: "kept as written: not an amount a recipe can use".to_owned(),
            });
        }
        (None, Some(quantity.to_string()))
    }
}

/// Adds `amount` in `measurement` to `ingredient` when the two amounts can
/// be added: both absent, or both present in one unit or one dimension.
fn add_to(
    ingredient: &mut Ingredient,
    amount: Option<Quantity>,
    measurement: Option<&str>,
) -> bool {
    let (earlier, more) = match (ingredient.quantity, amount) {
        (None, None) => return measurement.is_none() && ingredient.measurement.is_none(),
        (Some(earlier), Some(more)) => (earlier, more),
        _ => return false,
    };
    let unit = |written: Option<&str>| written.map_or(Unit::count(), Unit::parse);
    let (into, from) = (unit(ingredient.measurement.as_deref()), unit(measurement));
    let factor = if into == from {
        1.0
    } else {
        match (&into, &from) {
            (Unit::Known(into), Unit::Known(from)) if same_dimension(*into, *from) => {
                from.in_base_units() / into.in_base_units()
            }
            _ => return false,
        }
    };
    let more = more.scaled(factor);
    let (low, high) = (earlier.low() + more.low(), earlier.high() + more.high());
    if !(low.is_finite() && high.is_finite()) {
        return false;
    }
    ingredient.quantity = Some(Quantity::range(low, high));
    true
}

fn same_dimension(a: KnownUnit, b: KnownUnit) -> bool {
    a.dimension() == b.dimension()
}

/// The steps of every section, in order, numbered from 1 through all of
/// them; text paragraphs (`>> [mode]: text`) are not steps.
fn steps(cook: &cooklang::Recipe) -> Vec<Step> {
    let mut steps = Vec::new();
    for section in &cook.sections {
        for content in &section.content {
            let Content::Step(step) = content else {
                continue;
            };
            let text = step_text(cook, &step.items);
            if text.is_empty() {
                continue;
            }
            steps.push(Step {
                step_id: i64::try_from(steps.len()).ok().map(|n| n + 1),
                step_text: text.into(),
            });
        }
    }
    steps
}

/// A step's items as words, spaces collapsed.
fn step_text(cook: &cooklang::Recipe, items: &[Item]) -> String {
    let mut text = String::new();
    for item in items {
        match item {
            Item::Text { value } => text.push_str(value),
            Item::Ingredient { index } => {
                if let Some(ingredient) = cook.ingredients.get(*index) {
                    text.push_str(&ingredient.display_name());
                }
            }
            Item::Cookware { index } => {
                if let Some(cookware) = cook.cookware.get(*index) {
                    text.push_str(cookware.display_name());
                }
            }
            Item::Timer { index } => {
                if let Some(timer) = cook.timers.get(*index) {
                    match (&timer.quantity, &timer.name) {
                        (Some(quantity), _) => text.push_str(&quantity.to_string()),
                        (None, Some(name)) => text.push_str(name),
                        (None, None) => {}
                    }
                }
            }
            Item::InlineQuantity { index } => {
                if let Some(quantity) = cook.inline_quantities.get(*index) {
                    text.push_str(&quantity.to_string());
                }
            }
        }
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Byte offsets of line starts, to turn a byte offset into a line and a
/// column.
struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(offset, _)| offset + 1));
        LineIndex { starts }
    }

    /// 1-based line and column (in characters) of the byte at `offset`.
    fn position(&self, text: &str, offset: usize) -> (usize, usize) {
        let line = self.starts.partition_point(|start| *start <= offset).max(1);
        let start = self.starts.get(line - 1).copied().unwrap_or(0);
        let column = text
            .get(start..offset.min(text.len()))
            .map_or(0, |before| before.chars().count());
        (line, column + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn recipe(text: &str) -> Recipe {
        match parse_recipe_cooklang(text) {
            Ok(parsed) => parsed.value,
            Err(error) => panic!("{error}: {text}"),
        }
    }

    /// `id: quantity | measurement | name | note`, one line per ingredient.
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
                    i.ingredient_name,
                    i.note.as_deref().unwrap_or_default()
                )
            })
            .collect()
    }

    fn texts(recipe: &Recipe) -> Vec<&str> {
        recipe.steps.iter().map(|s| s.step_text.as_ref()).collect()
    }

    #[test]
    fn the_specification_example_reads_into_the_model() {
        let pancakes = recipe(
            "---\ntitle: Easy Pancakes\nservings: 4\n---\n\
             -- from the Cooklang specification\n\
             Crack the @eggs{3} into a blender, then add the @plain flour{125%g}, @milk{250%ml} \
             and @sea salt{1%pinch}, and blitz until smooth.\n\n\
             Pour into a #bowl and leave to stand for ~{15%minutes}.\n\n\
             Melt the @butter{1/2%tbsp} in a #large non-stick frying pan{} on a medium heat, \
             then tilt the pan so the butter coats the surface.\n",
        );
        assert_eq!(&*pancakes.recipe_name, "Easy Pancakes");
        assert_eq!(
            lines(&pancakes),
            [
                "1: 3 |  | eggs | ",
                "2: 125 | g | plain flour | ",
                "3: 250 | ml | milk | ",
                "4: 1 | pinch | sea salt | ",
                "5: 1/2 | tbsp | butter | ",
            ]
        );
        assert_eq!(
            texts(&pancakes),
            [
                "Crack the eggs into a blender, then add the plain flour, milk and sea salt, \
                 and blitz until smooth.",
                "Pour into a bowl and leave to stand for 15 minutes.",
                "Melt the butter in a large non-stick frying pan on a medium heat, then tilt \
                 the pan so the butter coats the surface.",
            ]
        );
        let ids: Vec<_> = pancakes.steps.iter().map(|s| s.step_id).collect();
        assert_eq!(ids, [Some(1), Some(2), Some(3)]);
    }

    #[test]
    fn mentions_of_one_ingredient_are_one_ingredient() {
        let recipe = recipe(
            "Add @salt{1%tsp} and @butter{1%tbsp}.\n\n\
             Add @Salt{1/2%tsp}, then @&butter{3%tsp} and @salt{2%g} and @pepper{} and @pepper.\n\n\
             Season with @salt{a pinch} and @onion{1}(diced).",
        );
        assert_eq!(
            lines(&recipe),
            [
                "1: 1 1/2 | tsp | salt | ",
                "2: 2 | tbsp | butter | ",
                "3: 2 | g | salt | ",
                "4:  |  | pepper | ",
                "5:  |  | salt | a pinch",
                "6: 1 |  | onion | diced",
            ]
        );
    }

    #[test]
    fn sections_timers_aliases_and_ranges() {
        let recipe = recipe(
            "= Dough\nMix @flour{2-3%cups} with @white wine|wine{100%ml}.\n\n\
             = Bake\nBake in the #oven for ~bake{20%minutes}, then rest ~{5%min}. Done ~rest{}.",
        );
        assert_eq!(
            lines(&recipe),
            ["1: 2-3 | cups | flour | ", "2: 100 | ml | white wine | "]
        );
        assert_eq!(
            texts(&recipe),
            [
                "Mix flour with wine.",
                "Bake in the oven for 20 minutes, then rest 5 min. Done rest."
            ]
        );
        assert_eq!(recipe.steps[1].step_id, Some(2));
    }

    #[test]
    fn metadata_fills_the_make_fields() {
        let parsed = parse_make_cooklang(
            ">> title: Toast\n>> recipeId: 7\n>> makeId: 3\n>> rating: 4,5\n\
             >> recipeVersion: 2\n>> madeAt: 2024-05-01T08:00:00Z\n>> notes: oven runs hot\n\n\
             Toast the @bread{2%slices}.",
        )
        .unwrap();
        assert!(parsed.warnings.is_empty(), "{:?}", parsed.warnings);
        let make = parsed.value;
        assert_eq!(&*make.recipe.recipe_name, "Toast");
        assert_eq!(make.recipe.recipe_id, Some(7));
        assert_eq!(make.recipe.rating, Some(4.5));
        assert_eq!(make.make_id, Some(3));
        assert_eq!(make.recipe_version, Some(2));
        assert_eq!(make.made_at.as_deref(), Some("2024-05-01T08:00:00Z"));
        assert_eq!(make.notes.as_deref(), Some("oven runs hot"));

        let front =
            parse_make_cooklang("---\ntitle: T\nrecipeId: 9\nrating: 9\nmakeId: x\n---\nEat.")
                .unwrap();
        assert_eq!(front.value.recipe.recipe_id, Some(9));
        assert_eq!(
            (front.value.recipe.rating, front.value.make_id),
            (None, None)
        );
        let warnings: Vec<String> = front.warnings.iter().map(ToString::to_string).collect();
        assert_eq!(
            warnings,
            [
                "metadata rating: rating left out: rating 9 is outside 0 to 5 (\"9\")",
                "metadata makeId: left out: expected a whole number (\"x\")",
            ]
        );
        // No title: no name; the tool that read the file gives it one.
        assert_eq!(&*recipe("Eat @toast{1}.").recipe_name, "");
    }

    #[test]
    fn a_file_the_parser_refuses_is_an_error_with_its_place() {
        let error = parse_recipe_cooklang("Boil.\n\nAdd @water{1/0%cup}.").unwrap_err();
        assert_eq!(
            error,
            Error::Cooklang {
                line: 3,
                column: 12,
                message: "Division by zero".to_owned()
            }
        );
        assert_eq!(
            error.to_string(),
            "Cooklang at line 3, column 12: Division by zero"
        );
    }

    #[test]
    fn the_parsers_warnings_are_ours() {
        let parsed = parse_recipe_cooklang("Add @flour{2%}.").unwrap();
        let warnings: Vec<String> = parsed.warnings.iter().map(ToString::to_string).collect();
        assert_eq!(warnings, ["line 1: Empty quantity unit (\"%\")"]);
        assert_eq!(lines(&parsed.value), ["1: 2 |  | flour | "]);
    }

    #[test]
    fn blank_notes_are_no_notes() {
        // Found by fuzzing: an empty note read back from JSON as none.
        let recipe = recipe("Add @oil{2%tbsp}() and @salt{}( ).");
        assert_eq!(lines(&recipe), ["1: 2 | tbsp | oil | ", "2:  |  | salt | "]);
        let json = serde_json::to_string(&recipe).unwrap();
        assert_eq!(crate::parse_recipe(&json).unwrap(), recipe);
    }

    #[test]
    fn tablespoons_and_teaspoons_are_the_same_amount() {
        let a = recipe("---\ntitle: S\n---\nAdd @sugar{2%tbsp}.");
        let b = recipe("---\ntitle: S\n---\nAdd @sugar{6%tsp}.");
        let diff = crate::diff(&a, &b);
        assert!(diff.is_empty(), "{diff:?}");
    }

    proptest::proptest! {
        #[test]
        fn never_panics(text in proptest::prop_oneof![
            "[@#~{}%()|&?=>\\-\\[\\]/ .a-z0-9\n:]{0,60}",
            proptest::arbitrary::any::<String>(),
        ]) {
            if let Ok(parsed) = parse_make_cooklang(&text) {
                for quantity in parsed.value.recipe.ingredients.iter().filter_map(|i| i.quantity) {
                    proptest::prop_assert!(quantity.low().is_finite() && quantity.low() >= 0.0);
                }
            }
        }
    }
}
