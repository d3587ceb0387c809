//! The OpenAPI schemas that belong to the API itself: the request bodies,
//! which read more than the canonical form they answer with, a make's
//! differences in either format, and the answers many routes share.
//!
//! Every body the API answers is a real type that derives its schema:
//! `recipe-diff`'s model and diff types (its `openapi` feature), the make
//! view, the refusals and the analytics. The tests at the bottom serialize
//! them, every variant included, and check each value against the
//! document, so a derive that misreads a serde attribute, or a schema
//! written by hand, fails the tests rather than the clients.

#![allow(
    dead_code,
    reason = "request documents: read by the OpenAPI derive, never constructed"
)]

use recipe_diff::render::SeedDifference;
use recipe_diff::{RecipeDiff, Step};
use utoipa::ToSchema;

/// A recipe as `POST /recipes` takes it: a `Recipe` whose `recipeId` is
/// required, since makes name their original by id.
#[derive(ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "recipeName": "Apple Pie", "recipeId": 1, "rating": 5,
    "ingredients": [{"ingredientId": 1, "quantity": 0.5, "measurement": "TBS", "ingredientName": "cinnamon"}],
    "steps": [{"stepId": 1, "stepText": "Make the pie"}]
}))]
pub(super) struct NewRecipe {
    /// Its id, which the makes of the recipe name.
    recipe_id: i64,
    #[serde(flatten)]
    recipe: RecipeFields,
}

/// A recipe as `PUT /recipes/{recipeId}` takes it, and the recipe part of
/// a make: a `Recipe` whose `recipeId`, if any, is the one in the path.
#[derive(ToSchema)]
#[serde(rename_all = "camelCase")]
pub(super) struct RecipeDocument {
    /// Its id; the path's when absent.
    #[serde(default)]
    recipe_id: Option<i64>,
    #[serde(flatten)]
    recipe: RecipeFields,
}

/// What a recipe document says beside its id.
#[derive(ToSchema)]
#[serde(rename_all = "camelCase")]
pub(super) struct RecipeFields {
    /// The recipe's title.
    recipe_name: String,
    /// The cook's rating.
    #[serde(default)]
    #[schema(minimum = 0, maximum = 5)]
    rating: Option<f64>,
    /// Ingredients in the order the recipe lists them.
    #[serde(default)]
    ingredients: Vec<IngredientDocument>,
    /// Steps in the order they are cooked.
    #[serde(default)]
    steps: Vec<Step>,
}

/// One ingredient line as a client writes it.
#[derive(ToSchema)]
#[serde(rename_all = "camelCase")]
pub(super) struct IngredientDocument {
    /// Id within the recipe.
    #[serde(default)]
    ingredient_id: Option<i64>,
    /// How much.
    #[serde(default)]
    quantity: Option<QuantityDocument>,
    /// The unit as written: `TBS`, `tsp`, `cup`, `g`, `unit`, …
    #[serde(default)]
    measurement: Option<String>,
    /// What it is, as written (`pieCrust`, `Granny Smith apples`).
    ingredient_name: String,
    /// A preparation remark (`sifted`).
    #[serde(default)]
    note: Option<String>,
}

/// An amount as a client writes it: a number of at least zero, or text.
///
/// The schema's text pattern covers decimals (`1.5`) and fractions
/// (`3/4`). The server reads more than a pattern can say exactly, and
/// reads it all the same: mixed numbers (`1 1/2`, `1-1/2`), Unicode
/// fractions (`½`), and ranges (`2-3`, `2 to 3`) whose high end is not
/// below the low.
pub(super) struct QuantityDocument;

/// The text form of [`QuantityDocument`]: digits with an optional
/// fractional part, or a fraction whose denominator is not zero.
/// `[0-9]`, not `\d`, which some regex engines widen to every script's
/// digits.
const QUANTITY_TEXT_PATTERN: &str = "^([0-9]{1,9}(\\.[0-9]{1,9})?|[0-9]{1,9}/[1-9][0-9]{0,8})$";

