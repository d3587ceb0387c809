//! A fault-injecting HTTP proxy on loopback, between the AWS SDK clients
//! (whose endpoint URL points here) and moto.
//!
//! While faulting, three requests in ten fail the way AWS fails under
//! load, in each protocol's own shape, so the SDK classifies them as it
//! would AWS's: S3 (REST-XML) answers `503 SlowDown` or `500
//! InternalError`; SQS and DynamoDB (JSON protocols, told apart by their
//! `X-Amz-Target`) answer `400 ThrottlingException` or
//! `ProvisionedThroughputExceededException`, or a `500`. One fault in
//! three is a *lost response*: the request reaches moto and takes effect,
//! then the client gets a 500 anyway and retries, which is where doubled
//! messages and conditional-write conflicts come from. Otherwise, and
//! whenever not faulting, requests pass through unchanged.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// The AWS service a request is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Service {
    S3,
    Sqs,
    DynamoDb,
}

impl Service {
    /// JSON-protocol services name their operation in `X-Amz-Target`;
    /// S3's REST-XML requests carry none.
    fn of(headers: &HeaderMap) -> Service {
        match headers.get("x-amz-target").and_then(|v| v.to_str().ok()) {
            Some(target) if target.starts_with("AmazonSQS") => Service::Sqs,
            Some(target) if target.starts_with("DynamoDB") => Service::DynamoDb,
            _ => Service::S3,
        }
    }
}

/// What the proxy did, by service.
#[derive(Debug, Default, Clone)]
pub(crate) struct Counters {
    /// Requests answered with an error without reaching moto.
    pub(crate) refused: BTreeMap<Service, u64>,
    /// Requests that reached moto and whose answer was replaced by a 500.
    pub(crate) lost: BTreeMap<Service, u64>,
    /// Requests passed through unchanged.
    pub(crate) passed: BTreeMap<Service, u64>,
}

impl Counters {
    /// Faults of both kinds for `service`.
    pub(crate) fn faults(&self, service: Service) -> u64 {
        self.refused.get(&service).copied().unwrap_or(0)
            + self.lost.get(&service).copied().unwrap_or(0)
    }
}

struct Shared {
    upstream: String,
    client: reqwest::Client,
    faulting: AtomicBool,
    /// Numbers the requests seen while faulting; which ones fail follows
    /// from it, so every run injects the same share.
    sequence: AtomicU64,
    counters: Mutex<Counters>,
}

/// A running proxy; it stops with the test's runtime.
pub(crate) struct FaultProxy {
    url: String,
    shared: Arc<Shared>,
}

impl FaultProxy {
    /// Listens on a free loopback port and forwards to `upstream`.
    pub(crate) async fn start(upstream: &str) -> FaultProxy {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("the proxy binds a loopback port");
        let url = format!("http://{}", listener.local_addr().expect("a bound address"));
        let shared = Arc::new(Shared {
            upstream: upstream.trim_end_matches('/').to_owned(),
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("a reqwest client"),
            faulting: AtomicBool::new(false),
            sequence: AtomicU64::new(0),
            counters: Mutex::default(),
        });
        let app = axum::Router::new()
            .fallback(forward)
            .with_state(Arc::clone(&shared));
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        FaultProxy { url, shared }
    }

    /// The endpoint URL to give the SDK.
    pub(crate) fn url(&self) -> &str {
        &self.url
    }

    /// Starts or stops injecting faults.
    pub(crate) fn set_faulting(&self, on: bool) {
        self.shared.faulting.store(on, Ordering::SeqCst);
    }

    /// What the proxy did so far.
    pub(crate) fn counters(&self) -> Counters {
        self.shared
            .counters
            .lock()
            .expect("no thread panicked while counting")
            .clone()
    }
}

/// How a request is treated.
enum Fate {
    Pass,
    /// Answered without reaching moto: throttled, or an internal error.
    Refuse {
        throttled: bool,
    },
    LoseResponse,
}

