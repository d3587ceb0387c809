//! Units of measurement and how amounts in them compare.
//!
//! [`Unit::parse`] reads a measurement as a cook writes it (`TBS`, `Tbsp`,
//! `tbsp.`, `tablespoons`, `T`) and never fails: what it does not know
//! becomes [`Unit::Other`], folded so that `Cloves` and `clove` are the same
//! unit. Known units convert within their [`Dimension`] through
//! [`KnownUnit::in_base_units`]:
//!
//! ```
//! use recipe_diff::units::{KnownUnit, Unit};
//!
//! let (Unit::Known(tbsp), Unit::Known(tsp)) = (Unit::parse("TBS"), Unit::parse("tsp")) else {
//!     unreachable!("both are known units");
//! };
//! let half_tablespoon = 0.5 * tbsp.in_base_units();
//! let teaspoons = half_tablespoon / tsp.in_base_units();
//! assert!((teaspoons - 1.5).abs() < 1e-12);
//! assert_eq!(Unit::parse("Cloves"), Unit::parse("clove"));
//! ```
//!
//! Volumes are US customary (the units of the original project's recipes),
//! masses avoirdupois; both are defined exactly in metric units, so each
//! factor below is exact, not a rounded approximation.
//!
//! Recipes from the rest of the web write their units in their own
//! languages; each reads as the unit it is, with its own exact factor:
//!
//! | language | tablespoon (15 ml) | teaspoon (5 ml) | other |
//! | --- | --- | --- | --- |
//! | German | `EL`, `Esslöffel` | `TL`, `Teelöffel` | `Msp.`, `Prise` (pinch), `Bund` (bunch), `Stück` (each), `Becher` |
//! | French | `c. à soupe`, `cuil. à soupe`, `c. à s.` | `c. à café`, `cuil. à café`, `c. à c.` | `pincée` (pinch) |
//! | Spanish | `cucharada`, `cda` | `cucharadita`, `cdta` | `taza` (cup), `pizca` (pinch) |
//! | Italian | `cucchiaio` | `cucchiaino` | `pizzico` (pinch) |
//! | Dutch | `el`, `eetlepel` | `tl`, `theelepel` | `snufje` (pinch) |
//! | Swedish, Norwegian, Danish | `msk`, `ss`, `spsk` | `tsk`, `ts` | `krm` (1 ml), `nypa` (pinch) |
//! | Portuguese | `colher de sopa` | `colher de chá` | |
//!
//! `dl` and `cl` are read everywhere; `cc` stays the cubic centimetre
//! (a millilitre), never the French `c. à c.`. Case does not matter, except
//! where it decides: `T` is a tablespoon and `t` a teaspoon.
//!
//! A metric spoon (15 ml) and a US one (14.79 ml) differ by 1.4 %, within
//! the diff's tolerance for amounts written in different units, so `1 EL`
//! and `1 tbsp` are no difference, while `1 msk` is exactly `3 tsk`.

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

/// Millilitres in a US liquid gallon. The gallon is defined as 231 cubic
/// inches and the inch as exactly 25.4 mm, so this is exact; every smaller
/// US volume is the gallon divided by a power of two (the teaspoon by 768).
const US_GALLON_ML: f64 = 3_785.411_784;

/// Grams in an avoirdupois pound, exact by the 1959 international yard and
/// pound agreement; the ounce is a sixteenth of it.
const POUND_G: f64 = 453.592_37;

