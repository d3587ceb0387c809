//! A real moto server on a loopback port, started once per test binary.
//!
//! moto is installed by `scripts/python-env` into the repository's `.venv`.
//! The server runs under a small `sh` guard that reads its standard input:
//! when this test binary exits, however it exits, the pipe closes, `read`
//! returns and the guard kills moto, so no server outlives the tests.
//!
//! moto's DynamoDB answers each request on its own thread with no lock: a
//! `TransactWriteItems` deep-copies the table while other requests change
//! it (a 500, "dictionary changed size during iteration"), and a cancelled
//! one puts back that copy over what others wrote meanwhile, losing their
//! writes. DynamoDB itself isolates every write, transactions included, so
//! we start moto with its DynamoDB writes taking one lock
//! ([`SERIALIZED_DYNAMODB`]). Reads stay concurrent (a read may still see
//! a transaction moto has not finished, which our conditions tolerate);
//! S3 and SQS (whose long polls wait) are untouched.
//!
//! That deep copy is also moto's way to roll a cancelled transaction back,
//! and it copies the whole table once per item of every transaction: a
//! make's transaction cost grew with the table, and 500 makes took two
//! minutes. Under the same lock the launcher backs up only the items a
//! transaction names and puts those back when it is cancelled, which is
//! all a cancelled transaction can have changed.

use std::io::Write as _;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use aws_config::BehaviorVersion;
use aws_sdk_s3::config::{Credentials, Region};
use recipe_aws::{Aws, AwsOptions};

/// A running moto server; killed when dropped (or when the binary exits).
pub(crate) struct Moto {
    child: Child,
    /// The guard's standard input: its `read` returns, and moto is
    /// stopped, when we write a line or this end closes.
    guard_input: ChildStdin,
    address: SocketAddr,
}

/// `moto_server`, with every DynamoDB write under one lock, and a
/// cancelled transaction rolled back item by item rather than from a copy
/// of the table (see the module docs): `scripts/moto-server.py`, which the
/// pipeline benchmark runs too. It fails at start, not in a test, should
/// moto move the names it wraps.
const SERIALIZED_DYNAMODB: &str = include_str!("../../../scripts/moto-server.py");

fn repository_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the crate lives inside the workspace")
        .to_path_buf()
}

impl Moto {
    /// Starts a server on a free loopback port and waits until it answers.
    pub(crate) fn start() -> Moto {
        let python = repository_root().join(".venv/bin/python");
        assert!(
            repository_root().join(".venv/bin/moto_server").exists(),
            "{} is missing: run scripts/python-env to install moto",
            python.display()
        );
        // Port 0 finds a free port; the moment between dropping the
        // listener and moto binding it is a race we accept on loopback.
        let address = TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .expect("a free loopback port");
        let log_path =
            Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("moto-{}.log", address.port()));
        let log = std::fs::File::create(&log_path).expect("the moto log file");
        let mut child = Command::new("sh")
            .arg("-c")
            .arg(
                r#""$0" -c "$2" -H 127.0.0.1 -p "$1" & moto=$!; read -r _; kill "$moto"; wait "$moto""#,
            )
            .arg(&python)
            .arg(address.port().to_string())
            .arg(SERIALIZED_DYNAMODB)
            .stdin(Stdio::piped())
            .stdout(log.try_clone().expect("the moto log file"))
            .stderr(log)
            .spawn()
            .expect("sh starts moto_server");
        let stdin = child.stdin.take().expect("stdin was piped");
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if TcpStream::connect_timeout(&address, Duration::from_millis(200)).is_ok() {
                break;
            }
            let exited = child.try_wait().expect("moto's guard can be polled");
            if exited.is_some() || Instant::now() > deadline {
                panic!(
                    "moto_server did not start on {address} ({exited:?}); its log:\n{}",
                    std::fs::read_to_string(&log_path).unwrap_or_default()
                );
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Moto {
            child,
            guard_input: stdin,
            address,
        }
    }

    /// The server shared by every test of this binary.
    pub(crate) fn shared() -> &'static Moto {
        static SHARED: OnceLock<Moto> = OnceLock::new();
        SHARED.get_or_init(Moto::start)
    }

    /// The endpoint URL, as `AWS_ENDPOINT_URL` would give it.
    pub(crate) fn url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// A configuration for this server: fixed fake credentials, region
    /// `us-east-1`, and nothing from the machine's environment or profile,
    /// so no real credential is ever read or sent.
    pub(crate) async fn aws(&self) -> Aws {
        self.aws_with(AwsOptions::default()).await
    }

    /// Like [`Moto::aws`], with `options` (the endpoint is set here).
    pub(crate) async fn aws_with(&self, options: AwsOptions) -> Aws {
        aws_for(&self.url(), options).await
    }

    /// Stops the server now.
    pub(crate) fn stop(self) {
        drop(self);
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        // A line makes the guard's `read` return and kill moto; we wait so
        // the port is closed when `drop` returns.
        let _ = self.guard_input.write_all(b"\n");
        let _ = self.guard_input.flush();
        let _ = self.child.wait();
    }
}

/// A configuration for the server at `url` with fake credentials.
pub(crate) async fn aws_for(url: &str, options: AwsOptions) -> Aws {
    let loader = aws_config::defaults(BehaviorVersion::latest())
        .empty_test_environment()
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new(
            "testing",
            "testing",
            None,
            None,
            "recipe-aws tests",
        ));
    Aws::load_from(
        loader,
        &AwsOptions {
            endpoint_url: Some(url.to_owned()),
            ..options
        },
    )
    .await
}

/// A name no other test of this run uses: buckets, queues and tables are
/// per test.
pub(crate) fn unique(prefix: &str) -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    format!(
        "{prefix}-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}
