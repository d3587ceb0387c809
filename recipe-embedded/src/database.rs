//! The SQLite file the queue, the records and the announcement log share.
//!
//! One [`Database`] per process and data directory; the watcher, the sender
//! and the server may each open the same file from their own process. WAL
//! journaling lets readers and one writer work at once, `synchronous=NORMAL`
//! is durable across application crashes (WAL's recommended pairing), and a
//! busy timeout makes a writer wait for another process's transaction
//! instead of failing at once.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use recipe_pipeline::{Error, Result};
use rusqlite::{Connection, ErrorCode, OpenFlags, TransactionBehavior};
use tokio::sync::Notify;

/// The backend name our errors carry.
pub(crate) const BACKEND: &str = "sqlite";

/// The file name [`Database::open_data_dir`] uses inside a data directory.
pub const DATABASE_FILE_NAME: &str = "recipe.sqlite3";

/// How long a statement waits for another process's write lock before it
/// fails with [`Error::Unavailable`]. Our transactions are short, so five
/// seconds only runs out when something is really stuck.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// How much [`Database::probe_write`] writes: one block, so a file system
/// with no block left refuses it (an empty file needs none).
const WRITE_PROBE_BYTES: usize = 4096;

/// The file [`Database::probe_write`] writes, beside the database (where
/// SQLite creates its `-wal` and `-shm` files, and grows).
fn write_probe_path(database: &Path) -> PathBuf {
    let mut name = database
        .file_name()
        .map(std::ffi::OsStr::to_os_string)
        .unwrap_or_default();
    name.push("-write-probe");
    database.with_file_name(name)
}

/// Writes and removes the one-block file at `probe`; the error names it
/// and says what the OS said. Removed even when the write failed half-way,
/// so a full disk is not made fuller by the probe; already gone is fine
/// (another process's probe, outside a transaction, may have removed it).
fn write_beside(probe: &Path) -> Result<(), String> {
    let written = std::fs::write(probe, [0u8; WRITE_PROBE_BYTES]);
    let removed = match std::fs::remove_file(probe) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        other => other,
    };
    written
        .and(removed)
        .map_err(|e| format!("cannot write {}: {e}", probe.display()))
}

/// The schema, one step per version: `PRAGMA user_version` says how many of
/// these a file has had. Steps are only ever appended, never edited, so a
/// file made by an older build migrates forward on open.
const MIGRATIONS: &[&str] = &[
    // 1: queues, records and the watcher's announcements.
    "
    -- Every named queue in one table, so a work queue and its dead-letter
    -- queue live side by side and redrive is an UPDATE of `queue`.
    -- AUTOINCREMENT: a message id is never reused, even after deletes.
    CREATE TABLE messages (
        message_id    INTEGER PRIMARY KEY AUTOINCREMENT,
        queue         TEXT    NOT NULL,
        body          TEXT    NOT NULL,
        sent_at_ms    INTEGER NOT NULL,
        visible_at_ms INTEGER NOT NULL,
        receive_count INTEGER NOT NULL DEFAULT 0,
        receipt       TEXT    UNIQUE,
        reason        TEXT
    );
    CREATE INDEX messages_by_visibility ON messages (queue, visible_at_ms);

    CREATE TABLE recipes (
        recipe_id INTEGER PRIMARY KEY,
        document  TEXT NOT NULL
    );
    -- `seq` is the insertion order that `oldest first` lists by; the
    -- unique pair is what makes a redelivered make a no-op.
    CREATE TABLE makes (
        seq       INTEGER PRIMARY KEY AUTOINCREMENT,
        recipe_id INTEGER NOT NULL,
        make_id   TEXT    NOT NULL,
        document  TEXT    NOT NULL,
        UNIQUE (recipe_id, make_id)
    );
    CREATE TABLE rejections (
        seq         INTEGER PRIMARY KEY AUTOINCREMENT,
        source      TEXT NOT NULL,
        reason      TEXT NOT NULL,
        rejected_at TEXT NOT NULL
    );

    -- `log` names one watcher's memory, so watchers of several buckets can
    -- share a data directory.
    CREATE TABLE announcements (
        log             TEXT    NOT NULL,
        key             TEXT    NOT NULL,
        etag            TEXT    NOT NULL,
        announced_at_ms INTEGER NOT NULL,
        PRIMARY KEY (log, key, etag)
    ) WITHOUT ROWID;
    CREATE TABLE checkpoints (
        log TEXT PRIMARY KEY,
        key TEXT NOT NULL
    ) WITHOUT ROWID;
    ",
];

