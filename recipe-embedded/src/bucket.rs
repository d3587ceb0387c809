//! [`LocalBucket`]: a directory that behaves like an S3 bucket.
//!
//! A key is a relative path with `/` separators (`makes/pie-1.json` is the
//! file `ROOT/makes/pie-1.json`). Files people drop by hand are objects as
//! soon as they appear; a copy made with `mv` (a rename) appears whole,
//! while `cp` writes in place, so a watcher may meet a half-written file,
//! whose etag then changes once more when the copy completes.
//!
//! Rules that keep the directory honest:
//!
//! - keys that could leave the directory or mean something else on disk
//!   (`..`, `.`, empty segments, a leading `/`, backslashes, NUL) are
//!   refused with [`Error::Refused`];
//! - names starting with `.` are hidden: listings skip them (our temporary
//!   files, editors' swap files, `.DS_Store`, `.git`), and keys with such a
//!   segment are refused, so whatever `put` writes, `list` shows;
//! - `put` writes a hidden temporary file beside the target, flushes it to
//!   disk and renames it into place, so a reader sees the old body or the
//!   new one, never a mixture, and a crash leaves no half-written object;
//! - the etag is the first 128 bits of the body's SHA-256, in hex: the
//!   length and look of S3's single-part MD5 etag, computed from the bytes
//!   actually read, so a hand-dropped file gets the same etag as the same
//!   body written by `put`.
//!
//! Listings do not re-read unchanged files: the bucket remembers each
//! file's size and modification time (to the nanosecond) with the etag
//! they were read with (its fingerprint), and reads a file again only when
//! either changed, or when the time was too close to the moment of reading
//! to prove anything (see [`RACY_WINDOW`]). An idle poll of a large bucket
//! then costs one `stat` a file instead of one read and one SHA-256.
//!
//! [`changes`] adds the bucket's own event mode: filesystem notifications
//! as a [`ChangeFeed`](recipe_ports::ChangeFeed), so the watcher hears of
//! a dropped file at once instead of at its next listing.

pub mod changes;

use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::ops::Bound;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use async_trait::async_trait;
use recipe_ports::{Error, Result};
use recipe_ports::{ListPage, ListRequest, Object, ObjectInfo, ObjectStore};
use sha2::{Digest, Sha256};

/// The backend name our errors carry.
const BACKEND: &str = "bucket directory";

/// S3's longest key, in bytes.
const MAX_KEY_BYTES: usize = 1024;

/// S3's largest listing page.
const MAX_KEYS: usize = 1000;

/// How close to the moment a file was read its modification time may be
/// for the read to count as proof of the content at that time.
///
/// This is git's "racy clean" problem: a file's time has the resolution of
/// the filesystem's clock (a kernel tick on ext4, whole seconds on some
/// network and FAT filesystems, two seconds on FAT), so a write landing in
/// the same tick as our read, after it, leaves size and time as they were.
/// A fingerprint taken when the file's time was at least this far in the
/// past is trusted; a younger one makes the next listing read the file
/// again, and that later read is then old enough to trust.
pub const RACY_WINDOW: Duration = Duration::from_secs(2);

/// What a listing remembers of a file, to know without reading it that it
/// has not changed.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Fingerprint {
    /// Its size, from `stat`.
    size: u64,
    /// Its modification time, from `stat`, to the nanosecond the
    /// filesystem keeps.
    modified: SystemTime,
    /// The etag of the body read after that `stat`.
    etag: String,
    /// Whether `modified` was at least [`RACY_WINDOW`] old when the body
    /// was read, so that a change after the read must have moved it.
    trusted: bool,
}

/// What listings know of the bucket's files, by key, shared by the clones
/// of one [`LocalBucket`].
#[derive(Debug, Default)]
struct Fingerprints {
    /// Ordered by key, as listings walk them, so the stretch of keys one
    /// page covered can be pruned of files that are gone.
    by_key: Mutex<BTreeMap<String, Fingerprint>>,
    /// How many files listings have read to learn their etags.
    content_reads: AtomicU64,
}

/// A bucket kept in a local directory.
#[derive(Debug, Clone)]
pub struct LocalBucket {
    name: String,
    /// Shared with the blocking tasks that do the file I/O.
    root: Arc<PathBuf>,
    /// Lets listings skip reading files that have not changed.
    fingerprints: Arc<Fingerprints>,
}

