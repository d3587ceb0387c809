//! Text into the amount readers: `Quantity::from_str`, `Unit::parse` and
//! `parse_ingredient_line` (`"1 1/2"`, `"½"`, `"2-3"`, `"1 to 2"`, …).
//!
//! Promises checked, as the crate documents them:
//!
//! - no reader panics; a refusal names what is wrong;
//! - a quantity is finite, non-negative, and its low end is not above its
//!   high end;
//! - its display (`1 1/2`) reads back to within 1e-3 of it;
//! - its decimal text and its JSON read back to exactly it;
//! - a unit reads back from its display as the same unit;
//! - an ingredient line names an ingredient (trimmed, non-empty) and holds
//!   a quantity with the same guarantees.

#![no_main]

use libfuzzer_sys::fuzz_target;
use recipe_diff::parse::parse_ingredient_line;
use recipe_diff::quantity::Quantity;
use recipe_diff::units::Unit;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match text.parse::<Quantity>() {
        Ok(quantity) => check_quantity(quantity, text),
        Err(error) => assert!(
            !error.to_string().trim().is_empty(),
            "an empty error for {text:?}"
        ),
    }

    let unit = Unit::parse(text);
    let shown = unit.to_string();
    assert_eq!(
        Unit::parse(&shown),
        unit,
        "{text:?} is {unit:?}, shown as {shown:?}"
    );

    match parse_ingredient_line(text) {
        Ok(ingredient) => {
            let name = &ingredient.ingredient_name;
            assert!(
                !name.is_empty() && *name.trim() == **name,
                "name {name:?} from {text:?}"
            );
            if let Some(quantity) = ingredient.quantity {
                check_quantity(quantity, text);
            }
        }
        Err(error) => assert!(
            !error.to_string().trim().is_empty(),
            "an empty error for {text:?}"
        ),
    }
});

fn check_quantity(quantity: Quantity, text: &str) {
    let (low, high) = (quantity.low(), quantity.high());
    assert!(
        low.is_finite() && high.is_finite() && 0.0 <= low && low <= high,
        "{text:?} read as {quantity:?}"
    );

    let shown = quantity.to_string();
    match shown.parse::<Quantity>() {
        Ok(back) => {
            let close = |a: f64, b: f64| (a - b).abs() <= 1e-3 * b.max(1.0);
            assert!(
                close(back.low(), low) && close(back.high(), high),
                "{quantity:?} shown as {shown:?} reads back as {back:?}"
            );
        }
        Err(error) => panic!("{quantity:?} shown as {shown:?} does not read back: {error}"),
    }

    let decimal = quantity.decimal();
    match decimal.parse::<Quantity>() {
        Ok(back) => assert_eq!(back, quantity, "decimal text {decimal:?}"),
        Err(error) => panic!("{quantity:?} as decimal {decimal:?} does not read back: {error}"),
    }

    let json = serde_json::to_string(&quantity).expect("a quantity serializes");
    match serde_json::from_str::<Quantity>(&json) {
        Ok(back) => assert_eq!(back, quantity, "JSON {json}"),
        Err(error) => panic!("{quantity:?} as JSON {json} does not read back: {error}"),
    }
}
