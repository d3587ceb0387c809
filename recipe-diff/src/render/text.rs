//! Human text for a cook.

use std::fmt::Write as _;

use anstyle::{AnsiColor, Style};

use super::{cook_amount as amount, cook_line as ingredient_line, factor};
use crate::changes::{
    Change, EditedStep, IngredientChange, IngredientField, ModifiedIngredient, Paired, RecipeDiff,
    StepChange, WordOp,
};
use crate::model::{Ingredient, Step};

/// How [`text`] marks its output.
///
/// Both styles carry every meaning in symbols and words (`+ added`,
/// `− skipped`); colour only adds emphasis, so a colour-blind reader or a
/// log file loses nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum TextStyle {
    /// No escape codes; reworded steps mark dropped words `[-so-]` and new
    /// words `{+so+}`, as `git diff --word-diff` does.
    #[default]
    Plain,
    /// ANSI colours for a terminal: dropped words red and struck through,
    /// new words green and underlined.
    Color,
}

/// What a piece of text means, which decides its colour.
#[derive(Debug, Clone, Copy)]
enum Role {
    Header,
    Added,
    Removed,
    Changed,
    Moved,
    DeletedWords,
    InsertedWords,
}

impl Role {
    fn style(self) -> Style {
        let colour = |c: AnsiColor| Style::new().fg_color(Some(c.into()));
        match self {
            Role::Header => Style::new().bold(),
            Role::Added => colour(AnsiColor::Green),
            Role::Removed => colour(AnsiColor::Red),
            Role::Changed => colour(AnsiColor::Yellow),
            Role::Moved => colour(AnsiColor::Cyan),
            Role::DeletedWords => colour(AnsiColor::Red).strikethrough(),
            Role::InsertedWords => colour(AnsiColor::Green).underline(),
        }
    }
}

/// Writes lines in one [`TextStyle`].
struct Painter {
    style: TextStyle,
    out: String,
}

impl Painter {
    fn paint(&self, role: Role, text: &str) -> String {
        match self.style {
            TextStyle::Plain => text.to_owned(),
            TextStyle::Color => {
                let style = role.style();
                format!("{style}{text}{style:#}")
            }
        }
    }

    /// One change: an indented, marked line such as `  + added 1 tsp vanilla`.
    fn line(&mut self, indent: &str, role: Role, marker: &str, body: &str) {
        let marker = self.paint(role, marker);
        // Writing to a String cannot fail.
        let _ = writeln!(self.out, "{indent}{marker} {body}");
    }

    fn heading(&mut self, text: &str) {
        let heading = self.paint(Role::Header, text);
        let _ = writeln!(self.out, "{heading}");
    }

    /// A reworded step's text with its dropped and new words marked.
    fn words(&self, edit: &EditedStep) -> String {
        let mut text = String::new();
        for run in &edit.words {
            match (run.op, self.style) {
                (WordOp::Equal, _) => text.push_str(&run.text),
                (WordOp::Delete, TextStyle::Plain) => {
                    let _ = write!(text, "[-{}-]", run.text);
                }
                (WordOp::Insert, TextStyle::Plain) => {
                    let _ = write!(text, "{{+{}+}}", run.text);
                }
                (WordOp::Delete, TextStyle::Color) => {
                    text.push_str(&self.paint(Role::DeletedWords, &run.text));
                }
                (WordOp::Insert, TextStyle::Color) => {
                    text.push_str(&self.paint(Role::InsertedWords, &run.text));
                }
            }
        }
        text
    }
}

