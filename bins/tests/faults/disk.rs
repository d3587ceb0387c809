//! `recipe up` whose data directory stops taking writes, read-only or
//! full: `/readyz` turns 503 with a JSON reason, the log names the path and
//! the OS error, the process neither crashes nor hangs, and once the
//! condition clears it is ready again and stores what arrives.
//!
//! Tests run as root here, for whom permission bits stop nothing. So a
//! read-only directory is made with the immutable attribute (`chattr +i`,
//! which binds root too), and a full one on a small tmpfs mounted for the
//! test and filled up. Both need root: as another user (a GitHub-hosted
//! runner) `chattr`, `mount` and `umount` run through `sudo -n`, which
//! such runners allow without a password. Remounting read-only is no way: the kernel refuses
//! it (EBUSY) while SQLite holds its file open for writing. When a
//! mechanism is not available, the test says so on stderr and uses the
//! other one; with neither, it fails.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use crate::support::{Running, free_port};
use crate::up::{self, Up, client, drop_make, status};

/// A way to make a data directory refuse writes.
trait Blockade {
    /// What the OS says to a refused write, as the log should show it.
    fn os_error(&self) -> &'static str;
    /// Starts refusing writes.
    fn block(&mut self);
    /// Takes writes again.
    fn clear(&mut self);
}

/// `chattr +i` on the data directory: nothing new can be created in it,
/// even by root.
struct Immutable {
    dir: PathBuf,
    on: bool,
}

impl Immutable {
    /// Whether `chattr +i` works on this file system, tried on a scratch
    /// directory beside `dir`.
    fn available(beside: &Path) -> Result<(), String> {
        let scratch = beside.join("chattr-probe");
        std::fs::create_dir_all(&scratch).map_err(|e| e.to_string())?;
        let result = chattr("+i", &scratch).and_then(|()| {
            let refused = std::fs::write(scratch.join("x"), b"x").is_err();
            chattr("-i", &scratch)?;
            if refused {
                Ok(())
            } else {
                Err("an immutable directory still took a new file".to_owned())
            }
        });
        let _ = std::fs::remove_dir_all(&scratch);
        result
    }
}

/// `program`, run as root: itself when the tests run as root, else
/// through `sudo -n` (never prompting: without sudo rights it fails, and
/// the test says why).
fn as_root(program: &str) -> Command {
    static ROOT: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    let root = *ROOT.get_or_init(|| {
        Command::new("id")
            .arg("-u")
            .output()
            .is_ok_and(|output| output.stdout.trim_ascii() == b"0")
    });
    if root {
        Command::new(program)
    } else {
        let mut command = Command::new("sudo");
        command.arg("-n").arg(program);
        command
    }
}

fn chattr(flag: &str, path: &Path) -> Result<(), String> {
    let output = as_root("chattr")
        .arg(flag)
        .arg(path)
        .output()
        .map_err(|e| format!("cannot run chattr: {e}"))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&output.stderr).into_owned())
    }
}

impl Blockade for Immutable {
    fn os_error(&self) -> &'static str {
        "Operation not permitted"
    }

    fn block(&mut self) {
        chattr("+i", &self.dir).unwrap_or_else(|e| panic!("chattr +i worked a moment ago: {e}"));
        self.on = true;
    }

    fn clear(&mut self) {
        chattr("-i", &self.dir).unwrap_or_else(|e| panic!("chattr -i fails: {e}"));
        self.on = false;
    }
}

impl Drop for Immutable {
    fn drop(&mut self) {
        // The temporary directory cannot be removed while immutable.
        if self.on {
            let _ = chattr("-i", &self.dir);
        }
    }
}

/// A small tmpfs mounted for the test, filled to the last block.
struct FullTmpfs {
    mount_point: PathBuf,
    filler: PathBuf,
}

impl FullTmpfs {
    /// Mounts an 8 MiB tmpfs on `mount_point`, or says why it cannot.
    fn mount(mount_point: &Path) -> Result<FullTmpfs, String> {
        std::fs::create_dir_all(mount_point).map_err(|e| e.to_string())?;
        // World-writable, as /tmp is: `recipe up` may not run as root.
        let output = as_root("mount")
            .args(["-t", "tmpfs", "-o", "size=8m,mode=1777", "recipe-faults"])
            .arg(mount_point)
            .output()
            .map_err(|e| format!("cannot run mount: {e}"))?;
        if !output.status.success() {
            return Err(String::from_utf8_lossy(&output.stderr).into_owned());
        }
        Ok(FullTmpfs {
            mount_point: mount_point.to_path_buf(),
            filler: mount_point.join("filler"),
        })
    }
}

