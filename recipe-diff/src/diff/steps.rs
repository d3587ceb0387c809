//! Aligning the method by text: added, removed, edited and moved steps.

use std::cell::{OnceCell, RefCell};
use std::collections::{HashMap, HashSet};

use foldhash::fast::FixedState;
use std::convert::Infallible;

use similar::algorithms::{Compact, DiffHook};

use super::bag::dice;
use super::cut::{Cut, bag_room_for, cut_into, is_ascii_space, pieces_room_for};
use super::myers;

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
    // Split at ASCII whitespace by bytes first: most words of a text with
    // an accent somewhere are ASCII still, and those are copied and
    // lowered in place. A piece with another character (or a vertical
    // tab, which `split_ascii_whitespace` keeps in a word) is split the
    // Unicode way and folded a char at a time: the same words as
    // `split_whitespace`, folded the same.
    let mut key = String::with_capacity(text.len());
    let push_word = |key: &mut String, word: &str| {
        if !key.is_empty() {
            key.push(' ');
        }
        if plain_ascii(word) {
            let start = key.len();
            key.push_str(word);
            if let Some(added) = key.get_mut(start..) {
                added.make_ascii_lowercase();
            }
        } else {
            key.extend(word.chars().flat_map(char::to_lowercase));
        }
    };
    for piece in text.split_ascii_whitespace() {
        if plain_ascii(piece) {
            push_word(&mut key, piece);
        } else {
            for word in piece.split_whitespace() {
                push_word(&mut key, word);
            }
        }
    }
    while key.ends_with('.') {
        key.pop();
    }
    key
}

/// ASCII without a vertical tab: a word `split_ascii_whitespace` and
/// `split_whitespace` agree on, and whose folding is ASCII lowercase.
fn plain_ascii(word: &str) -> bool {
    word.bytes().all(|b| b.is_ascii() && b != 0x0b)
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

/// The word bag of a text alone, as [`cut_into`] makes it, sorted to
/// compare.
#[cfg(test)]
fn word_bag(text: &str) -> Vec<u64> {
    let (mut pieces, mut bag) = (Vec::new(), Vec::new());
    cut_into(text, &mut pieces, &mut bag);
    bag.sort_unstable();
    bag
}

/// Up to this many steps in both methods, [`text_ids`] compares texts
/// rather than hashing them.
const COMPARED_IDS: usize = 32;

/// Each distinct step text as a small number, the same number for the same
/// text on either side: the alignment then compares and hashes numbers,
/// not the texts, which on a long method is most of its cost. The
/// original's numbers come first, then the make's, in one list.
fn text_ids(original: &[Step], make: &[Step]) -> Vec<usize> {
    let texts = || original.iter().chain(make).map(|step| &*step.step_text);
    let mut numbers = Vec::with_capacity(original.len() + make.len());
    if original.len() + make.len() <= COMPARED_IDS {
        // A short method: each text compared with the distinct texts so far
        // (most differ in length, found at once), kept on the stack, costs
        // less than hashing them all. The same ids: numbered by first
        // appearance.
        let mut distinct = [""; COMPARED_IDS];
        let mut count = 0;
        for text in texts() {
            let seen = distinct.get(..count).unwrap_or_default();
            let id = seen
                .iter()
                .position(|&seen| seen == text)
                .unwrap_or_else(|| {
                    if let Some(slot) = distinct.get_mut(count) {
                        *slot = text;
                    }
                    count += 1;
                    count - 1
                });
            numbers.push(id);
        }
        return numbers;
    }
    let mut ids: HashMap<&str, usize, FixedState> =
        HashMap::with_capacity_and_hasher(original.len() + make.len(), FixedState::default());
    // A plain loop into a list of the right size: a long method numbers
    // thousands of steps here, and the loop keeps the lookup inline.
    for text in texts() {
        let next = ids.len();
        numbers.push(*ids.entry(text).or_insert(next));
    }
    numbers
}

/// The shortest edit script from one list of text ids to the other
/// (Myers' algorithm as published, without the heuristics `similar` adds
/// for long texts: they rehash every id, which cost more than the whole
/// alignment of a long method), compacted, and handed to `hook` op by op.
/// A short method's ids go to our port of the same search ([`myers`]), a
/// long one's to `similar` itself.
///
/// No `Replace` hook after the compaction: a deletion next to an insertion
/// lands in one hunk whether or not they are merged into one op, so the
/// hunks are the same without the work of merging them.
fn align<D: DiffHook<Error = Infallible>>(original: &[usize], make: &[usize], mut hook: D) -> D {
    if myers::compacted_into(original, make, &mut hook).is_some() {
        return hook;
    }
    let mut hook = Compact::new(hook, original, make);
    match similar::algorithms::myers::diff_deadline_raw(
        &mut hook,
        original,
        0..original.len(),
        make,
        0..make.len(),
        None,
    ) {
        Ok(()) => hook.into_inner(),
        Err(never) => match never {},
    }
}

/// Reads the alignment of two methods as it arrives: steps in equal
/// stretches that differ (in id) are restated, and each run of other ops
/// is one hunk of removed and added steps.
struct Alignment<'s> {
    original: &'s [Step],
    make: &'s [Step],
    detail: StepDetail,
    restated: Vec<Paired<Step>>,
    hunks: Vec<Hunk>,
    /// Whether the last op was a deletion or insertion, so the next one
    /// joins its hunk.
    open: bool,
}