fn fate(shared: &Shared) -> Fate {
    if !shared.faulting.load(Ordering::SeqCst) {
        return Fate::Pass;
    }
    // Spread out (1, 4, 7 of every ten), so one request's retries are not
    // all refused in a row.
    match shared.sequence.fetch_add(1, Ordering::SeqCst) % 10 {
        1 => Fate::Refuse { throttled: true },
        7 => Fate::Refuse { throttled: false },
        4 => Fate::LoseResponse,
        _ => Fate::Pass,
    }
}

fn count(
    shared: &Shared,
    service: Service,
    which: impl FnOnce(&mut Counters) -> &mut BTreeMap<Service, u64>,
) {
    let mut counters = shared
        .counters
        .lock()
        .expect("no thread panicked while counting");
    *which(&mut counters).entry(service).or_default() += 1;
}

async fn forward(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let service = Service::of(request.headers());
    let fate = fate(&shared);
    if let Fate::Refuse { throttled } = fate {
        count(&shared, service, |c| &mut c.refused);
        return if throttled {
            throttling(service)
        } else {
            server_error(service)
        };
    }
    let (parts, body) = request.into_parts();
    let Ok(body) = axum::body::to_bytes(body, usize::MAX).await else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    let path = parts.uri.path_and_query().map_or("/", |p| p.as_str());
    let mut headers = parts.headers;
    for hop in [
        header::HOST,
        header::CONNECTION,
        header::CONTENT_LENGTH,
        header::TRANSFER_ENCODING,
    ] {
        headers.remove(hop);
    }
    let answer = shared
        .client
        .request(parts.method, format!("{}{path}", shared.upstream))
        .headers(headers)
        .body(body)
        .send()
        .await;
    let answer = match answer {
        Ok(answer) => answer,
        Err(error) => {
            return (
                StatusCode::BAD_GATEWAY,
                format!("moto did not answer: {error}"),
            )
                .into_response();
        }
    };
    if let Fate::LoseResponse = fate {
        count(&shared, service, |c| &mut c.lost);
        // The body is read, so moto finished; then the answer is lost.
        let _ = answer.bytes().await;
        return server_error(service);
    }
    count(&shared, service, |c| &mut c.passed);
    let status = answer.status();
    let mut headers = answer.headers().clone();
    for hop in [
        header::CONNECTION,
        header::CONTENT_LENGTH,
        header::TRANSFER_ENCODING,
    ] {
        headers.remove(hop);
    }
    let body = answer.bytes().await.unwrap_or_default();
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    *response.headers_mut() = headers;
    response
}

/// A throttling error in the service's protocol, with a code the SDK
/// classifies as throttling.
fn throttling(service: Service) -> Response {
    match service {
        Service::S3 => xml(
            StatusCode::SERVICE_UNAVAILABLE,
            "SlowDown",
            "Please reduce your request rate.",
        ),
        Service::Sqs => json(
            StatusCode::BAD_REQUEST,
            "com.amazonaws.sqs#ThrottlingException",
            "Rate exceeded",
        ),
        Service::DynamoDb => json(
            StatusCode::BAD_REQUEST,
            "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException",
            "The level of configured provisioned throughput for the table was exceeded.",
        ),
    }
}

/// An internal error in the service's protocol.
fn server_error(service: Service) -> Response {
    match service {
        Service::S3 => xml(
            StatusCode::INTERNAL_SERVER_ERROR,
            "InternalError",
            "We encountered an internal error. Please try again.",
        ),
        Service::Sqs => json(
            StatusCode::INTERNAL_SERVER_ERROR,
            "com.amazonaws.sqs#InternalError",
            "Internal error",
        ),
        Service::DynamoDb => json(
            StatusCode::INTERNAL_SERVER_ERROR,
            "com.amazonaws.dynamodb.v20120810#InternalServerError",
            "Internal server error",
        ),
    }
}

fn xml(status: StatusCode, code: &str, message: &str) -> Response {
    let body = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{code}</Code>\
         <Message>{message}</Message><RequestId>fault-proxy</RequestId></Error>"
    );
    let mut response = (status, body).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/xml"),
    );
    response
}

fn json(status: StatusCode, kind: &str, message: &str) -> Response {
    let body = serde_json::json!({ "__type": kind, "message": message }).to_string();
    let mut response = (status, body).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/x-amz-json-1.0"),
    );
    response
}
