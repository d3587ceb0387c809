//! [`restore_from`]: a backup checked, copied into a data directory and
//! migrated, all or nothing.

use std::io::ErrorKind;
use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, ErrorCode, OpenFlags};

use super::online::copy;
use super::partial::{Partial, side_files};
use super::{
    BackupError, BackupOptions, RecordCounts, RestoreOptions, RestoreReport, count_records,
    has_table, schema_version,
};
use crate::database::{DATABASE_FILE_NAME, SCHEMA_VERSION, migrate};
use crate::lock::{DatabaseLock, LockFailure};

/// How many of `PRAGMA integrity_check`'s problems an error quotes.
const PROBLEMS_QUOTED: usize = 5;

/// Restores the backup `file` as the database of `data_dir`, creating the
/// directory when missing, and answers what the restored database holds.
///
/// In order: `file` must be a database this build can read (a recipe
/// database whose schema is not newer than [`SCHEMA_VERSION`]); `data_dir`
/// must hold no database, or [`RestoreOptions::force`] must be given and
/// no process may have that database open (see [`crate::lock`]: the
/// exclusive lock taken here is held to the end, so no `recipe up` opens
/// it meanwhile either); `PRAGMA integrity_check` must find `file` intact.
/// Then `file` is copied beside the database as `recipe.sqlite3.partial`,
/// migrated to this build's schema as [`Database::open`] would, made
/// durable and renamed into place. The replaced database's `-wal` and
/// `-shm` files go first: SQLite would otherwise replay the old database's
/// log into the new one.
///
/// The bucket directory is not touched: see [the module](super).
///
/// [`Database::open`]: crate::Database::open
pub fn restore_from(
    file: &Path,
    data_dir: &Path,
    options: &RestoreOptions,
) -> Result<RestoreReport, BackupError> {
    // Declared before the connection, so dropped after it, on every path.
    let _untouched = LeftAsFound::note(file);
    let source = open_backup(file)?;
    let schema_version_found = check_schema(&source, file)?;

    let database = data_dir.join(DATABASE_FILE_NAME);
    let exists = || database.symlink_metadata().is_ok();
    // Without `force`, an existing database is the answer, in use or not.
    if !options.force && exists() {
        return Err(BackupError::DatabaseExists { path: database });
    }
    // Before the integrity check, which reads the whole file: a database
    // in use is refused at once. A directory still to be created has no
    // database, and only gets one once the backup is known to be intact.
    let early = if data_dir.is_dir() {
        Some(lock_exclusively(&database)?)
    } else {
        None
    };
    check_integrity(&source, file)?;
    std::fs::create_dir_all(data_dir).map_err(|e| BackupError::Write {
        path: data_dir.to_path_buf(),
        message: e.to_string(),
    })?;
    let in_use = match early {
        Some(lock) => lock,
        None => lock_exclusively(&database)?,
    };
    // Again under the lock: a first `recipe up` may have created it since.
    let replaced = exists();
    if replaced && !options.force {
        return Err(BackupError::DatabaseExists { path: database });
    }

    let partial = Partial::beside(&database)?;
    // The file is nobody's to write: copy it in big steps, without pauses.
    let pace = BackupOptions {
        pages_per_step: 4096,
        pause: Duration::ZERO,
        ..BackupOptions::default()
    };
    copy(&source, file, partial.path(), &pace, &mut |_| {})?;
    drop(source);
    let (migrated, records) = migrate_copy(partial.path())?;
    if replaced {
        remove_side_files(&database)?;
    }
    partial.place(&database)?;
    drop(in_use);
    Ok(RestoreReport {
        database,
        replaced,
        schema_version_found,
        schema_version: SCHEMA_VERSION,
        migrated,
        records,
    })
}

/// The exclusive lock on `database`: no process has it open, and none
/// opens it until the lock is dropped.
fn lock_exclusively(database: &Path) -> Result<DatabaseLock, BackupError> {
    DatabaseLock::exclusive(database).map_err(|failure| match failure {
        LockFailure::Held => BackupError::InUse {
            path: database.to_path_buf(),
        },
        LockFailure::Io(path, e) => BackupError::Write {
            path,
            message: e.to_string(),
        },
    })
}

/// The backup, opened read-only: a restore never changes its input.
fn open_backup(file: &Path) -> Result<Connection, BackupError> {
    match std::fs::metadata(file) {
        Ok(metadata) if metadata.is_file() => {}
        Ok(_) => {
            return Err(BackupError::Read {
                path: file.to_path_buf(),
                message: "not a file".to_owned(),
            });
        }
        Err(e) => {
            return Err(BackupError::Read {
                path: file.to_path_buf(),
                message: e.to_string(),
            });
        }
    }
    Connection::open_with_flags(
        file,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| unreadable(file, &e))
}

