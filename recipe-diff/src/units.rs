//! Units of measurement and how amounts in them compare.

use std::fmt;

/// What a unit measures; amounts convert freely within one dimension.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dimension {
    /// Volume, in millilitres.
    Volume,
    /// Mass, in grams.
    Mass,
    /// Whole things (`2 eggs`, `1 unit pieCrust`).
    Count,
}

/// A unit this crate knows how to convert.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KnownUnit {
    /// US teaspoon.
    Teaspoon,
    /// US tablespoon (three teaspoons).
    Tablespoon,
    /// US cup.
    Cup,
    /// Millilitre.
    Milliliter,
    /// Litre.
    Liter,
    /// Gram.
    Gram,
    /// Kilogram.
    Kilogram,
    /// Avoirdupois ounce (mass).
    Ounce,
    /// Avoirdupois pound.
    Pound,
    /// One whole thing.
    Each,
}

impl KnownUnit {
    /// The dimension this unit measures.
    pub fn dimension(self) -> Dimension {
        match self {
            KnownUnit::Teaspoon
            | KnownUnit::Tablespoon
            | KnownUnit::Cup
            | KnownUnit::Milliliter
            | KnownUnit::Liter => Dimension::Volume,
            KnownUnit::Gram | KnownUnit::Kilogram | KnownUnit::Ounce | KnownUnit::Pound => {
                Dimension::Mass
            }
            KnownUnit::Each => Dimension::Count,
        }
    }

    /// How many base units (ml, g, each) one of this unit is.
    pub fn in_base_units(self) -> f64 {
        match self {
            KnownUnit::Teaspoon => 4.928_921_593_75,
            KnownUnit::Tablespoon => 14.786_764_781_25,
            KnownUnit::Cup => 236.588_236_5,
            KnownUnit::Milliliter => 1.0,
            KnownUnit::Liter => 1000.0,
            KnownUnit::Gram => 1.0,
            KnownUnit::Kilogram => 1000.0,
            KnownUnit::Ounce => 28.349_523_125,
            KnownUnit::Pound => 453.592_37,
            KnownUnit::Each => 1.0,
        }
    }

    /// The short name we render (`tsp`, `tbsp`, `g`).
    pub fn symbol(self) -> &'static str {
        match self {
            KnownUnit::Teaspoon => "tsp",
            KnownUnit::Tablespoon => "tbsp",
            KnownUnit::Cup => "cup",
            KnownUnit::Milliliter => "ml",
            KnownUnit::Liter => "l",
            KnownUnit::Gram => "g",
            KnownUnit::Kilogram => "kg",
            KnownUnit::Ounce => "oz",
            KnownUnit::Pound => "lb",
            KnownUnit::Each => "unit",
        }
    }
}

/// A measurement as understood: a known unit, or other text compared literally.
#[derive(Debug, Clone, PartialEq)]
pub enum Unit {
    /// A unit we can convert within its dimension.
    Known(KnownUnit),
    /// Anything else (`pinch`, `clove`), folded to a canonical spelling so
    /// `Cloves` and `clove` still compare equal.
    Other(String),
}

impl Unit {
    /// The unit of plain counts.
    pub fn count() -> Unit {
        Unit::Known(KnownUnit::Each)
    }

    /// Reads a measurement as written. Never fails: unknown text becomes
    /// [`Unit::Other`] and compares literally.
    pub fn parse(text: &str) -> Unit {
        let folded = text.trim().trim_end_matches('.').to_lowercase();
        let known = match folded.as_str() {
            "" | "unit" | "units" | "each" | "whole" | "piece" | "pieces" => KnownUnit::Each,
            "tsp" | "teaspoon" | "teaspoons" => KnownUnit::Teaspoon,
            "tbs" | "tbsp" | "tablespoon" | "tablespoons" => KnownUnit::Tablespoon,
            "cup" | "cups" | "c" => KnownUnit::Cup,
            "ml" | "milliliter" | "milliliters" | "millilitre" | "millilitres" => {
                KnownUnit::Milliliter
            }
            "l" | "liter" | "liters" | "litre" | "litres" => KnownUnit::Liter,
            "g" | "gram" | "grams" => KnownUnit::Gram,
            "kg" | "kilogram" | "kilograms" => KnownUnit::Kilogram,
            "oz" | "ounce" | "ounces" => KnownUnit::Ounce,
            "lb" | "lbs" | "pound" | "pounds" => KnownUnit::Pound,
            _ => return Unit::Other(folded),
        };
        Unit::Known(known)
    }

    /// The dimension, for known units.
    pub fn dimension(&self) -> Option<Dimension> {
        match self {
            Unit::Known(known) => Some(known.dimension()),
            Unit::Other(_) => None,
        }
    }
}

impl fmt::Display for Unit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Unit::Known(known) => f.write_str(known.symbol()),
            Unit::Other(text) => f.write_str(text),
        }
    }
}
