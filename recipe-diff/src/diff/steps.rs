//! Aligning the method by text: added, removed, edited and moved steps.

use std::collections::HashMap;

use foldhash::fast::FixedState;
use similar::algorithms::{Capture, Compact, Replace, myers};
use similar::{Algorithm, DiffOp, capture_diff_slices};

use crate::changes::{EditedStep, Paired, StepChange, WordChange, WordOp};
use crate::model::Step;

/// Steps whose words are at least this alike, next to each other, are one
/// step reworded.
const EDITED: f32 = 0.5;

/// Steps this alike are one step reworded even when it also moved.
const EDITED_AND_MOVED: f32 = 0.75;

/// Beyond this many candidate pairs in one place we stop comparing every
/// removed step with every added one and pair them in order, to keep a
/// rewritten 1,000-step method fast.
const MAX_COMPARISONS: usize = 4096;

/// The step half of a diff.
#[derive(Debug, Default)]
pub(crate) struct StepDiff {
    pub(crate) changes: Vec<StepChange>,
    pub(crate) restated: Vec<Paired<Step>>,
}

/// Text compared for alignment: case, spacing and a final full stop do not
/// make two steps different.
pub(super) fn step_key(text: &str) -> String {
    if text.is_ascii() {
        return ascii_step_key(text.as_bytes());
    }
    // One pass over the chars: ASCII (most of a text with an accent
    // somewhere) tested and lowered inline, only the others through
    // Unicode's tables. The same key as folding each of
    // `split_whitespace`'s words a char at a time and joining them with
    // single spaces.
    let mut key = String::with_capacity(text.len());
    let mut owe_space = false;
    for c in text.chars() {
        let space = if c.is_ascii() {
            is_ascii_space(c as u8)
        } else {
            c.is_whitespace()
        };
        if space {
            owe_space = !key.is_empty();
            continue;
        }
        if owe_space {
            key.push(' ');
            owe_space = false;
        }
        if c.is_ascii() {
            key.push(c.to_ascii_lowercase());
        } else {
            key.extend(c.to_lowercase());
        }
    }
    while key.ends_with('.') {
        key.pop();
    }
    key
}

/// Whether an ASCII byte is whitespace as `char::is_whitespace` (and so
/// `split_whitespace`) has it: tab to carriage return, vertical tab
/// included, and space.
fn is_ascii_space(byte: u8) -> bool {
    matches!(byte, b'\t'..=b'\r' | b' ')
}

/// [`step_key`] for ASCII text: most methods are ASCII, and a 1,000-step
/// method folds two thousand of them.
fn ascii_step_key(text: &[u8]) -> String {
    // The ASCII whitespace `split_whitespace` knows, vertical tab included.
    let is_space = |b: &u8| b.is_ascii_whitespace() || *b == 0x0b;
    let tidy = !text.first().is_some_and(is_space)
        && !text.last().is_some_and(is_space)
        && !text
            .windows(2)
            .any(|pair| is_space(&pair[1]) && (pair[1] != b' ' || is_space(&pair[0])));
    let mut key = if tidy {
        // Single spaces between words already: lowercase in one sweep.
        text.to_ascii_lowercase()
    } else {
        let mut key = Vec::with_capacity(text.len());
        for word in text.split(is_space).filter(|w| !w.is_empty()) {
            if !key.is_empty() {
                key.push(b' ');
            }
            key.extend(word.iter().map(u8::to_ascii_lowercase));
        }
        key
    };
    while key.last() == Some(&b'.') {
        key.pop();
    }
    // ASCII in, ASCII out: always valid UTF-8.
    String::from_utf8(key).unwrap_or_default()
}

/// The words of a step, folded and sorted: what similarity compares. Each
/// word is kept as a hash of its folded letters, so building a bag
/// allocates once per step, not once per word.
type WordBag = Vec<u64>;