impl LocalBucket {
    /// The bucket `name` (what claim checks carry) kept in the directory
    /// `root`, which is created when missing. Blocks on that one
    /// `create_dir_all`: call it at startup.
    pub fn open(name: impl Into<String>, root: impl Into<PathBuf>) -> Result<Self> {
        let root = root.into();
        fs::create_dir_all(&root).map_err(|e| io_error(&root, &e))?;
        Ok(LocalBucket {
            name: name.into(),
            root: Arc::new(root),
            fingerprints: Arc::default(),
        })
    }

    /// The directory the objects are kept in.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// How many files listings of this bucket (and its clones) have read
    /// and hashed to learn their etags since it was opened. An unchanged
    /// file is read at most until its fingerprint is trusted, so over an
    /// idle bucket this stops growing: what tests and benchmarks check.
    pub fn content_reads(&self) -> u64 {
        self.fingerprints.content_reads.load(Ordering::Relaxed)
    }

    /// Runs blocking file work on tokio's blocking pool.
    async fn blocking<T, F>(&self, work: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Path) -> Result<T> + Send + 'static,
    {
        let root = Arc::clone(&self.root);
        tokio::task::spawn_blocking(move || work(&root))
            .await
            .unwrap_or_else(|join| {
                Err(Error::Unavailable {
                    backend: BACKEND,
                    message: format!("file task did not finish: {join}"),
                })
            })
    }
}

/// Checks that `key` names a file inside the bucket, and turns it into that
/// file's path under `root`.
fn key_path(root: &Path, key: &str) -> Result<PathBuf> {
    let refuse = |why: &str| Error::Refused {
        backend: BACKEND,
        message: format!("key {key:?} {why}"),
    };
    if key.is_empty() {
        return Err(refuse("is empty"));
    }
    if key.len() > MAX_KEY_BYTES {
        return Err(refuse("is longer than 1024 bytes"));
    }
    if key.contains('\0') {
        return Err(refuse("contains NUL"));
    }
    if key.contains('\\') {
        return Err(refuse("contains a backslash"));
    }
    if key.starts_with('/') {
        return Err(refuse("is absolute"));
    }
    let mut path = root.to_path_buf();
    for segment in key.split('/') {
        match segment {
            "" => return Err(refuse("has an empty path segment")),
            "." | ".." => return Err(refuse("has a `.` or `..` segment")),
            hidden if hidden.starts_with('.') => {
                return Err(refuse(
                    "has a segment starting with `.`, which the bucket keeps hidden",
                ));
            }
            _ => path.push(segment),
        }
    }
    Ok(path)
}

/// The etag of `body`: the first 16 bytes of its SHA-256, in lowercase hex.
pub fn etag(body: &[u8]) -> String {
    Sha256::digest(body)
        .iter()
        .take(16)
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// An object's description from its bytes.
fn info(key: String, body: &[u8]) -> ObjectInfo {
    ObjectInfo {
        key,
        etag: etag(body),
        size: body.len() as u64,
    }
}

/// Sorts I/O failures: permissions and paths that clash with a file or a
/// directory will not fix themselves; the rest may.
fn io_error(path: &Path, error: &io::Error) -> Error {
    let message = format!("{}: {error}", path.display());
    match error.kind() {
        io::ErrorKind::PermissionDenied
        | io::ErrorKind::NotADirectory
        | io::ErrorKind::IsADirectory
        | io::ErrorKind::AlreadyExists
        | io::ErrorKind::ReadOnlyFilesystem => Error::Refused {
            backend: BACKEND,
            message,
        },
        _ => Error::Unavailable {
            backend: BACKEND,
            message,
        },
    }
}

/// Whether a read failed because there is no such object: nothing there, a
/// directory there, or a file where the path needs a directory.
fn is_absent(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::NotFound | io::ErrorKind::NotADirectory | io::ErrorKind::IsADirectory
    )
}

/// Reads the object at `key`, `None` when there is none.
fn read_object(root: &Path, key: String) -> Result<Option<Object>> {
    let path = key_path(root, &key)?;
    match fs::read(&path) {
        Ok(body) => Ok(Some(Object {
            info: info(key, &body),
            body,
        })),
        Err(e) if is_absent(&e) => Ok(None),
        Err(e) => Err(io_error(&path, &e)),
    }
}

/// Makes temporary names unique among this process's concurrent writes;
/// the process id keeps them apart from other processes'.
static TEMPORARY_FILES: AtomicU64 = AtomicU64::new(0);