impl utoipa::PartialSchema for QuantityDocument {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, OneOfBuilder, Type};
        OneOfBuilder::new()
            .description(Some(
                "An amount: a number of at least zero, or text such as `\"1.5\"` or \
                 `\"3/4\"`; mixed numbers (`\"1 1/2\"`), Unicode fractions (`\"½\"`) \
                 and ranges (`\"2-3\"`) are read as well",
            ))
            .item(
                ObjectBuilder::new()
                    .schema_type(Type::Number)
                    .minimum(Some(0)),
            )
            .item(
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .pattern(Some(QUANTITY_TEXT_PATTERN)),
            )
            .into()
    }
}

impl ToSchema for QuantityDocument {}

/// A `changeId`: a make's change, as its flat list numbers it from 1.
pub(super) struct ChangeIdDocument;

impl utoipa::PartialSchema for ChangeIdDocument {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, Type};
        ObjectBuilder::new()
            .schema_type(Type::Integer)
            .description(Some(
                "A `changeId` of the make's differences, as its flat list numbers them from 1",
            ))
            .minimum(Some(1))
            .maximum(Some(u32::MAX))
            .into()
    }
}

impl ToSchema for ChangeIdDocument {}

/// A make: the recipe as cooked on one occasion. Its `recipeId`, when
/// present, must be the one in the path.
#[derive(ToSchema)]
#[serde(rename_all = "camelCase")]
pub(super) struct MakeDocument {
    #[serde(flatten)]
    recipe: RecipeDocument,
    #[serde(flatten)]
    make: MakeFields,
}

/// A make as `POST /makes` takes it: its `recipeId` names its recipe.
#[derive(ToSchema)]
#[serde(rename_all = "camelCase")]
pub(super) struct NewMake {
    #[serde(flatten)]
    recipe: NewRecipe,
    #[serde(flatten)]
    make: MakeFields,
}

/// What a make says beside the recipe as cooked.
#[derive(ToSchema)]
#[serde(rename_all = "camelCase")]
pub(super) struct MakeFields {
    /// The make's id, unique within its recipe. Without it, the make is
    /// given the next integer of its recipe; a make from the bucket is one
    /// make per object version, and one posted with an `Idempotency-Key`
    /// one make per key. At most 2^53 − 1 either way, which every JSON
    /// reader reads exactly.
    #[serde(default)]
    #[schema(minimum = -9007199254740991i64, maximum = 9007199254740991i64)]
    make_id: Option<i64>,
    /// When it was cooked (RFC 3339).
    #[serde(default)]
    made_at: Option<String>,
    /// The cook's remarks.
    #[serde(default)]
    notes: Option<String>,
}

/// A make's differences: the flat list (the default), or the structured
/// diff (`?format=full`).
#[derive(ToSchema)]
#[serde(untagged)]
pub(super) enum Differences {
    /// The original project's flat list.
    Flat(Vec<SeedDifference>),
    /// The structured diff.
    Full(Box<RecipeDiff>),
}

/// The body of `POST /diff`: a recipe and a make, each in the native
/// format or as schema.org JSON-LD.
#[derive(ToSchema)]
#[schema(example = json!({
    "original": {
        "recipeName": "Apple Pie", "recipeId": 1, "rating": 5,
        "ingredients": [{"ingredientId": 1, "quantity": 0.5, "measurement": "TBS", "ingredientName": "cinnamon"}],
        "steps": [{"stepId": 1, "stepText": "Pre heat oven to 350 degrees"}, {"stepId": 2, "stepText": "Make the pie"}]
    },
    "make": {
        "recipeName": "Apple Pie", "recipeId": 1, "rating": 4,
        "ingredients": [{"ingredientId": 1, "quantity": 1, "measurement": "TBS", "ingredientName": "cinnamon"}],
        "steps": [{"stepId": 1, "stepText": "Make the pie"}]
    }
}))]
pub(super) struct DiffRequest {
    /// The recipe as written, the side the differences start from.
    original: RecipeDocument,
    /// The recipe as cooked (or as the cook is editing it).
    make: MakeDocument,
}