fn word_bag(text: &str) -> WordBag {
    // Split at ASCII whitespace by bytes first (std's byte splitter), and
    // hash the ASCII words a byte at a time: most words of any method,
    // accented ones too, are ASCII. A piece with another character, or a
    // vertical tab (whitespace to `split_whitespace`, not to
    // `split_ascii_whitespace`), is split and hashed the Unicode way: the
    // same words and hashes as `split_whitespace` and `word_hash` alone.
    let mut words: WordBag = Vec::with_capacity(text.len() / 4);
    for piece in text.split_ascii_whitespace() {
        if piece.bytes().all(|b| b.is_ascii() && b != 0x0b) {
            words.extend(ascii_word_hash(piece.as_bytes()));
        } else {
            words.extend(piece.split_whitespace().filter_map(word_hash));
        }
    }
    words.sort_unstable();
    words
}

/// The hash of a word trimmed of what is not a letter or digit at either
/// end; `None` when nothing is left.
fn word_hash(word: &str) -> Option<u64> {
    if word.is_ascii() {
        return ascii_word_hash(word.as_bytes());
    }
    let word = word.trim_matches(|c: char| !c.is_alphanumeric());
    (!word.is_empty()).then(|| folded_word_hash(word))
}

/// [`word_hash`] of an ASCII word.
fn ascii_word_hash(word: &[u8]) -> Option<u64> {
    let start = word.iter().position(u8::is_ascii_alphanumeric)?;
    let end = word.iter().rposition(u8::is_ascii_alphanumeric)?;
    Some(ascii_folded_hash(&word[start..=end]))
}

/// FNV-1a: a multiply per byte, which for words of a few letters beats
/// any hasher built for long keys.
const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0100_0000_01b3;

fn fnv(hash: u64, byte: u8) -> u64 {
    (hash ^ u64::from(byte)).wrapping_mul(FNV_PRIME)
}

/// A hash of a word as `to_lowercase` folds it, without building the
/// folded word. Two different words share a hash with odds of about 1 in
/// 2^64, and then only make two steps look a little more alike.
fn folded_word_hash(word: &str) -> u64 {
    word.chars()
        .flat_map(char::to_lowercase)
        .fold(FNV_OFFSET, |hash, c| {
            let mut buffer = [0; 4];
            c.encode_utf8(&mut buffer).bytes().fold(hash, fnv)
        })
}

/// [`folded_word_hash`] of an ASCII word: the same hash, as UTF-8 is
/// ASCII there.
fn ascii_folded_hash(word: &[u8]) -> u64 {
    word.iter().fold(FNV_OFFSET, |hash, byte| {
        fnv(hash, byte.to_ascii_lowercase())
    })
}

/// Each distinct step text as a small number, the same number for the same
/// text on either side: the alignment then compares and hashes numbers,
/// not the texts, which on a long method is most of its cost.
fn text_ids<'a>(original: &'a [Step], make: &'a [Step]) -> (Vec<usize>, Vec<usize>) {
    let mut ids: HashMap<&'a str, usize, FixedState> =
        HashMap::with_capacity_and_hasher(original.len() + make.len(), FixedState::default());
    let mut id_of = |step: &'a Step| {
        let next = ids.len();
        *ids.entry(step.step_text.as_str()).or_insert(next)
    };
    let original_ids = original.iter().map(&mut id_of).collect();
    let make_ids = make.iter().map(&mut id_of).collect();
    (original_ids, make_ids)
}

/// The shortest edit script from one list of text ids to the other
/// (Myers' algorithm as published, without the heuristics `similar` adds
/// for long texts: they rehash every id, which cost more than the whole
/// alignment of a long method).
fn align(original: &[usize], make: &[usize]) -> Vec<DiffOp> {
    let mut hook = Compact::new(Replace::new(Capture::new()), original, make);
    match myers::diff_deadline_raw(
        &mut hook,
        original,
        0..original.len(),
        make,
        0..make.len(),
        None,
    ) {
        Ok(()) => hook.into_inner().into_inner().into_ops(),
        Err(never) => match never {},
    }
}

