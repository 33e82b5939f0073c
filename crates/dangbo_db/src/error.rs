//! The store's error type. `Invalid` carries field errors for the user; `NotFound` is also
//! what an out-of-scope record looks like; `Internal` is logged, never shown.

use dangbo_core::FieldErrors;

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("not found")]
    NotFound,
    #[error("invalid input")]
    Invalid(FieldErrors),
    #[error("forbidden")]
    Forbidden,
    #[error("too many attempts")]
    RateLimited,
    /// The database stayed locked by another writer (a command-line import) past the wait.
    #[error("database busy")]
    Busy,
    #[error("configuration: {0}")]
    Config(String),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<sqlx::Error> for DbError {
    fn from(e: sqlx::Error) -> Self {
        // SQLITE_BUSY (5) and its extended codes: another process held the write lock past
        // busy_timeout. The user is told to try again; nothing was written.
        if let sqlx::Error::Database(d) = &e
            && d.code().is_some_and(|c| matches!(c.as_ref(), "5" | "261" | "517" | "773" | "6"))
        {
            tracing::warn!(error = %d, "database busy");
            return DbError::Busy;
        }
        // PostgreSQL refuses text it cannot store (a NUL byte from a field not cleaned on the
        // way in): bad input, not a failure of the server. The transaction rolls back whole.
        if let sqlx::Error::Database(d) = &e
            && d.code().is_some_and(|c| matches!(c.as_ref(), "22021" | "22P05"))
        {
            return DbError::field("input", "err-bad-char");
        }
        DbError::Internal(e.into())
    }
}

impl From<serde_json::Error> for DbError {
    fn from(e: serde_json::Error) -> Self {
        DbError::Internal(e.into())
    }
}

impl From<FieldErrors> for DbError {
    fn from(e: FieldErrors) -> Self {
        DbError::Invalid(e)
    }
}

impl DbError {
    pub fn field(field: &str, key: &'static str) -> Self {
        DbError::Invalid(FieldErrors::single(field, key))
    }
}