/// Differences worded for a cook, as `recipe diff` prints them without
/// colour: one line per difference, or `no differences`.
#[derive(serde::Serialize, ToSchema)]
#[schema(example = json!({"text": "recipe 1\n~ rating: 5 → 4\nsteps:\n  − skipped step 1: \"Pre heat oven to 350 degrees\"\n"}))]
pub(super) struct DifferencesText {
    /// The lines, each ending in a newline.
    pub(super) text: String,
}

/// What `POST /diff` answers: the flat list (the default), the structured
/// diff (`?format=full`) or the differences in words (`?format=text`).
///
/// Written by hand as an `anyOf`: `{"text": …}` also fits the structured
/// diff's schema, whose fields are all optional, so a `oneOf` would call
/// a text answer ambiguous.
pub(super) struct DiffPreview;

impl utoipa::PartialSchema for DiffPreview {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::Ref;
        use utoipa::openapi::schema::AnyOfBuilder;
        AnyOfBuilder::new()
            .description(Some(
                "The differences: a list of `differenceObject`s, or with `?format=full` the \
                 structured diff, or with `?format=text` the differences in words",
            ))
            .item(Ref::from_schema_name(Differences::name()))
            .item(Ref::from_schema_name(DifferencesText::name()))
            .into()
    }
}

impl ToSchema for DiffPreview {
    fn schemas(
        schemas: &mut Vec<(
            String,
            utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>,
        )>,
    ) {
        for (name, schema) in [
            (
                Differences::name(),
                <Differences as utoipa::PartialSchema>::schema(),
            ),
            (
                DifferencesText::name(),
                <DifferencesText as utoipa::PartialSchema>::schema(),
            ),
        ] {
            schemas.push((name.into_owned(), schema));
        }
        <Differences as ToSchema>::schemas(schemas);
        <DifferencesText as ToSchema>::schemas(schemas);
    }
}

/// The answers of every route that reads or writes the record store, when
/// the store fails.
#[derive(utoipa::IntoResponses)]
pub(super) enum StoreFailure {
    /// Stored data could not be read, or the store refused; the details are
    /// logged, not answered
    #[response(status = 500)]
    Internal(super::ErrorBody),
    /// The store is unavailable; trying again later may succeed
    #[response(status = 503)]
    Unavailable(super::ErrorBody),
}

/// The answers of a route under `/recipes/{recipeId}` that reads the
/// recipe first.
#[derive(utoipa::IntoResponses)]
pub(super) enum RecipeNotFound {
    /// The id in the path is not a whole number
    #[response(status = 400)]
    BadId(super::ErrorBody),
    /// No such recipe
    #[response(status = 404)]
    NotFound(super::ErrorBody),
}

/// The refusals every write can meet before its body is read: the token's
/// and the body's.
pub(super) struct WriteRefusal;

impl utoipa::IntoResponses for WriteRefusal {
    fn responses() -> std::collections::BTreeMap<
        String,
        utoipa::openapi::RefOr<utoipa::openapi::response::Response>,
    > {
        let mut responses = BodyRefusal::responses();
        responses.append(&mut TokenRefusal::responses());
        responses
    }
}

/// The refusal of a write without the token.
#[derive(utoipa::IntoResponses)]
pub(super) enum TokenRefusal {
    /// Missing or wrong token
    #[response(status = 401, headers(("WWW-Authenticate" = String, description = "`Bearer`")))]
    Unauthorized(super::ErrorBody),
}

/// The refusals every route that reads a body can meet before reading it,
/// a write or not.
#[derive(utoipa::IntoResponses)]
pub(super) enum BodyRefusal {
    /// The body is over the limit
    #[response(status = 413)]
    PayloadTooLarge(super::ErrorBody),
    /// The body is not declared as JSON (`Content-Type: application/json`,
    /// or another `+json` type)
    #[response(status = 415)]
    UnsupportedMediaType(super::ErrorBody),
}

