//! `recipe-server`: the REST API of the recipe pipeline.
//!
//! This binary only reads configuration, picks a record store and hands
//! both to [`recipe_pipeline::server::serve`] with a shutdown signal;
//! everything else lives in the library.
//!
//! ```text
//! recipe-server --data-dir ./data --listen 127.0.0.1:8080
//! RECIPE_TABLE=recipes RECIPE_API_TOKEN=… RECIPE_LOG_FORMAT=json recipe-server
//! recipe-server --store memory
//! ```

use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context;
use clap::{Parser, ValueEnum};
use recipe_bins::config::{BackendArgs, CorsArgs, LogFormat, TimeoutArgs};
use recipe_bins::wiring::{RECIPE_CACHE_TIME, Wiring};
use recipe_pipeline::memory::InMemoryRecordStore;
use recipe_pipeline::ports::RecordStore;
use recipe_pipeline::recipe_cache::CachedRecipes;
use recipe_pipeline::server::{ApiToken, AppState, DEFAULT_MAX_BODY_BYTES, ServerConfig, serve};

/// Serve the recipe API: recipes, makes and their differences.
#[derive(Debug, Parser)]
#[command(name = "recipe-server", version, about)]
struct Args {
    #[command(flatten)]
    backend: BackendArgs,

    /// Where records are kept: the configured backend (`--data-dir` or
    /// AWS), or this process's memory (lost when it stops).
    #[arg(long, env = "RECIPE_STORE", value_enum, default_value_t = StoreKind::Backend)]
    store: StoreKind,

    /// Address and port to listen on.
    #[arg(long, env = "RECIPE_LISTEN", default_value = "0.0.0.0:8080")]
    listen: SocketAddr,

    /// Bearer token that writes must present; without one, writes are open.
    // The value never shows in `--help`, whatever the environment holds.
    #[arg(long, env = "RECIPE_API_TOKEN", hide_env_values = true)]
    api_token: Option<String>,

    /// Largest request body accepted, in bytes.
    #[arg(long, env = "RECIPE_MAX_BODY_BYTES", default_value_t = DEFAULT_MAX_BODY_BYTES)]
    max_body_bytes: usize,

    #[command(flatten)]
    timeouts: TimeoutArgs,

    #[command(flatten)]
    cors: CorsArgs,

    /// Log format: text for people, json for log collectors.
    #[arg(long, env = "RECIPE_LOG_FORMAT", value_enum, default_value = "text")]
    log_format: LogFormat,
}

/// The record stores this binary can use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum StoreKind {
    /// The configured backend: SQLite under `--data-dir`, or DynamoDB.
    Backend,
    /// In this process's memory: everything is lost when it stops.
    Memory,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    recipe_bins::telemetry::init(args.log_format);

    let wiring = match args.store {
        StoreKind::Backend => Some(Wiring::new(&args.backend).await?),
        StoreKind::Memory => None,
    };
    let store: Arc<dyn RecordStore> = match &wiring {
        Some(wiring) => wiring.records()?,
        None => {
            tracing::warn!("records are kept in memory and lost when the server stops");
            Arc::new(InMemoryRecordStore::new())
        }
    };
    // An empty variable (`RECIPE_API_TOKEN=`) means no token, not a token
    // that is the empty string.
    let api_token = args
        .api_token
        .as_deref()
        .filter(|token| !token.is_empty())
        .map(ApiToken::new);
    if api_token.is_none() {
        tracing::warn!("no API token is configured: writes are open to anyone who can connect");
    }
    let config = ServerConfig {
        api_token,
        max_body_bytes: args.max_body_bytes,
        request_timeout: args.timeouts.request_timeout,
        header_read_timeout: args.timeouts.header_read_timeout,
        cors_origins: args.cors.origins()?,
    };
    let store = Arc::new(CachedRecipes::new(store, RECIPE_CACHE_TIME));

    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("cannot listen on {}", args.listen))?;
    let shutdown = recipe_bins::shutdown::on_signal();
    serve(listener, AppState::new(store, config), async move {
        shutdown.cancelled().await;
    })
    .await
    .context("the server failed")?;
    if let Some(wiring) = &wiring {
        wiring.log_requests();
    }
    tracing::info!("stopped");
    Ok(())
}
