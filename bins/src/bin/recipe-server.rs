//! `recipe-server`: the REST API of the recipe pipeline.
//!
//! This binary only reads configuration, picks a record store and hands
//! both to [`recipe_pipeline::server::serve`] with a shutdown signal;
//! everything else lives in the library.
//!
//! ```text
//! recipe-server --store memory --listen 127.0.0.1:8080
//! RECIPE_API_TOKEN=… RECIPE_LOG_FORMAT=json recipe-server
//! ```

use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context;
use clap::{Parser, ValueEnum};
use recipe_pipeline::memory::InMemoryRecordStore;
use recipe_pipeline::ports::RecordStore;
use recipe_pipeline::server::{ApiToken, AppState, DEFAULT_MAX_BODY_BYTES, ServerConfig, serve};
use tracing_subscriber::EnvFilter;

/// Serve the recipe API: recipes, makes and their differences.
#[derive(Debug, Parser)]
#[command(version)]
struct Args {
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

    /// Where records are kept.
    #[arg(long, env = "RECIPE_STORE", value_enum, default_value_t = StoreKind::Memory)]
    store: StoreKind,

    /// Log format: text for people, json for log collectors.
    #[arg(long, env = "RECIPE_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    log_format: LogFormat,
}

/// The record stores this binary can use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum StoreKind {
    /// In this process's memory: everything is lost when it stops.
    Memory,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    init_logging(args.log_format);

    let store: Arc<dyn RecordStore> = match args.store {
        StoreKind::Memory => {
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
    };

    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("cannot listen on {}", args.listen))?;
    serve(listener, AppState::new(store, config), shutdown_signal())
        .await
        .context("the server failed")?;
    tracing::info!("stopped");
    Ok(())
}

fn init_logging(format: LogFormat) {
    // `RUST_LOG` refines the level; the default is informative but quiet.
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    match format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder.json().init(),
    }
}

/// Completes on Ctrl-C or SIGTERM (what Kubernetes sends), so requests in
/// flight finish before the process exits.
async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            // Without the handler we must not shut down at once; SIGTERM
            // may still work.
            tracing::warn!(%error, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut terminate) => {
                terminate.recv().await;
            }
            Err(error) => {
                tracing::warn!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();

    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
    tracing::info!("shutting down: finishing requests in flight");
}