impl<'s> Alignment<'s> {
    fn new(original: &'s [Step], make: &'s [Step], detail: StepDetail) -> Self {
        Alignment {
            original,
            make,
            detail,
            restated: Vec::new(),
            hunks: Vec::new(),
            open: false,
        }
    }

    /// The hunk a deletion or insertion belongs to: the open one, else a
    /// new one.
    fn hunk(&mut self) -> &mut Hunk {
        if !self.open {
            self.hunks.push(Hunk::default());
            self.open = true;
        }
        // Never empty here: a hunk was just pushed if none was open.
        let last = self.hunks.len() - 1;
        &mut self.hunks[last]
    }
}

impl DiffHook for Alignment<'_> {
    type Error = Infallible;

    fn equal(&mut self, old_index: usize, new_index: usize, len: usize) -> Result<(), Infallible> {
        self.open = false;
        if self.detail == StepDetail::Words {
            for k in 0..len {
                let (o, m) = (old_index + k, new_index + k);
                if self.original[o] != self.make[m] {
                    self.restated.push(pair(self.original, self.make, o, m));
                }
            }
        }
        Ok(())
    }

    fn delete(&mut self, old_index: usize, old_len: usize, _: usize) -> Result<(), Infallible> {
        self.hunk().removed.extend(old_index..old_index + old_len);
        Ok(())
    }

    fn insert(&mut self, _: usize, new_index: usize, new_len: usize) -> Result<(), Infallible> {
        self.hunk().added.extend(new_index..new_index + new_len);
        Ok(())
    }
}

/// Something derived from the text of each step alignment left unpaired,
/// built once per step: pairing compares every removed step with every
/// added one.
///
/// Kept for those steps alone, by index: a slot for every step of a long
/// method would be a large allocation for the few that differ.
struct PerStep<T> {
    original: Vec<(usize, T)>,
    make: Vec<(usize, T)>,
}

impl<T> PerStep<T> {
    /// Nothing for any step.
    fn empty() -> Self {
        PerStep {
            original: Vec::new(),
            make: Vec::new(),
        }
    }

    /// `derive` of each step the hunks hold, with its hunk, by side (`true`
    /// for the original) and index.
    fn new(hunks: &[Hunk], mut derive: impl FnMut(&Hunk, bool, usize) -> Option<T>) -> Self {
        let removed = hunks.iter().map(|h| h.removed.len()).sum();
        let added = hunks.iter().map(|h| h.added.len()).sum();
        let mut per_step = PerStep {
            original: Vec::with_capacity(removed),
            make: Vec::with_capacity(added),
        };
        for hunk in hunks {
            for &o in &hunk.removed {
                per_step
                    .original
                    .extend(derive(hunk, true, o).map(|t| (o, t)));
            }
            for &m in &hunk.added {
                per_step.make.extend(derive(hunk, false, m).map(|t| (m, t)));
            }
        }
        // Hunks come in order, so this finds them sorted already.
        per_step.original.sort_unstable_by_key(|&(o, _)| o);
        per_step.make.sort_unstable_by_key(|&(m, _)| m);
        per_step
    }

    fn get(&self, original_side: bool, index: usize) -> Option<&T> {
        let side = if original_side {
            &self.original
        } else {
            &self.make
        };
        let at = side.binary_search_by_key(&index, |&(i, _)| i).ok()?;
        side.get(at).map(|(_, t)| t)
    }

    fn get_mut(&mut self, original_side: bool, index: usize) -> Option<&mut T> {
        let side = if original_side {
            &mut self.original
        } else {
            &mut self.make
        };
        let at = side.binary_search_by_key(&index, |&(i, _)| i).ok()?;
        side.get_mut(at).map(|(_, t)| t)
    }
}

/// A step's text cut into tokens once, and its folded key when asked: the
/// key decides which steps are the same restated or moved, the tokens give
/// the word bags of the rest and the word runs of the edited. The tokens
/// themselves sit in the [`Texts`]' shared buffers.
struct StepText<'a> {
    text: &'a str,
    /// Where its tokens are; `None` until a step of the other side may be
    /// compared with it (see [`Texts::new`]).
    cut: Option<Cut>,
    /// How many words: steps with the same key have as many (the key's
    /// spaces are the gaps between them; lowercasing makes no space and
    /// dropping final full stops stops at one), so steps with different
    /// counts are told apart without folding either.
    words: usize,
    key: OnceCell<String>,
}

