//! The deterministic generator behind `benches/fixtures/`.
//!
//! The small, typical and scaled pairs are written out here by hand, as a
//! cook would keep them; the web pair (module `web`) has the shape of a
//! recipe page's. The large pair (module `banquet`) is built from
//! sentence templates and a fixed-seed [`SplitMix64`], so every run writes
//! the same bytes; a unit test in the crate root checks that the committed
//! files still match.
//!
//! Makes renumber their steps from 1 and carry the `makeId`, `madeAt` and
//! `notes` fields a real make has, because that is what the tools compared
//! in `benches/compare/` are given.

mod banquet;
mod web;

use std::fmt::Write as _;

/// One generated pair, ready to be written to `<name>.original.json` and
/// `<name>.make.json`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFixture {
    /// File name stem, the same as [`crate::Fixture::name`].
    pub name: &'static str,
    /// The original recipe's JSON.
    pub original: String,
    /// The make's JSON.
    pub make: String,
}

/// Every fixture, in the order of [`crate::FIXTURES`].
pub fn all() -> Vec<GeneratedFixture> {
    let (typical_original, typical_make) = typical();
    vec![
        pair("small", &small_original(), &small_make()),
        pair("typical", &typical_original, &typical_make),
        pair("scaled", &typical_original, &scaled(&typical_original)),
        {
            let (original, make) = web::web();
            pair("web", &original, &make)
        },
        {
            let (original, make) = banquet::large();
            pair("large", &original, &make)
        },
    ]
}

fn pair(name: &'static str, original: &Document, make: &Document) -> GeneratedFixture {
    GeneratedFixture {
        name,
        original: render(original),
        make: render(make),
    }
}

/// The fields of a native document that the fixtures use.
#[derive(Debug, Clone)]
struct Document {
    name: String,
    id: i64,
    rating: f64,
    /// Present on makes only.
    make: Option<MakeInfo>,
    ingredients: Vec<Line>,
    steps: Vec<String>,
}

#[derive(Debug, Clone)]
struct MakeInfo {
    id: i64,
    made_at: &'static str,
    notes: &'static str,
}

/// One ingredient line.
#[derive(Debug, Clone)]
struct Line {
    id: i64,
    quantity: f64,
    measurement: String,
    name: String,
}

impl Line {
    fn new(id: i64, quantity: f64, measurement: &str, name: &str) -> Line {
        Line {
            id,
            quantity,
            measurement: measurement.to_owned(),
            name: name.to_owned(),
        }
    }
}

/// The house style of `examples/data/`: one ingredient or step per line.
fn render(document: &Document) -> String {
    let text = |s: &str| serde_json::Value::from(s).to_string();
    let mut out = String::from("{\n");
    let _ = writeln!(out, "  \"recipeName\": {},", text(&document.name));
    let _ = writeln!(out, "  \"recipeId\": {},", document.id);
    if let Some(make) = &document.make {
        let _ = writeln!(out, "  \"makeId\": {},", make.id);
        let _ = writeln!(out, "  \"madeAt\": {},", text(make.made_at));
        let _ = writeln!(out, "  \"notes\": {},", text(make.notes));
    }
    let _ = writeln!(out, "  \"rating\": {},", number(document.rating));
    out.push_str("  \"ingredients\": [\n");
    for (i, line) in document.ingredients.iter().enumerate() {
        let _ = write!(
            out,
            "    {{ \"ingredientId\": {}, \"quantity\": {}, \"measurement\": {}, \"ingredientName\": {} }}",
            line.id,
            number(line.quantity),
            text(&line.measurement),
            text(&line.name),
        );
        out.push_str(if i + 1 < document.ingredients.len() {
            ",\n"
        } else {
            "\n"
        });
    }
    out.push_str("  ],\n  \"steps\": [\n");
    for (i, step) in document.steps.iter().enumerate() {
        let _ = write!(
            out,
            "    {{ \"stepId\": {}, \"stepText\": {} }}",
            i + 1,
            text(step)
        );
        out.push_str(if i + 1 < document.steps.len() {
            ",\n"
        } else {
            "\n"
        });
    }
    out.push_str("  ]\n}\n");
    out
}

