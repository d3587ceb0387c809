//! Builds a recipe and a make in code, diffs them, and renders the diff as
//! text, as the original project's flat list, and as rich JSON.
//!
//! ```text
//! cargo run --example build_in_code
//! ```

use std::error::Error;

use recipe_diff::quantity::Quantity;
use recipe_diff::render::{TextStyle, json, seed, text};
use recipe_diff::{Ingredient, Recipe, Step, diff};

fn ingredient(id: i64, quantity: f64, unit: &str, name: &str) -> Ingredient {
    Ingredient {
        ingredient_id: Some(id),
        quantity: Some(Quantity::new(quantity)),
        measurement: Some(unit.into()),
        ingredient_name: name.into(),
        note: None,
        ..Ingredient::default()
    }
}

fn step(id: i64, text: &str) -> Step {
    Step {
        step_id: Some(id),
        step_text: text.into(),
    }
}

fn main() -> Result<(), Box<dyn Error>> {
    let pancakes = Recipe {
        recipe_name: "Pancakes".into(),
        recipe_id: Some(7),
        rating: Some(3.5),
        ingredients: vec![
            ingredient(1, 1.5, "cup", "flour"),
            ingredient(2, 1.0, "tbsp", "sugar"),
            ingredient(3, 1.25, "cup", "milk"),
            ingredient(4, 3.0, "tbsp", "butter"),
        ],
        steps: vec![
            step(1, "Whisk the dry ingredients"),
            step(2, "Melt the butter"),
            step(3, "Stir in the milk and butter"),
            step(4, "Cook on a hot griddle for 2 minutes a side"),
        ],
    };

    // This morning: double batch, oil instead of butter, a longer cook.
    let mut make = pancakes.clone();
    for ingredient in &mut make.ingredients {
        ingredient.quantity = ingredient.quantity.map(|q| q.scaled(2.0));
    }
    make.ingredients[3].ingredient_name = "vegetable oil".into();
    make.steps.remove(1);
    make.steps[1].step_text = "Stir in the milk and oil".into();
    make.steps[2].step_text = "Cook on a hot griddle for 3 minutes a side".into();
    make.rating = Some(4.5);

    let changes = diff(&pancakes, &make);
    println!("== text ==\n{}", text(&changes, TextStyle::Plain));
    println!(
        "== seed ==\n{}",
        serde_json::to_string_pretty(&seed(&changes))?
    );
    println!("== json ==\n{}", json(&changes));
    Ok(())
}
