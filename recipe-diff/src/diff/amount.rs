//! Comparing two amounts across units.

use std::cell::OnceCell;

use crate::model::Ingredient;
use crate::quantity::Quantity;
use crate::units::{Dimension, Unit};

/// Relative tolerance when the two sides use different units: converting
/// `1 cup` to `240 ml` is the same amount to a cook, though not to the digit.
pub(crate) const CONVERSION_TOLERANCE: f64 = 0.02;

/// Relative tolerance when both sides use the same unit: only float noise.
const SAME_UNIT_TOLERANCE: f64 = 1e-9;

/// How the make's amount of an ingredient relates to the original's.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct AmountComparison {
    /// The amounts are equal (after conversion).
    pub(crate) same: bool,
    /// Make over original, when both are measured in one dimension.
    pub(crate) ratio: Option<f64>,
    /// Original over make, computed as the inverse diff computes it: present
    /// exactly when `ratio` is, so that a decision about a scaling can be
    /// checked from both sides.
    pub(crate) inverse_ratio: Option<f64>,
}

/// Where an amount lives: a convertible dimension, or a literal unit.
#[derive(Debug, PartialEq)]
enum Scale<'a> {
    Dimension(Dimension),
    Literal(&'a str),
}

fn in_base(quantity: Quantity, unit: &Unit) -> (Scale<'_>, f64, f64) {
    match unit {
        Unit::Known(known) => {
            let factor = known.in_base_units();
            (
                Scale::Dimension(known.dimension()),
                quantity.low() * factor,
                quantity.high() * factor,
            )
        }
        Unit::Other(text) => (Scale::Literal(text), quantity.low(), quantity.high()),
    }
}

/// An ingredient's unit, read from its measurement at most once and only
/// when needed: two measurements written alike are the same unit without
/// reading either, and in a diff nearly all are.
#[derive(Debug)]
pub(crate) struct LazyUnit<'a> {
    measurement: Option<&'a str>,
    unit: OnceCell<Unit>,
}

impl<'a> LazyUnit<'a> {
    pub(crate) fn new(ingredient: &'a Ingredient) -> Self {
        LazyUnit {
            measurement: ingredient.measurement.as_deref(),
            unit: OnceCell::new(),
        }
    }

    /// The unit, as [`Ingredient::unit`] reads it.
    pub(crate) fn get(&self) -> &Unit {
        self.unit
            .get_or_init(|| self.measurement.map_or(Unit::count(), Unit::parse))
    }

    /// Whether both are the same unit. `Unit::parse` is a function of the
    /// text alone, so the same text (or none on both sides) is the same
    /// unit.
    pub(crate) fn same_as(&self, other: &LazyUnit<'_>) -> bool {
        self.measurement == other.measurement || self.get() == other.get()
    }
}

/// Compares the amounts of a matched pair of ingredients.
pub(crate) fn compare(original: &Ingredient, make: &Ingredient) -> AmountComparison {
    compare_in(
        original,
        &LazyUnit::new(original),
        make,
        &LazyUnit::new(make),
    )
}

/// [`compare`] with each side's unit read at most once, so a diff reads
/// every measurement once.
pub(crate) fn compare_in(
    original: &Ingredient,
    original_unit: &LazyUnit<'_>,
    make: &Ingredient,
    make_unit: &LazyUnit<'_>,
) -> AmountComparison {
    if original_unit.measurement == make_unit.measurement {
        if let Some(same) = written_alike(original.quantity, make.quantity) {
            return same;
        }
    }
    compare_read(original, original_unit, make, make_unit)
}

/// What [`compare_read`] finds for two amounts of one measurement, as
/// nearly every pair in a diff is, without converting or dividing: the
/// same amount, each end a factor of one from itself (`x / x` is exactly
/// one for any finite `x`, and zero over zero counts as one). `None` when
/// the quantities differ or an end is not finite (infinity over infinity
/// is no factor), which [`compare_read`] works out in full.
fn written_alike(original: Option<Quantity>, make: Option<Quantity>) -> Option<AmountComparison> {
    let ratio = match (original, make) {
        (None, None) => None,
        (Some(o), Some(m)) if o == m && o.low().is_finite() && o.high().is_finite() => Some(1.0),
        _ => return None,
    };
    Some(AmountComparison {
        same: true,
        ratio,
        inverse_ratio: ratio,
    })
}