impl Blockade for FullTmpfs {
    fn os_error(&self) -> &'static str {
        "No space left on device"
    }

    fn block(&mut self) {
        let mut file = std::fs::File::create(&self.filler).expect("the filler file is created");
        let chunk = vec![0u8; 64 * 1024];
        loop {
            match file.write_all(&chunk) {
                Ok(()) => {}
                Err(e) if e.raw_os_error() == Some(28) => break,
                Err(e) => panic!("filling the tmpfs failed otherwise: {e}"),
            }
        }
        // The last partial chunk may have left a few bytes' room.
        let _ = file.write_all(&[0u8; 1]);
    }

    fn clear(&mut self) {
        std::fs::remove_file(&self.filler).expect("the filler file is removed");
    }
}

impl Drop for FullTmpfs {
    fn drop(&mut self) {
        // Lazy, so a process still holding a file cannot keep it mounted.
        let _ = as_root("umount").arg("-l").arg(&self.mount_point).status();
    }
}

/// Waits until `/readyz` of `up` answers `want`; the answer's body when it
/// does.
async fn wait_for_readiness(up: &Up, want: u16, within: Duration) -> String {
    wait_for_status(&format!("{}/readyz", up.base), want, within, || {
        up.log_tail()
    })
    .await
}

/// Waits until `url` answers `want`; the answer's body when it does.
async fn wait_for_status(
    url: &str,
    want: u16,
    within: Duration,
    log_tail: impl Fn() -> String,
) -> String {
    let deadline = Instant::now() + within;
    let mut last = None;
    loop {
        if let Ok(response) = client().get(url).send().await {
            let code = response.status().as_u16();
            let body = response.text().await.unwrap_or_default();
            if code == want {
                return body;
            }
            last = Some((code, body));
        }
        assert!(
            Instant::now() < deadline,
            "{url} did not answer {want} within {within:?}; last: {last:?}\n{}",
            log_tail()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// The scenario, whatever blocks the writes: ready, blocked (503 with a
/// JSON reason, the path and OS error in the log, alive, answering),
/// cleared (ready again, and a new make is stored).
async fn unready_while_blocked(data: &Path, log: &Path, blockade: &mut dyn Blockade) {
    let up = up::start(data, free_port(), log).await;
    // The seeded make of recipe 1: the pipeline works.
    up.wait_for_makes(1, Duration::from_secs(60)).await;
    wait_for_readiness(&up, 200, Duration::from_secs(30)).await;

    blockade.block();
    let body = wait_for_readiness(&up, 503, Duration::from_secs(30)).await;
    let reason: serde_json::Value = serde_json::from_str(&body)
        .unwrap_or_else(|e| panic!("/readyz answers JSON when unready ({e}): {body}"));
    assert!(reason["error"].is_string(), "{reason}");

    // Alive and answering: liveness holds, reads work, and a write gets
    // an answer, stored (SQLite may still have room in its journal) or
    // 503, never a hang or an internal error.
    assert_eq!(status(&format!("{}/healthz", up.base)).await, Some(200));
    assert_eq!(
        status(&format!("{}/recipes/1/makes", up.base)).await,
        Some(200)
    );
    let write = client()
        .put(format!("{}/recipes/9", up.base))
        .header("content-type", "application/json")
        .body(r#"{"recipeName": "Toast", "recipeId": 9, "ingredients": [], "steps": []}"#)
        .send()
        .await
        .expect("a write is answered while the data directory refuses writes");
    eprintln!(
        "a write while {:?}: {}",
        blockade.os_error(),
        write.status()
    );
    assert!(
        matches!(write.status().as_u16(), 200 | 201 | 503),
        "a write while blocked: {}\n{}",
        write.status(),
        up.log_tail()
    );
    let logged = std::fs::read_to_string(log).unwrap_or_default();
    if write.status() == 503 {
        // The failed write's own error says what the OS said, beside
        // SQLite's words for it.
        let line = logged
            .lines()
            .find(|l| l.contains("record store failed") && l.contains(blockade.os_error()));
        eprintln!("the failed write logged: {line:?}");
        assert!(
            line.is_some_and(|l| !l.contains('\u{1b}')),
            "the failed write's error names the OS error {:?}, in plain text (no \
             colour codes in a file)\n{}",
            blockade.os_error(),
            up.log_tail()
        );
    }
    let probe = data.join("recipe.sqlite3-write-probe");
    assert!(
        logged.contains(&probe.display().to_string()) && logged.contains(blockade.os_error()),
        "the log names {} and {:?}\n{}",
        probe.display(),
        blockade.os_error(),
        up.log_tail()
    );

    blockade.clear();
    wait_for_readiness(&up, 200, Duration::from_secs(30)).await;
    drop_make(data, 0).expect("a make is dropped once writes are taken again");
    up.wait_for_makes(2, Duration::from_secs(60)).await;
    up.stop();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn read_only_data_directory_turns_unready_then_ready() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let data = dir.path().join("data");
    let log = dir.path().join("up.log");
    match Immutable::available(dir.path()) {
        Ok(()) => {
            let mut blockade = Immutable {
                dir: data.clone(),
                on: false,
            };
            unready_while_blocked(&data, &log, &mut blockade).await;
        }
        Err(why) => {
            eprintln!(
                "FAULT MECHANISM UNAVAILABLE: chattr +i does not work here ({why}); \
                 testing a data directory that refuses writes with a full tmpfs instead"
            );
            let mut tmpfs = FullTmpfs::mount(&dir.path().join("mnt")).unwrap_or_else(|e| {
                panic!("no way to make a directory refuse writes: chattr ({why}), mount ({e})")
            });
            let data = tmpfs.mount_point.join("data");
            unready_while_blocked(&data, &log, &mut tmpfs).await;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn full_data_directory_turns_unready_then_ready() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let log = dir.path().join("up.log");
    match FullTmpfs::mount(&dir.path().join("mnt")) {
        Ok(mut tmpfs) => {
            let data = tmpfs.mount_point.join("data");
            unready_while_blocked(&data, &log, &mut tmpfs).await;
        }
        Err(why) => {
            eprintln!(
                "FAULT MECHANISM UNAVAILABLE: cannot mount a tmpfs here ({why}); \
                 testing a data directory that refuses writes with chattr +i instead"
            );
            let data = dir.path().join("data");
            Immutable::available(dir.path()).unwrap_or_else(|e| {
                panic!("no way to make a directory refuse writes: mount ({why}), chattr ({e})")
            });
            let mut blockade = Immutable {
                dir: data.clone(),
                on: false,
            };
            unready_while_blocked(&data, &log, &mut blockade).await;
        }
    }
}

/// The watcher's own health listener (the sender shares it): ready,
/// unready while its data directory refuses writes, ready again after.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watcher_readiness_follows_its_data_directory() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let log = dir.path().join("watcher.log");
    let (data, mut blockade): (PathBuf, Box<dyn Blockade>) = match Immutable::available(dir.path())
    {
        Ok(()) => {
            let data = dir.path().join("data");
            let blockade = Immutable {
                dir: data.clone(),
                on: false,
            };
            (data, Box::new(blockade))
        }
        Err(why) => {
            eprintln!(
                "FAULT MECHANISM UNAVAILABLE: chattr +i does not work here ({why}); \
                 testing a data directory that refuses writes with a full tmpfs instead"
            );
            let tmpfs = FullTmpfs::mount(&dir.path().join("mnt")).unwrap_or_else(|e| {
                panic!("no way to make a directory refuse writes: chattr ({why}), mount ({e})")
            });
            (tmpfs.mount_point.join("data"), Box::new(tmpfs))
        }
    };
    let port = free_port();
    let file = std::fs::File::create(&log).expect("the log file");
    let _watcher = Running(
        Command::new(env!("CARGO_BIN_EXE_recipe-watcher"))
            .arg("--data-dir")
            .arg(&data)
            .args(["--health-listen", &format!("127.0.0.1:{port}")])
            .env_remove("RECIPE_HEALTH_LISTEN")
            .env("RUST_LOG", "warn")
            .stdin(std::process::Stdio::null())
            .stdout(file.try_clone().expect("the log file clones"))
            .stderr(file)
            .spawn()
            .expect("recipe-watcher starts"),
    );
    let readyz = format!("http://127.0.0.1:{port}/readyz");
    let tail = || std::fs::read_to_string(&log).unwrap_or_default();
    wait_for_status(&readyz, 200, Duration::from_secs(30), tail).await;
    blockade.block();
    let body = wait_for_status(&readyz, 503, Duration::from_secs(30), tail).await;
    assert!(body.contains("cannot be written"), "{body}");
    assert!(
        tail().contains(blockade.os_error()),
        "the log says what the OS said\n{}",
        tail()
    );
    blockade.clear();
    wait_for_status(&readyz, 200, Duration::from_secs(30), tail).await;
}
