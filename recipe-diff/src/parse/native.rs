//! The native camelCase format, read tolerantly in one pass.

use serde::Deserialize;
use serde::de::{self, Deserializer};

use super::json_error;
use crate::error::{Error, Result};
use crate::model::{Ingredient, Make, Recipe, Step};
use crate::quantity::Quantity;

/// Reads a native document; errors name the JSON path.
pub(super) fn parse(json: &str) -> Result<Make> {
    // Tracking the path costs on every value, and almost every document is
    // fine: read plainly first, and again with the path only to explain a
    // failure.
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
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Document {
    recipe_name: String,
    #[serde(default, deserialize_with = "lenient_id")]
    recipe_id: Option<i64>,
    #[serde(default, deserialize_with = "lenient_number")]
    rating: Option<f64>,
    #[serde(default)]
    ingredients: Vec<WireIngredient>,
    #[serde(default)]
    steps: Vec<WireStep>,
    #[serde(default, deserialize_with = "lenient_id")]
    make_id: Option<i64>,
    #[serde(default, deserialize_with = "lenient_id")]
    recipe_version: Option<i64>,
    #[serde(default)]
    made_at: Option<String>,
    #[serde(default)]
    notes: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireIngredient {
    #[serde(default, deserialize_with = "lenient_id")]
    ingredient_id: Option<i64>,
    #[serde(default)]
    quantity: Option<Quantity>,
    #[serde(default)]
    measurement: Option<String>,
    ingredient_name: String,
    #[serde(default)]
    size: Option<String>,
    #[serde(default)]
    preparation: Option<String>,
    #[serde(default)]
    note: Option<String>,
    #[serde(default)]
    unparsed: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireStep {
    #[serde(default, deserialize_with = "lenient_id")]
    step_id: Option<i64>,
    step_text: String,
}

impl Document {
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
            ingredients: self
                .ingredients
                .into_iter()
                .map(|i| Ingredient {
                    ingredient_id: i.ingredient_id,
                    quantity: i.quantity,
                    measurement: i.measurement.filter(|m| !m.trim().is_empty()),
                    ingredient_name: i.ingredient_name,
                    size: i.size.filter(|n| !n.trim().is_empty()),
                    preparation: i.preparation.filter(|n| !n.trim().is_empty()),
                    note: i.note.filter(|n| !n.trim().is_empty()),
                    unparsed: i.unparsed,
                })
                .collect(),
            steps: self
                .steps
                .into_iter()
                .map(|s| Step {
                    step_id: s.step_id,
                    step_text: s.step_text,
                })
                .collect(),
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