/// [`compare_in`] in full.
fn compare_read(
    original: &Ingredient,
    original_unit: &LazyUnit<'_>,
    make: &Ingredient,
    make_unit: &LazyUnit<'_>,
) -> AmountComparison {
    let same_unit = original_unit.same_as(make_unit);
    let (original_quantity, make_quantity) = match (original.quantity, make.quantity) {
        (Some(o), Some(m)) => (o, m),
        (None, None) => {
            return AmountComparison {
                same: same_unit,
                ratio: None,
                inverse_ratio: None,
            };
        }
        _ => {
            return AmountComparison {
                same: false,
                ratio: None,
                inverse_ratio: None,
            };
        }
    };
    let tolerance = if same_unit {
        SAME_UNIT_TOLERANCE
    } else {
        CONVERSION_TOLERANCE
    };
    let Some(((o_low, o_high), (m_low, m_high))) = comparable(
        original_quantity,
        original_unit,
        make_quantity,
        make_unit,
        same_unit,
    ) else {
        return AmountComparison {
            same: false,
            ratio: None,
            inverse_ratio: None,
        };
    };
    let ratios = ratios_between((o_low, o_high), (m_low, m_high), tolerance);
    let same = close(o_low, m_low, tolerance) && close(o_high, m_high, tolerance);
    AmountComparison {
        same,
        ratio: ratios.map(|(forward, _)| forward),
        inverse_ratio: ratios.map(|(_, backward)| backward),
    }
}

/// Both amounts, low and high ends, on one scale: as written when the
/// units are the same (converting would gain nothing, and could overflow a
/// huge amount to infinity), else in base units of their common dimension;
/// `None` when they do not compare.
fn comparable(
    original: Quantity,
    original_unit: &LazyUnit<'_>,
    make: Quantity,
    make_unit: &LazyUnit<'_>,
    same_unit: bool,
) -> Option<((f64, f64), (f64, f64))> {
    if same_unit {
        return Some(((original.low(), original.high()), (make.low(), make.high())));
    }
    let (original_scale, o_low, o_high) = in_base(original, original_unit.get());
    let (make_scale, m_low, m_high) = in_base(make, make_unit.get());
    (original_scale == make_scale).then_some(((o_low, o_high), (m_low, m_high)))
}

/// The factors from an original (low, high) amount to the make's and back,
/// when both ends move by one factor.
///
/// A ratio must exist in both directions or in neither, so that a diff
/// inverts exactly. Checking each direction on its own is not enough:
/// `963.75 / 7.5e-306` is a normal float while `7.5e-306 / 963.75` is
/// subnormal, and rounding can put the two ends of a range within
/// tolerance one way and not the other. So we ask both ways and keep the
/// answer only when both agree that there is one.
fn ratios_between(original: (f64, f64), make: (f64, f64), tolerance: f64) -> Option<(f64, f64)> {
    let one_way =
        |from: (f64, f64), to: (f64, f64)| match (ratio_of(to.0, from.0), ratio_of(to.1, from.1)) {
            (Some(low), Some(high)) if close(low, high, tolerance) => Some(low),
            _ => None,
        };
    Some((one_way(original, make)?, one_way(make, original)?))
}

/// `make / original`, with zero over zero as one.
///
/// None when only one side is zero (none of it, or some from nothing, is no
/// multiple), nor when the quotient overflows or underflows.
fn ratio_of(make: f64, original: f64) -> Option<f64> {
    if original == 0.0 || make == 0.0 {
        (make == original).then_some(1.0)
    } else {
        Some(make / original).filter(|ratio| ratio.is_normal())
    }
}