/// Writes `body` at `key` atomically.
fn write_object(root: &Path, key: String, body: &[u8]) -> Result<ObjectInfo> {
    let path = key_path(root, &key)?;
    // `key_path` refused empty keys, so the path has a parent below root.
    let parent = path.parent().unwrap_or(root);
    fs::create_dir_all(parent).map_err(|e| io_error(parent, &e))?;
    let temporary = parent.join(format!(
        ".recipe-put-{}-{}.tmp",
        std::process::id(),
        TEMPORARY_FILES.fetch_add(1, Ordering::Relaxed)
    ));
    let written = write_then_rename(&temporary, &path, body);
    if written.is_err() {
        // Best effort: a leftover is hidden from listings anyway.
        let _ = fs::remove_file(&temporary);
    }
    written.map_err(|e| io_error(&path, &e))?;
    // The rename is durable only once the directory is flushed; until then
    // a crash could bring the old object back after we said it was stored.
    File::open(parent)
        .and_then(|directory| directory.sync_all())
        .map_err(|e| io_error(parent, &e))?;
    Ok(info(key, body))
}

fn write_then_rename(temporary: &Path, path: &Path, body: &[u8]) -> io::Result<()> {
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(temporary)?;
    file.write_all(body)?;
    // Data on disk before the name: otherwise a crash after the rename
    // could leave an empty file under the real key.
    file.sync_all()?;
    drop(file);
    fs::rename(temporary, path)
}

/// Collects the keys under `directory` (whose keys start with
/// `directory_key`) that start with `prefix` and sort after `after`.
///
/// Directories that cannot hold such a key are not entered: the prefix
/// prunes by name, and a directory whose every key sorts before `after`
/// is skipped, so resuming near the end of a dated layout stays cheap.
fn collect_keys(
    directory: &Path,
    directory_key: &str,
    prefix: &str,
    after: Option<&str>,
    keys: &mut Vec<String>,
) -> Result<()> {
    let entries = match fs::read_dir(directory) {
        Ok(entries) => entries,
        // Removed while we walked: it holds nothing now.
        Err(e) if is_absent(&e) => return Ok(()),
        Err(e) => return Err(io_error(directory, &e)),
    };
    for entry in entries {
        let entry = entry.map_err(|e| io_error(directory, &e))?;
        let file_name = entry.file_name();
        let Some(name) = file_name.to_str() else {
            tracing::warn!(
                directory = %directory.display(),
                name = ?file_name,
                "skipping a file whose name is not UTF-8: it cannot be a key"
            );
            continue;
        };
        if name.starts_with('.') {
            continue;
        }
        if name.contains('\\') {
            tracing::warn!(directory = %directory.display(), name, "skipping a name with a backslash: it cannot be a key");
            continue;
        }
        let key = format!("{directory_key}{name}");
        let file_type = entry.file_type().map_err(|e| io_error(&entry.path(), &e))?;
        // A symbolic link counts as what it points to, except that linked
        // directories are not followed: they could loop or leave the root.
        let (is_file, is_directory) = if file_type.is_symlink() {
            match fs::metadata(entry.path()) {
                Ok(target) => (target.is_file(), false),
                Err(_) => (false, false),
            }
        } else {
            (file_type.is_file(), file_type.is_dir())
        };
        if is_directory {
            let child = format!("{key}/");
            let may_match = child.starts_with(prefix) || prefix.starts_with(&child);
            let all_before =
                after.is_some_and(|after| child.as_str() < after && !after.starts_with(&child));
            if may_match && !all_before {
                collect_keys(&entry.path(), &child, prefix, after, keys)?;
            }
        } else if is_file
            && key.starts_with(prefix)
            && after.is_none_or(|after| key.as_str() > after)
            && key.len() <= MAX_KEY_BYTES
        {
            keys.push(key);
        }
    }
    Ok(())
}

/// One page of the listing: walks the tree for matching keys, sorts them
/// by bytes, and describes only the page's files, reading those whose
/// fingerprint does not vouch for them.
fn list_page(
    root: &Path,
    fingerprints: &Fingerprints,
    prefix: &str,
    after: Option<&str>,
    max_keys: usize,
) -> Result<ListPage> {
    let mut keys = Vec::new();
    collect_keys(root, "", prefix, after, &mut keys)?;
    // `str` order is byte order, which is S3's.
    keys.sort_unstable();
    let truncated = keys.len() > max_keys;
    keys.truncate(max_keys);
    let continuation = if truncated {
        keys.last().cloned()
    } else {
        None
    };
    forget_missing(fingerprints, &keys, prefix, after, continuation.as_deref());
    let mut objects = Vec::with_capacity(keys.len());
    for key in keys {
        // A file removed since the walk is simply not listed.
        if let Some(object) = describe(root, fingerprints, key)? {
            objects.push(object);
        }
    }
    Ok(ListPage {
        objects,
        continuation,
    })
}