/// Something derived from the text of each step alignment left unpaired
/// (its folded key, its word bag), built once per step: pairing compares
/// every removed step with every added one.
struct PerStep<T> {
    original: Vec<Option<T>>,
    make: Vec<Option<T>>,
}

impl<T: Clone> PerStep<T> {
    fn new(hunks: &[Hunk], original: &[Step], make: &[Step], derive: fn(&str) -> T) -> Self {
        let mut per_step = PerStep {
            original: vec![None; original.len()],
            make: vec![None; make.len()],
        };
        for hunk in hunks {
            for &o in &hunk.removed {
                per_step.original[o] = Some(derive(&original[o].step_text));
            }
            for &m in &hunk.added {
                per_step.make[m] = Some(derive(&make[m].step_text));
            }
        }
        per_step
    }
}

/// The steps' folded texts.
type Keys = PerStep<String>;

impl Keys {
    fn original(&self, o: usize) -> &str {
        self.original[o].as_deref().unwrap_or_default()
    }

    fn make(&self, m: usize) -> &str {
        self.make[m].as_deref().unwrap_or_default()
    }
}

/// The steps' word bags.
type Bags = PerStep<WordBag>;

impl Bags {
    fn similarity(&self, o: usize, m: usize) -> f32 {
        match (&self.original[o], &self.make[m]) {
            (Some(a), Some(b)) => dice(a, b),
            _ => 0.0,
        }
    }
}

/// A stretch where the alignment found no equal steps.
#[derive(Debug, Default)]
struct Hunk {
    removed: Vec<usize>,
    added: Vec<usize>,
}

/// How much a step diff says of an edited step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StepDetail {
    /// Its word runs, for a reader: what [`diff`](crate::diff()) answers.
    Words,
    /// Which step it became, with no word runs and no restatements:
    /// enough for a merge, which reads every step no change mentions as
    /// kept in order (restated steps always are), and both are the dearest
    /// parts of a diff of a long, renumbered method.
    Alignment,
}

/// Diffs two methods.
pub(crate) fn diff_steps(original: &[Step], make: &[Step], detail: StepDetail) -> StepDiff {
    // Align the texts as written: nearly every step is unchanged, and
    // comparing them needs no folding. Only the steps left unpaired are
    // folded, and those that then agree are the same step restated.
    let (original_ids, make_ids) = text_ids(original, make);
    let ops = align(&original_ids, &make_ids);

    let mut result = StepDiff::default();
    let mut hunks: Vec<Hunk> = Vec::new();
    let mut open = false;
    for op in ops {
        match op {
            DiffOp::Equal {
                old_index,
                new_index,
                len,
            } => {
                open = false;
                if detail == StepDetail::Words {
                    for k in 0..len {
                        let (o, m) = (old_index + k, new_index + k);
                        if original[o] != make[m] {
                            result.restated.push(pair(original, make, o, m));
                        }
                    }
                }
            }
            other => {
                if !open {
                    hunks.push(Hunk::default());
                    open = true;
                }
                if let Some(hunk) = hunks.last_mut() {
                    let (_, old_range, new_range) = other.as_tag_tuple();
                    hunk.removed.extend(old_range);
                    hunk.added.extend(new_range);
                }
            }
        }
    }

    let keys = Keys::new(&hunks, original, make, step_key);
    restate_in_place(&mut hunks, &keys, (original, make), detail, &mut result);
    pair_moves(&mut hunks, &keys, original, make, &mut result);
    let bags = Bags::new(&hunks, original, make, word_bag);
    for hunk in &mut hunks {
        let edited = (EDITED, false);
        pair_edits(hunk, &bags, (original, make), edited, detail, &mut result);
    }
    let mut leftover = Hunk::default();
    for hunk in hunks {
        leftover.removed.extend(hunk.removed);
        leftover.added.extend(hunk.added);
    }
    let edited_and_moved = (EDITED_AND_MOVED, true);
    pair_edits(
        &mut leftover,
        &bags,
        (original, make),
        edited_and_moved,
        detail,
        &mut result,
    );
    for o in leftover.removed {
        result.changes.push(StepChange::Removed {
            original_index: o,
            step: original[o].clone(),
        });
    }
    for m in leftover.added {
        result.changes.push(StepChange::Added {
            make_index: m,
            step: make[m].clone(),
        });
    }
    result
}