/// The texts of the steps alignment left unpaired, cut into tokens.
///
/// The pieces and word bags of every step are kept in two buffers shared
/// by all of them, sized up front: two allocations per diff, not two per
/// step.
struct Texts<'a> {
    steps: PerStep<StepText<'a>>,
    pieces: Vec<&'a str>,
    /// The word bags, one after another: the words of each step, folded,
    /// what similarity compares. Each word is kept as a hash
    /// of its folded letters, so a bag holds no string.
    bags: Vec<u64>,
    /// The edit script of the word runs last asked for: one list for all
    /// of them.
    ops: RefCell<Vec<myers::Op>>,
}

impl<'a> Texts<'a> {
    /// Reads the text of each step `text_of` gives for the hunks' steps,
    /// by side (`true` for the original) and index, and cuts up those a
    /// step of the other side in their hunk may be compared with.
    ///
    /// A step alone on its side of its hunk (a skipped step, most often)
    /// is compared only if it is left over once every hunk is paired,
    /// which [`Texts::cut_rest`] cuts then: until that, its word count is
    /// all that is asked of it, and that is counted without cutting it.
    fn new(hunks: &[Hunk], text_of: impl Fn(bool, usize) -> Option<&'a str>) -> Self {
        let two_sided = |hunk: &Hunk| !hunk.removed.is_empty() && !hunk.added.is_empty();
        let mut any = false;
        for_each_step(hunks, |original_side, i| {
            any = any || text_of(original_side, i).is_some();
        });
        if !any {
            // No step to read: nothing to allocate.
            return Texts {
                steps: PerStep::empty(),
                pieces: Vec::new(),
                bags: Vec::new(),
                ops: RefCell::default(),
            };
        }
        let (mut pieces_room, mut bag_room) = (0, 0);
        for hunk in hunks.iter().filter(|hunk| two_sided(hunk)) {
            for_each_step(std::slice::from_ref(hunk), |original_side, i| {
                if let Some(text) = text_of(original_side, i) {
                    pieces_room += pieces_room_for(text);
                    bag_room += bag_room_for(text);
                }
            });
        }
        let mut pieces = Vec::with_capacity(pieces_room);
        let mut bags = Vec::with_capacity(bag_room);
        let steps = PerStep::new(hunks, |hunk, original_side, i| {
            let text = text_of(original_side, i)?;
            if !two_sided(hunk) {
                return Some(StepText {
                    text,
                    cut: None,
                    words: word_count(text),
                    key: OnceCell::new(),
                });
            }
            let cut = cut_into(text, &mut pieces, &mut bags);
            Some(StepText {
                text,
                words: cut_words(text, &cut, &pieces),
                cut: Some(cut),
                key: OnceCell::new(),
            })
        });
        Texts {
            steps,
            pieces,
            bags,
            ops: RefCell::default(),
        }
    }

    /// Cuts up every step of `hunk` not cut yet.
    fn cut_rest(&mut self, hunk: &Hunk) {
        let Texts {
            steps,
            pieces,
            bags,
            ..
        } = self;
        for_each_step(std::slice::from_ref(hunk), |original_side, i| {
            if let Some(step) = steps.get_mut(original_side, i)
                && step.cut.is_none()
            {
                step.cut = Some(cut_into(step.text, pieces, bags));
            }
        });
    }

