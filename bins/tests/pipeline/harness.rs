//! Runs the real binaries as processes against a deployment, and reads the
//! results back from its stores.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use recipe_ports::records::MakeRecord;
use recipe_ports::{ObjectStore, RecordStore};

use crate::support::free_port;

/// A boxed future, for the deployment's readers.
pub(crate) type BoxFuture<T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send>>;

/// Reads a dead-letter queue: each message's body and reason.
pub(crate) type DeadLetterReader = Box<dyn Fn() -> BoxFuture<Vec<(String, String)>> + Send + Sync>;

/// A service binary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Service {
    Server,
    Watcher,
    Sender,
}

impl Service {
    fn binary(self) -> &'static str {
        match self {
            Service::Server => env!("CARGO_BIN_EXE_recipe-server"),
            Service::Watcher => env!("CARGO_BIN_EXE_recipe-watcher"),
            Service::Sender => env!("CARGO_BIN_EXE_recipe-sender"),
        }
    }

    fn name(self) -> &'static str {
        match self {
            Service::Server => "server",
            Service::Watcher => "watcher",
            Service::Sender => "sender",
        }
    }
}

/// The environment of the pipeline's binaries on AWS-compatible services
/// at `endpoint` (moto, or a proxy in front of it): test credentials and
/// nothing beyond loopback (no instance metadata, no profile files).
pub(crate) fn aws_env(
    endpoint: &str,
    bucket: &str,
    queue_url: &str,
    dead_letter_url: &str,
    table: &str,
) -> Vec<(String, String)> {
    let mut env = aws_client_env(endpoint);
    env.extend(env_pairs(&[
        ("RECIPE_BUCKET", bucket),
        ("RECIPE_QUEUE_URL", queue_url),
        ("RECIPE_DLQ_URL", dead_letter_url),
        ("RECIPE_TABLE", table),
    ]));
    env
}

/// The environment of an AWS client reaching AWS-compatible services at
/// `endpoint`, with test credentials and nothing beyond loopback.
pub(crate) fn aws_client_env(endpoint: &str) -> Vec<(String, String)> {
    env_pairs(&[
        ("AWS_ENDPOINT_URL", endpoint),
        ("AWS_ACCESS_KEY_ID", "testing"),
        ("AWS_SECRET_ACCESS_KEY", "testing"),
        ("AWS_REGION", "us-east-1"),
        ("AWS_EC2_METADATA_DISABLED", "true"),
        ("AWS_CONFIG_FILE", "/dev/null"),
        ("AWS_SHARED_CREDENTIALS_FILE", "/dev/null"),
    ])
}

