//! Quantities: plain numbers, decimals in strings, fractions and ranges.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::Error;

/// How much of an ingredient: one value, or a range such as `2-3`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Quantity {
    low: f64,
    high: Option<f64>,
}

impl Quantity {
    /// A single amount.
    pub fn new(value: f64) -> Self {
        Quantity {
            low: value,
            high: None,
        }
    }

    /// A range from `low` to `high`; a range whose ends are equal is a single amount.
    pub fn range(low: f64, high: f64) -> Self {
        if low == high {
            Quantity::new(low)
        } else {
            Quantity {
                low,
                high: Some(high),
            }
        }
    }

    /// The amount, or the low end of a range.
    pub fn low(&self) -> f64 {
        self.low
    }

    /// The high end of a range; the amount itself when it is not a range.
    pub fn high(&self) -> f64 {
        self.high.unwrap_or(self.low)
    }

    /// Whether this is a range.
    pub fn is_range(&self) -> bool {
        self.high.is_some()
    }

    /// This quantity multiplied by `factor` (both ends of a range).
    pub fn scaled(&self, factor: f64) -> Self {
        Quantity {
            low: self.low * factor,
            high: self.high.map(|h| h * factor),
        }
    }
}

impl FromStr for Quantity {
    type Err = Error;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let fail = |reason: &str| Error::Quantity {
            path: String::new(),
            input: text.to_owned(),
            reason: reason.to_owned(),
        };
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Err(fail("it is empty"));
        }
        let value: f64 = trimmed
            .parse()
            .map_err(|_| fail("expected a number, a fraction or a range"))?;
        if !value.is_finite() || value < 0.0 {
            return Err(fail("expected a finite amount of at least zero"));
        }
        Ok(Quantity::new(value))
    }
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.high {
            None => write!(f, "{}", self.low),
            Some(high) => write!(f, "{}-{}", self.low, high),
        }
    }
}

impl Serialize for Quantity {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.high {
            None => serializer.serialize_f64(self.low),
            Some(_) => serializer.collect_str(self),
        }
    }
}

impl<'de> Deserialize<'de> for Quantity {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct QuantityVisitor;

        impl serde::de::Visitor<'_> for QuantityVisitor {
            type Value = Quantity;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a number or a string such as \"1 1/2\"")
            }

            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Quantity, E> {
                if v.is_finite() && v >= 0.0 {
                    Ok(Quantity::new(v))
                } else {
                    Err(E::custom(format!(
                        "quantity {v} is not an amount of at least zero"
                    )))
                }
            }

            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Quantity, E> {
                self.visit_f64(v as f64)
            }

            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Quantity, E> {
                self.visit_f64(v as f64)
            }

            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Quantity, E> {
                v.parse().map_err(|e: Error| match e {
                    Error::Quantity { input, reason, .. } => {
                        E::custom(format!("cannot read quantity {input:?}: {reason}"))
                    }
                    other => E::custom(other),
                })
            }
        }

        deserializer.deserialize_any(QuantityVisitor)
    }
}