/// A unit this crate knows how to convert.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KnownUnit {
    /// US teaspoon: a third of a tablespoon.
    Teaspoon,
    /// Metric teaspoon, 5 ml: the German `TL`, Dutch `tl`, Nordic `tsk`,
    /// French `c. à café`, Spanish `cucharadita`, Italian `cucchiaino`,
    /// Portuguese `colher de chá`.
    MetricTeaspoon,
    /// Metric tablespoon, 15 ml: the German `EL`, Dutch `el`, Nordic
    /// `msk`/`ss`/`spsk`, French `c. à soupe`, Spanish `cucharada`, Italian
    /// `cucchiaio`, Portuguese `colher de sopa`.
    MetricTablespoon,
    /// US tablespoon: half a fluid ounce, three teaspoons.
    Tablespoon,
    /// US fluid ounce: an eighth of a cup. Plain `oz` is the mass ounce.
    FluidOunce,
    /// US customary cup: half a pint, 16 tablespoons (about 236.6 ml; the
    /// 240 ml "legal" nutrition-label cup is within the diff's tolerance).
    Cup,
    /// US liquid pint: two cups.
    Pint,
    /// US liquid quart: two pints.
    Quart,
    /// US liquid gallon: four quarts.
    Gallon,
    /// Millilitre, the base unit of volume.
    Milliliter,
    /// Centilitre: 10 ml.
    Centiliter,
    /// Decilitre: 100 ml.
    Deciliter,
    /// Litre: 1000 ml.
    Liter,
    /// Milligram: a thousandth of a gram.
    Milligram,
    /// Gram, the base unit of mass.
    Gram,
    /// Kilogram: 1000 g.
    Kilogram,
    /// Avoirdupois ounce (mass): a sixteenth of a pound.
    Ounce,
    /// Avoirdupois pound.
    Pound,
    /// One whole thing.
    Each,
}

impl KnownUnit {
    /// Every known unit, volumes then masses then the count.
    pub const ALL: [KnownUnit; 19] = [
        KnownUnit::Teaspoon,
        KnownUnit::Tablespoon,
        KnownUnit::MetricTeaspoon,
        KnownUnit::MetricTablespoon,
        KnownUnit::FluidOunce,
        KnownUnit::Cup,
        KnownUnit::Pint,
        KnownUnit::Quart,
        KnownUnit::Gallon,
        KnownUnit::Milliliter,
        KnownUnit::Centiliter,
        KnownUnit::Deciliter,
        KnownUnit::Liter,
        KnownUnit::Milligram,
        KnownUnit::Gram,
        KnownUnit::Kilogram,
        KnownUnit::Ounce,
        KnownUnit::Pound,
        KnownUnit::Each,
    ];

    /// The dimension this unit measures.
    pub fn dimension(self) -> Dimension {
        match self {
            KnownUnit::Teaspoon
            | KnownUnit::Tablespoon
            | KnownUnit::MetricTeaspoon
            | KnownUnit::MetricTablespoon
            | KnownUnit::FluidOunce
            | KnownUnit::Cup
            | KnownUnit::Pint
            | KnownUnit::Quart
            | KnownUnit::Gallon
            | KnownUnit::Milliliter
            | KnownUnit::Centiliter
            | KnownUnit::Deciliter
            | KnownUnit::Liter => Dimension::Volume,
            KnownUnit::Milligram
            | KnownUnit::Gram
            | KnownUnit::Kilogram
            | KnownUnit::Ounce
            | KnownUnit::Pound => Dimension::Mass,
            KnownUnit::Each => Dimension::Count,
        }
    }

    /// How many base units (ml, g, each) one of this unit is.
    pub fn in_base_units(self) -> f64 {
        match self {
            KnownUnit::Teaspoon => US_GALLON_ML / 768.0,
            KnownUnit::Tablespoon => US_GALLON_ML / 256.0,
            // The metric spoons are defined in millilitres: 5 ml and 15 ml
            // (ISO 3103's teaspoon; the Nordic kitchen measures of SIS and
            // Norsk Standard; Germany's EL and TL by convention).
            KnownUnit::MetricTeaspoon => 5.0,
            KnownUnit::MetricTablespoon => 15.0,
            KnownUnit::FluidOunce => US_GALLON_ML / 128.0,
            KnownUnit::Cup => US_GALLON_ML / 16.0,
            KnownUnit::Pint => US_GALLON_ML / 8.0,
            KnownUnit::Quart => US_GALLON_ML / 4.0,
            KnownUnit::Gallon => US_GALLON_ML,
            KnownUnit::Milliliter => 1.0,
            KnownUnit::Centiliter => 10.0,
            KnownUnit::Deciliter => 100.0,
            KnownUnit::Liter => 1000.0,
            KnownUnit::Milligram => 0.001,
            KnownUnit::Gram => 1.0,
            KnownUnit::Kilogram => 1000.0,
            KnownUnit::Ounce => POUND_G / 16.0,
            KnownUnit::Pound => POUND_G,
            KnownUnit::Each => 1.0,
        }
    }

