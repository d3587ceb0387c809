//! [`backup_to`]: a consistent copy of a database that stays in use.

use std::ffi::c_int;
use std::path::{Path, PathBuf};

use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection, ErrorCode, OpenFlags};

use super::partial::{Partial, directory_of, side_files};
use super::{
    BackupError, BackupOptions, BackupReport, Progress, RecordCounts, count_records, schema_version,
};
use crate::database::DATABASE_FILE_NAME;
use crate::lock::{DatabaseLock, LockFailure, lock_path};

/// Copies the database of `data_dir` to `file`, a page step at a time
/// while other processes keep using it, and answers what the copy holds.
///
/// The copy is the database as it was when the copy began: one read
/// transaction spans every step, and in WAL mode (which every
/// [`Database`](crate::Database) uses) a reader neither blocks the writer
/// nor sees its later commits. `progress` hears after each step how many
/// pages are copied. The copy is written as `FILE.partial` beside `file`,
/// made durable and renamed into place at the end, in rollback-journal
/// mode so that it is one self-contained file.
///
/// Refuses an existing `file` unless [`BackupOptions::force`], and a
/// `file` that is the database itself or one of SQLite's files beside it.
pub fn backup_to(
    data_dir: &Path,
    file: &Path,
    options: &BackupOptions,
    progress: &mut dyn FnMut(Progress),
) -> Result<BackupReport, BackupError> {
    let database = data_dir.join(DATABASE_FILE_NAME);
    if !database.is_file() {
        return Err(BackupError::NoDatabase { path: database });
    }
    refuse_same_file(&database, file)?;
    refuse_existing(file, options.force)?;
    let directory = directory_of(file);
    if !directory.is_dir() {
        return Err(BackupError::Write {
            path: directory.to_path_buf(),
            message: "no such directory".to_owned(),
        });
    }
    // Held until the copy is in place: a restore does not swap the
    // database from under us meanwhile.
    let _in_use = DatabaseLock::shared(&database).map_err(|failure| match failure {
        LockFailure::Held => BackupError::BeingRestored {
            path: database.clone(),
        },
        LockFailure::Io(path, e) => BackupError::Read {
            path,
            message: e.to_string(),
        },
    })?;

    let source = open_source(&database)?;
    let read = |e: rusqlite::Error| BackupError::Read {
        path: database.clone(),
        message: e.to_string(),
    };
    let mode: String = source
        .pragma_query_value(None, "journal_mode", |row| row.get(0))
        .map_err(read)?;
    if mode.eq_ignore_ascii_case("wal") {
        // The snapshot every step copies from. In WAL mode a reader holds
        // up no writer; in rollback mode it would block every commit for
        // the whole copy, so there we let SQLite restart the copy when
        // the database changes instead.
        source
            .execute_batch("BEGIN")
            .and_then(|()| source.query_row("SELECT count(*) FROM sqlite_schema", [], |_| Ok(())))
            .map_err(read)?;
    }

    let partial = Partial::beside(file)?;
    copy(&source, &database, partial.path(), options, progress)?;
    // Ends the read transaction, if any: the writer's checkpoints may go
    // past our snapshot again.
    drop(source);
    let (schema_version, records) = settle(partial.path())?;
    // Again, right before the rename: a file created during the copy is
    // not replaced without `force` either.
    refuse_existing(file, options.force)?;
    partial.place(file)?;
    let bytes = std::fs::metadata(file)
        .map_err(|e| BackupError::Read {
            path: file.to_path_buf(),
            message: e.to_string(),
        })?
        .len();
    Ok(BackupReport {
        file: file.to_path_buf(),
        bytes,
        schema_version,
        records,
    })
}

