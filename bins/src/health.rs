//! A small health listener for the services without an API of their own
//! (`recipe-watcher`, `recipe-sender`), so Kubernetes can probe them like
//! the server: `GET /healthz` answers 200 while the process runs, and
//! `GET /readyz` answers 200 once its ports are built, 503 before that and
//! again once shutdown has begun (the process is draining). On the
//! embedded backends it also answers 503 while the data directory cannot
//! be written (read-only or full): the process is alive, but its work
//! cannot be done.

use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

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

/// A check `/readyz` runs on every probe once the process is ready; an
/// error says why the backend cannot be written.
pub type WriteProbe =
    Arc<dyn Fn() -> Pin<Box<dyn Future<Output = Result<(), String>> + Send>> + Send + Sync>;

/// Why a service holds its work until an operator acts (a refused API
/// token); `None` while it does not. `/readyz` answers 503 with the reason.
pub type HoldReason = Arc<dyn Fn() -> Option<String> + Send + Sync>;

/// The switch behind `/readyz`: the binary turns it on once its ports are
/// built.
#[derive(Clone)]
pub struct Readiness {
    ready: Arc<AtomicBool>,
    shutdown: CancellationToken,
    /// Set once, by the binary, when its backend can refuse writes.
    probe: Arc<OnceLock<WriteProbe>>,
    /// Set once, by a service that can be held up by its configuration.
    hold: Arc<OnceLock<HoldReason>>,
}

impl std::fmt::Debug for Readiness {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Readiness")
            .field("ready", &self.ready)
            .field("shutdown", &self.shutdown)
            .field("probe", &self.probe.get().is_some())
            .field("hold", &self.hold.get().is_some())
            .finish()
    }
}

impl Readiness {
    /// Marks the process ready.
    pub fn set_ready(&self) {
        self.ready.store(true, Ordering::Relaxed);
    }

    /// Adds a write check to every `/readyz` (a second call changes
    /// nothing).
    pub fn set_probe(&self, probe: WriteProbe) {
        let _ = self.probe.set(probe);
    }

    /// Adds a hold to every `/readyz`: while it gives a reason, the
    /// process is not ready and says why (a second call changes nothing).
    pub fn set_hold(&self, hold: HoldReason) {
        let _ = self.hold.set(hold);
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
        probe: Arc::default(),
        hold: Arc::default(),
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

async fn readyz(State(readiness): State<Readiness>) -> (StatusCode, String) {
    if !readiness.is_ready() {
        return (StatusCode::SERVICE_UNAVAILABLE, "not ready".to_owned());
    }
    if let Some(hold) = readiness.hold.get()
        && let Some(reason) = hold()
    {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            format!("not ready: {reason}"),
        );
    }
    if let Some(probe) = readiness.probe.get()
        && let Err(error) = probe().await
    {
        // The details (path, OS error) go to the log, not to the prober.
        tracing::warn!(%error, "not ready: the backend cannot be written");
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            "not ready: the backend cannot be written".to_owned(),
        );
    }
    (StatusCode::OK, "ready".to_owned())
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
            probe: Arc::default(),
            hold: Arc::default(),
        };
        assert!(!readiness.is_ready());
        readiness.set_ready();
        assert!(readiness.is_ready());
        shutdown.cancel();
        assert!(!readiness.is_ready());
    }

    #[tokio::test]
    async fn a_hold_makes_readyz_say_why() {
        let readiness = Readiness {
            ready: Arc::default(),
            shutdown: CancellationToken::new(),
            probe: Arc::default(),
            hold: Arc::default(),
        };
        readiness.set_ready();
        let reason = Arc::new(std::sync::Mutex::new(Some(
            "the token is refused".to_owned(),
        )));
        let held = Arc::clone(&reason);
        readiness.set_hold(Arc::new(move || held.lock().unwrap().clone()));
        assert_eq!(
            readyz(State(readiness.clone())).await,
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "not ready: the token is refused".to_owned()
            )
        );
        *reason.lock().unwrap() = None;
        assert_eq!(
            readyz(State(readiness)).await,
            (StatusCode::OK, "ready".to_owned())
        );
    }
}