    /// The short name we render (`tsp`, `tbsp`, `g`); [`Unit::parse`] reads
    /// it back as this unit.
    pub fn symbol(self) -> &'static str {
        match self {
            KnownUnit::Teaspoon => "tsp",
            KnownUnit::Tablespoon => "tbsp",
            KnownUnit::MetricTeaspoon => "metric tsp",
            KnownUnit::MetricTablespoon => "metric tbsp",
            KnownUnit::FluidOunce => "fl oz",
            KnownUnit::Cup => "cup",
            KnownUnit::Pint => "pt",
            KnownUnit::Quart => "qt",
            KnownUnit::Gallon => "gal",
            KnownUnit::Milliliter => "ml",
            KnownUnit::Centiliter => "cl",
            KnownUnit::Deciliter => "dl",
            KnownUnit::Liter => "l",
            KnownUnit::Milligram => "mg",
            KnownUnit::Gram => "g",
            KnownUnit::Kilogram => "kg",
            KnownUnit::Ounce => "oz",
            KnownUnit::Pound => "lb",
            KnownUnit::Each => "unit",
        }
    }

    /// Reads a folded (lowercase, periods and extra spaces removed) alias.
    fn from_alias(folded: &str) -> Option<KnownUnit> {
        Some(match folded {
            "" | "unit" | "each" | "ea" | "whole" | "piece" | "pc" | "count" | "ct" => {
                KnownUnit::Each
            }
            "tsp" | "teaspoon" | "teaspoonful" => KnownUnit::Teaspoon,
            "tbsp" | "tbs" | "tbl" | "tb" | "tablespoon" | "tablespoonful" => KnownUnit::Tablespoon,
            "metric tsp" | "metric teaspoon"
            // German, Dutch.
            | "tl" | "teelöffel" | "theelepel"
            // Swedish, Norwegian, Danish (`tesked`, `teskje`, `teske`).
            | "tsk" | "ts"
            // French.
            | "c à café" | "c à c" | "cuil à café" | "cuillère à café" | "cuillères à café"
            | "cuillerée à café"
            // Spanish, Italian.
            | "cucharadita" | "cdta" | "cdita" | "cucchiaino" | "cucchiaini"
            // Portuguese.
            | "colher de chá" | "colheres de chá" | "colher de cha" => KnownUnit::MetricTeaspoon,
            "metric tbsp" | "metric tablespoon"
            // German, Dutch.
            | "el" | "esslöffel" | "eßlöffel" | "eetlepel"
            // Swedish, Norwegian, Danish (`matsked`, `spiseskje`, `spiseske`).
            | "msk" | "ss" | "spsk"
            // French.
            | "c à soupe" | "c à s" | "cuil à soupe" | "cuillère à soupe" | "cuillères à soupe"
            | "cuillerée à soupe"
            // Spanish, Italian.
            | "cucharada" | "cda" | "cucchiaio" | "cucchiai"
            // Portuguese.
            | "colher de sopa" | "colheres de sopa" => KnownUnit::MetricTablespoon,
            // The Swedish kryddmått is one millilitre by definition.
            "krm" => KnownUnit::Milliliter,
            // Spanish recipes' `taza` is the cup they were written with.
            "taza" => KnownUnit::Cup,
            "stück" | "stk" | "st" => KnownUnit::Each,
            "fl oz" | "floz" | "fl.oz" | "fluid oz" | "fluid ounce" | "fl ounce" => {
                KnownUnit::FluidOunce
            }
            "c" | "cup" | "cupful" => KnownUnit::Cup,
            "pt" | "pint" => KnownUnit::Pint,
            "qt" | "quart" => KnownUnit::Quart,
            "gal" | "gallon" => KnownUnit::Gallon,
            "ml" | "cc" | "milliliter" | "millilitre" => KnownUnit::Milliliter,
            "cl" | "centiliter" | "centilitre" => KnownUnit::Centiliter,
            "dl" | "deciliter" | "decilitre" => KnownUnit::Deciliter,
            "l" | "ltr" | "liter" | "litre" => KnownUnit::Liter,
            "mg" | "milligram" | "milligramme" => KnownUnit::Milligram,
            // In recipes `gr` is a gram, not the apothecaries' grain.
            "g" | "gr" | "gm" | "gram" | "gramme" => KnownUnit::Gram,
            "kg" | "kilo" | "kilogram" | "kilogramme" => KnownUnit::Kilogram,
            "oz" | "ounce" => KnownUnit::Ounce,
            "lb" | "#" | "pound" => KnownUnit::Pound,
            _ => return None,
        })
    }
}