/// The backup's schema version, when this build can read it.
fn check_schema(source: &Connection, file: &Path) -> Result<u32, BackupError> {
    let found = schema_version(source).map_err(|e| unreadable(file, &e))?;
    if found > SCHEMA_VERSION {
        return Err(BackupError::NewerSchema {
            path: file.to_path_buf(),
            found,
            supported: SCHEMA_VERSION,
        });
    }
    let ours = found >= 1
        && has_table(source, "recipes").map_err(|e| unreadable(file, &e))?
        && has_table(source, "makes").map_err(|e| unreadable(file, &e))?;
    if !ours {
        return Err(BackupError::NotARecipeDatabase {
            path: file.to_path_buf(),
        });
    }
    Ok(found)
}

/// `PRAGMA integrity_check` on the backup: every page, index and
/// constraint, so a damaged backup is refused before it replaces
/// anything.
fn check_integrity(source: &Connection, file: &Path) -> Result<(), BackupError> {
    let problems: Vec<String> = source
        .prepare("PRAGMA integrity_check")
        .and_then(|mut statement| {
            statement
                .query_map([], |row| row.get(0))?
                .collect::<rusqlite::Result<_>>()
        })
        .map_err(|e| unreadable(file, &e))?;
    if problems.len() == 1 && problems.first().is_some_and(|line| line == "ok") {
        return Ok(());
    }
    // One line: a problem may span several (`*** in database main ***`).
    let mut quoted = problems
        .iter()
        .take(PROBLEMS_QUOTED)
        .map(|problem| problem.lines().collect::<Vec<_>>().join(" "))
        .collect::<Vec<_>>()
        .join("; ");
    if problems.len() > PROBLEMS_QUOTED {
        quoted.push_str(&format!(" (and {} more)", problems.len() - PROBLEMS_QUOTED));
    }
    Err(BackupError::Damaged {
        path: file.to_path_buf(),
        problems: quoted,
    })
}

/// Brings the copy at `partial` to this build's schema, in rollback
/// mode so that it stays one file, and counts what it holds.
fn migrate_copy(
    partial: &Path,
) -> Result<(recipe_ports::records::MigrationReport, RecordCounts), BackupError> {
    let written = |message: String| BackupError::Write {
        path: partial.to_path_buf(),
        message,
    };
    let mut connection = Connection::open(partial).map_err(|e| written(e.to_string()))?;
    connection
        .pragma_update_and_check(None, "journal_mode", "DELETE", |row| {
            row.get::<_, String>(0)
        })
        .map_err(|e| written(e.to_string()))?;
    let migrated = migrate(&mut connection)
        .map_err(|failure| written(failure.into_error(partial).to_string()))?;
    let records = count_records(&connection).map_err(|e| written(e.to_string()))?;
    connection
        .close()
        .map_err(|(_, e)| written(e.to_string()))?;
    Ok((migrated, records))
}

/// Removes the `-wal`, `-shm` and `-journal` files of the database being
/// replaced; gone already is fine.
fn remove_side_files(database: &Path) -> Result<(), BackupError> {
    for path in side_files(database) {
        match std::fs::remove_file(&path) {
            Err(e) if e.kind() != ErrorKind::NotFound => {
                return Err(BackupError::Write {
                    path,
                    message: e.to_string(),
                });
            }
            _ => {}
        }
    }
    Ok(())
}

/// Removes the `-wal` and `-shm` files that reading a backup created
/// beside it, when dropped: SQLite creates them to read a file marked for
/// WAL (a plain copy of a stopped database), even read-only, and a
/// restore leaves its input as it found it.
struct LeftAsFound {
    created: Vec<std::path::PathBuf>,
}

impl LeftAsFound {
    /// Notes which of `file`'s side files are not there yet.
    fn note(file: &Path) -> Self {
        LeftAsFound {
            created: side_files(file)
                .filter(|path| path.symlink_metadata().is_err())
                .collect(),
        }
    }
}

impl Drop for LeftAsFound {
    fn drop(&mut self) {
        for path in &self.created {
            // Best effort: a leftover empty index file harms nothing.
            let _ = std::fs::remove_file(path);
        }
    }
}

/// What SQLite said reading the backup, as the error about that file.
fn unreadable(file: &Path, error: &rusqlite::Error) -> BackupError {
    let path = file.to_path_buf();
    match error.sqlite_error_code() {
        Some(ErrorCode::NotADatabase) => BackupError::NotADatabase {
            path,
            message: error.to_string(),
        },
        Some(ErrorCode::DatabaseCorrupt) => BackupError::Damaged {
            path,
            problems: error.to_string(),
        },
        _ => BackupError::Read {
            path,
            message: error.to_string(),
        },
    }
}
