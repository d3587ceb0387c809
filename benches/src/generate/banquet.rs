//! The large fixture: a banquet prep list of 1,000 steps over forty
//! ingredients, built from sentence templates with a fixed seed, and one
//! day's make of it with a few dozen changes spread through.

use super::{Document, Line, MakeInfo, SplitMix64};

/// The seed of the large fixture; changing it rewrites `large.*.json`.
const LARGE_SEED: u64 = 0x5EED_F00D;

/// What an ingredient is, so that the templates say sensible things about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Vegetable,
    Fresh,
    Herb,
    Protein,
    Dairy,
    Stock,
    Condiment,
    Dry,
    Spice,
    Pantry,
}

/// The banquet's forty ingredients in id order: amount, unit, name, kind.
const BANQUET: [(f64, &str, &str, Kind); 40] = [
    (1.5, "kg", "all-purpose flour", Kind::Dry),
    (500.0, "g", "granulated sugar", Kind::Dry),
    (750.0, "g", "unsalted butter", Kind::Dairy),
    (24.0, "unit", "eggs", Kind::Dairy),
    (2.0, "l", "whole milk", Kind::Stock),
    (1.0, "l", "heavy cream", Kind::Stock),
    (3.0, "tbsp", "kosher salt", Kind::Spice),
    (2.0, "tbsp", "black pepper", Kind::Spice),
    (500.0, "ml", "olive oil", Kind::Condiment),
    (30.0, "clove", "garlic", Kind::Herb),
    (12.0, "unit", "yellow onions", Kind::Vegetable),
    (2.0, "kg", "carrots", Kind::Vegetable),
    (1.0, "kg", "celery", Kind::Vegetable),
    (5.0, "kg", "potatoes", Kind::Vegetable),
    (6.0, "kg", "chicken thighs", Kind::Protein),
    (4.0, "kg", "beef chuck", Kind::Protein),
    (3.0, "kg", "salmon fillets", Kind::Protein),
    (10.0, "unit", "lemons", Kind::Fresh),
    (2.0, "bunch", "fresh thyme", Kind::Herb),
    (2.0, "bunch", "rosemary", Kind::Herb),
    (3.0, "bunch", "flat-leaf parsley", Kind::Herb),
    (8.0, "unit", "bay leaves", Kind::Herb),
    (4.0, "l", "chicken stock", Kind::Stock),
    (750.0, "ml", "dry white wine", Kind::Stock),
    (1.5, "l", "red wine", Kind::Stock),
    (200.0, "g", "tomato paste", Kind::Condiment),
    (4.0, "kg", "canned whole tomatoes", Kind::Pantry),
    (2.0, "kg", "arborio rice", Kind::Pantry),
    (500.0, "g", "parmesan", Kind::Dairy),
    (4.0, "tbsp", "baking powder", Kind::Dry),
    (3.0, "tbsp", "vanilla extract", Kind::Condiment),
    (800.0, "g", "dark chocolate", Kind::Dairy),
    (150.0, "g", "cocoa powder", Kind::Dry),
    (250.0, "ml", "honey", Kind::Condiment),
    (100.0, "g", "Dijon mustard", Kind::Condiment),
    (150.0, "ml", "red wine vinegar", Kind::Condiment),
    (2.0, "kg", "mixed salad greens", Kind::Fresh),
    (3.0, "kg", "green beans", Kind::Fresh),
    (2.0, "tbsp", "smoked paprika", Kind::Spice),
    (1.0, "tbsp", "ground cinnamon", Kind::Spice),
];