/// A measurement as understood: a known unit, or other text compared literally.
///
/// Equality means "the same unit": `Unit::parse("TBS") == Unit::parse("tablespoons")`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Unit {
    /// A unit we can convert within its dimension.
    Known(KnownUnit),
    /// Anything else (`pinch`, `clove`), folded to a canonical spelling
    /// (lowercase, singular, no trailing period) so `Cloves` and `clove`
    /// still compare equal.
    Other(String),
}

impl Unit {
    /// The unit of plain counts.
    pub fn count() -> Unit {
        Unit::Known(KnownUnit::Each)
    }

    /// Reads a measurement as written. Never fails: unknown text becomes
    /// [`Unit::Other`] and compares literally.
    ///
    /// Case, trailing periods (`tbsp.`, `fl. oz.`), extra spaces and plurals
    /// do not matter, with one exception cooks rely on: `T` is a tablespoon
    /// and `t` a teaspoon.
    pub fn parse(text: &str) -> Unit {
        if let Some(known) = Self::parse_short_word(text) {
            return Unit::Known(known);
        }
        let written = text
            .split_whitespace()
            .map(|word| word.trim_end_matches('.'))
            .filter(|word| !word.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        match written.as_str() {
            "T" => return Unit::Known(KnownUnit::Tablespoon),
            "t" => return Unit::Known(KnownUnit::Teaspoon),
            _ => {}
        }
        let folded = written.to_lowercase();
        if let Some(known) = KnownUnit::from_alias(&folded) {
            return Unit::Known(known);
        }
        let singular = singular(&folded);
        match KnownUnit::from_alias(&singular) {
            Some(known) => Unit::Known(known),
            None => Unit::Other(translated(&singular).unwrap_or(singular)),
        }
    }

    /// The common case without allocating: one short ASCII word that is a
    /// known alias (`TBS`, `cup`, `g`). `None` leaves it to the full reading.
    fn parse_short_word(text: &str) -> Option<KnownUnit> {
        const LONGEST: usize = 16;
        let word = text.trim();
        if word.len() > LONGEST || !word.bytes().all(|b| b.is_ascii_alphabetic()) {
            return None;
        }
        match word {
            "T" => return Some(KnownUnit::Tablespoon),
            "t" => return Some(KnownUnit::Teaspoon),
            _ => {}
        }
        let mut buffer = [0u8; LONGEST];
        let folded = buffer.get_mut(..word.len())?;
        folded.copy_from_slice(word.as_bytes());
        folded.make_ascii_lowercase();
        KnownUnit::from_alias(std::str::from_utf8(folded).ok()?)
    }

    /// The dimension, for known units.
    pub fn dimension(&self) -> Option<Dimension> {
        match self {
            Unit::Known(known) => Some(known.dimension()),
            Unit::Other(_) => None,
        }
    }
}

/// A non-convertible unit written in another language, as its English
/// canonical name, so `1 Prise` and `1 pinch` are the same unit.
fn translated(folded: &str) -> Option<String> {
    let english = match folded {
        // German, French, Spanish, Italian, Dutch, Swedish.
        "prise" | "prisen" | "pincée" | "pizca" | "pizzico" | "snufje" | "nypa" => "pinch",
        "bund" | "bünde" | "manojo" | "mazzetto" | "bos" | "knippe" => "bunch",
        "msp" | "messerspitze" | "knivsudd" => "msp",
        "zehe" | "zehen" | "gousse" | "gousses" | "diente" | "dientes" => "clove",
        "dose" | "dosen" | "boîte" | "lata" => "can",
        _ => return None,
    };
    Some(english.to_owned())
}

/// The singular of a folded measurement: only its last word is a noun
/// (`fluid ounces`, `small cans`).
fn singular(folded: &str) -> String {
    match folded.rsplit_once(' ') {
        Some((head, last)) => format!("{head} {}", singular_word(last)),
        None => singular_word(folded).to_owned(),
    }
}

/// English plurals as measurements use them. Deliberately small: `-ves`
/// is not `-f` in `cloves`, and `-ies` is not `-y` in `pies`, so only the
/// irregular words cooks measure in are listed.
fn singular_word(word: &str) -> &str {
    const IRREGULAR: [(&str, &str); 3] =
        [("leaves", "leaf"), ("halves", "half"), ("loaves", "loaf")];
    if let Some((_, single)) = IRREGULAR.iter().find(|(plural, _)| *plural == word) {
        return single;
    }
    // `pinches`, `dashes`, `glasses`, `boxes`: the `e` belongs to the plural.
    for suffix in ["ches", "shes", "sses", "xes", "zzes"] {
        if word.len() > suffix.len() && word.ends_with(suffix) {
            if let Some(stem) = word.strip_suffix("es") {
                return stem;
            }
        }
    }
    // `cans`, `cloves`, `lbs`; but not `glass`, `citrus` or a lone `gs`,
    // nor `pkg.s`: its stem would end in a period, which a second reading
    // trims, so the folded unit would not read back as itself.
    if word.len() >= 3 && !word.ends_with("ss") && !word.ends_with("us") && !word.ends_with("is") {
        if let Some(stem) = word.strip_suffix('s').filter(|stem| !stem.ends_with('.')) {
            return stem;
        }
    }
    word
}

impl fmt::Display for Unit {
    /// The symbol of a known unit (`tbsp`), the canonical text otherwise.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Unit::Known(known) => f.write_str(known.symbol()),
            Unit::Other(text) => f.write_str(text),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known(text: &str) -> KnownUnit {
        match Unit::parse(text) {
            Unit::Known(known) => known,
            other => panic!("{text:?} should be a known unit, is {other:?}"),
        }
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-12 * a.abs().max(b.abs())
    }

