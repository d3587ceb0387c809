//! What every reader's fuzz target checks of what it read (each target
//! includes this with `#[path]`: every target is a binary of its own).

use recipe_diff::{Recipe, parse_recipe};

/// Checks a reader's answer for `text`: a refusal says what is wrong; a
/// recipe has a rating within 0 to 5 and finite, non-negative quantities,
/// and serializes to native JSON that reads back to the same recipe.
pub(crate) fn check_read<E: std::fmt::Display>(text: &str, read: Result<Recipe, E>) {
    let recipe = match read {
        Ok(recipe) => recipe,
        Err(error) => {
            assert!(
                !error.to_string().trim().is_empty(),
                "an empty error for {text:?}"
            );
            return;
        }
    };
    if let Some(rating) = recipe.rating {
        assert!(
            (0.0..=5.0).contains(&rating),
            "rating {rating} read from {text:?}"
        );
    }
    for quantity in recipe.ingredients.iter().filter_map(|i| i.quantity) {
        assert!(
            quantity.low().is_finite() && quantity.high().is_finite() && quantity.low() >= 0.0,
            "quantity {quantity:?} read from {text:?}"
        );
    }
    let json = serde_json::to_string(&recipe).expect("a parsed recipe serializes");
    match parse_recipe(&json) {
        Ok(back) => assert_eq!(
            back, recipe,
            "the native JSON {json} reads back differently"
        ),
        Err(error) => panic!("the native JSON {json} does not read back: {error}"),
    }
}