/// Sentences about one ingredient `{a}`; `{b}` is a second ingredient of
/// the same kind, `{n}` a count from 2 to 5, `{t}` minutes, `{heat}` a burner
/// setting, `{pan}` a pan, `{temp}` an oven and `{core}` a core temperature.
fn templates(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::Vegetable => &[
            "Peel and dice the {a} into {n} cm pieces.",
            "Wash the {a} and leave them to drain in a colander.",
            "Roast the {a} at {temp} degrees for {t} minutes, turning once halfway through.",
            "Add the {a} to the {pan} and cook, stirring often, for {t} minutes.",
            "Cut the {a} into {n} cm batons and blanch them for {t} minutes.",
        ],
        Kind::Fresh => &[
            "Rinse the {a} under cold water and drain well.",
            "Trim the {a} and keep them chilled until service.",
            "Sort through the {a} and discard any that are past their best.",
            "Set out the {a} on trays {t} minutes before service.",
        ],
        Kind::Herb => &[
            "Finely chop the {a} and keep covered until service.",
            "Add the {a} to the {pan} for the last {n} minutes of cooking.",
            "Set aside a little of the {a} for garnish.",
            "Steep the {a} in warm oil over {heat} heat for {t} minutes.",
        ],
        Kind::Protein => &[
            "Season the {a} with salt and black pepper.",
            "Sear the {a} in batches over {heat} heat, {n} minutes per side.",
            "Check the {a} with a thermometer; it should read {core} degrees in the centre.",
            "Rest the {a} on a rack for {t} minutes before slicing.",
            "Marinate the {a} for {t} minutes in the walk-in fridge.",
            "Trim the {a} and cut it into {n} cm pieces.",
        ],
        Kind::Dairy => &[
            "Let the {a} come to room temperature for {t} minutes.",
            "Weigh out the {a} and keep chilled until needed.",
            "Set the {a} beside the {b} on the pastry bench.",
            "Cut the {a} into {n} cm cubes and chill for {t} minutes.",
        ],
        Kind::Stock => &[
            "Pour the {a} into the {pan} and bring to a simmer over {heat} heat.",
            "Measure out the {a} and keep beside the stove.",
            "Reduce the {a} by half over {heat} heat, about {t} minutes.",
            "Warm the {a} in the {pan} over {heat} heat for {t} minutes.",
        ],
        Kind::Condiment => &[
            "Measure out the {a} and keep beside the stove.",
            "Whisk the {a} and the {b} together in a small bowl.",
            "Brush the {a} over the trays and leave for {t} minutes.",
            "Stir the {a} into the {pan} and cook for {t} minutes over {heat} heat.",
        ],
        Kind::Dry => &[
            "Sift the {a} into a large mixing bowl.",
            "Weigh out the {a} and set it aside on the prep station.",
            "Whisk the {a} and the {b} together in a large bowl until evenly mixed.",
            "Weigh {n} batches of the {a} into labelled tubs.",
        ],
        Kind::Spice => &[
            "Measure the {a} into a small bowl by the stove.",
            "Toast the {a} in a dry frying pan for {n} minutes until fragrant.",
            "Mix the {a} with the {b} for the spice rub.",
            "Season each tray with the {a}, about {n} pinches per tray.",
        ],
        Kind::Pantry => &[
            "Stir the {a} into the {pan} and cook for {t} minutes over {heat} heat.",
            "Measure out the {a} and keep beside the stove.",
            "Simmer the {a} in the {pan} over {heat} heat for {t} minutes.",
        ],
    }
}

/// Sentences about the kitchen rather than one ingredient.
const GENERAL: [&str; 5] = [
    "Preheat the oven to {temp} degrees.",
    "Wipe down the prep station and wash the {pan}.",
    "Line {n} sheet pans with baking paper.",
    "Check the time plan and call the next course to the pass.",
    "Taste everything on the stove and note what needs more salt.",
];