    /// How many `from` make one `to`.
    fn ratio(to: KnownUnit, from: KnownUnit) -> f64 {
        to.in_base_units() / from.in_base_units()
    }

    #[test]
    fn every_alias_reads_as_its_unit() {
        use KnownUnit::*;
        let table: &[(KnownUnit, &[&str])] = &[
            (
                Teaspoon,
                &[
                    "t",
                    "t.",
                    "tsp",
                    "tsp.",
                    "TSP",
                    "Tsp",
                    "tsps",
                    "teaspoon",
                    "teaspoons",
                    "Teaspoons",
                    "teaspoonful",
                ],
            ),
            (
                Tablespoon,
                &[
                    "T",
                    "T.",
                    "TBS",
                    "Tbs",
                    "tbs",
                    "tbs.",
                    "Tbsp",
                    "tbsp",
                    "tbsp.",
                    "TBSP",
                    "tbsps",
                    "tbl",
                    "tbls",
                    "Tb",
                    "tablespoon",
                    "tablespoons",
                    "Tablespoons",
                ],
            ),
            (
                FluidOunce,
                &[
                    "fl oz",
                    "fl. oz.",
                    "Fl Oz",
                    "fl  oz",
                    "floz",
                    "fl.oz.",
                    "fluid ounce",
                    "fluid ounces",
                    "fl ounces",
                ],
            ),
            (Cup, &["c", "C", "c.", "cup", "cups", "Cups", "CUP"]),
            (Pint, &["pt", "pt.", "pts", "pint", "pints"]),
            (Quart, &["qt", "qt.", "qts", "quart", "quarts"]),
            (Gallon, &["gal", "gal.", "gals", "gallon", "gallons"]),
            (
                Milliliter,
                &[
                    "ml",
                    "mL",
                    "ML",
                    "mls",
                    "cc",
                    "milliliter",
                    "milliliters",
                    "millilitre",
                    "millilitres",
                ],
            ),
            (Centiliter, &["cl", "cL", "centiliter", "centilitres"]),
            (Deciliter, &["dl", "dL", "deciliter", "decilitres"]),
            (
                Liter,
                &[
                    "l", "L", "ltr", "liter", "liters", "litre", "litres", "Litres",
                ],
            ),
            (
                Milligram,
                &["mg", "milligram", "milligrams", "milligrammes"],
            ),
            (
                Gram,
                &[
                    "g", "G", "g.", "gr", "gm", "gms", "gram", "grams", "gramme", "grammes",
                ],
            ),
            (
                Kilogram,
                &["kg", "Kg", "kgs", "kilo", "kilos", "kilogram", "kilograms"],
            ),
            (Ounce, &["oz", "oz.", "OZ", "ozs", "ounce", "ounces"]),
            (
                Pound,
                &["lb", "lb.", "lbs", "lbs.", "LBS", "#", "pound", "pounds"],
            ),
            (
                Each,
                &[
                    "", "  ", "unit", "units", "each", "ea", "ea.", "whole", "piece", "pieces",
                    "pc", "pcs", "count", "ct",
                ],
            ),
        ];
        for (unit, aliases) in table {
            for alias in *aliases {
                assert_eq!(known(alias), *unit, "{alias:?}");
            }
        }
    }

