//! The directory bucket's event mode: filesystem notifications (the
//! `notify` crate: inotify on Linux, FSEvents on macOS,
//! ReadDirectoryChangesW on Windows) turned into a
//! [`ChangeFeed`] of whole objects.
//!
//! A file is reported once it is complete, which the events alone do not
//! say. What we go by:
//!
//! - a file renamed into the bucket arrives whole (our own `put`, and any
//!   careful writer, writes a hidden temporary file and renames it);
//! - a file written in place (`cp`, an editor saving over it) is complete
//!   when its writer closes it: inotify reports that as a close-after-write;
//! - where no such event comes (platforms without one, a writer that keeps
//!   the file open), a file is read once it has been quiet for
//!   [`QUIET_PERIOD`].
//!
//! Events are coalesced per file while they wait: the dozen events of one
//! `cp` make one read. A directory that appears (created, or moved in with
//! files inside) is read whole, since its files may have been written
//! before its own watch existed. An overflow of the operating system's
//! event queue, or an error from the watcher, becomes
//! [`ChangeBatch::Lost`], so the consumer lists the bucket: no change goes
//! unreported without saying so.
//!
//! Removals are not reported: a deleted object has nothing to announce.

use std::collections::HashMap;
use std::fs;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use async_trait::async_trait;
use notify::event::{AccessKind, AccessMode, CreateKind, ModifyKind, RenameMode};
use notify::{Event, EventKind, RecommendedWatcher, RecursiveMode, Watcher};
use recipe_ports::{ChangeBatch, ChangeFeed, Error, ObjectChanges, ObjectInfo, Result};
use tokio::sync::{Notify, mpsc};
use tokio::task::JoinHandle;
use tokio::time::Instant;

use super::{BACKEND, LocalBucket, collect_keys, info, io_error, is_absent, key_path};

/// How long a file written in place must see no event before it is read,
/// when no close or rename has said it is complete. Short enough that a
/// make is stored well within a second on platforms without close events;
/// on Linux, where a writer's close ends the wait, it rarely matters.
pub const QUIET_PERIOD: Duration = Duration::from_millis(200);

/// How many batches may wait for the consumer before the reader pauses.
/// Waiting files are coalesced meanwhile, so a slow consumer costs memory
/// per file, never a lost event.
const WAITING_BATCHES: usize = 16;

/// The most objects one [`ChangeBatch::Written`] carries: a burst of
/// thousands of files reaches the watcher in pieces it can announce
/// while the rest are read.
const MAX_BATCH: usize = 500;

#[async_trait]
impl ObjectChanges for LocalBucket {
    /// Watches the bucket's directory tree. Fails when the platform's
    /// watcher cannot be started (inotify's watch limit reached, say): the
    /// consumer then polls.
    async fn subscribe(&self) -> Result<Box<dyn ChangeFeed>> {
        let root = Arc::clone(&self.root);
        let shared = Arc::new(Shared::default());
        let handler = EventSink {
            root: Arc::clone(&root),
            shared: Arc::clone(&shared),
        };
        // Adding the watches walks the tree: blocking work.
        let watcher = self
            .blocking(move |root| {
                let unavailable = |e: notify::Error| Error::Unavailable {
                    backend: BACKEND,
                    message: format!("cannot watch {}: {e}", root.display()),
                };
                let mut watcher = notify::recommended_watcher(handler).map_err(unavailable)?;
                watcher
                    .watch(root, RecursiveMode::Recursive)
                    .map_err(unavailable)?;
                Ok(watcher)
            })
            .await?;
        let (batches, receiver) = mpsc::channel(WAITING_BATCHES);
        let reader = tokio::spawn(read_when_complete(root, shared, batches));
        Ok(Box::new(NotifyFeed {
            receiver,
            reader,
            _watcher: watcher,
        }))
    }
}

/// A subscription: the platform's watcher, the task that reads complete
/// files, and the batches it has read.
struct NotifyFeed {
    receiver: mpsc::Receiver<ChangeBatch>,
    /// Stopped when the feed is dropped: nobody would read its batches.
    reader: JoinHandle<()>,
    /// Kept only to keep the watches: dropping it removes them.
    _watcher: RecommendedWatcher,
}

impl Drop for NotifyFeed {
    fn drop(&mut self) {
        self.reader.abort();
    }
}

#[async_trait]
impl ChangeFeed for NotifyFeed {
    async fn next(&mut self) -> Result<Option<ChangeBatch>> {
        // `recv` is cancel-safe: a batch is either returned or still
        // queued.
        Ok(self.receiver.recv().await)
    }
}