/// The menu's components and what goes into each; most steps say which
/// one they are for, as a prep list does. Ingredients are listed with
/// ", " between them; the staff meal uses anything.
const DISHES: [(&str, &str); 13] = [
    (
        "braised beef",
        "beef chuck, red wine, yellow onions, carrots, celery, garlic, bay leaves, fresh thyme, tomato paste, chicken stock, olive oil, kosher salt, black pepper",
    ),
    (
        "roast chicken",
        "chicken thighs, lemons, garlic, rosemary, olive oil, smoked paprika, kosher salt, black pepper, unsalted butter",
    ),
    (
        "salmon course",
        "salmon fillets, lemons, dry white wine, heavy cream, flat-leaf parsley, olive oil, kosher salt",
    ),
    (
        "potato gratin",
        "potatoes, heavy cream, whole milk, garlic, parmesan, fresh thyme, unsalted butter",
    ),
    (
        "risotto",
        "arborio rice, chicken stock, dry white wine, yellow onions, parmesan, unsalted butter, olive oil",
    ),
    (
        "green bean salad",
        "green beans, mixed salad greens, Dijon mustard, red wine vinegar, olive oil, honey, lemons",
    ),
    (
        "gravy",
        "chicken stock, red wine, all-purpose flour, unsalted butter, fresh thyme",
    ),
    (
        "chocolate tart",
        "dark chocolate, cocoa powder, eggs, granulated sugar, heavy cream, unsalted butter, all-purpose flour, vanilla extract",
    ),
    (
        "bread rolls",
        "all-purpose flour, baking powder, whole milk, unsalted butter, eggs, kosher salt, honey",
    ),
    (
        "tomato sauce",
        "canned whole tomatoes, tomato paste, garlic, olive oil, yellow onions, bay leaves",
    ),
    (
        "honey cake",
        "all-purpose flour, honey, ground cinnamon, eggs, granulated sugar, baking powder, unsalted butter, vanilla extract",
    ),
    (
        "glazed carrots",
        "carrots, honey, unsalted butter, flat-leaf parsley, kosher salt",
    ),
    ("staff meal", ""),
];

const PANS: [&str; 5] = [
    "stockpot",
    "large saucepan",
    "frying pan",
    "sauté pan",
    "casserole dish",
];
const HEATS: [&str; 4] = ["low", "medium", "medium-high", "high"];
const MINUTES: [u32; 13] = [2, 3, 4, 5, 8, 10, 12, 15, 20, 25, 30, 45, 60];
const OVEN: [u32; 6] = [160, 170, 180, 190, 200, 220];
const CORE: [u32; 4] = [57, 63, 70, 74];

/// Steps a cook adds on the day.
const ADDED: [&str; 8] = [
    "Taste and adjust the seasoning with a pinch of salt.",
    "Skim any foam from the surface with a ladle.",
    "Let the pan cool for 2 minutes before adding the butter.",
    "Cover the tray loosely with foil to keep it warm.",
    "Swap the oven trays top to bottom so they cook evenly.",
    "Wash the knives and boards before moving to the dessert station.",
    "Ask the sous chef to start the sauce while the meat rests.",
    "Open a window: the kitchen is getting too hot for the chocolate.",
];

/// Clauses a cook writes into an existing step.
const CLAUSES: [&str; 4] = [
    ", working in two batches",
    ", then cover and set aside",
    ", and taste before moving on",
    " (two extra guests today)",
];

/// The kind of a banquet ingredient.
fn kind_of(name: &str) -> Option<Kind> {
    BANQUET
        .iter()
        .find(|&&(_, _, n, _)| n == name)
        .map(|&(_, _, _, kind)| kind)
}