fn env_pairs(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

/// Where the pipeline runs, and how a test reaches its stores directly.
pub(crate) struct Deployment {
    /// Environment for every binary (backend selection and names).
    pub(crate) env: Vec<(String, String)>,
    /// The bucket, to drop documents in.
    pub(crate) bucket: Arc<dyn ObjectStore>,
    /// The record store, to count what arrived.
    pub(crate) records: Arc<dyn RecordStore>,
    /// Reads the dead-letter queue: bodies and reasons.
    pub(crate) dead_letters: DeadLetterReader,
    /// Holds temporary directories for as long as the deployment lives.
    pub(crate) scratch: tempfile::TempDir,
}

/// The three services of one pipeline, as processes.
pub(crate) struct Pipeline {
    pub(crate) deployment: Deployment,
    pub(crate) port: u16,
    extra_env: Vec<(String, String)>,
    children: Vec<(Service, Child)>,
}

impl Pipeline {
    /// A pipeline on `deployment`; no process runs yet.
    pub(crate) fn new(deployment: Deployment) -> Self {
        let port = free_port();
        Pipeline {
            deployment,
            port,
            extra_env: Vec::new(),
            children: Vec::new(),
        }
    }

    /// Sets an environment variable for processes started from now on.
    pub(crate) fn set_env(&mut self, key: &str, value: &str) {
        self.extra_env.push((key.to_owned(), value.to_owned()));
    }

    pub(crate) fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn log_path(&self, service: Service) -> PathBuf {
        self.deployment
            .scratch
            .path()
            .join(format!("{}.log", service.name()))
    }

    /// Starts a service; the server is waited for until it answers.
    pub(crate) async fn start(&mut self, service: Service) {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.log_path(service))
            .expect("log file opens");
        let child = Command::new(service.binary())
            .envs(self.deployment.env.iter().cloned())
            .env("RECIPE_LISTEN", format!("127.0.0.1:{}", self.port))
            .env("RECIPE_SERVER_URL", self.base_url())
            .env("RECIPE_POLL_INTERVAL_MS", "200")
            // Short retries, so a make for an unknown recipe is
            // dead-lettered within the test's patience (1+2+4+8 s).
            .env("RECIPE_RETRY_BACKOFF_MS", "1000")
            // Tests run many deployments at once: no fixed health port.
            .env("RECIPE_HEALTH_LISTEN", "127.0.0.1:0")
            .env("RUST_LOG", "info")
            .envs(self.extra_env.iter().cloned())
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("log file clones"))
            .stderr(log)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", service.name()));
        self.children.push((service, child));
        if service == Service::Server {
            self.wait_until_healthy().await;
        }
    }

    /// Starts all three services.
    pub(crate) async fn start_all(&mut self) {
        self.start(Service::Server).await;
        self.start(Service::Watcher).await;
        self.start(Service::Sender).await;
    }

    async fn wait_until_healthy(&self) {
        let url = format!("{}/healthz", self.base_url());
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if let Ok(response) = reqwest::get(&url).await
                && response.status().is_success()
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the server did not become healthy:\n{}", self.logs());
    }

    /// Kills a service at once (SIGKILL): no chance to finish anything.
    pub(crate) fn kill(&mut self, service: Service) {
        for (s, child) in &mut self.children {
            if *s == service {
                let _ = child.kill();
                let _ = child.wait();
            }
        }
        self.children.retain(|(s, _)| *s != service);
    }

    /// Asks a service to stop (SIGTERM) and waits for it to exit.
    pub(crate) fn terminate(&mut self, service: Service) -> std::process::ExitStatus {
        let index = self
            .children
            .iter()
            .position(|(s, _)| *s == service)
            .expect("the service is running");
        let (_, mut child) = self.children.remove(index);
        let _ = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status();
        child.wait().expect("the service exits")
    }

    /// Puts a document in the bucket.
    pub(crate) async fn drop_document(&self, key: &str, body: impl Into<Vec<u8>>) {
        self.deployment
            .bucket
            .put(key, body.into())
            .await
            .unwrap_or_else(|e| panic!("cannot put {key}: {e}"));
    }

    /// Every make of a recipe in the store.
    pub(crate) async fn makes(&self, recipe_id: i64) -> Vec<MakeRecord> {
        self.deployment
            .records
            .makes(recipe_id)
            .await
            .expect("the store answers")
    }

    /// Waits until `recipe_id` has `count` makes, then a little longer to
    /// see that no duplicate follows; panics with the logs otherwise.
    pub(crate) async fn expect_makes(
        &self,
        recipe_id: i64,
        count: usize,
        within: Duration,
    ) -> Vec<MakeRecord> {
        let deadline = Instant::now() + within;
        loop {
            let makes = self.makes(recipe_id).await;
            if makes.len() >= count || Instant::now() > deadline {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
        let makes = self.makes(recipe_id).await;
        if makes.len() != count {
            panic!(
                "expected exactly {count} makes of recipe {recipe_id}, found {}\n{}",
                makes.len(),
                self.logs()
            );
        }
        makes
    }

    /// Waits until the dead-letter queue holds `count` messages.
    pub(crate) async fn expect_dead_letters(
        &self,
        count: usize,
        within: Duration,
    ) -> Vec<(String, String)> {
        let deadline = Instant::now() + within;
        loop {
            let letters = (self.deployment.dead_letters)().await;
            if letters.len() >= count {
                return letters;
            }
            if Instant::now() > deadline {
                panic!(
                    "expected {count} dead letters, found {}: {letters:?}\n{}",
                    letters.len(),
                    self.logs()
                );
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// The tail of every service's log, for failure messages.
    pub(crate) fn logs(&self) -> String {
        [Service::Server, Service::Watcher, Service::Sender]
            .iter()
            .map(|&s| format!("--- {} ---\n{}", s.name(), tail(&self.log_path(s), 40)))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

impl Drop for Pipeline {
    fn drop(&mut self) {
        for (_, child) in &mut self.children {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn tail(path: &Path, lines: usize) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}