/// Files waiting to be read, shared by the watcher's thread (which adds)
/// and the reader task (which takes).
#[derive(Default)]
struct Shared {
    waiting: Mutex<Waiting>,
    /// Wakes the reader when something was added.
    added: Notify,
}

/// What the events said since the reader last looked.
#[derive(Default)]
struct Waiting {
    /// Files written, by path: coalesced, so a file with many events is
    /// one entry.
    files: HashMap<PathBuf, WaitingFile>,
    /// Directories that appeared, to be read whole.
    directories: Vec<PathBuf>,
    /// Why events may have been lost, when they may have been.
    lost: Option<String>,
}

/// One file with events not yet acted on.
#[derive(Debug, Clone, Copy)]
struct WaitingFile {
    /// When its last event came.
    last_event: Instant,
    /// Whether an event said it is complete (closed after writing, or
    /// renamed into place) and nothing was written since.
    complete: bool,
}

impl WaitingFile {
    /// Whether to read it now.
    fn ready(&self, now: Instant) -> bool {
        self.complete || now.saturating_duration_since(self.last_event) >= QUIET_PERIOD
    }
}

/// What one event means for a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Meaning {
    /// Written to, maybe not finished.
    Writing,
    /// Whole now: closed after writing, or renamed into place (a rename
    /// may bring a directory, which is read whole).
    Complete,
    /// A directory appeared.
    Directory,
    /// Nothing to announce (a read, a removal, a change of permissions).
    Nothing,
}

/// Sorts an event's kind. For a rename with both ends in one event, only
/// the destination (the last path) arrived.
fn meaning(kind: &EventKind) -> Meaning {
    match kind {
        EventKind::Create(CreateKind::Folder) => Meaning::Directory,
        EventKind::Create(_) => Meaning::Writing,
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => Meaning::Complete,
        EventKind::Modify(ModifyKind::Name(RenameMode::To | RenameMode::Both)) => Meaning::Complete,
        // Without the other end we cannot tell which this is: look.
        EventKind::Modify(ModifyKind::Name(RenameMode::Any | RenameMode::Other)) => {
            Meaning::Writing
        }
        EventKind::Modify(ModifyKind::Name(RenameMode::From)) => Meaning::Nothing,
        // `touch` and `chmod` change no content.
        EventKind::Modify(ModifyKind::Metadata(_)) => Meaning::Nothing,
        EventKind::Modify(_) | EventKind::Any | EventKind::Other => Meaning::Writing,
        EventKind::Access(_) | EventKind::Remove(_) => Meaning::Nothing,
    }
}

/// Receives the watcher's events on its own thread and records them.
struct EventSink {
    root: Arc<PathBuf>,
    shared: Arc<Shared>,
}

impl notify::EventHandler for EventSink {
    fn handle_event(&mut self, event: notify::Result<Event>) {
        let now = Instant::now();
        {
            let mut waiting = self
                .shared
                .waiting
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            match event {
                Ok(event) => self.record(&mut waiting, &event, now),
                Err(error) => {
                    waiting.lost = Some(format!("the file watcher failed: {error}"));
                }
            }
        }
        self.shared.added.notify_one();
    }
}

impl EventSink {
    fn record(&self, waiting: &mut Waiting, event: &Event, now: Instant) {
        if event.need_rescan() {
            waiting.lost = Some("the operating system's event queue overflowed".to_owned());
        }
        let meaning = meaning(&event.kind);
        let paths = match event.kind {
            // The source of a two-ended rename left; only its destination
            // is news.
            EventKind::Modify(ModifyKind::Name(RenameMode::Both)) => event.paths.last(),
            _ => event.paths.first(),
        };
        let Some(path) = paths else {
            return;
        };
        if meaning == Meaning::Nothing || is_hidden(&self.root, path) {
            return;
        }
        if meaning == Meaning::Directory {
            waiting.directories.push(path.clone());
            return;
        }
        let complete = meaning == Meaning::Complete;
        waiting
            .files
            .entry(path.clone())
            .and_modify(|file| {
                file.last_event = now;
                // A write after a close reopens the wait.
                file.complete = complete;
            })
            .or_insert(WaitingFile {
                last_event: now,
                complete,
            });
    }
}