/// The schema version this build creates and understands (`PRAGMA
/// user_version`).
pub const SCHEMA_VERSION: u32 = MIGRATIONS.len() as u32;

/// An open SQLite database file, shared by the adapters of one process.
///
/// Cloning is cheap and shares the connection. Calls run on tokio's
/// blocking pool, one at a time per `Database` (the connection sits behind
/// a mutex); other processes reach the same file through their own
/// `Database`.
#[derive(Clone, Debug)]
pub struct Database {
    shared: Arc<Shared>,
}

#[derive(Debug)]
struct Shared {
    /// Behind a std mutex because it is only ever locked on the blocking
    /// pool, never across an `.await`.
    connection: Mutex<Connection>,
    /// Where the file is, for error messages.
    path: PathBuf,
    /// Wakes receivers of this process as soon as a message is sent, so a
    /// long poll answers at once instead of at its next look at the file.
    sent: Notify,
}

impl Database {
    /// Opens (creating when missing) the database file at `path`, sets WAL
    /// mode and migrates the schema to [`SCHEMA_VERSION`].
    ///
    /// This blocks on file I/O, so call it at startup (or inside
    /// `spawn_blocking`). A file written by a newer build, with a higher
    /// schema version, is refused rather than misread.
    pub fn open(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref().to_path_buf();
        let mut connection = Connection::open_with_flags(
            &path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| sqlite_error(&path, &e))?;
        configure(&mut connection).map_err(|e| e.into_error(&path))?;
        Ok(Database {
            shared: Arc::new(Shared {
                connection: Mutex::new(connection),
                path,
                sent: Notify::new(),
            }),
        })
    }

    /// Opens [`DATABASE_FILE_NAME`] inside `data_dir`, creating the
    /// directory when missing.
    pub fn open_data_dir(data_dir: impl AsRef<Path>) -> Result<Self> {
        let data_dir = data_dir.as_ref();
        std::fs::create_dir_all(data_dir).map_err(|e| Error::Unavailable {
            backend: BACKEND,
            message: format!("cannot create {}: {e}", data_dir.display()),
        })?;
        Database::open(data_dir.join(DATABASE_FILE_NAME))
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.shared.path
    }

    /// Whether this database can be written right now: takes SQLite's
    /// write lock, and meanwhile writes and removes a one-block file
    /// beside the database.
    ///
    /// The lock alone is not enough. In WAL mode it lives in shared
    /// memory, so it is granted on a file system that has turned
    /// read-only or full, and a rolled-back transaction writes nothing.
    /// SQLite only finds out at a commit, or later at a checkpoint that
    /// must grow the file; the new file finds out now, with the OS error
    /// (`Read-only file system`, `No space left on device`) and its path.
    /// Holding the lock meanwhile keeps probes of several processes on
    /// one data directory from writing the same file at once.
    pub async fn probe_write(&self) -> Result<()> {
        let probe = write_probe_path(&self.shared.path);
        self.call(move |connection| {
            let transaction =
                connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
            transaction.query_row("SELECT count(*) FROM sqlite_schema", [], |_| Ok(()))?;
            let written = write_beside(&probe);
            transaction.rollback()?;
            written.map_err(|message| {
                Failure::Pipeline(Error::Unavailable {
                    backend: BACKEND,
                    message,
                })
            })
        })
        .await
    }

