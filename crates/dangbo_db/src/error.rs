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
    #[error("configuration: {0}")]
    Config(String),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<sqlx::Error> for DbError {
    fn from(e: sqlx::Error) -> Self {
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