/// The differences as text a cook can read, one line each, ending in a
/// newline.
///
/// A header names the recipe and make when their ids are known. Restatements
/// are not shown. Steps are numbered by position from 1: a removed or edited
/// step by its place in the original, an added step by its place in the make.
///
/// ```
/// use recipe_diff::render::{TextStyle, text};
/// use recipe_diff::{diff, parse_recipe};
///
/// let original = parse_recipe(r#"{"recipeName": "Tea", "recipeId": 7, "steps": [
///     {"stepText": "Boil water"}, {"stepText": "Steep 3 minutes"}]}"#)?;
/// let make = parse_recipe(r#"{"recipeName": "Tea", "recipeId": 7, "steps": [
///     {"stepText": "Boil water"}, {"stepText": "Steep 5 minutes"}]}"#)?;
/// assert_eq!(
///     text(&diff(&original, &make), TextStyle::Plain),
///     "recipe 7\nsteps:\n  ~ edited step 2: \"Steep [-3-]{+5+} minutes\"\n",
/// );
/// assert_eq!(text(&diff(&original, &original), TextStyle::Plain), "recipe 7: no differences\n");
/// # Ok::<(), recipe_diff::Error>(())
/// ```
pub fn text(diff: &RecipeDiff, style: TextStyle) -> String {
    let mut painter = Painter {
        style,
        out: String::new(),
    };
    let header = header(diff);
    if diff.is_empty() {
        let line = match header {
            Some(header) => format!("{header}: no differences"),
            None => "no differences".to_owned(),
        };
        painter.heading(&line);
        return painter.out;
    }
    if let Some(header) = header {
        painter.heading(&header);
    }
    if let Some(name) = &diff.name {
        let body = format!("renamed: \"{}\" → \"{}\"", name.original, name.make);
        painter.line("", Role::Changed, "~", &body);
    }
    if let Some(rating) = &diff.rating {
        painter.line("", Role::Changed, "~", &rating_line(rating));
    }
    if let Some(scaling) = &diff.scaling {
        let body = format!("scaled ×{} (every amount)", factor(scaling.factor));
        painter.line("", Role::Changed, "~", &body);
    }
    if !diff.ingredients.is_empty() {
        painter.heading("ingredients:");
        for change in &diff.ingredients {
            ingredient_change(&mut painter, change);
        }
    }
    if !diff.steps.is_empty() {
        painter.heading("steps:");
        for change in &diff.steps {
            step_change(&mut painter, change);
        }
    }
    painter.out
}

/// `recipe 1, make 3`, from what the diff knows.
fn header(diff: &RecipeDiff) -> Option<String> {
    match (diff.recipe_id, diff.make_id) {
        (Some(recipe), Some(make)) => Some(format!("recipe {recipe}, make {make}")),
        (Some(recipe), None) => Some(format!("recipe {recipe}")),
        (None, Some(make)) => Some(format!("make {make}")),
        (None, None) => None,
    }
}

fn rating_line(rating: &Change<Option<f64>>) -> String {
    let show = |r: Option<f64>| r.map_or_else(|| "none".to_owned(), |r| r.to_string());
    format!("rating: {} → {}", show(rating.original), show(rating.make))
}

const INDENT: &str = "  ";

fn ingredient_change(painter: &mut Painter, change: &IngredientChange) {
    match change {
        IngredientChange::Added { ingredient, .. } => {
            let body = format!("added {}", ingredient_line(ingredient));
            painter.line(INDENT, Role::Added, "+", &body);
        }
        IngredientChange::Removed { ingredient, .. } => {
            let body = format!("removed {}", ingredient_line(ingredient));
            painter.line(INDENT, Role::Removed, "−", &body);
        }
        IngredientChange::Substituted(pair) => {
            painter.line(INDENT, Role::Changed, "~", &substitution(pair));
        }
        IngredientChange::Modified(modified) => {
            painter.line(INDENT, Role::Changed, "~", &modification(modified));
        }
    }
}

/// `butter → margarine (substituted)`, with the amounts when they differ.
fn substitution(pair: &Paired<Ingredient>) -> String {
    let (before, after) = (&pair.original, &pair.make);
    let same_amount = before.quantity == after.quantity
        && before.measurement == after.measurement
        && before.remarks() == after.remarks();
    if same_amount {
        format!(
            "{} → {} (substituted)",
            before.full_name(),
            after.full_name()
        )
    } else {
        format!(
            "{} → {} (substituted)",
            ingredient_line(before),
            ingredient_line(after)
        )
    }
}

