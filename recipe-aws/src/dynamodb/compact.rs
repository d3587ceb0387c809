//! Compact items: a make compressed against the recipe version it was
//! cooked from, an aggregate compressed alone.
//!
//! A make record is the make as cooked, its differences from the version
//! (restatements included) and the flat list of those differences: JSON
//! of 7 KB for a make of a 12-ingredient, 10-step recipe, 14 write units
//! in the make's transaction. Almost all of it repeats the version's
//! recipe, which the table already holds, once, in the version's item. So
//! the record is compressed with zstd using that item's `doc` (the recipe
//! as its JSON text, exactly as stored) as the dictionary: the same make
//! then takes under 900 bytes, within the 1 KiB of one write unit.
//!
//! The dictionary is the stored text, not the recipe serialized again,
//! so a later change to how a recipe serializes never makes an old make
//! unreadable: a version's item is written once and never changed. Its
//! digest is kept in the make item (`zd`), so a make read against any
//! other text is refused as corrupt rather than read as garbage. Makes of
//! a version with no version item (recipes stored before versions that
//! never had a version 2) are stored as JSON text, as every make was
//! before; both forms are read.
//!
//! An aggregate shard (counts and sums per ingredient, step, change and
//! day, the newest makes, the makes while there are few) is rewritten in
//! every make's transaction, so its size is paid on every make; its JSON
//! is compressed alone ([`compress_alone`]), about four times smaller.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use sha2::{Digest, Sha256};

/// The attribute holding the compressed record.
pub(super) const COMPRESSED_ATTRIBUTE: &str = "z";
/// The attribute holding the digest of the dictionary it was compressed
/// with.
pub(super) const DICTIONARY_ATTRIBUTE: &str = "zd";

/// zstd's level: past 6 the make grows no smaller (753 bytes at 6, 736 at
/// 19 for the typical make) and compressing takes three to fifteen times
/// as long.
const LEVEL: i32 = 6;

/// No record decompresses to more than this: the largest recipe the
/// server takes, its make and their differences are far smaller, so a
/// frame claiming more is corrupt.
const MAX_RECORD_BYTES: usize = 64 * 1024 * 1024;

/// How many versions' dictionaries a store keeps in memory: a version's
/// text never changes, so one read serves every make of it after.
const CACHED_DICTIONARIES: usize = 1024;

/// The text of a version's item, the dictionary of its makes.
#[derive(Debug)]
pub(super) struct Dictionary {
    text: Vec<u8>,
    digest: [u8; 8],
}

impl Dictionary {
    /// The dictionary of a version item's `doc`.
    pub(super) fn new(text: &str) -> Self {
        let digest = Sha256::digest(text.as_bytes());
        let mut short = [0u8; 8];
        short.copy_from_slice(&digest[..8]);
        Dictionary {
            text: text.as_bytes().to_vec(),
            digest: short,
        }
    }

    /// The digest a make item records.
    pub(super) fn digest(&self) -> &[u8; 8] {
        &self.digest
    }

    /// `record` (JSON) compressed.
    pub(super) fn compress(&self, record: &[u8]) -> std::io::Result<Vec<u8>> {
        let mut compressor = zstd::bulk::Compressor::with_dictionary(LEVEL, &self.text)?;
        // The size goes in the frame, so reading knows what to allocate;
        // the dictionary digest is ours, so zstd's own id is left out.
        compressor.include_contentsize(true)?;
        compressor.include_checksum(true)?;
        compressor.include_dictid(false)?;
        compressor.compress(record)
    }

    /// A record compressed with the dictionary whose digest is `digest`.
    pub(super) fn decompress(&self, frame: &[u8], digest: &[u8]) -> Result<Vec<u8>, String> {
        if digest != self.digest {
            return Err(
                "it was compressed against another text of its version than the one stored"
                    .to_owned(),
            );
        }
        let size = frame_size(frame)?;
        let mut decompressor = zstd::bulk::Decompressor::with_dictionary(&self.text)
            .map_err(|e| format!("the dictionary does not load: {e}"))?;
        decompressor
            .decompress(frame, size)
            .map_err(|e| format!("its compressed record does not decompress: {e}"))
    }
}

/// `document` (JSON) compressed with no dictionary.
pub(super) fn compress_alone(document: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut compressor = zstd::bulk::Compressor::new(LEVEL)?;
    compressor.include_contentsize(true)?;
    compressor.include_checksum(true)?;
    compressor.compress(document)
}

/// A document compressed by [`compress_alone`].
pub(super) fn decompress_alone(frame: &[u8]) -> Result<Vec<u8>, String> {
    let size = frame_size(frame)?;
    zstd::bulk::decompress(frame, size).map_err(|e| format!("it does not decompress: {e}"))
}

