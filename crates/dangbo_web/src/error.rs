//! Errors at the HTTP boundary. Handlers return [`WebError`] (pages) or [`ApiError`] (JSON);
//! both become a response marked with an [`ErrorMark`], and the `localise_errors` middleware
//! renders the one error page or the JSON error body in the request's language. Internal
//! detail goes to the log, never to the user.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use dangbo_core::FieldErrors;
use dangbo_db::DbError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    NotFound,
    Forbidden,
    Unauthorized,
    BadRequest,
    Csrf,
    RateLimited,
    /// The server or the database is busy (an import, a queue of renders): try again soon.
    Busy,
    /// A document too large to make at once (a PDF of a whole province).
    TooLarge,
    /// An "as of" date that is no date (31/02, a two-digit year): said, never read as today.
    BadDate,
    Internal,
}

impl ErrorKind {
    pub fn status(self) -> StatusCode {
        match self {
            ErrorKind::NotFound => StatusCode::NOT_FOUND,
            ErrorKind::Forbidden | ErrorKind::Csrf => StatusCode::FORBIDDEN,
            ErrorKind::Unauthorized => StatusCode::UNAUTHORIZED,
            ErrorKind::BadRequest => StatusCode::BAD_REQUEST,
            ErrorKind::RateLimited => StatusCode::TOO_MANY_REQUESTS,
            ErrorKind::Busy => StatusCode::SERVICE_UNAVAILABLE,
            ErrorKind::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ErrorKind::BadDate => StatusCode::UNPROCESSABLE_ENTITY,
            ErrorKind::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
    pub fn code(self) -> &'static str {
        match self {
            ErrorKind::NotFound => "not_found",
            ErrorKind::Forbidden => "forbidden",
            ErrorKind::Unauthorized => "unauthorized",
            ErrorKind::BadRequest => "bad_request",
            ErrorKind::Csrf => "csrf",
            ErrorKind::RateLimited => "rate_limited",
            ErrorKind::Busy => "busy",
            ErrorKind::TooLarge => "too_large",
            ErrorKind::BadDate => "bad_date",
            ErrorKind::Internal => "internal",
        }
    }
    pub fn message_key(self) -> &'static str {
        match self {
            ErrorKind::NotFound => "error-not-found",
            ErrorKind::Forbidden => "error-forbidden",
            ErrorKind::Unauthorized => "error-unauthorized",
            ErrorKind::BadRequest => "error-bad-request",
            ErrorKind::Csrf => "error-csrf",
            ErrorKind::RateLimited => "login-throttled",
            ErrorKind::Busy => "error-busy",
            ErrorKind::TooLarge => "error-too-large",
            ErrorKind::BadDate => "error-bad-date",
            ErrorKind::Internal => "error-internal",
        }
    }
}

/// Put on an error response; the middleware renders it.
#[derive(Debug, Clone)]
pub enum ErrorMark {
    Page(ErrorKind),
    Api(ErrorKind, FieldErrors),
}

/// The error of a page handler.
#[derive(Debug)]
pub struct WebError(pub ErrorKind);

impl From<DbError> for WebError {
    fn from(e: DbError) -> Self {
        WebError(kind_of(&e))
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let mut r = self.0.status().into_response();
        r.extensions_mut().insert(ErrorMark::Page(self.0));
        r
    }
}

/// The error of an API handler: a kind, plus field errors for invalid input (422).
#[derive(Debug)]
pub struct ApiError(pub ErrorKind, pub FieldErrors);

impl From<DbError> for ApiError {
    fn from(e: DbError) -> Self {
        match e {
            DbError::Invalid(f) => ApiError(ErrorKind::BadRequest, f),
            e => ApiError(kind_of(&e), FieldErrors::new()),
        }
    }
}

impl From<FieldErrors> for ApiError {
    fn from(f: FieldErrors) -> Self {
        ApiError(ErrorKind::BadRequest, f)
    }
}

impl From<ErrorKind> for ApiError {
    fn from(k: ErrorKind) -> Self {
        ApiError(k, FieldErrors::new())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = if self.1.is_empty() { self.0.status() } else { StatusCode::UNPROCESSABLE_ENTITY };
        let mut r = status.into_response();
        r.extensions_mut().insert(ErrorMark::Api(self.0, self.1));
        r
    }
}

fn kind_of(e: &DbError) -> ErrorKind {
    match e {
        DbError::NotFound => ErrorKind::NotFound,
        DbError::Forbidden => ErrorKind::Forbidden,
        DbError::Invalid(_) => ErrorKind::BadRequest,
        DbError::RateLimited => ErrorKind::RateLimited,
        DbError::Busy => ErrorKind::Busy,
        DbError::Config(_) | DbError::Internal(_) => {
            tracing::error!(error = ?e, "internal error");
            ErrorKind::Internal
        }
    }
}