    fn get(&self, original_side: bool, i: usize) -> Option<&StepText<'a>> {
        self.steps.get(original_side, i)
    }

    fn words(&self, original_side: bool, i: usize) -> usize {
        self.get(original_side, i).map_or(0, |t| t.words)
    }

    fn key(&self, original_side: bool, i: usize) -> &str {
        self.get(original_side, i).map_or("", |t| {
            t.key.get_or_init(|| match &t.cut {
                _ if t.text.is_ascii() => ascii_step_key(t.text.as_bytes()),
                Some(cut) => view(t.text, cut, &self.pieces).key(),
                None => step_key(t.text),
            })
        })
    }

    /// How alike the words of original step `o` and make step `m` are
    /// ([`dice`] of their bags).
    fn similarity(&self, o: usize, m: usize) -> f32 {
        match (self.get(true, o), self.get(false, m)) {
            (Some(a), Some(b)) => match (self.bag(a), self.bag(b)) {
                (Some(a), Some(b)) => dice(a, b),
                // Never asked: every step compared is cut first.
                _ => 0.0,
            },
            _ => 0.0,
        }
    }

    /// The step's word bag; `None` when it is not cut.
    fn bag(&self, text: &StepText<'a>) -> Option<&[u64]> {
        let cut = text.cut.as_ref()?;
        self.bags.get(cut.bag.clone())
    }

    /// Whether original step `o` and make step `m` fold to the same key.
    fn same_key(&self, o: usize, m: usize) -> bool {
        self.words(true, o) == self.words(false, m)
            && self.may_share_key(o, m)
            && self.key(true, o) == self.key(false, m)
    }

    /// False when the two steps' keys surely differ, told without folding
    /// either: two ASCII texts with one key have one bag, word for word in
    /// text order (each word's hash is of its lowercase letters, trimmed as
    /// the key's final full stops are). Beyond ASCII, lowercasing can make
    /// a letter into one that trims (`İ` is `i` and a combining dot), so
    /// the bags say nothing there.
    fn may_share_key(&self, o: usize, m: usize) -> bool {
        match (self.get(true, o), self.get(false, m)) {
            (Some(a), Some(b)) if a.text.is_ascii() && b.text.is_ascii() => {
                match (self.bag(a), self.bag(b)) {
                    (Some(a), Some(b)) => a == b,
                    // Not cut: the keys decide.
                    _ => true,
                }
            }
            _ => true,
        }
    }

    /// The word runs from original step `o` to make step `m`, from the
    /// tokens already cut.
    fn word_changes(
        &self,
        (o, original): (usize, &str),
        (m, make): (usize, &str),
    ) -> Vec<WordChange> {
        let cut = |side, i| {
            self.get(side, i)
                .and_then(|t| Some((t.text, t.cut.as_ref()?)))
        };
        match (cut(true, o), cut(false, m)) {
            (Some((a, a_cut)), Some((b, b_cut))) => word_changes_of(
                &view(a, a_cut, &self.pieces),
                &view(b, b_cut, &self.pieces),
                &mut self.ops.borrow_mut(),
            ),
            _ => word_changes(original, make),
        }
    }
}

/// How many words a step has, as alignment counts them: a lone word of
/// full stops counts none, as it folds to the empty key as no word does.
fn word_count(text: &str) -> usize {
    if text.is_ascii() {
        // A byte at a time, no character decoded: where a word starts, and
        // whether every word byte is a full stop.
        let (mut words, mut in_word, mut stops_only) = (0, false, true);
        for &byte in text.as_bytes() {
            let space = is_ascii_space(byte);
            words += usize::from(!space && !in_word);
            in_word = !space;
            stops_only &= space || byte == b'.';
        }
        return if words == 1 && stops_only { 0 } else { words };
    }
    let mut words = text.split_whitespace();
    match (words.next(), words.next()) {
        (None, _) => 0,
        (Some(word), None) => usize::from(!word.bytes().all(|b| b == b'.')),
        (Some(_), Some(_)) => 2 + words.count(),
    }
}

/// [`word_count`] of a text already cut at `cut` into `pieces`.
fn cut_words(text: &str, cut: &Cut, pieces: &[&str]) -> usize {
    match cut.words {
        1 if view(text, cut, pieces)
            .words()
            .all(|w| w.bytes().all(|b| b == b'.')) =>
        {
            0
        }
        n => n,
    }
}

