//! Free-text ingredient lines, as schema.org `recipeIngredient` holds them.

use crate::error::Result;
use crate::model::Ingredient;
use crate::quantity::Quantity;

/// Reads a line such as `"1 1/2 cups flour, sifted"` into an ingredient.
///
/// ```
/// let flour = recipe_diff::parse::parse_ingredient_line("2 cups flour, sifted")?;
/// assert_eq!(flour.ingredient_name, "flour");
/// assert_eq!(flour.measurement.as_deref(), Some("cups"));
/// assert_eq!(flour.note.as_deref(), Some("sifted"));
/// # Ok::<(), recipe_diff::Error>(())
/// ```
pub fn parse_ingredient_line(line: &str) -> Result<Ingredient> {
    let (body, note) = match line.split_once(',') {
        Some((body, note)) => (body.trim(), Some(note.trim().to_owned())),
        None => (line.trim(), None),
    };
    let mut words = body.split_whitespace().peekable();
    let quantity = words.peek().and_then(|word| word.parse::<Quantity>().ok());
    if quantity.is_some() {
        words.next();
    }
    let rest: Vec<&str> = words.collect();
    let (measurement, name) = match rest.as_slice() {
        [unit, name @ ..]
            if quantity.is_some()
                && !name.is_empty()
                && crate::units::Unit::parse(unit).dimension().is_some() =>
        {
            (Some((*unit).to_owned()), name.join(" "))
        }
        _ => (None, rest.join(" ")),
    };
    Ok(Ingredient {
        ingredient_id: None,
        quantity,
        measurement,
        ingredient_name: name,
        note: note.filter(|n| !n.is_empty()),
    })
}
