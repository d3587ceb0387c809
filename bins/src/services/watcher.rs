//! `recipe-watcher`: announces every new object in the bucket, once per
//! version, as a claim check on the queue.

use std::time::Duration;

use anyhow::Result;
use recipe_pipeline::watcher::{WatchMode, WatcherConfig};

use crate::assembly::Assembly;
use crate::config::{BackendArgs, LogFormat, duration, millis};
use crate::health::HealthArgs;

/// Announces new recipes and makes in the bucket on the claim-check queue.
#[derive(Debug, clap::Parser)]
#[command(name = "recipe-watcher", version, about)]
pub struct WatcherArgs {
    #[command(flatten)]
    backend: BackendArgs,
    /// How new objects are found: `poll` lists the bucket, `events` reads S3
    /// notifications from --events-queue-url, `changes` follows a local
    /// bucket's filesystem events (with a listing at start-up and every
    /// --safety-poll-interval).
    #[arg(long, env = "RECIPE_WATCH_MODE", value_enum, default_value = "poll")]
    mode: Mode,
    /// Poll mode: keys arrive in sorted order (timestamped keys), so polls
    /// resume after a durable checkpoint; a full listing still runs at
    /// start-up and every --full-scan-every polls.
    #[arg(long, env = "RECIPE_SORTED_KEYS")]
    sorted_keys: bool,
    /// Poll mode: pause between polls, in milliseconds.
    #[arg(long, env = "RECIPE_POLL_INTERVAL_MS", value_parser = millis, default_value = "2000")]
    poll_interval_ms: Duration,
    /// Sorted-keys mode: list everything again every this many polls.
    #[arg(long, env = "RECIPE_FULL_SCAN_EVERY", default_value_t = 60)]
    full_scan_every: u32,
    /// Changes mode: how often the whole bucket is listed anyway, in case
    /// events were lost without notice (`30s`, `5m`).
    #[arg(long, env = "RECIPE_SAFETY_POLL_INTERVAL", value_parser = duration, default_value = "30s")]
    safety_poll_interval: Duration,
    /// Events mode: the SQS queue S3 sends ObjectCreated notifications to.
    #[arg(long, env = "RECIPE_EVENTS_QUEUE_URL")]
    events_queue_url: Option<String>,
    /// Log format.
    #[arg(long, env = "RECIPE_LOG_FORMAT", value_enum, default_value = "text")]
    log_format: LogFormat,
    #[command(flatten)]
    health: HealthArgs,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Mode {
    Poll,
    Events,
    Changes,
}

/// Runs the watcher until SIGTERM.
pub async fn run(args: WatcherArgs) -> Result<()> {
    crate::telemetry::init(args.log_format);
    let shutdown = crate::shutdown::on_signal();
    let assembly = Assembly::new(&args.backend);
    let readiness = super::start_background(&args.health, &assembly, &shutdown).await?;
    let config = WatcherConfig {
        prefixes: args.backend.prefixes(),
        mode: match args.mode {
            Mode::Poll => WatchMode::Poll {
                sorted_keys: args.sorted_keys,
            },
            Mode::Events => WatchMode::Events,
            Mode::Changes => WatchMode::Changes,
        },
        poll_interval: args.poll_interval_ms,
        full_scan_every: args.full_scan_every,
        safety_poll_interval: args.safety_poll_interval,
        ..WatcherConfig::default()
    };
    let watcher = assembly
        .watcher(config, args.events_queue_url.as_deref())
        .await?;
    readiness.set_ready();
    watcher.run(shutdown).await;
    assembly.log_requests();
    Ok(())
}