/// Forgets the fingerprints of files that are gone: every remembered key
/// in the stretch this page covered (after `after`, up to `last` or to the
/// end, under `prefix`) that the walk did not find. `found` is sorted.
fn forget_missing(
    fingerprints: &Fingerprints,
    found: &[String],
    prefix: &str,
    after: Option<&str>,
    last: Option<&str>,
) {
    let mut by_key = fingerprints
        .by_key
        .lock()
        .unwrap_or_else(PoisonError::into_inner);
    let lower = after.map_or(Bound::Unbounded, Bound::Excluded);
    let upper = last.map_or(Bound::Unbounded, Bound::Included);
    let gone: Vec<String> = by_key
        .range::<str, _>((lower, upper))
        .map(|(key, _)| key)
        .filter(|key| key.starts_with(prefix) && found.binary_search(key).is_err())
        .cloned()
        .collect();
    for key in gone {
        by_key.remove(&key);
    }
}

/// Describes the file at `key` for a listing: from its fingerprint when
/// `stat` shows it unchanged and the fingerprint is trusted, else by
/// reading and hashing it. `None` when there is no such file any more.
fn describe(root: &Path, fingerprints: &Fingerprints, key: String) -> Result<Option<ObjectInfo>> {
    let path = key_path(root, &key)?;
    let metadata = match fs::metadata(&path) {
        Ok(metadata) => metadata,
        Err(e) if is_absent(&e) => return Ok(None),
        Err(e) => return Err(io_error(&path, &e)),
    };
    // Filesystems without modification times give no way to skip a read.
    let modified = metadata.modified().ok();
    if let Some(modified) = modified {
        let by_key = fingerprints
            .by_key
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(known) = by_key.get(&key)
            && known.trusted
            && known.size == metadata.len()
            && known.modified == modified
        {
            return Ok(Some(ObjectInfo {
                etag: known.etag.clone(),
                size: known.size,
                key,
            }));
        }
    }
    // Taken before the read: a write during the read moves the time on
    // from what we remember, so the next listing reads the file again.
    let read_at = SystemTime::now();
    let body = match fs::read(&path) {
        Ok(body) => body,
        Err(e) if is_absent(&e) => return Ok(None),
        Err(e) => return Err(io_error(&path, &e)),
    };
    fingerprints.content_reads.fetch_add(1, Ordering::Relaxed);
    let object = info(key, &body);
    if let Some(modified) = modified {
        let old_enough = read_at
            .duration_since(modified)
            .is_ok_and(|age| age >= RACY_WINDOW);
        let fingerprint = Fingerprint {
            size: metadata.len(),
            modified,
            etag: object.etag.clone(),
            // A body whose length is not what `stat` said was being
            // written while we looked: remember it, trust it not.
            trusted: old_enough && object.size == metadata.len(),
        };
        fingerprints
            .by_key
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(object.key.clone(), fingerprint);
    }
    Ok(Some(object))
}

#[async_trait]
impl ObjectStore for LocalBucket {
    fn bucket(&self) -> &str {
        &self.name
    }

    /// The continuation token is the last key of the page; when one is
    /// given, `start_after` is ignored, as in S3.
    async fn list(&self, request: ListRequest<'_>) -> Result<ListPage> {
        let prefix = request.prefix.to_owned();
        let after = request
            .continuation
            .or(request.start_after)
            .map(str::to_owned);
        let max_keys = request
            .max_keys
            .map_or(MAX_KEYS, |max| usize::try_from(max).unwrap_or(MAX_KEYS))
            .min(MAX_KEYS);
        let fingerprints = Arc::clone(&self.fingerprints);
        self.blocking(move |root| {
            list_page(root, &fingerprints, &prefix, after.as_deref(), max_keys)
        })
        .await
    }

    async fn get(&self, key: &str) -> Result<Option<Object>> {
        let key = key.to_owned();
        self.blocking(move |root| read_object(root, key)).await
    }