    #[test]
    fn units_in_the_webs_languages_are_the_units_they_name() {
        use KnownUnit::*;
        let table: &[(KnownUnit, &[&str])] = &[
            (
                MetricTablespoon,
                &[
                    "EL",
                    "el",
                    "El.",
                    "Esslöffel",
                    "eetlepel",
                    "msk",
                    "MSK",
                    "ss",
                    "spsk",
                    "c. à soupe",
                    "c. à s.",
                    "cuil. à soupe",
                    "cuillère à soupe",
                    "cuillères à soupe",
                    "cucharada",
                    "cucharadas",
                    "cda",
                    "cdas",
                    "cucchiaio",
                    "cucchiai",
                    "colher de sopa",
                    "colheres de sopa",
                ],
            ),
            (
                MetricTeaspoon,
                &[
                    "TL",
                    "tl",
                    "Teelöffel",
                    "theelepel",
                    "tsk",
                    "ts",
                    "c. à café",
                    "c. à c.",
                    "cuil. à café",
                    "cuillère à café",
                    "cucharadita",
                    "cucharaditas",
                    "cdta",
                    "cucchiaino",
                    "cucchiaini",
                    "colher de chá",
                    "colheres de chá",
                ],
            ),
            (Milliliter, &["krm", "cc", "ml"]),
            (Deciliter, &["dl", "DL"]),
            (Centiliter, &["cl", "CL"]),
            (Cup, &["taza", "tazas"]),
            (Each, &["Stück", "Stk."]),
        ];
        for (unit, aliases) in table {
            for alias in *aliases {
                assert_eq!(known(alias), *unit, "{alias:?}");
            }
        }
        assert_eq!(Unit::parse("Prise"), Unit::parse("pinch"));
        assert_eq!(Unit::parse("Bund"), Unit::parse("bunch"));
        assert_eq!(Unit::parse("pincée"), Unit::parse("pinch"));
        assert_eq!(Unit::parse("Msp."), Unit::Other("msp".to_owned()));
        assert_eq!(Unit::parse("Becher"), Unit::Other("becher".to_owned()));
    }

    #[test]
    fn the_metric_spoons_have_their_exact_factors() {
        use KnownUnit::*;
        assert!(close(ratio(MetricTablespoon, MetricTeaspoon), 3.0));
        assert_eq!(MetricTablespoon.in_base_units(), 15.0);
        assert_eq!(MetricTeaspoon.in_base_units(), 5.0);
        assert!(close(ratio(Deciliter, Milliliter), 100.0));
        // Within the diff's 2 % tolerance of the US spoons.
        assert!((ratio(MetricTablespoon, Tablespoon) - 1.0).abs() < 0.02);
        assert!((ratio(MetricTeaspoon, Teaspoon) - 1.0).abs() < 0.02);
    }

    #[test]
    fn only_t_is_case_sensitive() {
        assert_eq!(known("T"), KnownUnit::Tablespoon);
        assert_eq!(known("t"), KnownUnit::Teaspoon);
        assert_eq!(known("TSP"), known("tsp"));
        assert_eq!(known("TBSP"), known("tbsp"));
        assert_eq!(known("C"), known("c"));
    }

    #[test]
    fn every_symbol_reads_back_as_its_unit() {
        for unit in KnownUnit::ALL {
            assert_eq!(known(unit.symbol()), unit);
            assert_eq!(Unit::Known(unit).to_string(), unit.symbol());
        }
    }

