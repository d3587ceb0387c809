//! The SQLite file the queue, the records and the announcement log share.
//!
//! One [`Database`] per process and data directory; the watcher, the sender
//! and the server may each open the same file from their own process. WAL
//! journaling lets readers and one writer work at once, `synchronous=NORMAL`
//! is durable across application crashes (WAL's recommended pairing), and a
//! busy timeout makes a writer wait for another process's transaction
//! instead of failing at once.
//!
//! Within a process, writes go through one connection, one at a time;
//! reads of records go through a few read-only connections of their own,
//! so they neither wait for a write nor for each other, and wait for a
//! free connection on the async runtime, in arrival order. A lookup of
//! one row by its key does not go to the blocking pool at all: it takes
//! microseconds, less than the two thread wake-ups of the hand-over
//! (which were the largest cost of a read under load).

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use recipe_ports::records::MigrationReport;
use recipe_ports::{Error, Result};
use rusqlite::{Connection, ErrorCode, OpenFlags, TransactionBehavior};
use tokio::sync::{Notify, OwnedSemaphorePermit, Semaphore};

use crate::lock::{DatabaseLock, LockFailure};

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

/// One step of the schema: SQL, or code for what SQL cannot do alone.
enum Migration {
    /// Statements run as a batch.
    Sql(&'static str),
    /// A step that reads and rewrites rows; it may report what it did.
    Code(fn(&rusqlite::Transaction<'_>, &mut MigrationReport) -> Result<(), Failure>),
}

/// The schema, one step per version: `PRAGMA user_version` says how many of
/// these a file has had. Steps are only ever appended, never edited, so a
/// file made by an older build migrates forward on open.
const MIGRATIONS: &[Migration] = &[
    // 1: queues, records and the watcher's announcements.
    Migration::Sql(
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
    ),
    // 2: integer make ids, each recipe's counter of them, and the claims
    // (bucket object versions, idempotency keys) that name makes. Every
    // make stored with a text id moves to an integer one: see
    // `crate::records::migrate_make_ids`.
    Migration::Code(crate::records::migrate_make_ids),
    // 3: recipe versions, each a whole `RecipeVersion` document; `recipes`
    // keeps the latest one's document and number, so reading a recipe or
    // listing them stays one row each. Every recipe stored before becomes
    // its version 1, and every make stored before is pinned to it: it was
    // diffed against that very document.
    Migration::Sql(
        "
    CREATE TABLE recipe_versions (
        recipe_id INTEGER NOT NULL,
        version   INTEGER NOT NULL,
        document  TEXT    NOT NULL,
        PRIMARY KEY (recipe_id, version)
    ) WITHOUT ROWID;
    ALTER TABLE recipes ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
    INSERT INTO recipe_versions (recipe_id, version, document)
    SELECT recipe_id, 1, json_object(
        'recipeId', recipe_id,
        'version', 1,
        'recipe', json(document),
        'createdAt', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'),
        'message', 'stored before recipes had versions',
        'changes', 0)
    FROM recipes;
    ALTER TABLE makes ADD COLUMN recipe_version INTEGER NOT NULL DEFAULT 1;
    CREATE INDEX makes_by_version ON makes (recipe_id, recipe_version, make_id);
    ",
    ),
    // 4: the recipe ids given to bucket objects whose documents name none
    // (a saved page, a Cooklang file), by the object's location
    // (`s3://bucket/key`, no etag: every version of the object is a
    // version of its recipe). Nothing stored before had one: every recipe
    // named its id, so there is nothing to move.
    Migration::Sql(
        "
    CREATE TABLE recipe_sources (
        location    TEXT    PRIMARY KEY,
        recipe_id   INTEGER NOT NULL UNIQUE,
        given_at_ms INTEGER NOT NULL
    ) WITHOUT ROWID;
    ",
    ),
    // 5: what each recipe version's makes add up to, for analytics that
    // do not reread the makes; kept in the transaction that stores each
    // make. Built here from every make stored before: see
    // `crate::records::build_aggregates`.
    Migration::Code(crate::records::build_aggregates),
];

/// The schema version this build creates and understands (`PRAGMA
/// user_version`).
pub const SCHEMA_VERSION: u32 = MIGRATIONS.len() as u32;

/// An open SQLite database file, shared by the adapters of one process.
///
/// Cloning is cheap and shares the connections. Calls run on tokio's
/// blocking pool: writes one at a time per `Database`, reads of records on
/// a small pool of read-only connections beside it; other processes reach
/// the same file through their own `Database`.
#[derive(Clone, Debug)]
pub struct Database {
    shared: Arc<Shared>,
}

#[derive(Debug)]
struct Shared {
    /// The connection that writes (and reads what it is about to write).
    /// Behind a std mutex because it is only ever locked on the blocking
    /// pool, never across an `.await`: the next writer already waits on a
    /// thread of its own, so the hand-over between two writes is one
    /// wake-up (an async mutex measured a fifth fewer writes per second).
    writer: Mutex<Connection>,
    /// Read-only connections for [`Database::read`].
    readers: Readers,
    /// Where the file is, for error messages.
    path: PathBuf,
    /// Wakes receivers of this process as soon as a message is sent, so a
    /// long poll answers at once instead of at its next look at the file.
    sent: Notify,
    /// What opening the file migrated.
    migrated: MigrationReport,
    /// Says the file is open here, so `recipe restore` does not replace
    /// it meanwhile (see [`crate::lock`]).
    _in_use: DatabaseLock,
}

impl Database {
    /// Opens (creating when missing) the database file at `path`, sets WAL
    /// mode and migrates the schema to [`SCHEMA_VERSION`].
    ///
    /// This blocks on file I/O, so call it at startup (or inside
    /// `spawn_blocking`). A file written by a newer build, with a higher
    /// schema version, is refused rather than misread, and so is a file
    /// that `recipe restore` is replacing right now.
    pub fn open(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref().to_path_buf();
        let in_use = DatabaseLock::shared(&path).map_err(|failure| match failure {
            LockFailure::Held => Error::Unavailable {
                backend: BACKEND,
                message: format!(
                    "{} is being replaced by `recipe restore`; open it once the restore is done",
                    path.display()
                ),
            },
            LockFailure::Io(lock, e) => Error::Unavailable {
                backend: BACKEND,
                message: format!("cannot lock {}: {e}", lock.display()),
            },
        })?;
        let mut connection = Connection::open_with_flags(
            &path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| sqlite_error(&path, &e))?;
        let migrated = configure(&mut connection).map_err(|e| e.into_error(&path))?;
        if !migrated.migrated.is_empty() {
            tracing::warn!(database = %path.display(), "migrated: {migrated}");
        }
        // After `configure`: the file exists, is in WAL mode and migrated.
        let readers = (0..reader_count())
            .map(|_| open_reader(&path))
            .collect::<Result<Vec<_>>>()?;
        Ok(Database {
            shared: Arc::new(Shared {
                writer: Mutex::new(connection),
                readers: Readers {
                    permits: Arc::new(Semaphore::new(readers.len())),
                    idle: Mutex::new(readers),
                },
                path,
                sent: Notify::new(),
                migrated,
                _in_use: in_use,
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

    /// What opening this file migrated: makes of an older build given
    /// integer ids, for the caller to tell its user. Empty when the file
    /// needed no such step.
    pub fn migrated(&self) -> &MigrationReport {
        &self.shared.migrated
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

    /// Runs `work` on the blocking pool with the writing connection
    /// locked: for every write, and reads that must see the writer's view.
    pub(crate) async fn call<T, F>(&self, work: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, Failure> + Send + 'static,
    {
        let shared = Arc::clone(&self.shared);
        finish(
            tokio::task::spawn_blocking(move || {
                // A panic while the lock was held cannot leave the
                // connection half-changed: an open transaction rolls back
                // when dropped.
                let mut connection = shared.writer.lock().unwrap_or_else(PoisonError::into_inner);
                work(&mut connection)
                    .map_err(|failure| failure_with_os_error(failure, &shared.path))
            })
            .await,
        )
    }

    /// Runs `work` here, on the caller's thread, with one of the read-only
    /// connections: for the lookup of one row by its key (a recipe, a
    /// make), which SQLite answers from its page cache in microseconds.
    /// Anything that scans belongs in [`Database::read`]: this blocks an
    /// async worker for as long as it runs.
    pub(crate) async fn lookup<T, F>(&self, work: F) -> Result<T>
    where
        F: FnOnce(&mut Connection) -> Result<T, Failure>,
    {
        let permit = Arc::clone(&self.shared.readers.permits)
            .acquire_owned()
            .await
            .map_err(|_| closing())?;
        let mut reader = CheckedOut::take(&self.shared.readers, permit)?;
        work(reader.connection()).map_err(|e| e.into_error(&self.shared.path))
    }

    /// Runs `work` on the blocking pool with one of the read-only
    /// connections: for reads, which then wait for no write. `work` sees
    /// what was committed when it starts; a write through [`Database::call`]
    /// that returned before is always in it.
    pub(crate) async fn read<T, F>(&self, work: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, Failure> + Send + 'static,
    {
        let permit = Arc::clone(&self.shared.readers.permits)
            .acquire_owned()
            .await
            .map_err(|_| closing())?;
        let shared = Arc::clone(&self.shared);
        finish(
            tokio::task::spawn_blocking(move || {
                let mut reader = CheckedOut::take(&shared.readers, permit)?;
                work(reader.connection()).map_err(|e| e.into_error(&shared.path))
            })
            .await,
        )
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

/// The readers' semaphore is never closed; should it be, callers learn
/// the database is going away.
fn closing() -> Error {
    Error::Unavailable {
        backend: BACKEND,
        message: "the database is closing".to_owned(),
    }
}

/// The outcome of a blocking call; one that did not finish (it panicked)
/// is a failure a retry may not repeat.
fn finish<T>(outcome: std::result::Result<Result<T>, tokio::task::JoinError>) -> Result<T> {
    match outcome {
        Ok(result) => result,
        Err(join) => Err(Error::Unavailable {
            backend: BACKEND,
            message: format!("database task did not finish: {join}"),
        }),
    }
}

/// `failure` as the crate's error, with the OS error added when the file
/// system refused: SQLite says "database or disk is full" or "disk I/O
/// error", not which OS error, and a write beside the file finds it out
/// for the log.
fn failure_with_os_error(failure: Failure, database: &Path) -> Error {
    let os_error = failure
        .is_file_system()
        .then(|| write_beside(&write_probe_path(database)).err())
        .flatten();
    let mut error = failure.into_error(database);
    if let (Some(os_error), Error::Unavailable { message, .. }) = (os_error, &mut error) {
        message.push_str(&format!(" ({os_error})"));
    }
    error
}

/// How many read-only connections a [`Database`] opens: one per core,
/// within 2 and 4. More would only queue on the cores, and each holds its
/// own page cache.
fn reader_count() -> usize {
    std::thread::available_parallelism().map_or(2, |cores| cores.get().clamp(2, 4))
}

/// A read-only connection to the file `configure` prepared.
fn open_reader(path: &Path) -> Result<Connection> {
    let connection = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| sqlite_error(path, &e))?;
    let configured = connection
        .busy_timeout(BUSY_TIMEOUT)
        // Opened read-write, as WAL readers must be to share the index
        // file; `query_only` makes a write through one an error.
        .and_then(|()| connection.pragma_update(None, "query_only", true));
    configured.map_err(|e| sqlite_error(path, &e))?;
    Ok(connection)
}

/// The read-only connections, and as many permits as there are of them.
#[derive(Debug)]
struct Readers {
    permits: Arc<Semaphore>,
    /// The connections no call holds. A permit guarantees one is here.
    idle: Mutex<Vec<Connection>>,
}

/// A read-only connection taken from [`Readers`], put back when dropped
/// (a panicking `work` included), before its permit is released.
struct CheckedOut<'a> {
    connection: Option<Connection>,
    readers: &'a Readers,
    _permit: OwnedSemaphorePermit,
}

impl<'a> CheckedOut<'a> {
    fn take(readers: &'a Readers, permit: OwnedSemaphorePermit) -> Result<Self> {
        let connection = readers
            .idle
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop();
        match connection {
            Some(connection) => Ok(CheckedOut {
                connection: Some(connection),
                readers,
                _permit: permit,
            }),
            // Cannot happen while every permit holder puts its connection
            // back, which `Drop` does; refuse rather than panic.
            None => Err(Error::Unavailable {
                backend: BACKEND,
                message: "no read connection is free".to_owned(),
            }),
        }
    }

    fn connection(&mut self) -> &mut Connection {
        // `Some` from `take` until `drop`.
        self.connection
            .as_mut()
            .expect("a checked-out reader holds its connection until dropped")
    }
}

impl Drop for CheckedOut<'_> {
    fn drop(&mut self) {
        if let Some(connection) = self.connection.take() {
            self.readers
                .idle
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(connection);
        }
    }
}

/// Pragmas first, then the schema.
fn configure(connection: &mut Connection) -> Result<MigrationReport, Failure> {
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
/// so two processes opening a new file at once migrate it once. Answers
/// what the steps that rewrite data did.
pub(crate) fn migrate(connection: &mut Connection) -> Result<MigrationReport, Failure> {
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
    let mut report = MigrationReport::default();
    for step in MIGRATIONS.iter().skip(version as usize) {
        match step {
            Migration::Sql(statements) => transaction.execute_batch(statements)?,
            Migration::Code(step) => step(&transaction, &mut report)?,
        }
    }
    if version < SCHEMA_VERSION {
        transaction.pragma_update(None, "user_version", SCHEMA_VERSION)?;
    }
    transaction.commit()?;
    Ok(report)
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

    pub(crate) fn into_error(self, path: &Path) -> Error {
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

    #[tokio::test]
    async fn reads_wait_for_no_writer_and_see_its_commits() {
        let dir = tempfile::tempdir().unwrap();
        let database = Database::open_data_dir(dir.path()).unwrap();
        let count = || {
            database.read(|connection| {
                Ok(
                    connection.query_row("SELECT count(*) FROM recipes", [], |row| {
                        row.get::<_, i64>(0)
                    })?,
                )
            })
        };
        // A write that holds the writer until the test lets it go.
        let (locked, is_locked) = tokio::sync::oneshot::channel();
        let (release, released) = std::sync::mpsc::channel::<()>();
        let writer = tokio::spawn({
            let database = database.clone();
            async move {
                database
                    .call(move |connection| {
                        let _ = locked.send(());
                        let _ = released.recv();
                        connection.execute(
                            "INSERT INTO recipes (recipe_id, document) VALUES (1, '{}')",
                            [],
                        )?;
                        Ok(())
                    })
                    .await
            }
        });
        is_locked.await.unwrap();
        let before = tokio::time::timeout(Duration::from_secs(10), count())
            .await
            .expect("a read does not wait for the writer");
        assert_eq!(before.unwrap(), 0);
        release.send(()).unwrap();
        writer.await.unwrap().unwrap();
        assert_eq!(count().await.unwrap(), 1, "a returned write is seen");
        let looked_up = database
            .lookup(|connection| {
                Ok(connection.query_row(
                    "SELECT document FROM recipes WHERE recipe_id = 1",
                    [],
                    |row| row.get::<_, String>(0),
                )?)
            })
            .await;
        assert_eq!(looked_up.unwrap(), "{}", "and by a lookup");

        let refused = database
            .read(|connection| Ok(connection.execute("DELETE FROM recipes", [])?))
            .await;
        assert!(refused.is_err(), "readers do not write");
        assert_eq!(count().await.unwrap(), 1);
    }

    #[test]
    fn durations_saturate() {
        assert_eq!(duration_ms(Duration::from_millis(1500)), 1500);
        assert_eq!(duration_ms(Duration::MAX), i64::MAX);
    }
}