fn pair(original: &[Step], make: &[Step], o: usize, m: usize) -> Paired<Step> {
    Paired {
        original_index: o,
        make_index: m,
        original: original[o].clone(),
        make: make[m].clone(),
    }
}

/// Steps of one hunk that agree once folded (other case, spacing or a
/// final full stop) are the same step in the same place: restated, not
/// changed. Paired in order, so they keep their relative order.
fn restate_in_place(
    hunks: &mut [Hunk],
    keys: &Keys,
    (original, make): (&[Step], &[Step]),
    detail: StepDetail,
    result: &mut StepDiff,
) {
    for hunk in hunks.iter_mut() {
        let mut next = 0;
        let mut pairs = Vec::new();
        for &o in &hunk.removed {
            if let Some(offset) = hunk.added[next..]
                .iter()
                .position(|&m| keys.original(o) == keys.make(m))
            {
                pairs.push((o, hunk.added[next + offset]));
                next += offset + 1;
            }
        }
        for &(o, m) in &pairs {
            hunk.removed.retain(|&r| r != o);
            hunk.added.retain(|&a| a != m);
            if detail == StepDetail::Words {
                result.restated.push(pair(original, make, o, m));
            }
        }
    }
}

/// A removed step whose text reappears elsewhere was moved.
fn pair_moves(
    hunks: &mut [Hunk],
    keys: &Keys,
    original: &[Step],
    make: &[Step],
    result: &mut StepDiff,
) {
    let mut added_by_key: HashMap<&str, Vec<usize>, FixedState> = HashMap::default();
    for hunk in hunks.iter() {
        for &m in hunk.added.iter().rev() {
            added_by_key.entry(keys.make(m)).or_default().push(m);
        }
    }
    let mut moved_to = HashMap::new();
    for hunk in hunks.iter_mut() {
        hunk.removed.retain(
            |&o| match added_by_key.get_mut(keys.original(o)).and_then(Vec::pop) {
                Some(m) => {
                    moved_to.insert(m, o);
                    false
                }
                None => true,
            },
        );
    }
    for hunk in hunks.iter_mut() {
        hunk.added.retain(|m| !moved_to.contains_key(m));
    }
    let mut moves: Vec<(usize, usize)> = moved_to.into_iter().map(|(m, o)| (o, m)).collect();
    moves.sort_unstable();
    for (o, m) in moves {
        result
            .changes
            .push(StepChange::Moved(pair(original, make, o, m)));
    }
}

