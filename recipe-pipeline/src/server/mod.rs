//! The HTTP server: the REST API over a [`RecordStore`].
//!
//! ```text
//!  request ─► security headers ─► request id ─► trace span ─► CORS (if configured)
//!          ─► error shape + metrics ─► auth (writes) ─► handler ─► ingest ─► store
//! ```
//!
//! - [`router`] builds the axum [`Router`]; [`serve`] runs it on a listener
//!   until a shutdown future completes, so binaries pass a signal and tests
//!   pass a listener on port 0;
//! - slow clients are cut off twice over: a connection that does not
//!   finish its headers within [`ServerConfig::header_read_timeout`] is
//!   closed, and a request not answered within
//!   [`ServerConfig::request_timeout`] (a body trickled in a byte at a
//!   time, say) answers 408 in the API's error shape;
//! - `recipes`, `makes` and `operations` hold the handlers, thin wrappers
//!   around [`crate::ingest`] and the store; `diff` answers `POST /diff`
//!   from [`crate::preview`], storing nothing;
//! - [`ApiError`] is the one error type: every failure, axum's own
//!   rejections included, answers `{"error": …, "path": …}`;
//! - [`ApiToken`] guards writes when configured; reads are open, and so
//!   is `POST /diff`, which writes nothing;
//! - [`Metrics`] are served at `/metrics` in Prometheus text;
//! - `security` adds the security headers to every response, gives every
//!   request an id (`x-request-id`, in its log lines and its response) and
//!   answers CORS only for the origins configured;
//! - the OpenAPI document at `/openapi.json` is generated from the handlers'
//!   annotations and the schemas the answered types derive (`recipe-diff`'s
//!   with its `openapi` feature); `schema` holds the API's own: the request
//!   documents, which read more than the canonical form, and the answers
//!   routes share;
//! - `analytics` serves [`crate::analytics`] summaries, `dashboard` the web
//!   dashboard at `/` (HTML, CSS and JS embedded in the binary).
//!
//! ## Example
//!
//! ```no_run
//! use std::sync::Arc;
//! use recipe_ports::memory::InMemoryRecordStore;
//! use recipe_pipeline::server::{AppState, ServerConfig, serve};
//!
//! # async fn run() -> std::io::Result<()> {
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
//! let state = AppState::new(Arc::new(InMemoryRecordStore::new()), ServerConfig::default());
//! let shutdown = async { /* a signal, a channel, … */ };
//! serve(listener, state, shutdown).await
//! # }
//! ```

mod analytics;
mod auth;
mod dashboard;
mod diff;
mod error;
mod extract;
mod makes;
mod metrics;
mod operations;
mod params;
mod recipes;
mod schema;
mod security;
mod versions;

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use auth::BearerScheme;
use recipe_ports::RecordStore;

pub use auth::ApiToken;
pub use error::{ApiError, ErrorBody};
pub use metrics::Metrics;

/// The request body limit when none is configured: 1 MiB, far above any
/// recipe a person writes, far below what could hurt the server.
pub const DEFAULT_MAX_BODY_BYTES: usize = 1024 * 1024;

/// How long a request may take when nothing else is configured: a make is
/// diffed in milliseconds, so 30 s only runs out for a client that sends
/// its body slowly on purpose, or a store that is stuck.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// How long a client may take over a request's headers when nothing else
/// is configured (hyper's own default, made explicit).
pub const DEFAULT_HEADER_READ_TIMEOUT: Duration = Duration::from_secs(30);

/// What an operator configures.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// The bearer token writes must present; `None` leaves writes open
    /// (for a laptop, never for a shared deployment).
    pub api_token: Option<ApiToken>,
    /// Largest request body accepted; larger ones get 413.
    pub max_body_bytes: usize,
    /// How long a request may take from its headers to its response,
    /// reading the body included; slower ones answer 408. Without it a
    /// client trickling its body a byte a second holds its connection and
    /// its buffer for as long as it likes.
    pub request_timeout: Duration,
    /// How long a connection may take to send a request's headers (and,
    /// on a kept-alive connection, to start the next request) before it is
    /// closed without an answer: the request timeout only starts once the
    /// headers are in.
    pub header_read_timeout: Duration,
    /// Origins (`https://cook.example`) whose pages may call the API from
    /// a browser. Empty, the default, answers no CORS at all: no page on
    /// another origin can read a response.
    pub cors_origins: Vec<HeaderValue>,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            api_token: None,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            request_timeout: DEFAULT_REQUEST_TIMEOUT,
            header_read_timeout: DEFAULT_HEADER_READ_TIMEOUT,
            cors_origins: Vec::new(),
        }
    }
}

/// What every handler shares: the store, the configuration and the
/// metrics. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    store: Arc<dyn RecordStore>,
    config: Arc<ServerConfig>,
    metrics: Arc<Metrics>,
}

impl AppState {
    /// State over `store` with fresh metrics.
    pub fn new(store: Arc<dyn RecordStore>, config: ServerConfig) -> Self {
        AppState {
            store,
            config: Arc::new(config),
            metrics: Arc::new(Metrics::new()),
        }
    }

    /// The metrics this state counts into, for a caller that serves them
    /// elsewhere or inspects them.
    pub fn metrics(&self) -> &Arc<Metrics> {
        &self.metrics
    }
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

/// The OpenAPI document's frame; the paths and their schemas come from the
/// handlers registered in [`router`].
#[derive(OpenApi)]
#[openapi(
    info(
        title = "recipe-diff server",
        description = "Recipes, the makes cooked from them, and the differences between the two.\n\n\
            Any request not answered within the server's request timeout (30 s unless \
            configured), a body sent too slowly for instance, answers 408 with the usual \
            error body."
    ),
    modifiers(&BearerScheme),
    tags(
        (name = "recipes", description = "Original recipes"),
        (name = "versions", description = "A recipe's history: every version, and how each changed the one before"),
        (name = "makes", description = "Makes of a recipe, pinned to the version they were cooked from, and their differences"),
        (name = "analytics", description = "What the makes of a recipe, and of all recipes, say together"),
        (name = "operations", description = "Health, readiness, metrics, refusals and this document")
    )
)]
struct ApiDoc;

