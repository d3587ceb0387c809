//! The `web` pair: a recipe in the shape recipe pages publish (many
//! ingredient lines with sizes and preparations in their names, few long
//! paragraphs of method), and the make the performance issue measured peers
//! on: the first ingredient dropped and the second step extended.
//!
//! The ingredient lines are BBC Food's, as labelled in
//! `../shared/data/ingredients/bbc.jsonl` (from the MIT-licensed
//! `ingredient-parser-nlp` training data, copyright 2021 Tom Strange): the
//! quantity, unit and name of each line as the labels give them. The
//! method is written here, at the length such pages run to.

use super::{Document, Line, MakeInfo};

/// Sixteen labelled lines: (quantity, unit, name as printed).
const LINES: [(f64, &str, &str); 16] = [
    (1.5, "kg", "beef shin, cut into large chunks"),
    (2.0, "tbsp", "plain flour, seasoned"),
    (3.0, "tbsp", "olive oil"),
    (2.0, "unit", "onions, thinly sliced"),
    (3.0, "unit", "carrots, cut into chunky batons"),
    (2.0, "unit", "celery sticks, sliced"),
    (4.0, "unit", "garlic cloves, crushed"),
    (1.0, "tbsp", "tomato purée"),
    (500.0, "ml", "red wine"),
    (500.0, "ml", "beef stock"),
    (2.0, "unit", "bay leaves"),
    (4.0, "unit", "thyme sprigs"),
    (250.0, "g", "chestnut mushrooms, halved"),
    (200.0, "g", "smoked bacon lardons"),
    (1.0, "tbsp", "Worcestershire sauce"),
    (1.0, "handful", "flat-leaf parsley, chopped"),
];

const STEPS: [&str; 6] = [
    "Heat the oven to 160C/140C fan/gas 3. Toss the beef in the seasoned flour \
     until every piece is coated, shaking off and keeping any excess. Heat half \
     the oil in a large flameproof casserole over a high heat and brown the beef \
     in batches, turning it until well coloured on all sides, about 5 minutes a \
     batch; do not crowd the pan or the meat will steam rather than brown. Lift \
     each batch onto a plate as it is done.",
    "Turn the heat down to medium and add the rest of the oil with the lardons. \
     Fry for 4-5 minutes until they start to crisp, then add the onions, carrots \
     and celery and cook for 10 minutes, stirring often, until the onions are \
     soft and golden at the edges. Stir in the garlic and tomato purée and cook \
     for 1 minute more.",
    "Pour in the wine, scraping up every sticky bit from the bottom of the pan \
     with a wooden spoon, and let it bubble for a few minutes until reduced by \
     about a third. Return the beef and any juices from the plate, sprinkle over \
     the leftover flour, then pour in the stock and add the bay leaves, thyme and \
     Worcestershire sauce. Season well and bring to a simmer.",
    "Cover with a tight-fitting lid and transfer to the oven for 2 1/2 - 3 hours, \
     until the beef is tender enough to cut with a spoon. Check it halfway \
     through and add a splash of water if the sauce looks like it is catching \
     or has reduced too far.",
    "About 20 minutes before the end, fry the mushrooms in a little oil in a \
     frying pan over a high heat until golden, season, and stir them into the \
     casserole. Return to the oven, uncovered, so the sauce thickens slightly.",
    "Remove the bay leaves and thyme stalks, taste for seasoning and scatter \
     over the parsley. Serve with mashed potato or crusty bread to mop up the \
     sauce. The stew keeps in the fridge for up to 3 days and tastes even better \
     the next day; it also freezes well for up to 3 months.",
];

/// What the make adds to the second step.
const EXTENSION: &str = " Add a pinch of sugar if the tomato purée tastes sharp, \
                         and let the vegetables catch a little for colour.";

/// The recipe, and the make without its first ingredient and with its
/// second step extended.
pub(super) fn web() -> (Document, Document) {
    let original = Document {
        name: "Slow-cooked Beef and Red Wine Stew".into(),
        id: 31,
        rating: 4.0,
        make: None,
        ingredients: (1..)
            .zip(LINES)
            .map(|(id, (quantity, unit, name))| Line::new(id, quantity, unit, name))
            .collect(),
        steps: STEPS.iter().map(|&step| step.to_owned()).collect(),
    };
    let mut make = Document {
        rating: 4.5,
        make: Some(MakeInfo {
            id: 3,
            made_at: "2026-11-29T17:00:00Z",
            notes: "No beef shin at the butcher's: made it with the vegetables only.",
        }),
        ..original.clone()
    };
    make.ingredients.remove(0);
    if let Some(step) = make.steps.get_mut(1) {
        step.push_str(EXTENSION);
    }
    (original, make)
}