    async fn put(&self, key: &str, body: Vec<u8>) -> Result<ObjectInfo> {
        let key = key.to_owned();
        self.blocking(move |root| write_object(root, key, &body))
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_stay_inside_the_root() {
        let root = Path::new("/data/bucket");
        assert_eq!(
            key_path(root, "makes/pie 1.json").unwrap(),
            Path::new("/data/bucket/makes/pie 1.json")
        );
        for bad in [
            "",
            "/etc/passwd",
            "../outside",
            "makes/../../outside",
            "makes/./a.json",
            "makes//a.json",
            "makes/",
            "makes\\..\\a.json",
            "makes/a\0.json",
            "makes/.hidden.json",
            ".recipe-put-1-1.tmp",
        ] {
            assert!(
                matches!(key_path(root, bad), Err(Error::Refused { .. })),
                "{bad:?} must be refused"
            );
        }
        assert!(key_path(root, &"a".repeat(1025)).is_err());
        assert!(key_path(root, "makes/a..b.json").is_ok());
    }

    #[test]
    fn etags_look_like_s3_md5_etags() {
        let tag = etag(b"one");
        assert_eq!(tag.len(), 32);
        assert!(
            tag.bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        );
        assert_ne!(tag, etag(b"two"));
    }

    /// Sets the modification time of the file at `path` to `ago` before now.
    fn age(path: &Path, ago: Duration) {
        let file = File::options().write(true).open(path).unwrap();
        file.set_modified(SystemTime::now() - ago).unwrap();
    }

    async fn keys_and_etags(bucket: &LocalBucket, max_keys: u32) -> Vec<(String, String)> {
        let mut listed = Vec::new();
        let mut continuation = None;
        loop {
            let page = bucket
                .list(ListRequest {
                    continuation: continuation.as_deref(),
                    max_keys: Some(max_keys),
                    ..ListRequest::default()
                })
                .await
                .unwrap();
            listed.extend(page.objects.into_iter().map(|o| (o.key, o.etag)));
            match page.continuation {
                Some(next) => continuation = Some(next),
                None => return listed,
            }
        }
    }

    #[tokio::test]
    async fn a_poll_reads_no_unchanged_file() {
        let dir = tempfile::tempdir().unwrap();
        let bucket = LocalBucket::open("b", dir.path()).unwrap();
        let old = Duration::from_secs(60);
        for i in 0..5 {
            bucket
                .put(
                    &format!("makes/{i}.json"),
                    format!("{{\"n\": {i}}}").into_bytes(),
                )
                .await
                .unwrap();
            age(&dir.path().join(format!("makes/{i}.json")), old);
        }
        // Pages of two: each page prunes only its own stretch of keys.
        let first = keys_and_etags(&bucket, 2).await;
        assert_eq!(first.len(), 5);
        assert_eq!(bucket.content_reads(), 5, "the first poll reads every file");
        assert_eq!(keys_and_etags(&bucket, 2).await, first);
        assert_eq!(keys_and_etags(&bucket, 1000).await, first);
        assert_eq!(
            bucket.content_reads(),
            5,
            "unchanged files are not read again"
        );

        // Rewritten with a body of the same length: the time gives it away.
        let changed = dir.path().join("makes/2.json");
        fs::write(&changed, "{\"n\": 7}").unwrap();
        age(&changed, Duration::from_secs(30));
        let second = keys_and_etags(&bucket, 1000).await;
        assert_eq!(bucket.content_reads(), 6, "only the changed file is read");
        assert_eq!(second[2].1, etag(b"{\"n\": 7}"));
        assert_eq!(second[3], first[3]);

        // A file written just now could change again within the same tick
        // of the filesystem's clock: it is read on every poll until its time
        // is old enough to vouch for it.
        let fresh = dir.path().join("makes/fresh.json");
        fs::write(&fresh, "{}").unwrap();
        keys_and_etags(&bucket, 1000).await;
        keys_and_etags(&bucket, 1000).await;
        assert_eq!(bucket.content_reads(), 8);
        age(&fresh, old);
        keys_and_etags(&bucket, 1000).await;
        keys_and_etags(&bucket, 1000).await;
        assert_eq!(bucket.content_reads(), 9);

        // A removed file's fingerprint is forgotten.
        fs::remove_file(dir.path().join("makes/0.json")).unwrap();
        assert_eq!(keys_and_etags(&bucket, 2).await.len(), 5);
        let remembered = bucket.fingerprints.by_key.lock().unwrap();
        assert!(!remembered.contains_key("makes/0.json"));
        assert_eq!(remembered.len(), 5);
    }

    #[test]
    fn a_racy_fingerprint_is_not_trusted() {
        let dir = tempfile::tempdir().unwrap();
        let fingerprints = Fingerprints::default();
        fs::write(dir.path().join("a"), "one").unwrap();
        describe(dir.path(), &fingerprints, "a".into()).unwrap();
        let known = fingerprints.by_key.lock().unwrap()["a"].clone();
        assert!(!known.trusted, "written within RACY_WINDOW of the read");
        assert_eq!(
            describe(dir.path(), &fingerprints, "gone".into()).unwrap(),
            None
        );
    }
}
