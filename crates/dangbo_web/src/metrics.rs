//! The operator's metrics (opt-in: `dangbo serve --metrics`): requests by status class, their
//! latency, the database pool and the waits for the write lock, in the Prometheus text format
//! at `/metrics`, for an admin's token only. Nothing about members is counted.

use crate::AppState;
use crate::auth::ApiAuth;
use crate::error::{ErrorKind, WebError};
use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;

type Labels = Vec<(&'static str, &'static str)>;

pub struct Metrics {
    registry: Registry,
    requests: Family<Labels, Counter>,
    seconds: Histogram,
    connections: Gauge,
    idle: Gauge,
    writes: Gauge,
    write_wait: Gauge<f64, AtomicU64>,
}

impl Metrics {
    pub fn new() -> Arc<Metrics> {
        let mut registry = Registry::with_prefix("dangbo");
        let requests = Family::<Labels, Counter>::default();
        // 1 ms to about 16 s.
        let seconds = Histogram::new(exponential_buckets(0.001, 2.0, 15));
        let (connections, idle, writes, write_wait) = (Gauge::default(), Gauge::default(), Gauge::default(), Gauge::<f64, AtomicU64>::default());
        registry.register("http_requests", "Requests answered, by status class", requests.clone());
        registry.register("http_request_seconds", "Time to answer a request", seconds.clone());
        registry.register("db_connections", "Connections open in the pool", connections.clone());
        registry.register("db_idle_connections", "Idle connections in the pool", idle.clone());
        registry.register("db_writes", "Write transactions begun since start", writes.clone());
        registry.register("db_write_wait_seconds", "Seconds write transactions waited for the write lock, in all", write_wait.clone());
        Arc::new(Metrics { registry, requests, seconds, connections, idle, writes, write_wait })
    }

    fn observe(&self, status: u16, seconds: f64) {
        let class = match status {
            100..=199 => "1xx",
            200..=299 => "2xx",
            300..=399 => "3xx",
            400..=499 => "4xx",
            _ => "5xx",
        };
        self.requests.get_or_create(&vec![("class", class)]).inc();
        self.seconds.observe(seconds);
    }

    fn render(&self, store: &dangbo_db::Store) -> String {
        let s = store.stats();
        self.connections.set(i64::from(s.connections));
        self.idle.set(i64::from(s.idle));
        self.writes.set(i64::try_from(s.writes).unwrap_or(i64::MAX));
        self.write_wait.set(s.write_wait_seconds);
        let mut out = String::new();
        // Writing to a String cannot fail.
        let _ = encode(&mut out, &self.registry);
        out
    }
}

/// Counts every request and its time (installed only when metrics are on).
pub async fn record(State(metrics): State<Arc<Metrics>>, req: Request, next: Next) -> Response {
    let started = std::time::Instant::now();
    let res = next.run(req).await;
    metrics.observe(res.status().as_u16(), started.elapsed().as_secs_f64());
    res
}

/// `/metrics`: not found when metrics are off; an admin's token only.
pub async fn show(State(st): State<AppState>, auth: ApiAuth) -> Result<Response, WebError> {
    let Some(metrics) = &st.metrics else { return Err(WebError(ErrorKind::NotFound)) };
    if !auth.caller.is_admin() {
        return Err(WebError(ErrorKind::Forbidden));
    }
    Ok(([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], metrics.render(&st.store)).into_response())
}
