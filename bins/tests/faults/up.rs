//! `recipe up` as the fault tests drive it: logged to a file, makes
//! dropped the way `mv` drops them, the API and the SQLite file read back.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use crate::scenarios;
use crate::support::{Running, up_command};

/// A `recipe up` process and where it logs.
pub(crate) struct Up {
    pub(crate) process: Running,
    pub(crate) log: PathBuf,
    pub(crate) base: String,
}

/// Starts `recipe up` on `data` and `port`, polling the bucket fast, its
/// output appended to `log`; waits until its API answers.
pub(crate) async fn start(data: &Path, port: u16, log: &Path) -> Up {
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log)
        .expect("the log file opens");
    let process = Running(
        up_command(data, port)
            .env("RUST_LOG", "warn")
            .stdout(file.try_clone().expect("the log file clones"))
            .stderr(file)
            .spawn()
            .expect("recipe up starts"),
    );
    let up = Up {
        process,
        log: log.to_path_buf(),
        base: format!("http://127.0.0.1:{port}"),
    };
    let deadline = Instant::now() + Duration::from_secs(60);
    while status(&format!("{}/healthz", up.base)).await != Some(200) {
        assert!(
            Instant::now() < deadline,
            "recipe up did not answer within 60 s\n{}",
            up.log_tail()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    up
}

impl Up {
    /// SIGKILL: no chance to finish anything.
    pub(crate) fn kill(mut self) {
        self.process.0.kill().expect("recipe up can be killed");
        self.process.0.wait().expect("recipe up can be waited for");
    }

    /// SIGTERM, and the clean exit it promises.
    pub(crate) fn stop(mut self) {
        let pid = self.process.0.id().to_string();
        assert!(
            Command::new("kill")
                .args(["-TERM", &pid])
                .status()
                .expect("kill runs")
                .success()
        );
        let status = self.process.0.wait().expect("recipe up can be waited for");
        assert!(
            status.success(),
            "recipe up exits cleanly on SIGTERM: {status}\n{}",
            self.log_tail()
        );
    }

    /// The makes of recipe 1 the API lists, or `None` when it does not
    /// answer with a list.
    pub(crate) async fn count_makes(&self) -> Option<usize> {
        let mut count = 0;
        let mut cursor: Option<String> = None;
        loop {
            let mut url = format!("{}/recipes/1/makes?limit=100", self.base);
            if let Some(cursor) = &cursor {
                url.push_str(&format!("&cursor={cursor}"));
            }
            let response = client().get(url).send().await.ok()?;
            if !response.status().is_success() {
                return None;
            }
            let page: serde_json::Value =
                serde_json::from_str(&response.text().await.ok()?).ok()?;
            count += page["items"].as_array()?.len();
            match page["nextCursor"].as_str() {
                Some(next) => cursor = Some(next.to_owned()),
                None => return Some(count),
            }
        }
    }

    /// Waits until the API lists at least `count` makes of recipe 1.
    pub(crate) async fn wait_for_makes(&self, count: usize, within: Duration) -> usize {
        match self.try_wait_for_makes(count, within).await {
            Ok(found) => found,
            Err(found) => panic!(
                "recipe up did not store {count} makes within {within:?} (found {found:?})\n{}",
                self.log_tail()
            ),
        }
    }

    /// Waits until the API lists at least `count` makes of recipe 1;
    /// otherwise what it last listed.
    pub(crate) async fn try_wait_for_makes(
        &self,
        count: usize,
        within: Duration,
    ) -> Result<usize, Option<usize>> {
        let deadline = Instant::now() + within;
        loop {
            let found = self.count_makes().await;
            if let Some(found) = found
                && found >= count
            {
                return Ok(found);
            }
            if Instant::now() > deadline {
                return Err(found);
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The last lines of the log, for failure messages.
    pub(crate) fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        format!(
            "--- recipe up log ---\n{}",
            lines[lines.len().saturating_sub(40)..].join("\n")
        )
    }
}

/// A client whose requests give up: a hung server fails the test with a
/// message instead of hanging it.
pub(crate) fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .expect("a reqwest client")
}

/// The status `url` answers with, if it answers.
pub(crate) async fn status(url: &str) -> Option<u16> {
    client()
        .get(url)
        .send()
        .await
        .ok()
        .map(|r| r.status().as_u16())
}

/// The bucket key of fault-test make `n`.
pub(crate) fn make_key(n: usize) -> String {
    format!("makes/fault-{n:03}.json")
}

/// Drops make `n` into the bucket folder as `mv` would: written under a
/// hidden name (listings skip those), then renamed into place, so the
/// watcher never meets half a file.
pub(crate) fn drop_make(data: &Path, n: usize) -> std::io::Result<()> {
    let makes = data.join("bucket/makes");
    let hidden = makes.join(format!(".fault-{n:03}.json.part"));
    // Numbered from 1000: the seeded makes use the small make ids.
    std::fs::write(&hidden, scenarios::make(1000 + n))?;
    std::fs::rename(&hidden, data.join("bucket").join(make_key(n)))
}
