//! schema.org `Recipe` JSON-LD.

use serde_json::Value;

use crate::error::{Error, Result};
use crate::model::{Make, Recipe, Step};

use super::ingredient_line::parse_ingredient_line;

/// Reads `json` as JSON-LD when it looks like JSON-LD; `None` otherwise, so
/// the caller can report its own format's error.
pub(super) fn parse_if_jsonld(json: &str) -> Option<Result<Make>> {
    let value: Value = serde_json::from_str(json).ok()?;
    let looks_like_jsonld = value.get("@context").is_some()
        || value.get("@graph").is_some()
        || value.get("@type").is_some()
        || value.is_array();
    looks_like_jsonld.then(|| parse_value(&value))
}

fn parse_value(value: &Value) -> Result<Make> {
    let node = find_recipe(value).ok_or(Error::NoRecipe)?;
    let name = node
        .get("name")
        .and_then(Value::as_str)
        .ok_or_else(|| Error::invalid("name", "a Recipe needs a name"))?;
    let ingredients = node
        .get("recipeIngredient")
        .and_then(Value::as_array)
        .map(|lines| {
            lines
                .iter()
                .enumerate()
                .filter_map(|(i, line)| line.as_str().map(|l| (i, l)))
                .map(|(i, line)| {
                    parse_ingredient_line(line).map(|mut ingredient| {
                        ingredient.ingredient_id = Some(i as i64 + 1);
                        ingredient
                    })
                })
                .collect::<Result<Vec<_>>>()
        })
        .transpose()?
        .unwrap_or_default();
    let steps = node
        .get("recipeInstructions")
        .and_then(Value::as_array)
        .map(|steps| {
            steps
                .iter()
                .filter_map(|s| s.as_str().or_else(|| s.get("text").and_then(Value::as_str)))
                .enumerate()
                .map(|(i, text)| Step {
                    step_id: Some(i as i64 + 1),
                    step_text: text.to_owned(),
                })
                .collect()
        })
        .unwrap_or_default();
    Ok(Make {
        recipe: Recipe {
            recipe_name: name.to_owned(),
            recipe_id: None,
            rating: None,
            ingredients,
            steps,
        },
        ..Make::default()
    })
}

fn find_recipe(value: &Value) -> Option<&Value> {
    match value {
        Value::Array(nodes) => nodes.iter().find_map(find_recipe),
        Value::Object(map) => {
            if let Some(graph) = map.get("@graph") {
                return find_recipe(graph);
            }
            let is_recipe = match map.get("@type") {
                Some(Value::String(t)) => t == "Recipe",
                Some(Value::Array(ts)) => ts.iter().any(|t| t == "Recipe"),
                _ => false,
            };
            is_recipe.then_some(value)
        }
        _ => None,
    }
}