/// One step: a dish, then a general sentence or one about an ingredient of
/// that dish.
fn sentence(rng: &mut SplitMix64) -> String {
    let &(dish, used) = rng.pick(&DISHES);
    let all: Vec<&'static str> = BANQUET.iter().map(|&(_, _, name, _)| name).collect();
    let used: Vec<&'static str> = if used.is_empty() {
        all.clone()
    } else {
        used.split(", ").collect()
    };
    let a = *rng.pick(&used);
    let (template, b) = match kind_of(a) {
        Some(kind) if rng.below(8) != 0 => {
            // A partner of the same kind, from the dish when it has one.
            let partners = |pool: &[&'static str]| -> Vec<&'static str> {
                pool.iter()
                    .copied()
                    .filter(|&n| n != a && kind_of(n) == Some(kind))
                    .collect()
            };
            let mut same_kind = partners(&used);
            if same_kind.is_empty() {
                same_kind = partners(&all);
            }
            let b = same_kind.first().map_or(a, |_| *rng.pick(&same_kind));
            (*rng.pick(templates(kind)), b)
        }
        _ => (*rng.pick(&GENERAL), a),
    };
    let mut text = template.replace("{a}", a).replace("{b}", b);
    if rng.below(5) < 4 {
        text = format!("For the {dish}, {}", restate_first(&text));
    }
    for (slot, value) in [
        ("{n}", (2 + rng.below(4)).to_string()),
        ("{t}", rng.pick(&MINUTES).to_string()),
        ("{heat}", (*rng.pick(&HEATS)).to_owned()),
        ("{pan}", (*rng.pick(&PANS)).to_owned()),
        ("{temp}", rng.pick(&OVEN).to_string()),
        ("{core}", rng.pick(&CORE).to_string()),
    ] {
        text = text.replace(slot, &value);
    }
    text
}

/// What the make does to one original step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum StepEdit {
    /// A time, count or temperature changed.
    Number,
    /// A clause added.
    Words,
    /// A different burner setting.
    Heat,
    /// Skipped.
    Removed,
    /// A new step done right after it.
    AddedAfter,
    /// Done this many steps later.
    MovedBy(usize),
    /// Written in lower case without the full stop: not a difference.
    Restated,
}

/// One edit per stretch of the method, in this order: a few dozen in all.
const LARGE_EDITS: [StepEdit; 30] = {
    use StepEdit::*;
    [
        Number,
        Removed,
        Words,
        AddedAfter,
        Number,
        Restated,
        Heat,
        Removed,
        AddedAfter,
        Number,
        Words,
        MovedBy(12),
        Number,
        AddedAfter,
        Restated,
        Words,
        Removed,
        Number,
        AddedAfter,
        Heat,
        Removed,
        Number,
        AddedAfter,
        Words,
        MovedBy(7),
        Removed,
        Number,
        AddedAfter,
        Removed,
        Number,
    ]
};

/// A banquet prep list of 1,000 steps and the day it was cooked.
pub(super) fn large() -> (Document, Document) {
    let mut rng = SplitMix64::new(LARGE_SEED);
    let ingredients: Vec<Line> = BANQUET
        .iter()
        .zip(1..)
        .map(|(&(quantity, unit, name, _), id)| Line::new(id, quantity, unit, name))
        .collect();
    let steps: Vec<String> = (0..1000).map(|_| sentence(&mut rng)).collect();
    let original = Document {
        name: "Banquet for Forty: Full Day Prep".into(),
        id: 400,
        rating: 4.0,
        make: None,
        ingredients,
        steps,
    };

    let mut make = original.clone();
    make.rating = 4.5;
    make.make = Some(MakeInfo {
        id: 7,
        made_at: "2026-12-19T06:00:00Z",
        notes: "Forty-two guests in the end. Ran out of red wine vinegar.",
    });
    edit_banquet_ingredients(&mut make.ingredients);
    make.steps = edit_steps(&original.steps, &mut rng);
    (original, make)
}

/// More garlic, salt and cream, the milk in millilitres, sherry vinegar for
/// red wine vinegar, parsley respelled, no cinnamon, chili flakes added.
fn edit_banquet_ingredients(lines: &mut Vec<Line>) {
    for line in lines.iter_mut() {
        match line.name.as_str() {
            "garlic" => line.quantity = 40.0,
            "kosher salt" => line.quantity = 4.0,
            "heavy cream" => line.quantity = 1.5,
            "whole milk" => {
                line.quantity = 2000.0;
                line.measurement = "ml".into();
            }
            "red wine vinegar" => line.name = "sherry vinegar".into(),
            "flat-leaf parsley" => line.name = "flat leaf parsley".into(),
            _ => {}
        }
    }
    lines.retain(|line| line.name != "ground cinnamon");
    lines.push(Line::new(41, 1.0, "tsp", "chili flakes"));
}