/// Whether `path` is, or is inside, a name the bucket hides (our own
/// temporary files, editors' swap files): their events are noise.
fn is_hidden(root: &Path, path: &Path) -> bool {
    path.strip_prefix(root).is_ok_and(|relative| {
        relative.components().any(|component| {
            matches!(component, Component::Normal(name)
                if name.to_str().is_none_or(|name| name.starts_with('.')))
        })
    })
}

/// The key of the file at `path`, when it can be one (inside the root,
/// UTF-8, no hidden segment, a valid key).
fn key_of(root: &Path, path: &Path) -> Option<String> {
    let relative = path.strip_prefix(root).ok()?;
    let mut segments = Vec::new();
    for component in relative.components() {
        let Component::Normal(name) = component else {
            return None;
        };
        segments.push(name.to_str()?);
    }
    let key = segments.join("/");
    key_path(root, &key).ok()?;
    Some(key)
}

/// What the reader takes from [`Waiting`] in one go.
#[derive(Default)]
struct Taken {
    files: Vec<PathBuf>,
    directories: Vec<PathBuf>,
    lost: Option<String>,
    /// When the earliest file still waiting for quiet becomes ready.
    next_ready: Option<Instant>,
}

/// Takes what is ready to read, leaving files still being written.
fn take_ready(shared: &Shared, now: Instant) -> Taken {
    let mut waiting = shared
        .waiting
        .lock()
        .unwrap_or_else(PoisonError::into_inner);
    let mut taken = Taken {
        lost: waiting.lost.take(),
        directories: std::mem::take(&mut waiting.directories),
        ..Taken::default()
    };
    waiting.files.retain(|path, file| {
        if file.ready(now) {
            taken.files.push(path.clone());
            false
        } else {
            let ready_at = file.last_event + QUIET_PERIOD;
            taken.next_ready = Some(taken.next_ready.map_or(ready_at, |t| t.min(ready_at)));
            true
        }
    });
    taken
}