    /// Runs `work` on the blocking pool with the connection locked.
    pub(crate) async fn call<T, F>(&self, work: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, Failure> + Send + 'static,
    {
        let shared = Arc::clone(&self.shared);
        let outcome = tokio::task::spawn_blocking(move || {
            // A panic while the lock was held cannot leave the connection
            // half-changed: an open transaction rolls back when dropped.
            let mut connection = shared
                .connection
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            work(&mut connection).map_err(|failure| {
                // SQLite says "database or disk is full" or "disk I/O
                // error", not which OS error; a write beside the file
                // finds it out for the log.
                let os_error = failure
                    .is_file_system()
                    .then(|| write_beside(&write_probe_path(&shared.path)).err())
                    .flatten();
                let mut error = failure.into_error(&shared.path);
                if let (Some(os_error), Error::Unavailable { message, .. }) = (os_error, &mut error)
                {
                    message.push_str(&format!(" ({os_error})"));
                }
                error
            })
        })
        .await;
        match outcome {
            Ok(result) => result,
            Err(join) => Err(Error::Unavailable {
                backend: BACKEND,
                message: format!("database task did not finish: {join}"),
            }),
        }
    }

    /// Wakes this process's waiting receivers: a message was sent.
    pub(crate) fn announce_send(&self) {
        self.shared.sent.notify_waiters();
    }

    /// What waiting receivers wait on.
    pub(crate) fn sent(&self) -> &Notify {
        &self.shared.sent
    }
}

/// Pragmas first, then the schema.
fn configure(connection: &mut Connection) -> Result<(), Failure> {
    connection.busy_timeout(BUSY_TIMEOUT)?;
    let mode = wal_journal(connection)?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(Failure::Pipeline(Error::Refused {
            backend: BACKEND,
            message: format!("the file system refused WAL journaling (got {mode})"),
        }));
    }
    connection.pragma_update(None, "synchronous", "NORMAL")?;
    migrate(connection)
}

/// Switches to WAL journaling. SQLite answers "database is locked" at once,
/// without the busy handler, when another connection holds the file while
/// the mode changes: as happens when several processes open a new file
/// together. So we retry here, for as long as the busy timeout.
fn wal_journal(connection: &Connection) -> Result<String, Failure> {
    let deadline = std::time::Instant::now() + BUSY_TIMEOUT;
    loop {
        match connection
            .pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get::<_, String>(0))
        {
            Err(rusqlite::Error::SqliteFailure(error, _))
                if error.code == ErrorCode::DatabaseBusy
                    && std::time::Instant::now() < deadline =>
            {
                std::thread::sleep(Duration::from_millis(10));
            }
            result => return Ok(result?),
        }
    }
}

/// Brings the schema to [`SCHEMA_VERSION`] in one transaction. IMMEDIATE,
/// so two processes opening a new file at once migrate it once.
fn migrate(connection: &mut Connection) -> Result<(), Failure> {
    let transaction = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let version: u32 = transaction.pragma_query_value(None, "user_version", |row| row.get(0))?;
    if version > SCHEMA_VERSION {
        return Err(Failure::Pipeline(Error::Refused {
            backend: BACKEND,
            message: format!(
                "schema version {version} is newer than this build's {SCHEMA_VERSION}; \
                 upgrade recipe before opening this file"
            ),
        }));
    }
    for step in MIGRATIONS.iter().skip(version as usize) {
        transaction.execute_batch(step)?;
    }
    if version < SCHEMA_VERSION {
        transaction.pragma_update(None, "user_version", SCHEMA_VERSION)?;
    }
    transaction.commit()?;
    Ok(())
}

/// Milliseconds since the Unix epoch: the clock visibility timeouts use. It
/// is the wall clock because several processes must agree on it.
pub(crate) fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, duration_ms)
}

/// A duration in whole milliseconds, saturating rather than wrapping.
pub(crate) fn duration_ms(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

/// Why a database call failed, before it becomes an [`Error`]: lets the
/// closures given to [`Database::call`] use `?` on both SQLite results and
/// our own.
#[derive(Debug)]
pub(crate) enum Failure {
    /// SQLite said no.
    Sqlite(rusqlite::Error),
    /// We said no (a corrupt document, a refused argument).
    Pipeline(Error),
}

impl Failure {
    /// Whether SQLite failed at the file system: full, read-only, I/O.
    fn is_file_system(&self) -> bool {
        matches!(
            self,
            Failure::Sqlite(e) if matches!(
                e.sqlite_error_code(),
                Some(
                    ErrorCode::DiskFull
                        | ErrorCode::SystemIoFailure
                        | ErrorCode::ReadOnly
                        | ErrorCode::CannotOpen
                )
            )
        )
    }

    fn into_error(self, path: &Path) -> Error {
        match self {
            Failure::Sqlite(e) => sqlite_error(path, &e),
            Failure::Pipeline(e) => e,
        }
    }
}

impl From<rusqlite::Error> for Failure {
    fn from(error: rusqlite::Error) -> Self {
        Failure::Sqlite(error)
    }
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        Failure::Pipeline(error)
    }
}

