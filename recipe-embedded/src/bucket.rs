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

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

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

/// A bucket kept in a local directory.
#[derive(Debug, Clone)]
pub struct LocalBucket {
    name: String,
    /// Shared with the blocking tasks that do the file I/O.
    root: Arc<PathBuf>,
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
        })
    }

    /// The directory the objects are kept in.
    pub fn root(&self) -> &Path {
        &self.root
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
/// by bytes, and reads only the page's files for their etags.
fn list_page(root: &Path, prefix: &str, after: Option<&str>, max_keys: usize) -> Result<ListPage> {
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
    let mut objects = Vec::with_capacity(keys.len());
    for key in keys {
        // A file removed since the walk is simply not listed.
        if let Some(object) = read_object(root, key)? {
            objects.push(object.info);
        }
    }
    Ok(ListPage {
        objects,
        continuation,
    })
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
        self.blocking(move |root| list_page(root, &prefix, after.as_deref(), max_keys))
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
}