    #[test]
    fn dimensions_group_the_units() {
        for unit in KnownUnit::ALL {
            let expected = match unit.symbol() {
                "tsp" | "tbsp" | "metric tsp" | "metric tbsp" | "fl oz" | "cup" | "pt" | "qt"
                | "gal" | "ml" | "cl" | "dl" | "l" => Dimension::Volume,
                "mg" | "g" | "kg" | "oz" | "lb" => Dimension::Mass,
                _ => Dimension::Count,
            };
            assert_eq!(unit.dimension(), expected, "{unit:?}");
            assert_eq!(Unit::Known(unit).dimension(), Some(expected));
        }
        assert_eq!(Unit::parse("pinch").dimension(), None);
        assert_eq!(Unit::count(), Unit::Known(KnownUnit::Each));
    }

    #[test]
    fn conversions_follow_the_definitions() {
        use KnownUnit::*;
        // 0.5 tbsp is 1.5 tsp: the example of the original project.
        assert!(close(
            0.5 * Tablespoon.in_base_units(),
            1.5 * Teaspoon.in_base_units()
        ));
        let relations = [
            (Tablespoon, Teaspoon, 3.0),
            (FluidOunce, Tablespoon, 2.0),
            (Cup, Tablespoon, 16.0),
            (Cup, FluidOunce, 8.0),
            (Pint, Cup, 2.0),
            (Quart, Pint, 2.0),
            (Gallon, Quart, 4.0),
            (Centiliter, Milliliter, 10.0),
            (Deciliter, Milliliter, 100.0),
            (Liter, Milliliter, 1000.0),
            (Liter, Deciliter, 10.0),
            (Gram, Milligram, 1000.0),
            (Kilogram, Gram, 1000.0),
            (Pound, Ounce, 16.0),
        ];
        for (to, from, expected) in relations {
            assert!(close(ratio(to, from), expected), "{to:?} / {from:?}");
        }
        // The exact metric definitions.
        assert!(close(Gallon.in_base_units(), 231.0 * 2.54 * 2.54 * 2.54));
        assert!(close(Teaspoon.in_base_units(), 4.928_921_593_75));
        assert!(close(Cup.in_base_units(), 236.588_236_5));
        assert!(close(Pound.in_base_units(), 453.592_37));
        assert!(close(Ounce.in_base_units(), 28.349_523_125));
        assert_eq!(Each.in_base_units(), 1.0);
    }

    #[test]
    fn other_units_fold_case_periods_and_plurals() {
        let pairs = [
            ("Cloves", "clove"),
            ("pinches", "pinch"),
            ("Pinch.", "pinch"),
            ("cans", "can"),
            ("sticks", "stick"),
            ("slices", "slice"),
            ("sprigs", "sprig"),
            ("dashes", "dash"),
            ("bunches", "bunch"),
            ("packages", "package"),
            ("boxes", "box"),
            ("glasses", "glass"),
            ("leaves", "leaf"),
            ("heads", "head"),
            ("Small  Cans", "small can"),
        ];
        for (plural, single) in pairs {
            assert_eq!(Unit::parse(plural), Unit::parse(single), "{plural}");
            assert_eq!(Unit::parse(plural), Unit::Other(single.to_owned()));
        }
        assert_eq!(Unit::parse("glass"), Unit::Other("glass".to_owned()));
        assert_ne!(Unit::parse("pinch"), Unit::parse("dash"));
        assert_eq!(Unit::parse("Cloves").to_string(), "clove");
    }

    #[test]
    fn a_unit_reads_back_from_its_display() {
        // Found by the `quantity` fuzz target: `S\0\0\0\0.S` folded to
        // `s\0\0\0\0.`, which read back without its period.
        for text in [
            "S\0\0\0\0.S",
            "pkg.s",
            "cans.s",
            "Tbsp.s",
            "Cloves",
            "fl. oz.",
            "T",
            "Small  Cans",
        ] {
            let unit = Unit::parse(text);
            assert_eq!(Unit::parse(&unit.to_string()), unit, "{text:?}");
        }
    }

    #[test]
    fn odd_text_never_panics() {
        for text in [
            "s", "ss", "es", "ches", "é", "ÉS", "🍋s", ".", "...", "\u{0}", "T T",
        ] {
            let _ = Unit::parse(text).to_string();
        }
    }
}
