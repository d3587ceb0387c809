//! Component names for the instances of generic types that the schemas
//! refer to (with the `openapi` feature).
//!
//! utoipa names an instance after its type and arguments:
//! `Change<String>` becomes `Change_String`, which client generators turn
//! into awkward class names. Fields of these types name one of the schemas
//! here instead (`#[schema(value_type = …)]`), each the derived schema of
//! one instance under a name and description of its own. They add no
//! shape of their own, so they cannot drift from the types.

use std::borrow::Cow;

use utoipa::openapi::RefOr;
use utoipa::openapi::schema::Schema;
use utoipa::{PartialSchema, ToSchema};

use crate::changes::{Change, Paired};
use crate::model::{Ingredient, Step};

/// Declares `$name` as the schema of `$instance`, described as `$description`.
macro_rules! named_instance {
    ($name:ident = $instance:ty, $description:literal) => {
        #[doc = $description]
        // Never a value: only a name in the document.
        pub(crate) enum $name {}

        impl PartialSchema for $name {
            fn schema() -> RefOr<Schema> {
                described(<$instance as PartialSchema>::schema(), $description)
            }
        }

        impl ToSchema for $name {
            fn name() -> Cow<'static, str> {
                Cow::Borrowed(stringify!($name))
            }

            fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
                <$instance as ToSchema>::schemas(schemas);
            }
        }
    };
}

named_instance!(TextChange = Change<String>, "A text before and after.");
named_instance!(
    RatingChange = Change<Option<f64>>,
    "A rating before and after; `null` for no rating."
);
named_instance!(
    IdChange = Change<Option<i64>>,
    "An id before and after; `null` for no id."
);
named_instance!(
    PairedIngredient = Paired<Ingredient>,
    "An ingredient found at matching positions of the original and the make."
);
named_instance!(
    PairedStep = Paired<Step>,
    "A step found at matching positions of the original and the make."
);

/// `schema` with `description` in place of the generic type's own, and
/// its properties unwrapped.
fn described(mut schema: RefOr<Schema>, description: &str) -> RefOr<Schema> {
    if let RefOr::T(Schema::Object(object)) = &mut schema {
        object.description = Some(description.to_owned());
        for property in object.properties.values_mut() {
            unwrap_lone_alternative(property);
        }
    }
    schema
}

/// Replaces a `oneOf` of a single schema by that schema, keeping its
/// description. An inlined `T` arrives wrapped so (`oneOf: [{type:
/// string}]`), which means the same as the schema alone but reads worse,
/// in the document and in the clients generated from it.
fn unwrap_lone_alternative(schema: &mut RefOr<Schema>) {
    loop {
        let RefOr::T(Schema::OneOf(one_of)) = schema else {
            return;
        };
        if one_of.items.len() != 1 {
            return;
        }
        let description = one_of.description.take();
        let Some(mut alone) = one_of.items.pop() else {
            return;
        };
        if let Some(description) = description {
            match &mut alone {
                RefOr::T(Schema::Object(object)) => object.description = Some(description),
                RefOr::T(Schema::OneOf(one_of)) => one_of.description = Some(description),
                // Other shapes keep the wrapper, so the description stays.
                _ => return,
            }
        }
        *schema = alone;
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use serde_json::Value;
    use utoipa::{PartialSchema, ToSchema};

    use crate::render::SeedDifference;
    use crate::{Recipe, RecipeDiff};

    /// Every `$ref` in `value`, by component name.
    fn references(value: &Value, found: &mut BTreeSet<String>) {
        match value {
            Value::Object(object) => {
                for (key, item) in object {
                    match (key.as_str(), item) {
                        ("$ref", Value::String(reference)) => {
                            found.insert(
                                reference.trim_start_matches("#/components/schemas/").into(),
                            );
                        }
                        _ => references(item, found),
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|item| references(item, found)),
            _ => {}
        }
    }

    #[test]
    fn every_reference_names_a_schema_that_comes_along() {
        let mut schemas = vec![
            (Recipe::name().into_owned(), Recipe::schema()),
            (RecipeDiff::name().into_owned(), RecipeDiff::schema()),
            (
                SeedDifference::name().into_owned(),
                SeedDifference::schema(),
            ),
        ];
        Recipe::schemas(&mut schemas);
        RecipeDiff::schemas(&mut schemas);
        SeedDifference::schemas(&mut schemas);

        let names: BTreeSet<String> = schemas.iter().map(|(name, _)| name.clone()).collect();
        let mut referenced = BTreeSet::new();
        for (_, schema) in &schemas {
            references(&serde_json::to_value(schema).unwrap(), &mut referenced);
        }
        let dangling: Vec<_> = referenced.difference(&names).collect();
        assert!(dangling.is_empty(), "no schema for {dangling:?}");

        let expected = [
            "DifferenceObject",
            "EditedStep",
            "FlatChange",
            "FlatIngredientField",
            "FlatValues",
            "IdChange",
            "Ingredient",
            "IngredientChange",
            "IngredientField",
            "ModifiedIngredient",
            "PairedIngredient",
            "PairedStep",
            "Quantity",
            "RatingChange",
            "Recipe",
            "RecipeDiff",
            "RecipeField",
            "Restatements",
            "Scaling",
            "Step",
            "StepChange",
            "TextChange",
            "WordChange",
            "WordOp",
        ];
        assert_eq!(names, expected.into_iter().map(String::from).collect());
    }

    #[test]
    fn a_named_instance_reads_as_its_own_schema() {
        let schema = serde_json::to_value(super::RatingChange::schema()).unwrap();
        assert_eq!(
            schema["description"],
            "A rating before and after; `null` for no rating."
        );
        // The inlined `Option<f64>`, unwrapped from utoipa's lone `oneOf`.
        let original = &schema["properties"]["original"];
        assert_eq!(original["oneOf"][0]["type"], "null");
        assert_eq!(original["oneOf"][1]["type"], "number");
        assert_eq!(original["description"], "The original recipe's value.");
        let text = serde_json::to_value(super::TextChange::schema()).unwrap();
        assert_eq!(text["properties"]["make"]["type"], "string");
    }
}
