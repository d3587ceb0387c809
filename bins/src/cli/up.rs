//! `recipe up`: the whole pipeline in one process on the embedded
//! backends, with no AWS account.
//!
//! The bucket is `DIR/bucket/` (`recipes/` and `makes/` inside); queues and
//! records live in SQLite under `DIR/`. The first run (no recipe in the
//! bucket folder nor in the store) seeds example recipes and makes; later
//! runs resume with their data. Ctrl-C stops receiving,
//! finishes what is in flight, and exits.

use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use recipe_pipeline::sender::{HttpRecipeServer, SenderConfig};
use recipe_pipeline::server::{DEFAULT_MAX_BODY_BYTES, ServerConfig, router, serve};
use recipe_pipeline::watcher::{WatchMode, WatcherConfig};
use recipe_ports::{PageRequest, Unheard};

use crate::assembly::{Assembly, MAX_RECEIVES};
use crate::config::{BackendArgs, LogFormat, RetentionArgs, TimeoutArgs, duration};
use crate::services::server::api_token;

/// Arguments of `recipe up`.
#[derive(Debug, clap::Args)]
pub struct UpArgs {
    /// Where the pipeline keeps its data; drop makes into DIR/bucket/makes/.
    #[arg(
        long,
        env = "RECIPE_DATA_DIR",
        value_name = "DIR",
        default_value = "recipe-data"
    )]
    pub data: PathBuf,
    /// Port of the API.
    #[arg(long, env = "RECIPE_PORT", default_value_t = 8080)]
    pub port: u16,
    /// Address to listen on; the default keeps it on this machine.
    #[arg(long, env = "RECIPE_HOST", default_value = "127.0.0.1")]
    pub host: IpAddr,
    /// Bearer token for writes; without one, writes are open on this host.
    #[arg(long, env = "RECIPE_API_TOKEN", hide_env_values = true)]
    pub api_token: Option<String>,
    /// Follow the bucket folder's filesystem events (inotify, FSEvents,
    /// ReadDirectoryChangesW), so a dropped file is stored at once; with
    /// `false`, the folder is only listed every --poll-interval-ms.
    #[arg(
        long,
        env = "RECIPE_BUCKET_EVENTS",
        default_value_t = true,
        action = clap::ArgAction::Set,
        value_name = "BOOL"
    )]
    pub bucket_events: bool,
    /// With bucket events: how often the whole folder is listed anyway, in
    /// case events were lost without notice (`30s`, `5m`). The folder is
    /// also listed at start-up and whenever the event queue overflows.
    #[arg(
        long,
        env = "RECIPE_SAFETY_POLL_INTERVAL",
        value_parser = duration,
        default_value = "30s"
    )]
    pub safety_poll_interval: Duration,
    /// How often the bucket folder is listed, in milliseconds, when bucket
    /// events are off or cannot be had (an exhausted inotify watch limit).
    #[arg(long, env = "RECIPE_POLL_INTERVAL_MS", default_value_t = 500)]
    pub poll_interval_ms: u64,
    /// Tests only: follow the bucket's events but hear none of them, so
    /// that only the start-up listing and the safety poll find files.
    #[arg(long, env = "RECIPE_IGNORE_BUCKET_EVENTS", hide = true)]
    pub ignore_bucket_events: bool,
    /// Log format.
    #[arg(long, env = "RECIPE_LOG_FORMAT", value_enum, default_value = "text")]
    pub log_format: LogFormat,
    /// How long the API waits for slow clients.
    #[command(flatten)]
    pub timeouts: TimeoutArgs,
    /// How long what is recorded is kept: for ever unless set.
    #[command(flatten)]
    pub retention: RetentionArgs,
}

/// The documents a first run starts with, as (key, body).
const SEED: &[(&str, &str)] = &[
    (
        "recipes/apple-pie.json",
        include_str!("../../seed/recipes/apple-pie.json"),
    ),
    (
        "recipes/pancakes.json",
        include_str!("../../seed/recipes/pancakes.json"),
    ),
    (
        "recipes/tomato-soup.json",
        include_str!("../../seed/recipes/tomato-soup.json"),
    ),
    (
        "makes/2026-11-20-apple-pie.json",
        include_str!("../../seed/makes/2026-11-20-apple-pie.json"),
    ),
    (
        "makes/2026-11-21-pancakes.json",
        include_str!("../../seed/makes/2026-11-21-pancakes.json"),
    ),
    (
        "makes/2026-11-22-tomato-soup.json",
        include_str!("../../seed/makes/2026-11-22-tomato-soup.json"),
    ),
    (
        "makes/2026-11-24-pancakes.json",
        include_str!("../../seed/makes/2026-11-24-pancakes.json"),
    ),
];

/// Threads for blocking work (SQLite, files), beside the async workers.
const BLOCKING_THREADS: usize = 4;

/// Runs the pipeline until Ctrl-C or SIGTERM.
pub fn run(args: &UpArgs) -> Result<()> {
    crate::telemetry::init(args.log_format);
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        // The blocking pool runs SQLite's calls and the bucket's file I/O.
        // Writes take turns on one connection anyway, so more threads than
        // this only wait on its lock; and each thread that allocates may
        // get an allocator arena of its own, which kept the resident set
        // of a burst of 5,000 makes above 30 MB (`BENCHMARKS.md`).
        .max_blocking_threads(BLOCKING_THREADS)
        .build()
        .context("cannot start the async runtime")?
        .block_on(up(args))
}

