//! What a backup or a restore can fail with, each naming the file at fault.

use std::path::PathBuf;

/// Why `recipe backup` or `recipe restore` did not complete.
///
/// Every variant names the file it is about, so the one-line message the
/// command prints tells the operator which file to look at. Whatever the
/// failure, nothing half-written is left under the name asked for: copies
/// are made under a temporary name and renamed into place at the end.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BackupError {
    /// The data directory holds no database to back up.
    #[error("{} does not exist: there is no database to back up", path.display())]
    NoDatabase {
        /// Where the database was looked for.
        path: PathBuf,
    },
    /// The backup file exists already, and replacing it was not asked for.
    #[error("{} exists already; --force replaces it", path.display())]
    FileExists {
        /// The backup file.
        path: PathBuf,
    },
    /// The backup would be written over the database it copies, or over
    /// one of SQLite's files beside it.
    #[error("{} is the database being backed up (or one of its files); write the backup elsewhere", path.display())]
    SameFile {
        /// The file named as the backup.
        path: PathBuf,
    },
    /// The data directory holds a database already, and replacing it was
    /// not asked for.
    #[error(
        "{} exists already; --force replaces it (stop every `recipe up` and service using it first)",
        path.display()
    )]
    DatabaseExists {
        /// The database a restore would replace.
        path: PathBuf,
    },
    /// Another process has the database open (a running `recipe up`, or a
    /// service on the same data directory), so it cannot be replaced.
    #[error(
        "{} is open in another process (a running `recipe up` or service): stop it, then restore",
        path.display()
    )]
    InUse {
        /// The database in use.
        path: PathBuf,
    },
    /// A restore is replacing the database right now.
    #[error("{} is being replaced by `recipe restore`; back it up once the restore is done", path.display())]
    BeingRestored {
        /// The database being replaced.
        path: PathBuf,
    },
    /// The file is not an SQLite database at all.
    #[error("{} is not a database: {message}", path.display())]
    NotADatabase {
        /// The file.
        path: PathBuf,
        /// What SQLite said.
        message: String,
    },
    /// The file is an SQLite database, but not one of recipe's.
    #[error("{} is an SQLite database, but not recipe's (it has no recipes or makes tables)", path.display())]
    NotARecipeDatabase {
        /// The file.
        path: PathBuf,
    },
    /// The file was written by a newer build, whose schema this one cannot
    /// read.
    #[error(
        "{} has schema version {found}, newer than this build's {supported}: restore it with a newer recipe",
        path.display()
    )]
    NewerSchema {
        /// The file.
        path: PathBuf,
        /// Its schema version (`PRAGMA user_version`).
        found: u32,
        /// The newest schema version this build reads.
        supported: u32,
    },
    /// `PRAGMA integrity_check` found damage.
    #[error("{} is damaged: {problems}", path.display())]
    Damaged {
        /// The file.
        path: PathBuf,
        /// What the check reported (the first few problems).
        problems: String,
    },
    /// A file could not be read.
    #[error("cannot read {}: {message}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// What SQLite or the OS said.
        message: String,
    },
    /// A file could not be written.
    #[error("cannot write {}: {message}", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// What SQLite or the OS said.
        message: String,
    },
}
