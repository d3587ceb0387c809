//! Step texts cut into words and the whitespace between them, and each
//! word hashed, folded, into the text's word bag: what alignment compares
//! of the steps it left unpaired, and what word runs are built from.

/// Whether an ASCII byte is whitespace as `char::is_whitespace` (and so
/// `split_whitespace`) has it: tab to carriage return, vertical tab
/// included, and space.
pub(super) const fn is_ascii_space(byte: u8) -> bool {
    matches!(byte, b'\t'..=b'\r' | b' ')
}

/// Room for the pieces of `text` that is nearly always enough: short words
/// (`a`, `to`) fit without growing, and growing costs more than the spare
/// room.
pub(super) fn pieces_room_for(text: &str) -> usize {
    text.len() / 2 + 2
}

/// Room for the word hashes of `text`, as [`pieces_room_for`] has it.
pub(super) fn bag_room_for(text: &str) -> usize {
    text.len() / 4 + 1
}

/// Where one text's tokens were appended by [`cut_into`].
pub(super) struct Cut {
    /// Its pieces, in the pieces buffer.
    pub(super) pieces: std::ops::Range<usize>,
    /// Its word hashes, in text order, in the bag buffer.
    pub(super) bag: std::ops::Range<usize>,
    /// Whether the first piece is whitespace; the pieces alternate.
    pub(super) space_first: bool,
    /// How many pieces are words.
    pub(super) words: usize,
}

/// Cuts `text` into pieces appended to `pieces`, and hashes its words into
/// `bag`.
pub(super) fn cut_into<'a>(text: &'a str, pieces: &mut Vec<&'a str>, bag: &mut Vec<u64>) -> Cut {
    let (pieces_start, bag_start) = (pieces.len(), bag.len());
    let mut words = 0;
    let space_first = char_at(text, 0).0;
    // Whitespace first, when there is, then each word and the whitespace
    // after it, cut off the front of what is left: each cut checks one
    // character boundary, not both ends of a slice of the whole text.
    // ASCII is classed through a table a byte at a time, any other
    // character decoded.
    let mut rest = text;
    if space_first {
        rest = cut_off(rest, space_end(rest, 0), pieces);
    }
    while !rest.is_empty() {
        let (end, hash) = word_end(rest, 0);
        words += 1;
        if let Some(hash) = hash {
            bag.push(hash);
        }
        rest = cut_off(rest, end, pieces);
        if !rest.is_empty() {
            rest = cut_off(rest, space_end(rest, 0), pieces);
        }
    }
    Cut {
        pieces: pieces_start..pieces.len(),
        bag: bag_start..bag.len(),
        space_first,
        words,
    }
}

/// Pushes the first `len` bytes of `rest` to `pieces` and returns the
/// rest after them.
fn cut_off<'a>(rest: &'a str, len: usize, pieces: &mut Vec<&'a str>) -> &'a str {
    // `len` is always a character boundary, where a piece ends.
    let (piece, after) = rest.split_at_checked(len).unwrap_or((rest, ""));
    pieces.push(piece);
    after
}

/// What each byte starts: an ASCII letter or digit, other ASCII that is
/// not whitespace, ASCII whitespace (as `char::is_whitespace` has it: tab
/// to carriage return, and space), or a character beyond ASCII.
const ALNUM: u8 = 0;
const OTHER: u8 = 3;
const SPACE: u8 = 1;
const BEYOND_ASCII: u8 = 2;
const CLASS: [u8; 256] = {
    let mut class = [BEYOND_ASCII; 256];
    let mut byte = 0;
    while byte < 128 {
        class[byte] = if is_ascii_space(byte as u8) {
            SPACE
        } else if (byte as u8).is_ascii_alphanumeric() {
            ALNUM
        } else {
            OTHER
        };
        byte += 1;
    }
    class
};

/// Where the run of whitespace starting at byte `at` ends.
fn space_end(text: &str, mut at: usize) -> usize {
    let bytes = text.as_bytes();
    while let Some(&byte) = bytes.get(at) {
        match CLASS[usize::from(byte)] {
            SPACE => at += 1,
            BEYOND_ASCII => match char_at(text, at) {
                (true, width) => at += width,
                (false, _) => break,
            },
            _ => break,
        }
    }
    at
}

/// Where the word starting at byte `at` ends, and its [`word_hash`].
///
/// An ASCII word is read as runs of letters and digits and runs of other
/// bytes in turn, hashed as it is read from its first letter or digit:
/// the hash after each run of letters and digits is the hash through the
/// last one so far, so no byte has to note it. A word that meets a
/// character beyond ASCII is read again by [`mixed_word_end`].
fn word_end(text: &str, at: usize) -> (usize, Option<u64>) {
    let bytes = text.as_bytes();
    let (mut end, mut hash, mut through_last) = (at, FNV_OFFSET, None);
    loop {
        let run = end;
        while let Some(&byte) = bytes.get(end)
            && CLASS[usize::from(byte)] == ALNUM
        {
            // ASCII letters and digits lower by setting one bit.
            hash = fnv(hash, byte | 0x20);
            end += 1;
        }
        if end > run {
            through_last = Some(hash);
        }
        while let Some(&byte) = bytes.get(end)
            && CLASS[usize::from(byte)] == OTHER
        {
            // Not a letter: lowercase already. Not hashed before the
            // first letter or digit, which trimming drops.
            if through_last.is_some() {
                hash = fnv(hash, byte);
            }
            end += 1;
        }
        match bytes.get(end).map(|&byte| CLASS[usize::from(byte)]) {
            Some(ALNUM) => {}
            Some(BEYOND_ASCII) => return mixed_word_end(text, at),
            _ => return (end, through_last),
        }
    }
}