/// Pairs removed and added steps whose words are alike enough into edits.
fn pair_edits(
    hunk: &mut Hunk,
    bags: &Bags,
    (original, make): (&[Step], &[Step]),
    (threshold, moved): (f32, bool),
    detail: StepDetail,
    result: &mut StepDiff,
) {
    if hunk.removed.is_empty() || hunk.added.is_empty() {
        return;
    }
    let mut candidates: Vec<(f32, usize, usize)> = Vec::new();
    if hunk.removed.len() * hunk.added.len() <= MAX_COMPARISONS {
        for &o in &hunk.removed {
            for &m in &hunk.added {
                let score = bags.similarity(o, m);
                if score >= threshold {
                    candidates.push((score, o, m));
                }
            }
        }
        candidates.sort_by(|a, b| b.0.total_cmp(&a.0).then((a.1, a.2).cmp(&(b.1, b.2))));
    } else if !moved {
        for (&o, &m) in hunk.removed.iter().zip(&hunk.added) {
            let score = bags.similarity(o, m);
            if score >= threshold {
                candidates.push((score, o, m));
            }
        }
    }
    let mut edits = Vec::new();
    for (_, o, m) in candidates {
        if hunk.removed.contains(&o) && hunk.added.contains(&m) {
            hunk.removed.retain(|&r| r != o);
            hunk.added.retain(|&a| a != m);
            edits.push((o, m));
        }
    }
    for (o, m) in edits {
        result.changes.push(StepChange::Edited(EditedStep {
            original_index: o,
            make_index: m,
            original: original[o].clone(),
            make: make[m].clone(),
            words: match detail {
                StepDetail::Words => word_changes(&original[o].step_text, &make[m].step_text),
                StepDetail::Alignment => Vec::new(),
            },
            moved,
        }));
    }
}

/// How alike two word bags are, from 0 to 1: twice the words they share
/// over the words of both (Dice). Order is left to the alignment; spacing
/// and case never count, so `Chop the onion` and `Beat the eggs` share a
/// third, not 60% as spaces counted as words would make it.
fn dice(a: &[u64], b: &[u64]) -> f32 {
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    let (mut i, mut j, mut shared) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                shared += 1;
                i += 1;
                j += 1;
            }
        }
    }
    (2 * shared) as f32 / (a.len() + b.len()) as f32
}

/// Word-level changes from `before` to `after`, in runs.
pub(crate) fn word_changes(before: &str, after: &str) -> Vec<WordChange> {
    let (old, new) = (Tokens::new(before), Tokens::new(after));
    let mut runs: Vec<WordChange> = Vec::new();
    // Tokens are consecutive pieces of their text, so the tokens of one op
    // are one slice of it: appended at once, not a token at a time.
    let mut emit = |op: WordOp, text: &str| {
        if text.is_empty() {
            return;
        }
        match runs.last_mut() {
            Some(run) if run.op == op => run.text.push_str(text),
            _ => runs.push(WordChange {
                op,
                text: text.to_owned(),
            }),
        }
    };
    for op in capture_diff_slices(Algorithm::Myers, &old.pieces, &new.pieces) {
        let (_, old_range, new_range) = op.as_tag_tuple();
        match op {
            DiffOp::Equal { .. } => emit(WordOp::Equal, old.text_of(old_range)),
            _ => {
                emit(WordOp::Delete, old.text_of(old_range));
                emit(WordOp::Insert, new.text_of(new_range));
            }
        }
    }
    runs
}

/// A text cut into [`tokens`], remembering where each starts.
struct Tokens<'a> {
    text: &'a str,
    pieces: Vec<&'a str>,
    /// Byte offset of each piece in `text`, and the text's length last.
    starts: Vec<usize>,
}

impl<'a> Tokens<'a> {
    fn new(text: &'a str) -> Self {
        let pieces = tokens(text);
        let mut starts = Vec::with_capacity(pieces.len() + 1);
        let mut at = 0;
        for piece in &pieces {
            starts.push(at);
            at += piece.len();
        }
        starts.push(at);
        Tokens {
            text,
            pieces,
            starts,
        }
    }

    /// The pieces in `range` together: one slice of the text.
    fn text_of(&self, range: std::ops::Range<usize>) -> &'a str {
        match (self.starts.get(range.start), self.starts.get(range.end)) {
            (Some(&from), Some(&to)) if range.start < range.end => {
                self.text.get(from..to).unwrap_or_default()
            }
            _ => "",
        }
    }
}

