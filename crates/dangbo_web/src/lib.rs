//! The dangbo web UI and JSON API.
//!
//! Architecture invariant: this is the only crate that knows HTTP and HTML. Handlers are thin:
//! extract (caller, language, input) → one store call → render. The store applies the
//! caller's scope; handlers never filter by scope themselves.

mod api;
mod auth;
mod error;
pub mod export;
pub mod i18n;
pub mod import;
pub mod limits;
pub mod metrics;
mod pages;
mod routes;
mod views;

use axum::Router;
use axum::extract::{FromRef, Request};
use axum::http::{HeaderValue, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use dangbo_db::Store;
use error::ErrorMark;
use std::sync::Arc;
use tower_http::request_id::{MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

pub use i18n::Lang;

/// Today's date as the user sees it (Vietnam, UTC+7), or a fixed date in tests.
#[derive(Clone)]
pub struct Clock(Arc<dyn Fn() -> NaiveDate + Send + Sync>);

impl Clock {
    pub fn system() -> Clock {
        Clock(Arc::new(|| (chrono::Utc::now() + chrono::Duration::hours(7)).date_naive()))
    }
    pub fn fixed(d: NaiveDate) -> Clock {
        Clock(Arc::new(move || d))
    }
    pub fn today(&self) -> NaiveDate {
        (self.0)()
    }
}

#[derive(Clone, FromRef)]
pub struct AppState {
    pub store: Store,
    pub clock: Clock,
    /// Mark cookies `Secure` (behind HTTPS).
    pub secure_cookies: bool,
    /// Bounds on slow work (uploads read, papers rendered at once).
    pub limits: limits::Limits,
    /// The operator's metrics, when turned on (`/metrics`).
    pub metrics: Option<Arc<metrics::Metrics>>,
}

/// Every path the application routes (pages, the API under `/api/v1`, health, style), as
/// axum writes them (`/members/{id}`): the route × role × scope test visits each.
pub fn route_paths() -> Vec<String> {
    app_routes().paths
}

fn app_routes() -> routes::Routes {
    let api = api::routes();
    let api = routes::Routes {
        router: Router::new().nest("/api/v1", api.router.layer(tower_http::limit::RequestBodyLimitLayer::new(256 * 1024))),
        paths: api.paths.iter().map(|p| format!("/api/v1{p}")).collect(),
    };
    routes::Routes::new()
        .merge(pages::routes())
        .merge(api)
        .route("/healthz", axum::routing::get(|| async { "ok" }))
        .route("/static/style.css", axum::routing::get(style))
        .route("/metrics", axum::routing::get(metrics::show))
}

/// The whole application: pages, API, static files, security headers.
pub fn router(state: AppState) -> Router {
    // Behind HTTPS (secure cookies), browsers are told to keep to it for a year.
    let hsts =
        state.secure_cookies.then(|| SetResponseHeaderLayer::overriding(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=31536000")));
    let recorded = state.metrics.clone().map(|m| middleware::from_fn_with_state(m, metrics::record));
    let csp = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'";
    app_routes()
        .router
        .fallback(|| async { error::WebError(error::ErrorKind::NotFound) })
        .layer(middleware::from_fn(refuse_nul))
        .layer(middleware::from_fn(localise_errors))
        // Old phones on slow networks: pages, CSS and JSON go gzip-compressed when asked.
        .layer(tower_http::compression::CompressionLayer::new())
        .layer(tower_http::csrf::CsrfLayer::new())
        .layer(SetResponseHeaderLayer::overriding(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(csp)))
        .layer(SetResponseHeaderLayer::overriding(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .layer(SetResponseHeaderLayer::overriding(header::REFERRER_POLICY, HeaderValue::from_static("same-origin")))
        // Old phone browsers ignore the CSP's frame-ancestors.
        .layer(SetResponseHeaderLayer::overriding(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
        // Members' records are never kept by a browser or a proxy (a shared commune computer);
        // only the stylesheet says otherwise.
        .layer(SetResponseHeaderLayer::if_not_present(header::CACHE_CONTROL, HeaderValue::from_static("no-store")))
        .layer(tower::util::option_layer(hsts))
        .layer(tower::util::option_layer(recorded))
        // Every log line of a request carries its id (its span's field), which the answer
        // returns as X-Request-Id for a user's report to point at. An id sent by the client
        // is replaced, not trusted into the log.
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(TraceLayer::new_for_http().make_span_with(request_span))
        .layer(SetRequestIdLayer::x_request_id(NewRequestId))
        .layer(middleware::map_request(|mut req: axum::extract::Request| async move {
            req.headers_mut().remove("x-request-id");
            req
        }))
        .with_state(state)
}

/// A fresh id for each request (time-ordered, so log lines sort by it).
#[derive(Clone, Copy)]
struct NewRequestId;

impl MakeRequestId for NewRequestId {
    fn make_request_id<B>(&mut self, _: &axum::http::Request<B>) -> Option<RequestId> {
        HeaderValue::from_str(&uuid::Uuid::now_v7().simple().to_string()).ok().map(RequestId::new)
    }
}

/// The span of one request: its id, method and path (never its query, which may hold a name
/// searched for).
fn request_span<B>(req: &axum::http::Request<B>) -> tracing::Span {
    let id = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("-");
    tracing::info_span!("request", id = %id, method = %req.method(), path = %req.uri().path())
}

/// Serves the application on `listener` until `shutdown` completes.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = router(state);
    axum::serve(listener, app.into_make_service_with_connect_info::<std::net::SocketAddr>()).with_graceful_shutdown(shutdown).await
}

async fn style() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=86400")], include_str!("../static/style.css"))
}

/// A NUL byte (or another control character) written into the address is never a real
/// request: 400 before any handler or store sees it.
async fn refuse_nul(req: Request, next: Next) -> Response {
    let raw = req.uri().path_and_query().map(|p| p.as_str()).unwrap_or("");
    let bytes = percent_encoding::percent_decode_str(raw);
    if bytes.clone().any(|b| b < 0x20 || b == 0x7f) {
        return error::WebError(error::ErrorKind::BadRequest).into_response();
    }
    next.run(req).await
}

/// Renders marked error responses in the request's language: the error page for pages, the
/// JSON error body for the API.
async fn localise_errors(req: Request, next: Next) -> Response {
    let (parts, body) = req.into_parts();
    let lang = auth::lang_of(&parts);
    let res = next.run(Request::from_parts(parts, body)).await;
    let Some(mark) = res.extensions().get::<ErrorMark>().cloned() else { return res };
    let status = res.status();
    let i18n = i18n::I18n::new(lang);
    let mut out = match mark {
        ErrorMark::Page(kind) => views::error_page(i18n, kind).into_response(),
        ErrorMark::Api(kind, fields) => {
            let message = if fields.is_empty() { i18n.t(kind.message_key()) } else { i18n.t("form-errors") };
            let code = if fields.is_empty() { kind.code() } else { "invalid" }.to_string();
            axum::Json(api::body::ErrorBody { error: api::body::ErrorDetail { code, message, fields: i18n.field_errors(&fields) } }).into_response()
        }
    };
    *out.status_mut() = status;
    out
}
