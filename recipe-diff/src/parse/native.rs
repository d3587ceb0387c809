//! The native camelCase format, read tolerantly in one pass.

use std::marker::PhantomData;
use std::sync::Arc;

use serde::Deserialize;
use serde::de::{self, Deserializer};

use super::json_error;
use crate::error::{Error, Result};
use crate::model::{Ingredient, Make, Recipe, Step};
use crate::quantity::Quantity;

mod fast;

/// Reads a native document; errors name the JSON path.
pub(super) fn parse(json: &str) -> Result<Make> {
    // Almost every document is well formed and in the format's shapes: the
    // reader that knows its fields answers for those. What it leaves is
    // read by serde, plainly first, as tracking the path costs on every
    // value, and again with the path only to explain a failure.
    if let Some(document) = fast::read(json) {
        return document.into_make();
    }
    match serde_json::from_str::<Document>(json) {
        Ok(document) => document.into_make(),
        Err(_) => parse_explaining(json),
    }
}

/// The slow, precise reading: the error names the JSON path.
fn parse_explaining(json: &str) -> Result<Make> {
    let mut reader = serde_json::Deserializer::from_str(json);
    let document: Document = serde_path_to_error::deserialize(&mut reader).map_err(|error| {
        let path = error.path().to_string();
        let inner = error.into_inner();
        if inner.is_data() {
            Error::invalid(path, strip_position(&inner.to_string()))
        } else {
            json_error(&inner)
        }
    })?;
    reader.end().map_err(|e| json_error(&e))?;
    document.into_make()
}

/// serde's data errors end with " at line L column C"; the path says where.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(cut) => message[..cut].to_owned(),
        None => message.to_owned(),
    }
}

/// The wire form: every field of a recipe and of a make, all tolerant.
/// Ingredients and steps are read straight into the model's lists, so a
/// document is not held twice.
#[derive(Deserialize)]
#[cfg_attr(test, derive(Debug, PartialEq))]
#[serde(rename_all = "camelCase")]
struct Document {
    recipe_name: Arc<str>,
    #[serde(default, deserialize_with = "lenient_id")]
    recipe_id: Option<i64>,
    #[serde(default, deserialize_with = "lenient_number")]
    rating: Option<f64>,
    #[serde(default, deserialize_with = "list")]
    ingredients: Vec<Ingredient>,
    #[serde(default, deserialize_with = "list")]
    steps: Vec<Step>,
    #[serde(default, deserialize_with = "lenient_id")]
    make_id: Option<i64>,
    #[serde(default, deserialize_with = "lenient_id")]
    recipe_version: Option<i64>,
    #[serde(default)]
    made_at: Option<String>,
    #[serde(default)]
    notes: Option<String>,
}

/// The name errors give an ingredient of the wrong shape (`expected struct
/// WireIngredient with 8 elements`), from when the wire form was a struct of
/// its own: serde's remote derive names the remote type, so the remote is
/// named through this alias.
type WireIngredient = Ingredient;

/// How an [`Ingredient`] is written: read by serde's remote derive, which
/// builds the model's value itself, with no wire copy to move it out of.
#[derive(Deserialize)]
#[serde(remote = "WireIngredient", rename_all = "camelCase")]
struct IngredientForm {
    #[serde(default, deserialize_with = "lenient_id")]
    ingredient_id: Option<i64>,
    #[serde(default)]
    quantity: Option<Quantity>,
    #[serde(default, deserialize_with = "non_blank")]
    measurement: Option<Arc<str>>,
    ingredient_name: Arc<str>,
    #[serde(default, deserialize_with = "non_blank")]
    size: Option<Arc<str>>,
    #[serde(default, deserialize_with = "non_blank")]
    preparation: Option<Arc<str>>,
    #[serde(default, deserialize_with = "non_blank")]
    note: Option<Arc<str>>,
    #[serde(default)]
    unparsed: bool,
}

/// The name errors give a step of the wrong shape, as [`WireIngredient`].
type WireStep = Step;

/// How a [`Step`] is written, read as [`IngredientForm`] is.
#[derive(Deserialize)]
#[serde(remote = "WireStep", rename_all = "camelCase")]
struct StepForm {
    #[serde(default, deserialize_with = "lenient_id")]
    step_id: Option<i64>,
    step_text: Arc<str>,
}