/// The answer of `/healthz` and `/readyz`.
#[derive(ToSchema, serde::Serialize)]
pub(super) struct Status {
    /// `ok` or `ready`.
    pub(super) status: &'static str,
}

#[cfg(test)]
mod tests {
    //! Serializes what the API answers, every variant included, and checks
    //! each value against the document. The schemas are derived from these
    //! very types, but a derive can misread serde (`flatten`, a newtype
    //! variant of an internally tagged enum), and `Quantity`'s schema is
    //! written by hand next to its hand-written serde impls.

    use recipe_diff::changes::{
        Change, EditedStep, IngredientChange, IngredientField, ModifiedIngredient, Paired,
        Restatements, Scaling, StepChange, WordChange, WordOp,
    };
    use recipe_diff::quantity::Quantity;
    use recipe_diff::{Ingredient, Recipe, RecipeDiff, Step};
    use serde_json::{Value, json};

    use recipe_ports::records::{MakeRecord, Rejection};

    fn ingredient(name: &str) -> Ingredient {
        Ingredient {
            ingredient_id: Some(1),
            quantity: Some(Quantity::range(2.0, 3.0)),
            measurement: Some("cup".into()),
            ingredient_name: name.into(),
            note: Some("sifted".into()),
            ..Ingredient::default()
        }
    }

    fn step(text: &str) -> Step {
        Step {
            step_id: Some(1),
            step_text: text.into(),
        }
    }

    fn recipe() -> Recipe {
        Recipe {
            recipe_name: "Pie".into(),
            recipe_id: Some(1),
            rating: Some(4.5),
            ingredients: vec![
                ingredient("flour"),
                Ingredient {
                    quantity: Some(Quantity::new(1.5)),
                    ..ingredient("salt")
                },
            ],
            steps: vec![step("Bake")],
        }
    }

    fn paired<T: Clone>(item: &T) -> Paired<T> {
        Paired {
            original_index: 0,
            make_index: 1,
            original: item.clone(),
            make: item.clone(),
        }
    }

    /// A diff with every field and every variant set.
    fn full_diff() -> RecipeDiff {
        RecipeDiff {
            recipe_id: Some(1),
            make_id: Some(2),
            name: Some(Change::new("Pie".into(), "Tart".into())),
            rating: Some(Change::new(None, Some(4.0))),
            scaling: Some(Scaling { factor: 2.0 }),
            ingredients: vec![
                IngredientChange::Added {
                    make_index: 0,
                    ingredient: ingredient("sugar"),
                },
                IngredientChange::Removed {
                    original_index: 0,
                    ingredient: ingredient("salt"),
                },
                IngredientChange::Substituted(paired(&ingredient("butter"))),
                IngredientChange::Modified(ModifiedIngredient {
                    original_index: 1,
                    make_index: 1,
                    original: ingredient("flour"),
                    make: ingredient("flour"),
                    fields: vec![
                        IngredientField::Quantity,
                        IngredientField::Measurement,
                        IngredientField::IngredientName,
                        IngredientField::Note,
                    ],
                    ratio: Some(1.5),
                }),
            ],
            steps: vec![
                StepChange::Added {
                    make_index: 0,
                    step: step("Rest"),
                },
                StepChange::Removed {
                    original_index: 0,
                    step: step("Chill"),
                },
                StepChange::Edited(EditedStep {
                    original_index: 0,
                    make_index: 0,
                    original: step("Bake 30 minutes"),
                    make: step("Bake 40 minutes"),
                    words: [WordOp::Equal, WordOp::Delete, WordOp::Insert]
                        .into_iter()
                        .map(|op| WordChange {
                            op,
                            text: "Bake".into(),
                        })
                        .collect(),
                    moved: true,
                }),
                StepChange::Moved(paired(&step("Serve"))),
            ],
            restatements: Restatements {
                recipe_id: Some(Change::new(Some(1), None)),
                name: Some(Change::new("pie".into(), "Pie".into())),
                ingredients: vec![paired(&ingredient("apples"))],
                steps: vec![paired(&step("Bake"))],
            },
        }
    }