/// Applies [`LARGE_EDITS`], one at a random place in each equal stretch of
/// the method, so the changes are spread through it.
fn edit_steps(original: &[String], rng: &mut SplitMix64) -> Vec<String> {
    let stretch = original.len() / LARGE_EDITS.len();
    let mut plan: Vec<Option<StepEdit>> = vec![None; original.len()];
    for (k, edit) in LARGE_EDITS.iter().enumerate() {
        // Keep clear of the stretch's end so a move stays inside it.
        plan[k * stretch + rng.below(stretch - 14)] = Some(*edit);
    }
    let mut make = Vec::with_capacity(original.len());
    let mut moving: Vec<(usize, String)> = Vec::new();
    for (i, step) in original.iter().enumerate() {
        match plan[i] {
            None => make.push(step.clone()),
            Some(StepEdit::Number) => {
                make.push(change_number(step).unwrap_or_else(|| add_clause(step, rng)));
            }
            Some(StepEdit::Words) => make.push(add_clause(step, rng)),
            Some(StepEdit::Heat) => {
                make.push(change_heat(step).unwrap_or_else(|| add_clause(step, rng)));
            }
            Some(StepEdit::Removed) => {}
            Some(StepEdit::AddedAfter) => {
                make.push(step.clone());
                make.push((*rng.pick(&ADDED)).to_owned());
            }
            Some(StepEdit::MovedBy(later)) => moving.push((i + later, step.clone())),
            Some(StepEdit::Restated) => {
                make.push(restate(step));
            }
        }
        while let Some(position) = moving.iter().position(|(at, _)| *at == i) {
            make.push(moving.remove(position).1);
        }
    }
    make
}

/// The first number in the step, made larger (a longer time, a hotter oven).
fn change_number(step: &str) -> Option<String> {
    let words: Vec<&str> = step.split(' ').collect();
    let at = words.iter().position(|w| w.parse::<u32>().is_ok())?;
    let n: u32 = words[at].parse().ok()?;
    let bigger = (n + (n / 4).max(1)).to_string();
    let mut changed: Vec<&str> = words.clone();
    changed[at] = &bigger;
    Some(changed.join(" "))
}

fn change_heat(step: &str) -> Option<String> {
    for (from, to) in [
        ("over medium-high heat", "over high heat"),
        ("over medium heat", "over medium-high heat"),
        ("over high heat", "over medium heat"),
        ("over low heat", "over medium heat"),
    ] {
        if step.contains(from) {
            return Some(step.replacen(from, to, 1));
        }
    }
    None
}

/// The same step in lower case and without its full stop.
fn restate(step: &str) -> String {
    restate_first(step.trim_end_matches('.'))
}

/// The text with its first letter in lower case.
fn restate_first(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_lowercase().chain(chars).collect())
        .unwrap_or_default()
}

fn add_clause(step: &str, rng: &mut SplitMix64) -> String {
    let body = step.trim_end_matches('.');
    format!("{body}{}.", rng.pick(&CLAUSES))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_large_make_changes_a_few_dozen_steps() {
        let (original, make) = large();
        assert_eq!(original.steps.len(), 1000);
        let kept = make
            .steps
            .iter()
            .filter(|s| original.steps.contains(s))
            .count();
        let changed = make.steps.len() - kept;
        assert!((20..=40).contains(&changed), "{changed} changed steps");
    }

    #[test]
    fn every_dish_uses_banquet_ingredients() {
        for (dish, used) in DISHES {
            for name in used.split(", ").filter(|n| !n.is_empty()) {
                assert!(kind_of(name).is_some(), "{dish} uses unknown {name}");
            }
        }
    }

    #[test]
    fn numbers_grow_by_a_quarter() {
        assert_eq!(
            change_number("Roast the carrots for 20 minutes.").as_deref(),
            Some("Roast the carrots for 25 minutes.")
        );
        assert_eq!(change_number("Sift the flour."), None);
    }
}