/// The size a frame says it decompresses to, refused past
/// [`MAX_RECORD_BYTES`].
fn frame_size(frame: &[u8]) -> Result<usize, String> {
    let size = match zstd::zstd_safe::get_frame_content_size(frame) {
        Ok(Some(size)) => size,
        Ok(None) => return Err("its compressed record does not say its size".to_owned()),
        Err(_) => return Err("its compressed record is not a zstd frame".to_owned()),
    };
    usize::try_from(size)
        .ok()
        .filter(|&size| size <= MAX_RECORD_BYTES)
        .ok_or_else(|| format!("its compressed record claims {size} bytes"))
}

/// A version: its recipe's id and its number.
type VersionKey = (i64, i64);

/// The dictionaries read so far, by recipe and version; clones share it.
#[derive(Debug, Clone, Default)]
pub(super) struct Dictionaries {
    known: Arc<Mutex<HashMap<VersionKey, Arc<Dictionary>>>>,
}

impl Dictionaries {
    /// The dictionary of version `version` of recipe `recipe_id`, if read
    /// before.
    pub(super) fn get(&self, recipe_id: i64, version: i64) -> Option<Arc<Dictionary>> {
        self.known
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&(recipe_id, version))
            .cloned()
    }

    /// Keeps `dictionary` for version `version` of recipe `recipe_id`.
    pub(super) fn keep(&self, recipe_id: i64, version: i64, dictionary: Arc<Dictionary>) {
        let mut known = self.known.lock().unwrap_or_else(PoisonError::into_inner);
        // Simpler than an LRU and as good here: a server's working set is
        // the latest versions of the recipes being cooked, read again at
        // once.
        if known.len() >= CACHED_DICTIONARIES {
            known.clear();
        }
        known.insert((recipe_id, version), dictionary);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const VERSION: &str = r#"{"recipeName":"Apple Pie","ingredients":[{"ingredientName":"apples","quantity":5}],"steps":[{"stepId":1,"stepText":"Gather ingredients and pre heat the oven"}]}"#;
    const RECORD: &str = r#"{"recipeId":1,"makeId":7,"recipe":{"recipeName":"Apple Pie","ingredients":[{"ingredientName":"apples","quantity":6}],"steps":[{"stepId":1,"stepText":"Gather ingredients and pre heat the oven"}]}}"#;

    #[test]
    fn a_record_reads_back_with_its_dictionary() {
        let dictionary = Dictionary::new(VERSION);
        let frame = dictionary.compress(RECORD.as_bytes()).expect("compresses");
        assert!(frame.len() < RECORD.len() / 2, "{} bytes", frame.len());
        let back = dictionary
            .decompress(&frame, dictionary.digest())
            .expect("decompresses");
        assert_eq!(back, RECORD.as_bytes());
    }

    #[test]
    fn another_text_of_the_version_is_refused() {
        let dictionary = Dictionary::new(VERSION);
        let frame = dictionary.compress(RECORD.as_bytes()).expect("compresses");
        let other = Dictionary::new(&VERSION.replace("apples", "pears"));
        let refused = other
            .decompress(&frame, dictionary.digest())
            .expect_err("another text");
        assert!(refused.contains("another text"), "{refused}");
    }

    #[test]
    fn a_damaged_frame_is_refused_not_read() {
        let dictionary = Dictionary::new(VERSION);
        let mut frame = dictionary.compress(RECORD.as_bytes()).expect("compresses");
        let middle = frame.len() / 2;
        frame[middle] ^= 0x55;
        assert!(dictionary.decompress(&frame, dictionary.digest()).is_err());
        assert!(
            dictionary
                .decompress(b"not zstd", dictionary.digest())
                .is_err()
        );
        assert!(dictionary.decompress(&[], dictionary.digest()).is_err());
    }

    #[test]
    fn a_document_reads_back_compressed_alone() {
        let frame = compress_alone(RECORD.as_bytes()).expect("compresses");
        assert_eq!(
            decompress_alone(&frame).expect("decompresses"),
            RECORD.as_bytes()
        );
        assert!(decompress_alone(b"plain").is_err());
    }

    #[test]
    fn the_cache_forgets_everything_when_full_and_goes_on() {
        let cache = Dictionaries::default();
        for version in 0..CACHED_DICTIONARIES as i64 {
            cache.keep(1, version, Arc::new(Dictionary::new(VERSION)));
        }
        assert!(cache.get(1, 0).is_some());
        cache.keep(2, 1, Arc::new(Dictionary::new(VERSION)));
        assert!(cache.get(1, 0).is_none());
        assert!(cache.get(2, 1).is_some());
    }
}