/// Whole numbers without a fraction, as people write them in JSON.
fn number(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

fn small_original() -> Document {
    Document {
        name: "Apple Pie".into(),
        id: 1,
        rating: 5.0,
        make: None,
        ingredients: vec![
            Line::new(1, 1.0, "unit", "pieCrust"),
            Line::new(2, 5.0, "unit", "apples"),
            Line::new(3, 0.5, "TBS", "cinnamon"),
        ],
        steps: strings(&[
            "Gather ingredients",
            "Pre heat oven to 350 degrees",
            "Make the pie",
        ]),
    }
}

fn small_make() -> Document {
    Document {
        rating: 4.0,
        make: Some(MakeInfo {
            id: 1,
            made_at: "2026-11-20T18:30:00Z",
            notes: "Oven was already hot from dinner.",
        }),
        ingredients: vec![
            Line::new(1, 1.0, "unit", "pie crust"),
            Line::new(2, 5.0, "unit", "apples"),
            Line::new(3, 1.5, "tsp", "cinnamon"),
        ],
        steps: strings(&["Gather ingredients", "Make the pie"]),
        ..small_original()
    }
}

fn strings(texts: &[&str]) -> Vec<String> {
    texts.iter().map(|&t| t.to_owned()).collect()
}

/// A weeknight chicken curry and one evening's make of it: more garlic,
/// the ginger written in teaspoons, cream for coconut milk, no marinating,
/// a longer covered simmer.
fn typical() -> (Document, Document) {
    let original = Document {
        name: "Weeknight Chicken Curry".into(),
        id: 12,
        rating: 4.0,
        make: None,
        ingredients: vec![
            Line::new(1, 700.0, "g", "chicken thighs"),
            Line::new(2, 2.0, "unit", "yellow onions"),
            Line::new(3, 4.0, "clove", "garlic"),
            Line::new(4, 1.0, "TBS", "fresh ginger"),
            Line::new(5, 2.0, "tbsp", "curry powder"),
            Line::new(6, 1.0, "tsp", "ground cumin"),
            Line::new(7, 0.5, "tsp", "ground turmeric"),
            Line::new(8, 400.0, "g", "canned chopped tomatoes"),
            Line::new(9, 400.0, "ml", "coconut milk"),
            Line::new(10, 2.0, "tbsp", "vegetable oil"),
            Line::new(11, 1.0, "tsp", "kosher salt"),
            Line::new(12, 0.5, "cup", "fresh cilantro"),
        ],
        steps: strings(&[
            "Cut the chicken thighs into bite-sized pieces and season with half the salt.",
            "Toss the chicken with 1 tbsp of the curry powder and leave it to marinate for 30 minutes.",
            "Finely chop the onions, garlic and ginger.",
            "Heat the oil in a large pot over medium heat.",
            "Cook the onions for 8 minutes, stirring often, until soft and golden.",
            "Add the garlic, ginger, cumin, turmeric and the rest of the curry powder and cook for 1 minute until fragrant.",
            "Add the chicken and brown it on all sides, about 5 minutes.",
            "Stir in the tomatoes and coconut milk and bring to a gentle simmer.",
            "Simmer uncovered for 20 minutes, until the chicken is cooked through and the sauce has thickened.",
            "Taste for salt, scatter over the cilantro and serve with rice.",
        ]),
    };
    let mut make = original.clone();
    make.rating = 3.0;
    make.make = Some(MakeInfo {
        id: 41,
        made_at: "2026-11-18T19:05:00Z",
        notes: "No coconut milk in the cupboard; used cream. Skipped marinating.",
    });
    make.ingredients[2].quantity = 6.0;
    make.ingredients[3] = Line::new(4, 3.0, "tsp", "fresh ginger");
    make.ingredients[8] = Line::new(9, 300.0, "ml", "heavy cream");
    make.steps.remove(1);
    make.steps[6] = "Stir in the tomatoes and cream and bring to a gentle simmer.".into();
    make.steps[7] = "Simmer covered for 30 minutes, until the chicken is cooked through and the sauce has thickened.".into();
    (original, make)
}

/// The original made at double size for guests.
fn scaled(original: &Document) -> Document {
    let mut make = original.clone();
    make.make = Some(MakeInfo {
        id: 42,
        made_at: "2026-11-22T12:30:00Z",
        notes: "Doubled for the family lunch.",
    });
    for line in &mut make.ingredients {
        line.quantity *= 2.0;
    }
    make
}

/// A small, fixed-seed pseudo-random generator (SplitMix64): enough to vary
/// the large fixture and to keep it the same on every run.
#[derive(Debug, Clone)]
pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    /// A generator that always yields the same sequence for `seed`.
    pub fn new(seed: u64) -> SplitMix64 {
        SplitMix64 { state: seed }
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n`; `n` must not be zero.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// One item of a non-empty slice.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generation_is_deterministic() {
        assert_eq!(all(), all());
    }
}