/// A connection that reads the database and never writes it. Opened
/// read-write, as WAL readers must be to share the index file, without
/// creating anything; `query_only` refuses writes.
fn open_source(database: &Path) -> Result<Connection, BackupError> {
    let read = |e: rusqlite::Error| BackupError::Read {
        path: database.to_path_buf(),
        message: e.to_string(),
    };
    let connection = Connection::open_with_flags(
        database,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(read)?;
    // The same patience as the pipeline's own connections: a step waits
    // for another process's checkpoint instead of failing.
    connection
        .busy_timeout(std::time::Duration::from_secs(5))
        .and_then(|()| connection.pragma_update(None, "query_only", true))
        .map_err(read)?;
    Ok(connection)
}

/// Runs the online backup from `source` into a new file at `partial`,
/// `options.pages_per_step` pages a step with `options.pause` between.
pub(super) fn copy(
    source: &Connection,
    database: &Path,
    partial: &Path,
    options: &BackupOptions,
    progress: &mut dyn FnMut(Progress),
) -> Result<(), BackupError> {
    let written = |e: rusqlite::Error| BackupError::Write {
        path: partial.to_path_buf(),
        message: e.to_string(),
    };
    let mut destination = Connection::open(partial).map_err(written)?;
    {
        let backup = Backup::new(source, &mut destination).map_err(written)?;
        let pages = c_int::try_from(options.pages_per_step)
            .unwrap_or(c_int::MAX)
            .max(1);
        loop {
            let step = backup
                .step(pages)
                .map_err(|e| step_error(database, partial, &e))?;
            if matches!(step, StepResult::More | StepResult::Done) {
                let now = backup.progress();
                let total = u64::try_from(now.pagecount).unwrap_or_default();
                let remaining = u64::try_from(now.remaining).unwrap_or_default();
                progress(Progress {
                    copied: total.saturating_sub(remaining),
                    total,
                });
            }
            if step == StepResult::Done {
                break;
            }
            // More to copy, or a lock to wait for (Busy, Locked): both
            // leave the disk and the locks to the pipeline for a moment.
            std::thread::sleep(options.pause);
        }
    }
    destination.close().map_err(|(_, e)| written(e))
}

/// A failed step, blamed on the side that failed: damage on the
/// database's, anything else on the copy's (a full disk, a read-only
/// directory), with SQLite's words either way.
fn step_error(database: &Path, partial: &Path, error: &rusqlite::Error) -> BackupError {
    match error.sqlite_error_code() {
        Some(ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase) => BackupError::Damaged {
            path: database.to_path_buf(),
            problems: error.to_string(),
        },
        _ => BackupError::Write {
            path: partial.to_path_buf(),
            message: format!("copying {}: {error}", database.display()),
        },
    }
}

/// Makes the copy one self-contained file and reads what it holds.
///
/// The copy carries the source's header, which says WAL: opened again it
/// would be in WAL mode, and reading it from a read-only place would need
/// `-shm` and `-wal` files beside it. Rollback-journal mode makes it a
/// single file that any SQLite opens as it is; `recipe restore` (or
/// [`Database::open`](crate::Database::open)) turns WAL on again.
fn settle(partial: &Path) -> Result<(u32, RecordCounts), BackupError> {
    let written = |e: rusqlite::Error| BackupError::Write {
        path: partial.to_path_buf(),
        message: e.to_string(),
    };
    let connection = Connection::open(partial).map_err(written)?;
    connection
        .pragma_update_and_check(None, "journal_mode", "DELETE", |row| {
            row.get::<_, String>(0)
        })
        .map_err(written)?;
    let version = schema_version(&connection).map_err(written)?;
    let records = count_records(&connection).map_err(written)?;
    connection.close().map_err(|(_, e)| written(e))?;
    Ok((version, records))
}

/// Refuses `file` when something is there and `force` was not given.
fn refuse_existing(file: &Path, force: bool) -> Result<(), BackupError> {
    if !force && file.symlink_metadata().is_ok() {
        return Err(BackupError::FileExists {
            path: file.to_path_buf(),
        });
    }
    Ok(())
}

/// Refuses a backup `file` that is `database`, one of SQLite's files
/// beside it or its lock file: renaming the copy over one of those would
/// pull the live database from under the pipeline.
fn refuse_same_file(database: &Path, file: &Path) -> Result<(), BackupError> {
    let (Ok(database), Some(target)) = (database.canonicalize(), resolved(file)) else {
        // Nothing to compare: a file in a directory that does not exist
        // fails when it is written, naming that directory.
        return Ok(());
    };
    let mut guarded = std::iter::once(database.clone())
        .chain(side_files(&database))
        .chain(std::iter::once(lock_path(&database)));
    if guarded.any(|path| path == target) {
        return Err(BackupError::SameFile {
            path: file.to_path_buf(),
        });
    }
    Ok(())
}

/// `file` with every symbolic link and relative step resolved: the file
/// itself when it exists, else its directory's resolved path and its name.
fn resolved(file: &Path) -> Option<PathBuf> {
    file.canonicalize().ok().or_else(|| {
        let name = file.file_name()?;
        Some(directory_of(file).canonicalize().ok()?.join(name))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Database;

    #[test]
    fn the_database_and_its_files_are_never_the_backup() {
        let dir = tempfile::tempdir().unwrap();
        let database = Database::open_data_dir(dir.path()).unwrap();
        for name in [
            "recipe.sqlite3",
            "recipe.sqlite3-wal",
            "recipe.sqlite3-shm",
            "recipe.sqlite3-lock",
        ] {
            let error = backup_to(
                dir.path(),
                &dir.path().join(name),
                &BackupOptions::with_force(true),
                &mut |_| {},
            )
            .unwrap_err();
            assert!(
                matches!(error, BackupError::SameFile { .. }),
                "{name}: {error}"
            );
        }
        // Also when named by another path.
        let sideways = dir.path().join(".").join("recipe.sqlite3");
        let error = backup_to(
            dir.path(),
            &sideways,
            &BackupOptions::with_force(true),
            &mut |_| {},
        )
        .unwrap_err();
        assert!(matches!(error, BackupError::SameFile { .. }), "{error}");
        drop(database);
    }

    #[test]
    fn an_existing_file_is_kept_without_force_and_replaced_with_it() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        let database = Database::open_data_dir(&data).unwrap();
        let file = dir.path().join("backup.sqlite3");
        std::fs::write(&file, b"precious").unwrap();

        let error = backup_to(&data, &file, &BackupOptions::default(), &mut |_| {}).unwrap_err();
        assert!(matches!(error, BackupError::FileExists { .. }), "{error}");
        assert!(error.to_string().contains("backup.sqlite3"), "{error}");
        assert_eq!(std::fs::read(&file).unwrap(), b"precious");

        let mut steps = Vec::new();
        let report = backup_to(&data, &file, &BackupOptions::with_force(true), &mut |p| {
            steps.push(p);
        })
        .unwrap();
        assert_eq!(report.bytes, std::fs::metadata(&file).unwrap().len());
        let last = steps.last().copied().unwrap();
        assert_eq!(last.copied, last.total, "the last step copied everything");
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            2,
            "the data directory and the backup, no leftovers"
        );
        drop(database);
    }

    #[test]
    fn a_data_directory_without_a_database_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let error = backup_to(
            dir.path(),
            &dir.path().join("b"),
            &BackupOptions::default(),
            &mut |_| {},
        )
        .unwrap_err();
        assert!(matches!(error, BackupError::NoDatabase { .. }), "{error}");
        assert!(error.to_string().contains("recipe.sqlite3"), "{error}");
        assert!(!dir.path().join("recipe.sqlite3").exists(), "none created");
    }
}