impl Document {
    /// The make this document describes, once its rating is checked.
    fn into_make(self) -> Result<Make> {
        if let Some(rating) = self.rating {
            if !(0.0..=5.0).contains(&rating) {
                return Err(Error::invalid(
                    "rating",
                    format!("rating {rating} is outside 0 to 5"),
                ));
            }
        }
        let recipe = Recipe {
            recipe_name: self.recipe_name,
            recipe_id: self.recipe_id,
            rating: self.rating,
            ingredients: self.ingredients,
            steps: self.steps,
        };
        Ok(Make {
            recipe,
            make_id: self.make_id,
            recipe_version: self.recipe_version,
            made_at: self.made_at,
            notes: self.notes,
        })
    }
}

/// A model type read in its wire form: the elements of a [`list`].
trait FromWire: Sized {
    /// Room for this many is made at once: serde_json cannot say how long
    /// an array is, and growing a list one doubling at a time moves every
    /// element each time.
    const CAPACITY_GUESS: usize;

    /// Reads one value, as its wire struct says.
    fn from_wire<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error>;
}

impl FromWire for Ingredient {
    const CAPACITY_GUESS: usize = INGREDIENTS;

    fn from_wire<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        IngredientForm::deserialize(deserializer)
    }
}

impl FromWire for Step {
    const CAPACITY_GUESS: usize = STEPS;

    fn from_wire<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        StepForm::deserialize(deserializer)
    }
}

/// Room made for ingredients at first: six (1008 bytes) is the most that
/// stays a small allocation for glibc, which below 1 KiB is served from a
/// per-thread cache instead of its general path; a small recipe fits, and
/// a typical one doubles once. Measured: 16 at first costs more on every
/// benchmark fixture, small ones most.
const INGREDIENTS: usize = 6;

/// Room made for steps at first: most methods have a dozen or fewer, and
/// sixteen steps (640 bytes) is still a small allocation.
const STEPS: usize = 16;

/// A JSON array of `T`s in their wire form, as serde reads a `Vec` (the
/// same errors) but with room made up front.
fn list<'de, D: Deserializer<'de>, T: FromWire>(deserializer: D) -> Result<Vec<T>, D::Error> {
    deserializer.deserialize_seq(ListVisitor(PhantomData))
}

/// Reads the array for [`list`].
struct ListVisitor<T>(PhantomData<T>);

impl<'de, T: FromWire> de::Visitor<'de> for ListVisitor<T> {
    type Value = Vec<T>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // serde's own words for a `Vec`, which errors showed before.
        f.write_str("a sequence")
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::with_capacity(T::CAPACITY_GUESS);
        while let Some(item) = seq.next_element_seed(Element(PhantomData))? {
            items.push(item);
        }
        Ok(items)
    }
}

/// One element of a [`list`], read by its [`FromWire`].
struct Element<T>(PhantomData<T>);

impl<'de, T: FromWire> de::DeserializeSeed<'de> for Element<T> {
    type Value = T;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<T, D::Error> {
        T::from_wire(deserializer)
    }
}

/// Optional text, where blank text means absent; blank text is looked at
/// where it lies in the input, and never copied.
fn non_blank<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Arc<str>>, D::Error> {
    deserializer.deserialize_option(NonBlankVisitor)
}

/// Reads the text for [`non_blank`].
struct NonBlankVisitor;

impl<'de> de::Visitor<'de> for NonBlankVisitor {
    type Value = Option<Arc<str>>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // A `String`'s words, which errors showed before.
        f.write_str("a string")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_string(self)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok((!v.trim().is_empty()).then(|| Arc::from(v)))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok((!v.trim().is_empty()).then(|| Arc::from(v)))
    }
}

