//! A small health listener for the services without an API of their own
//! (`recipe-watcher`, `recipe-sender`), so Kubernetes can probe them like
//! the server: `GET /healthz` answers 200 while the process runs, and
//! `GET /readyz` answers 200 once its ports are built, 503 before that and
//! again once shutdown has begun (the process is draining).

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::Context;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use tokio_util::sync::CancellationToken;

/// Where the health listener listens.
#[derive(Debug, Clone, clap::Args)]
pub struct HealthArgs {
    /// Address and port of the health listener (`/healthz`, `/readyz`).
    #[arg(long, env = "RECIPE_HEALTH_LISTEN", default_value = "0.0.0.0:9090")]
    pub health_listen: SocketAddr,
}

/// The switch behind `/readyz`: the binary turns it on once its ports are
/// built.
#[derive(Debug, Clone)]
pub struct Readiness {
    ready: Arc<AtomicBool>,
    shutdown: CancellationToken,
}

impl Readiness {
    /// Marks the process ready.
    pub fn set_ready(&self) {
        self.ready.store(true, Ordering::Relaxed);
    }

    /// Ready: the ports are built and no shutdown has begun.
    pub fn is_ready(&self) -> bool {
        self.ready.load(Ordering::Relaxed) && !self.shutdown.is_cancelled()
    }
}

/// Binds `address` and serves the probes in the background until the
/// process exits. Binding happens here, so a taken port fails start-up
/// rather than every probe. Once `shutdown` is cancelled, `/readyz`
/// answers 503 while `/healthz` keeps answering 200: the process is
/// draining, not stuck.
pub async fn listen(address: SocketAddr, shutdown: CancellationToken) -> anyhow::Result<Readiness> {
    let listener = tokio::net::TcpListener::bind(address)
        .await
        .with_context(|| format!("cannot listen for health probes on {address}"))?;
    let readiness = Readiness {
        ready: Arc::default(),
        shutdown,
    };
    let app = Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .with_state(readiness.clone());
    tokio::spawn(async move {
        if let Err(error) = axum::serve(listener, app).await {
            tracing::error!(%error, "the health listener failed");
        }
    });
    Ok(readiness)
}

async fn readyz(State(readiness): State<Readiness>) -> (StatusCode, &'static str) {
    if readiness.is_ready() {
        (StatusCode::OK, "ready")
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "not ready")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readiness_follows_the_switch_and_the_shutdown() {
        let shutdown = CancellationToken::new();
        let readiness = Readiness {
            ready: Arc::default(),
            shutdown: shutdown.clone(),
        };
        assert!(!readiness.is_ready());
        readiness.set_ready();
        assert!(readiness.is_ready());
        shutdown.cancel();
        assert!(!readiness.is_ready());
    }
}