/// Sorts SQLite's failures by what a caller can do about them: contention
/// and I/O may pass ([`Error::Unavailable`]), a damaged file will not
/// ([`Error::Corrupt`]), and the rest is a request SQLite will never accept
/// ([`Error::Refused`]).
pub(crate) fn sqlite_error(path: &Path, error: &rusqlite::Error) -> Error {
    let message = error.to_string();
    match error.sqlite_error_code() {
        Some(
            ErrorCode::DatabaseBusy
            | ErrorCode::DatabaseLocked
            | ErrorCode::SystemIoFailure
            | ErrorCode::DiskFull
            // A read-only file or file system is an operator's to fix, and
            // once fixed the same write succeeds: worth a retry, not a
            // rejection.
            | ErrorCode::ReadOnly
            | ErrorCode::CannotOpen
            | ErrorCode::FileLockingProtocolFailed
            | ErrorCode::OutOfMemory
            | ErrorCode::OperationInterrupted
            | ErrorCode::SchemaChanged,
        ) => Error::Unavailable {
            backend: BACKEND,
            message: format!("{}: {message}", path.display()),
        },
        Some(ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase) => Error::Corrupt {
            what: format!("database {}", path.display()),
            message,
        },
        // A stored value of the wrong type is damaged data, not a bad request.
        None if matches!(
            error,
            rusqlite::Error::FromSqlConversionFailure(..)
                | rusqlite::Error::InvalidColumnType(..)
                | rusqlite::Error::IntegralValueOutOfRange(..)
        ) =>
        {
            Error::Corrupt {
                what: format!("a row of {}", path.display()),
                message,
            }
        }
        _ => Error::Refused {
            backend: BACKEND,
            message: format!("{}: {message}", path.display()),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failure(code: ErrorCode) -> rusqlite::Error {
        rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error {
                code,
                extended_code: 0,
            },
            None,
        )
    }

    #[test]
    fn contention_and_io_are_transient() {
        let path = Path::new("x.sqlite3");
        for code in [
            ErrorCode::DatabaseBusy,
            ErrorCode::DatabaseLocked,
            ErrorCode::SystemIoFailure,
            ErrorCode::DiskFull,
            ErrorCode::ReadOnly,
        ] {
            assert!(
                sqlite_error(path, &failure(code)).is_transient(),
                "{code:?}"
            );
        }
        assert!(matches!(
            sqlite_error(path, &failure(ErrorCode::DatabaseCorrupt)),
            Error::Corrupt { .. }
        ));
        assert!(matches!(
            sqlite_error(path, &failure(ErrorCode::ConstraintViolation)),
            Error::Refused { .. }
        ));
        assert!(matches!(
            sqlite_error(path, &rusqlite::Error::IntegralValueOutOfRange(0, -1)),
            Error::Corrupt { .. }
        ));
    }

    #[tokio::test]
    async fn the_write_probe_names_its_path_and_the_os_error_and_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let database = Database::open_data_dir(dir.path()).unwrap();
        database.probe_write().await.unwrap();
        let probe = write_probe_path(database.path());
        assert!(!probe.exists(), "the probe file is removed");

        // A directory where the probe goes: a write that fails even for
        // root, as a read-only or full file system would.
        std::fs::create_dir(&probe).unwrap();
        let error = database.probe_write().await.unwrap_err();
        assert!(error.is_transient(), "{error}");
        let message = error.to_string();
        assert!(message.contains(&probe.display().to_string()), "{message}");
        assert!(message.contains("os error"), "{message}");

        std::fs::remove_dir(&probe).unwrap();
        database.probe_write().await.unwrap();
    }

    #[test]
    fn durations_saturate() {
        assert_eq!(duration_ms(Duration::from_millis(1500)), 1500);
        assert_eq!(duration_ms(Duration::MAX), i64::MAX);
    }
}