async fn up(args: &UpArgs) -> Result<()> {
    let assembly = Assembly::new(&BackendArgs::embedded(&args.data));
    assembly.open().await?;
    let bucket_dir = args.data.join("bucket");
    // A store with recipes is no first run, even with an empty bucket
    // folder (a database just restored from a backup, or one fed through
    // the API only): seeding it would write the examples over its recipes
    // 1 to 3 as new versions.
    let seeded = !store_has_recipes(&assembly).await? && seed_if_new(&bucket_dir)?;

    let address = SocketAddr::new(args.host, args.port);
    let listener = tokio::net::TcpListener::bind(address)
        .await
        .with_context(|| format!("cannot listen on {address}: is another `recipe up` running?"))?;
    let url = format!("http://{}", listener.local_addr()?);
    let token = args.api_token.clone().filter(|t| !t.is_empty());
    let shutdown = crate::shutdown::on_signal();

    let state = assembly
        .server_state(ServerConfig {
            api_token: api_token(token.as_deref()),
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            request_timeout: args.timeouts.request_timeout,
            header_read_timeout: args.timeouts.header_read_timeout,
            // The dashboard is served from the API's own origin.
            ..ServerConfig::default()
        })
        .await?;
    // The sender hands its documents to the same router the listener
    // serves, in this process: no socket between two halves of one program.
    let api = router(state.clone());
    let server = tokio::spawn(serve(listener, state, shutdown.clone().cancelled_owned()));
    let mut watcher = assembly
        .watcher(
            WatcherConfig {
                mode: if args.bucket_events {
                    WatchMode::Changes
                } else {
                    WatchMode::Poll { sorted_keys: false }
                },
                poll_interval: Duration::from_millis(args.poll_interval_ms),
                safety_poll_interval: args.safety_poll_interval,
                ..WatcherConfig::default()
            },
            None,
        )
        .await?;
    if args.ignore_bucket_events {
        watcher = watcher.with_changes(Arc::new(Unheard));
    }
    let watching = tokio::spawn({
        let shutdown = shutdown.clone();
        async move { watcher.run(shutdown).await }
    });
    let client = HttpRecipeServer::in_process(api, token);
    let sender = assembly
        .sender(
            Arc::new(client),
            SenderConfig {
                max_receives: MAX_RECEIVES,
                // A laptop's makes wait less for a late recipe: 30 s in all.
                backoff: Duration::from_secs(2),
                ..SenderConfig::default()
            },
        )
        .await?;
    let sending = tokio::spawn(sender.run(shutdown.clone()));
    let sweeping = assembly
        .retention(&args.retention, shutdown.clone())
        .await?;

    println!("recipe up: the pipeline is running.");
    println!("  dashboard and API  {url}/");
    println!("  recipes            {url}/recipes");
    println!(
        "  drop makes into    {}",
        bucket_dir.join("makes").display()
    );
    println!(
        "  and recipes into   {}",
        bucket_dir.join("recipes").display()
    );
    if seeded {
        println!(
            "  seeded {} example documents on this first run",
            SEED.len()
        );
    }
    if let Some(migrated) = assembly.migrated() {
        println!("  migrated this data directory: {migrated}");
    }
    let retention = args.retention.policy();
    if !retention.keeps_everything() {
        println!("  retention          {retention} (older is deleted)");
    }
    println!("Press Ctrl-C to stop.");

    let (served, _, _, _) = tokio::join!(server, watching, sending, sweeping);
    served
        .context("the server task failed")?
        .context("the server failed")?;
    println!("recipe up: stopped; run it again to resume with the same data.");
    Ok(())
}

/// Whether the record store holds any recipe.
async fn store_has_recipes(assembly: &Assembly) -> Result<bool> {
    let first = assembly
        .records()
        .await?
        .recipes_page(&PageRequest::first(1))
        .await
        .context("cannot read the recipes")?;
    Ok(!first.items.is_empty())
}

/// Writes the example documents when the bucket holds no recipe yet.
/// Returns whether it did.
fn seed_if_new(bucket: &Path) -> Result<bool> {
    let recipes = bucket.join("recipes");
    let has_recipes = std::fs::read_dir(&recipes)
        .map(|mut entries| entries.next().is_some())
        .unwrap_or(false);
    if has_recipes {
        return Ok(false);
    }
    for (key, body) in SEED {
        let path = bucket.join(key);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        std::fs::write(&path, body).with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_seed_document_parses_and_every_make_names_a_seeded_recipe() {
        let mut recipe_ids = Vec::new();
        for (key, body) in SEED.iter().filter(|(key, _)| key.starts_with("recipes/")) {
            let recipe = recipe_diff::parse_recipe(body).unwrap_or_else(|e| panic!("{key}: {e}"));
            recipe_ids.push(recipe.recipe_id.expect("seed recipes carry ids"));
        }
        for (key, body) in SEED.iter().filter(|(key, _)| key.starts_with("makes/")) {
            let make = recipe_diff::parse_make(body).unwrap_or_else(|e| panic!("{key}: {e}"));
            let id = make.recipe.recipe_id.expect("seed makes name their recipe");
            assert!(recipe_ids.contains(&id), "{key} names recipe {id}");
        }
    }

    #[test]
    fn seeding_happens_once() {
        let dir = tempfile::tempdir().unwrap();
        assert!(seed_if_new(dir.path()).unwrap());
        assert!(!seed_if_new(dir.path()).unwrap());
        assert!(dir.path().join("makes/2026-11-20-apple-pie.json").exists());
    }
}