/// An id as an integer or as numeric text; null means absent.
fn lenient_id<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<i64>, D::Error> {
    struct IdVisitor;

    impl<'de> de::Visitor<'de> for IdVisitor {
        type Value = Option<i64>;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a whole-number id")
        }

        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_some<D2: Deserializer<'de>>(self, d: D2) -> Result<Self::Value, D2::Error> {
            d.deserialize_any(self)
        }

        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            Ok(Some(v))
        }

        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            i64::try_from(v)
                .map(Some)
                .map_err(|_| E::custom(format!("id {v} is too large")))
        }

        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
            // `7.0` is the integer 7 (JSON Schema agrees). Every integer up
            // to 2^53 is exactly a float, so such a float names the id
            // written; past it, it may be a rounded neighbour.
            if v.fract() == 0.0 && v.abs() <= 9_007_199_254_740_992.0 {
                Ok(Some(v as i64))
            } else {
                Err(E::custom(format!("id {v} is not a whole number")))
            }
        }

        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            v.trim()
                .parse()
                .map(Some)
                .map_err(|_| E::custom(format!("id {v:?} is not a whole number")))
        }
    }

    deserializer.deserialize_any(IdVisitor)
}

/// A number, or a number written as text; null means absent.
fn lenient_number<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<f64>, D::Error> {
    struct NumberVisitor;

    impl<'de> de::Visitor<'de> for NumberVisitor {
        type Value = Option<f64>;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a number")
        }

        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_some<D2: Deserializer<'de>>(self, d: D2) -> Result<Self::Value, D2::Error> {
            d.deserialize_any(self)
        }

        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            Ok(Some(v as f64))
        }

        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            Ok(Some(v as f64))
        }

        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
            Ok(Some(v))
        }

        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            v.trim()
                .parse::<f64>()
                .ok()
                .filter(|n| n.is_finite())
                .map(Some)
                .ok_or_else(|| E::custom(format!("{v:?} is not a number")))
        }
    }

    deserializer.deserialize_any(NumberVisitor)
}

/// The direct reading into the model keeps what the wire structs did.
#[cfg(test)]
mod tests {
    use super::*;

    /// The message of the error reading `json`, which must fail.
    fn error_of(json: &str) -> String {
        match parse(json) {
            Ok(make) => panic!("read {make:?} from {json}"),
            Err(error) => error.to_string(),
        }
    }

    /// Blank text in a remark is no remark, as it always was.
    #[test]
    fn blank_remarks_are_absent() {
        let make = parse(
            r#"{"recipeName": "Tea", "ingredients": [{"ingredientName": "water",
                "measurement": " ", "size": "", "preparation": "\t", "note": "hot"}]}"#,
        )
        .unwrap();
        let water = &make.recipe.ingredients[0];
        assert_eq!(water.measurement, None);
        assert_eq!(water.size, None);
        assert_eq!(water.preparation, None);
        assert_eq!(water.note.as_deref(), Some("hot"));
    }

    /// The first room made is only a guess: longer lists grow.
    #[test]
    fn lists_longer_than_their_first_room_are_read_whole() {
        let ingredients: Vec<String> = (0..INGREDIENTS * 3)
            .map(|i| format!(r#"{{"ingredientId": {i}, "ingredientName": "i{i}"}}"#))
            .collect();
        let steps: Vec<String> = (0..STEPS * 3)
            .map(|i| format!(r#"{{"stepText": "s{i}"}}"#))
            .collect();
        let json = format!(
            r#"{{"recipeName": "Long", "ingredients": [{}], "steps": [{}]}}"#,
            ingredients.join(","),
            steps.join(",")
        );
        let recipe = parse(&json).unwrap().recipe;
        assert_eq!(recipe.ingredients.len(), INGREDIENTS * 3);
        assert_eq!(
            recipe.ingredients[INGREDIENTS * 3 - 1].ingredient_name,
            format!("i{}", INGREDIENTS * 3 - 1).into()
        );
        assert_eq!(recipe.steps.len(), STEPS * 3);
        assert_eq!(
            recipe.steps[STEPS * 3 - 1].step_text,
            format!("s{}", STEPS * 3 - 1).into()
        );
    }

    /// Errors read as they did when the wire forms were structs of their own.
    #[test]
    fn errors_name_the_wire_forms() {
        assert_eq!(
            error_of(r#"{"recipeName": "a", "ingredients": [null]}"#),
            "ingredients[0]: invalid type: null, expected struct WireIngredient"
        );
        assert_eq!(
            error_of(r#"{"recipeName": "a", "steps": [[1]]}"#),
            "steps[0]: invalid length 1, expected struct WireStep with 2 elements"
        );
        assert_eq!(
            error_of(r#"{"recipeName": "a", "steps": {}}"#),
            "steps: invalid type: map, expected a sequence"
        );
    }
}
