//! A copy made under a temporary name beside its target and renamed into
//! place once complete, so a crash or a failure never leaves half a
//! database under the name asked for.

use std::fs::File;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use super::BackupError;

/// The files SQLite may create beside a database it writes: a copy's
/// leftovers are these too.
const SQLITE_SIDE_FILES: [&str; 3] = ["-journal", "-wal", "-shm"];

/// A file being written under a temporary name; removed, with SQLite's
/// files beside it, unless [`Partial::place`] moved it into place.
#[derive(Debug)]
pub(crate) struct Partial {
    path: PathBuf,
    placed: bool,
}

impl Partial {
    /// The temporary file for `target`: `<target>.partial`, in the same
    /// directory, so the final rename stays on one file system and is
    /// atomic. What an interrupted earlier run left there is removed
    /// first: a stale `-journal` beside it would otherwise be rolled back
    /// into the new copy.
    pub(crate) fn beside(target: &Path) -> Result<Self, BackupError> {
        let mut name = target
            .file_name()
            .map(std::ffi::OsStr::to_os_string)
            .unwrap_or_default();
        name.push(".partial");
        let partial = Partial {
            path: target.with_file_name(name),
            placed: false,
        };
        partial.remove_files()?;
        Ok(partial)
    }

    /// Where the copy is being written.
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// Makes the copy durable, then renames it to `target` (replacing
    /// what is there) and makes the rename durable.
    pub(crate) fn place(mut self, target: &Path) -> Result<(), BackupError> {
        let written = |e: std::io::Error, path: &Path| BackupError::Write {
            path: path.to_path_buf(),
            message: e.to_string(),
        };
        File::open(&self.path)
            .and_then(|file| file.sync_all())
            .map_err(|e| written(e, &self.path))?;
        std::fs::rename(&self.path, target).map_err(|e| written(e, target))?;
        self.placed = true;
        // Without this, a power cut right after the rename may find the
        // directory without the new name. Some file systems cannot sync a
        // directory; the rename itself is done, so that is no failure.
        let _ = File::open(directory_of(target)).and_then(|dir| dir.sync_all());
        Ok(())
    }

    /// Removes the file and SQLite's files beside it; gone already is fine.
    fn remove_files(&self) -> Result<(), BackupError> {
        for path in std::iter::once(self.path.clone()).chain(side_files(&self.path)) {
            match std::fs::remove_file(&path) {
                Err(e) if e.kind() != ErrorKind::NotFound => {
                    return Err(BackupError::Write {
                        path,
                        message: format!("cannot remove a leftover temporary file: {e}"),
                    });
                }
                _ => {}
            }
        }
        Ok(())
    }
}

impl Drop for Partial {
    fn drop(&mut self) {
        if !self.placed {
            // Best effort: the error that got us here is the one to report.
            let _ = self.remove_files();
        }
    }
}

/// SQLite's `-journal`, `-wal` and `-shm` files of the database at `path`.
pub(crate) fn side_files(path: &Path) -> impl Iterator<Item = PathBuf> + '_ {
    SQLITE_SIDE_FILES.iter().map(move |suffix| {
        let mut name = path.as_os_str().to_os_string();
        name.push(suffix);
        PathBuf::from(name)
    })
}

/// The directory `path` is in; `.` for a bare file name.
pub(crate) fn directory_of(path: &Path) -> &Path {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unplaced_copy_and_its_journal_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("backup.sqlite3");
        let partial = Partial::beside(&target).unwrap();
        assert_eq!(partial.path(), dir.path().join("backup.sqlite3.partial"));
        std::fs::write(partial.path(), b"half").unwrap();
        std::fs::write(dir.path().join("backup.sqlite3.partial-journal"), b"j").unwrap();
        drop(partial);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn leftovers_of_an_earlier_run_are_cleared_and_a_placed_copy_stays() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("backup.sqlite3");
        std::fs::write(dir.path().join("backup.sqlite3.partial-journal"), b"stale").unwrap();
        let partial = Partial::beside(&target).unwrap();
        assert!(!dir.path().join("backup.sqlite3.partial-journal").exists());
        std::fs::write(partial.path(), b"whole").unwrap();
        partial.place(&target).unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"whole");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_bare_file_name_is_in_the_current_directory() {
        assert_eq!(directory_of(Path::new("backup.db")), Path::new("."));
        assert_eq!(directory_of(Path::new("/tmp/backup.db")), Path::new("/tmp"));
    }
}