/// Calls `visit` with each step the hunks hold, by side (`true` for the
/// original) and index.
fn for_each_step(hunks: &[Hunk], mut visit: impl FnMut(bool, usize)) {
    for hunk in hunks {
        hunk.removed.iter().for_each(|&o| visit(true, o));
        hunk.added.iter().for_each(|&m| visit(false, m));
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
    let ids = text_ids(original, make);
    let (original_ids, make_ids) = ids.split_at(original.len().min(ids.len()));
    let Alignment {
        restated,
        mut hunks,
        ..
    } = align(
        original_ids,
        make_ids,
        Alignment::new(original, make, detail),
    );
    let mut result = StepDiff {
        changes: Vec::new(),
        restated,
    };

    // Steps only removed, or only added, pair with nothing: their texts
    // are never compared, so they are not cut up.
    let pairable =
        hunks.iter().any(|h| !h.removed.is_empty()) && hunks.iter().any(|h| !h.added.is_empty());
    let mut texts = Texts::new(&hunks, |original_side, i| {
        let steps = if original_side { original } else { make };
        let step = steps.get(i).filter(|_| pairable)?;
        Some(step.step_text.as_ref())
    });
    restate_in_place(&mut hunks, &texts, (original, make), detail, &mut result);
    // Every step left in a hunk is now part of one change, and no change
    // holds more than two: room for that many changes is allocated once,
    // and never more than twice what is used, as growing would leave it.
    let unpaired = hunks.iter().map(|h| h.removed.len() + h.added.len()).sum();
    result.changes.reserve_exact(unpaired);
    pair_moves(&mut hunks, &texts, original, make, &mut result);
    for hunk in &mut hunks {
        let edited = (EDITED, false);
        pair_edits(hunk, &texts, (original, make), edited, detail, &mut result);
    }
    // What is left of every hunk, in order, in the first hunk's lists.
    let mut hunks = hunks.into_iter();
    let mut leftover = hunks.next().unwrap_or_default();
    for hunk in hunks {
        leftover.removed.extend(hunk.removed);
        leftover.added.extend(hunk.added);
    }
    if !leftover.removed.is_empty() && !leftover.added.is_empty() {
        texts.cut_rest(&leftover);
    }
    let edited_and_moved = (EDITED_AND_MOVED, true);
    pair_edits(
        &mut leftover,
        &texts,
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
    keys: &Texts<'_>,
    (original, make): (&[Step], &[Step]),
    detail: StepDetail,
    result: &mut StepDiff,
) {
    for hunk in hunks.iter_mut() {
        let mut next = 0;
        let mut pairs = Vec::new();
        for &o in &hunk.removed {
            if let Some(offset) = hunk.added[next..].iter().position(|&m| keys.same_key(o, m)) {
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
    keys: &Texts<'_>,
    original: &[Step],
    make: &[Step],
    result: &mut StepDiff,
) {
    // Only steps with as many words as one on the other side can share its
    // key: the others are never folded.
    let mut removed_words = WordCounts::default();
    for hunk in hunks.iter() {
        for &o in &hunk.removed {
            removed_words.insert(keys.words(true, o));
        }
    }
    let mut added_words = WordCounts::default();
    let mut candidates = Vec::new();
    for hunk in hunks.iter() {
        for &m in hunk.added.iter().rev() {
            let words = keys.words(false, m);
            if removed_words.contains(words) {
                added_words.insert(words);
                candidates.push(m);
            }
        }
    }
    let mut partners = MovePartners::new(candidates, keys);
    let mut moved_to = HashMap::new();
    for hunk in hunks.iter_mut() {
        hunk.removed.retain(|&o| {
            if !added_words.contains(keys.words(true, o)) {
                return true;
            }
            match partners.take(o, keys) {
                Some(m) => {
                    moved_to.insert(m, o);
                    false
                }
                None => true,
            }
        });
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

/// A set of word counts: most steps have fewer than 128 words, kept as
/// bits without allocating; longer ones in a table.
#[derive(Default)]
struct WordCounts {
    short: u128,
    long: HashSet<usize, FixedState>,
}

impl WordCounts {
    fn insert(&mut self, words: usize) {
        match u32::try_from(words).ok().and_then(|w| 1u128.checked_shl(w)) {
            Some(bit) => self.short |= bit,
            None => {
                self.long.insert(words);
            }
        }
    }

    fn contains(&self, words: usize) -> bool {
        match u32::try_from(words).ok().and_then(|w| 1u128.checked_shl(w)) {
            Some(bit) => self.short & bit != 0,
            None => self.long.contains(&words),
        }
    }
}

/// Up to this many added steps that may be a moved step's new place are
/// each compared with the removed steps; past it, they are looked up by
/// key.
const SCANNED_MOVE_CANDIDATES: usize = 32;

/// The added steps a removed step may have moved to, each taken at most
/// once: of those with its key, the last offered.
enum MovePartners<'k> {
    /// Few: each removed step is compared with them, last first, which
    /// rules most out by their word bags without folding either text.
    Scanned(Vec<usize>),
    /// Many: by key, each key's steps in the order offered.
    ByKey(HashMap<&'k str, Vec<usize>, FixedState>),
}

impl<'k> MovePartners<'k> {
    fn new(candidates: Vec<usize>, keys: &'k Texts<'_>) -> Self {
        if candidates.len() <= SCANNED_MOVE_CANDIDATES {
            MovePartners::Scanned(candidates)
        } else {
            Self::by_key(candidates, keys)
        }
    }

    fn by_key(candidates: Vec<usize>, keys: &'k Texts<'_>) -> Self {
        let mut by_key: HashMap<&str, Vec<usize>, FixedState> = HashMap::default();
        for m in candidates {
            by_key.entry(keys.key(false, m)).or_default().push(m);
        }
        MovePartners::ByKey(by_key)
    }

    /// The added step removed step `o` moved to, if any is left.
    fn take(&mut self, o: usize, keys: &'k Texts<'_>) -> Option<usize> {
        match self {
            MovePartners::Scanned(candidates) => {
                let at = candidates.iter().rposition(|&m| keys.same_key(o, m))?;
                Some(candidates.remove(at))
            }
            MovePartners::ByKey(by_key) => by_key.get_mut(keys.key(true, o)).and_then(Vec::pop),
        }
    }
}

/// Pairs removed and added steps whose words are alike enough into edits.
fn pair_edits(
    hunk: &mut Hunk,
    texts: &Texts<'_>,
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
                let score = texts.similarity(o, m);
                if score >= threshold {
                    candidates.push((score, o, m));
                }
            }
        }
        candidates.sort_by(|a, b| b.0.total_cmp(&a.0).then((a.1, a.2).cmp(&(b.1, b.2))));
    } else if !moved {
        for (&o, &m) in hunk.removed.iter().zip(&hunk.added) {
            let score = texts.similarity(o, m);
            if score >= threshold {
                candidates.push((score, o, m));
            }
        }
    }
    for (_, o, m) in candidates {
        if !(hunk.removed.contains(&o) && hunk.added.contains(&m)) {
            continue;
        }
        hunk.removed.retain(|&r| r != o);
        hunk.added.retain(|&a| a != m);
        result.changes.push(StepChange::Edited(EditedStep {
            original_index: o,
            make_index: m,
            original: original[o].clone(),
            make: make[m].clone(),
            words: match detail {
                StepDetail::Words => {
                    texts.word_changes((o, &original[o].step_text), (m, &make[m].step_text))
                }
                StepDetail::Alignment => Vec::new(),
            },
            moved,
        }));
    }
}

/// Word-level changes from `before` to `after`, in runs.
pub(crate) fn word_changes(before: &str, after: &str) -> Vec<WordChange> {
    word_changes_of(
        &Tokens::new(before).view(),
        &Tokens::new(after).view(),
        &mut Vec::new(),
    )
}

/// [`word_changes`] of two texts already cut into tokens.
///
/// The same edit script as `capture_diff_slices(Algorithm::Myers, ..)`
/// (Myers with `similar`'s heuristics, then its compaction), read as the
/// compaction hands it over rather than captured into ops first: the
/// runs are built without the two op lists in between.
///
/// `ops` is room for the edit script, kept between calls.
fn word_changes_of(
    old: &TokenView<'_, '_>,
    new: &TokenView<'_, '_>,
    ops: &mut Vec<myers::Op>,
) -> Vec<WordChange> {
    let mut runs = WordRuns::new(old, new);
    if myers::compacted_in(old.pieces, new.pieces, ops) {
        // An op makes at most one run: room for them all at once.
        runs.runs.reserve_exact(ops.len());
        myers::replay(ops, &mut runs);
        return runs.runs;
    }
    let mut hook = Compact::new(runs, old.pieces, new.pieces);
    match similar::algorithms::myers::diff_deadline(
        &mut hook,
        old.pieces,
        0..old.pieces.len(),
        new.pieces,
        0..new.pieces.len(),
        None,
    ) {
        Ok(()) => hook.into_inner().runs,
        Err(never) => match never {},
    }
}

/// Word runs built from an edit script of tokens as it arrives.
///
/// Between two equal stretches the deletions are gathered into one and the
/// insertions into another, and the deleted text is told before the
/// inserted, as `similar`'s `Replace` hook orders them: the runs are those
/// of its replace ops, without building the ops.
struct WordRuns<'t, 'a> {
    old: &'t TokenView<'t, 'a>,
    new: &'t TokenView<'t, 'a>,
    runs: Vec<WordChange>,
    /// Deleted tokens not yet told, as (first index, count).
    deleted: Option<(usize, usize)>,
    /// Inserted tokens not yet told, as (first index, count).
    inserted: Option<(usize, usize)>,
}

impl<'t, 'a> WordRuns<'t, 'a> {
    fn new(old: &'t TokenView<'t, 'a>, new: &'t TokenView<'t, 'a>) -> Self {
        WordRuns {
            old,
            new,
            runs: Vec::new(),
            deleted: None,
            inserted: None,
        }
    }

    /// Appends `text` to the last run when it is of the same kind, else
    /// starts a run. Tokens are consecutive pieces of their text, so the
    /// tokens of one op are one slice of it: appended at once, not a token
    /// at a time.
    fn emit(&mut self, op: WordOp, text: &str) {
        if text.is_empty() {
            return;
        }
        match self.runs.last_mut() {
            Some(run) if run.op == op => run.text.push_str(text),
            _ => self.runs.push(WordChange {
                op,
                text: text.to_owned(),
            }),
        }
    }

    /// Tells the gathered deletion, then the gathered insertion.
    fn flush_changes(&mut self) {
        if let Some((start, len)) = self.deleted.take() {
            let text = self.old.text_of(start..start + len);
            self.emit(WordOp::Delete, text);
        }
        if let Some((start, len)) = self.inserted.take() {
            let text = self.new.text_of(start..start + len);
            self.emit(WordOp::Insert, text);
        }
    }
}

/// Adds `len` items to a gathered stretch, or starts one at `start`.
fn gather(stretch: &mut Option<(usize, usize)>, start: usize, len: usize) {
    *stretch = Some(match *stretch {
        Some((first, count)) => (first, count + len),
        None => (start, len),
    });
}

impl DiffHook for WordRuns<'_, '_> {
    type Error = Infallible;

    fn equal(&mut self, old_index: usize, _new_index: usize, len: usize) -> Result<(), Infallible> {
        self.flush_changes();
        let text = self.old.text_of(old_index..old_index + len);
        self.emit(WordOp::Equal, text);
        Ok(())
    }

    fn delete(&mut self, old_index: usize, old_len: usize, _: usize) -> Result<(), Infallible> {
        gather(&mut self.deleted, old_index, old_len);
        Ok(())
    }

    fn insert(&mut self, _: usize, new_index: usize, new_len: usize) -> Result<(), Infallible> {
        gather(&mut self.inserted, new_index, new_len);
        Ok(())
    }

    fn finish(&mut self) -> Result<(), Infallible> {
        self.flush_changes();
        Ok(())
    }
}

/// A text cut into words and the whitespace between them (as
/// `char::is_whitespace` has it), in order: together they are the text,
/// so word runs rebuild both sides exactly.
struct Tokens<'a> {
    text: &'a str,
    pieces: Vec<&'a str>,
    /// Whether the first piece is whitespace; the pieces alternate.
    space_first: bool,
}

impl<'a> Tokens<'a> {
    fn new(text: &'a str) -> Self {
        let mut pieces = Vec::with_capacity(pieces_room_for(text));
        // The word bag is cut too, but word runs never read it.
        let cut = cut_into(text, &mut pieces, &mut Vec::new());
        Tokens {
            text,
            pieces,
            space_first: cut.space_first,
        }
    }

    /// The tokens, to read.
    fn view(&self) -> TokenView<'_, 'a> {
        TokenView {
            text: self.text,
            pieces: &self.pieces,
            space_first: self.space_first,
        }
    }

    /// [`TokenView::key`].
    #[cfg(test)]
    fn key(&self) -> String {
        self.view().key()
    }
}

/// The tokens of a text cut at `cut` into `pieces`.
fn view<'t, 'a>(text: &'a str, cut: &Cut, pieces: &'t [&'a str]) -> TokenView<'t, 'a> {
    TokenView {
        text,
        pieces: pieces.get(cut.pieces.clone()).unwrap_or_default(),
        space_first: cut.space_first,
    }
}

/// A text's tokens, wherever they are kept: what word runs and keys read.
struct TokenView<'t, 'a> {
    text: &'a str,
    pieces: &'t [&'a str],
    /// Whether the first piece is whitespace; the pieces alternate.
    space_first: bool,
}

impl<'a> TokenView<'_, 'a> {
    /// The words, each folded as `char::to_lowercase` folds it, joined by
    /// single spaces, with no final full stop: [`step_key`] from the
    /// pieces already cut.
    fn key(&self) -> String {
        let mut key = String::with_capacity(self.text.len());
        for word in self.words() {
            if !key.is_empty() {
                key.push(' ');
            }
            if word.is_ascii() {
                let start = key.len();
                key.push_str(word);
                if let Some(added) = key.get_mut(start..) {
                    added.make_ascii_lowercase();
                }
            } else {
                key.extend(word.chars().flat_map(char::to_lowercase));
            }
        }
        while key.ends_with('.') {
            key.pop();
        }
        key
    }

    /// The pieces that are words, `split_whitespace`'s.
    fn words(&self) -> impl Iterator<Item = &'a str> + '_ {
        self.pieces
            .iter()
            .skip(usize::from(self.space_first))
            .step_by(2)
            .copied()
    }

    /// The pieces in `range` together: one slice of the text.
    fn text_of(&self, range: std::ops::Range<usize>) -> &'a str {
        let (Some(first), Some(last)) = (
            self.pieces.get(range.start),
            range
                .end
                .checked_sub(1)
                .and_then(|end| self.pieces.get(end)),
        ) else {
            return "";
        };
        // Each piece is a slice of the text: where it starts is how far
        // its first byte is from the text's.
        let offset =
            |piece: &str| (piece.as_ptr() as usize).wrapping_sub(self.text.as_ptr() as usize);
        let (from, to) = (offset(first), offset(last) + last.len());
        if from < to {
            self.text.get(from..to).unwrap_or_default()
        } else {
            ""
        }
    }
}

/// Words and the whitespace between them, in order.
#[cfg(test)]
fn tokens(text: &str) -> Vec<&str> {
    Tokens::new(text).pieces
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn steps(texts: &[&str]) -> Vec<Step> {
        texts
            .iter()
            .enumerate()
            .map(|(i, t)| Step {
                step_id: Some(i as i64 + 1),
                step_text: (*t).into(),
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
            [StepChange::Removed { original_index: 1, step }] if &*step.step_text == PIE[1]
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
    fn full_stops_alone_fold_like_nothing() {
        // Both fold to the empty key though one has a word and one none.
        for (before, after) in [(".", ""), ("...", "  "), ("", ".")] {
            let diff = diff_steps(
                &steps(&["Boil", before, "Serve"]),
                &steps(&["Boil", after, "Serve"]),
                StepDetail::Words,
            );
            assert!(diff.changes.is_empty(), "{before:?}: {:?}", diff.changes);
            assert_eq!(diff.restated.len(), 1);
        }
        let moved = diff_steps(
            &steps(&[".", "Boil", "Serve"]),
            &steps(&["Boil", "Serve", ""]),
            StepDetail::Words,
        );
        assert!(
            matches!(moved.changes.as_slice(), [StepChange::Moved(_)]),
            "{:?}",
            moved.changes
        );
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
            let unicode_path = reference_key(text);
            assert_eq!(ascii_step_key(text.as_bytes()), unicode_path, "{text:?}");
        }
        assert_eq!(step_key("Crème BRÛLÉE"), "crème brûlée");
    }

    /// A step key by the plain Unicode route: words lowercased, joined by
    /// one space, final full stops dropped.
    fn reference_key(text: &str) -> String {
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
    }

    #[test]
    fn keys_from_tokens_are_step_keys() {
        for text in [
            "Stir in the PURÉE\u{a0} gently.",
            "  Crème\tBRÛLÉE .. ",
            "\u{b}Fold\u{2003}in ... the \"flour\"\u{85}",
            "ÀÉÎ.",
            "…",
            "",
            " . ",
        ] {
            let expected = reference_key(text);
            assert_eq!(Tokens::new(text).key(), expected, "{text:?}");
            assert_eq!(step_key(text), expected, "{text:?}");
        }
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

    /// Words whose keys and bags collide in every way the folding allows:
    /// case, final full stops, a word of full stops, punctuation inside.
    fn collider_text() -> impl Strategy<Value = String> {
        let word = prop::sample::select(vec![
            "Stir", "stir", "STIR.", "stir..", ".", "..", "a-b", "A-B.", "(a-b)", "x", "X!",
        ]);
        let space = prop::sample::select(vec![" ", "  ", "\t"]);
        prop::collection::vec((word, space), 0..6).prop_map(|words| {
            words
                .into_iter()
                .map(|(word, space)| format!("{word}{space}"))
                .collect::<String>()
                .trim_end()
                .to_owned()
        })
    }

    /// The texts of `original` and `make` cut up as one hunk of them all.
    fn texts_of<'a>(original: &'a [Step], make: &'a [Step]) -> (Texts<'a>, Vec<Hunk>) {
        let hunks = vec![Hunk {
            removed: (0..original.len()).collect(),
            added: (0..make.len()).collect(),
        }];
        let texts = Texts::new(&hunks, |original_side, i| {
            let steps = if original_side { original } else { make };
            steps.get(i).map(|step| step.step_text.as_ref())
        });
        (texts, hunks)
    }

    fn steps_of(texts: &[String]) -> Vec<Step> {
        texts
            .iter()
            .map(|text| Step {
                step_id: None,
                step_text: text.clone().into(),
            })
            .collect()
    }

    proptest! {
        /// Comparing bags first never says two steps differ that fold to
        /// one key.
        #[test]
        fn same_key_is_key_equality(a in collider_text(), b in collider_text()) {
            let (original, make) = (steps_of(std::slice::from_ref(&a)), steps_of(std::slice::from_ref(&b)));
            let (texts, _) = texts_of(&original, &make);
            prop_assert_eq!(texts.same_key(0, 0), step_key(&a) == step_key(&b));
        }

        /// A step's words are counted alike whether it is cut or not, so a
        /// step left uncut is told apart from the others as a cut one is.
        #[test]
        fn words_count_alike_cut_or_not(text in collider_text(), unicode in "[ \u{a0}a-zé.]{0,12}") {
            for text in [text.clone(), format!("{text}{unicode}")] {
                let (mut pieces, mut bags) = (Vec::new(), Vec::new());
                let cut = cut_into(&text, &mut pieces, &mut bags);
                prop_assert_eq!(word_count(&text), cut_words(&text, &cut, &pieces));
            }
        }

        /// Scanning the candidates and looking them up by key take the same
        /// partner for every removed step.
        #[test]
        fn scanned_and_keyed_moves_agree(
            removed in prop::collection::vec(collider_text(), 0..8),
            added in prop::collection::vec(collider_text(), 0..8),
        ) {
            let (original, make) = (steps_of(&removed), steps_of(&added));
            let (texts, _) = texts_of(&original, &make);
            let candidates: Vec<usize> = (0..make.len()).rev().collect();
            let mut scanned = MovePartners::Scanned(candidates.clone());
            let mut keyed = MovePartners::by_key(candidates, &texts);
            for o in 0..original.len() {
                let by_scan = scanned.take(o, &texts);
                // A lookup by key asks only of steps with as many words.
                let by_key = keyed.take(o, &texts);
                prop_assert_eq!(by_scan, by_key, "removed step {}", o);
            }
        }
    }

    #[test]
    fn beyond_ascii_bags_do_not_rule_keys_out() {
        // `İ` lowercases to `i` and a combining dot, which a bag trims.
        let (original, make) = (
            steps_of(&["İ".to_owned()]),
            steps_of(&["i\u{307}".to_owned()]),
        );
        let (texts, _) = texts_of(&original, &make);
        assert_eq!(step_key("İ"), step_key("i\u{307}"));
        assert!(texts.same_key(0, 0));
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