/// The reader task: waits for events, reads the files that are complete,
/// and hands them on in batches. Ends when the feed is dropped.
async fn read_when_complete(
    root: Arc<PathBuf>,
    shared: Arc<Shared>,
    batches: mpsc::Sender<ChangeBatch>,
) {
    let mut next_ready: Option<Instant> = None;
    loop {
        let quiet_over = async {
            match next_ready {
                Some(at) => tokio::time::sleep_until(at).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            () = shared.added.notified() => {}
            () = quiet_over => {}
            () = batches.closed() => return,
        }
        let taken = take_ready(&shared, Instant::now());
        next_ready = taken.next_ready;
        if let Some(reason) = taken.lost
            && batches.send(ChangeBatch::Lost { reason }).await.is_err()
        {
            return;
        }
        if taken.files.is_empty() && taken.directories.is_empty() {
            continue;
        }
        let root = Arc::clone(&root);
        let read = tokio::task::spawn_blocking(move || {
            read_objects(&root, &taken.files, &taken.directories)
        })
        .await;
        // Files we could not read are not dropped in silence: the
        // consumer lists the bucket and meets them there (or their error
        // again, where it is reported).
        let (objects, failed) = match read {
            Ok(read) => (
                read.objects,
                read.failed
                    .map(|error| format!("reading changed files failed: {error}")),
            ),
            Err(join) => (
                Vec::new(),
                Some(format!("the file reader did not finish: {join}")),
            ),
        };
        if let Some(reason) = failed
            && batches.send(ChangeBatch::Lost { reason }).await.is_err()
        {
            return;
        }
        let mut objects = objects.into_iter().peekable();
        while objects.peek().is_some() {
            let chunk: Vec<ObjectInfo> = objects.by_ref().take(MAX_BATCH).collect();
            if batches.send(ChangeBatch::Written(chunk)).await.is_err() {
                return;
            }
        }
    }
}

/// What one round of reading found.
#[derive(Debug, Default)]
struct Read {
    /// The complete objects read.
    objects: Vec<ObjectInfo>,
    /// The first failure, when a file or directory could not be read: the
    /// others are still reported, and this one is left to a listing.
    failed: Option<Error>,
}

/// Reads `files` and every file under `directories`, skipping what is
/// gone or is no object (a directory, a name that cannot be a key).
fn read_objects(root: &Path, files: &[PathBuf], directories: &[PathBuf]) -> Read {
    let mut read = Read::default();
    let mut keys = Vec::new();
    let mut fail = |error: Error| {
        read.failed.get_or_insert(error);
    };
    for path in files {
        match fs::metadata(path) {
            // Moved in whole, with whatever it holds.
            Ok(metadata) if metadata.is_dir() => {
                if let Err(error) = collect_under(root, path, &mut keys) {
                    fail(error);
                }
            }
            Ok(_) => keys.extend(key_of(root, path)),
            Err(e) if is_absent(&e) => {}
            Err(e) => fail(io_error(path, &e)),
        }
    }
    for directory in directories {
        if let Err(error) = collect_under(root, directory, &mut keys) {
            fail(error);
        }
    }
    keys.sort_unstable();
    keys.dedup();
    for key in keys {
        let path = match key_path(root, &key) {
            Ok(path) => path,
            Err(error) => {
                fail(error);
                continue;
            }
        };
        match fs::read(&path) {
            Ok(body) => read.objects.push(info(key, &body)),
            Err(e) if is_absent(&e) => {}
            Err(e) => fail(io_error(&path, &e)),
        }
    }
    read
}

/// Adds the keys of the files under `directory`.
fn collect_under(root: &Path, directory: &Path, keys: &mut Vec<String>) -> Result<()> {
    let Some(directory_key) = key_of(root, directory) else {
        return Ok(());
    };
    collect_keys(directory, &format!("{directory_key}/"), "", None, keys)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_mean_what_a_writer_did() {
        use notify::event::{DataChange, MetadataKind, RemoveKind};
        let cases = [
            (EventKind::Create(CreateKind::File), Meaning::Writing),
            (EventKind::Create(CreateKind::Folder), Meaning::Directory),
            (
                EventKind::Modify(ModifyKind::Data(DataChange::Content)),
                Meaning::Writing,
            ),
            (
                EventKind::Access(AccessKind::Close(AccessMode::Write)),
                Meaning::Complete,
            ),
            (
                EventKind::Modify(ModifyKind::Name(RenameMode::To)),
                Meaning::Complete,
            ),
            (
                EventKind::Modify(ModifyKind::Name(RenameMode::From)),
                Meaning::Nothing,
            ),
            (
                EventKind::Modify(ModifyKind::Metadata(MetadataKind::Any)),
                Meaning::Nothing,
            ),
            (EventKind::Remove(RemoveKind::File), Meaning::Nothing),
        ];
        for (kind, means) in cases {
            assert_eq!(meaning(&kind), means, "{kind:?}");
        }
    }

    #[test]
    fn keys_come_from_paths_inside_the_root_only() {
        let root = Path::new("/data/bucket");
        assert_eq!(
            key_of(root, Path::new("/data/bucket/makes/a b.json")).as_deref(),
            Some("makes/a b.json")
        );
        assert_eq!(key_of(root, Path::new("/elsewhere/a.json")), None);
        assert_eq!(key_of(root, Path::new("/data/bucket")), None);
        assert_eq!(key_of(root, Path::new("/data/bucket/makes/.tmp")), None);
        assert!(is_hidden(
            root,
            Path::new("/data/bucket/makes/.recipe-put-1-2.tmp")
        ));
        assert!(is_hidden(root, Path::new("/data/bucket/.git/HEAD")));
        assert!(!is_hidden(root, Path::new("/data/bucket/makes/a.json")));
    }

    fn sink(root: &Path) -> EventSink {
        EventSink {
            root: Arc::new(root.to_path_buf()),
            shared: Arc::default(),
        }
    }

    fn event(kind: EventKind, path: &str) -> Event {
        Event::new(kind).add_path(PathBuf::from(path))
    }

    #[test]
    fn a_copy_is_one_read_after_its_close() {
        use notify::event::DataChange;
        let sink = sink(Path::new("/b"));
        let start = Instant::now();
        let mut waiting = Waiting::default();
        sink.record(
            &mut waiting,
            &event(EventKind::Create(CreateKind::File), "/b/makes/a.json"),
            start,
        );
        for _ in 0..5 {
            let write = EventKind::Modify(ModifyKind::Data(DataChange::Content));
            sink.record(&mut waiting, &event(write, "/b/makes/a.json"), start);
        }
        *sink.shared.waiting.lock().unwrap() = waiting;
        let taken = take_ready(&sink.shared, start);
        assert!(taken.files.is_empty(), "still being written");
        assert_eq!(taken.next_ready, Some(start + QUIET_PERIOD));

        let mut waiting = std::mem::take(&mut *sink.shared.waiting.lock().unwrap());
        let close = EventKind::Access(AccessKind::Close(AccessMode::Write));
        sink.record(&mut waiting, &event(close, "/b/makes/a.json"), start);
        *sink.shared.waiting.lock().unwrap() = waiting;
        let taken = take_ready(&sink.shared, start);
        assert_eq!(taken.files, [PathBuf::from("/b/makes/a.json")]);
        assert!(
            take_ready(&sink.shared, start).files.is_empty(),
            "read once"
        );
    }

    #[test]
    fn a_quiet_file_is_read_without_a_close() {
        let sink = sink(Path::new("/b"));
        let start = Instant::now();
        let mut waiting = Waiting::default();
        sink.record(
            &mut waiting,
            &event(EventKind::Create(CreateKind::File), "/b/makes/a.json"),
            start,
        );
        *sink.shared.waiting.lock().unwrap() = waiting;
        assert!(take_ready(&sink.shared, start).files.is_empty());
        let taken = take_ready(&sink.shared, start + QUIET_PERIOD);
        assert_eq!(taken.files.len(), 1);
    }

    #[test]
    fn hidden_files_are_noise_and_overflow_is_lost() {
        let sink = sink(Path::new("/b"));
        let now = Instant::now();
        let mut waiting = Waiting::default();
        let close = EventKind::Access(AccessKind::Close(AccessMode::Write));
        sink.record(
            &mut waiting,
            &event(close, "/b/makes/.recipe-put-1-1.tmp"),
            now,
        );
        assert!(waiting.files.is_empty());
        let overflow = Event::new(EventKind::Other).set_flag(notify::event::Flag::Rescan);
        sink.record(&mut waiting, &overflow, now);
        assert!(waiting.lost.is_some());
    }
}

#[cfg(test)]
mod feed_tests {
    use std::fs::File;
    use std::io::Write;

    use super::*;
    use crate::bucket::etag;
    use recipe_ports::ObjectStore;

    /// Collects what `feed` reports until `key` has been seen with
    /// `expected`'s etag; fails after five seconds. Returns every etag
    /// reported for `key` on the way.
    async fn until_reported(
        feed: &mut Box<dyn ChangeFeed>,
        key: &str,
        expected: &[u8],
    ) -> Vec<String> {
        let mut seen = Vec::new();
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let batch = tokio::time::timeout_at(deadline, feed.next())
                .await
                .unwrap_or_else(|_| panic!("{key} not reported; saw {seen:?}"))
                .unwrap()
                .unwrap();
            if let ChangeBatch::Written(objects) = batch {
                for object in objects.into_iter().filter(|o| o.key == key) {
                    seen.push(object.etag.clone());
                    if object.etag == etag(expected) {
                        assert_eq!(object.size, expected.len() as u64);
                        return seen;
                    }
                }
            }
        }
    }

    #[tokio::test]
    async fn puts_copies_and_moved_in_directories_are_reported_whole() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("bucket");
        let bucket = LocalBucket::open("b", &root).unwrap();
        let mut feed = bucket.subscribe().await.unwrap();

        // Our own put: a hidden temporary file renamed into place.
        bucket
            .put("makes/a.json", b"{\"a\": 1}".to_vec())
            .await
            .unwrap();
        until_reported(&mut feed, "makes/a.json", b"{\"a\": 1}").await;

        // Written in place in two pieces, as `cp` of a large file does:
        // reported once closed, never half.
        let whole = b"{\"b\": \"two pieces\"}";
        let mut file = File::create(root.join("makes/b.json")).unwrap();
        file.write_all(&whole[..6]).unwrap();
        file.flush().unwrap();
        tokio::time::sleep(Duration::from_millis(20)).await;
        file.write_all(&whole[6..]).unwrap();
        drop(file);
        let seen = until_reported(&mut feed, "makes/b.json", whole).await;
        assert_eq!(seen, [etag(whole)], "no half-written version reported");

        // A directory with files, moved in at once: its files had no
        // events of their own under the bucket.
        let outside = dir.path().join("batch");
        fs::create_dir_all(&outside).unwrap();
        fs::write(outside.join("c.json"), "{}").unwrap();
        fs::rename(&outside, root.join("makes/batch")).unwrap();
        until_reported(&mut feed, "makes/batch/c.json", b"{}").await;
    }

    #[tokio::test]
    async fn a_dropped_feed_stops_its_reader() {
        let dir = tempfile::tempdir().unwrap();
        let bucket = LocalBucket::open("b", dir.path()).unwrap();
        let feed = bucket.subscribe().await.unwrap();
        drop(feed);
        // Nothing left to panic or leak: writing afterwards is harmless.
        bucket.put("makes/late.json", b"{}".to_vec()).await.unwrap();
    }
}