    /// Checks `value` against `schema`, resolving references in `doc`.
    fn check(value: &Value, schema: &Value, doc: &Value, at: &str) -> Result<(), String> {
        if let Some(reference) = schema["$ref"].as_str() {
            let name = reference.trim_start_matches("#/components/schemas/");
            return check(value, &doc["components"]["schemas"][name], doc, at);
        }
        if let Some(alternatives) = schema["oneOf"].as_array() {
            let errors: Vec<String> = alternatives
                .iter()
                .filter_map(|alternative| check(value, alternative, doc, at).err())
                .collect();
            return match alternatives.len() - errors.len() {
                1 => Ok(()),
                0 => Err(format!("{at}: no alternative fits: {errors:?}")),
                n => Err(format!("{at}: {n} alternatives of a oneOf fit")),
            };
        }
        if let Some(alternatives) = schema["anyOf"].as_array() {
            let errors: Vec<String> = alternatives
                .iter()
                .filter_map(|alternative| check(value, alternative, doc, at).err())
                .collect();
            return if errors.len() < alternatives.len() {
                Ok(())
            } else {
                Err(format!("{at}: no alternative fits: {errors:?}"))
            };
        }
        if let Some(parts) = schema["allOf"].as_array() {
            // Each part checks its own properties; an object's keys must
            // be declared by some part.
            let mut declared = Vec::new();
            for part in parts {
                let part = match part["$ref"].as_str() {
                    Some(r) => {
                        &doc["components"]["schemas"][r.trim_start_matches("#/components/schemas/")]
                    }
                    None => part,
                };
                let mut relaxed = part.clone();
                if let Some(properties) = part["properties"].as_object() {
                    declared.extend(properties.keys().cloned());
                    relaxed["additionalProperties"] = json!(true);
                }
                check(value, &relaxed, doc, at)?;
            }
            if let Some(object) = value.as_object()
                && let Some(key) = object.keys().find(|k| !declared.contains(k))
            {
                return Err(format!("{at}.{key} is not documented"));
            }
            return Ok(());
        }
        if let Some(allowed) = schema["enum"].as_array()
            && !allowed.contains(value)
        {
            return Err(format!("{at}: {value} is not one of {allowed:?}"));
        }
        let types: Vec<&str> = match &schema["type"] {
            Value::String(t) => vec![t.as_str()],
            Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        let kind = match value {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
        };
        let fits = types.is_empty()
            || types.contains(&kind)
            || (kind == "integer" && types.contains(&"number"));
        if !fits {
            return Err(format!("{at}: a {kind}, documented as {types:?}"));
        }
        match value {
            Value::Object(object) => {
                let properties = schema["properties"].as_object();
                for (key, item) in object {
                    match properties.and_then(|p| p.get(key)) {
                        Some(property) => check(item, property, doc, &format!("{at}.{key}"))?,
                        None if schema["additionalProperties"] == json!(true) => {}
                        None => return Err(format!("{at}.{key} is not documented")),
                    }
                }
                for required in schema["required"].as_array().into_iter().flatten() {
                    let required = required.as_str().unwrap_or_default();
                    if !object.contains_key(required) {
                        return Err(format!("{at}.{required} is required but missing"));
                    }
                }
                Ok(())
            }
            Value::Array(items) => items.iter().enumerate().try_for_each(|(i, item)| {
                check(item, &schema["items"], doc, &format!("{at}[{i}]"))
            }),
            _ => Ok(()),
        }
    }

    fn conforms(value: &impl serde::Serialize, schema: &str) {
        let doc = serde_json::to_value(super::super::openapi()).unwrap();
        assert!(
            doc["components"]["schemas"][schema].is_object(),
            "{schema} is not in the document"
        );
        let value = serde_json::to_value(value).unwrap();
        let reference = json!({"$ref": format!("#/components/schemas/{schema}")});
        if let Err(error) = check(&value, &reference, &doc, schema) {
            panic!(
                "{error}\nvalue: {value:#}\nschemas: {:#}",
                doc["components"]["schemas"]
            );
        }
    }

    #[test]
    fn the_real_types_fit_their_documented_schemas() {
        conforms(&recipe(), "Recipe");
        conforms(&Recipe::default(), "Recipe");
        conforms(&recipe(), "NewRecipe");
        conforms(&full_diff(), "RecipeDiff");
        conforms(&RecipeDiff::default(), "RecipeDiff");
        let record = MakeRecord {
            recipe_version: 1,
            recipe_id: 1,
            make_id: 0,
            made_at: Some("2026-11-20T18:30:00Z".into()),
            notes: Some("oven runs hot".into()),
            recipe: recipe(),
            differences: full_diff(),
            flat_differences: Vec::new(),
            source: Some("s3://bucket/makes/pie.json".into()),
            recorded_at: "2026-11-21T10:00:00.000Z".into(),
        }
        .numbered(3);
        conforms(&super::super::makes::MakeView::from(&record), "Make");
        assert!(record.flat_differences.len() > 5);
        for item in &record.flat_differences {
            conforms(item, "DifferenceObject");
        }
        conforms(&record.flat_differences, "Differences");
        conforms(&record.differences, "Differences");
        let rejection = Rejection {
            source: "s3://bucket/makes/bad.json@e1".into(),
            reason: "steps[0].stepText: invalid type".into(),
            rejected_at: "2026-11-21T10:00:00.000Z".into(),
        };
        conforms(&rejection, "Rejection");
    }

    #[test]
    fn the_previews_fit_their_documented_schema() {
        let changes = full_diff();
        let text = super::DifferencesText {
            text: recipe_diff::render::text(&changes, recipe_diff::render::TextStyle::Plain),
        };
        conforms(&text, "DifferencesText");
        conforms(&text, "DiffPreview");
        conforms(&recipe_diff::render::seed(&changes), "DiffPreview");
        conforms(&changes, "DiffPreview");
        // Without ids, the flat list leaves them out.
        let anonymous = RecipeDiff {
            recipe_id: None,
            make_id: None,
            ..changes
        };
        conforms(&recipe_diff::render::seed(&anonymous), "DiffPreview");
        let doc = serde_json::to_value(super::super::openapi()).unwrap();
        let untyped = json!({"$ref": "#/components/schemas/DiffPreview"});
        assert!(check(&json!(3), &untyped, &doc, "DiffPreview").is_err());
    }

    #[test]
    fn the_analytics_fit_their_documented_schemas() {
        let original = recipe();
        let mut cooked = recipe();
        cooked.rating = Some(3.0);
        cooked.steps.clear();
        let make = MakeRecord {
            recipe_version: 1,
            recipe_id: 1,
            make_id: 0,
            made_at: None,
            notes: Some("no oven".into()),
            differences: recipe_diff::diff(&original, &cooked),
            recipe: cooked,
            flat_differences: Vec::new(),
            source: None,
            recorded_at: "2026-11-21T10:00:00.000Z".into(),
        }
        .numbered(1);
        let makes = [make];
        let analytics = crate::analytics::recipe_analytics(&original, &makes);
        assert!(!analytics.changes_and_ratings.is_empty());
        conforms(&analytics, "RecipeAnalytics");
        conforms(
            &crate::analytics::overview([(&original, &makes[..])]),
            "Overview",
        );
    }

    #[test]
    fn the_checker_catches_an_undocumented_field() {
        let doc = serde_json::to_value(super::super::openapi()).unwrap();
        let mut value = serde_json::to_value(recipe()).unwrap();
        value["secretSauce"] = json!(true);
        let reference = json!({"$ref": "#/components/schemas/Recipe"});
        assert!(check(&value, &reference, &doc, "Recipe").is_err());
    }
}