/// `cinnamon: ½ TBS → 1 TBS (×2)`, `apples → Granny Smith apples (renamed)`.
fn modification(modified: &ModifiedIngredient) -> String {
    let (before, after) = (&modified.original, &modified.make);
    let renamed = modified.fields.contains(&IngredientField::IngredientName);
    let title = if renamed {
        format!("{} → {}", before.full_name(), after.full_name())
    } else {
        before.full_name()
    };
    let mut parts = Vec::new();
    if modified.fields.contains(&IngredientField::Quantity)
        || modified.fields.contains(&IngredientField::Measurement)
    {
        let mut part = format!("{} → {}", amount(before), amount(after));
        if let Some(ratio) = modified.ratio {
            let _ = write!(part, " (×{})", factor(ratio));
        }
        parts.push(part);
    }
    if modified.fields.contains(&IngredientField::Note) {
        let show = |n: &Option<String>| {
            n.as_ref()
                .map_or_else(|| "none".to_owned(), |n| format!("\"{n}\""))
        };
        parts.push(format!(
            "note {} → {}",
            show(&before.remarks()),
            show(&after.remarks())
        ));
    }
    if parts.is_empty() {
        format!("{title} (renamed)")
    } else {
        format!("{title}: {}", parts.join(", "))
    }
}

fn step_change(painter: &mut Painter, change: &StepChange) {
    match change {
        StepChange::Added { make_index, step } => {
            let body = format!("added step {}: {}", make_index + 1, quoted(step));
            painter.line(INDENT, Role::Added, "+", &body);
        }
        StepChange::Removed {
            original_index,
            step,
        } => {
            let body = format!("skipped step {}: {}", original_index + 1, quoted(step));
            painter.line(INDENT, Role::Removed, "−", &body);
        }
        StepChange::Edited(edit) => {
            let words = painter.words(edit);
            let body = if edit.moved {
                format!(
                    "edited and moved step {} → {}: \"{words}\"",
                    edit.original_index + 1,
                    edit.make_index + 1
                )
            } else {
                format!("edited step {}: \"{words}\"", edit.original_index + 1)
            };
            painter.line(INDENT, Role::Changed, "~", &body);
        }
        StepChange::Moved(pair) => {
            let body = format!(
                "moved step {} → {}: {}",
                pair.original_index + 1,
                pair.make_index + 1,
                quoted(&pair.make)
            );
            painter.line(INDENT, Role::Moved, "↕", &body);
        }
    }
}

