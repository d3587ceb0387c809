//! What `/metrics` reports, in Prometheus text.

use std::time::Duration;

use axum::http::StatusCode;
use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

use recipe_ports::Written;

/// The server's counters, one set per [`AppState`](super::AppState).
///
/// Each state owns its registry rather than using a global one, so
/// several servers in one process (as in tests) count separately.
pub struct Metrics {
    registry: Registry,
    makes: Family<[(&'static str, &'static str); 1], Counter>,
    diff_seconds: Histogram,
    http_errors: Family<[(&'static str, u16); 1], Counter>,
}

impl Metrics {
    /// Fresh counters, registered.
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("recipe");
        let makes = Family::default();
        registry.register(
            "makes_processed",
            "Makes received, by outcome: created, duplicate (a redelivery) or rejected",
            makes.clone(),
        );
        // From 10 µs to about 2.6 s: a typical diff takes well under a
        // millisecond, a pathological one far longer.
        let diff_seconds = Histogram::new(exponential_buckets(1e-5, 4.0, 10));
        registry.register(
            "diff_duration_seconds",
            "Time spent computing a make's differences",
            diff_seconds.clone(),
        );
        let http_errors = Family::default();
        registry.register(
            "http_errors",
            "Responses with a 4xx or 5xx status, by status",
            http_errors.clone(),
        );
        Metrics {
            registry,
            makes,
            diff_seconds,
            http_errors,
        }
    }

    /// Counts a make that was stored, or recognised as stored before.
    pub(super) fn count_make(&self, written: Written, diff_time: Option<Duration>) {
        let outcome = match written {
            Written::AlreadyExists => "duplicate",
            _ => "created",
        };
        self.makes.get_or_create(&[("outcome", outcome)]).inc();
        if let Some(elapsed) = diff_time {
            self.diff_seconds.observe(elapsed.as_secs_f64());
        }
    }

    /// Counts a make that was refused.
    pub(super) fn count_rejected_make(&self) {
        self.makes.get_or_create(&[("outcome", "rejected")]).inc();
    }

    /// Counts an error response.
    pub(super) fn count_http_error(&self, status: StatusCode) {
        self.http_errors
            .get_or_create(&[("status", status.as_u16())])
            .inc();
    }

    /// Everything, in the Prometheus text exposition format (OpenMetrics
    /// flavour).
    pub fn render(&self) -> String {
        let mut text = String::new();
        // Writing into a String cannot fail; a failure would only mean a
        // metric we registered cannot be encoded, and an empty page is
        // then a better answer than none.
        if encode(&mut text, &self.registry).is_err() {
            tracing::error!("metrics could not be encoded");
        }
        text
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Metrics").finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counts_by_label() {
        let metrics = Metrics::new();
        metrics.count_make(Written::Created, Some(Duration::from_micros(50)));
        metrics.count_make(Written::AlreadyExists, None);
        metrics.count_rejected_make();
        metrics.count_http_error(StatusCode::NOT_FOUND);
        let text = metrics.render();
        for line in [
            r#"recipe_makes_processed_total{outcome="created"} 1"#,
            r#"recipe_makes_processed_total{outcome="duplicate"} 1"#,
            r#"recipe_makes_processed_total{outcome="rejected"} 1"#,
            "recipe_diff_duration_seconds_count 1",
            r#"recipe_http_errors_total{status="404"} 1"#,
        ] {
            assert!(text.contains(line), "{line} missing from\n{text}");
        }
    }
}