/// The API's OpenAPI 3 document, as `/openapi.json` serves it.
pub fn openapi() -> utoipa::openapi::OpenApi {
    split_api_routes().1
}

/// The routes, and their document with what every operation shares
/// added: modifiers of [`ApiDoc`] run before the routes are registered,
/// so these run after.
fn split_api_routes() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let (routes, mut api) = api_routes().split_for_parts();
    utoipa::Modify::modify(&security::RequestIdDoc, &mut api);
    (routes, api)
}

/// Every route with its documentation: one list, so the router and the
/// document cannot disagree.
fn api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(recipes::create, recipes::update, recipes::list))
        .routes(routes!(recipes::replace, recipes::read))
        .routes(routes!(makes::create, makes::list))
        .routes(routes!(makes::create_named))
        .routes(routes!(makes::read))
        .routes(routes!(makes::differences))
        .routes(routes!(versions::list, versions::promote_make))
        .routes(routes!(versions::read))
        .routes(routes!(versions::differences))
        .routes(routes!(diff::preview_differences))
        .routes(routes!(analytics::recipe))
        .routes(routes!(analytics::suggestions))
        .routes(routes!(analytics::overview))
        .routes(routes!(operations::rejections))
        .routes(routes!(operations::healthz))
        .routes(routes!(operations::readyz))
        .routes(routes!(operations::check_token))
        .routes(routes!(operations::metrics))
        .routes(routes!(operations::openapi))
}

/// The API's router, with its OpenAPI document at `/openapi.json`.
pub fn router(state: AppState) -> Router {
    let (routes, api) = split_api_routes();

    let max_body_bytes = state.config.max_body_bytes;
    let request_timeout = state.config.request_timeout;
    let cors = security::cors(&state.config.cors_origins);
    let router = routes
        .merge(dashboard::routes())
        // Only matched routes check the token, so an unknown path is a 404
        // whatever the caller holds.
        .route_layer(middleware::from_fn_with_state(
            state.clone(),
            auth::require_token,
        ))
        .fallback(operations::not_found)
        .method_not_allowed_fallback(operations::method_not_allowed)
        .layer(DefaultBodyLimit::max(max_body_bytes))
        .layer(axum::Extension(Arc::new(api)))
        // Inside `render_errors`, which gives the bare 408 our JSON shape.
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            request_timeout,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            error::render_errors,
        ));
    // Outside the error shape, so a preflight is answered before any
    // route's method check; absent unless origins are configured.
    let router = match cors {
        Some(cors) => router.layer(cors),
        None => router,
    };
    let router = router.layer(
        TraceLayer::new_for_http()
            .make_span_with(request_span)
            .on_response(DefaultOnResponse::new().level(Level::INFO)),
    );
    // Outermost: the span needs the request's id, and every response,
    // whatever answered it, gets its id and the security headers.
    security::with_security_headers(security::with_request_ids(router)).with_state(state)
}

/// One span per request: method, path, route and the request's id, so
/// every log line of the request carries them. Other headers stay out:
/// the `Authorization` header holds the token.
fn request_span(request: &Request) -> tracing::Span {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(MatchedPath::as_str);
    // Set by `security::with_request_ids` from a checked client id or a
    // fresh UUID, so it is always there and always plain.
    let request_id = request
        .headers()
        .get(&security::REQUEST_ID)
        .and_then(|id| id.to_str().ok());
    tracing::info_span!(
        "request",
        method = %request.method(),
        path = %request.uri().path(),
        route,
        request_id,
    )
}

/// Serves the API on `listener` until `shutdown` completes, then finishes
/// the requests in flight and returns.
///
/// This is `axum::serve` with a timer: each connection is hyper's HTTP/1
/// connection with [`ServerConfig::header_read_timeout`], which
/// `axum::serve` cannot set, so a client trickling its headers is cut off
/// instead of holding its connection open for ever.
pub async fn serve(
    mut listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    if let Ok(address) = listener.local_addr() {
        tracing::info!(%address, "serving the recipe API");
    }
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(state.config.header_read_timeout);
    let app = router(state);
    let connections = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        // axum's `Listener` retries failed accepts (out of file
        // descriptors, say) after a pause instead of giving up.
        let (stream, remote) = tokio::select! {
            accepted = axum::serve::Listener::accept(&mut listener) => accepted,
            () = &mut shutdown => break,
        };
        // Responses go out in one write; Nagle's algorithm would only
        // hold back the last segment of a large one.
        if let Err(error) = stream.set_nodelay(true) {
            tracing::debug!(%error, %remote, "cannot set TCP_NODELAY");
        }
        let connection =
            http.serve_connection(TokioIo::new(stream), TowerToHyperService::new(app.clone()));
        let connection = connections.watch(connection);
        tokio::spawn(async move {
            // A client that goes away or is cut off ends here; nothing
            // to answer, so it is only traced.
            if let Err(error) = connection.await {
                tracing::debug!(%error, %remote, "connection closed with an error");
            }
        });
    }
    // No new connections; the open ones finish their request in flight
    // and close.
    drop(listener);
    connections.shutdown().await;
    Ok(())
}
