//! Who has a database file open: an advisory lock on a file beside it.
//!
//! Every [`Database`](crate::Database), and every `recipe backup` reading
//! one, holds a *shared* lock for as long as it has the file open; `recipe
//! restore` takes an *exclusive* one before it replaces the file, so it
//! never swaps a database from under a running `recipe up` or service (and
//! a process cannot open a database while a restore is replacing it).
//!
//! The lock is on a file of its own, `recipe.sqlite3-lock`, not on the
//! database: SQLite's POSIX locks on the database are dropped when *any*
//! descriptor of that file in the process is closed, so opening the
//! database a second time only to lock it would break SQLite's own
//! locking. The lock is released by the OS when the process exits, killed
//! or not, so a crash never leaves a stale lock behind.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};

/// The lock file of the database at `database`: its name with `-lock`
/// appended, beside it (as SQLite names its `-wal` and `-shm` files).
pub fn lock_path(database: &Path) -> PathBuf {
    let mut name = database
        .file_name()
        .map(std::ffi::OsStr::to_os_string)
        .unwrap_or_default();
    name.push("-lock");
    database.with_file_name(name)
}

/// A lock held on a database's lock file until dropped.
#[derive(Debug)]
pub(crate) struct DatabaseLock {
    /// Open for as long as the lock is held: closing it releases the lock.
    _file: File,
}

/// Why a lock was not taken.
#[derive(Debug)]
pub(crate) enum LockFailure {
    /// Another holder's lock conflicts with the one asked for.
    Held,
    /// The lock file could not be created, opened or locked.
    Io(PathBuf, std::io::Error),
}

impl DatabaseLock {
    /// A shared lock on `database`'s lock file, for a process that has the
    /// database open. Fails with [`LockFailure::Held`] only while a restore
    /// holds the exclusive lock.
    pub(crate) fn shared(database: &Path) -> Result<Self, LockFailure> {
        Self::take(database, File::try_lock_shared)
    }

    /// The exclusive lock on `database`'s lock file, for a restore that
    /// replaces the database. Fails with [`LockFailure::Held`] while any
    /// process has the database open.
    pub(crate) fn exclusive(database: &Path) -> Result<Self, LockFailure> {
        Self::take(database, File::try_lock)
    }

    fn take(
        database: &Path,
        lock: fn(&File) -> Result<(), TryLockError>,
    ) -> Result<Self, LockFailure> {
        let path = lock_path(database);
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|e| LockFailure::Io(path.clone(), e))?;
        match lock(&file) {
            Ok(()) => Ok(DatabaseLock { _file: file }),
            Err(TryLockError::WouldBlock) => Err(LockFailure::Held),
            Err(TryLockError::Error(e)) => Err(LockFailure::Io(path, e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_locks_coexist_and_exclude_the_exclusive_one() {
        let dir = tempfile::tempdir().unwrap();
        let database = dir.path().join("recipe.sqlite3");
        assert_eq!(lock_path(&database), dir.path().join("recipe.sqlite3-lock"));

        let first = DatabaseLock::shared(&database).unwrap();
        let second = DatabaseLock::shared(&database).unwrap();
        assert!(matches!(
            DatabaseLock::exclusive(&database),
            Err(LockFailure::Held)
        ));
        drop((first, second));

        let exclusive = DatabaseLock::exclusive(&database).unwrap();
        assert!(matches!(
            DatabaseLock::shared(&database),
            Err(LockFailure::Held)
        ));
        drop(exclusive);
        DatabaseLock::shared(&database).unwrap();
    }

    #[test]
    fn a_lock_file_that_cannot_be_created_names_its_path() {
        let dir = tempfile::tempdir().unwrap();
        let database = dir.path().join("missing/recipe.sqlite3");
        match DatabaseLock::shared(&database) {
            Err(LockFailure::Io(path, _)) => assert_eq!(path, lock_path(&database)),
            other => panic!("expected an I/O failure, got {other:?}"),
        }
    }
}