fn quoted(step: &Step) -> String {
    format!("\"{}\"", step.step_text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::changes::{Scaling, WordChange};
    use crate::quantity::Quantity;

    fn ingredient(quantity: f64, measurement: &str, name: &str) -> Ingredient {
        Ingredient {
            ingredient_id: None,
            quantity: Some(Quantity::new(quantity)),
            measurement: Some(measurement.into()),
            ingredient_name: name.into(),
            note: None,
            ..Ingredient::default()
        }
    }

    fn step(text: &str) -> Step {
        Step {
            step_id: None,
            step_text: text.into(),
        }
    }

    fn edit() -> StepChange {
        let run = |op, text: &str| WordChange {
            op,
            text: text.to_owned(),
        };
        StepChange::Edited(EditedStep {
            original_index: 2,
            make_index: 2,
            original: step("Bake 20 minutes"),
            make: step("Bake 25 minutes"),
            words: vec![
                run(WordOp::Equal, "Bake "),
                run(WordOp::Delete, "20"),
                run(WordOp::Insert, "25"),
                run(WordOp::Equal, " minutes"),
            ],
            moved: false,
        })
    }

    #[test]
    fn an_empty_diff_is_one_line() {
        assert_eq!(
            text(&RecipeDiff::default(), TextStyle::Plain),
            "no differences\n"
        );
        let diff = RecipeDiff {
            recipe_id: Some(1),
            make_id: Some(2),
            ..RecipeDiff::default()
        };
        assert_eq!(
            text(&diff, TextStyle::Color).lines().count(),
            1,
            "colour adds no lines"
        );
    }

    #[test]
    fn every_kind_of_change_has_its_words() {
        let diff = RecipeDiff {
            name: Some(Change::new("Pie".to_owned(), "Tart".to_owned())),
            rating: Some(Change::new(None, Some(4.5))),
            scaling: Some(Scaling { factor: 1.5 }),
            ingredients: vec![
                IngredientChange::Removed {
                    original_index: 0,
                    ingredient: ingredient(2.0, "unit", "eggs"),
                },
                IngredientChange::Substituted(Paired {
                    original_index: 1,
                    make_index: 0,
                    original: ingredient(100.0, "g", "butter"),
                    make: ingredient(100.0, "g", "margarine"),
                }),
                IngredientChange::Modified(ModifiedIngredient {
                    original_index: 2,
                    make_index: 1,
                    original: ingredient(0.5, "TBS", "cinnamon"),
                    make: ingredient(1.0, "TBS", "cinnamon"),
                    fields: vec![IngredientField::Quantity],
                    ratio: Some(2.0),
                }),
                IngredientChange::Added {
                    make_index: 2,
                    ingredient: ingredient(1.0, "tsp", "vanilla"),
                },
            ],
            steps: vec![
                StepChange::Removed {
                    original_index: 1,
                    step: step("Pre heat oven"),
                },
                edit(),
                StepChange::Moved(Paired {
                    original_index: 0,
                    make_index: 2,
                    original: step("Gather"),
                    make: step("Gather"),
                }),
                StepChange::Added {
                    make_index: 3,
                    step: step("Let it cool"),
                },
            ],
            ..RecipeDiff::default()
        };
        let expected = "\
~ renamed: \"Pie\" → \"Tart\"
~ rating: none → 4.5
~ scaled ×1½ (every amount)
ingredients:
  − removed 2 eggs
  ~ butter → margarine (substituted)
  ~ cinnamon: ½ TBS → 1 TBS (×2)
  + added 1 tsp vanilla
steps:
  − skipped step 2: \"Pre heat oven\"
  ~ edited step 3: \"Bake [-20-]{+25+} minutes\"
  ↕ moved step 1 → 3: \"Gather\"
  + added step 4: \"Let it cool\"
";
        assert_eq!(text(&diff, TextStyle::Plain), expected);
    }

    #[test]
    fn renames_and_notes_are_spelled_out() {
        let mut after = ingredient(5.0, "unit", "Granny Smith apples");
        let renamed = ModifiedIngredient {
            original_index: 0,
            make_index: 0,
            original: ingredient(5.0, "unit", "apples"),
            make: after.clone(),
            fields: vec![IngredientField::IngredientName],
            ratio: None,
        };
        assert_eq!(
            modification(&renamed),
            "apples → Granny Smith apples (renamed)"
        );
        after.note = Some("peeled".into());
        let noted = ModifiedIngredient {
            make: after,
            fields: vec![IngredientField::IngredientName, IngredientField::Note],
            ..renamed
        };
        assert_eq!(
            modification(&noted),
            "apples → Granny Smith apples: note none → \"peeled\""
        );
    }

    #[test]
    fn a_substitution_with_another_amount_shows_both_lines() {
        let pair = Paired {
            original_index: 0,
            make_index: 0,
            original: ingredient(100.0, "g", "butter"),
            make: ingredient(80.0, "ml", "oil"),
        };
        assert_eq!(
            substitution(&pair),
            "100 g butter → 80 ml oil (substituted)"
        );
    }

    #[test]
    fn colour_keeps_the_symbols_and_marks_words_without_brackets() {
        let diff = RecipeDiff {
            steps: vec![edit()],
            ..RecipeDiff::default()
        };
        let coloured = text(&diff, TextStyle::Color);
        assert!(coloured.contains('\u{1b}'), "{coloured:?}");
        assert!(coloured.contains("~"));
        assert!(coloured.contains("edited step 3"));
        assert!(!coloured.contains("[-"), "{coloured:?}");
        let red_struck = Role::DeletedWords.style();
        assert!(coloured.contains(&format!("{red_struck}20{red_struck:#}")));
        assert!(!text(&diff, TextStyle::Plain).contains('\u{1b}'));
    }
}