/// Words and the whitespace between them, in order: together they are the
/// text, so word runs rebuild both sides exactly.
fn tokens(text: &str) -> Vec<&str> {
    let bytes = text.as_bytes();
    let mut tokens = Vec::with_capacity(bytes.len() / 4 + 1);
    let mut start = 0;
    while start < bytes.len() {
        // A run of whitespace or of the rest, as `char::is_whitespace` has
        // it: ASCII a byte at a time, any other character decoded.
        let space = char_at(text, start).0;
        let mut end = start;
        while end < bytes.len() {
            let (is_space, width) = match bytes[end] {
                byte if byte.is_ascii() => (is_ascii_space(byte), 1),
                _ => char_at(text, end),
            };
            if is_space != space {
                break;
            }
            end += width;
        }
        tokens.push(text.get(start..end).unwrap_or_default());
        start = end;
    }
    tokens
}

/// Whether the character at byte `at` of `text` is whitespace, and its
/// width in bytes.
fn char_at(text: &str, at: usize) -> (bool, usize) {
    match text.get(at..).and_then(|rest| rest.chars().next()) {
        Some(c) if c.is_ascii() => (is_ascii_space(c as u8), 1),
        Some(c) => (c.is_whitespace(), c.len_utf8()),
        None => (false, 1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn steps(texts: &[&str]) -> Vec<Step> {
        texts
            .iter()
            .enumerate()
            .map(|(i, t)| Step {
                step_id: Some(i as i64 + 1),
                step_text: (*t).to_owned(),
            })
            .collect()
    }

    const PIE: [&str; 3] = [
        "Gather ingredients",
        "Pre heat oven to 350 degrees",
        "Make the pie",
    ];

    #[test]
    fn a_skipped_step_is_removed_and_renumbering_is_restated() {
        let diff = diff_steps(
            &steps(&PIE),
            &steps(&["Gather ingredients", "Make the pie"]),
            StepDetail::Words,
        );
        assert!(matches!(
            diff.changes.as_slice(),
            [StepChange::Removed { original_index: 1, step }] if step.step_text == PIE[1]
        ));
        assert_eq!(diff.restated.len(), 1);
        assert_eq!(diff.restated[0].make.step_id, Some(2));
    }

    #[test]
    fn case_and_spacing_are_not_edits() {
        let diff = diff_steps(
            &steps(&PIE),
            &steps(&["gather  ingredients.", PIE[1], PIE[2]]),
            StepDetail::Words,
        );
        assert!(diff.changes.is_empty());
        assert_eq!(diff.restated.len(), 1);
    }

    #[test]
    fn a_reworded_step_is_edited_word_by_word() {
        let diff = diff_steps(
            &steps(&PIE),
            &steps(&[PIE[0], "Pre heat oven to 375 degrees", PIE[2]]),
            StepDetail::Words,
        );
        let [StepChange::Edited(edit)] = diff.changes.as_slice() else {
            panic!("expected one edit, got {:?}", diff.changes)
        };
        assert!(!edit.moved);
        let deleted: Vec<&str> = edit
            .words
            .iter()
            .filter(|w| w.op == WordOp::Delete)
            .map(|w| w.text.as_str())
            .collect();
        assert_eq!(deleted, ["350"]);
    }

    #[test]
    fn a_step_done_later_is_moved() {
        let diff = diff_steps(
            &steps(&PIE),
            &steps(&[PIE[1], PIE[2], PIE[0]]),
            StepDetail::Words,
        );
        assert!(matches!(
            diff.changes.as_slice(),
            [StepChange::Moved(p)] if p.original_index == 0 && p.make_index == 2
        ));
    }

    #[test]
    fn unrelated_steps_are_removed_and_added() {
        let diff = diff_steps(
            &steps(&["Boil water"]),
            &steps(&["Whisk the eggs"]),
            StepDetail::Words,
        );
        assert!(matches!(
            diff.changes.as_slice(),
            [StepChange::Removed { .. }, StepChange::Added { .. }]
        ));
    }

    #[test]
    fn ascii_and_unicode_keys_fold_alike() {
        for text in [
            "  Pre heat\tthe OVEN.. ",
            "Stir\u{b}well",
            "",
            "...",
            "Whisk  Eggs",
        ] {
            let unicode_path = {
                let mut key = String::new();
                for word in text.split_whitespace() {
                    if !key.is_empty() {
                        key.push(' ');
                    }
                    key.extend(word.chars().flat_map(char::to_lowercase));
                }
                while key.ends_with('.') {
                    key.pop();
                }
                key
            };
            assert_eq!(ascii_step_key(text.as_bytes()), unicode_path, "{text:?}");
        }
        assert_eq!(step_key("Crème BRÛLÉE"), "crème brûlée");
    }

    #[test]
    fn ascii_word_bags_are_the_unicode_bags() {
        let unicode_bag = |text: &str| {
            let mut words: Vec<u64> = text
                .split_whitespace()
                .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
                .filter(|w| !w.is_empty())
                .map(folded_word_hash)
                .collect();
            words.sort_unstable();
            words
        };
        for text in [
            "Bake for 20 minutes.",
            "  (Optional) stir--gently,\tthen SERVE!  ",
            "don't over-mix; 350°F",
            "\u{b}Fold\u{b}in ... the \"flour\"",
            "",
            "---",
        ] {
            assert_eq!(word_bag(text), unicode_bag(text), "{text:?}");
        }
        assert_eq!(ascii_folded_hash(b"ONION"), folded_word_hash("onion"));
        assert_eq!(folded_word_hash("BRÛLÉE"), folded_word_hash("brûlée"));
    }

    #[test]
    fn short_unrelated_steps_are_not_edits() {
        let similarity = |a: &str, b: &str| dice(&word_bag(a), &word_bag(b));
        assert!(similarity("Chop the onion", "Beat the eggs") < EDITED);
        assert!(similarity("Bake for 20 minutes", "Bake for 25 minutes.") >= EDITED);
        assert_eq!(similarity("", ""), 1.0);
        assert_eq!(similarity("Stir", ""), 0.0);
        assert_eq!(similarity("a a b", "a b b"), 2.0 * 2.0 / 6.0);
    }

    #[test]
    fn tokens_are_words_and_the_space_between() {
        assert_eq!(tokens("Bake  for\t20"), ["Bake", "  ", "for", "\t", "20"]);
        assert_eq!(tokens(" a"), [" ", "a"]);
        assert!(tokens("").is_empty());
        // As `char::is_whitespace` splits them, byte path or not.
        let by_chars = |text: &str| {
            let mut tokens = Vec::new();
            let (mut start, mut in_space) = (0, None);
            for (at, c) in text.char_indices() {
                let space = c.is_whitespace();
                if in_space.is_some_and(|previous| previous != space) {
                    tokens.push(text[start..at].to_owned());
                    start = at;
                }
                in_space = Some(space);
            }
            if start < text.len() {
                tokens.push(text[start..].to_owned());
            }
            tokens
        };
        for text in [
            "Stir in the purée\u{a0}gently,\u{b}then\u{c}serve\r\n",
            "crème brûlée\u{2003} à la\tminute ",
            "\u{85}x\u{1c}y",
        ] {
            assert_eq!(tokens(text), by_chars(text), "{text:?}");
        }
        assert_eq!(
            step_key("Stir in the PURÉE  gently."),
            "stir in the purée gently"
        );
    }

    #[test]
    fn word_runs_rebuild_both_texts() {
        let runs = word_changes("Bake for 20 minutes", "Bake covered for 25 minutes");
        let before: String = runs
            .iter()
            .filter(|w| w.op != WordOp::Insert)
            .map(|w| w.text.as_str())
            .collect();
        let after: String = runs
            .iter()
            .filter(|w| w.op != WordOp::Delete)
            .map(|w| w.text.as_str())
            .collect();
        assert_eq!(before, "Bake for 20 minutes");
        assert_eq!(after, "Bake covered for 25 minutes");
    }
}