/// Whether `a` and `b` agree within a relative `tolerance`.
///
/// Equal values always agree: a huge amount converted to base units can
/// overflow to infinity on both sides, and infinity minus infinity is NaN.
pub(crate) fn close(a: f64, b: f64, tolerance: f64) -> bool {
    let difference = (a - b).abs();
    // An infinite difference is never within tolerance, though the
    // tolerance of an infinite amount is infinite too.
    a == b
        || (difference.is_finite()
            && difference <= tolerance * a.abs().max(b.abs()).max(f64::MIN_POSITIVE))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ingredient(quantity: f64, measurement: &str) -> Ingredient {
        Ingredient {
            quantity: Some(Quantity::new(quantity)),
            measurement: Some(measurement.into()),
            ingredient_name: "x".into(),
            ..Ingredient::default()
        }
    }

    /// Amounts written alike compare as the full comparison finds, zero,
    /// tiny, huge and unbounded amounts and ranges included.
    #[test]
    fn amounts_written_alike_compare_as_in_full() {
        let values = [
            0.0,
            5e-324,
            1e-300,
            0.5,
            1.0,
            3.0,
            1e300,
            f64::MAX,
            f64::INFINITY,
        ];
        let mut quantities = vec![None];
        for low in values {
            quantities.push(Some(Quantity::new(low)));
            for high in values.into_iter().filter(|&high| high > low) {
                quantities.push(Some(Quantity::range(low, high)));
            }
        }
        for quantity in quantities {
            for measurement in [None, Some("TBS"), Some("pinch")] {
                let ingredient = Ingredient {
                    quantity,
                    measurement: measurement.map(Into::into),
                    ingredient_name: "x".into(),
                    ..Ingredient::default()
                };
                let unit = LazyUnit::new(&ingredient);
                let full = compare_read(&ingredient, &unit, &ingredient, &unit);
                assert_eq!(compare(&ingredient, &ingredient), full, "{quantity:?}");
            }
        }
    }

    #[test]
    fn tablespoon_and_teaspoons_are_the_same_amount() {
        let c = compare(&ingredient(0.5, "TBS"), &ingredient(1.5, "tsp"));
        assert!(c.same);
        assert!(close(c.ratio.unwrap(), 1.0, 1e-9));
    }

    #[test]
    fn a_real_change_reports_its_ratio() {
        let c = compare(&ingredient(0.5, "TBS"), &ingredient(1.0, "TBS"));
        assert!(!c.same);
        assert_eq!(c.ratio, Some(2.0));
    }

    #[test]
    fn different_dimensions_do_not_compare() {
        let c = compare(&ingredient(1.0, "cup"), &ingredient(100.0, "g"));
        assert_eq!(
            c,
            AmountComparison {
                same: false,
                ratio: None,
                inverse_ratio: None,
            }
        );
    }

    #[test]
    fn unknown_units_compare_literally() {
        assert!(compare(&ingredient(2.0, "pinch"), &ingredient(2.0, "Pinch")).same);
        let c = compare(&ingredient(1.0, "pinch"), &ingredient(2.0, "pinch"));
        assert_eq!(c.ratio, Some(2.0));
        assert!(!compare(&ingredient(1.0, "pinch"), &ingredient(1.0, "dash")).same);
    }

    #[test]
    fn an_amount_too_large_to_convert_equals_itself() {
        // Found by the `diff_apply` fuzz target: 7e307 tsp is infinite in
        // millilitres, and an ingredient differed from itself.
        let huge = Ingredient {
            quantity: Some(Quantity::range(1e120, 6.979_279_229_465_461e307)),
            ..ingredient(0.0, "tsp")
        };
        assert!(compare(&huge, &huge).same);
        assert!(compare(&ingredient(1e308, "cup"), &ingredient(1e308, "cup")).same);
        assert!(!compare(&ingredient(1e308, "cup"), &ingredient(1.0, "cup")).same);
    }

    #[test]
    fn a_ratio_exists_both_ways_or_neither() {
        // Found by the `diff_apply` fuzz target: 1e165 → 0 had the ratio 0
        // but 0 → 1e165 none, so inverting a diff twice lost the ratio.
        let ratios = |a: f64, b: f64| {
            let (forward, backward) = (
                compare(&ingredient(a, "cup"), &ingredient(b, "cup")).ratio,
                compare(&ingredient(b, "cup"), &ingredient(a, "cup")).ratio,
            );
            assert_eq!(forward.is_some(), backward.is_some(), "{a} and {b}");
            forward
        };
        assert_eq!(ratios(1.297e165, 0.0), None);
        // Found by the fuzzer in CI: one way the quotient is a normal
        // float, the other way it is subnormal.
        assert_eq!(ratios(7.490_663_245_432_436e-306, 963.75), None);
        assert_eq!(ratios(963.75, 7.490_663_245_432_436e-306), None);
        assert_eq!(ratios(1e300, 1e-300), None);
        assert_eq!(ratios(0.0, 0.0), Some(1.0));
        assert_eq!(ratios(2.0, 3.0), Some(1.5));
    }

    #[test]
    fn a_missing_amount_differs_from_a_present_one() {
        let mut salt = ingredient(1.0, "tsp");
        let to_taste = Ingredient {
            quantity: None,
            measurement: None,
            ..salt.clone()
        };
        assert!(!compare(&salt, &to_taste).same);
        salt.quantity = None;
        salt.measurement = None;
        assert!(compare(&salt, &to_taste).same);
    }
}