/// [`word_end`] of a word that may hold characters beyond ASCII: its hash
/// built as the word is scanned, from its first letter or digit to its
/// last, when the word turns out ASCII after all.
fn mixed_word_end(text: &str, mut at: usize) -> (usize, Option<u64>) {
    let bytes = text.as_bytes();
    let start = at;
    let (mut hash, mut through_last, mut started, mut beyond_ascii) = (FNV_OFFSET, 0, false, false);
    while let Some(&byte) = bytes.get(at) {
        match CLASS[usize::from(byte)] {
            ALNUM => {
                // ASCII letters and digits lower by setting one bit.
                hash = fnv(hash, byte | 0x20);
                through_last = hash;
                started = true;
                at += 1;
            }
            OTHER => {
                if started {
                    hash = fnv(hash, byte.to_ascii_lowercase());
                }
                at += 1;
            }
            SPACE => break,
            _ => match char_at(text, at) {
                (true, _) => break,
                (false, width) => {
                    beyond_ascii = true;
                    at += width;
                }
            },
        }
    }
    let hash = if beyond_ascii {
        text.get(start..at).and_then(word_hash)
    } else {
        started.then_some(through_last)
    };
    (at, hash)
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

/// The hash of a word trimmed of what is not a letter or digit at either
/// end; `None` when nothing is left.
pub(super) fn word_hash(word: &str) -> Option<u64> {
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
pub(super) fn folded_word_hash(word: &str) -> u64 {
    word.chars()
        .flat_map(char::to_lowercase)
        .fold(FNV_OFFSET, |hash, c| {
            let mut buffer = [0; 4];
            c.encode_utf8(&mut buffer).bytes().fold(hash, fnv)
        })
}

/// [`folded_word_hash`] of an ASCII word: the same hash, as UTF-8 is
/// ASCII there.
pub(super) fn ascii_folded_hash(word: &[u8]) -> u64 {
    word.iter().fold(FNV_OFFSET, |hash, byte| {
        fnv(hash, byte.to_ascii_lowercase())
    })
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// The pieces, bag and counts of `text` as [`cut_into`] gives them.
    fn cut(text: &str) -> (Vec<&str>, Vec<u64>, bool, usize) {
        let (mut pieces, mut bag) = (Vec::new(), Vec::new());
        let cut = cut_into(text, &mut pieces, &mut bag);
        assert_eq!((cut.pieces, cut.bag), (0..pieces.len(), 0..bag.len()));
        (pieces, bag, cut.space_first, cut.words)
    }
    /// What `cut_into` is to give, the plainest way: split where
    /// `char::is_whitespace` changes, each word trimmed and folded.
    fn reference(text: &str) -> (Vec<&str>, Vec<u64>, bool, usize) {
        let mut pieces = Vec::new();
        let (mut start, mut in_space) = (0, None);
        for (at, c) in text.char_indices() {
            let space = c.is_whitespace();
            if in_space.is_some_and(|previous| previous != space) {
                pieces.push(&text[start..at]);
                start = at;
            }
            in_space = Some(space);
        }
        if start < text.len() {
            pieces.push(&text[start..]);
        }
        let bag = text
            .split_whitespace()
            .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
            .filter(|w| !w.is_empty())
            .map(folded_word_hash)
            .collect();
        let space_first = text.chars().next().is_some_and(char::is_whitespace);
        let words = text.split_whitespace().count();
        (pieces, bag, space_first, words)
    }

    #[test]
    fn texts_are_cut_as_whitespace_splits_them() {
        for text in [
            "Bake  for\t20 minutes.",
            " a",
            "",
            "  (Optional) stir--gently,\tthen SERVE!  ",
            "\u{b}Fold\u{b}in ... the \"flour\"",
            "exactly-eight ch",
            "Stir in the purée\u{a0}gently,\u{b}then\u{c}serve\r\n",
            "crème brûlée\u{2003} à la\tminute ",
            "\u{85}x\u{1c}y",
            "---",
        ] {
            assert_eq!(cut(text), reference(text), "{text:?}");
        }
    }

    #[test]
    fn words_hash_as_they_fold() {
        let hash = ascii_folded_hash;
        assert_eq!(hash(b"ONION"), folded_word_hash("onion"));
        assert_eq!(hash(b"Worcestershire"), folded_word_hash("worcestershire"));
        assert_eq!(folded_word_hash("BRÛLÉE"), folded_word_hash("brûlée"));
        assert_eq!(word_hash("(Onion),"), word_hash("onion"));
        assert_eq!(word_hash("¿Qué?"), word_hash("qué"));
        assert_eq!(word_hash("--"), None);
        // Words one letter apart, or a letter longer, hash apart.
        assert_ne!(hash(b"onion"), hash(b"onions"));
        assert_ne!(hash(b"12345678"), hash(b"12345679"));
        assert_ne!(hash(b"abcdefgh"), hash(b"abcdefgh0"));
    }

    proptest! {
        /// Cutting agrees with the plainest splitting, on texts of words,
        /// every kind of whitespace and punctuation, in any case, with
        /// characters beyond ASCII and without.
        #[test]
        fn cutting_is_splitting_at_whitespace(
            text in "[ \t\n\u{b}\u{c}\ra-zA-Z0-9.,()'-]{0,40}",
            unicode in "[ \u{a0}\u{2003}a-zéÉİß.]{0,20}",
        ) {
            prop_assert_eq!(cut(&text), reference(&text));
            let mixed = format!("{text}{unicode}{text}");
            prop_assert_eq!(cut(&mixed), reference(&mixed));
        }
    }
}
